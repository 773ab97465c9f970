"""Stable identities for findings: the same problem keeps its fingerprint across unrelated edits.

A fingerprint hashes the rule id, the file's path (relative to the current directory, with
forward slashes), the offending line's text with its whitespace normalised, and the occurrence
index: how many earlier findings of the same rule in the same file sit on a line with that same
text. The line number is not part of it, so inserting lines above a finding, re-indenting it or
reformatting its whitespace keeps the fingerprint; two identical findings (two ``RUN pip
install x`` lines, two unpinned packages on one line) still differ by their occurrence index.

SARIF (``partialFingerprints``), GitLab Code Quality (``fingerprint``) and the baseline use
this one function, so a finding is recognised the same way everywhere.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from mllint.engine.finding import Finding
from mllint.lint import Report

#: Bumped if the hashed text ever changes, so old fingerprints cannot silently collide.
_VERSION = "mllint-fp-1"


def display_path(path: str, base: str | None = None) -> str:
    """``path`` relative to ``base`` (the current directory) with forward slashes, or absolute.

    A path outside ``base`` stays absolute (in POSIX form), so it never reads as a repo file.
    """
    base_dir = os.path.abspath(base or os.getcwd())
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full, base_dir)
    except ValueError:  # another drive on Windows
        return Path(full).as_posix()
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return Path(full).as_posix()
    return PurePosixPath(*Path(rel).parts).as_posix()


def line_content(lines: Sequence[str], line: int) -> str:
    """The text of 1-based ``line`` with whitespace runs collapsed and the ends stripped."""
    if not 0 < line <= len(lines):
        return ""
    return " ".join(lines[line - 1].split())


def fingerprint(finding: Finding, lines_of_file: Sequence[str], occurrence: int) -> str:
    """A hex SHA-256 of rule id, path, normalised line text and occurrence index."""
    parts = (
        _VERSION,
        finding.rule_id,
        display_path(finding.path),
        line_content(lines_of_file, finding.span.line),
        str(occurrence),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def occurrences(report: Report) -> list[int]:
    """For each of ``report.findings`` (in order), its occurrence index.

    Findings are counted per rule, file and normalised line text, in the report's order (by
    line, then column), so the first such finding is 0, the next 1, and so on.
    """
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in report.findings:
        key = (
            f.rule_id,
            display_path(f.path),
            line_content(report.sources.get(f.path, ()), f.span.line),
        )
        out.append(seen.get(key, 0))
        seen[key] = out[-1] + 1
    return out


def fingerprints(report: Report) -> list[str]:
    """The fingerprint of each of ``report.findings``, in order."""
    return [
        fingerprint(f, report.sources.get(f.path, ()), n)
        for f, n in zip(report.findings, occurrences(report), strict=True)
    ]
