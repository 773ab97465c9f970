"""Shared test helpers: run mllint the way a user would, through the API or the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mllint.lint import Report, Settings, lint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


#: Rules judged on the outcome of the others: an unused suppression is unused only relative to
#: the rules that ran, so its tests run every rule and look at this one.
NEEDS_ALL_RULES = frozenset({"ML004"})


def lint_only(path: Path | str, rule_id: str, *, with_all: bool = False) -> Report:
    """Lint one path with a single rule selected (or all, keeping the findings of one)."""
    return lint([str(path)], Settings(select=["ALL"] if with_all else [rule_id]))


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess (``python -m mllint``), as a user runs it."""
    # Variables that change mllint's defaults (colour, GitHub annotations) are not inherited.
    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")}
    full_env.update({"NO_COLOR": "1", **(env or {})})
    # The checkout under test, also when the venv's editable install points at another one.
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    data = stdin.decode() if isinstance(stdin, bytes) else stdin
    return subprocess.run(
        [sys.executable, "-m", "mllint", *args],
        input=data,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=120,
        check=False,
    )


def write(root: Path, name: str, content: str | bytes) -> Path:
    """A file under ``root`` (folders created), as bytes or UTF-8 text."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
