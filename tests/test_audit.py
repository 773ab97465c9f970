"""``mllint audit``: a tree of 50 varied projects, walked as git would (``.gitignore``), with
the traps of real trees (symlink loops, FIFOs, unreadable folders, YAML that is not compose),
linted on one core and on two with the same outcome, and summarised."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mllint.audit import walk
from mllint.gitignore import compile_pattern
from tests.helpers import FIXTURES, ROOT, run_cli, write

DOCKERFILES = [
    'FROM python:3.11-slim\nRUN pip install torch\nCMD ["python", "serve.py"]\n',
    "FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\nRUN apt-get update && apt-get install "
    "-y python3-pip\nUSER 1000\n",
    "ARG BASE=pytorch/pytorch:2.4.1-cuda12.1-cudnn9-devel\nFROM ${BASE} AS build\n"
    "RUN pip install --no-cache-dir flash-attn==2.6.3\nFROM python:3.11-slim\n"
    "COPY --from=build /opt /opt\nUSER app\n",
    "FROM ubuntu:latest\nRUN curl -fsSL https://example.com/install.sh | sh\n",
    "FROM python:3.12\nENV HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH\n"
    "COPY model.safetensors /m/\n",
    "FROM python:3.12-slim\nRUN <<EOF\nset -e\npip install --no-cache-dir numpy==2.1.0\nEOF\n"
    "USER 65532\n",
]
COMPOSE = """\
services:
  train:
    build: .
    image: registry.example.com/train:{i}
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: all
              capabilities: [gpu]
  jupyter:
    image: quay.io/jupyter/pytorch-notebook:cuda12-python-3.11
    ports:
      - "8888:8888"
