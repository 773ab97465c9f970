"""ML rules that read one Dockerfile: CUDA extension builds, drivers and GPU choices baked into
images, the PyTorch package index, ML credentials and tokens in RUN, unpinned Hub downloads,
unverified artifact downloads, datasets in layers and legacy Hugging Face variables.

Whether a stage can compile CUDA code is judged from its base image name alone (``*devel*``
tags, NGC PyTorch): a minimal local check, not the image knowledge of :mod:`mllint.ml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from mllint.checks.dockerfile_walk import base_image, manager_calls, runs, scope_before
from mllint.checks.edits import fix
from mllint.checks.package_managers import written
from mllint.checks.security import credential_file, secret_name, token_kind
from mllint.checks.volumes import weight_file
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Autofix, Edit, Severity
from mllint.engine.registry import rule
from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.shell import Command, ShellScript, Word
from mllint.model.span import SourceMap, Span
from mllint.parsers.commands import _GIT, _HF, _parse_options, downloads, package_installs
from mllint.parsers.shell import effective_argv
from mllint.patterns import lazy_pattern

_NAME = lazy_pattern(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PYTHON = lazy_pattern(r"^python(?:\d+(?:\.\d+)*)?$")
_SHA = lazy_pattern(r"^[0-9a-f]{40}$")


_USERINFO = lazy_pattern(r"^([a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)


def _shown(url: str) -> str:
    """A URL for a message, without the credentials it may carry."""
    return _USERINFO.sub(r"\1", url)


def _base(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _environment(
    df: Dockerfile, instr: Instruction, script: ShellScript, command: Command
) -> dict[str, str | None]:
    """Variables the process of ``command`` sees: ENV and ARG in scope (ARGs of the stages it
    builds on too), ``export``s earlier in the script and ``NAME=v cmd`` / ``env NAME=v cmd``.
    A value of None is unknown (``ARG NAME`` without default): set, value not known."""
    env = dict(scope_before(df, instr))
    if instr.stage >= 0:
        for stage in df.stage_chain(df.stages[instr.stage])[1:]:
            for i in stage.of("ARG"):
                for kv in i.pairs:
                    env.setdefault(kv.key.text, kv.resolved)
    for c in script.commands:
        if c is command:
            break
        if c.name in ("export", "declare", "typeset"):
            for w in c.args():
                name, eq, value = w.value.partition("=")
                if eq and _NAME.match(name):
                    env[name] = None if w.dynamic else value
    start = len(command.argv) - len(effective_argv(command))
    for w in (*command.assignments, *command.argv[:start]):
        name, eq, value = w.value.partition("=")
        if eq and _NAME.match(name):
            env[name] = None if w.dynamic else value
    return env


def _is_set(env: Mapping[str, str | None], name: str) -> bool:
    return name in env and env[name] != ""


def _devel_image(df: Dockerfile, instr: Instruction) -> bool:
    """Whether the stage's base image ships nvcc, judged by its name: ``*devel*`` tags
    (nvidia/cuda, pytorch/pytorch) and NGC's PyTorch and CUDA-DL images."""
    image = base_image(df, instr)
    if not image:
        return False
    image = image.lower().split("@", 1)[0]
    repo, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    return "devel" in tag or repo.endswith(("nvidia/pytorch", "nvidia/cuda-dl-base"))


# =========================================================================== ML613 / ML614

