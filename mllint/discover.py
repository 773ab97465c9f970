"""Which files mllint lints: Dockerfiles by name, compose files by name and content.

Walking a directory finds Dockerfiles by name and compose files by name; a file named on the
command line is linted as a compose file when its name or its content says so, as a Dockerfile
otherwise. Content decides in the end: a YAML file with a ``services:`` key that is a GitHub
workflow or a Kubernetes manifest is never linted as compose.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: Directories never walked into: version control, environments, caches, vendored packages.
SKIP_DIRS = frozenset(
    ".git .hg .svn .bzr node_modules .venv venv .tox .nox __pycache__ .mypy_cache "
    ".pytest_cache .ruff_cache site-packages .eggs .idea .direnv".split()
)
#: Suffixes of files that carry a Dockerfile's name but are not Dockerfiles.
_NOT_DOCKERFILE_SUFFIXES = frozenset(
    ".dockerignore .md .rst .txt .sh .py .yml .yaml .json .toml .j2 .jinja .jinja2 .tmpl .tpl "
    ".template .erb .in .orig .bak .swp .rej .patch .diff .lock .sum".split()
)


def is_dockerfile_name(name: str) -> bool:
    """``Dockerfile``, ``Dockerfile.gpu``, ``Dockerfile-dev``, ``Dockerfile_cpu``,
    ``train.Dockerfile``, ``x.dockerfile``, ``gpu-Dockerfile``, ``cuda_Dockerfile``,
    ``Containerfile`` (and its variants)."""
    lower = name.lower()
    if lower.endswith((".dockerfile", "-dockerfile", "_dockerfile", ".containerfile")):
        return True  # gpu.Dockerfile, train-Dockerfile, owner__repo__Dockerfile
    for stem in ("dockerfile", "containerfile"):
        if lower == stem:
            return True
        if lower.startswith(stem) and lower[len(stem)] in ".-_":
            return os.path.splitext(lower)[1] not in _NOT_DOCKERFILE_SUFFIXES
    return False


_COMPOSE_NAME = re.compile(
    r"^(docker-)?compose([.\-_][\w.\-]+)?\.ya?ml$|^[\w.\-]+\.compose\.ya?ml$", re.IGNORECASE
)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w.\-]*)\s*:", re.MULTILINE)
_COMPOSE_KEYS = frozenset(
    {
        "services",
        "volumes",
        "networks",
        "secrets",
        "configs",
        "include",
        "name",
        "version",
        "models",
    }
)
_FOREIGN_KEYS = frozenset(
    {
        "apiVersion",
        "kind",
        "jobs",
        "on",
        "steps",
        "stages",
        "pipeline",
        "spec",
        "metadata",
        "workflows",
        "hosts",
        "tasks",
    }
)


def is_compose_name(name: str) -> bool:
    """``compose.yaml``, ``docker-compose.yml``, ``docker-compose.gpu.yml``,
    ``docker-compose-dev.yaml``, ``compose.override.yaml``, ``train.compose.yaml``."""
    return bool(_COMPOSE_NAME.match(name))


def is_yaml_name(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml"))


def looks_like_compose(text: str) -> bool:
    """Top-level keys decide: compose keys and no keys of a workflow or a manifest."""
    keys = {m.group(1) for m in _TOP_KEY.finditer(text)}
    if keys & _FOREIGN_KEYS:
        return False
    return bool(keys & _COMPOSE_KEYS) or any(k.startswith("x-") for k in keys)


def is_override_name(name: str) -> bool:
    return ".override." in name.lower()


def discover(paths: list[str]) -> tuple[list[str], list[str]]:
    """Expand directories into the Dockerfiles below them; keep files as given.

    Returns (files, errors); an error is a path that does not exist. Order is deterministic:
    the order of ``paths``, and sorted within each directory walk. Duplicates are dropped.
    """
    files: list[str] = []
    errors: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path):
                add(found)
        elif path.exists() or raw == "-":
            add(raw)
        else:
            errors.append(f"{raw}: no such file or directory")
    return files, errors


def _walk(root: Path) -> list[str]:
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        out.extend(
            os.path.join(dirpath, f)
            for f in sorted(filenames)
            if is_dockerfile_name(f) or is_compose_name(f)
        )
    return out
