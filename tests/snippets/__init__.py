"""Tables of small snippets, one module per batch of rules, each with a ``CASES`` list."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def load_cases(package: str) -> list[Any]:
    """The ``CASES`` of every module in ``package``, in module-name order."""
    root = importlib.import_module(package)
    cases: list[Any] = []
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        cases += importlib.import_module(f"{package}.{info.name}").CASES
    return cases
