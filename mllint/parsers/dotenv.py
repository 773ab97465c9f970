"""The ``.env`` reader of Docker Compose v2, with positions for every key and value.

The behaviour follows compose-go's ``dotenv`` package (a godotenv fork) as shipped in Compose
v2.40.3 (compose-go v2.9.1), checked against that binary (``tests/test_dotenv.py``):

* Blank lines and lines whose first non-blank character is ``#`` are skipped.
* ``export KEY=value`` is ``KEY=value``. ``KEY=value``, ``KEY = value`` and the YAML-like
  ``KEY: value`` are all accepted; the key ends at the first ``=`` or ``:``.
* A key may hold letters, digits (a leading digit too), ``_ . - [ ]``; blanks inside are
  skipped while scanning, then a key containing a space is an error. Anything else is an error
  ("unexpected character ... in variable name").
* ``KEY`` alone on its line takes the value of ``KEY`` from the process environment (``env``)
  when it has one, and is otherwise not set. On the last line with no newline after it, it is
  silently lost instead (compose-go reads it as the value of an empty key): reported as a
  non-fatal problem.
* Unquoted values run to the end of the line, lose a `` #`` comment (a ``#`` right after a
  non-blank character is kept) and trailing whitespace, and are interpolated.
* Single-quoted values are literal; double-quoted values understand ``\\n \\r \\t \\a \\b \\f
  \\v \\\\ \\" \\$`` and ``\\0ooo`` (octal) escapes, are interpolated, and may span lines. In
  both, a backslash before the closing quote character escapes it; any other backslash is kept
  (so ``'a\\\\'`` is two backslashes). Text after the closing quote is read as a new statement:
  ``A="x" B=2`` sets B, which is reported as a non-fatal problem.
* Interpolation (``${VAR}``, defaults, ``$$``...; see :mod:`mllint.parsers.interpolation`)
  looks names up in ``env`` first, then in the keys read so far. Names found in neither become
  ``""`` and are listed in :attr:`DotenvEntry.unset`.
* CRLF line endings and a UTF-8 byte order mark are accepted.

Compose stops at the first error and loads nothing. This reader reports every problem it can:
after a fatal one it resumes on the next line (except after an unterminated quote, which runs
to the end of the file), so entries past it are best effort. Problems carry the line of the
statement they belong to (Compose reports an unterminated quote at the line where it stopped
looking, the end of the file). Later entries for the same key win, as in Compose.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple

from mllint.model.span import Span
from mllint.parsers.interpolation import interpolate

__all__ = ["DotenvEntry", "DotenvProblem", "load_dotenv", "parse_dotenv"]

#: Go's unicode.IsSpace: where statements start and how keys and unquoted values are trimmed.
_GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACES = "".join(sorted(_GO_SPACE))
#: compose-go's isSpace: blanks that are not line breaks (inside keys, before a value).
_BLANK = frozenset("\t\v\f\r \x85\xa0")
#: RE2's \s, used by compose-go's `^export\s+`.
_RE2_SPACE = frozenset("\t\n\f\r ")
_KEY_PUNCTUATION = frozenset("_.-[]")
_ESCAPE = re.compile(r'\\(?:[abcfnrtv$"\\]|0[0-9]{0,3})')
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
}
_NO_ENV: Mapping[str, str] = MappingProxyType({})


class DotenvEntry(NamedTuple):
    """One variable the file sets.

    ``value`` is what Compose computes (escapes processed, variables expanded); ``value_span``
    covers the value as written, quotes included (an empty span right after ``=`` for an empty
    value, or after the key for an inherited one). ``unset`` names the variables the value
    referred to that had no value and became ``""``. ``inherited`` marks a bare ``KEY`` line
    that took its value from ``env``.
    """

    key: str
    value: str
    line: int
    key_span: Span
    value_span: Span
    unset: tuple[str, ...] = ()
    inherited: bool = False


class DotenvProblem(NamedTuple):
    """Something wrong on a line. ``fatal``: Compose refuses the whole file because of it;
    otherwise Compose accepts the file but silently does something the author likely did not
    mean."""

    line: int
    message: str
    fatal: bool = True


class _Layered(Mapping[str, str]):
    """The interpolation lookup of a .env value: the environment first, then earlier keys."""

    __slots__ = ("_first", "_second")

    def __init__(self, first: Mapping[str, str], second: Mapping[str, str]) -> None:
        self._first = first
        self._second = second

    def __getitem__(self, key: str) -> str:
        if key in self._first:
            return self._first[key]
        return self._second[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from (k for k in self._second if k not in self._first)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _go_quote(text: str) -> str:
    """A string quoted roughly as Go's %q does, for messages."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _is_key_char(ch: str) -> bool:
    """Go's unicode.IsLetter or IsNumber, or one of ``_ . - [ ]``."""
    if ch.isascii():
        return ch.isalnum() or ch in _KEY_PUNCTUATION
    return unicodedata.category(ch)[0] in "LN"


