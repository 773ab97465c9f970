"""The CUDA/framework compatibility data holds together: every table the ML rules read is
complete and consistent with the others, and the lookups answer from it."""

from __future__ import annotations

from pathlib import Path

from mllint.ml import compat
from mllint.ml.compat import parse_version, variant_cuda


def _sorted(keys: list[str]) -> bool:
    parsed = [parse_version(k) for k in keys]
    assert all(p is not None for p in parsed), keys
    return parsed == sorted(parsed)  # type: ignore[type-var]


def test_has_sources_and_date() -> None:
    data = compat.data()
    assert data["as_of"]
    for table in ("driver_min", "torch", "tensorflow", "jax", "cuda_eol"):
        assert table in data["sources"], table


def test_torch_releases_are_complete_and_sorted() -> None:
    torch = compat.data()["torch"]
    assert _sorted(list(torch))
    for version, entry in torch.items():
        assert entry["variants"], version
        for variant in entry["variants"]:
            assert variant_cuda(variant) is not None, (version, variant)
        cudas = [variant_cuda(v) for v in entry["variants"]]
        assert cudas == sorted(cudas), version  # type: ignore[type-var]
        if "pypi_default" in entry:
            assert entry["pypi_default"] in entry["variants"], version
        assert parse_version(entry["torchvision"]) is not None, version
        assert parse_version(entry["torchaudio"]) is not None, version
    # every 2.x release knows its PyPI default (a plain `pip install torch==X` is judged by it)
    assert all("pypi_default" in e for v, e in torch.items() if v.startswith("2."))


def test_companions_are_unique_and_increase_with_torch() -> None:
    torch = compat.data()["torch"]
    for package in ("torchvision", "torchaudio"):
        versions = [parse_version(e[package]) for e in torch.values()]
        assert len(set(versions)) == len(versions), package
        assert versions == sorted(versions), package  # type: ignore[type-var]
        for torch_version, entry in torch.items():
            assert compat.companion_torch(package, entry[package]) == torch_version


def test_pypi_default_only_and_series_agree() -> None:
    data = compat.data()
    series = data["torch_pypi_default_by_series"]
    for version, default in data["torch_pypi_default_only"].items():
        assert version not in data["torch"]
        assert series[".".join(version.split(".")[:2])] == default
    for version, entry in data["torch"].items():
        key = ".".join(version.split(".")[:2])
        if key in series:
            assert entry["pypi_default"] == series[key], version


def test_driver_table() -> None:
    drivers = compat.data()["driver_min"]
    assert _sorted(list(drivers))
    branches = [parse_version(v) for v in drivers.values()]
    assert branches == sorted(branches)  # type: ignore[type-var]  # newer CUDA, newer driver
    assert compat.driver_min((12, 4, 1)) == "550.54.15"
    assert compat.driver_min((12, 4)) == "550.54.14"
    assert compat.latest_patch((12, 4)) == (12, 4, 1)
    # every CUDA a torch wheel is built for has a driver floor
    for entry in compat.data()["torch"].values():
        for variant in entry["variants"]:
            cuda = variant_cuda(variant)
            assert cuda is not None
            if cuda >= (11, 0):
                assert compat.driver_min(cuda) is not None, variant


def test_tensorflow_builds() -> None:
    tf = compat.data()["tensorflow"]
    assert _sorted(list(tf))
    for series, entry in tf.items():
        assert entry["release"].startswith(series + ".")
        assert parse_version(entry["cuda"]) and parse_version(entry["cudnn"])
    build = compat.tensorflow_build("2.16.2")
    assert build is not None and build.cuda == (12, 3) and build.cudnn == (8, 9)
    assert compat.tensorflow_build("2.7.0") is None


def test_lookups() -> None:
    assert variant_cuda("cu118") == (11, 8)
    assert variant_cuda("cu130") == (13, 0)
    assert variant_cuda("cpu") is None
    release = compat.torch_release("2.3.1+cu118")
    assert release is not None and release.pypi_default == "cu121"
    assert release.torchvision == "0.18.1"
    only = compat.torch_release("2.12.1")
    assert only is not None and only.variants == () and only.pypi_default == "cu130"
    assert compat.torch_release("9.9.9") is None
    assert compat.default_cudnn((12, 4, 1)) == 9
    assert compat.default_cudnn((12, 1, 1)) == 8
    assert compat.is_eol((11, 7, 1)) and compat.is_eol((10, 2))
    assert not compat.is_eol((11, 8, 0))
    assert compat.jax_extra("CUDA12_local") == (12, True)
    assert compat.jax_extra("cuda13") == (13, False)
    assert compat.is_legacy_jax_extra("cuda12_pip")
    assert not compat.is_legacy_jax_extra("cuda12")
    for extra in compat.data()["jax_legacy_extras"]:
        assert compat.jax_extra(extra) is None, extra


def test_a_pip_wheel_build_of_a_cuda_extension_makes_a_major_mismatch_an_error(
    tmp_path: Path,
) -> None:
    from mllint.engine.finding import Severity
    from mllint.lint import Settings, lint

    path = tmp_path / "Dockerfile"
    path.write_text(
        "FROM nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04\n"
        "RUN pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121 \\\n"
        "    && pip wheel --no-build-isolation --no-deps -w /wheels flash-attn==2.6.3\n",
        encoding="utf-8",
    )
    findings = lint([str(path)], Settings(select=["ML601"])).findings
    assert [(f.span.line, f.severity) for f in findings] == [(2, Severity.ERROR)]
    assert "'flash-attn==2.6.3' is built on line 3" in findings[0].message
