"""``path:line:col: ML101 message``, one finding per line: for editors, grep and CI logs."""

from __future__ import annotations

from typing import IO

from mllint.lint import Report


def render(report: Report, out: IO[str], *, color: bool = False) -> None:
    for f in report.findings:
        out.write(f"{f.path}:{f.span.line}:{f.span.column}: {f.rule_id} {f.message}\n")
