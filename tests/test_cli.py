"""The real command in a subprocess: exit codes, formats, stdin, bad input, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_cli, write

BAD = "FROM python\nRUN pip install requests\n"
GOOD = "FROM python:3.11-slim\nRUN pip install --no-cache-dir requests==2.32.3\nUSER 10001\n"


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_clean_file_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", GOOD)
    result = run_cli(str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found in 1 file." in result.stdout


def test_findings_exit_1_with_concise_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    result = run_cli("--format", "concise", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:1:1: ML201 ")  # sorted by line, then column
    assert lines[1].startswith(f"{path}:1:6: ML101 ")
    assert any(ln.startswith(f"{path}:2:17: ML102 ") for ln in lines)


def test_fail_on_threshold(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", "FROM python:3.11\nRUN pip install x==1\nUSER 1\n")
    # Only ML301 (info) fires: below the default threshold (warning), at or above 'info'.
    assert run_cli(str(path)).returncode == 0
    assert run_cli("--fail-on", "info", str(path)).returncode == 1


def test_json_format_matches_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    path = write(tmp_path, "Dockerfile", BAD)
    result = run_cli("--format", "json", str(path))
    document = json.loads(result.stdout)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(document, schema)
    first = document["findings"][1]
    assert first["rule"] == "ML101" and first["line"] == 1 and first["column"] == 6
    assert first["end_column"] == 12 and first["help_url"].endswith("ML101.yaml")
    assert document["summary"]["findings"] == len(document["findings"])


def test_text_format_shows_code_frame(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    result = run_cli(str(path))
    assert result.returncode == 1
    assert "FROM python" in result.stdout
    assert "^^^^^^" in result.stdout
    assert "= docs: " in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when piped
    assert result.stdout.rstrip().splitlines()[-1].startswith("Found ")


def test_force_color(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    result = run_cli(str(path), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in result.stdout


def test_stdin(tmp_path: Path) -> None:
    result = run_cli("--format", "concise", "--stdin-filename", "train/Dockerfile", "-", stdin=BAD)
    assert result.returncode == 1
    assert "train/Dockerfile:1:6: ML101" in result.stdout


def test_output_file(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    out = tmp_path / "report.json"
    result = run_cli("--format", "json", "--output", str(out), str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(out.read_text())["findings"]


def test_select_and_ignore(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    only = run_cli(
        "--format", "concise", "--select", "ML1", "--ignore", "unpinned-pip-package", str(path)
    )
    rules = {line.split()[1] for line in only.stdout.splitlines()}
    assert rules == {"ML101"}
    by_category = run_cli("--format", "concise", "--select", "isolation", str(path))
    assert {line.split()[1] for line in by_category.stdout.splitlines()} == {"ML201"}


def test_unknown_selector_is_one_line_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    result = run_cli("--select", "ML1O1", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "unknown rule, prefix or category 'ML1O1'" in result.stderr


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr
    assert_no_traceback(result)


def test_directory_discovery(tmp_path: Path) -> None:
    found = (
        "Dockerfile",
        "gpu/Dockerfile.cuda",
        "svc/api.Dockerfile",
        "x/Dockerfile-dev",
        "y/Dockerfile_cpu",
        "z/Containerfile",
        "w/cuda-Dockerfile",
    )
    skipped = (
        ".git/Dockerfile",
        "node_modules/a/Dockerfile",
        "docs/Dockerfile.md",
        "t/Dockerfile.j2",
    )
    for name in (*found, *skipped):
        write(tmp_path, name, BAD)
    result = run_cli("--format", "concise", "--select", "ML101", str(tmp_path))
    files = sorted({line.split(":")[0] for line in result.stdout.splitlines()})
    expected = sorted(str(tmp_path / n) for n in found)
    assert files == expected


def test_directory_without_dockerfiles(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "hello")
    result = run_cli(str(tmp_path))
    assert result.returncode == 0
    assert "no Dockerfiles or compose files found" in result.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", None),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
        ("FROM python:3.11\nLABEL author=Ren\xe9e\n".encode("latin-1"), "not UTF-8"),
        (b"FORM python:3.11\nUSER 1\n", "unknown instruction 'FORM'"),
    ],
)
def test_bad_input_is_a_finding(tmp_path: Path, content: bytes, fragment: str | None) -> None:
    path = write(tmp_path, "Dockerfile", content)
    other = write(tmp_path, "other/Dockerfile", BAD)
    result = run_cli("--format", "concise", str(path), str(other))
    assert_no_traceback(result)
    assert result.returncode in (0, 1)
    if fragment:
        assert f"{path}:1:1: ML001 " in result.stdout and fragment in result.stdout
    assert f"{other}:1:6: ML101" in result.stdout  # the other file is still checked


def test_huge_dockerfile(tmp_path: Path) -> None:
    lines = ["FROM python:3.11-slim"] + [f"RUN echo {i}" for i in range(50_000)]
    path = write(tmp_path, "Dockerfile", "\n".join(lines) + "\n")
    result = run_cli("--format", "concise", "--select", "ML1", str(path))
    assert result.returncode == 0, result.stderr


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = write(tmp_path, "Dockerfile", BAD)
    path.chmod(0)
    result = run_cli("--format", "concise", str(path))
    assert "ML001" in result.stdout


def test_rules_command() -> None:
    result = run_cli("rules")
    assert result.returncode == 0
    assert "ML101" in result.stdout and "unpinned-base-image" in result.stdout
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {r["id"] for r in listed} >= {"ML001", "ML101", "ML201", "ML301", "ML401", "ML501"}
    security = json.loads(run_cli("rules", "--format", "json", "--category", "security").stdout)
    assert {r["category"] for r in security} == {"security"}


def test_rule_command() -> None:
    result = run_cli("rule", "ML101")
    assert result.returncode == 0
    assert result.stdout.startswith("ML101 unpinned-base-image")
    assert "hadolint: DL3006" in result.stdout
    by_name = run_cli("rule", "unpinned-base-image")
    assert by_name.stdout == result.stdout
    unknown = run_cli("rule", "ML999")
    assert unknown.returncode == 2 and "unknown rule 'ML999'" in unknown.stderr


def test_version() -> None:
    from mllint import __version__

    result = run_cli("--version")
    assert result.stdout.strip() == f"mllint {__version__}"


def test_output_is_deterministic(tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path, f"s{i}/Dockerfile", BAD)
    first = run_cli("--format", "json", str(tmp_path)).stdout
    assert first == run_cli("--format", "json", str(tmp_path)).stdout


def test_suppressions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Dockerfile",
        "FROM python:3.11-slim\n"
        "# mllint: ignore=ML102 -- pinned by constraints.txt\n"
        "RUN pip install --no-cache-dir requests\n"
        "# hadolint ignore=DL3042\n"
        "RUN pip install flask==3.0.3\n"
        "USER 10001\n",
    )
    assert run_cli("--format", "concise", str(path)).stdout == ""
    audit = run_cli("--format", "concise", "--no-inline-ignores", str(path))
    assert {line.split()[1] for line in audit.stdout.splitlines()} == {"ML102", "ML301"}


def test_unknown_rule_in_suppression_is_exit_2(tmp_path: Path) -> None:
    path = write(
        tmp_path, "Dockerfile", "FROM python:3.11-slim\n# mllint: ignore=ML10 -- typo\nUSER 1\n"
    )
    result = run_cli("--format", "concise", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().startswith(
        f"mllint: error: {path}:2: unknown rule 'ML10' in a suppression (did you mean ML"
    )
    assert result.stderr.count("\n") == 1


def test_files_that_are_not_dockerfiles_are_skipped_with_a_note(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "torch>=2\n")
    write(tmp_path, "README.md", "# hello\n")
    write(tmp_path, "Dockerfile.j2", "FROM {{ base }}\n")
    result = run_cli("--format", "concise", "requirements.txt", "README.md", cwd=tmp_path)
    assert result.returncode == 0
    assert "requirements.txt: not a Dockerfile or compose file, skipped" in result.stderr
    assert "README.md: not a Dockerfile or compose file, skipped" in result.stderr
    template = run_cli("--format", "concise", "Dockerfile.j2", cwd=tmp_path)
    assert "ML001" in template.stdout  # a template named on the command line is still read


def test_select_by_category_ml_is_the_category_not_every_id(tmp_path: Path) -> None:
    result = run_cli("rules", "--format", "json")
    every = {r["id"] for r in json.loads(result.stdout)}
    write(tmp_path, "Dockerfile", "FROM nvidia/cuda:10.1-base-ubuntu18.04\n")
    found = run_cli("--format", "json", "--select", "ml", "Dockerfile", cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(found.stdout)["findings"]}
    assert rules and all(r.startswith("ML6") for r in rules), rules
    assert len(every) > 60
