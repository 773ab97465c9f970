"""A baseline: the findings a project already has, so that old debt does not block new work.

``mllint --write-baseline .mllint-baseline.json`` records every current finding by its
fingerprint (rule, file, normalised content of the offending line, occurrence index: see
``mllint.reporters.fingerprint``), never by line number, so the baseline survives unrelated
edits. ``mllint --baseline .mllint-baseline.json`` then reports only findings that are not in
it, and says how many baselined ones were fixed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from mllint import __version__
from mllint.lint import Report
from mllint.reporters.fingerprint import display_path, fingerprints

FORMAT_VERSION = 1


class BaselineError(ValueError):
    """The baseline file cannot be read: one line, exit 2."""


class BaselineOutcome(NamedTuple):
    hidden: int  # findings the baseline already holds
    fixed: int  # baselined findings that are gone


def write_baseline(report: Report, path: str) -> int:
    entries = [
        {
            "fingerprint": fp,
            "rule": f.rule_id,
            "path": display_path(f.path),
            "line": f.span.line,
            "message": f.message,
        }
        for f, fp in zip(report.findings, fingerprints(report), strict=True)
    ]
    document = {"version": FORMAT_VERSION, "tool": f"mllint {__version__}", "findings": entries}
    try:
        Path(path).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write the baseline {path}: {exc.strerror or exc}") from None
    return len(entries)


def read_baseline(path: str) -> set[str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {path} does not exist (create it with --write-baseline {path})"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("version") != FORMAT_VERSION
        or not isinstance(data.get("findings"), list)
    ):
        raise BaselineError(f"{path} is not an mllint baseline (version {FORMAT_VERSION})")
    return {str(e.get("fingerprint")) for e in data["findings"] if isinstance(e, dict)}


def apply_baseline(report: Report, known: set[str]) -> BaselineOutcome:
    """Drop the findings the baseline holds from ``report``; count the fixed ones."""
    kept = []
    seen = set()
    for f, fp in zip(report.findings, fingerprints(report), strict=True):
        if fp in known:
            seen.add(fp)
        else:
            kept.append(f)
    hidden = len(report.findings) - len(kept)
    report.findings = kept
    return BaselineOutcome(hidden, len(known - seen))
