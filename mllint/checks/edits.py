"""How rules build their fixes: edits anchored on text the rule has seen.

Every edit replaces a piece of source whose exact text is known (a word, a YAML scalar), so the
fixer can check the file still says that before it changes anything.
"""

from __future__ import annotations

from typing import Protocol

from mllint.engine.finding import Autofix, Edit
from mllint.model.dockerfile import Instruction
from mllint.model.span import Span
from mllint.model.yaml import YScalar


class _Text(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def span(self) -> Span: ...


def _one_line(span: Span) -> bool:
    return span.line == span.end_line


def after(word: _Text, text: str) -> Edit | None:
    """Insert ``text`` right after ``word`` (which must sit on one line)."""
    if not _one_line(word.span):
        return None
    return Edit(word.span, word.text, word.text + text)


def fix(title: str, *edits: Edit | None, safe: bool = True) -> Autofix | None:
    """A fix from edits; none at all when one of them could not be placed."""
    if not edits or any(e is None for e in edits):
        return None
    return Autofix(tuple(e for e in edits if e is not None), safe, title)


def append_to_run(instr: Instruction, command: str) -> Edit | None:
    """``&& command`` at the end of a shell-form RUN, after its last word: only for a RUN whose
    one script was read completely and that has no heredoc (whose end is not a word)."""
    if instr.keyword != "RUN" or instr.is_exec_form or instr.heredocs or len(instr.scripts) != 1:
        return None
    script = instr.scripts[0]
    if not script.complete or not script.commands:
        return None
    words = [
        w for c in script.commands if c.depth == 0 for w in (*c.assignments, *c.argv, *c.redirects)
    ]
    if not words:
        return None
    last = max(words, key=lambda w: (w.span.end_line, w.span.end_column))
    if (last.span.end_line, last.span.end_column) != (instr.span.end_line, _end(instr)):
        return None  # something follows the last word (`&`, `;`, a closing brace): not sure
    return after(last, f" && {command}")


def _end(instr: Instruction) -> int:
    """The column just after the instruction's last character that is not a space."""
    return instr.arguments.span.end_column


def replace_scalar(node: YScalar, new: str) -> Edit | None:
    """Replace a YAML scalar as written (quotes included) with ``new``."""
    if not _one_line(node.span):
        return None
    return Edit(node.span, node.text if node.style == "" else _written(node), new, node.path)


def _written(node: YScalar) -> str:
    quote = "'" if node.style == "'" else '"'
    return f"{quote}{node.text}{quote}"
