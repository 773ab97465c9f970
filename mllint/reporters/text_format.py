"""Human output in the spirit of rustc and ruff: a code frame per finding, then a summary.

rich is imported only when there is something to show, so a clean pre-commit run stays fast.
"""

from __future__ import annotations

from itertools import groupby
from typing import IO

from mllint.engine.finding import Finding, Severity
from mllint.lint import Report

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}


def summary_line(report: Report) -> str:
    counts = report.counts()
    n = len(report.findings)
    # Findings may point into files mllint read for another (a requirements file, a .env).
    files = len(set(report.files) | {f.path for f in report.findings})
    where = f"in {files} file{'s' if files != 1 else ''}"
    if n == 0:
        return f"No problems found {where}."
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 and s != Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s]
    ]
    safe = sum(1 for f in report.findings if f.autofix is not None and f.autofix.safe)
    unsafe = sum(1 for f in report.findings if f.autofix is not None and not f.autofix.safe)
    fixable = [f"{safe} fixable with --fix"] if safe else []
    if unsafe:
        fixable.append(f"{unsafe} more with --unsafe-fixes")
    tail = f"; {', '.join(fixable)}" if fixable else ""
    return f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(parts)}) {where}{tail}."


def render(report: Report, out: IO[str], *, color: bool) -> None:
    if not report.findings:
        out.write(summary_line(report) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        soft_wrap=True,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for _path, group in groupby(report.findings, key=lambda f: f.path):
        for f in group:
            lines = report.sources.get(f.path, ())
            console.print(_frame(f, lines, Text))
            console.print()
    console.print(Text(summary_line(report), style="bold"))


def _frame(f: Finding, lines: tuple[str, ...], text_cls: type) -> object:
    text = text_cls()
    text.append(f"{f.path}:{f.span.line}:{f.span.column}: ", style="bold")
    text.append(str(f.severity), style=_STYLE[f.severity])
    text.append(f" {f.rule_id} ", style="bold")
    text.append(f.name, style="dim")
    text.append("\n")
    if 0 < f.span.line <= len(lines):
        source = lines[f.span.line - 1]
        gutter = str(f.span.line)
        pad = " " * len(gutter)
        start = max(f.span.column - 1, 0)
        end = f.span.end_column - 1 if f.span.end_line == f.span.line else len(source)
        end = max(end, start + 1)
        text.append(f"{pad} |\n", style="blue")
        text.append(f"{gutter} | ", style="blue")
        text.append(source + "\n")
        text.append(f"{pad} | ", style="blue")
        text.append(_caret_prefix(source, start) + "^" * (end - start), style=_STYLE[f.severity])
        text.append(f" {f.message}\n", style=_STYLE[f.severity])
    else:
        text.append(f"  {f.message}\n")
    for r in f.related:
        text.append(f"  = note: {r.path}:{r.span.line}:{r.span.column}: {r.message}\n", style="dim")
    if f.fix:
        fix_lines = f.fix.splitlines() or [""]
        text.append("  = fix: ", style="bold green")
        text.append(fix_lines[0] + "".join("\n         " + ln for ln in fix_lines[1:]) + "\n")
    text.append("  = docs: ", style="bold")
    text.append(f.help_url, style="underline")
    return text


def _caret_prefix(source: str, start: int) -> str:
    """Spaces up to the column, keeping tabs so the caret lines up under the token."""
    return "".join(ch if ch == "\t" else " " for ch in source[:start])