#: Packages that compile CUDA kernels when pip builds them: name -> where it decides
#: architectures. "own": flash-attn and the Mamba kernels pass their own -gencode list
#: (FLASH_ATTN_CUDA_ARCHS...), so TORCH_CUDA_ARCH_LIST does not apply; "torch": torch's
#: extension builder, which reads TORCH_CUDA_ARCH_LIST.
_OWN_ARCHS = frozenset({"flash-attn", "mamba-ssm", "causal-conv1d"})
#: Only sdists on PyPI: every pip install builds (or fetches a matching wheel from GitHub).
_SDIST_ONLY = frozenset({"flash-attn", "mamba-ssm", "causal-conv1d"})
#: Built only when installed from source: their PyPI name has wheels (xformers) or is another
#: project (apex), or they are not on PyPI (detectron2, pytorch3d).
_SOURCE_ONLY = frozenset({"xformers", "apex", "detectron2", "pytorch3d"})
#: Repository or directory names of those projects.
_REPOS = {
    "flash-attention": "flash-attn",
    "flash-attn": "flash-attn",
    "mamba": "mamba-ssm",
    "mamba-ssm": "mamba-ssm",
    "causal-conv1d": "causal-conv1d",
    "xformers": "xformers",
    "apex": "apex",
    "detectron2": "detectron2",
    "pytorch3d": "pytorch3d",
    "deepspeed": "deepspeed",
}
_REQ_NAME = lazy_pattern(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_PEP508_URL = lazy_pattern(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@\s*\S+://")


class _Build(NamedTuple):
    """A pip install that compiles CUDA code."""

    what: str  # "flash-attn", "apex (from source)", "the local package ."
    word: Word  # where the finding points
    own_archs: bool  # the package picks its architectures itself
    command: Command
    env: dict[str, str | None]


def _normal(name: str) -> str:
    return re.sub(r"[._]+", "-", name.lower())


def _source_name(value: str) -> tuple[str | None, bool]:
    """(known project, from source) for one pip operand."""
    m = _PEP508_URL.match(value)
    if m:
        return _normal(m.group(1)), True
    if "://" in value or value.startswith(("git+", "hg+", "svn+", "bzr+")):
        path = value.split("#", 1)[0].split("?", 1)[0]
        repo = path.rstrip("/").rsplit("/", 1)[-1]
        repo = repo.split("@", 1)[0].removesuffix(".git").lower()
        if repo.endswith((".whl", ".tar.gz", ".zip")):
            return None, False
        return _REPOS.get(repo), True
    if value.startswith((".", "/", "~")):
        return _REPOS.get(_base(value).lower()), True
    m = _REQ_NAME.match(value)
    return (_normal(m.group(1)) if m else None), False


def _cwd_name(script: ShellScript, command: Command) -> str | None:
    """The known project named by the last ``cd DIR`` before ``command``: by the directory's
    name, or by the repository an earlier ``git clone URL DIR`` put there."""
    found = None
    clones: dict[str, str] = {}
    for c in script.commands:
        if c is command:
            break
        argv = effective_argv(c)
        is_git = bool(argv) and _base(argv[0].value) == "git"
        values = [w.value for w in _parse_options(argv[1:], _GIT).positionals] if is_git else []
        if values[:1] == ["clone"] and len(values) > 1:
            repo = _base(values[1]).removesuffix(".git").lower()
            target = _base(values[2]) if len(values) > 2 else repo
            clones[target.lower()] = repo
        if c.name == "cd" and c.args():
            where = _base(c.args()[-1].value).lower()
            found = _REPOS.get(clones.get(where, where))
    return found


def _builds(df: Dockerfile, instr: Instruction) -> Iterator[_Build]:
    devel = None
    for script in instr.scripts:
        for install in package_installs(script):
            if install.manager not in ("pip", "uv"):
                continue
            command = install.command
            words = [w.value for w in effective_argv(command)]
            only_binary = install.options.get("--only-binary")
            no_binary = install.options.get("--no-binary")
            env: dict[str, str | None] | None = None  # computed only for a candidate
            for word in (*install.packages, *install.editables):
                value = word.value
                if not value or value.startswith("-"):
                    continue
                if value.split("#", 1)[0].split("?", 1)[0].endswith(".whl"):
                    continue  # a prebuilt wheel
                name, source = _source_name(value)
                if word in install.editables:
                    source = True
                if source and name is None and value.startswith("."):
                    name = _cwd_name(script, command)
                if name and only_binary is not None and only_binary.value in (":all:", name):
                    continue
                forced = no_binary is not None and no_binary.value in (":all:", name)
                known = name in _SDIST_ONLY or (name in _SOURCE_ONLY and (source or forced))
                if not (known or name == "deepspeed" or (source and name is None)):
                    continue
                env = _environment(df, instr, script, command) if env is None else env
                if known:
                    label = name if not source else f"{name} from source"
                    yield _Build(label or value, word, name in _OWN_ARCHS, command, env)
                elif name == "deepspeed":
                    ops = [k for k, v in env.items() if k.startswith("DS_BUILD_") and v]
                    if any(env[k] not in ("0",) and env[k] is not None for k in ops):
                        yield _Build("deepspeed with DS_BUILD_* ops", word, False, command, env)
                else:
                    cuda_hint = (
                        install.has("--no-build-isolation")
                        or _is_set(env, "PIP_NO_BUILD_ISOLATION")
                        or env.get("FORCE_CUDA") not in (None, "", "0")
                        or any("--cuda_ext" in a for a in words)
                    )
                    if not cuda_hint:
                        continue
                    devel = _devel_image(df, instr) if devel is None else devel
                    if devel or any("--cuda_ext" in a for a in words):
                        yield _Build(f"the local package {value}", word, False, command, env)
        for command in script.commands:
            argv = effective_argv(command)
            if len(argv) < 3 or not _PYTHON.match(argv[0].value.rsplit("/", 1)[-1]):
                continue
            if not argv[1].value.endswith("setup.py"):
                continue
            verbs = {w.value for w in argv[2:]}
            if not verbs & {"install", "develop", "build_ext", "bdist_wheel", "build"}:
                continue
            env = _environment(df, instr, script, command)
            name = _cwd_name(script, command)
            cuda_ext = any("--cuda_ext" in v for v in verbs)
            hint = cuda_ext or env.get("FORCE_CUDA") not in (None, "", "0") or name is not None
            if name in _OWN_ARCHS or name == "deepspeed":
                hint = name != "deepspeed"
            if not hint:
                continue
            devel = _devel_image(df, instr) if devel is None else devel
            if devel or cuda_ext or name is not None:
                label = f"{name} from source" if name else "a CUDA extension (setup.py)"
                yield _Build(label, argv[1], name in _OWN_ARCHS, command, env)


@rule("ML613")
def cuda_ext_build_without_arch_list(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for build in _builds(df, instr):
            if build.own_archs or _is_set(build.env, "TORCH_CUDA_ARCH_LIST"):
                continue
            yield ctx.finding(
                build.word.span,
                f"{build.what} compiles CUDA kernels without TORCH_CUDA_ARCH_LIST: the GPU "
                "architectures then depend on the build machine (docker build sees no GPU, "
                "so torch either builds for every architecture it knows, slowly and into a "
                "bigger image, or fails; a builder whose default runtime is nvidia builds only "
                "for its own GPU), and the image fails on other GPUs with 'no kernel image is "
                "available for execution on the device'; list the GPUs you deploy on",
                fix='ENV TORCH_CUDA_ARCH_LIST="8.0;8.6;8.9;9.0+PTX"  # before the build, '
                "for the GPUs you deploy on",
            )


_JOBS = lazy_pattern(r"(?:^|=|\s)-j\s*\d+\b")


@rule("ML614")
def cuda_ext_build_without_max_jobs(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for build in _builds(df, instr):
            if _is_set(build.env, "MAX_JOBS"):
                continue
            if any(_JOBS.search(w.value) for w in build.command.argv):
                continue  # --global-option=-j8: the build's own bound
            yield ctx.finding(
                build.word.span,
                f"{build.what} compiles CUDA kernels without MAX_JOBS: ninja starts one nvcc "
                "job per CPU core and each can take several GB of RAM, so on a many-core "
                "builder (CI runner, workstation) the build is killed for lack of memory or "
                "swaps for hours; cap the parallel jobs",
                fix="ENV MAX_JOBS=4  # in this stage, before the build",
                autofix=_max_jobs_before(instr),
            )


def _max_jobs_before(instr: Instruction) -> Autofix | None:
    """``ENV MAX_JOBS=4`` on its own line before the RUN, with its indentation. Unsafe: four
    jobs may be slower than the machine could take, and a pragma on the line before the RUN
    then applies to the new ENV instead."""
    if instr.trigger is not None or instr.keyword != "RUN":
        return None
    span = instr.keyword_span
    indent = " " * (span.column - 1)
    edit = Edit(Span(span.line, 1, span.line, 1), "", f"{indent}ENV MAX_JOBS=4\n")
    return fix("set MAX_JOBS=4 before the build", edit, safe=False)


# =========================================================================== ML615

_DRIVER_PACKAGE = lazy_pattern(
    r"^(?:nvidia-driver(?:-[\w.+~-]+)?|nvidia-headless(?:-no-dkms)?-\d[\w.+~-]*"
    r"|nvidia-dkms-\d[\w.+~-]*|nvidia-kernel-(?:open-|source-|common-)?\d[\w.+~-]*"
    r"|nvidia-utils-\d[\w.+~-]*|libnvidia-compute-\d[\w.+~-]*|cuda-drivers(?:-[\w.+~-]+)?"
    r"|kmod-nvidia[\w.+~-]*|nvidia-open(?:-\d[\w.+~-]*)?)$"
)
#: NVIDIA's meta-packages that pull the driver together with the toolkit.
_DRIVER_META = lazy_pattern(r"^(?:cuda|cuda-\d+-\d+|cuda-runtime-\d+-\d+)$")
_INSTALL = frozenset({"install", "in", "add", "reinstall"})
_CUDA_RUN = lazy_pattern(r"^cuda_[\w.-]+\.run$")
_DRIVER_RUN = lazy_pattern(r"^NVIDIA-Linux-[\w.-]+\.run$")
_DRIVER_LIB = lazy_pattern(r"^lib(?:cuda|nvidia-ml)\.so(?:\.[\d.*]+)?\*?$")


def _package_name(value: str) -> str:
    """``nvidia-driver-535=535.1`` -> ``nvidia-driver-535``; ``pkg:amd64`` -> ``pkg``."""
    return value.split("=", 1)[0].split(":", 1)[0]


def _run_file(command: Command) -> Word | None:
    """The ``.run`` installer ``command`` executes, directly or through ``sh``/``bash``."""
    argv = effective_argv(command)
    if not argv:
        return None
    first = argv[0]
    if _base(first.value) in ("sh", "bash") and len(argv) > 1:
        first = next((w for w in argv[1:] if not w.value.startswith("-")), first)
    return first if first.value.endswith(".run") else None


_DRIVER_WHY = (
    "the NVIDIA Container Toolkit mounts the host's driver libraries into the container, "
    "and a second driver inside the image must match the host kernel module exactly or "
    "CUDA fails with 'driver/library version mismatch' (and the image only works on hosts "
    "with that very driver); use a CUDA base image or install only the toolkit"
)


@rule("ML615")
def nvidia_driver_in_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        if target.keyword in ("COPY", "ADD"):
            words = target.exec_form if target.exec_form is not None else target.words
            for src in words[:-1]:
                raw = src.text.strip("'\"")
                if "stubs" in raw.split("/")[:-1] or raw.startswith("<<"):
                    continue  # the link-time stubs of the toolkit are not the driver
                if _DRIVER_LIB.match(_base(raw)):
                    yield ctx.finding(
                        src.span,
                        f"{target.keyword} puts the driver library {_base(raw)} into the "
                        f"image: {_DRIVER_WHY}",
                        fix="remove it; run with --gpus (docker) or deploy.resources."
                        "reservations.devices (compose)",
                    )
            continue
        if target.keyword != "RUN":
            continue
        for script in target.scripts:
            for call in manager_calls(script):
                if call.verb.value not in _INSTALL:
                    continue
                for op in call.operands:
                    name = _package_name(op.value)
                    if _DRIVER_PACKAGE.match(name):
                        what = f"installs the NVIDIA driver package {name}"
                    elif _DRIVER_META.match(name):
                        what = (
                            f"installs {name}, NVIDIA's meta-package that pulls the driver "
                            "(cuda-drivers) along with the toolkit"
                        )
                    else:
                        continue
                    yield ctx.finding(
                        op.span,
                        f"{call.manager} {what}: {_DRIVER_WHY}",
                        fix="install cuda-toolkit-<major>-<minor> (or cuda-libraries-*) "
                        "instead, or start FROM nvidia/cuda:<version>-runtime-*",
                    )
            for command in script.commands:
                run = _run_file(command)
                if run is None:
                    continue
                name = _base(run.value)
                args = [w.value for w in effective_argv(command)]
                if _DRIVER_RUN.match(name):
                    what = f"runs the NVIDIA driver installer {name}"
                elif _CUDA_RUN.match(name):
                    if any(a.startswith("--extract") for a in args):
                        continue
                    if "--toolkit" in args and "--driver" not in args:
                        continue
                    what = f"runs the CUDA installer {name} with --driver"
                    if "--driver" not in args:
                        what = f"runs the CUDA installer {name} without --toolkit (driver included)"
                else:
                    continue
                yield ctx.finding(
                    run.span,
                    f"RUN {what}: {_DRIVER_WHY}",
                    fix=f"sh {name} --silent --toolkit  # toolkit only; the host provides the "
                    "driver",
                )


# =========================================================================== ML616

_NO_SELECTION = frozenset({"all", "void", "none", ""})


@rule("ML616")
def gpu_devices_baked_in_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        if target.keyword != "ENV":
            continue
        for kv in target.pairs:
            name = kv.key.text
            if name == "CUDA_VISIBLE_DEVICES":
                shown = kv.value.text if kv.value is not None else ""
            elif name == "NVIDIA_VISIBLE_DEVICES":
                if kv.resolved is None or kv.resolved.strip().lower() in _NO_SELECTION:
                    continue  # unknown, or no choice of particular GPUs
                shown = kv.resolved
            else:
                continue
            yield ctx.finding(
                kv.key.span,
                f"ENV {name}={shown} fixes the GPUs in the image: which GPUs a container "
                "gets is a deployment decision (docker run --gpus, compose device_ids, "
                "Kubernetes device plugin), and a baked-in selection silently hides the GPUs "
                "the container was given or points at a device that does not exist on "
                "another host; set it at run time",
                fix=f"remove the ENV; docker run --gpus '\"device=0,1\"' or -e {name}=0,1",
            )


# =========================================================================== ML412

_PYTORCH_INDEX = lazy_pattern(r"^https?://download\.pytorch\.org/", re.IGNORECASE)
_PYPI = lazy_pattern(r"^https?://(?:pypi\.org|pypi\.python\.org)/", re.IGNORECASE)


def _option_words(argv: tuple[Word, ...], long: str, short: str | None = None) -> list[Word]:
    """Every value of ``--long VALUE``, ``--long=VALUE`` (and ``-s VALUE``) in ``argv``."""
    out = []
    for i, w in enumerate(argv):
        v = w.value
        if v == long or (short is not None and v == short):
            if i + 1 < len(argv):
                out.append(argv[i + 1])
        elif v.startswith(long + "="):
            k = len(long) + 1
            span = w.span
            if w.text.startswith(v[:k]) and span.line == span.end_line:
                span = Span(span.line, span.column + k, span.end_line, span.end_column)
            out.append(Word(w.text[k:], v[k:], span, w.dynamic, w.quoted))
    return out


_CONFUSION = (
    "pip merges {src} with PyPI and installs the highest version it finds on either, so a "
    "package published on PyPI under a name from the PyTorch index wins: the dependency "
    "confusion attack on PyTorch nightly (torchtriton, December 2022) worked exactly so; "
    "install torch, torchvision and torchaudio with --index-url in their own pip command"
)
_CONFUSION_FIX = (
    "pip install torch==2.4.1 torchvision==0.19.1 --index-url "
    "https://download.pytorch.org/whl/cu121, then the other packages from PyPI"
)


def _uv_unsafe(argv: tuple[Word, ...], env: Mapping[str, str | None]) -> bool:
    """Whether uv merges indexes like pip: ``--index-strategy unsafe-best-match``."""
    strategy = [w.value for w in _option_words(argv, "--index-strategy")]
    strategy.append(env.get("UV_INDEX_STRATEGY") or "")
    return any(s == "unsafe-best-match" for s in strategy)


@rule("ML412")
def pytorch_extra_index_url(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    uv_unsafe_env = any(
        kv.key.text == "UV_INDEX_STRATEGY" and kv.resolved == "unsafe-best-match"
        for i in df.instructions
        if i.keyword == "ENV"
        for kv in i.pairs
    )
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        if target.keyword == "ENV":
            for kv in target.pairs:
                if kv.key.text not in ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"):
                    continue
                if kv.key.text.startswith("UV") and not uv_unsafe_env:
                    continue  # uv takes each package from the first index that has it
                urls = (kv.resolved or "").split()
                if kv.value is not None and any(_PYTORCH_INDEX.match(u) for u in urls):
                    src = "the PyTorch index of " + kv.key.text
                    yield ctx.finding(
                        kv.value.span,
                        f"ENV {kv.key.text} adds the PyTorch index to every later install: "
                        + _CONFUSION.format(src=src),
                        fix=_CONFUSION_FIX,
                    )
            continue
        if target.keyword != "RUN":
            continue
        for script in target.scripts:
            for command in script.commands:
                argv = effective_argv(command)
                if not argv:
                    continue
                tool = _base(argv[0].value)
                uv = tool == "uv"
                if not uv and not (
                    re.match(r"^pip\d*(?:\.\d+)*$", tool)
                    or (_PYTHON.match(tool) and any(w.value == "pip" for w in argv[1:3]))
                ):
                    continue
                if uv and not any(_PYTORCH_INDEX.match(w.value) for w in argv):
                    continue
                if uv and not _uv_unsafe(argv, _environment(df, target, script, command)):
                    continue  # uv takes each package from the first index that has it
                values = [w.value for w in argv]
                if "config" in values and "set" in values:
                    for i, w in enumerate(argv[:-1]):
                        if w.value.endswith(".extra-index-url") and _PYTORCH_INDEX.match(
                            argv[i + 1].value
                        ):
                            yield ctx.finding(
                                argv[i + 1].span,
                                "pip config sets the PyTorch index as an extra index for "
                                "every later install: " + _CONFUSION.format(src="it"),
                                fix=_CONFUSION_FIX,
                            )
                    continue
                if "install" not in values or "--no-index" in values:
                    continue
                extras = _option_words(argv, "--extra-index-url")
                if not extras:
                    continue
                index = _option_words(argv, "--index-url", "-i")
                main = index[-1] if index else None
                for w in extras:
                    if _PYTORCH_INDEX.match(w.value):
                        where = w
                        src = "the PyTorch index given by --extra-index-url"
                    elif (
                        main is not None
                        and _PYTORCH_INDEX.match(main.value)
                        and _PYPI.match(w.value)
                    ):
                        where = w  # PyPI as the extra index: the same merge
                        src = "the PyTorch index (--index-url)"
                    else:
                        continue
                    message = _CONFUSION.format(src=src)
                    if uv:
                        message = message.replace("pip merges", "uv (unsafe-best-match) merges")
                    swap = None if uv or main is not None else _index_swap(argv, w, script, command)
                    yield ctx.finding(where.span, message, fix=_CONFUSION_FIX, autofix=swap)
                    break


#: Packages the PyTorch index serves that a team installs from it on purpose.
_TORCH_PACKAGES = frozenset({"torch", "torchvision", "torchaudio"})


def _index_swap(
    argv: tuple[Word, ...], value: Word, script: ShellScript, command: Command
) -> Autofix | None:
    """``--extra-index-url <pytorch>`` -> ``--index-url <pytorch>`` when the command installs
    only torch, torchvision and torchaudio (all of them on that index): nothing else is then
    looked for on PyPI, and no name can be confused."""
    install = next((i for i in package_installs(script) if i.command is command), None)
    if install is None or not install.packages or install.requirement_files:
        return None
    names = {w.value.split("==")[0].split("[")[0].split(">")[0].split("<")[0].lower()
             for w in install.packages}  # fmt: skip
    if not names <= _TORCH_PACKAGES:
        return None
    at = next((k for k, w in enumerate(argv) if w is value), None)
    if at is None or at == 0 or argv[at - 1].text != "--extra-index-url":
        return None
    flag = argv[at - 1]
    return fix("use --index-url", Edit(flag.span, flag.text, "--index-url"))


# =========================================================================== ML413

_LOGIN_RM = lazy_pattern(r"token|\.netrc|huggingface|kaggle", re.IGNORECASE)
_URL_PASSWORD = lazy_pattern(r"^[a-z][a-z0-9+.-]*://([^/@:\s]+):([^/@\s]+)@", re.IGNORECASE)
_SECRET_VAR = lazy_pattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


_LOGIN_TOOLS = frozenset({"huggingface-cli", "hf", "wandb", "kaggle"})


def _login(argv: tuple[Word, ...]) -> str | None:
    """What a login command writes, or None."""
    if not argv:
        return None
    tool = _base(argv[0].value)
    if tool not in _LOGIN_TOOLS:
        return None
    values = [w.value for w in argv[1:] if not w.value.startswith("-")]
    flags = {w.value for w in argv[1:]}
    if "--help" in flags or "-h" in flags:
        return None
    if tool == "huggingface-cli" and values[:1] == ["login"]:
        return "huggingface-cli login writes the token to $HF_HOME/token (~/.cache/huggingface)"
    if tool == "hf" and values[:2] == ["auth", "login"]:
        return "hf auth login writes the token to $HF_HOME/token (~/.cache/huggingface)"
    if tool == "wandb" and values[:1] == ["login"]:
        return "wandb login writes the API key to ~/.netrc"
    if tool == "kaggle" and values[:2] == ["config", "set"] and any("key" in v for v in values):
        return "kaggle config set writes the key to ~/.kaggle/kaggle.json"
    return None


def _undone(commands: tuple[Command, ...], after: Command, login: bool, target: str) -> bool:
    """Whether a later command of the same RUN logs out or deletes what was written."""
    seen = False
    for c in commands:
        if c is after:
            seen = True
            continue
        if not seen:
            continue
        argv = effective_argv(c)
        if not argv:
            continue
        tool = _base(argv[0].value)
        values = [w.value for w in argv[1:]]
        if login and (
            (tool == "huggingface-cli" and "logout" in values)
            or (tool == "hf" and values[:2] == ["auth", "logout"])
        ):
            return True
        if tool in ("rm", "shred", "unlink"):
            for v in values:
                if v.startswith("-"):
                    continue
                if target and (v == target or target.startswith(v.rstrip("/") + "/")):
                    return True
                if login and _LOGIN_RM.search(v):
                    return True
    return False


_STDOUT = frozenset({">", ">>", ">|", "1>", "1>>", "&>", "&>>"})


def _secret_dump(command: Command, argv: tuple[Word, ...]) -> tuple[str, str] | None:
    """(what, file) for ``printenv HF_TOKEN > f`` and ``cat /run/secrets/x > f``."""
    r = command.redirects
    files = [r[i + 1].value for i in range(len(r) - 1) if r[i].value in _STDOUT]
    files = [f for f in files if not f.startswith(("/dev/", "/run/secrets/"))]
    if not files or not argv:
        return None
    tool = _base(argv[0].value)
    args = [w.value for w in argv[1:] if not w.value.startswith("-")]
    if tool == "printenv" and any(secret_name(a) for a in args):
        return f"${next(a for a in args if secret_name(a))}", files[-1]
    if tool == "cat" and any(a.startswith("/run/secrets/") for a in args):
        return "a mounted secret", files[-1]
    return None


def _expanded(instr: Instruction, writer: Command | None, text: str) -> bool:
    """Whether the shell expands the ``$VAR`` in what ``writer`` writes: unquoted or
    double-quoted echo/printf words, here-documents with an unquoted delimiter."""
    if writer is None:
        return False
    argv = effective_argv(writer)
    if argv and _base(argv[0].value) in ("echo", "printf"):
        return any(w.dynamic and _secret_reference(w.value) for w in argv[1:])
    doc = next((d for d in instr.heredocs if d.body == text), None)
    return doc is not None and doc.expand


def _secret_reference(text: str) -> str | None:
    for m in _SECRET_VAR.finditer(text):
        if secret_name(m.group(1)):
            return m.group(1)
    return None


_LOGIN_FIX = (
    "RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download org/model "
    "--revision <sha>  # the token is read from the environment, nothing is written"
)


@rule("ML413")
def ml_credential_login_in_build(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        reported: set[Span] = set()
        for script in instr.scripts:
            commands = script.commands
            for command in commands:
                argv = effective_argv(command)
                what = _login(argv)
                if what is not None and not _undone(commands, command, True, ""):
                    literal = any(token_kind(w.value) for w in argv)
                    extra = (
                        " (and the token is written literally in the Dockerfile)" if literal else ""
                    )
                    reported.add(command.span)
                    yield ctx.finding(
                        argv[0].span,
                        f"{what}{extra}: the file stays in this image layer even when the "
                        "token came from a secret mount, so anyone who pulls the image gets "
                        "your account's access (gated models, private repos, W&B projects); "
                        "let the tool read the token from a secret-mounted environment "
                        "variable instead of logging in",
                        fix=_LOGIN_FIX,
                    )
                if not argv:
                    continue
                dumped = _secret_dump(command, argv)
                if dumped is not None and not _undone(commands, command, False, dumped[1]):
                    reported.add(command.span)
                    yield ctx.finding(
                        command.span,
                        f"RUN writes {dumped[0]} into {dumped[1]}: the file stays in this image "
                        "layer after the build, which undoes the point of the secret mount or "
                        "build argument; pass the secret to the command that needs it and "
                        "write nothing",
                        fix=_LOGIN_FIX,
                    )
                    continue
                if _base(argv[0].value) in ("cp", "install", "mv") and len(argv) >= 3:
                    operands = [w for w in argv[1:] if not w.value.startswith("-")]
                    if len(operands) >= 2 and any(
                        w.value.startswith("/run/secrets/") for w in operands[:-1]
                    ):
                        dest = operands[-1].value
                        if not dest.startswith("/run/secrets/") and not _undone(
                            commands, command, False, dest
                        ):
                            reported.add(command.span)
                            yield ctx.finding(
                                operands[-1].span,
                                f"{_base(argv[0].value)} copies a mounted secret to {dest}: "
                                "the copy stays in the image layer after the build, which "
                                "undoes the point of the secret mount; read the secret from "
                                "/run/secrets (or env=) in the command that needs it",
                                fix=_LOGIN_FIX,
                            )
        all_commands = tuple(c for sc in instr.scripts for c in sc.commands)
        for w in written(df, instr):
            if any(_inside(w.at, s) for s in reported):
                continue
            writer = next((c for c in all_commands if c.span == w.at), None)
            var = _secret_reference(w.text)
            if var is not None and not _expanded(instr, writer, w.text):
                var = None  # '$HF_TOKEN' written literally: a script that reads it later
            cred = credential_file(w.target) if "$" not in w.target else None
            hf_token = w.target.rstrip("/").endswith("huggingface/token")
            if var is None and ((cred is None and not hf_token) or not w.text.strip()):
                continue
            if w.target.startswith("/run/secrets/"):
                continue
            if writer is not None and _undone(all_commands, writer, False, w.target):
                continue
            what = f"${var}" if var is not None else "a credential"
            reported.add(w.at)
            yield ctx.finding(
                w.at,
                f"RUN writes {what} into {w.target}: the file stays in this image layer even "
                "when the value came from a secret mount or a build argument, so anyone who "
                "pulls the image can read it; pass the secret to the command that needs it "
                "(RUN --mount=type=secret,...,env=HF_TOKEN) and write nothing",
                fix=_LOGIN_FIX,
            )
        for script in instr.scripts:
            for command in script.commands:
                if any(_inside(command.span, s) for s in reported):
                    continue
                for word in (*command.assignments, *command.argv, *command.redirects):
                    message = _literal_credential(word.value)
                    if message is None:
                        continue
                    yield ctx.finding(
                        word.span,
                        f"RUN {message}: the command line is stored in the image history "
                        "(docker history) and in the build cache, readable by anyone who "
                        "pulls the image; pass it with RUN --mount=type=secret",
                        fix="RUN --mount=type=secret,id=hf_token,env=HF_TOKEN git clone "
                        "https://huggingface.co/org/model  # git reads HF_TOKEN via a "
                        "credential helper",
                    )
                    break


def _literal_credential(value: str) -> str | None:
    kind = token_kind(value)
    if kind is not None:
        return f"holds {kind} written literally"
    m = _URL_PASSWORD.match(value)
    if m and "$" not in m.group(2) and "`" not in m.group(2):
        return f"puts a password for {m.group(1)} literally into a URL"
    return None


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


# =========================================================================== ML114

_HUB_HOSTS = lazy_pattern(
    r"^https?://(?:[^/@\s]*@)?(?:www\.)?(?:huggingface\.co|hf\.co)/", re.IGNORECASE
)
_HUB_CALL = lazy_pattern(r"\b(snapshot_download|hf_hub_download|from_pretrained)\s*\(")
_REVISION_ARG = lazy_pattern(r"\brevision\s*=\s*(?:(['\"])([^'\"]*)\1|([^,)\s]+))")


def _call_args(code: str, open_paren: int) -> str | None:
    """The text between the parentheses of a call, or None if they never close."""
    depth = 0
    quote = ""
    for i in range(open_paren, len(code)):
        ch = code[i]
        if quote:
            if ch == quote and code[i - 1] != "\\":
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return code[open_paren + 1 : i]
    return None


class _Unpinned(NamedTuple):
    start: int  # offset of the call in the code
    end: int
    call: str
    revision: str | None  # the branch or tag given, None when there is none


def _unpinned_calls(code: str) -> Iterator[_Unpinned]:
    for m in _HUB_CALL.finditer(code):
        args = _call_args(code, m.end() - 1)
        if args is None:
            continue
        if re.search(r"\blocal_files_only\s*=\s*True", args):
            continue
        call = m.group(1)
        if call == "from_pretrained":
            first = args.strip()
            lit = re.match(r"^(['\"])([^'\"]*)\1", first)
            if lit is None or lit.group(2).startswith(("/", ".", "~")):
                continue  # a variable or a local directory
        rev = _REVISION_ARG.search(args)
        if rev is None:
            yield _Unpinned(m.start(1), m.end(1), call, None)
        elif rev.group(2) is not None and not _SHA.match(rev.group(2)):
            yield _Unpinned(m.start(1), m.end(1), call, rev.group(2))


def _python_code(
    instr: Instruction, script: ShellScript
) -> Iterator[tuple[str, Word | None, SourceMap | None]]:
    """Python code a RUN runs inline: ``python -c CODE`` words, and here-documents fed to
    ``python -`` / ``python <<EOF`` or starting with a python shebang."""
    for command in script.commands:
        argv = effective_argv(command)
        if not argv or not _PYTHON.match(_base(argv[0].value)):
            continue
        for i, w in enumerate(argv[1:-1], start=1):
            if w.value == "-c":
                yield argv[i + 1].value, argv[i + 1], None
                break
        else:
            rest = [w.value for w in argv[1:] if not w.value.startswith("-") or w.value == "-"]
            if (not rest or rest[0] == "-") and instr.heredocs:
                doc = next((d for d in instr.heredocs if d.fd == 0), None)
                if doc is not None:
                    yield doc.body, None, doc.source


def _code_span(word: Word | None, source: SourceMap | None, start: int, end: int) -> Span:
    if source is not None:
        return source.span(start, end)
    assert word is not None
    span = word.span
    if span.line != span.end_line:
        return span
    for k in (0, 1):  # unquoted, or one quote before a value written without escapes
        if word.text[k : k + len(word.value)] == word.value:
            column = span.column + k + start
            return Span(span.line, column, span.line, column + end - start)
    return span


def _hub_message(what: str, revision: str | None) -> tuple[str, Severity]:
    if revision is None:
        return (
            f"{what} without a revision: a Hub repository is a git repository whose main "
            "branch its owner can rewrite at any time, so every build can bake in different "
            "weights, tokenizer or config (and different results) with no change to the "
            "Dockerfile; pin the commit sha",
            Severity.WARNING,
        )
    return (
        f"{what} at revision '{revision}', a branch or tag that can move; pin the 40-character "
        "commit sha to get the same files in every build",
        Severity.INFO,
    )


@rule("ML114")
def hub_download_without_revision(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        shebang_docs = [
            d
            for d in instr.heredocs
            if d.body.startswith("#!") and "python" in d.body.split("\n", 1)[0]
        ]
        for doc in shebang_docs:
            for u in _unpinned_calls(doc.body):
                message, severity = _hub_message(f"{u.call}() downloads from the Hub", u.revision)
                yield ctx.finding(
                    doc.source.span(u.start, u.end),
                    message,
                    severity=severity,
                    fix=f'{u.call}(..., revision="<40-character commit sha>")',
                )
        for script in instr.scripts:
            commands = script.commands
            for download in downloads(script):
                argv = effective_argv(download.command)
                if download.tool in ("hf", "huggingface-cli"):
                    parsed = _parse_options(argv[1:], _HF)
                    rev = parsed.options.get("--revision")
                    if rev is not None and (
                        _SHA.match(rev.value) or rev.dynamic or "$" in rev.value
                    ):
                        continue
                    repo = download.urls[0]
                    message, severity = _hub_message(
                        f"{download.tool} download {repo.value}", rev.value if rev else None
                    )
                    yield ctx.finding(
                        repo.span,
                        message,
                        severity=severity,
                        fix=f"{download.tool} download {repo.value} --revision <commit sha>",
                    )
                elif download.tool == "git" and download.urls:
                    url = download.urls[0]
                    if not _HUB_HOSTS.match(url.value):
                        continue
                    checkout = _later_checkout(commands, download.command)
                    if checkout == "pinned":
                        continue
                    branch = _parse_git_branch(argv)
                    revision = checkout if checkout is not None else branch
                    message, severity = _hub_message(f"git clone {_shown(url.value)}", revision)
                    yield ctx.finding(
                        url.span,
                        message,
                        severity=severity,
                        fix="git clone URL dir && git -C dir checkout <40-character commit sha>",
                    )
            for code, word, source in _python_code(instr, script):
                for u in _unpinned_calls(code):
                    message, severity = _hub_message(
                        f"{u.call}() downloads from the Hub", u.revision
                    )
                    yield ctx.finding(
                        _code_span(word, source, u.start, u.end),
                        message,
                        severity=severity,
                        fix=f'{u.call}(..., revision="<40-character commit sha>")',
                    )


def _parse_git_branch(argv: tuple[Word, ...]) -> str | None:
    for i, w in enumerate(argv):
        if w.value in ("-b", "--branch") and i + 1 < len(argv):
            return argv[i + 1].value
        if w.value.startswith("--branch="):
            return w.value.split("=", 1)[1]
    return None


def _later_checkout(commands: tuple[Command, ...], clone: Command) -> str | None:
    """ "pinned" when a later git checkout/reset names a commit sha or a variable; the ref
    when it names something else; None when there is none."""
    seen = False
    found = None
    for c in commands:
        if c is clone:
            seen = True
            continue
        if not seen:
            continue
        argv = effective_argv(c)
        if not argv or _base(argv[0].value) != "git":
            continue
        values = [w.value for w in argv[1:]]
        verbs = [v for v in values if v in ("checkout", "reset", "switch")]
        if not verbs:
            continue
        after = values[values.index(verbs[0]) + 1 :]
        refs = [v for v in after if not v.startswith("-")]
        if any(
            _SHA.match(r) or r.startswith("$") or re.match(r"^[0-9a-f]{7,39}$", r) for r in refs
        ):
            return "pinned"
        if refs:
            found = refs[0]
    return found


# =========================================================================== ML115

_DATA_EXT = (".parquet", ".arrow", ".tfrecord", ".tfrecords", ".npy", ".npz", ".lmdb", ".feather")
_ARCHIVE_EXT = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst", ".7z")
_ARTIFACT_HINT = lazy_pattern(r"model|weight|checkpoint|ckpt|dataset|pretrained", re.IGNORECASE)
_HUB_PINNED = lazy_pattern(r"/resolve/[0-9a-f]{40}/")
_CHECKERS = frozenset(
    {
        "sha256sum",
        "sha512sum",
        "sha384sum",
        "sha224sum",
        "sha1sum",
        "shasum",
        "md5sum",
        "b2sum",
        "b3sum",
        "cksum",
        "rhash",
    }
)


def _artifact(url: str) -> str | None:
    """What kind of model or data artifact a URL fetches, or None."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    if _HUB_PINNED.search(path):
        return None  # the Hub serves that commit's file and nothing else
    base = _base(path).lower()
    if not base or "." not in base:
        return None
    if weight_file(path):
        return "model weights"
    if base.endswith(_DATA_EXT):
        return "a dataset file"
    if base.endswith(_ARCHIVE_EXT) and _ARTIFACT_HINT.search(path):
        return "a model or dataset archive"
    return None


def _verifies(commands: tuple[Command, ...]) -> bool:
    for c in commands:
        argv = effective_argv(c)
        if not argv:
            continue
        tool = _base(argv[0].value)
        values = [w.value for w in argv[1:]]
        if tool in _CHECKERS:
            return True
        if tool == "openssl" and values[:1] in (["dgst"], ["sha256"]):
            return True
        if tool in ("gpgv", "minisign") or (
            tool in ("gpg", "cosign") and any("verify" in v for v in values)
        ):
            return True
        if _PYTHON.match(tool) and any("hashlib" in v for v in values):
            return True
    return False


@rule("ML115")
def remote_artifact_without_checksum(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    all_runs = list(runs(df))
    verifying = [
        (n, r.stage, r.arguments.text)
        for n, r in enumerate(all_runs)
        if _verifies(tuple(c for s in r.scripts for c in s.commands))
    ]
    for n, instr in enumerate(all_runs):
        if any(v == n for v, _, _ in verifying):
            continue  # a checksum in the same RUN
        checked_later = " ".join(t for v, st, t in verifying if v > n and st == instr.stage)
        for script in instr.scripts:
            for download in downloads(script):
                if download.tool not in ("curl", "wget", "aria2c"):
                    continue
                if download.tool == "aria2c" and any(
                    w.value.startswith("--checksum") for w in download.command.argv
                ):
                    continue
                for url in download.urls:
                    kind = _artifact(url.value)
                    if kind is None:
                        continue
                    names = {_base(url.value.split("?", 1)[0])}
                    if download.output is not None:
                        names.add(_base(download.output.value))
                    names = {x for x in names if "." in x and x != "-"}
                    if checked_later and any(x in checked_later for x in names):
                        continue  # a later RUN of the stage verifies this file
                    yield ctx.finding(
                        url.span,
                        f"{download.tool} fetches {kind} from {_shown(url.value)} without "
                        "checking a checksum: a re-uploaded or tampered file changes the "
                        "image (and the model's results) with no change to the Dockerfile, "
                        "and pickled checkpoints (.pt, .pth, .ckpt, .bin) run code when "
                        "loaded; verify a pinned sha256 in the same RUN",
                        fix="curl -fsSLo model.pt URL && echo '<sha256>  model.pt' | "
                        "sha256sum -c -",
                    )


# =========================================================================== ML507

_DATA_DIRS = frozenset({"datasets", "dataset"})
_DATA_FILES = (
    ".parquet",
    ".arrow",
    ".tfrecord",
    ".tfrecords",
    ".lmdb",
    ".mdb",
    ".zarr",
    ".feather",
)
_ARRAY_FILES = (".npy", ".npz")


def _dataset(path: str) -> tuple[str, Severity] | None:
    """Why a COPY source looks like a dataset, with how sure that is."""
    clean = path.removeprefix("./").strip("/")
    if not clean or "$" in clean:
        return None
    parts = [p.lower() for p in clean.split("/")]
    base = parts[-1]
    if base.endswith(_DATA_FILES) or (base.rstrip("*").endswith(_DATA_FILES)):
        return f"the dataset file(s) '{path}'", Severity.WARNING
    if any(p in _DATA_DIRS for p in parts):
        return f"the dataset directory '{path}'", Severity.WARNING
    if base.endswith(_ARRAY_FILES):
        return f"the array file(s) '{path}'", Severity.INFO
    if parts[0] == "data" and "." not in base:
        return f"the directory '{path}' (data, by its name)", Severity.INFO
    return None


@rule("ML507")
def dataset_in_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for top in df.instructions:
        instr = top.trigger if top.trigger is not None else top
        if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None:
            continue
        words = instr.exec_form if instr.exec_form is not None else instr.words
        for src in words[:-1]:
            raw = src.text if instr.exec_form is not None else src.text.strip("'\"")
            if raw.startswith("<<") or "://" in raw or weight_file(raw):
                continue  # heredocs, downloads (ML106) and weights (ML501)
            found = _dataset(raw)
            if found is None:
                continue
            what, severity = found
            yield ctx.finding(
                src.span,
                f"{instr.keyword} puts {what} into an image layer: training and evaluation "
                "data is large and changes on its own schedule, so every pull carries it, "
                "every data update rebuilds the image, and the image spreads data that may be "
                "licensed or personal; mount it at run time",
                fix="volumes: ['./data:/data:ro'] in compose (docker run -v ./data:/data:ro), "
                "and add the data directory to .dockerignore",
                severity=severity,
            )


# =========================================================================== ML508

_LEGACY_HF = {
    "TRANSFORMERS_CACHE": ("HF_HUB_CACHE", ("HF_HUB_CACHE", "HF_HOME")),
    "PYTORCH_TRANSFORMERS_CACHE": ("HF_HUB_CACHE", ("HF_HUB_CACHE", "HF_HOME")),
    "PYTORCH_PRETRAINED_BERT_CACHE": ("HF_HUB_CACHE", ("HF_HUB_CACHE", "HF_HOME")),
    "HUGGINGFACE_HUB_CACHE": ("HF_HUB_CACHE", ("HF_HUB_CACHE", "HF_HOME")),
    "HUGGING_FACE_HUB_TOKEN": ("HF_TOKEN", ("HF_TOKEN",)),
}


def _hf_rust_server(df: Dockerfile) -> bool:
    """Whether the image is (or is built from) text-generation-inference or
    text-embeddings-inference, whose launchers read HUGGINGFACE_HUB_CACHE by that name."""
    return any("text-generation-" in line or "text-embeddings-" in line for line in df.lines)


def _stage_env_names(df: Dockerfile, instr: Instruction) -> set[str]:
    """Every name an ENV sets in the stage of ``instr`` and the stages it builds on."""
    if instr.stage < 0:
        return set()
    names: set[str] = set()
    for stage in df.stage_chain(df.stages[instr.stage]):
        for i in stage.of("ENV"):
            names.update(kv.key.text for kv in i.pairs)
    return names


@rule("ML508")
def legacy_hf_cache_variable(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    per_stage: dict[int, set[str]] = {}
    for instr in df.instructions:
        if instr.keyword != "ENV":
            continue
        if instr.stage not in per_stage:
            per_stage[instr.stage] = _stage_env_names(df, instr)
        names = per_stage[instr.stage]
        for kv in instr.pairs:
            legacy = _LEGACY_HF.get(kv.key.text)
            if legacy is None:
                continue
            replacement, accepted = legacy
            if names.intersection(accepted):
                continue  # set alongside its replacement, for older library versions
            raw = kv.value.text if kv.value is not None else ""
            value = raw.strip("'\"")
            if kv.key.text == "HUGGING_FACE_HUB_TOKEN" and value and not value.startswith("/run/"):
                continue  # a credential in the image: ML401 reports it
            if kv.key.text == "HUGGINGFACE_HUB_CACHE":
                if _hf_rust_server(df):
                    continue  # TGI's and TEI's launchers take exactly this variable
                why = (
                    "HUGGINGFACE_HUB_CACHE is the former name of HF_HUB_CACHE: huggingface_hub "
                    "reads it only as a fallback, and setups built on the current names "
                    "(HF_HOME, HF_HUB_CACHE in compose or Kubernetes) do not see it, so the "
                    "cache can end up in ~/.cache/huggingface, outside the volume you "
                    "prepared, and models are downloaded again on every start"
                )
            elif replacement == "HF_HUB_CACHE":
                why = (
                    f"{kv.key.text} is the old transformers name of the Hub cache directory: "
                    "transformers warns that it is deprecated and will be removed in v5, "
                    "and huggingface_hub reads HF_HUB_CACHE (or HF_HOME/hub); once it is "
                    "ignored the cache silently moves to ~/.cache/huggingface, outside the "
                    "volume you prepared, and models are downloaded again on every start"
                )
            else:
                why = (
                    "HUGGING_FACE_HUB_TOKEN is the old name of HF_TOKEN: huggingface_hub "
                    "reads HF_TOKEN first and keeps the old name only for compatibility"
                )
            # Only the name changes, so the rename is safe; a key written across lines or
            # quoted is left alone (edits.fix drops what it cannot place exactly).
            rename = Edit(kv.key.span, kv.key.text, replacement)
            yield ctx.finding(
                kv.key.span,
                f"ENV {why}; use {replacement}",
                fix=f"ENV {replacement}={raw}",
                autofix=fix(f"rename to {replacement}", rename) if instr.trigger is None else None,
            )
