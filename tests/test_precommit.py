"""The pre-commit hooks (.pre-commit-hooks.yaml): their file patterns select exactly the names
mllint recognises, and the real ``pre-commit try-repo`` installs and runs them.

``try-repo`` builds the hook's environment by pip-installing this repository (PyPI must be
reachable) into a store of its own: it ignores ``PRE_COMMIT_HOME`` and starts from nothing on
every call, so the end-to-end check is two calls, each with one hook failing and the other
passing. They take 10-30 s each (most of it pip).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from mllint.discover import is_compose_name, is_dockerfile_name
from tests.helpers import ROOT, write

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
BY_ID = {hook["id"]: hook for hook in HOOKS}
DOCKERFILE_FILES = re.compile(BY_ID["mllint"]["files"])
COMPOSE_FILES = re.compile(BY_ID["mllint-compose"]["files"])


def test_hooks_are_defined() -> None:
    assert [h["id"] for h in HOOKS] == ["mllint", "mllint-compose"]
    for hook in HOOKS:
        assert hook["entry"] == "mllint"
        assert hook["language"] == "python"
        assert hook["description"]
    # Names decide; identify's `dockerfile` tag misses Dockerfile-dev, x.dockerfile, ...
    assert "types" not in BY_ID["mllint"]
    assert BY_ID["mllint-compose"]["types"] == ["yaml"]
    # A base compose file and its override must reach the same mllint process.
    assert BY_ID["mllint-compose"]["require_serial"] is True
    assert not BY_ID["mllint"].get("require_serial", False)


def test_pre_commit_accepts_the_manifest() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    hooks = clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert [h["id"] for h in hooks] == ["mllint", "mllint-compose"]


def test_readme_config_uses_every_hook() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### pre-commit", 1)[1]
    config = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    (repo,) = config["repos"]
    assert repo["repo"] == "https://github.com/mllint-docker/mllint"
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in HOOKS]


DOCKERFILE_NAMES = {
    "Dockerfile": True,
    "dockerfile": True,
    "DOCKERFILE": True,
    "Dockerfile.gpu": True,
    "Dockerfile.cuda12.1": True,
    "Dockerfile-dev": True,
    "Dockerfile_cpu": True,
    "Dockerfile.": True,
    "train.Dockerfile": True,
    "serve.dockerfile": True,
    "Dockerfile.j2.dockerfile": True,
    "Containerfile": True,
    "Containerfile.rocm": True,
    "containerfile-dev": True,
    "Dockerfile.j2": False,
    "Dockerfile.jinja2": False,
    "Dockerfile.tmpl": False,
    "Dockerfile.template": False,
    "Dockerfile.in": False,
    "Dockerfile.md": False,
    "Dockerfile.dev.txt": False,
    "Dockerfile.yaml": False,
    "Dockerfile.orig": False,
    "Containerfile.bak": False,
    "Dockerfile.dockerignore": False,
    ".dockerignore": False,
    "Dockerfiles": False,
    "Dockerfile2": False,
    "MyDockerfile": False,
    "gpu-Dockerfile": True,
    "owner__repo__Dockerfile": True,
    "x.containerfile": True,
    "x-containerfile": False,
    "dockerfile.py": False,
    "Dockerfile.d": True,
    "compose.yaml": False,
}

COMPOSE_NAMES = {
    "compose.yaml": True,
    "compose.yml": True,
    "docker-compose.yaml": True,
    "docker-compose.yml": True,
    "compose.override.yaml": True,
    "compose.gpu.yaml": True,
    "docker-compose.prod.yml": True,
    "docker-compose-dev.yml": True,
    "compose_test.yaml": True,
    "train.compose.yaml": True,
    "Docker-Compose.YML": True,
    "compose.json": False,
    "compose.yaml.bak": False,
    "docker-compose.yml.j2": False,
    "mycompose.yaml": False,
    "composer.yaml": False,
    "docker_compose.yml": False,
    "compose": False,
    ".compose.yaml": False,
    "a.compose.yaml": True,
    "ci.yaml": False,
    "Dockerfile": False,
}


@pytest.mark.parametrize(("name", "expected"), sorted(DOCKERFILE_NAMES.items()))
def test_dockerfile_hook_selects_what_mllint_recognises(name: str, expected: bool) -> None:
    assert is_dockerfile_name(name) is expected
    for path in (name, f"services/train/{name}", f"a.Dockerfile/{name}"):
        assert bool(DOCKERFILE_FILES.search(path)) is expected, path


@pytest.mark.parametrize(("name", "expected"), sorted(COMPOSE_NAMES.items()))
def test_compose_hook_selects_what_mllint_recognises(name: str, expected: bool) -> None:
    assert is_compose_name(name) is expected
    for path in (name, f"deploy/{name}", f"compose.yaml/{name}"):
        assert bool(COMPOSE_FILES.search(path)) is expected, path


_FRAGMENTS = st.sampled_from(
    [
        *"Dockerfile dockerfile CONTAINERFILE Containerfile compose Compose docker- . - _ yaml "
        "yml YAML md j2 in txt dockerignore gpu override x 1 + é".split(),
        " ",
    ]
)


@given(st.lists(_FRAGMENTS, min_size=1, max_size=6).map("".join))
def test_hook_patterns_agree_with_mllint_on_any_name(name: str) -> None:
    for path in (name, f"dir/{name}"):
        assert bool(DOCKERFILE_FILES.search(path)) == is_dockerfile_name(name), path
        assert bool(COMPOSE_FILES.search(path)) == is_compose_name(name), path


# --- end to end: the real `pre-commit try-repo` ---------------------------------------------

BAD_DOCKERFILE = "FROM python\nRUN pip install torch\n"
GOOD_DOCKERFILE = "FROM python:3.11.9-slim\nUSER 10001\n"
BAD_COMPOSE = """\
services:
  trainer:
    image: pytorch/pytorch:latest
    privileged: true
    deploy:
      resources:
        limits:
          memory: 8g
