"""Regular expressions compiled on first use.

The rule modules hold about two hundred patterns; compiling them all when ``mllint.checks`` is
imported cost ~50 ms, most of a pre-commit run, and a run uses a few of them. A
``lazy_pattern`` behaves like the compiled pattern (``.match``, ``.search``, ``.sub``, ...).
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return getattr(compiled, name)


def lazy_pattern(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, done the first time the pattern is used."""
    return cast("re.Pattern[str]", _LazyPattern(source, int(flags)))
