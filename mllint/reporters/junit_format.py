"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines, ...).

One ``<testcase classname="mllint" name="PATH">`` per linted file, in the order linted (paths
relative to the current directory, as in the other CI formats); a file
with findings holds one ``<failure>`` per finding (``type`` is the rule id, the text is the
concise line, the fix and the rule's documentation). ``tests`` counts the files and
``failures`` the files with at least one finding. A path that could not be linted and a rule
that crashed are ``<error>`` elements (counted in ``errors``). Characters XML 1.0 cannot carry
(control characters quoted from a broken file) are written as ``\\xNN``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

from mllint.engine.finding import Finding
from mllint.engine.runner import RuleCrash
from mllint.lint import Report
from mllint.reporters.fingerprint import display_path

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (shown as ``\\xNN`` instead)."""
    return _INVALID_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _failure(case: ET.Element, f: Finding) -> None:
    element = ET.SubElement(
        case,
        "failure",
        {"type": f.rule_id, "message": xml_text(f"{f.severity}: {f.message}")},
    )
    body = f"{display_path(f.path)}:{f.span.line}:{f.span.column}: {f.rule_id} {f.message}"
    for r in f.related:
        body += f"\n  note: {display_path(r.path)}:{r.span.line}:{r.span.column}: {r.message}"
    if f.fix:
        body += "\n  fix: " + f.fix.replace("\n", "\n       ")
    body += f"\n  docs: {f.help_url}"
    element.text = xml_text(body)


def build(report: Report) -> ET.Element:
    by_path: dict[str, list[Finding]] = {display_path(path): [] for path in report.files}
    for f in report.findings:
        by_path.setdefault(display_path(f.path), []).append(f)
    crashes: dict[str, list[RuleCrash]] = {}
    for crash in report.crashes:
        by_path.setdefault(display_path(crash.path), [])
        crashes.setdefault(display_path(crash.path), []).append(crash)
    cases: list[ET.Element] = []
    failures = errors = 0
    for path, findings in by_path.items():
        case = ET.Element("testcase", {"classname": "mllint", "name": xml_text(path)})
        for f in findings:
            _failure(case, f)
        failures += bool(findings)
        for crash in crashes.get(path, []):
            message = f"rule {crash.rule_id} failed: {crash.error}"
            ET.SubElement(case, "error", {"type": "crash", "message": xml_text(message)})
            errors += 1
        cases.append(case)
    for problem in report.errors:
        case = ET.Element("testcase", {"classname": "mllint", "name": xml_text(problem)})
        ET.SubElement(case, "error", {"type": "error", "message": xml_text(problem)})
        errors += 1
        cases.append(case)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    root = ET.Element("testsuites", {"name": "mllint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "mllint", **counts, "skipped": "0"})
    suite.extend(cases)
    return root


def render(report: Report, out: IO[str], *, color: bool = False) -> None:
    root = build(report)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
