"""The table of small compose projects: for each, where one rule must fire (or that it stays
quiet). The cases live in tests/compose_snippets/, one module per batch of rules; each project
is written to disk and linted as a folder through the public API, one rule selected, so the
loader (interpolation, merges, overrides, .env) and the engine run exactly as for a user."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from mllint.lint import Settings, lint
from tests.snippets import load_cases

Files = str | dict[str, str]
CASES: list[tuple[Files, str, list[int | str]]] = load_cases("tests.compose_snippets")


def _files(files: Files) -> dict[str, str]:
    return {"compose.yaml": files} if isinstance(files, str) else files


def _where(expected: int | str) -> str:
    return f"compose.yaml:{expected}" if isinstance(expected, int) else expected


def _id(case: tuple[Files, str, list[int | str]]) -> str:
    files, rule, lines = case
    text = _files(files).get("compose.yaml", next(iter(_files(files).values())))
    last = [x for x in text.strip().splitlines() if x.strip()]
    return f"{rule}-{'fires' if lines else 'quiet'}-{last[-1].strip()[:40] if last else ''}"


@pytest.mark.parametrize(("files", "rule", "expected"), CASES, ids=[_id(x) for x in CASES])
def test_compose_snippet(
    tmp_path: Path, files: Files, rule: str, expected: list[int | str]
) -> None:
    for name, text in _files(files).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = lint([str(tmp_path)], Settings(select=[rule]))
    assert not report.crashes, report.crashes
    found = sorted(
        f"{os.path.relpath(f.path, tmp_path)}:{f.span.line}"
        for f in report.findings
        if f.rule_id == rule
    )
    assert found == sorted(_where(e) for e in expected), [f.message for f in report.findings]


def test_every_rule_of_the_table_fires_and_stays_quiet() -> None:
    fires = Counter(rule for _, rule, lines in CASES if lines)
    quiet = Counter(rule for _, rule, lines in CASES if not lines)
    thin = sorted(r for r in set(fires) | set(quiet) if fires[r] < 2 or quiet[r] < 2)
    assert not thin, f"rules with fewer than 2 firing or 2 quiet snippets: {thin}"
    assert len(CASES) >= 100


def test_every_compose_rule_is_in_the_table() -> None:
    """ML002 and ML003 (schema, YAML) are held to Compose itself by the differential test."""
    from mllint.catalog import load_catalog

    wanted = {i for i, e in load_catalog().items() if e.target in ("compose", "project")}
    assert not wanted - {rule for _, rule, _ in CASES} - {"ML002", "ML003"}