"""


def _tree(root: Path, count: int = 50) -> None:
    for i in range(count):
        project = root / f"repo{i:02d}"
        write(project, "Dockerfile", DOCKERFILES[i % len(DOCKERFILES)])
        if i % 3 == 0:
            write(project, "compose.yaml", COMPOSE.format(i=i))
        if i % 5 == 0:
            write(project, "docker/Dockerfile.gpu", DOCKERFILES[(i + 1) % len(DOCKERFILES)])
        if i % 7 == 0:
            write(project, ".gitignore", "vendor/\n*.generated.Dockerfile\n!keep/\n")
            write(project, "vendor/lib/Dockerfile", "FROM ubuntu\n")
            write(project, "x.generated.Dockerfile", "FROM ubuntu\n")
        if i % 11 == 0:
            write(project, "deploy/stack.yml", "services:\n  api:\n    image: nginx\n")
            write(project, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    steps: []\n")
    write(root / "repo49", "Containerfile", "FROM fedora:40\nRUN dnf install -y git\n")
    # The fixtures of the rule tests: many odd but real files.
    for source in sorted((FIXTURES / "rules").glob("ML2*/*")):
        if source.is_file():
            write(root / "fixtures" / source.parent.name, source.name, source.read_bytes())


def _findings(stdout: str) -> list[tuple[str, str, int, int]]:
    return [(f["path"], f["rule"], f["line"], f["column"]) for f in json.loads(stdout)["findings"]]


def test_one_job_and_two_jobs_agree_and_summaries_are_complete(tmp_path: Path) -> None:
    _tree(tmp_path)
    one = run_cli("audit", "--format", "json", "--jobs", "1", "--isolated", ".", cwd=tmp_path)
    two = run_cli("audit", "--format", "json", "--jobs", "2", "--isolated", ".", cwd=tmp_path)
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert _findings(one.stdout) == _findings(two.stdout)
    document = json.loads(one.stdout)
    summary = document["audit"]
    assert summary["findings"] == len(document["findings"]) > 100
    assert sum(r["total"] for r in summary["by_rule"]) == summary["findings"]
    assert sum(r["total"] for r in summary["by_category"]) == summary["findings"]
    assert sum(r["total"] for r in summary["by_project"]) == summary["findings"]
    projects = {r["project"] for r in summary["by_project"]}
    assert "repo00" in projects and os.path.join("repo05", "docker") in projects
    assert len(summary["worst_files"]) == 10
    paths = {f[0] for f in _findings(one.stdout)}
    assert not any("vendor" in p or "generated" in p for p in paths)  # .gitignore
    stack = os.path.join("repo00", "deploy", "stack.yml")
    assert any(f[0] == stack for f in _findings(one.stdout))  # compose by content
    assert not any(p.endswith("ci.yml") for p in paths)


def test_text_and_markdown_summaries(tmp_path: Path) -> None:
    _tree(tmp_path, 6)
    text = run_cli("audit", "--isolated", ".", cwd=tmp_path)
    assert "Findings by rule" in text.stdout and "Worst files" in text.stdout
    assert text.stdout.strip().splitlines()[-1].startswith("Audited ")
    assert text.stderr == ""  # no progress bar when stderr is not a terminal
    md = run_cli("audit", "--format", "markdown", "--findings", "--isolated", ".", cwd=tmp_path)
    assert md.stdout.startswith("```\n")
    assert "\n# mllint audit\n" in md.stdout and "| rule | name | category |" in md.stdout


def test_walk_skips_fifos_links_loops_and_reports_unreadable_folders(tmp_path: Path) -> None:
    write(tmp_path, "a/Dockerfile", "FROM python:3.12\n")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")  # a folder link into itself
    os.symlink(tmp_path / "missing", tmp_path / "Dockerfile.broken")
    os.mkfifo(tmp_path / "Dockerfile.fifo")
    locked = tmp_path / "locked"
    write(locked, "Dockerfile", "FROM python:3.12\n")
    locked.chmod(0)
    try:
        tree = walk([str(tmp_path)])
    finally:
        locked.chmod(0o755)
    assert tree.dockerfiles == [str(tmp_path / "a" / "Dockerfile")] + (
        [str(locked / "Dockerfile")] if os.geteuid() == 0 else []
    )
    assert any("Dockerfile.fifo: not a regular file" in n for n in tree.notes)
    if os.geteuid() != 0:
        assert tree.errors == [f"{locked}: cannot read folder: Permission denied"]


def test_a_fifo_named_on_the_audit_command_line_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "Dockerfile")
    result = run_cli("audit", "--isolated", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert "not a regular file, skipped" in result.stderr


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("*.pt", "a/b/x.pt", False, True),
        ("data/", "data", True, True),
        ("data/", "data", False, False),
        ("/build", "build", True, True),
        ("/build", "x/build", True, False),
        ("doc/frotz", "a/doc/frotz", False, False),
        ("a/**/b", "a/b", False, True),
        ("a/**/b", "a/x/y/b", False, True),
        ("**/foo", "x/y/foo", False, True),
        ("foo/**", "foo/x", False, True),
        ("[!a].txt", "b.txt", False, True),
        ("[!a].txt", "a.txt", False, False),
        ("\\#x", "#x", False, True),
        ("# comment", "# comment", False, False),
    ],
)
def test_gitignore_patterns(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    compiled = compile_pattern(pattern)
    matched = (
        compiled is not None
        and bool(compiled.regex.fullmatch(path))
        and (is_dir or not compiled.directory_only)
    )
    assert matched == ignored


def test_negation_and_deeper_gitignore_files(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.Dockerfile\n!keep.Dockerfile\n")
    write(tmp_path, "keep.Dockerfile", "FROM a\n")
    write(tmp_path, "drop.Dockerfile", "FROM a\n")
    write(tmp_path, "sub/.gitignore", "!drop.Dockerfile\n")
    write(tmp_path, "sub/drop.Dockerfile", "FROM a\n")
    found = sorted(os.path.relpath(p, tmp_path) for p in walk([str(tmp_path)]).dockerfiles)
    assert found == ["keep.Dockerfile", os.path.join("sub", "drop.Dockerfile")]


def test_bad_arguments_are_one_line(tmp_path: Path) -> None:
    result = run_cli("audit", "--jobs", "0", ".", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == "mllint: error: --jobs must be 1 or more\n"
    result = run_cli("audit", "--select", "ML9", "--isolated", ".", cwd=tmp_path)
    assert result.returncode == 2 and "unknown rule, prefix or category 'ML9'" in result.stderr


def test_audit_json_matches_the_report_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _tree(tmp_path, 4)
    result = run_cli("audit", "--format", "json", "--isolated", ".", cwd=tmp_path)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(json.loads(result.stdout), schema)
