"""The wheel, installed (not editable) into a fresh venv, carries the catalog and works."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
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
    env_dir = where / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    return env_dir / "bin"


def _run(bindir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Run outside the source tree so the checkout's rules/ cannot be picked up by accident.
    return subprocess.run(
        [str(bindir / "mllint"), *args],
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_wheel_ships_catalog(installed: Path) -> None:
    listing = _run(installed, "rules")
    assert listing.returncode == 0, listing.stderr
    assert "ML101" in listing.stdout
    entry = _run(installed, "rule", "ML101")
    assert entry.returncode == 0 and "unpinned-base-image" in entry.stdout
    where = subprocess.run(
        [str(installed / "python"), "-c", "import mllint.catalog as c; print(c.catalog_dir())"],
        capture_output=True,
        text=True,
        cwd="/",
        check=True,
    )
    assert "site-packages/mllint/_rules" in where.stdout


def test_wheel_lints_example(installed: Path) -> None:
    result = _run(installed, "--format", "concise", str(ROOT / "examples"))
    assert result.returncode == 1, result.stderr
    assert "ML" in result.stdout
