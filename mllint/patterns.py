"""Regular expressions compiled on first use.

The rule modules hold about two hundred patterns; compiling them all when ``mllint.checks`` is
imported cost ~50 ms, most of a pre-commit run, and a run uses a few of them. A
``lazy_pattern`` behaves like the compiled pattern (``.match``, ``.search``, ``.sub``, ...).
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    """Compiles on the first attribute asked for, then keeps the compiled pattern's methods as
    its own attributes, so later calls cost what calls on a compiled pattern cost."""

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(self._source, self._flags)
        for attribute in _BOUND:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)


_BOUND = (
    "match",
    "fullmatch",
    "search",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


def lazy_pattern(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, done the first time the pattern is used."""
    return cast("re.Pattern[str]", _LazyPattern(source, int(flags)))
