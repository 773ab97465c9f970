""".dockerignore as Docker reads it (moby/patternmatcher), not as git reads .gitignore.

The differences matter for rules that ask "is this path sent to the builder": a bare ``data``
excludes only ``./data`` (git would exclude every ``data`` at any depth), ``*`` stops at ``/``,
a ``!`` exception can re-include a file below an excluded folder, and the last matching line
decides. Pure: no I/O.
"""

from __future__ import annotations

import functools
import posixpath
import re
import warnings
from typing import NamedTuple


def _clean(pattern: str) -> str:
    """Go's filepath.Clean on a /-separated path ("" becomes ".")."""
    cleaned = posixpath.normpath(pattern) if pattern else "."
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")  # posixpath keeps a leading "//"; Go does not
    return cleaned


class _Matcher(NamedTuple):
    """How patternmatcher matches one pattern: exactly, by prefix, by suffix or by regex."""

    kind: str  # "exact" | "prefix" | "suffix" | "regex" | "bad"
    pattern: str
    regex: re.Pattern[str] | None

    def __call__(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.pattern
        if self.kind == "prefix":
            return path.startswith(self.pattern[:-2])  # without the trailing "**"
        if self.kind == "suffix":
            suffix = self.pattern[2:]  # without the leading "**"
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        return self.regex is not None and self.regex.match(path) is not None


_ESCAPE = frozenset(".+()|{}$")


def _compile(pattern: str) -> _Matcher:
    """patternmatcher's compile(): ``*`` and ``?`` stop at ``/``, ``**`` spans folders
    (``**/`` also none), ``\\`` escapes, ``[...]`` is passed to the regex engine. Patterns
    without wildcards compare exactly; ``foo**`` by prefix, ``**foo`` by suffix."""
    out = ["^"]
    kind = "exact"
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        first = i == 0
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        out.append(".*")
                        kind = "regex"
                else:
                    out.append("(.*/)?")
                    kind = "regex"
                if first:
                    kind = "suffix"
            else:
                out.append("[^/]*")
                kind = "regex"
        elif ch == "?":
            out.append("[^/]")
            kind = "regex"
        elif ch in _ESCAPE:
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append(re.escape(pattern[i]))
                i += 1
                kind = "regex"
            else:
                out.append("\\\\")
        elif ch in "[]":
            out.append(ch)
            kind = "regex"
        else:
            out.append(ch if ch.isalnum() or ch in "^-!" else re.escape(ch))
    if kind != "regex":
        return _Matcher(kind, pattern, None)
    out.append("$")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _Matcher(kind, pattern, re.compile("".join(out), re.DOTALL))
    except re.error:
        return _Matcher("bad", pattern, None)  # Docker refuses the pattern: the build fails


_BAD = _Matcher("bad", "", None)


class IgnorePattern(NamedTuple):
    """One pattern line, cleaned the way Docker cleans it."""

    pattern: str  # after filepath.Clean and without a leading "/" (and without "!")
    exclusion: bool  # a "!" line: re-includes what it matches
    line: int  # 1-based line in the ignore file
    matches: _Matcher


def parse_dockerignore(lines: tuple[str, ...] | list[str]) -> tuple[IgnorePattern, ...]:
    """The patterns of a .dockerignore: a line starting with ``#`` in column 1 is a comment
    (an indented ``#`` is a pattern, as in Docker), blank lines are skipped, each pattern is
    trimmed, cleaned, and loses a leading ``/``."""
    out = []
    for number, raw in enumerate(lines, start=1):
        text = raw.removeprefix("\ufeff") if number == 1 else raw
        if text.startswith("#"):
            continue
        text = text.strip()
        if not text:
            continue
        exclusion = text.startswith("!")
        if exclusion:
            text = text[1:].strip()
        if text:
            text = _clean(text)
            if len(text) > 1 and text.startswith("/"):
                text = text[1:]
        out.append(IgnorePattern(text, exclusion, number, _compile(text) if text else _BAD))
    return tuple(out)


class DockerIgnore:
    """The patterns of one ignore file, asked about paths relative to the context root."""

    __slots__ = ("patterns",)

    def __init__(self, patterns: tuple[IgnorePattern, ...]) -> None:
        self.patterns = patterns

    @classmethod
    def from_lines(cls, lines: tuple[str, ...] | list[str]) -> DockerIgnore:
        return _cached(tuple(lines)) if isinstance(lines, tuple) else cls(parse_dockerignore(lines))

    @property
    def has_exceptions(self) -> bool:
        return any(p.exclusion for p in self.patterns)

    def match(self, path: str) -> IgnorePattern | None:
        """The pattern that decides ``path`` when it is excluded; None when it is sent.

        A pattern matches the path or any of its parent folders; the last matching line wins
        (patternmatcher's MatchesOrParentMatches)."""
        path = _clean(path.replace("\\", "/")).lstrip("/")
        if path in ("", "."):
            return None
        parts = path.split("/")
        parents = ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]
        decided: IgnorePattern | None = None
        for pattern in self.patterns:
            if pattern.exclusion != (decided is not None):
                continue  # an exception only matters once excluded, and vice versa
            hit = pattern.matches(path) or any(pattern.matches(p) for p in parents)
            if hit:
                decided = None if pattern.exclusion else pattern
        return decided

    def excludes(self, path: str) -> bool:
        """Whether ``path`` (relative to the context, ``/``-separated) is left out."""
        return self.match(path) is not None

    def may_include_below(self, folder: str) -> bool:
        """Whether an exception could re-include something below an excluded ``folder``
        (then the folder is sent partially, not dropped)."""
        folder = _clean(folder).strip("/")
        return any(
            p.exclusion and p.pattern.startswith((folder + "/", "**")) for p in self.patterns
        )


@functools.lru_cache(maxsize=32)
def _cached(lines: tuple[str, ...]) -> DockerIgnore:
    """Several rules ask about the same ignore file: compile it once."""
    return DockerIgnore(parse_dockerignore(lines))
