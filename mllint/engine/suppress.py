"""Inline suppressions: ``# mllint: ignore=ML101,ML204 -- reason`` on the line before an
instruction or a compose key, ``# mllint: ignore-file=ML101`` anywhere, and hadolint's
``# hadolint ignore=DL3008`` (``global ignore=`` for the file) through the catalog's
``equivalents``, so a team can switch without rewriting its pragmas.

A suppression names rule ids: there is no blanket ``ignore``. One that suppresses nothing is
reported (ML004) so stale pragmas do not pile up; hadolint's are not, since a team may run both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from mllint.catalog import Catalog
from mllint.engine.finding import Finding
from mllint.model.span import Span
from mllint.spelling import nearest

_MLLINT = re.compile(r"#\s*mllint:\s*(ignore|ignore-file)\s*=\s*([A-Za-z0-9_,\s-]*?)\s*(--.*)?$")
_HADOLINT = re.compile(r"#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+)")


class Suppression(NamedTuple):
    path: str
    span: Span  # the comment, where an unused suppression is reported
    rules: frozenset[str]
    lines: range  # the lines whose findings it silences
    source: str  # "mllint" or "hadolint"
    written: str  # the ids as written, for the unused message


class SuppressionError(ValueError):
    """A suppression naming a rule that does not exist: one line, exit 2."""


def parse(
    path: str,
    lines: Sequence[str],
    catalog: Catalog,
    extent: Callable[[int], range],
) -> tuple[list[Suppression], list[str]]:
    """Suppressions in a file. ``extent(line)`` gives the lines of the instruction or key that
    starts at ``line`` (the first non-comment line after the pragma)."""
    hadolint_map: dict[str, set[str]] = {}
    for known in catalog.values():
        for peer_id in known.equivalents.get("hadolint", ()):
            hadolint_map.setdefault(peer_id.upper(), set()).add(known.id)
    out: list[Suppression] = []
    errors: list[str] = []
    everything = range(1, len(lines) + 1)
    for number, text in enumerate(lines, start=1):
        if "#" not in text:
            continue
        stripped = text.lstrip()
        if not stripped.startswith("#"):
            continue
        column = len(text) - len(stripped) + 1
        span = Span(number, column, number, len(text) + 1)
        m = _MLLINT.search(stripped)
        if m:
            ids = [i.strip() for i in m.group(2).replace(" ", ",").split(",") if i.strip()]
            if not ids:
                errors.append(
                    f"{path}:{number}: '# mllint: {m.group(1)}=' needs rule ids, "
                    "e.g. '# mllint: ignore=ML101 -- reason'"
                )
                continue
            rules = set()
            for rule_id in ids:
                entry = catalog.lookup(rule_id)
                if entry is None:
                    close = nearest(rule_id.upper(), list(catalog))
                    hint = f" (did you mean {close}?)" if close else ""
                    errors.append(
                        f"{path}:{number}: unknown rule '{rule_id}' in a suppression{hint}"
                    )
                    continue
                rules.add(entry.id)
            if rules:
                target = everything if m.group(1) == "ignore-file" else _next(lines, number, extent)
                out.append(
                    Suppression(path, span, frozenset(rules), target, "mllint", ",".join(ids))
                )
            continue
        h = _HADOLINT.search(stripped)
        if h:
            peer_ids = [i.strip().upper() for i in h.group(2).split(",") if i.strip()]
            rules = {r for i in peer_ids for r in hadolint_map.get(i, ())}
            if rules:
                target = everything if h.group(1) else _next(lines, number, extent)
                out.append(
                    Suppression(
                        path, span, frozenset(rules), target, "hadolint", ",".join(peer_ids)
                    )
                )
    return out, errors


def _next(lines: Sequence[str], number: int, extent: Callable[[int], range]) -> range:
    """The lines of the instruction or key after the comment at ``number``."""
    for following in range(number + 1, len(lines) + 1):
        text = lines[following - 1].strip()
        if text and not text.startswith("#"):
            return extent(following)
    return range(0)


def apply(
    findings: Iterable[Finding], suppressions: Sequence[Suppression]
) -> tuple[list[Finding], set[int]]:
    """The findings no suppression covers, and the indexes of the suppressions that were used."""
    kept = []
    used: set[int] = set()
    for f in findings:
        hit = [
            i
            for i, s in enumerate(suppressions)
            if f.path == s.path and f.rule_id in s.rules and f.span.line in s.lines
        ]
        if hit:
            used.update(hit)
        else:
            kept.append(f)
    return kept, used


def yaml_extent(lines: Sequence[str]) -> Callable[[int], range]:
    """A compose key's extent: its line and the more-indented lines under it."""

    def extent(line: int) -> range:
        text = lines[line - 1]
        indent = len(text) - len(text.lstrip())
        end = line
        for following in range(line + 1, len(lines) + 1):
            nxt = lines[following - 1]
            if nxt.strip() and not nxt.lstrip().startswith("#"):
                if len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                end = following
        return range(line, end + 1)

    return extent
