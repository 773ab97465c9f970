"""Versioned JSON, documented by ``schemas/report.schema.json``."""

from __future__ import annotations

import json
from typing import IO, Any

from mllint import __version__
from mllint.engine.finding import Finding
from mllint.lint import Report

SCHEMA_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule_id,
        "name": f.name,
        "category": f.category,
        "severity": str(f.severity),
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": f.message,
        "fix": f.fix,
        "autofix": (
            {"title": f.autofix.title, "safe": f.autofix.safe} if f.autofix is not None else None
        ),
        "help_url": f.help_url,
        "related": [
            {
                "path": r.path,
                "line": r.span.line,
                "column": r.span.column,
                "end_line": r.span.end_line,
                "end_column": r.span.end_column,
                "message": r.message,
            }
            for r in f.related
        ],
    }


def render(report: Report, out: IO[str], *, color: bool = False) -> None:
    json.dump(document(report), out, indent=2)
    out.write("\n")


def document(report: Report) -> dict[str, Any]:
    counts = report.counts()
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "mllint", "version": __version__},
        "summary": {
            "files": len(report.files),
            "findings": len(report.findings),
            "by_severity": {str(sev): n for sev, n in sorted(counts.items(), reverse=True)},
        },
        "findings": [finding_dict(f) for f in report.findings],
        **({"roles": report.roles} if report.roles else {}),
    }
