"""Rule logic, one module per category (compose rules of a category in compose_<category>, ML
knowledge rules in ml_<topic>). ``load()`` imports the modules, which registers their rules.

A run over Dockerfiles alone (the usual pre-commit run) does not import the modules that hold
only compose rules: importing every rule module is most of mllint's start-up time.
"""

from __future__ import annotations

import importlib

#: Modules with rules for Dockerfiles, build contexts or any file (some hold compose rules too).
DOCKERFILE_MODULES = (
    "build_context",
    "dockerfile_style",
    "isolation",
    "ml_cuda",
    "ml_image",
    "ml_services",
    "reproducibility",
    "resources",
    "security",
    "validity",
    "volumes",
)
#: Modules whose rules all read compose projects (targets compose and project).
COMPOSE_MODULES = (
    "compose_isolation",
    "compose_reproducibility",
    "compose_resources",
    "compose_security",
    "compose_style",
    "compose_volumes",
    "ml_gpu",
    "ml_project",
)


def load(*, compose: bool = True) -> None:
    """Register the rules: all of them, or (``compose=False``) those a Dockerfile can need."""
    for name in DOCKERFILE_MODULES + (COMPOSE_MODULES if compose else ()):
        importlib.import_module(f"mllint.checks.{name}")
