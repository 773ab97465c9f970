"""Rendering catalog entries for people: ``mllint rules`` and ``mllint rule ID``."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from mllint.catalog import RuleEntry


def _meta(entry: RuleEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "name": entry.name,
        "category": entry.category,
        "severity": str(entry.severity),
        "target": entry.target,
        "status": entry.status,
        "summary": entry.summary,
        "equivalents": {k: list(v) for k, v in entry.equivalents.items()},
        "help_url": entry.help_url,
    }


def rules_json(entries: Sequence[RuleEntry]) -> str:
    return json.dumps([_meta(e) for e in entries], indent=2) + "\n"


def rules_table(entries: Sequence[RuleEntry]) -> str:
    rows = [("ID", "NAME", "CATEGORY", "SEVERITY", "SUMMARY")]
    rows += [(e.id, e.name, e.category, str(e.severity), e.summary) for e in entries]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        for r in rows
    ]
    return "\n".join(lines) + f"\n\n{len(entries)} rules. 'mllint rule ID' explains one.\n"


def rule_json(entry: RuleEntry) -> str:
    return json.dumps({**entry.document(), "help_url": entry.help_url}, indent=2) + "\n"


def rule_text(entry: RuleEntry) -> str:
    d = entry.document()
    out = [
        f"{entry.id} {entry.name}",
        "",
        entry.summary,
        "",
        f"category: {entry.category}   severity: {entry.severity}   target: {entry.target}"
        f"   status: {entry.status}   since: {d.get('since', '?')}",
        "",
    ]

    def section(title: str, body: str) -> None:
        out.extend([title, textwrap.indent(body.rstrip(), "  "), ""])

    section("Why", d.get("rationale", ""))
    section("Fix", d.get("fix", ""))
    if entry.options:
        section(
            "Options",
            "\n".join(
                f"{name} ({o.get('type')}, default {json.dumps(o.get('default'))}): "
                f"{o.get('description', '')}"
                for name, o in entry.options.items()
            ),
        )
    if entry.equivalents:
        section(
            "Same check in other tools",
            "\n".join(f"{tool}: {', '.join(ids)}" for tool, ids in entry.equivalents.items() if ids)
            or "none",
        )
    for kind in ("bad", "good"):
        for ex in d.get("examples", {}).get(kind, []):
            section(f"Example ({kind}): {ex.get('title', '')}", ex.get("code", ""))
    if d.get("notes"):
        section("Notes", d["notes"])
    refs = d.get("references") or []
    if refs:
        section("References", "\n".join(f"{r['title']}: {r['url']}" for r in refs))
    out.append(f"Docs: {entry.help_url}")
    return "\n".join(out) + "\n"
