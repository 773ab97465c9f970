"""Output formats. Each module has ``render(report, out, *, color)``; none re-derives metadata."""

from __future__ import annotations

from importlib import import_module
from typing import IO, Protocol

from mllint.lint import Report

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")


class Renderer(Protocol):
    def __call__(self, report: Report, out: IO[str], *, color: bool) -> None: ...


def renderer(fmt: str) -> Renderer:
    """The render function of a format, imported only when used (rich is slow to import)."""
    module = import_module(f"mllint.reporters.{fmt}_format")
    render: Renderer = module.render
    return render
