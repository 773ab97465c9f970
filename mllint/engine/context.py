"""What a rule function receives besides the model: its options and a way to report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from mllint.engine.finding import Related
from mllint.model.span import Span

OptionsT = TypeVar("OptionsT")


@dataclass(frozen=True, slots=True)
class Hit:
    """A finding before the engine stamps rule metadata on it."""

    span: Span
    message: str
    fix: str | None = None
    related: tuple[Related, ...] = field(default=())
    path: str | None = None  # set when the finding belongs to another file (a requirements file)


@dataclass(frozen=True, slots=True)
class RuleContext(Generic[OptionsT]):
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
    ) -> Hit:
        return Hit(span, message, fix, related, path)
