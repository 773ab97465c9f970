"""CUDA / framework compatibility facts, read from ``cuda_compat.json`` on first use.

The data (driver floors, torch wheel variants, PyPI defaults, TF tested builds, JAX extras,
EOL CUDA images) is written from the project's cuda-compat reference; its ``sources`` and
``as_of`` keys say where each table comes from and when it was taken. Loading is lazy so that
``import mllint.checks`` stays cheap when no ML rule runs.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

Version = tuple[int, ...]


def parse_version(text: str) -> Version | None:
    """``"2.3.1"`` -> ``(2, 3, 1)``; None for anything that is not dotted digits."""
    parts = text.split(".")
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def variant_cuda(variant: str) -> Version | None:
    """``cu121`` -> ``(12, 1)``, ``cu130`` -> ``(13, 0)``; None for ``cpu`` and ROCm."""
    if not variant.startswith("cu") or not variant[2:].isdigit() or len(variant) < 5:
        return None
    digits = variant[2:]
    return (int(digits[:-1]), int(digits[-1]))


def cuda_text(cuda: Version) -> str:
    return ".".join(str(p) for p in cuda)


def cuda_variant(cuda: Version) -> str:
    """``(12, 4)`` -> ``cu124``."""
    return f"cu{cuda[0]}{cuda[1] if len(cuda) > 1 else 0}"


@functools.cache
def data() -> dict[str, Any]:
    import json
    from pathlib import Path

    # Next to this module in a checkout and in the wheel (importlib.resources costs ~10 ms).
    text = (Path(__file__).parent / "cuda_compat.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


class TorchRelease(NamedTuple):
    version: str
    variants: tuple[str, ...]  # CUDA variants on download.pytorch.org; empty when not known
    pypi_default: str | None  # the variant a plain ``pip install torch==V`` gets from PyPI
    torchvision: str | None
    torchaudio: str | None


def torch_release(version: str) -> TorchRelease | None:
    """What is known of one torch release (exact version, local part ignored)."""
    version = version.split("+", 1)[0]
    d = data()
    entry = d["torch"].get(version)
    if entry is not None:
        return TorchRelease(
            version,
            tuple(entry["variants"]),
            entry.get("pypi_default"),
            entry["torchvision"],
            entry["torchaudio"],
        )
    default = d["torch_pypi_default_only"].get(version)
    if default is not None:
        return TorchRelease(version, (), default, None, None)
    return None


def companion_torch(package: str, version: str) -> str | None:
    """The torch release a torchvision/torchaudio version belongs to."""
    version = version.split("+", 1)[0]
    for torch_version, entry in data()["torch"].items():
        if entry.get(package) == version:
            return str(torch_version)
    return None


class TfBuild(NamedTuple):
    release: str
    cuda: Version
    cudnn: Version


def tensorflow_build(version: str) -> TfBuild | None:
    """The CUDA/cuDNN a TensorFlow release was built and tested with (by minor series)."""
    parsed = parse_version(version)
    if parsed is None or len(parsed) < 2:
        return None
    entry = data()["tensorflow"].get(f"{parsed[0]}.{parsed[1]}")
    if entry is None:
        return None
    cuda, cudnn = parse_version(entry["cuda"]), parse_version(entry["cudnn"])
    assert cuda is not None and cudnn is not None
    return TfBuild(entry["release"], cuda, cudnn)


def driver_min(cuda: Version) -> str | None:
    """The toolkit driver of a CUDA release: of X.Y.Z exactly, or of X.Y's first release."""
    table: dict[str, str] = data()["driver_min"]
    if len(cuda) >= 3:
        return table.get(cuda_text(cuda[:3]))
    prefix = cuda_text(cuda) + "."
    found = [v for k, v in table.items() if k.startswith(prefix)]
    return found[0] if found else None


def latest_patch(cuda: Version) -> Version | None:
    """The newest X.Y.Z release known for ``(X, Y)``, for suggesting an image tag."""
    prefix = cuda_text(cuda[:2]) + "."
    found = [parse_version(k) for k in data()["driver_min"] if k.startswith(prefix)]
    known = [v for v in found if v is not None]
    return max(known) if known else None


def default_cudnn(cuda: Version) -> int | None:
    """The cuDNN major of ``nvidia/cuda:X.Y.Z-cudnn-…`` tags that do not name it."""
    for low, high, major in data()["cudnn_major_by_cuda"]:
        lo, hi = parse_version(low), parse_version(high)
        if lo is not None and hi is not None and lo <= cuda[:2] <= hi:
            return int(major)
    return None


def is_eol(cuda: Version) -> bool:
    """Whether nvidia/cuda images of this CUDA are past support (their tags get deleted)."""
    floor = parse_version(data()["cuda_eol_below"])
    return floor is not None and cuda[:2] < floor


def jax_extra(extra: str) -> tuple[int, bool] | None:
    """``cuda12`` -> (12, False); ``cuda12-local`` -> (12, True); None for other extras."""
    entry = data()["jax_extras"].get(_norm(extra))
    return None if entry is None else (int(entry["cuda_major"]), bool(entry["local"]))


def is_legacy_jax_extra(extra: str) -> bool:
    return _norm(extra) in data()["jax_legacy_extras"]


def _norm(extra: str) -> str:
    """PEP 685 extra normalisation: ``cuda12_local`` and ``CUDA12-local`` are the same extra."""
    import re

    return re.sub(r"[-_.]+", "-", extra).lower()


def minor_compat_driver(major: int) -> int | None:
    """The lowest driver branch that runs any CUDA ``major``.x binary (minor-version compat)."""
    branch = data()["minor_version_compat_driver_branch"].get(str(major))
    return None if branch is None else int(branch)
