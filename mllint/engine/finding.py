"""What a rule reports, and the severity scale findings are judged by."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from mllint.model.span import Span


class Severity(IntEnum):
    """Ordered so that ``finding.severity >= threshold`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected error, warning or info)"
            ) from None

    def __str__(self) -> str:
        return self.name.lower()


class Related(NamedTuple):
    """A secondary location that explains a finding (the FROM line a RUN conflicts with)."""

    path: str
    span: Span
    message: str


class Edit(NamedTuple):
    """Replace ``old`` at ``span`` with ``new``. ``old`` is what the rule saw there: the fixer
    drops the whole fix when the file says otherwise, so a fix is placed exactly or not at all."""

    span: Span
    old: str
    new: str
    path: str | None = None  # another file than the finding's (a .dockerignore)


class Autofix(NamedTuple):
    """Edits that resolve a finding. ``safe`` fixes are applied by ``--fix``; the others only
    with ``--unsafe-fixes`` (they change behaviour a team may rely on)."""

    edits: tuple[Edit, ...]
    safe: bool
    title: str  # what it does, in a few words: "add --no-cache-dir"


class Finding(NamedTuple):
    """One problem at one place, fully stamped by the engine with the catalog's metadata."""

    rule_id: str
    name: str
    category: str
    severity: Severity
    path: str
    span: Span
    message: str
    help_url: str
    fix: str | None = None  # a one-line hint: what to write instead
    related: tuple[Related, ...] = ()
    autofix: Autofix | None = None  # edits --fix can apply

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.rule_id, self.message)