def _unescape(match: re.Match[str]) -> str:
    seq = match.group()
    if seq == "\\$":
        return "$$"  # the interpolation's own escape: a literal "$"
    if seq.startswith("\\0"):
        digits = seq[2:]
        if len(digits) == 3 and all(d in "01234567" for d in digits) and int(digits, 8) < 256:
            return chr(int(digits, 8))
        return "\\" + digits  # compose-go rewrites "\0" to "\" before failing to decode it
    return _SIMPLE_ESCAPES.get(seq[1], seq)  # "\c" is matched but is no Go escape: kept


def _expand_escapes(text: str) -> str:
    return _ESCAPE.sub(_unescape, text) if "\\" in text else text


class _Reader:
    def __init__(self, text: str, env: Mapping[str, str]) -> None:
        self.text = text
        self.env = env
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.entries: list[DotenvEntry] = []
        self.problems: list[DotenvProblem] = []
        self.values: dict[str, str] = {}
        self.lookup = _Layered(env, self.values)

    # positions ---------------------------------------------------------------------------
    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        if end <= start:
            return Span(line, column, line, column)
        end_line, end_column = self.position(end - 1)
        return Span(line, column, end_line, end_column + 1)

    def line_end(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end

    def problem(self, offset: int, message: str, *, fatal: bool = True) -> None:
        self.problems.append(DotenvProblem(self.line_of(offset), message, fatal))

    # statements --------------------------------------------------------------------------
    def statement_start(self, pos: int) -> int:
        text, n = self.text, len(self.text)
        while pos < n:
            ch = text[pos]
            if ch in _GO_SPACE:
                pos += 1
            elif ch == "#":
                pos = self.line_end(pos)
            else:
                break
        return pos

    def read(self) -> None:
        pos = self.statement_start(0)
        while pos < len(self.text):
            pos = self.statement_start(self.statement(pos))

    def statement(self, pos: int) -> int:
        """Read the statement at ``pos``; return where the next one may start."""
        text, n = self.text, len(self.text)
        src = pos
        if text.startswith("export", pos) and pos + 6 < n and text[pos + 6] in _RE2_SPACE:
            src = pos + 6
            while src < n and text[src] in _BLANK:
                src += 1
            if src == n:
                self.problem(pos, "nothing follows 'export' (Compose: zero length string)")
                return n
        i = src
        while i < n:
            ch = text[i]
            if ch in _BLANK or _is_key_char(ch):
                i += 1
                continue
            if ch in "=:\n":
                break
            first_line = text[src : self.line_end(src)]
            self.problem(
                i,
                f"unexpected character {_go_quote(ch)} in variable name {_go_quote(first_line)}",
            )
            return self.line_end(i)
        if i == n:  # no "=", ":" nor newline until the end of the file
            return self.keyless(src)
        key_end = i
        while key_end > src and text[key_end - 1] in _GO_SPACE:
            key_end -= 1
        key = text[src:key_end]
        key_span = self.span(src, key_end)
        if " " in key:
            self.problem(src, f"key {_go_quote(key)} cannot contain a space")
            return i + 1 if text[i] == "\n" else self.line_end(i)
        if text[i] == "\n":  # KEY alone: inherited from the environment, if set there
            if key in self.env:
                found = self.values[key] = self.env[key]
                at = self.span(key_end, key_end)
                entry = DotenvEntry(key, found, key_span.line, key_span, at, inherited=True)
                self.entries.append(entry)
            return i + 1
        vpos = i + 1
        while vpos < n and text[vpos] in _BLANK:
            vpos += 1
        value, value_span, unset, nxt = self.value(src, vpos)
        if value is not None:
            if not key:
                self.problem(src, "empty variable name: Compose ignores this line", fatal=False)
            else:
                self.values[key] = value
                self.entries.append(
                    DotenvEntry(key, value, key_span.line, key_span, value_span, unset)
                )
        return nxt

    def keyless(self, src: int) -> int:
        """The last statement has no separator: compose-go makes it the value of key ""."""
        text, n = self.text, len(self.text)
        vpos = src
        while vpos < n and text[vpos] in _BLANK:
            vpos += 1
        word = text[vpos : self.line_end(vpos)].rstrip(_SPACES)
        value, _, _, nxt = self.value(src, vpos)
        if value is not None:
            self.problem(
                src,
                f"{_go_quote(word)} has no '=' and the file does not end with a newline: "
                "Compose ignores it",
                fatal=False,
            )
        return nxt

    def value(self, key_pos: int, vpos: int) -> tuple[str | None, Span, tuple[str, ...], int]:
        """Read the value at ``vpos``: (value or None on error, its span, unset names, next)."""
        text = self.text
        quote = text[vpos] if vpos < len(text) else ""
        if quote in ("'", '"'):
            return self.quoted(key_pos, vpos, quote)
        end = self.line_end(vpos)
        raw = text[vpos:end]
        cut = raw.find(" #")
        if cut >= 0:
            raw = raw[:cut]
        raw = raw.rstrip(_SPACES)
        value, unset = self.expand(raw, key_pos)
        return value, self.span(vpos, vpos + len(raw)), unset, end + 1

    def quoted(
        self, key_pos: int, vpos: int, quote: str
    ) -> tuple[str | None, Span, tuple[str, ...], int]:
        """A quoted value: a backslash escapes the quote character and is kept before others."""
        text, n = self.text, len(self.text)
        chars: list[str] = []
        j = vpos + 1
        while j < n:
            ch = text[j]
            if ch == "\\" and j + 1 < n:
                nxt = text[j + 1]
                if nxt != quote:
                    chars.append("\\")
                chars.append(nxt)
                j += 2
                continue
            if ch == quote:
                break
            chars.append(ch)
            j += 1
        if j >= n:
            shown = text[vpos : self.line_end(vpos)]
            self.problem(key_pos, f"unterminated quoted value {shown}")
            return None, self.span(vpos, n), (), n  # Compose read to the end of the file
        span = self.span(vpos, j + 1)
        raw = "".join(chars)
        self.trailing(j + 1)
        if quote == "'":
            return raw, span, (), j + 1
        value, unset = self.expand(_expand_escapes(raw), key_pos)
        return value, span, unset, j + 1

    def trailing(self, pos: int) -> None:
        """Warn when text after a closing quote on the same line will be read as a statement."""
        text, end = self.text, self.line_end(pos)
        k = pos
        while k < end and text[k] in _GO_SPACE:
            k += 1
        if k < end and text[k] != "#":
            self.problem(
                k,
                "text after the closing quote is read as another variable: "
                f"{_go_quote(text[k:end].rstrip())}",
                fatal=False,
            )

    def expand(self, raw: str, key_pos: int) -> tuple[str | None, tuple[str, ...]]:
        if "$" not in raw:
            return raw, ()
        result = interpolate(raw, self.lookup)
        if result.error is not None:
            self.problem(key_pos, result.error)
            return None, result.unset
        return result.value, result.unset


def parse_dotenv(
    text: str, path: str, *, env: Mapping[str, str] = _NO_ENV
) -> tuple[list[DotenvEntry], list[DotenvProblem]]:
    """Read a ``.env`` text as Compose does. ``env`` is the process environment as Compose
    would see it: it is consulted first when values are interpolated, and by bare ``KEY``
    lines. Entries report the file's own values (Compose lets the environment override them
    afterwards). ``path`` names the file for the caller's benefit; messages do not repeat it.
    Never raises."""
    del path  # part of the signature so both readers take the same arguments
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = _Reader(text, env)
    reader.read()
    return reader.entries, reader.problems


def load_dotenv(
    path: str, *, env: Mapping[str, str] = _NO_ENV, required: bool = False
) -> tuple[list[DotenvEntry], list[DotenvProblem]]:
    """Read the file at ``path`` (UTF-8, a byte order mark tolerated) with :func:`parse_dotenv`.

    A missing file gives no entries and no problem, as for the project's default ``.env``;
    pass ``required=True`` for a file the user named (``--env-file``), where it is an error.
    Other read errors are a fatal problem on line 1. Never raises.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        if required:
            return [], [DotenvProblem(1, f"{path}: no such file")]
        return [], []
    except OSError as exc:
        return [], [DotenvProblem(1, f"cannot read {path}: {exc.strerror or exc}")]
    problems: list[DotenvProblem] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(DotenvProblem(line, "the file is not valid UTF-8", False))
    entries, found = parse_dotenv(text, path, env=env)
    return entries, problems + found
