"""Results of a function of one immutable model object, kept while that object is in use.

Several rules ask for the same derived facts of the same script, command or Dockerfile in turn
(its package installs, its effective argv, its framework pins). The models are tuples that
are costly to hash, so entries are keyed by identity; each entry keeps its object alive, so an
id is never reused while cached, and the cache is emptied when it reaches its size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def by_identity(size: int) -> Callable[[Callable[[T], R]], Callable[[T], R]]:
    def decorate(function: Callable[[T], R]) -> Callable[[T], R]:
        cache: dict[int, tuple[T, R]] = {}

        def cached(obj: T) -> R:
            hit = cache.get(id(obj))
            if hit is not None and hit[0] is obj:
                return hit[1]
            result = function(obj)
            if len(cache) >= size:
                cache.clear()
            cache[id(obj)] = (obj, result)
            return result

        cached.__doc__ = function.__doc__
        cached.__name__ = function.__name__
        return cached

    return decorate
