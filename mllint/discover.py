"""Which files are Dockerfiles: by name when walking a directory, always when named explicitly."""

from __future__ import annotations

import os
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
    ``train.Dockerfile``, ``x.dockerfile``, ``Containerfile`` (and its variants)."""
    lower = name.lower()
    if lower.endswith(".dockerfile"):
        return True
    for stem in ("dockerfile", "containerfile"):
        if lower == stem:
            return True
        if lower.startswith(stem) and lower[len(stem)] in ".-_":
            return os.path.splitext(lower)[1] not in _NOT_DOCKERFILE_SUFFIXES
    return False


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
        out.extend(os.path.join(dirpath, f) for f in sorted(filenames) if is_dockerfile_name(f))
    return out
