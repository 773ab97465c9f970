"""The nearest valid name for a misspelt one, for "did you mean ...?" hints.

difflib ranks candidates by a similarity ratio and breaks ties arbitrarily (``ML1O2`` is as
close to ML312 as to ML102); the hint then takes the candidate fewest edits away.
"""

from __future__ import annotations

from collections.abc import Iterable


def edits(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def nearest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    import difflib  # only for a misspelt name: ~2 ms of start-up otherwise

    options = list(choices)
    close = difflib.get_close_matches(word, options, n=5, cutoff=cutoff)
    if not close:
        return None
    lowered = word.lower()
    return min(close, key=lambda c: edits(lowered, c.lower()))
