"""The ``@rule`` decorator and the registry of rule functions.

A rule is a generator function over one target model (a Dockerfile, a compose project) that
yields ``Hit``s; the engine stamps ids, severities and paths from the catalog. The registry
knows nothing of the catalog: the drift tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from mllint.engine.context import Hit, RuleContext

RuleFunction = Callable[[Any, RuleContext[Any]], Iterator[Hit]]


class RegisteredRule(NamedTuple):
    id: str
    name: str  # the function's name with dashes: must equal the catalog name
    function: RuleFunction
    options: Any  # a NamedTuple class whose fields (with defaults) are the catalog's options
    phase: str = "model"  # "model": runs on a parsed file; "suppressions": on unused pragmas

    def default_options(self) -> Any:
        return self.options() if self.options is not None else None

    def option_names(self) -> list[str]:
        if self.options is None:
            return []
        return [name.replace("_", "-") for name in self.options._fields]


REGISTRY: dict[str, RegisteredRule] = {}


def rule(
    rule_id: str, *, options: Any = None, phase: str = "model"
) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in REGISTRY:
            raise RuntimeError(f"rule {rule_id} registered twice")
        REGISTRY[rule_id] = RegisteredRule(
            rule_id, function.__name__.replace("_", "-"), function, options, phase
        )
        return function

    return register
