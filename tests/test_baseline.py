"""The baseline through the real CLI: old findings hidden, new ones reported, fixes counted."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli, write

DOCKERFILE = (
    "FROM python:3.11-slim\n"
    "RUN pip install --no-cache-dir requests\n"
    "RUN pip install --no-cache-dir requests\n"
    "USER 10001\n"
)


def test_baseline_survives_unrelated_edits_and_reports_new_findings(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    baseline = tmp_path / ".mllint-baseline.json"
    written = run_cli("--write-baseline", str(baseline), str(path), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert len(json.loads(baseline.read_text())["findings"]) == 2  # two identical findings

    # Ten lines inserted at the top: nothing new.
    path.write_text("# comment\n" * 10 + DOCKERFILE, encoding="utf-8")
    shifted = run_cli("--format", "concise", "--baseline", str(baseline), str(path), cwd=tmp_path)
    assert shifted.returncode == 0, shifted.stdout
    assert shifted.stdout == ""
    assert "2 known findings not shown, 0 fixed" in shifted.stderr

    # A new problem is reported; removing one old one counts as fixed.
    path.write_text(
        DOCKERFILE.replace(
            "RUN pip install --no-cache-dir requests\nUSER",
            "RUN pip install --no-cache-dir flask\nUSER",
        ),
        encoding="utf-8",
    )
    changed = run_cli("--format", "concise", "--baseline", str(baseline), str(path), cwd=tmp_path)
    assert changed.returncode == 1
    assert [line.split()[1] for line in changed.stdout.splitlines()] == ["ML102"]
    assert "'flask'" in changed.stdout
    assert "1 known findings not shown, 1 fixed" in changed.stderr


def test_missing_or_bad_baseline_is_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    missing = run_cli("--baseline", str(tmp_path / "nope.json"), str(path))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    bad = write(tmp_path, "bad.json", "[1, 2]")
    wrong = run_cli("--baseline", str(bad), str(path))
    assert wrong.returncode == 2
    assert "is not an mllint baseline" in wrong.stderr
