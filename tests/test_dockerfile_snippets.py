"""The table of small Dockerfile snippets: for each, the lines where one rule must fire (an
empty list: it must stay quiet). The cases live in tests/snippets/, one module per batch of
rules; this module runs them all with the real parser and engine, one rule selected."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from mllint.lint import Settings, lint
from tests.snippets import load_cases

#: Every module of tests/snippets/ holds a CASES list: add a module for a new batch of rules.
CASES: list[tuple[str, str, list[int]]] = load_cases("tests.snippets")


#: Rules of target "any" whose cases are compose projects (tests/compose_snippets/).
_COMPOSE_SIDE = frozenset({"ML414", "ML415"})


def _id(case: tuple[str, str, list[int]]) -> str:
    snippet, rule, lines = case
    last = snippet.rstrip("\n").splitlines()[-1][:40] if snippet.strip() else "(empty)"
    return f"{rule}-{'fires' if lines else 'quiet'}-{last}"


@pytest.mark.parametrize(("snippet", "rule", "expected"), CASES, ids=[_id(x) for x in CASES])
def test_snippet(tmp_path: Path, snippet: str, rule: str, expected: list[int]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(snippet, encoding="utf-8")
    report = lint([str(path)], Settings(select=[rule]))
    assert not report.crashes, report.crashes
    lines = sorted(f.span.line for f in report.findings if f.rule_id == rule)
    assert lines == sorted(expected), [f.message for f in report.findings]


def test_every_rule_of_the_table_fires_and_stays_quiet() -> None:
    fires = Counter(rule for _, rule, lines in CASES if lines)
    quiet = Counter(rule for _, rule, lines in CASES if not lines)
    thin = sorted(r for r in set(fires) | set(quiet) if fires[r] < 2 or quiet[r] < 2)
    assert not thin, f"rules with fewer than 2 firing or 2 quiet snippets: {thin}"
    assert len(CASES) >= 150


#: Rules whose table lives elsewhere: build-context projects (tests/test_build_context_rules.py)
#: and the rules about unreadable files and pragmas (their own fixtures and tests).
ELSEWHERE = frozenset({"ML001", "ML004", "ML117", "ML419", "ML512"})


def test_every_dockerfile_rule_is_in_the_table() -> None:
    from mllint.catalog import load_catalog

    wanted = {i for i, e in load_catalog().items() if e.target in ("dockerfile", "build", "any")}
    assert not wanted - {rule for _, rule, _ in CASES} - ELSEWHERE - _COMPOSE_SIDE
