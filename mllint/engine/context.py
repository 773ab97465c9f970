"""What a rule function receives besides the model: its options and a way to report."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from mllint.engine.finding import Autofix, Related, Severity
from mllint.model.span import Span

OptionsT = TypeVar("OptionsT")


class Hit(NamedTuple):
    """A finding before the engine stamps rule metadata on it."""

    span: Span
    message: str
    fix: str | None = None
    related: tuple[Related, ...] = ()
    path: str | None = None  # set when the finding belongs to another file (a requirements file)
    severity: Severity | None = None  # a rule's own judgement of this case; the catalog's otherwise
    autofix: Autofix | None = None  # edits that resolve it, where they can be placed exactly


class RuleContext(NamedTuple, Generic[OptionsT]):
    path: str
    options: OptionsT

    def finding(
        self,
        span: Span,
        message: str,
        *,
        fix: str | None = None,
        related: tuple[Related, ...] = (),
        path: str | None = None,
        severity: Severity | None = None,
        autofix: Autofix | None = None,
    ) -> Hit:
        return Hit(span, message, fix, related, path, severity, autofix)
