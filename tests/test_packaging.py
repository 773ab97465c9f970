"""The wheel, installed (not editable), carries the catalog and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built wheel unpacked into a folder of its own; its dependencies come from this
    environment, so the test needs no network."""
    if os.environ.get("MLLINT_SKIP_PACKAGING"):
        pytest.skip("MLLINT_SKIP_PACKAGING is set")
    where = tmp_path_factory.mktemp("wheel")
    wheel_dir = where / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheel_dir.glob("mllint_docker-*.whl")
    target = where / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    return target


def _run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Run outside the source tree, with the wheel's copy first on the path, so neither the
    # checkout's rules/ nor an editable install can be picked up by accident.
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
        timeout=120,
        env=env,
    )


def test_wheel_ships_catalog(installed: Path) -> None:
    where = _run(installed, "-c", "import mllint.catalog as c; print(c.catalog_dir())")
    assert where.stdout.strip() == str(installed / "mllint" / "_rules"), where.stderr
    listing = _run(installed, "-m", "mllint", "rules")
    assert listing.returncode == 0, listing.stderr
    assert "ML101" in listing.stdout
    entry = _run(installed, "-m", "mllint", "rule", "ML101")
    assert entry.returncode == 0
    assert "unpinned-base-image" in entry.stdout


def test_wheel_lints_example(installed: Path) -> None:
    result = _run(installed, "-m", "mllint", "--format", "concise", str(ROOT / "examples"))
    assert result.returncode == 1, result.stderr
    assert "ML302" in result.stdout  # compose files too
    assert "ML402" in result.stdout
