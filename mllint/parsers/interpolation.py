"""Compose variable interpolation of one string value, as Docker Compose v2 performs it.

The behaviour follows compose-go's ``template`` package as shipped in Compose v2.40.3
(compose-go v2.9.1), checked case by case against that binary (``tests/test_interpolation.py``):

* ``$$`` is a literal ``$``. ``$NAME`` and ``${NAME}`` substitute; a name is
  ``[_A-Za-z][_A-Za-z0-9]*``, matched case-insensitively by Go's regexp, which also admits the
  two non-ASCII case-folds of ASCII letters, U+017F (long s) and U+212A (Kelvin sign).
* ``${NAME:-d}`` / ``${NAME-d}``: *d* when NAME is unset or empty / unset.
  ``${NAME:+a}`` / ``${NAME+a}``: *a* when NAME is set and non-empty / set, else ``""``.
  ``${NAME:?e}`` / ``${NAME?e}``: Compose fails with "required variable NAME is missing a
  value: e" when NAME is unset or empty / unset.
* The word after the operator runs to the first ``}`` that balances the braces counted from
  ``${`` (every ``{`` counts and hides the character after it, as compose-go counts them), but
  never past the last ``}`` of the line; the word is itself interpolated, so defaults nest
  (``${A:-${B:-x}}``) and an error message can hold variables (``${A?need $B}``). Compose v2.9
  evaluates that word even when it is not used, so an error inside an unused default still
  fails (``${SET:-${X:?}}``); later compose-go versions evaluate it lazily.
* ``$`` followed by anything else (``cost $5``, a trailing ``$``) stays literal, while ``${``
  not followed by ``NAME}`` or ``NAME`` plus an operator and a ``}`` on the same line is an
  invalid interpolation format (``${}``, ``${ A}``, ``${A:x}``, ``${A``, ``${1}``).
* An unset variable with no operator becomes ``""`` (Compose prints a warning): such names are
  reported in :attr:`InterpolationResult.unset`.

mllint's one deliberate difference: a variable whose value exists only at deploy time must not
be judged. Names listed in ``unknown`` (they win over ``env``), or every name missing from
``env`` when ``strict_unknown=True``, have an *unknown* value instead of being unset. A value
that depends on one is ``None``. ``${V:-d}`` and ``${V-d}`` still resolve to *d* (the author's
own fallback, as in :mod:`mllint.parsers.variables`); ``${V:+a}``, ``${V+a}``, ``${V:?e}`` and
``${V?e}`` become unknown, never an error.

The scanner is iterative (no recursion limit) and linear in the length of the text, apart from
``O(log n)`` look-ups in position tables built once per text that holds a ``${``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Mapping
from typing import NamedTuple

__all__ = ["InterpolationResult", "interpolate", "references"]

_NAME = re.compile("[_A-Za-z\u017f\u212a][_A-Za-z0-9\u017f\u212a]*")
_BRACES = re.compile(r"[{}]")
_OPERATORS = (":-", ":+", ":?", "-", "+", "?")


class InterpolationResult(NamedTuple):
    """The outcome of interpolating one string.

    ``value`` is ``None`` when the string depends on a variable with an unknown value, and also
    when ``error`` is set (Compose produces no value then). ``variables`` lists every name the
    string refers to, defaults and messages included, once each in order of appearance.
    ``unset`` lists the names Compose would warn about ("The "X" variable is not set.
    Defaulting to a blank string.").
    """

    value: str | None
    variables: tuple[str, ...]
    error: str | None
    unset: tuple[str, ...] = ()

    @property
    def is_unknown(self) -> bool:
        """True when the value depends on a variable known only at deploy time."""
        return self.value is None and self.error is None


class _Unset:
    """Marker: the variable has no value, Compose substitutes "" (or the default)."""


class _Unknown:
    """Marker: the variable has a value we cannot know (deploy time)."""


_UNSET = _Unset()
_UNKNOWN = _Unknown()


class _Frame:
    """One template being scanned: the whole text, an operator's word, or the rest of a match."""

    __slots__ = ("end", "name", "op", "parent", "parts", "pos", "rest", "start", "unknown")

    def __init__(
        self,
        start: int,
        end: int,
        parent: _Frame | None,
        name: str = "",
        op: str = "",
        rest: tuple[int, int] | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.pos = start
        self.parent = parent
        self.name = name
        self.op = op  # "" for the whole text and for a rest frame
        self.rest = rest  # the text after the balancing "}" up to the regexp match's end
        self.parts: list[str] = []
        self.unknown = False


class _Index:
    """Position tables for braced expressions, built once per text."""

    __slots__ = ("closers", "newlines", "pairs")

    def __init__(self, text: str) -> None:
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self.closers: list[int] = []
        self.pairs: dict[int, int] = {}
        # compose-go's getFirstBraceClosingIndex: a "{" opens and the character after it is
        # skipped, a "}" closes. Who pairs with whom depends only on the text after an opener,
        # so one left-to-right pass answers every nested lookup.
        stack: list[int] = []
        skip = -1
        for m in _BRACES.finditer(text):
            p = m.start()
            if text[p] == "}":
                self.closers.append(p)
            if p == skip:
                continue
            if text[p] == "{":
                stack.append(p)
                skip = p + 1
            elif stack:
                self.pairs[stack.pop()] = p

    def line_end(self, pos: int, default: int) -> int:
        i = bisect_left(self.newlines, pos)
        return self.newlines[i] if i < len(self.newlines) else default

    def last_closer(self, start: int, stop: int) -> int:
        """Offset of the last "}" in ``[start, stop)``, or -1."""
        i = bisect_left(self.closers, stop) - 1
        return self.closers[i] if i >= 0 and self.closers[i] >= start else -1


def _quote(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def _invalid(template: str) -> str:
    return (
        f"invalid interpolation format in {_quote(template)}: "
        "you may need to escape any $ with another $"
    )


def _missing(name: str, message: str) -> str:
    if message:
        return f"required variable {name} is missing a value: {message}"
    return f"required variable {name} is missing a value"


class _Run:
    """One evaluation of one text."""

    def __init__(
        self, text: str, env: Mapping[str, str], unknown: Collection[str], strict: bool
    ) -> None:
        self.text = text
        self.env = env
        self.unknown = unknown
        self.strict = strict
        self.refs: list[tuple[str, int, int]] = []
        self.unset: list[str] = []
        self.error: str | None = None
        self._index: _Index | None = None

    def lookup(self, name: str) -> str | _Unset | _Unknown:
        if name in self.unknown:
            return _UNKNOWN
        value = self.env.get(name)
        if value is None:
            return _UNKNOWN if self.strict else _UNSET
        return value

    def fail(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def plain(self, frame: _Frame, name: str) -> None:
        value = self.lookup(name)
        if isinstance(value, str):
            frame.parts.append(value)
        elif value is _UNKNOWN:
            frame.unknown = True
        else:
            self.unset.append(name)

    def run(self) -> _Frame:
        text = self.text
        root = frame = _Frame(0, len(text), None)
        while True:
            child = self.scan(frame)
            if child is not None:
                frame = child
                continue
            parent = frame.parent
            if parent is None:
                return root
            if not frame.op:  # a rest frame: its output continues its parent's
                parent.parts.extend(frame.parts)
                parent.unknown = parent.unknown or frame.unknown
                frame = parent
                continue
            self.apply(frame, parent)
            if frame.rest is not None:
                frame = _Frame(frame.rest[0], frame.rest[1], parent)
            else:
                frame = parent

    def scan(self, frame: _Frame) -> _Frame | None:
        """Scan ``frame`` onwards; return a child frame to evaluate first, or None when done."""
        text, end, parts = self.text, frame.end, frame.parts
        pos = frame.pos
        while pos < end:
            k = text.find("$", pos, end)
            if k < 0:
                parts.append(text[pos:end])
                break
            if k > pos:
                parts.append(text[pos:k])
            if k + 1 >= end:
                parts.append("$")
                break
            nxt = text[k + 1]
            if nxt == "$":
                parts.append("$")
                pos = k + 2
                continue
            if nxt != "{":
                m = _NAME.match(text, k + 1, end)
                if m is None:
                    parts.append("$")
                    pos = k + 1
                    continue
                self.refs.append((m.group(), k, m.end()))
                self.plain(frame, m.group())
                pos = m.end()
                continue
            child = self.braced(frame, k)
            if child is not None:
                return child
            pos = frame.pos
        frame.pos = end
        return None

    def braced(self, frame: _Frame, k: int) -> _Frame | None:
        """Handle the ``${`` at ``k``: set ``frame.pos`` past it, maybe return a word frame."""
        text, end = self.text, frame.end
        m = _NAME.match(text, k + 2, end)
        if m is not None:
            name, p = m.group(), m.end()
            if p < end and text[p] == "}":
                self.refs.append((name, k, p + 1))
                self.plain(frame, name)
                frame.pos = p + 1
                return None
            op = next((o for o in _OPERATORS if text.startswith(o, p, end)), "")
            if op:
                if self._index is None:
                    self._index = _Index(text)
                index = self._index
                # Go's `.*}` stops at the last "}" before a newline or the template's end.
                last = index.last_closer(p + len(op), min(end, index.line_end(k, end)))
                if last >= 0:
                    close = index.pairs.get(k + 1, -1)
                    if close > last:
                        close = -1
                    word_end = close if close >= 0 else last
                    rest = (close + 1, last + 1) if 0 <= close < last else None
                    self.refs.append((name, k, word_end + 1))
                    frame.pos = last + 1
                    return _Frame(p + len(op), word_end, frame, name, op, rest)
        self.fail(_invalid(text[frame.start : frame.end]))
        frame.pos = k + 2
        return None

    def apply(self, word: _Frame, parent: _Frame) -> None:
        """Combine an operator's evaluated word with its variable into ``parent``."""
        name, op = word.name, word.op
        value = self.lookup(name)
        known = isinstance(value, str)
        text = None if word.unknown else "".join(word.parts)
        result: str | None
        if op in (":-", "-"):
            keep = isinstance(value, str) and (value != "" or op == "-")
            result = value if isinstance(value, str) and keep else text
        elif value is _UNKNOWN:
            result = None
        elif op in (":+", "+"):
            result = text if known and (value != "" or op == "+") else ""
        elif known and (value != "" or op == "?"):
            result = value if isinstance(value, str) else None
        else:
            message = text if text is not None else self.text[word.start : word.end]
            self.fail(_missing(name, message))
            result = ""
        if result is None:
            parent.unknown = True
        else:
            parent.parts.append(result)


def _dedupe(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def interpolate(
    text: str,
    env: Mapping[str, str],
    *,
    unknown: Collection[str] = (),
    strict_unknown: bool = False,
) -> InterpolationResult:
    """Interpolate ``text`` as Compose does, with ``env`` as the known variables.

    A name missing from ``env`` is unset (Compose semantics) unless it is listed in ``unknown``
    or ``strict_unknown`` is true, in which case its value is unknown (see the module doc).
    Never raises; an interpolation Compose rejects gives ``error`` and ``value=None``.
    """
    if "$" not in text:
        return InterpolationResult(text, (), None)
    run = _Run(text, env, unknown, strict_unknown)
    root = run.run()
    variables = _dedupe([name for name, _, _ in run.refs])
    unset = _dedupe(run.unset)
    if run.error is not None:
        return InterpolationResult(None, variables, run.error, unset)
    value = None if root.unknown else "".join(root.parts)
    return InterpolationResult(value, variables, None, unset)


def references(text: str) -> list[tuple[str, int, int]]:
    """Each variable reference in ``text``: (name, start, end) offsets of ``$NAME``/``${...}``.

    The span of a braced expression covers its default or message, and references nested in
    them follow their container (ordered by start offset). ``$$`` and invalid forms are skipped.
    """
    if "$" not in text:
        return []
    run = _Run(text, {}, (), False)
    run.run()
    return run.refs
