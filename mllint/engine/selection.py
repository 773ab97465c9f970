"""Which rules run: ``select`` / ``extend-select`` / ``ignore`` by id, prefix, name or category."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mllint.catalog import CATEGORIES, Catalog, RuleEntry
from mllint.spelling import nearest

#: Ids of an organisation's policies (ORG001, SEC010) and their prefixes.
_POLICY_PREFIX = re.compile(r"[A-Z]{2,8}[0-9]{0,3}")


class SelectionError(ValueError):
    """A selector names no rule, prefix or category."""


def _matches(ref: str, entry: RuleEntry) -> bool:
    upper = ref.upper()
    if upper == "ALL":
        return True
    if upper.startswith("ML") and upper[2:].isdigit():
        return entry.id.startswith(upper)
    if upper == entry.id:
        return True
    policy_prefix = not upper.startswith("ML") and _POLICY_PREFIX.fullmatch(upper)
    if policy_prefix and entry.id.startswith(upper):
        return True  # a prefix of an organisation's policy ids (ORG, ORG0)
    lowered = ref.lower()
    return lowered in (entry.name, entry.category) or lowered in entry.tags


def _expand(ref: str, catalog: Catalog) -> list[RuleEntry]:
    found = [e for e in catalog.values() if _matches(ref, e)]
    if not found:
        names = [*catalog.keys(), *(e.name for e in catalog.values()), *CATEGORIES.values()]
        close = nearest(ref, names)
        hint = f" (did you mean '{close}'?)" if close else ""
        raise SelectionError(f"unknown rule, prefix or category '{ref}'{hint}")
    return found


def select_rules(
    catalog: Catalog,
    select: Sequence[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> list[str]:
    """Ids of the rules to run, sorted. Default: every stable rule.

    An explicit selector also turns on ``preview`` rules it names; removed rules never run.
    """
    if select is None:
        chosen = {e.id for e in catalog.values() if e.status in ("stable", "deprecated")}
    else:
        chosen = {e.id for ref in select for e in _expand(ref, catalog)}
    chosen |= {e.id for ref in extend_select for e in _expand(ref, catalog)}
    for ref in ignore:
        chosen -= {e.id for e in _expand(ref, catalog)}
    return sorted(i for i in chosen if catalog[i].status != "removed")
