"""Loads a Dockerfile's build context from disk: everything ``build`` and ``project`` rules may
look at, read once before they run."""

from __future__ import annotations

import os

from mllint.model.context import BuildContext, ImageBuild
from mllint.model.dockerfile import Dockerfile

#: A .dockerignore larger than this is not a .dockerignore.
MAX_IGNORE_BYTES = 1024 * 1024


def dockerignore_for(dockerfile_path: str, context_dir: str) -> str | None:
    """The ignore file BuildKit uses: ``<Dockerfile>.dockerignore`` next to the Dockerfile wins
    over ``.dockerignore`` at the context root."""
    specific = f"{dockerfile_path}.dockerignore"
    if os.path.isfile(specific):
        return specific
    root = os.path.join(context_dir, ".dockerignore")
    return root if os.path.isfile(root) else None


def load_context(context_dir: str, dockerfile_path: str) -> BuildContext:
    ignore = dockerignore_for(dockerfile_path, context_dir)
    lines: tuple[str, ...] = ()
    if ignore is not None:
        try:
            with open(ignore, "rb") as fh:
                data = fh.read(MAX_IGNORE_BYTES)
            lines = tuple(data.decode("utf-8", "replace").splitlines())
        except OSError:
            ignore = None
    return BuildContext(os.path.normpath(context_dir), ignore, lines)


def load_image_build(dockerfile: Dockerfile, context_dir: str | None = None) -> ImageBuild:
    """``dockerfile`` with the context it is built from (default: the Dockerfile's folder, as
    ``docker build -f path/Dockerfile path/`` in most projects)."""
    directory = context_dir if context_dir is not None else os.path.dirname(dockerfile.path) or "."
    return ImageBuild(dockerfile, load_context(directory, dockerfile.path))
