"""SARIF 2.1.0, the format GitHub code scanning (and most security dashboards) ingest.

One run. ``tool.driver.rules`` lists every catalog rule, not only those that fired, with its
summary, rationale and fix as help, so a dashboard can show the documentation of any rule.
Results point into the files with URIs relative to the current directory under the
``%SRCROOT%`` base id (which ``originalUriBaseIds`` maps to the current directory); a file
outside the current directory gets an absolute ``file://`` URI. Columns are Unicode code
points, 1-based with an exclusive end: what SARIF's regions are, so spans need no arithmetic.
``partialFingerprints.primaryLocationLineHash`` is ``mllint.reporters.fingerprint``: it does not
depend on the line number, so alerts survive edits elsewhere in the file.

``invocations[0].executionSuccessful`` is true when every file could be linted and no rule
crashed. The exit code is decided by the CLI after the report is rendered (it depends on
``--fail-on``), so ``exitCode`` is written only when the caller set ``report.exit_code`` (an
int) before rendering; the CLI does not, and SARIF does not require it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from mllint import __version__
from mllint.catalog import RuleEntry, load_catalog
from mllint.engine.finding import Finding, Severity
from mllint.lint import Report
from mllint.model.span import Span
from mllint.reporters.fingerprint import display_path, fingerprints

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
#: The project's home page, as ``[project.urls] Homepage`` in pyproject.toml says it; used
#: when the installed metadata cannot be read (a bare source checkout).
HOMEPAGE = "https://github.com/mllint-docker/mllint"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: GitHub's ``security-severity`` (a CVSS-like score as a string) for security rules:
#: over 9.0 is critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}


def render(report: Report, out: IO[str], *, color: bool = False) -> None:
    json.dump(sarif_log(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


def sarif_log(report: Report, base: str | None = None) -> dict[str, Any]:
    """The SARIF log of ``report``; paths are made relative to ``base`` (default: cwd)."""
    base_dir = os.path.abspath(base or os.getcwd())
    catalog = report.catalog or load_catalog()
    index = {rule_id: i for i, rule_id in enumerate(catalog)}
    prints = fingerprints(report)
    results = [
        _result(f, index.get(f.rule_id), fp, base_dir)
        for f, fp in zip(report.findings, prints, strict=True)
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": not (report.errors or report.crashes),
    }
    exit_code = getattr(report, "exit_code", None)
    if isinstance(exit_code, int):
        invocation["exitCode"] = exit_code
    notifications = [
        {"level": "error", "message": {"text": _sentence(error)}} for error in report.errors
    ] + [
        {
            "level": "error",
            "message": {
                "text": _sentence(f"rule {c.rule_id} failed on {c.path}: {c.error}"),
            },
            "associatedRule": {"id": c.rule_id, **_rule_index(index, c.rule_id)},
        }
        for c in report.crashes
    ]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mllint",
                        "informationUri": homepage(),
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(entry) for entry in catalog.values()],
                    }
                },
                "invocations": [invocation],
                "originalUriBaseIds": {SRCROOT: {"uri": Path(base_dir).as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def homepage() -> str:
    """``[project.urls] Homepage`` from the installed package's metadata."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("mllint-docker").get_all("Project-URL") or []
    except PackageNotFoundError:
        return HOMEPAGE
    for url in urls:
        label, _, value = str(url).partition(",")
        if label.strip().lower() == "homepage" and value.strip():
            return value.strip()
    return HOMEPAGE


def _rule(entry: RuleEntry) -> dict[str, Any]:
    doc = entry.document()
    rationale = str(doc.get("rationale") or entry.summary).strip()
    fix = str(doc.get("fix") or "").strip()
    first = " ".join(rationale.split("\n\n")[0].split())
    text = rationale + (f"\n\nFix:\n{fix}" if fix else "")
    markdown = f"**{entry.summary}**\n\n{rationale}\n\n" + (f"### Fix\n\n{fix}\n\n" if fix else "")
    markdown += f"[Documentation of {entry.id}]({entry.help_url})"
    tags = list(dict.fromkeys((entry.category, *entry.tags)))
    properties: dict[str, Any] = {"tags": tags, "precision": "high"}
    if entry.category == "security":
        properties["security-severity"] = SECURITY_SEVERITY[entry.severity]
    return {
        "id": entry.id,
        "name": entry.name,
        "shortDescription": {"text": _sentence(entry.summary)},
        "fullDescription": {"text": _sentence(first)},
        "help": {"text": text, "markdown": markdown},
        "helpUri": entry.help_url,
        "defaultConfiguration": {"level": LEVELS[entry.severity]},
        "properties": properties,
    }


def _result(f: Finding, rule_index: int | None, fp: str, base_dir: str) -> dict[str, Any]:
    text = _sentence(f.message)
    if f.fix:
        text += f"\nFix: {f.fix}"
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        **({"ruleIndex": rule_index} if rule_index is not None else {}),
        "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": _physical(f.path, f.span, base_dir)}],
        "partialFingerprints": {"primaryLocationLineHash": fp},
    }
    if f.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": _physical(r.path, r.span, base_dir),
                "message": {"text": _sentence(r.message)},
            }
            for i, r in enumerate(f.related, start=1)
        ]
    properties: dict[str, Any] = {"category": f.category, "name": f.name}
    if f.fix:
        properties["fix"] = f.fix
    result["properties"] = properties
    return result


def _rule_index(index: dict[str, int], rule_id: str) -> dict[str, int]:
    return {"index": index[rule_id]} if rule_id in index else {}


def _physical(path: str, span: Span, base_dir: str) -> dict[str, Any]:
    return {"artifactLocation": artifact_location(path, base_dir), "region": region(span)}


def artifact_location(path: str, base_dir: str) -> dict[str, str]:
    """A relative, percent-encoded URI under ``%SRCROOT%``, or an absolute ``file://`` URI."""
    shown = display_path(path, base_dir)
    if os.path.isabs(shown):
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(shown, safe="/"), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    """SARIF's region: 1-based lines and columns with an exclusive end, as ``Span`` is."""
    line = max(span.line, 1)
    column = max(span.column, 1)
    end_line = max(span.end_line, line)
    end_column = max(span.end_column, 1)
    if end_line == line:
        end_column = max(end_column, column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _sentence(text: str) -> str:
    """SARIF asks for messages that end with a period."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."
