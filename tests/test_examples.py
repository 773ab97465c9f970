"""The examples shipped for the README's quick start report exactly what examples/README.md says."""

from __future__ import annotations

import re
from pathlib import Path

from mllint.lint import lint
from tests.helpers import ROOT

EXAMPLES = ROOT / "examples"


def documented() -> set[tuple[str, int, int, str]]:
    """(path, line, column, rule) from the tables under each ``### `path` `` heading."""
    out = set()
    current = None
    for line in (EXAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `([^`]+)`", line)
        if heading:
            current = heading.group(1)
            continue
        row = re.match(r"^\| (\d+):(\d+) \| (ML\d{3}) ", line)
        if row and current:
            out.add((current, int(row.group(1)), int(row.group(2)), row.group(3)))
    return out


def test_examples_report_what_their_readme_documents() -> None:
    report = lint([str(EXAMPLES)])
    assert not report.crashes
    actual = {
        (str(Path(f.path).relative_to(EXAMPLES)), f.span.line, f.span.column, f.rule_id)
        for f in report.findings
    }
    assert documented(), "examples/README.md lists no findings"
    assert actual == documented()


def test_clean_example_is_clean() -> None:
    assert lint([str(EXAMPLES / "clean")]).findings == []