"""
# Good only together with its override, which adds the memory limit: the pair is linted as one
# project, as docker compose reads it.
GOOD_COMPOSE = """\
services:
  api:
    image: python:3.11.9-slim
    ports:
      - "127.0.0.1:8080:8080"
"""
GOOD_OVERRIDE = """\
services:
  api:
    deploy:
      resources:
        limits:
          memory: 2g
"""
WORKFLOW = """\
on: push
jobs:
  test:
    services:
      db:
        image: postgres
"""


def _env() -> dict[str, str]:
    # No colour; no GIT_DIR or GIT_INDEX_FILE of a surrounding git hook; no SKIP=mllint.
    drop = {"FORCE_COLOR", "SKIP", "PRE_COMMIT_COLOR"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("GIT_")}
    env["NO_COLOR"] = "1"
    return env


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, timeout=120, env=_env()
    )


def _commit_all(repo: Path) -> None:
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "mllint-tests@example.invalid")
    _git(repo, "config", "user.name", "mllint tests")
    _git(repo, "config", "commit.gpgsign", "false")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-verify", "-m", "test")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's working tree (tracked and new files, not ignored ones), committed.

    Not the checkout itself: try-repo on a local path with uncommitted changes clones HEAD and
    adds the *tracked* modifications only, so a new file (a module, or the hooks file itself)
    would be missing. On a clean clone the snapshot is exactly HEAD.
    """
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install '.[test]')")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing for pre-commit try-repo to clone")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
        env=_env(),
    ).stdout.decode()
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file() or source.is_symlink():
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / rel, follow_symlinks=False)
    _commit_all(snapshot)
    return snapshot


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's repository with good and bad Dockerfiles and compose files."""
    root = tmp_path_factory.mktemp("user-repo")
    write(root, "bad/Dockerfile-dev", BAD_DOCKERFILE)  # no `dockerfile` tag from identify
    write(root, "bad/train.Dockerfile", BAD_DOCKERFILE)
    write(root, "bad/docker-compose.gpu.yml", BAD_COMPOSE)
    write(root, "good/Dockerfile", GOOD_DOCKERFILE)
    write(root, "good/compose.yaml", GOOD_COMPOSE)
    write(root, "good/compose.override.yaml", GOOD_OVERRIDE)
    # Not for mllint: a template (skipped like mllint skips it) and a workflow with services.
    write(root, "good/Dockerfile.j2", "FROM {{ base }}\n" + BAD_DOCKERFILE)
    write(root, ".github/workflows/ci.yaml", WORKFLOW)
    _commit_all(root)
    return root


def _try_repo(hook_repo: Path, project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            "--color",
            "never",
            "--verbose",
            "--files",
            *files,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=900,
        check=False,
    )


def _status(output: str, name: str) -> str:
    match = re.search(rf"^{re.escape(name)}\.+(\(no files to check\))?(\w+)$", output, re.M)
    assert match, f"no status line for {name!r}:\n{output}"
    return match.group(2)


def _finding(path: str, rule_id: str) -> str:
    return rf"^{re.escape(path)}:\d+:\d+: (error|warning|info) {rule_id} "


def test_try_repo_dockerfiles_bad_compose_good(hook_repo: Path, project: Path) -> None:
    result = _try_repo(
        hook_repo,
        project,
        # In the order git lists them, as pre-commit passes staged files.
        ".github/workflows/ci.yaml",
        "bad/Dockerfile-dev",
        "bad/train.Dockerfile",
        "good/Dockerfile.j2",
        "good/compose.override.yaml",
        "good/compose.yaml",
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert _status(out, "mllint (Dockerfiles)") == "Failed", out
    assert "- exit code: 1" in out
    for path in ("bad/Dockerfile-dev", "bad/train.Dockerfile"):
        for rule_id in ("ML101", "ML102", "ML201"):
            assert re.search(_finding(path, rule_id), out, re.M), out
    # pre-commit passes compose.override.yaml before compose.yaml (git's order): the pair must
    # still be one project, or the limit the override sets is reported missing.
    assert not re.search(_finding("good/compose.yaml", "ML302"), out, re.M), (
        "compose.yaml linted without its override when the override is listed first "
        f"(mllint.lint._compose_projects):\n{out}"
    )
    assert _status(out, "mllint (compose files)") == "Passed", out
    assert not re.search(r"^(good|\.github)/\S+:\d+:\d+: ", out, re.M), out
    assert "ci.yaml" not in out, out  # not even a note that it was skipped


def test_try_repo_dockerfiles_good_compose_bad(hook_repo: Path, project: Path) -> None:
    result = _try_repo(hook_repo, project, "bad/docker-compose.gpu.yml", "good/Dockerfile")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert _status(out, "mllint (Dockerfiles)") == "Passed", out
    assert _status(out, "mllint (compose files)") == "Failed", out
    for rule_id in ("ML103", "ML202"):
        assert re.search(_finding("bad/docker-compose.gpu.yml", rule_id), out, re.M), out
    assert not re.search(r"^good/\S+:\d+:\d+: ", out, re.M), out
