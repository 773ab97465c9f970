"""Applies the edits findings carry (``--fix``, ``--unsafe-fixes``, ``--diff``).

An edit replaces the text at a span, and says what it expects to find there; when the file
says otherwise (it changed, or the rule's position was off) the whole fix is dropped, so a fix
is placed exactly or not at all. Fixes whose edits overlap one already taken wait for the next
round: the caller lints again after each round, until nothing more applies, so a second run
changes nothing. Files keep their line endings, byte-order mark and permissions, and are
replaced atomically (a temporary file in the same folder, then a rename), only when changed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from mllint.engine.finding import Edit, Finding

_BOM = "\ufeff"
ReadText = Callable[[str], "str | None"]


class FixError(Exception):
    """A file that cannot be written; one line, the run stops with exit 2."""


class Plan(NamedTuple):
    texts: dict[str, tuple[str, str]]  # path -> (text before, text after)
    applied: list[Finding]  # the findings whose fix was taken


def fixable(finding: Finding, unsafe: bool) -> bool:
    return finding.autofix is not None and (finding.autofix.safe or unsafe)


def plan(findings: Iterable[Finding], unsafe: bool, read: ReadText | None = None) -> Plan:
    """The new texts of the files the fixes of ``findings`` touch (one round)."""
    read = read or read_text
    taken: dict[str, list[tuple[int, int]]] = {}
    edits: dict[str, list[tuple[int, int, str]]] = {}
    texts: dict[str, str | None] = {}
    applied: list[Finding] = []
    for finding in findings:
        if not fixable(finding, unsafe):
            continue
        assert finding.autofix is not None
        placed: list[tuple[str, tuple[int, int], str]] = []
        for edit in finding.autofix.edits:
            path = edit.path or finding.path
            if path not in texts:
                texts[path] = read(path)
            text = texts[path]
            where = _offsets(text, edit) if text is not None else None
            if where is None or _overlaps(where, taken.get(path, [])):
                placed = []
                break
            placed.append((path, where, edit.new))
        if not placed:
            continue
        for path, where, new in placed:
            taken.setdefault(path, []).append(where)
            edits.setdefault(path, []).append((where[0], where[1], new))
        applied.append(finding)
    out: dict[str, tuple[str, str]] = {}
    for path, changes in edits.items():
        before = texts[path]
        assert before is not None
        after = before
        for start, end, new in sorted(changes, reverse=True):
            after = after[:start] + new + after[end:]
        if after != before:
            out[path] = (before, after)
    return Plan(out, applied)


def _overlaps(where: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    start, end = where
    return any((start < e and s < end) or (start == end == s) for s, e in taken)


def _offsets(text: str, edit: Edit) -> tuple[int, int] | None:
    """Offsets of the edit's span in ``text``, when the text there is what the edit expects."""
    starts = _line_starts(text)
    span = edit.span
    if not (1 <= span.line <= len(starts) and 1 <= span.end_line <= len(starts)):
        return None
    start = starts[span.line - 1] + span.column - 1
    end = starts[span.end_line - 1] + span.end_column - 1
    if not 0 <= start <= end <= len(text) or text[start:end] != edit.old:
        return None
    return start, end


def _line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def read_text(path: str) -> str | None:
    """A file's text, without its byte-order mark; "" for a file that does not exist yet (a fix
    may create a .dockerignore); None when it is not UTF-8 text (never fixed)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return ""
    except OSError:
        return None
    try:
        return data.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError:
        return None


def write_text(path: str, text: str) -> None:
    """Replace ``path`` atomically, keeping its byte-order mark and permissions."""
    try:
        with open(path, "rb") as fh:
            bom = fh.read(3) == _BOM.encode("utf-8")
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        bom, mode = False, 0o644
    except OSError as exc:
        raise FixError(f"{path}: cannot read: {exc.strerror}") from None
    folder = os.path.dirname(path) or "."
    data = ((_BOM if bom else "") + text).encode("utf-8")
    try:
        fd, temporary = tempfile.mkstemp(prefix=".mllint-", dir=folder)
    except OSError as exc:
        raise FixError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        with _quiet():
            os.unlink(temporary)
        raise FixError(f"{path}: cannot write: {exc.strerror}") from None


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, *_: object) -> bool:
        return isinstance(kind, type) and issubclass(kind, OSError)


def unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
