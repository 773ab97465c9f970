"""Runs the selected rules over one target and stamps catalog metadata on their hits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from mllint.catalog import Catalog, RuleEntry
from mllint.engine.context import RuleContext
from mllint.engine.finding import Finding, Severity
from mllint.engine.registry import RegisteredRule


class RuleCrash(NamedTuple):
    """A rule raised: reported on stderr with exit 2, never as a traceback."""

    rule_id: str
    path: str
    error: str


def _applies(rule_target: str, target: str) -> bool:
    return rule_target == target or (rule_target == "any" and target in ("dockerfile", "compose"))


#: The rules of one run that apply to a target, worked out once per (rules, target, phase):
#: a corpus run asks for them for every file. Entries keep their rule list alive.
_APPLICABLE: dict[
    tuple[int, int, str, str],
    tuple[object, object, list[tuple[RegisteredRule, RuleEntry]]],
] = {}


def _applicable(
    rules: Iterable[RegisteredRule], catalog: Catalog, target: str, phase: str
) -> list[tuple[RegisteredRule, RuleEntry]]:
    key = (id(rules), id(catalog), target, phase)
    hit = _APPLICABLE.get(key)
    if hit is not None and hit[0] is rules and hit[1] is catalog:
        return hit[2]
    chosen = [
        (r, catalog[r.id])
        for r in rules
        if r.phase == phase and (phase != "model" or _applies(catalog[r.id].target, target))
    ]
    if isinstance(rules, (list, tuple)):  # a generator cannot be asked twice
        if len(_APPLICABLE) > 64:
            _APPLICABLE.clear()
        _APPLICABLE[key] = (rules, catalog, chosen)
    return chosen


def run_rules(
    target: str,
    model: Any,
    path: str,
    rules: Iterable[RegisteredRule],
    catalog: Catalog,
    *,
    options: Mapping[str, Any] | None = None,
    severities: Mapping[str, Severity] | None = None,
    phase: str = "model",
) -> tuple[list[Finding], list[RuleCrash]]:
    """Run the rules of ``phase`` that apply to ``target``: "dockerfile", "compose", "build" (a
    Dockerfile with its context) or "project" (a compose project with its builds). Rules for
    "any" file run on Dockerfiles and compose projects, once each."""
    findings: list[Finding] = []
    crashes: list[RuleCrash] = []
    for registered, entry in _applicable(rules, catalog, target, phase):
        opts = (options or {}).get(registered.id) or registered.default_options()
        ctx: RuleContext[Any] = RuleContext(path, opts)
        configured = (severities or {}).get(registered.id)
        try:
            for hit in registered.function(model, ctx):
                findings.append(
                    Finding(
                        rule_id=entry.id,
                        name=entry.name,
                        category=entry.category,
                        severity=configured or hit.severity or entry.severity,
                        path=hit.path or path,
                        span=hit.span,
                        message=hit.message,
                        help_url=entry.help_url,
                        fix=hit.fix,
                        related=hit.related,
                        autofix=hit.autofix,
                    )
                )
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the others
            crashes.append(RuleCrash(entry.id, path, f"{type(exc).__name__}: {exc}"))
    return findings, crashes
