"""Annotated fixtures (semgrep's convention): ``# expect: ML101 [col=N] [line=+N]``, ``# ok:``,
``# todo-expect:`` apply to the next line that is not blank or a comment. Each fixture runs with
only its rule on, and the findings must equal the annotations exactly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from mllint.engine.finding import Finding
from tests.helpers import FIXTURES, NEEDS_ALL_RULES, lint_only

ANNOTATION = re.compile(r"^\s*#\s*(expect|ok|todo-expect):\s*(ML\d{3})((?:\s+\w+=[+-]?\d+)*)\s*$")


@dataclass(frozen=True)
class Expectation:
    kind: str
    rule: str
    line: int
    column: int | None


def parse_annotations(text: str) -> list[Expectation]:
    out: list[Expectation] = []
    pending: list[tuple[str, str, dict[str, str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = ANNOTATION.match(line)
        if m:
            opts = dict(kv.split("=", 1) for kv in m.group(3).split())
            pending.append((m.group(1), m.group(2), opts))
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        for kind, rule, opts in pending:
            offset = int(opts.get("line", "0"))
            col = int(opts["col"]) if "col" in opts else None
            out.append(Expectation(kind, rule, number + offset, col))
        pending = []
    assert not pending, "an annotation at the end of the file applies to no line"
    return out


def fixture_files() -> list[Path]:
    """Single-file fixtures, and folders: a folder is linted as a user lints a project (compose
    file with its override, Dockerfiles, .env, requirements), and the annotations of every file
    in it count, each against the findings in that file."""
    return sorted((FIXTURES / "rules").glob("ML*/*"))


def _annotated_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file())


def _match(
    expected: list[tuple[int, int | None]], actual: list[tuple[int, int]]
) -> tuple[list[tuple[int, int | None]], list[tuple[int, int]]]:
    remaining = list(actual)
    missing = []
    for line, col in sorted(expected, key=lambda e: e[1] is None):
        hit = next((a for a in remaining if a[0] == line and (col is None or a[1] == col)), None)
        if hit is None:
            missing.append((line, col))
        else:
            remaining.remove(hit)
    return missing, remaining


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    rule = path.parent.name
    report = lint_only(path, rule, with_all=rule in NEEDS_ALL_RULES)
    assert not report.crashes, report.crashes
    assert not report.errors, report.errors
    found = [f for f in report.findings if f.rule_id == rule]
    files = _annotated_files(path)
    strays = [f for f in found if Path(f.path).resolve() not in {p.resolve() for p in files}]
    assert not strays, f"{rule} findings outside the fixture: {strays}"
    for file in files:
        annotations = [
            a
            for a in parse_annotations(file.read_text(encoding="utf-8", errors="replace"))
            if a.rule == rule
        ]
        here = [f for f in found if Path(f.path).resolve() == file.resolve()]
        _check_file(file.name, rule, annotations, here)


def _check_file(
    name: str, rule: str, annotations: list[Expectation], findings: list[Finding]
) -> None:
    actual = [(f.span.line, f.span.column) for f in findings]
    expected = [(a.line, a.column) for a in annotations if a.kind == "expect"]
    missing, unexpected = _match(expected, actual)
    todo = [(a.line, a.column) for a in annotations if a.kind == "todo-expect"]
    fixed_todo, unexpected = _match(todo, unexpected) if todo else ([], unexpected)
    messages = {(f.span.line, f.span.column): f.message for f in findings}
    assert not missing, f"{name}: expected {rule} at (line, col) {missing}, got {sorted(actual)}"
    assert not unexpected, f"{name}: unexpected {rule} at {unexpected}: " + "; ".join(
        messages[u] for u in unexpected
    )
    now_found = [t for t in todo if t not in fixed_todo]
    assert not now_found, f"{name}: todo-expect now fires at {now_found}: promote it to expect"
    ok_lines = {a.line for a in annotations if a.kind == "ok"}
    assert not ok_lines & {line for line, _ in actual}


def test_every_rule_has_a_fixture() -> None:
    from mllint.catalog import load_catalog

    with_fixtures = {p.parent.name for p in fixture_files()}
    missing = sorted(set(load_catalog()) - with_fixtures)
    assert not missing, f"rules without a fixture under tests/fixtures/rules/: {missing}"
