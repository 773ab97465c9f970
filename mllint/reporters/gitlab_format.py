"""GitLab Code Quality: a JSON list of issues, shown in merge requests and pipelines.

Only the fields GitLab documents for a custom tool: ``description``, ``check_name`` (the rule
id), ``fingerprint`` (``mllint.reporters.fingerprint``, a hex SHA-256 that does not depend on
the line number, so GitLab matches a finding across commits), ``severity`` and ``location``
(``path`` relative to the current directory, the project root in a pipeline, and
``lines.begin``/``lines.end``).

GitLab's severities are info, minor, major, critical and blocker. mllint maps error to
``major``, warning to ``minor`` and info to ``info``: ``critical`` and ``blocker`` are left for
tools that know the impact of a finding in context, which a linter does not.
"""

from __future__ import annotations

import json
from typing import IO, Any

from mllint.engine.finding import Finding, Severity
from mllint.lint import Report
from mllint.reporters.fingerprint import display_path, fingerprints

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issue(f: Finding, fingerprint: str) -> dict[str, Any]:
    return {
        "description": f"{f.rule_id} {f.name}: {f.message}",
        "check_name": f.rule_id,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[f.severity],
        "location": {
            "path": display_path(f.path),
            "lines": {"begin": max(f.span.line, 1), "end": max(f.span.end_line, f.span.line, 1)},
        },
    }


def render(report: Report, out: IO[str], *, color: bool = False) -> None:
    issues = [issue(f, fp) for f, fp in zip(report.findings, fingerprints(report), strict=True)]
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")
