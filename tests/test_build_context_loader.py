"""The build-context loader: what it lists, which files it maps back from the image, what it
keeps of dotenv files (key names, never values)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mllint.lint import parse_dockerfile_bytes
from mllint.model.context import BuildContext
from mllint.parsers.context import load_image_build
from tests.helpers import write


def _load(root: Path, dockerfile: str, context: str | None = None) -> BuildContext:
    path = write(root, "Dockerfile", dockerfile)
    model = parse_dockerfile_bytes(path.read_bytes(), str(path))
    return load_image_build(model, context).context


def _installed(context: BuildContext) -> list[tuple[str, str | None]]:
    return [
        (i.word.text, os.path.relpath(i.path, context.directory) if i.path else None)
        for i in context.installs
    ]


def test_copies_workdirs_and_stages(tmp_path: Path) -> None:
    for name in ("requirements.txt", "req/base.txt", "req/gpu.txt", "other/r.txt"):
        write(tmp_path, name, "numpy\n")
    context = _load(
        tmp_path,
        "FROM python:3.11 AS base\n"
        "WORKDIR /app\n"
        "COPY requirements.txt .\n"
        "COPY req /opt/req\n"
        "FROM base AS train\n"
        "WORKDIR sub\n"
        "COPY other/r.txt ./\n"
        "RUN pip install -r ../requirements.txt -r /opt/req/gpu.txt -r r.txt \\\n"
        "    -r missing.txt -r $X\n"
        "FROM python:3.11\n"
        "RUN pip install -r /opt/req/gpu.txt\n",
    )
    assert _installed(context) == [
        ("../requirements.txt", "requirements.txt"),
        ("/opt/req/gpu.txt", "req/gpu.txt"),
        ("r.txt", "other/r.txt"),
        ("missing.txt", None),
        ("$X", None),
        ("/opt/req/gpu.txt", None),  # another stage: nothing was copied there
    ]


def test_copy_dot_wildcards_mounts_and_cd(tmp_path: Path) -> None:
    for name in ("requirements-gpu.txt", "deps/a.txt", "deps/b.txt"):
        write(tmp_path, name, "numpy\n")
    context = _load(
        tmp_path,
        "FROM python:3.11\n"
        "COPY requirements-*.txt /tmp/\n"
        "RUN pip install -r /tmp/requirements-gpu.txt\n"
        "RUN --mount=type=bind,source=deps,target=/d pip install -r /d/a.txt\n"
        "RUN --mount=type=bind,from=builder,source=deps,target=/e pip install -r /e/b.txt\n"
        "COPY . /src\n"
        "RUN cd /src && pip install -r deps/b.txt && pip install -r /src/deps/b.txt\n",
    )
    assert _installed(context) == [
        ("/tmp/requirements-gpu.txt", "requirements-gpu.txt"),
        ("/d/a.txt", "deps/a.txt"),
        ("/e/b.txt", None),  # bound from another stage, not from the context
        ("deps/b.txt", None),  # relative after a cd: not followed
        ("/src/deps/b.txt", "deps/b.txt"),
    ]


def test_compose_context_and_outside_files(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "-r ../outside.txt\n-c c.txt\ntorch\n")
    write(tmp_path, "c.txt", "torch==2.4.1\n")
    write(tmp_path.parent, "outside.txt", "numpy\n")
    write(tmp_path, "docker/placeholder", "")
    path = write(
        tmp_path,
        "docker/Dockerfile",
        "FROM python:3.11\nCOPY requirements.txt /r.txt\nRUN pip install -r /r.txt\n",
    )
    model = parse_dockerfile_bytes(path.read_bytes(), str(path))
    context = load_image_build(model, str(tmp_path)).context
    (install,) = context.installs
    assert install.path == str(tmp_path / "requirements.txt")
    (req, constraints) = context.requirements
    assert req.includes == ()  # outside the build context: never read
    assert req.constraints == (str(tmp_path / "c.txt"),)
    assert constraints.kind == "constraints"
    assert "docker/" in (context.entries or ())


def test_env_files_keep_names_not_values(tmp_path: Path) -> None:
    write(tmp_path, ".env", "HF_TOKEN=hf_secret_value\nEMPTY=\nPLACEHOLDER=<your token>\n")
    write(tmp_path, "sub/.env", "HF_TOKEN=hf_nested\n")
    context = _load(tmp_path, "FROM python:3.11\nCOPY . .\n")
    (env,) = context.env_files
    assert env.name == ".env"
    assert [k.text for k in env.keys] == ["HF_TOKEN"]
    assert "hf_secret_value" not in repr(context)


def test_a_huge_top_level_is_not_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mllint.parsers.context.MAX_ENTRIES", 10)
    for i in range(11):
        (tmp_path / f"f{i}").touch()
    context = _load(tmp_path, "FROM python:3.11\nCOPY . .\n")
    assert context.entries is None
    assert context.installs == ()
