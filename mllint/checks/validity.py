"""ML0xx: the file can be read and is a Dockerfile at all."""

from __future__ import annotations

from collections.abc import Iterator

from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.dockerfile import Dockerfile


@rule("ML001")
def parse_error(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    """Every problem the parser met; the rest of the file is still linted by the other rules."""
    for problem in df.problems:
        yield ctx.finding(problem.span, problem.message)
