"""Framework wheels a Dockerfile installs, and the CUDA each one carries.

From the ``pip``/``uv``/``conda`` installs of every RUN (``mllint.parsers.commands``) this finds
torch, torchvision, torchaudio, tensorflow and jax requirements, with their pin and the CUDA
variant of the wheel: a ``+cuXYZ`` local version, a download.pytorch.org index given by option,
environment or ``--torch-backend``, a conda ``pytorch-cuda=X.Y``, or PyPI's default for an
exactly pinned release. When the index cannot be known (a custom mirror, a pip.conf, a
requirements file that may carry its own ``--index-url``) the variant stays None.
It also answers "is CUDA code compiled in this image", which several rules need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from mllint.checks.dockerfile_walk import runs, scope_before
from mllint.identity_cache import by_identity
from mllint.ml.compat import torch_release
from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.shell import Command, Word
from mllint.model.span import Span
from mllint.parsers.commands import PackageInstall, package_installs
from mllint.parsers.shell import effective_argv
from mllint.parsers.variables import substitute
from mllint.patterns import lazy_pattern

TORCH_FAMILY = frozenset({"torch", "torchvision", "torchaudio"})
FRAMEWORKS = TORCH_FAMILY | {"tensorflow", "tensorflow-gpu", "jax", "jaxlib"}
_CONDA_NAMES = {"pytorch": "torch", "torchvision": "torchvision", "torchaudio": "torchaudio"}

_PYTORCH_INDEX = lazy_pattern(
    r"download\.pytorch\.org/whl/(?:nightly/|test/)?(?P<variant>cu\d{3}|cpu|rocm[\d.]+|xpu)\b"
)
_REQUIREMENT = lazy_pattern(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?\s*(?P<spec>[^;]*)"
)
_EXACT = lazy_pattern(r"^\s*===?\s*(?P<version>\d+(?:\.\d+)*)(?:\+(?P<local>[A-Za-z0-9.]+))?\s*$")
_CONDA_EXACT = lazy_pattern(r"^={1,2}(?P<version>\d+\.\d+\.\d+)(?:=.*)?$")
#: Indexes that serve no torch/TF/JAX wheels; an extra one of these leaves PyPI's choice alone.
_OTHER_INDEXES = ("pypi.nvidia.com", "pypi.ngc.nvidia.com", "pypi.org/simple", "pypi.python.org")
#: Earlier configuration of pip or uv that may change the index (the variant is unknown then).
_CONFIG_HINTS = ("pip.conf", "pip config", "PIP_CONFIG_FILE", "uv.toml", "pip.ini")

_INDEX_ENV = {
    "pip": ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"),
    "uv": ("UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_DEFAULT_INDEX", "UV_INDEX"),
}


class Source(NamedTuple):
    """Where a wheel comes from: an index option, a find-links page, an env variable."""

    kind: str  # "index", "extra", "find-links"
    url: str
    word: Word | None  # the option value in the RUN; None when it came from ENV/ARG
    origin: str  # "--index-url", "PIP_INDEX_URL", ...


class WheelPin(NamedTuple):
    """One framework requirement of one install command."""

    package: str  # torch, torchvision, torchaudio, tensorflow, tensorflow-gpu, jax, jaxlib
    word: Word  # the requirement as written (the finding's place)
    requirement: str  # its value, variables resolved
    version: str | None  # the exact pinned version without local part; None when not pinned
    local: str | None  # the local version: cu121, cpu
    extras: tuple[str, ...]
    variant: str | None  # cuXYZ | cpu | rocmX | None when not known
    how: str  # how the variant is known, for messages ("--index-url …/whl/cu121", …)
    via: Word | None  # the word the variant came from, when it is not ``word``
    instruction: Instruction
    install: PackageInstall
    sources: tuple[Source, ...]

    @property
    def stage(self) -> int:
        return self.instruction.stage


class Requirement(NamedTuple):
    name: str
    extras: tuple[str, ...]
    version: str | None
    local: str | None


def parse_requirement(text: str) -> Requirement | None:
    """``torch[opt]==2.3.1+cu121 ; python_version>'3'`` -> name, extras, exact version, local."""
    m = _REQUIREMENT.match(text.strip())
    if m is None or "://" in text or text.startswith((".", "/")):
        return None
    name = re.sub(r"[-_.]+", "-", m["name"]).lower()
    extras = tuple(e.strip().lower() for e in (m["extras"] or "").split(",") if e.strip())
    exact = _EXACT.match(m["spec"])
    if exact is None:
        return Requirement(name, extras, None, None)
    local = exact["local"].lower() if exact["local"] else None
    return Requirement(name, extras, exact["version"], local)


def _option_values(command: Command, names: dict[str, str]) -> Iterator[tuple[str, Word]]:
    """(canonical option, value word) for every occurrence, ``--opt=v``, ``--opt v``, ``-iv``."""
    argv = effective_argv(command)
    i = 0
    while i < len(argv):
        word = argv[i]
        v = word.value
        i += 1
        if not v.startswith("-"):
            continue
        for spelling, canonical in names.items():
            if v == spelling and i < len(argv):
                yield canonical, argv[i]
                i += 1
                break
            if spelling.startswith("--") and v.startswith(spelling + "="):
                yield canonical, _after(word, len(spelling) + 1)
                break
            if not spelling.startswith("--") and v.startswith(spelling) and len(v) > 2:
                yield canonical, _after(word, 2)
                break


def _after(word: Word, k: int) -> Word:
    """The value part of ``--opt=value``; its span narrowed when the prefix is plain text."""
    span = word.span
    if word.text[:k] == word.value[:k] and span.line == span.end_line:
        span = Span(span.line, span.column + k, span.end_line, span.end_column)
    return Word(word.text[k:], word.value[k:], span, word.dynamic, word.quoted)


_PIP_INDEX_OPTIONS = {
    "--index-url": "index",
    "-i": "index",
    "--extra-index-url": "extra",
    "--find-links": "find-links",
    "-f": "find-links",
    "--default-index": "index",
    "--index": "extra",
    "--torch-backend": "backend",
}


def _env_sources(manager: str, env: dict[str, str | None]) -> tuple[list[Source], bool]:
    """Index sources from the environment; the flag says an env value was unknown."""
    out: list[Source] = []
    unknown = False
    names = _INDEX_ENV["uv" if manager == "uv" else "pip"]
    for name in names:
        if name not in env:
            continue
        value = env[name]
        if value is None:
            unknown = True
            continue
        kind = "index" if name.endswith(("_INDEX_URL", "DEFAULT_INDEX")) else "extra"
        if "EXTRA" in name or name == "UV_INDEX":
            kind = "extra"
        if "FIND_LINKS" in name:
            kind = "find-links"
        out.extend(Source(kind, url, None, name) for url in value.split())
    return out, unknown


def _configured_elsewhere(
    df: Dockerfile, instr: Instruction, hints: list[tuple[int, int]] | None = None
) -> bool:
    """Whether an earlier instruction (or this RUN) writes pip/uv configuration: the index is
    unknown then. ``hints`` (line, stage) of the instructions that mention configuration,
    when the caller has them already."""
    if hints is None:
        hints = _config_hints(df)
    stage = instr.stage
    chain: set[int] | None = None
    for line, other in hints:
        if line > instr.span.line:
            break
        if other != stage and other >= 0 and stage >= 0:
            if chain is None:
                chain = {s.number for s in df.stage_chain(df.stages[stage])}
            if other not in chain:
                continue
        return True
    return False


@by_identity(1)
def _hints_of(df: Dockerfile) -> list[tuple[int, int]]:
    """``_config_hints`` of the Dockerfile being read, worked out once."""
    return _config_hints(df)


def _config_hints(df: Dockerfile) -> list[tuple[int, int]]:
    """(line, stage) of every instruction whose text mentions pip/uv configuration."""
    return [
        (i.span.line, i.stage)
        for i in df.instructions
        if any(hint in i.arguments.text for hint in _CONFIG_HINTS)
    ]


def _x86_64(df: Dockerfile, instr: Instruction) -> bool:
    """Whether the stage may build for x86_64, the platform PyPI's defaults were measured on
    (aarch64 wheels of many torch releases on PyPI are CPU-only)."""
    if instr.stage < 0:
        return True
    for stage in df.stage_chain(df.stages[instr.stage]):
        platform = stage.from_.flag("platform")
        if platform is not None and platform.value is not None:
            value = platform.value.lower()
            if "$" not in value and "amd64" not in value and "x86_64" not in value:
                return False
    return True


def _resolve(word: Word, scope: dict[str, str | None] | None) -> str | None:
    if not word.dynamic:
        return word.value
    if scope is None:
        return None
    return substitute(word.value, scope, quotes=False)


def _variant_of(url: str) -> str | None:
    m = _PYTORCH_INDEX.search(url)
    return m["variant"] if m else None


def _torch_variant(
    req: Requirement, sources: list[Source], backend: tuple[str, Word | None] | None, opaque: bool
) -> tuple[str | None, str, Word | None]:
    """The CUDA variant of a torch-family wheel, how it is known, and the word it came from."""
    if req.local is not None:
        return req.local, f"local version +{req.local}", None
    if backend is not None:
        value, word = backend
        if value.startswith("cu") or value == "cpu":
            return value, f"--torch-backend {value}", word
        return None, "", None
    indexes = [s for s in sources if s.kind == "index"]
    extras = [s for s in sources if s.kind == "extra"]
    if indexes:
        last = indexes[-1]
        variant = _variant_of(last.url)
        if variant is None:
            return None, "", None  # a custom index: its wheels are not known
        return variant, last.origin, last.word
    release = torch_release(req.version) if req.version and req.name == "torch" else None
    for extra in reversed(extras):
        variant = _variant_of(extra.url)
        if variant is not None:
            if release is not None and release.variants and variant not in release.variants:
                break  # not built for this release: pip takes PyPI's wheel
            return variant, extra.origin, extra.word
        if not any(host in extra.url for host in _OTHER_INDEXES):
            return None, "", None
    if opaque or any(s.kind == "find-links" for s in sources):
        return None, "", None
    if release is not None and release.pypi_default is not None:
        return release.pypi_default, "PyPI's wheel of this release", None
    return None, "", None


def _conda_pins(install: PackageInstall, instr: Instruction) -> Iterator[WheelPin]:
    words = list(install.packages)
    variant: str | None = None
    how = ""
    via = None
    for w in words:
        name, _, spec = w.value.partition("=")
        if name == "pytorch-cuda" and re.fullmatch(r"=?\d+\.\d+", spec):
            variant = "cu" + spec.lstrip("=").replace(".", "")
            how, via = f"conda {w.value}", w
        elif name == "cpuonly":
            variant, how, via = "cpu", "conda cpuonly", w
    for w in words:
        m = re.match(r"^(?P<name>[A-Za-z0-9_.-]+)(?P<spec>.*)$", w.value)
        if m is None or m["name"].lower() not in _CONDA_NAMES:
            continue
        package = _CONDA_NAMES[m["name"].lower()]
        exact = _CONDA_EXACT.match(m["spec"])
        version = exact["version"] if exact else None
        yield WheelPin(
            package, w, w.value, version, None, (), variant, how, via, instr, install, ()
        )


@by_identity(1)
def wheel_pins(df: Dockerfile) -> list[WheelPin]:
    """Every framework requirement installed by a RUN, in file order (worked out once per
    Dockerfile: every ML6xx rule asks in turn)."""
    return _wheel_pins(df)


def _wheel_pins(df: Dockerfile) -> list[WheelPin]:
    out: list[WheelPin] = []
    for instr in runs(df):
        scope: dict[str, str | None] | None = None
        for script in instr.scripts:
            for install in package_installs(script):
                if install.manager == "conda":
                    out.extend(_conda_pins(install, instr))
                    continue
                if install.manager not in ("pip", "uv"):
                    continue
                if (
                    install.manager == "uv"
                    and install.command.args()[:1]
                    and (install.command.args()[0].value != "pip")
                ):
                    continue  # uv add / uv sync resolve from pyproject.toml and uv.lock
                if scope is None:
                    scope = scope_before(df, instr)
                out.extend(_pins_of(df, instr, install, scope))
    return out


def _pins_of(
    df: Dockerfile, instr: Instruction, install: PackageInstall, scope: dict[str, str | None]
) -> Iterator[WheelPin]:
    env = dict(scope)
    assigned: dict[str, Word] = {}
    for a in install.command.assignments:
        name, _, value = a.value.partition("=")
        env[name] = _resolve(Word(a.text, value, a.span, a.dynamic, a.quoted), scope)
        assigned[name] = a
    sources, opaque = _env_sources(install.manager, env)
    sources = [s._replace(word=assigned.get(s.origin)) for s in sources]
    backend: tuple[str, Word | None] | None = None
    if install.manager == "uv" and env.get("UV_TORCH_BACKEND"):
        backend = (str(env["UV_TORCH_BACKEND"]), None)
    for kind, word in _option_values(install.command, _PIP_INDEX_OPTIONS):
        option_value = _resolve(word, scope)
        if option_value is None:
            opaque = True
            continue
        if kind == "backend":
            backend = (option_value, word)
            continue
        name, eq, url = option_value.partition("=")
        if eq and "://" not in name:
            option_value = url  # uv's --index NAME=URL
        option = {"index": "--index-url", "extra": "--extra-index-url"}.get(kind, "--find-links")
        sources.append(Source(kind, option_value, word, option))
    opaque = (
        opaque
        or bool(install.requirement_files)
        or _configured_elsewhere(df, instr, _hints_of(df))
        or not _x86_64(df, instr)
    )
    for word in install.packages:
        requirement = _resolve(word, scope)
        if requirement is None:
            continue
        req = parse_requirement(requirement)
        if req is None or req.name not in FRAMEWORKS:
            continue
        variant, how, via = None, "", None
        if req.name in TORCH_FAMILY:
            variant, how, via = _torch_variant(req, sources, backend, opaque)
        yield WheelPin(
            req.name,
            word,
            requirement,
            req.version,
            req.local,
            req.extras,
            variant,
            how,
            via,
            instr,
            install,
            tuple(sources),
        )


def find_links(df: Dockerfile) -> Iterator[tuple[Instruction, Word, str]]:
    """Every ``-f``/``--find-links`` value of a pip/uv install: (RUN, word, resolved URL)."""
    for instr in runs(df):
        for script in instr.scripts:
            for install in package_installs(script):
                if install.manager not in ("pip", "uv"):
                    continue
                for kind, word in _option_values(install.command, _PIP_INDEX_OPTIONS):
                    if kind == "find-links" and not word.dynamic:
                        yield instr, word, word.value


# --------------------------------------------------------------------------- CUDA builds

_CUDA_EXTENSION = lazy_pattern(
    r"(?:^|[/@=\s])(?:flash[-_]attn|flash-attention|mamba[-_]ssm|causal[-_]conv1d"
    r"|nvidia/apex|detectron2\.git|facebookresearch/xformers|xformers\.git|"
    r"NVIDIA/TransformerEngine|transformer[-_]engine\[pytorch\])",
    re.IGNORECASE,
)
_BUILD_VERBS = frozenset({"install", "develop", "build_ext", "bdist_wheel", "build"})


class CudaBuild(NamedTuple):
    """Evidence that CUDA code is compiled in an image."""

    instruction: Instruction
    span: Span
    what: str


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in ("", "0", "false", "no")


def cuda_builds(df: Dockerfile, stages: Iterable[int]) -> Iterator[CudaBuild]:
    """RUNs in ``stages`` that compile CUDA code: nvcc, CUDA-extension packages built from
    source (flash-attn, mamba-ssm, apex, detectron2 ...), DeepSpeed with ``DS_BUILD_*=1``, or
    a ``setup.py``/``pip install .`` build with ``TORCH_CUDA_ARCH_LIST``/``FORCE_CUDA`` set."""
    wanted = set(stages)
    for instr in runs(df):
        if instr.stage not in wanted:
            continue
        scope: dict[str, str | None] | None = None
        for script in instr.scripts:
            for command in script.commands:
                argv = effective_argv(command)
                if not argv:
                    continue
                if command.name == "nvcc" or argv[0].value.endswith("/nvcc"):
                    yield CudaBuild(instr, argv[0].span, "nvcc")
                    continue
                if scope is None:
                    scope = scope_before(df, instr)
                env = dict(scope)
                env.update(
                    (a.value.partition("=")[0], a.value.partition("=")[2])
                    for a in command.assignments
                )
                for w in argv[1:]:
                    if (
                        not w.dynamic
                        and _CUDA_EXTENSION.search(w.value)
                        and (
                            _pip_wheel(argv)
                            or any(i.command is command for i in package_installs(script))
                        )
                    ):
                        yield CudaBuild(instr, w.span, f"'{w.value}' is built")
                        break
                else:
                    arch = _truthy(env.get("TORCH_CUDA_ARCH_LIST")) or _truthy(
                        env.get("FORCE_CUDA")
                    )
                    ds = any(k.startswith("DS_BUILD_") and _truthy(v) for k, v in env.items())
                    names = [w.value.lower() for w in argv]
                    if ds and any(n.startswith("deepspeed") for n in names[1:]):
                        yield CudaBuild(instr, command.span, "DeepSpeed ops are built")
                    elif arch and _is_source_build(argv):
                        yield CudaBuild(
                            instr, command.span, "a source build with TORCH_CUDA_ARCH_LIST"
                        )


def _pip_wheel(argv: tuple[Word, ...]) -> bool:
    """``pip wheel …`` / ``python -m pip wheel …``: builds wheels, compiling sdists."""
    names = [w.value.rsplit("/", 1)[-1] for w in argv[:4]]
    if names[:1] and names[0].startswith("pip"):
        return names[1:2] == ["wheel"]
    return (
        names[:1] != [] and names[0].startswith("python") and names[1:4] == ["-m", "pip", "wheel"]
    )


def _is_source_build(argv: tuple[Word, ...]) -> bool:
    values = [w.value for w in argv]
    if any(v.endswith("setup.py") for v in values):
        return any(v in _BUILD_VERBS for v in values)
    if "install" in values and any(
        v in (".", "./", "-e") or v.startswith(("./", "/")) for v in values
    ):
        return any(re.fullmatch(r"pip\d*(\.\d+)*|uv|-m", v.rsplit("/", 1)[-1]) for v in values)
    return False
