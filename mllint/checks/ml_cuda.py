"""ML6xx: CUDA / framework compatibility of Dockerfiles (base image CUDA vs framework wheels).

The knowledge lives in ``mllint.ml`` (tag grammar, compatibility tables, wheel variants) and is
imported inside the rules, so ``import mllint.checks`` does not load it when no ML rule runs.
Every rule is silent when a side is unknown: an ARG-templated base without default, an image
whose tag names no CUDA, a torch that is not pinned and comes from PyPI.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related, Severity
from mllint.engine.registry import rule
from mllint.model.dockerfile import Dockerfile, ImageRef

if TYPE_CHECKING:
    from mllint.ml.compat import Version
    from mllint.ml.frameworks import CudaBuild, WheelPin
    from mllint.ml.images import ImageInfo

_TORCH_INDEX = "https://download.pytorch.org/whl/"


def _image(df: Dockerfile, stage: int) -> tuple[ImageRef, ImageInfo] | None:
    """The external image a stage starts from (through ``FROM stage`` chains) and its tag facts."""
    from mllint.ml.images import image_info

    if stage < 0 or stage >= len(df.stages):
        return None
    ref = df.stage_chain(df.stages[stage])[-1].image
    info = image_info(ref)
    return None if info is None else (ref, info)


def _image_stages(df: Dockerfile, stage: int) -> set[int]:
    """The stages that hold what ``stage`` installed: its chain and the stages built on it."""
    out = {s.number for s in df.stage_chain(df.stages[stage])}
    for other in df.stages:
        if stage in {s.number for s in df.stage_chain(other)}:
            out.add(other.number)
    return out


def _superseded(pin: WheelPin, pins: list[WheelPin]) -> bool:
    """Whether a later RUN of the same stage installs the same package again."""
    return any(
        p.package == pin.package
        and p.stage == pin.stage
        and p.instruction.span.line > pin.instruction.span.line
        for p in pins
    )


def _torch_pins(df: Dockerfile) -> Iterator[tuple[WheelPin, ImageRef, ImageInfo]]:
    """The effective torch installs whose image is known, with that image."""
    from mllint.ml.frameworks import wheel_pins

    pins = wheel_pins(df)
    for pin in pins:
        if pin.package != "torch" or pin.variant is None or _superseded(pin, pins):
            continue
        image = _image(df, pin.stage)
        if image is not None:
            yield pin, image[0], image[1]


def _fixes(
    pin: WheelPin, ref: ImageRef, info: ImageInfo, cuda: Version, wheel: Version
) -> list[str]:
    """The two ways out of a wheel/image CUDA disagreement: the wheel variant that matches the
    image, and a base image that matches the wheel."""
    options = []
    variant = _variant_for(pin, cuda)
    if variant is not None and variant != pin.variant:
        options.append(_index_fix(pin, variant))
    base = _base_suggestion(ref, info, wheel)
    if base is not None:
        options.append(base)
    return options


def _cuda(cuda: Version) -> str:
    from mllint.ml.compat import cuda_text

    return cuda_text(cuda)


def _image_name(ref: ImageRef) -> str:
    return ref.resolved or ref.text.text


def _from_related(df: Dockerfile, ref: ImageRef, info: ImageInfo) -> Related:
    what = f"image provides CUDA {_cuda(info.cuda)}" if info.cuda else "CUDA base image"
    return Related(df.path, ref.text.span, what)


def _wheel(pin: WheelPin) -> str:
    version = f" {pin.version}" if pin.version else ""
    return f"{pin.package}{version}"


def _variant_for(pin: WheelPin, cuda: Version) -> str | None:
    """The variant of the pinned torch release to use on an image of CUDA ``cuda``: the newest
    with the image's major and a CUDA not newer than the image (Cog's choice)."""
    from mllint.ml.compat import torch_release, variant_cuda

    release = torch_release(pin.version) if pin.version else None
    if release is None or not release.variants:
        return None
    same = [
        (c, v) for v in release.variants if (c := variant_cuda(v)) is not None and c[0] == cuda[0]
    ]
    fitting = [(c, v) for c, v in same if len(cuda) < 2 or c <= cuda[:2]]
    if fitting:
        return max(fitting)[1]
    return min(same)[1] if same else None


def _base_suggestion(ref: ImageRef, info: ImageInfo, cuda: Version) -> str | None:
    """``nvidia/cuda:<wheel CUDA>-<same flavour and OS>`` for an nvidia/cuda base."""
    from mllint.ml.compat import default_cudnn, latest_patch

    if info.repository != "nvidia/cuda" or not ref.tag or "-" not in ref.tag:
        return None
    patch = latest_patch(cuda)
    if patch is None:
        return None
    rest = ref.tag.split("-", 1)[1]
    if rest.startswith("cudnn") and "-" in rest:
        # the cuDNN major follows the CUDA release; tags from 12.4 on omit it
        cudnn = "cudnn" if patch >= (12, 4) else f"cudnn{default_cudnn(patch) or ''}"
        rest = f"{cudnn}-{rest.split('-', 1)[1]}"
    return f"FROM {ref.name}:{_cuda(patch)}-{rest}"


def _index_fix(pin: WheelPin, variant: str) -> str:
    if pin.install.manager == "conda":
        return f"conda install pytorch-cuda={variant[2:-1]}.{variant[-1]}"
    version = f"=={pin.version}" if pin.version else ""
    return f"pip install torch{version} --index-url {_TORCH_INDEX}{variant}"


def _use(options: list[str]) -> str:
    return "use " + " or ".join(f"'{o}'" for o in options)


def _builds(df: Dockerfile, pin: WheelPin) -> CudaBuild | None:
    from mllint.ml.frameworks import cuda_builds

    return next(cuda_builds(df, _image_stages(df, pin.stage)), None)


# --------------------------------------------------------------------------- ML601


@rule("ML601")
def torch_wheel_cuda_major_mismatch(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    from mllint.ml.compat import minor_compat_driver, variant_cuda

    for pin, ref, info in _torch_pins(df):
        wheel = variant_cuda(pin.variant or "")
        if wheel is None or info.cuda is None or wheel[0] == info.cuda[0]:
            continue
        build = _builds(df, pin)
        related = [_from_related(df, ref, info)]
        if build is not None:
            why = (
                f"{build.what} on line {build.span.line} against the image's CUDA "
                f"{_cuda(info.cuda)} toolkit, and torch refuses to build or load extensions whose "
                f"CUDA major differs from its own ({wheel[0]})"
            )
            related.append(Related(df.path, build.span, f"compiled with CUDA {_cuda(info.cuda)}"))
        elif wheel[0] > info.cuda[0]:
            branch = minor_compat_driver(wheel[0])
            floor = f" (>= {branch})" if branch else ""
            why = (
                f"the wheel needs a host driver for CUDA {wheel[0]}{floor} while the image is "
                f"made for CUDA {info.cuda[0]}, so the container starts on GPU nodes with an "
                "older driver and fails at the first CUDA call"
            )
        else:
            why = (
                f"the wheel ships its own CUDA {_cuda(wheel)} libraries, so the image's CUDA "
                "stack is dead weight, and anything compiled against it will not load into torch"
            )
        options = _fixes(pin, ref, info, info.cuda, wheel)
        yield ctx.finding(
            pin.via.span if pin.via is not None else pin.word.span,
            f"{_wheel(pin)} wheel is built for CUDA {_cuda(wheel)} ({pin.how}) but the base "
            f"image provides CUDA {_cuda(info.cuda)}: {why}; "
            + (_use(options) if options else "use the same CUDA major on both"),
            fix="; or ".join(options) if options else None,
            related=tuple(related),
            severity=Severity.ERROR if build is not None else Severity.WARNING,
        )


# --------------------------------------------------------------------------- ML602


@rule("ML602")
def torch_wheel_cpu_on_gpu_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for pin, ref, info in _torch_pins(df):
        if pin.variant != "cpu" or not info.is_gpu:
            continue
        variant = _variant_for(pin, info.cuda) if info.cuda else None
        target = _index_fix(pin, variant) if variant else f"{_TORCH_INDEX}cuXYZ"
        yield ctx.finding(
            pin.via.span if pin.via is not None else pin.word.span,
            f"{_wheel(pin)} is the CPU-only build ({pin.how}) but the base image is a CUDA "
            "image: torch.cuda.is_available() is False, training and inference silently run "
            "on the CPU, and the image carries its CUDA libraries for nothing; install a CUDA "
            "build, or start from a CPU base image if the CPU is intended",
            fix=f"{target}, or FROM python:3.x-slim for a CPU image",
            related=(_from_related(df, ref, info),),
        )


# --------------------------------------------------------------------------- ML603


@rule("ML603")
def torch_wheel_cuda_newer_than_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    from mllint.ml.compat import driver_min, variant_cuda

    for pin, ref, info in _torch_pins(df):
        wheel = variant_cuda(pin.variant or "")
        cuda = info.cuda
        if wheel is None or cuda is None or len(cuda) < 2:
            continue
        if wheel[0] != cuda[0] or wheel <= cuda[:2]:
            continue
        needs = driver_min(wheel)
        has = driver_min(cuda)
        drivers = (
            f"full support needs host driver >= {needs} while the image only asks for >= {has}"
            if needs and has
            else "full support needs a newer host driver than the image asks for"
        )
        options = _fixes(pin, ref, info, cuda, wheel)
        yield ctx.finding(
            pin.via.span if pin.via is not None else pin.word.span,
            f"{_wheel(pin)} wheel is built for CUDA {_cuda(wheel)} ({pin.how}), newer than the "
            f"base image's CUDA {_cuda(cuda)}: {drivers}; on older drivers it runs only under "
            "minor-version compatibility (limited features, PTX JIT fails), and extensions "
            "built with the image's nvcc get a CUDA mismatch warning"
            + (f"; {_use(options)}" if options else ""),
            fix="; or ".join(options) if options else None,
            related=(_from_related(df, ref, info),),
        )


# --------------------------------------------------------------------------- ML604


@rule("ML604")
def torch_companion_mismatch(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    from mllint.ml.compat import torch_release, variant_cuda
    from mllint.ml.frameworks import wheel_pins

    pins = wheel_pins(df)
    torches = [p for p in pins if p.package == "torch"]
    for pin in pins:
        if pin.package not in ("torchvision", "torchaudio"):
            continue
        torch = _torch_for(pin, torches, df)
        if torch is None:
            continue
        goes_with = f"the torch it goes with: {torch.requirement}"
        related = (Related(df.path, torch.word.span, goes_with),)
        release = torch_release(torch.version) if torch.version else None
        expected = getattr(release, pin.package) if release is not None else None
        if pin.version and expected and pin.version != expected:
            fixed = f"{pin.package}=={expected}" + (f"+{pin.local}" if pin.local else "")
            yield ctx.finding(
                pin.word.span,
                f"{pin.package} {pin.version} does not belong to torch {torch.version} (line "
                f"{torch.word.span.line}), which needs {pin.package} {expected}: the two are "
                "released together and share a C++ ABI, so pip either replaces the pinned torch "
                "or the import fails with undefined symbols / operator errors; pin "
                f"{fixed}",
                fix=fixed,
                related=related,
            )
            continue
        if pin.variant is None or torch.variant is None or pin.variant == torch.variant:
            continue
        if "PyPI" in pin.how or "PyPI" in torch.how:
            continue
        mine, theirs = variant_cuda(pin.variant), variant_cuda(torch.variant)
        if (
            mine is not None
            and theirs is not None
            and mine[0] == theirs[0]
            and not (pin.local and torch.local)
        ):
            continue  # the same CUDA major from two indexes: torchvision only checks the major
        yield ctx.finding(
            pin.via.span if pin.via is not None and pin.local is None else pin.word.span,
            f"{pin.package} is the {pin.variant} build ({pin.how}) but torch is the "
            f"{torch.variant} build ({torch.how}, line {torch.word.span.line}): "
            f"{pin.package}'s compiled ops refuse to run with a torch built for another CUDA "
            "(or run on the CPU only); install both from the same index",
            fix=f"{pin.package}=={pin.version}+{torch.variant}" if pin.version else None,
            related=related,
        )


def _torch_for(pin: WheelPin, torches: list[WheelPin], df: Dockerfile) -> WheelPin | None:
    """The torch install a companion goes with: in the same command, else the last one in its
    image that is pinned."""
    same = [t for t in torches if t.install.command is pin.install.command]
    if same:
        return same[-1]
    if pin.stage < 0:
        return None
    stages = {s.number for s in df.stage_chain(df.stages[pin.stage])}
    candidates = [t for t in torches if t.stage in stages and t.version]
    before = [t for t in candidates if t.word.span.line < pin.word.span.line]
    found = before or candidates
    return found[-1] if found else None


# --------------------------------------------------------------------------- ML605


@rule("ML605")
def deprecated_gpu_package(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    from mllint.ml.compat import is_legacy_jax_extra, parse_version
    from mllint.ml.frameworks import find_links, wheel_pins

    found = []
    for pin in wheel_pins(df):
        if pin.package == "tensorflow-gpu":
            parsed = parse_version(pin.version) if pin.version else None
            new = "tensorflow[and-cuda]" if parsed is None or parsed >= (2, 14) else "tensorflow"
            fixed = f"{new}=={pin.version}" if pin.version else new
            if parsed is None or parsed >= (2, 12):
                found.append(
                    ctx.finding(
                        pin.word.span,
                        f"'{pin.requirement}' cannot be installed: the tensorflow-gpu package "
                        'was removed from PyPI and now fails with "The tensorflow-gpu package '
                        f'has been removed! Please install tensorflow instead"; use {fixed}',
                        fix=fixed,
                        severity=Severity.ERROR,
                    )
                )
            else:
                found.append(
                    ctx.finding(
                        pin.word.span,
                        f"'{pin.requirement}' is the discontinued GPU-only TensorFlow package; "
                        "it gets no fixes and newer releases fail to install, while "
                        f"'tensorflow' includes GPU support; use {fixed}",
                        fix=fixed,
                        severity=Severity.WARNING,
                    )
                )
        elif pin.package in ("jax", "jaxlib"):
            legacy = [e for e in pin.extras if is_legacy_jax_extra(e)]
            if legacy:
                found.append(
                    ctx.finding(
                        pin.word.span,
                        f"'{pin.requirement}' uses the legacy JAX extra '{legacy[0]}': JAX now "
                        "publishes its CUDA builds on PyPI as jax[cuda12] / jax[cuda13] (pip "
                        "wheels bundling CUDA) or jax[cuda12-local] (system CUDA), and the old "
                        "extras are gone from current releases; use jax[cuda12]",
                        fix="jax[cuda12]",
                    )
                )
    for _, word, url in find_links(df):
        if "download.pytorch.org/whl/" in url and url.endswith("torch_stable.html"):
            found.append(
                ctx.finding(
                    word.span,
                    f"'-f {url}' is the legacy find-links page of PyTorch wheels: pip scans a "
                    "page listing every build of every release and the CUDA variant then depends "
                    "on the pin's '+cuXYZ' alone; use --index-url "
                    f"{_TORCH_INDEX}cuXYZ (one index per CUDA variant)",
                    fix=f"--index-url {_TORCH_INDEX}cu<XYZ>",
                )
            )
        elif "jax-releases" in url and "cuda" in url:
            found.append(
                ctx.finding(
                    word.span,
                    f"'-f {url}' is the legacy find-links page of JAX CUDA wheels: they are on "
                    "PyPI now (pip install 'jax[cuda12]'), and the old page is not updated",
                    fix="pip install 'jax[cuda12]==<version>'",
                )
            )
    yield from sorted(found, key=lambda h: (h.span.line, h.span.column))


# --------------------------------------------------------------------------- ML606


def _installs_cudnn(df: Dockerfile, stages: set[int]) -> bool:
    """Whether a RUN in ``stages`` mentions cuDNN (an apt, pip or tarball install of it)."""
    return any(
        i.keyword == "RUN" and i.stage in stages and "cudnn" in i.arguments.text.lower()
        for i in df.instructions
    )


@rule("ML606")
def tensorflow_cuda_mismatch(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    from mllint.ml.compat import tensorflow_build
    from mllint.ml.frameworks import wheel_pins

    pins = wheel_pins(df)
    for pin in pins:
        if pin.package != "tensorflow" or _superseded(pin, pins):
            continue
        image = _image(df, pin.stage)
        if image is None:
            continue
        ref, info = image
        if info.repository != "nvidia/cuda" or info.cuda is None:
            continue
        related = (_from_related(df, ref, info),)
        name = _image_name(ref)
        if "and-cuda" in pin.extras:
            if info.cudnn is not None:
                yield ctx.finding(
                    pin.word.span,
                    f"'{pin.requirement}' installs its own CUDA and cuDNN wheels (nvidia-*), "
                    f"and the base image '{name}' already carries cuDNN {info.cudnn}: two CUDA "
                    "stacks, GBs of duplicate libraries, and which one TensorFlow loads depends "
                    "on the library path; use an nvidia/cuda '-base' image with [and-cuda], or "
                    "drop [and-cuda] and match the image",
                    related=related,
                    severity=Severity.INFO,
                )
            continue
        build = tensorflow_build(pin.version) if pin.version else None
        if build is None:
            continue
        tested = f"CUDA {_cuda(build.cuda)} / cuDNN {_cuda(build.cudnn)}"
        if build.cuda[0] != info.cuda[0]:
            yield ctx.finding(
                pin.word.span,
                f"tensorflow {pin.version} (without [and-cuda]) loads the system CUDA "
                f"libraries and was built for {tested}, but the base image '{name}' provides "
                f"CUDA {_cuda(info.cuda)}: TensorFlow does not find its CUDA {build.cuda[0]} "
                "libraries and silently runs on the CPU; use an nvidia/cuda "
                f"{_cuda(build.cuda)} image or 'tensorflow[and-cuda]=={pin.version}'",
                fix=f"tensorflow[and-cuda]=={pin.version}",
                related=related,
                severity=Severity.WARNING,
            )
        elif info.cudnn is not None and info.cudnn != build.cudnn[0]:
            yield ctx.finding(
                pin.word.span,
                f"tensorflow {pin.version} was built for {tested}, but the base image '{name}' "
                f"has cuDNN {info.cudnn}: TensorFlow cannot load libcudnn.so.{build.cudnn[0]} "
                f"and falls back to the CPU; use a -cudnn{build.cudnn[0]}- image or "
                f"'tensorflow[and-cuda]=={pin.version}'",
                fix=f"tensorflow[and-cuda]=={pin.version}",
                related=related,
                severity=Severity.ERROR,
            )
        elif info.cudnn is None and not _installs_cudnn(df, _image_stages(df, pin.stage)):
            yield ctx.finding(
                pin.word.span,
                f"tensorflow {pin.version} (without [and-cuda]) needs cuDNN "
                f"{build.cudnn[0]} from the system, but the base image '{name}' has no cuDNN "
                "and nothing installs it: TensorFlow silently runs on the CPU; use a "
                f"'-cudnn' image of CUDA {_cuda(build.cuda)} or "
                f"'tensorflow[and-cuda]=={pin.version}'",
                fix=f"tensorflow[and-cuda]=={pin.version}",
                related=related,
                severity=Severity.WARNING,
            )


# --------------------------------------------------------------------------- ML607


@rule("ML607")
def jax_cuda_extra_mismatch(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    from mllint.ml.compat import jax_extra
    from mllint.ml.frameworks import wheel_pins

    pins = wheel_pins(df)
    for pin in pins:
        if pin.package not in ("jax", "jaxlib") or _superseded(pin, pins):
            continue
        extras = [(e, x) for e in pin.extras if (x := jax_extra(e)) is not None]
        image = _image(df, pin.stage)
        if not extras or image is None:
            continue
        ref, info = image
        if info.cuda is None:
            continue
        extra, (major, local) = extras[0]
        name = _image_name(ref)
        suffix = "-local" if local else ""
        same = f"jax[cuda{info.cuda[0]}{suffix}]"
        alternative = same if jax_extra(same[4:-1]) is not None else None
        related = (_from_related(df, ref, info),)
        if major != info.cuda[0]:
            why = (
                "it uses the system CUDA, which is the wrong major"
                if local
                else f"the wheels bundle CUDA {major}, the image's CUDA {info.cuda[0]} stack is "
                "unused"
                + (
                    f" and the host needs a CUDA {major} driver the image does not ask for"
                    if major > info.cuda[0]
                    else ""
                )
            )
            yield ctx.finding(
                pin.word.span,
                f"'{pin.requirement}' is the CUDA {major} build of JAX but the base image "
                f"'{name}' provides CUDA {_cuda(info.cuda)}: {why}; use "
                + (f"{alternative} or " if alternative else "")
                + f"a CUDA {major} base image",
                fix=alternative,
                related=related,
            )
        elif (
            local
            and info.repository == "nvidia/cuda"
            and (info.cudnn is None or info.flavour == "base")
            and not _installs_cudnn(df, _image_stages(df, pin.stage))
        ):
            missing = "cuDNN" if info.flavour != "base" else "cuDNN and the CUDA math libraries"
            yield ctx.finding(
                pin.word.span,
                f"'{pin.requirement}' ({extra}) loads CUDA and cuDNN from the system, but the "
                f"base image '{name}' has no {missing}: JAX fails to initialise the GPU backend; "
                f"use a '-cudnn-runtime' image or jax[cuda{major}] (wheels that bundle CUDA)",
                fix=f"jax[cuda{major}]",
                related=related,
            )


# --------------------------------------------------------------------------- ML608


@rule("ML608")
def cuda_base_eol(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    from mllint.ml.compat import is_eol
    from mllint.ml.images import image_info, is_docker_hub

    for stage in df.stages:
        ref = stage.image
        info = image_info(ref)
        if info is None or info.repository != "nvidia/cuda" or info.cuda is None:
            continue
        if not is_docker_hub(ref) or ref.digest or not is_eol(info.cuda):
            continue
        yield ctx.finding(
            ref.text.span,
            f"base image '{_image_name(ref)}' is CUDA {_cuda(info.cuda)}, past NVIDIA's "
            "support window for nvidia/cuda images: end-of-life tags are deleted from Docker "
            "Hub, so this build breaks on the day the tag disappears (as it did for many 10.x "
            "and 11.x tags); move to a supported CUDA (11.8 or 12.x) or mirror the image into "
            "your own registry",
        )


# --------------------------------------------------------------------------- ML609

#: Repositories of GPU vendor images (normalised names); ``*`` matches one path level or more.
_GPU_VENDORS = (
    "nvidia/",
    "nvcr.io/",
    "pytorch/",
    "tensorflow/",
    "huggingface/",
    "ghcr.io/huggingface/",
    "vllm/",
    "ollama/",
    "localai/",
    "quay.io/go-skynet/",
    "rocm/",
)
_FLOATING_PARTS = frozenset({"latest", "nightly", "main", "master"})


@rule("ML609")
def cuda_base_floating_tag(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    import re

    from mllint.ml.images import image_info

    for stage in df.stages:
        ref = stage.image
        info = image_info(ref)
        if info is None or ref.digest or info.repository is None:
            continue
        repo = info.repository
        if not (repo.startswith(_GPU_VENDORS) or info.is_gpu):
            continue
        tag = ref.tag
        if tag is None or tag == "latest":
            continue  # ML101 reports these
        problem = None
        if "nightly" in repo.rsplit("/", 1)[-1]:
            problem = f"comes from the nightly repository '{repo}', rebuilt from main every day"
        elif repo == "nvidia/cuda" and re.match(r"\d+\.\d+-", tag):
            problem = (
                f"names CUDA {tag.split('-', 1)[0]} without a patch release: such short tags "
                "are aliases that moved with patch releases and are not published for current "
                "CUDA"
            )
        elif not any(c.isdigit() for c in tag):
            problem = f"uses the tag '{tag}', which names no version and moves with each release"
        elif _FLOATING_PARTS & set(re.split(r"[-_.]", tag.lower())):
            problem = f"uses the tag '{tag}', which moves with each release"
        if problem is None:
            continue
        yield ctx.finding(
            ref.text.span,
            f"GPU base image '{_image_name(ref)}' {problem}: the CUDA, cuDNN and framework "
            "versions under your code can change on any rebuild, which breaks compiled "
            "extensions and driver compatibility; pin a versioned tag (and a digest)",
            fix=f"FROM {ref.name}:<version tag>",
        )
