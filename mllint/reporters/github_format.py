"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=ML101 name::message``, with
``warning`` for warnings and ``notice`` for info findings, then the summary as plain text.
Columns are 1-based and ``endColumn`` is the column after the last character (exclusive, as
in mllint's spans and ruff's github output); for a span over several lines only the lines are
given, since GitHub's annotations carry columns on a single line only. Paths are relative to
the current directory (the checkout, in a workflow) with forward slashes. Values are escaped as
the runner unescapes them: ``%``, CR and LF in the message, and also ``:`` and ``,`` in
properties. The message carries the fix hint and the rule's documentation link.
"""

from __future__ import annotations

from typing import IO

from mllint.engine.finding import Finding, Severity
from mllint.lint import Report
from mllint.reporters.fingerprint import display_path

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(f: Finding) -> str:
    span = f.span
    props: list[tuple[str, object]] = [("file", display_path(f.path)), ("line", span.line)]
    if span.end_line == span.line:
        props += [("col", span.column), ("endLine", span.end_line)]
        props += [("endColumn", max(span.end_column, span.column))]
    else:
        props += [("endLine", span.end_line)]
    props.append(("title", f"{f.rule_id} {f.name}"))
    text = ",".join(f"{key}={escape_property(str(value))}" for key, value in props)
    message = f.message + (f"\nFix: {f.fix}" if f.fix else "") + f"\nDocs: {f.help_url}"
    return f"::{COMMANDS[f.severity]} {text}::{escape_data(message)}"


def render(report: Report, out: IO[str], *, color: bool = False) -> None:
    from mllint.reporters.text_format import summary_line

    for f in report.findings:
        out.write(command(f) + "\n")
    out.write(summary_line(report) + "\n")
