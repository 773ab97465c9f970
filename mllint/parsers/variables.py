"""Variable substitution as BuildKit applies it to ARG/ENV values and FROM lines.

The one difference from BuildKit is deliberate: a variable whose value we cannot know (an ARG
with no default, an undeclared name, a build platform) makes the whole result unknown (``None``)
instead of the empty string, so that rules never judge a value that exists only at build time.
``${V:-default}`` and ``${V-default}`` resolve to the default when V has no known value: the
default is what the author wrote for that case, just as an ``ARG V=default`` is.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Lookup table: a known value, or ``None`` for a name that is declared but has no known value.
Scope = Mapping[str, str | None]


class _Unresolved(Exception):
    """Raised internally when a value depends on a variable we cannot know."""


def substitute(text: str, scope: Scope, *, escape: str = "\\", quotes: bool = True) -> str | None:
    """Expand ``$V``/``${V…}`` in ``text``; remove quotes and escapes like BuildKit's lexer.

    ``quotes=False`` keeps quote characters (used for whole image references on FROM, which
    BuildKit also processes with its word lexer, so the default True is right there too).
    Returns ``None`` when the result depends on an unknown variable.
    """
    try:
        value, _ = _expand(text, 0, scope, escape, quotes, stop="")
    except _Unresolved:
        return None
    return value


def references(text: str) -> list[str]:
    """Names of the variables a value refers to (for undefined-variable checks)."""
    names: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "$" and i + 1 < n:
            if text[i + 1] == "{":
                j = i + 2
                k = j
                while k < n and (text[k].isalnum() or text[k] == "_"):
                    k += 1
                if k > j:
                    names.append(text[j:k])
                i = k
                continue
            k = i + 1
            while k < n and (text[k].isalnum() or text[k] == "_"):
                k += 1
            if k > i + 1:
                names.append(text[i + 1 : k])
            i = k
            continue
        i += 1
    return names


def _expand(
    text: str, i: int, scope: Scope, escape: str, quotes: bool, stop: str
) -> tuple[str, int]:
    out: list[str] = []
    n = len(text)
    quote = ""
    while i < n:
        ch = text[i]
        if not quote and stop and ch == stop:
            return "".join(out), i
        if ch == escape and quote != "'":
            if i + 1 >= n:
                i += 1
                continue
            nxt = text[i + 1]
            if quote == '"' and nxt not in ('"', "$", escape):
                out.append(ch)
            out.append(nxt)
            i += 2
            continue
        if quotes and ch in "'\"" and (not quote or quote == ch):
            quote = "" if quote else ch
            i += 1
            continue
        if ch == "$" and quote != "'" and i + 1 < n:
            value, i = _dollar(text, i, scope, escape, quotes)
            out.append(value)
            continue
        out.append(ch)
        i += 1
    if stop:
        raise _Unresolved  # unterminated ${...}
    return "".join(out), i


def _dollar(text: str, i: int, scope: Scope, escape: str, quotes: bool) -> tuple[str, int]:
    n = len(text)
    nxt = text[i + 1]
    if nxt == "{":
        j = i + 2
        k = j
        while k < n and (text[k].isalnum() or text[k] == "_"):
            k += 1
        name = text[j:k]
        if not name:
            raise _Unresolved
        if k < n and text[k] == "}":
            return _plain(name, scope), k + 1
        op = text[k : k + 2] if text[k : k + 1] == ":" else text[k : k + 1]
        if op not in (":-", "-", ":+", "+", ":?", "?"):
            raise _Unresolved  # ${V#x}, ${V%x} and other forms we do not evaluate
        word, end = _expand(text, k + len(op), scope, escape, quotes, stop="}")
        known = name in scope and scope[name] is not None
        value = scope.get(name) if known else None
        colon = op.startswith(":")
        is_set = known and (value != "" or not colon)
        if op.endswith("-"):
            return (value if is_set and value is not None else word), end + 1
        if op.endswith("+"):
            return (word if is_set else ""), end + 1
        if not is_set:  # ${V:?err}: the build fails when V is missing; nothing to judge
            raise _Unresolved
        return value or "", end + 1
    if nxt.isalpha() or nxt == "_":
        k = i + 1
        while k < n and (text[k].isalnum() or text[k] == "_"):
            k += 1
        return _plain(text[i + 1 : k], scope), k
    return "$", i + 1


def _plain(name: str, scope: Scope) -> str:
    value = scope.get(name)
    if value is None:
        raise _Unresolved
    return value
