"""The summary of an audit: findings by rule, by category and severity, by project, and the
worst files; as rich tables on a terminal, as Markdown to paste into an issue, and as a
mapping for ``--format json``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import IO, Any

from mllint.engine.finding import Severity
from mllint.lint import Report

LEVELS = (Severity.ERROR, Severity.WARNING, Severity.INFO)
WORST = 10
#: Rows of a table shown as text or Markdown (JSON has them all).
SHOWN = 30


def summarise(report: Report, projects: Mapping[str, str]) -> dict[str, Any]:
    by_rule: dict[str, Counter[str]] = {}
    names: dict[str, tuple[str, str]] = {}
    by_category: dict[str, Counter[str]] = {}
    by_project: dict[str, Counter[str]] = {}
    by_file: dict[str, Counter[str]] = {}
    for f in report.findings:
        level = str(f.severity)
        names[f.rule_id] = (f.name, f.category)
        by_rule.setdefault(f.rule_id, Counter())[level] += 1
        by_category.setdefault(f.category, Counter())[level] += 1
        by_project.setdefault(projects.get(f.path, _folder(f.path)), Counter())[level] += 1
        by_file.setdefault(f.path, Counter())[level] += 1
    project_files = Counter(projects.get(p, _folder(p)) for p in report.files)

    def row(counts: Counter[str]) -> dict[str, int]:
        out = {str(s): counts[str(s)] for s in LEVELS}
        out["total"] = sum(out.values())
        return out

    def weight(counts: Counter[str]) -> tuple[int, int, int]:
        return (counts["error"], counts["warning"], counts["info"])

    return {
        "files": len(report.files),
        "projects": len(project_files),
        "findings": len(report.findings),
        "by_severity": {str(s): sum(1 for f in report.findings if f.severity == s) for s in LEVELS},
        "by_rule": [
            {"rule": rule, "name": names[rule][0], "category": names[rule][1], **row(c)}
            for rule, c in sorted(by_rule.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        "by_category": [
            {"category": cat, **row(c)}
            for cat, c in sorted(by_category.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        "by_project": [
            {"project": p, "files": project_files.get(p, 0), **row(c)}
            for p, c in sorted(by_project.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        "worst_files": [
            {"path": path, **row(c)}
            for path, c in sorted(by_file.items(), key=lambda kv: (weight(kv[1]), kv[0]))[::-1][
                :WORST
            ]
        ],
    }


def _folder(path: str) -> str:
    import os

    return os.path.dirname(path) or "."


_TABLES = (
    ("Findings by rule", "by_rule", ("rule", "name", "category")),
    ("Findings by category", "by_category", ("category",)),
    ("Findings by project", "by_project", ("project", "files")),
    ("Worst files", "worst_files", ("path",)),
)
_COUNTS = ("error", "warning", "info", "total")


def headline(summary: Mapping[str, Any]) -> str:
    s = summary["by_severity"]

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"

    return (
        f"Audited {n(summary['files'], 'file')} in {n(summary['projects'], 'project')}: "
        f"{n(summary['findings'], 'finding')} ({n(s['error'], 'error')}, "
        f"{n(s['warning'], 'warning')}, {n(s['info'], 'info')})."
    )


def render_text(summary: Mapping[str, Any], out: IO[str], *, color: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        width=None if color else 120,
    )
    for title, key, columns in _TABLES:
        rows = summary[key]
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column)
        for column in _COUNTS:
            table.add_column(column, justify="right")
        for r in rows[:SHOWN]:
            table.add_row(*(str(r[c]) for c in (*columns, *_COUNTS)))
        if len(rows) > SHOWN:
            table.caption = f"… and {len(rows) - SHOWN} more (--format json lists all)"
        console.print(table)
    console.print(headline(summary))


def render_markdown(summary: Mapping[str, Any], out: IO[str]) -> None:
    out.write("# mllint audit\n\n" + headline(summary) + "\n")
    for title, key, columns in _TABLES:
        rows = summary[key]
        if not rows:
            continue
        header = (*columns, *_COUNTS)
        out.write(f"\n## {title}\n\n")
        out.write("| " + " | ".join(header) + " |\n")
        out.write("|" + "|".join("---:" if c in _COUNTS else "---" for c in header) + "|\n")
        for r in rows[:SHOWN]:
            cells = [_cell(r[c], c) for c in header]
            out.write("| " + " | ".join(cells) + " |\n")
        if len(rows) > SHOWN:
            out.write(f"\n… and {len(rows) - SHOWN} more (`--format json` lists all).\n")


def _cell(value: object, column: str) -> str:
    text = str(value).replace("|", "\\|")
    return f"`{text}`" if column in ("path", "project", "name") else text
