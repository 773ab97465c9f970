"""``--fix``, ``--unsafe-fixes`` and ``--diff`` through the real CLI, on real files.

The broad test applies the fixes of every rule fixture and checks the three promises: the fixed
findings are gone, nothing else changed (the other findings are all still there and the file
still parses), and a second ``--fix`` changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, run_cli, write


def _findings(cwd: Path, *args: str) -> list[dict]:
    result = run_cli("--isolated", "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def _fixable_fixtures() -> list[Path]:
    """Rule fixtures where the rule offers at least one fix (found by linting them once)."""
    from mllint.lint import Settings, lint

    out = []
    for path in sorted((FIXTURES / "rules").glob("ML*/*")):
        rule = path.parent.name
        if rule in ("ML001", "ML004") or not path.is_file():
            continue
        report = lint([str(path)], Settings(select=[rule]))
        if any(f.autofix is not None for f in report.findings):
            out.append(path)
    return out


def _key(f: dict) -> tuple[str, str]:
    """A finding, independent of its position (a fix may add lines above it)."""
    return (f["rule"], f["message"])


@pytest.mark.parametrize("fixture", _fixable_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixes_resolve_their_findings_and_nothing_else(tmp_path: Path, fixture: Path) -> None:
    rule = fixture.parent.name
    target = tmp_path / fixture.name
    shutil.copyfile(fixture, target)
    before = _findings(tmp_path, "--select", rule, fixture.name)
    fixable = Counter(_key(f) for f in before if f["autofix"] is not None)
    fixed = run_cli(
        "--isolated", "--select", rule, "--fix", "--unsafe-fixes", fixture.name, cwd=tmp_path
    )
    assert fixed.returncode in (0, 1), fixed.stderr
    after = Counter(_key(f) for f in _findings(tmp_path, "--select", rule, fixture.name))
    # Every fixed finding is gone and nothing is new; a fix may also resolve findings it was
    # not made for (an ENV serves every later RUN of the stage).
    remaining = Counter(_key(f) for f in before) - fixable
    assert all(after[k] <= remaining[k] for k in after), (
        "a fix left its finding, or findings appeared"
    )
    assert not _findings(tmp_path, "--select", "ML001", fixture.name), "the fix broke the file"
    text = target.read_bytes()
    again = run_cli(
        "--isolated", "--select", rule, "--fix", "--unsafe-fixes", fixture.name, cwd=tmp_path
    )
    assert again.returncode in (0, 1)
    assert "fixed" not in again.stderr
    assert target.read_bytes() == text


DOCKERFILE = (
    "FROM ubuntu:22.04\n"
    "RUN apt-get update && apt-get install -y curl \\\n"
    "    git\n"
    "RUN pip install torch==2.4.1\n"
    "FROM python:3.12-alpine\n"
    "RUN apk add git\n"
    'RUN ["pip", "install", "numpy==2.1.0"]\n'
    "USER 1000\n"
)
FIXED = (
    "FROM ubuntu:22.04\n"
    "RUN apt-get update && apt-get install --no-install-recommends -y curl \\\n"
    "    git && rm -rf /var/lib/apt/lists/*\n"
    "RUN pip install --no-cache-dir torch==2.4.1\n"
    "FROM python:3.12-alpine\n"
    "RUN apk add --no-cache git\n"
    'RUN ["pip", "install", "numpy==2.1.0"]\n'
    "USER 1000\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fix_keeps_line_endings_bom_and_mode(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xef\xbb\xbf" + DOCKERFILE.replace("\n", newline).encode())
    path.chmod(0o640)
    result = run_cli("--isolated", "--fix", "Dockerfile", cwd=tmp_path)
    assert "mllint: fixed 4 problems in 1 file" in result.stderr
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", newline).encode()
    assert path.stat().st_mode & 0o777 == 0o640
    remaining = {f["rule"] for f in _findings(tmp_path, "Dockerfile")}
    assert "ML301" in remaining  # the exec-form RUN: no fix is offered for it
    assert not {"ML303", "ML304"} & remaining
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".mllint-")]


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    result = run_cli("--isolated", "--diff", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0  # what remains is one info (the exec-form RUN)
    assert result.stdout.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n")
    assert "+RUN pip install --no-cache-dir torch==2.4.1\n" in result.stdout
    assert "mllint: 4 fixes in 1 file would be applied" in result.stderr
    assert path.read_text() == DOCKERFILE


COMPOSE = 'services:\n  nb:\n    image: x:1\n    mem_limit: 1g\n    ports:\n      - "8888:8888"\n'


def test_unsafe_fixes_only_on_request(tmp_path: Path) -> None:
    path = write(tmp_path, "compose.yaml", COMPOSE)
    safe = run_cli("--isolated", "--fix", "compose.yaml", cwd=tmp_path)
    assert safe.returncode == 1 and path.read_text() == COMPOSE
    assert (
        "1 more with --unsafe-fixes" in run_cli("--isolated", "compose.yaml", cwd=tmp_path).stdout
    )
    unsafe = run_cli("--isolated", "--fix", "--unsafe-fixes", "compose.yaml", cwd=tmp_path)
    assert unsafe.returncode == 0, unsafe.stdout
    assert path.read_text() == COMPOSE.replace('"8888:8888"', '"127.0.0.1:8888:8888"')


def test_fixes_edit_the_source_text_not_the_interpolated_value(tmp_path: Path) -> None:
    text = COMPOSE.replace('"8888:8888"', '"${PORT:-8888}:8888"')
    path = write(tmp_path, "compose.yaml", text)
    run_cli("--isolated", "--fix", "--unsafe-fixes", "compose.yaml", cwd=tmp_path)
    assert path.read_text() == text.replace('"${PORT', '"127.0.0.1:${PORT')


def test_a_fix_is_dropped_when_the_file_says_something_else(tmp_path: Path) -> None:
    from mllint.engine.finding import Autofix, Edit, Finding, Severity
    from mllint.fixer import plan
    from mllint.model.span import Span

    path = write(tmp_path, "Dockerfile", "RUN pip install x\n")
    edit = Edit(Span(1, 5, 1, 8), "apt", "apt-get")  # the file has "pip" there
    finding = Finding("ML301", "n", "c", Severity.INFO, str(path), Span(1, 5, 1, 8), "m", "u")
    finding = finding._replace(autofix=Autofix((edit,), True, "t"))
    assert plan([finding], unsafe=False).texts == {}
    good = finding._replace(autofix=Autofix((edit._replace(old="pip"),), True, "t"))
    assert plan([good], unsafe=False).texts == {
        str(path): ("RUN pip install x\n", "RUN apt-get install x\n")
    }


def test_unsafe_fixes_alone_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", DOCKERFILE)
    result = run_cli("--isolated", "--unsafe-fixes", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "mllint: error: --unsafe-fixes goes with --fix or --diff\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_tree_is_a_clear_error_and_nothing_is_half_written(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    tmp_path.chmod(0o555)
    try:
        result = run_cli("--isolated", "--fix", "Dockerfile", cwd=tmp_path)
    finally:
        tmp_path.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr.strip() == "mllint: error: Dockerfile: cannot write: Permission denied"
    assert path.read_text() == DOCKERFILE


def test_stdin_cannot_be_fixed() -> None:
    result = run_cli("--isolated", "--fix", "-", stdin=DOCKERFILE)
    assert result.returncode == 2
    assert "--fix and --diff work on files" in result.stderr


def test_dockerignore_patterns_are_appended_or_written(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n")
    write(tmp_path, "data/train.parquet", "")
    write(tmp_path, "model.ckpt", "")
    first = run_cli("--isolated", "--select", "ML512", "--fix", ".", cwd=tmp_path)
    assert first.returncode == 0, first.stdout
    assert (tmp_path / ".dockerignore").read_text() == "data\nmodel.ckpt\n"
    write(tmp_path, "wandb/run-1/files", "")
    second = run_cli("--isolated", "--select", "ML512", "--fix", ".", cwd=tmp_path)
    assert second.returncode == 0
    assert (tmp_path / ".dockerignore").read_text() == "data\nmodel.ckpt\nwandb\n"
    (tmp_path / ".dockerignore").write_text("data\nmodel.ckpt")  # no final newline
    write(tmp_path, "mlruns/0/meta.yaml", "")
    third = run_cli("--isolated", "--select", "ML512", "--fix", ".", cwd=tmp_path)
    assert third.returncode == 1  # not placed exactly: reported, file unchanged
    assert (tmp_path / ".dockerignore").read_text() == "data\nmodel.ckpt"
