"""The shell analysis of a RUN: commands with argv words and exact spans.

Produced by ``mllint.parsers.shell``; lives in the model so that rules and the Dockerfile model
depend on data, not on the parser.
"""

from __future__ import annotations

from typing import NamedTuple

from mllint.model.span import Span


class Word(NamedTuple):
    text: str  # raw source text of the word, quotes included
    value: str  # quotes removed, escapes processed; $VAR, ${..}, $(..) kept literally
    span: Span
    dynamic: (
        bool  # contains an expansion outside single quotes: its value is only known at run time
    )
    quoted: bool  # some part of it was quoted


class Command(NamedTuple):
    argv: tuple[Word, ...]  # without leading NAME=value assignments and redirections
    assignments: tuple[Word, ...]  # leading NAME=value words
    redirects: tuple[Word, ...]
    span: Span
    pipe_in: bool  # stdin comes from a `|`
    pipe_out: bool  # stdout goes into a `|`
    depth: int  # 0 at top level; +1 inside `sh -c "…"`, $(…) and backticks

    @property
    def name(self) -> str:
        """Basename of the program: ``/usr/bin/pip3`` -> ``pip3``; "" without argv."""
        return self.argv[0].value.rsplit("/", 1)[-1] if self.argv else ""

    def args(self) -> tuple[Word, ...]:
        return self.argv[1:]


class ShellScript(NamedTuple):
    commands: tuple[Command, ...]
    complete: bool  # False when part of the script could not be read; rules stay silent then

    @property
    def has_pipe(self) -> bool:
        return any(c.pipe_out and c.depth == 0 for c in self.commands)
