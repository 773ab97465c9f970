"""ML services: notebooks, model servers and dashboards, and what makes them unsafe or slow.

ML414 and ML415 read commands wherever they are written: a Dockerfile's CMD/ENTRYPOINT and ENV
(target ``any``: the Dockerfile is linted on its own) and a compose service's
``command``/``entrypoint``/``environment`` (with the service's published ports to weigh the
exposure). ML509, ML511 and ML621 read compose services; ML620 reads Dockerfiles.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from mllint.checks.compose_walk import ports, volumes
from mllint.checks.edits import fix
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Autofix, Edit, Related, Severity
from mllint.engine.registry import rule
from mllint.ml.gpu import base_image
from mllint.ml.roles import (
    SERVING,
    Arg,
    CommandLine,
    classify_argv,
    classify_image,
    compose_args,
    dockerfile_command,
    dockerfile_env,
    dockerfile_role,
    locate_words,
    split_script,
)
from mllint.model.compose import ComposeProject, Service, is_unknown, text, truthy
from mllint.model.context import Project
from mllint.model.dockerfile import Dockerfile, ImageRef, Instruction
from mllint.model.span import Span
from mllint.model.yaml import YMap, YScalar, YSeq
from mllint.parsers.compose_syntax import parse_duration
from mllint.patterns import lazy_pattern

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]", "*"})  # noqa: S104 - what we look for


# --------------------------------------------------------------------------- shared walking


class Where(NamedTuple):
    """What a service-level rule reads from one Dockerfile or one compose service."""

    label: str  # "CMD" / "services.x"
    commands: list[tuple[Arg, ...]]  # simple commands, ``sh -c`` scripts opened
    env: dict[str, tuple[str | None, Span, str]]  # name -> (value, span of value, path)
    published: Arg | None  # a port published on all interfaces (compose only)
    env_unknown: bool  # env_file or unknown values: absent variables may still be set
    kind: str | None  # server kind from the image name
    compose: bool
    sources: Mapping[str, Sequence[str]]  # file lines, to point at words inside values
    jupyter_config: bool  # a Jupyter config file is copied or mounted (it may set a password)

    def env_words(self, name: str) -> list[tuple[Arg, ...]]:
        """The simple commands in a variable that holds command-line arguments."""
        value, span, path = self.env.get(name, (None, Span(0, 0, 0, 0), ""))
        if not value:
            return []
        outer = Arg(value, span, path)
        lines = self.sources.get(path, ())
        return [tuple(locate_words(words, outer, lines)) for words in split_script(value)]


def _open_shells(
    line: Sequence[tuple[Arg, ...]], sources: Mapping[str, Sequence[str]]
) -> Iterator[tuple[Arg, ...]]:
    """Simple commands, with ``sh -c "a && b"`` opened into a and b (words located inside)."""
    for argv in line:
        values = [a.value for a in argv]
        start = 0
        while start < len(values) and values[start].rsplit("/", 1)[-1] in ("exec", "tini", "--"):
            start += 1
        if len(values) - start >= 3 and values[start].rsplit("/", 1)[-1] in _SHELLS:
            j = next(
                (
                    k
                    for k in range(start + 1, len(values) - 1)
                    if values[k].startswith("-") and "c" in values[k].lstrip("-")
                ),
                None,
            )
            if j is not None:
                script = argv[j + 1]
                for words in split_script(script.value):
                    yield tuple(locate_words(words, script, sources.get(script.path, ())))
                continue
        yield argv


def _dockerfile_where(df: Dockerfile) -> Where:
    docker = dockerfile_command(df)
    line: list[tuple[Arg, ...]] = []
    for part in (docker.entrypoint, docker.cmd):
        if part is not None:
            line.extend(part)
    env = {k: (v, s, df.path) for k, (v, s) in dockerfile_env(df).items()}
    final = df.final_stage
    image = df.stage_chain(final)[-1].image.resolved if final is not None else None
    found = classify_image(image)
    return Where(
        "the image",
        list(_open_shells(line, {df.path: df.lines})),
        env,
        None,
        False,
        found[1] if found else None,
        False,
        {df.path: df.lines},
        _dockerfile_jupyter_config(df),
    )


_JUPYTER_CONFIG = lazy_pattern(r"\.jupyter\b|jupyter_(server|notebook|lab)_config", re.I)
_PASSWORD_SET = lazy_pattern(
    r"c\.\w+\.(hashed_)?password\s*=\s*['\"]?[^'\"\s]|jupyter\s+(server|notebook)\s+password"
    r"|passwd\(",
)


def _dockerfile_jupyter_config(df: Dockerfile) -> bool:
    """Whether the image gets a Jupyter config file or a password some other way."""
    final = df.final_stage
    if final is None:
        return False
    for stage in df.stage_chain(final):
        for instr in stage.instructions:
            args = instr.arguments.text
            if instr.keyword in ("COPY", "ADD") and _JUPYTER_CONFIG.search(args):
                return True
            if instr.keyword == "RUN" and (
                _PASSWORD_SET.search(args)
                or any(_PASSWORD_SET.search(h.body) for h in instr.heredocs)
            ):
                return True
    return False


def _published_all(service: Service) -> Arg | None:
    for p in ports(service):
        if p.published is None:
            continue
        if p.host_ip is not None and p.host_ip not in _ALL_INTERFACES:
            continue
        return Arg(p.published, p.node.span, p.node.path)
    return None


def _service_where(project: ComposeProject, service: Service) -> Where:
    sources = project.sources
    line: list[tuple[Arg, ...]] = []
    for key in ("entrypoint", "command"):
        args = compose_args(service.get(key), sources)
        if args:
            line.append(args)
    env: dict[str, tuple[str | None, Span, str]] = {}
    unknown = service.get("env_file") is not None
    node = service.get("environment")
    if isinstance(node, YMap):
        for name, val in node.items:
            if isinstance(val, YScalar) and not is_unknown(val):
                env[name.text] = (text(val), val.span, val.path)
            else:
                unknown = True
                env[name.text] = (None, name.span, name.path)
    image = text(service.get("image"))
    found = classify_image(image) if service.get("build") is None else None
    return Where(
        f"services.{service.name}",
        list(_open_shells(line, sources)),
        env,
        _published_all(service),
        unknown,
        found[1] if found else None,
        True,
        sources,
        any(_JUPYTER_CONFIG.search(v.target) for v in volumes(service) if v.target),
    )


def _wheres(model: Dockerfile | ComposeProject) -> Iterator[Where]:
    if isinstance(model, Dockerfile):
        yield _dockerfile_where(model)
    else:
        for service in model.services:
            yield _service_where(model, service)


def _kind(where: Where, argv: Sequence[Arg]) -> str | None:
    found = classify_argv([a.value for a in argv])
    if found is not None and found[1] is not None:
        return found[1]
    return where.kind


def _option(argv: Sequence[Arg], *names: str) -> tuple[Arg, str | None] | None:
    """The last ``--name=value`` / ``--name value`` / bare ``--name`` among ``argv``."""
    found: tuple[Arg, str | None] | None = None
    for i, a in enumerate(argv):
        flag, eq, value = a.value.partition("=")
        if flag not in names:
            continue
        if eq:
            found = (a, value)
        elif i + 1 < len(argv) and not argv[i + 1].value.startswith("--"):
            found = (a, argv[i + 1].value)
        else:
            found = (a, None)
    return found


# --------------------------------------------------------------------------- ML620

_DEVEL_REPOS = frozenset({"nvidia/cuda", "pytorch/pytorch", "nvidia/cudagl", "nvidia/cuda-arm64"})
_DEVEL_TAG = lazy_pattern(r"(^|[-_.])devel($|[-_.])")
#: Programs whose presence in a RUN means the image compiles something.
_COMPILERS = frozenset(
    "nvcc cmake make ninja gcc g++ cc c++ bazel bazelisk meson cargo go scons".split()
)
#: Packages that are built from source against the image's CUDA toolkit.
_CUDA_SOURCE_PACKAGES = lazy_pattern(
    r"^(flash[-_]?attn|apex|nvidia-apex|mamba[-_]ssm|causal[-_]conv1d|auto[-_]gptq|pytorch3d"
    r"|detectron2|mmcv(-full)?|torch[-_](scatter|sparse|cluster|spline[-_]conv)|tinycudann"
    r"|nerfacc|gsplat|diff[-_]gaussian[-_]rasterization|simple[-_]knn|exllamav2|fused[-_]\w+"
    r"|deepspeed|natten|MinkowskiEngine|llama[-_]cpp[-_]python"
    r"|transformer[-_]engine|grouped[-_]gemm|megablocks|groundingdino)\b",
    re.I,
)
_BUILD_ENV = lazy_pattern(
    r"^(TORCH_CUDA_ARCH_LIST|DS_BUILD_\w+|MAX_JOBS|FORCE_CUDA|CMAKE_ARGS|CUDA_ARCHITECTURES"
    r"|TCNN_CUDA_ARCHITECTURES|FLASH_ATTENTION_\w+|NVCC_\w+|CMAKE_CUDA_ARCHITECTURES)$"
)


def _is_devel(ref: ImageRef) -> bool:
    if ref.is_unresolved or ref.repository is None or ref.tag is None:
        return False
    if ref.registry not in (None, "docker.io", "index.docker.io", "nvcr.io"):
        return False
    return ref.repository.lower() in _DEVEL_REPOS and bool(_DEVEL_TAG.search(ref.tag.lower()))


def _compiles(df: Dockerfile) -> tuple[bool, bool]:
    """(something is compiled, requirements files are installed that could compile)."""
    from mllint.parsers.commands import package_installs

    final = df.final_stage
    if final is None:
        return False, False
    hidden = False
    for stage in df.stage_chain(final):
        for instr in stage.instructions:
            if instr.keyword in ("ENV", "ARG") and any(
                _BUILD_ENV.match(kv.key.text) for kv in instr.pairs
            ):
                return True, hidden
            if instr.keyword != "RUN":
                continue
            if instr.exec_form is not None and not instr.scripts:
                return True, hidden  # not readable: assume it may build
            if "setup.py" in instr.arguments.text or "cpp_extension" in instr.arguments.text:
                return True, hidden
            for script in instr.scripts:
                if not script.complete:
                    return True, hidden
                for command in script.commands:
                    if command.name in _COMPILERS:
                        return True, hidden
                for install in package_installs(script):
                    if install.editables or install.has("--no-build-isolation", "--no-binary"):
                        return True, hidden
                    for w in install.packages:
                        v = w.value
                        if (
                            _CUDA_SOURCE_PACKAGES.match(v)
                            or v.startswith((".", "/", "git+"))
                            or "://" in v
                        ):
                            return True, hidden
                    if install.requirement_files:
                        hidden = True
    return False, hidden


@rule("ML620")
def devel_image_in_final_stage(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    final = df.final_stage
    if final is None:
        return
    root = df.stage_chain(final)[-1]
    ref = root.image
    if not _is_devel(ref):
        return
    compiles, hidden = _compiles(df)
    if compiles:
        return
    role = dockerfile_role(df)
    serving = role.role == SERVING
    tag = ref.tag or ""
    runtime = re.sub(r"devel", "runtime", tag, count=1)
    name = ref.name or ""
    who = (
        f"this image serves a model ({role.kind or 'server'}, from its {role.evidence})"
        if serving
        else f"the image is a {role.role} image"
        if role.role != "unknown"
        else "nothing in this Dockerfile compiles CUDA code"
    )
    caveat = (
        " (unless a package in its requirements files builds a CUDA extension)" if hidden else ""
    )
    yield ctx.finding(
        ref.text.span,
        f"the final image is built on the CUDA devel image {name}:{tag}, which adds nvcc, "
        "headers and static libraries (several GB) that only compiling needs, and "
        f"{who}{caveat}; use the runtime flavour {name}:{runtime}, and compile what must be "
        "compiled in a devel build stage whose results you COPY --from it",
        fix=f"FROM {name}:{runtime}",
        severity=Severity.WARNING if serving else Severity.INFO,
    )


# --------------------------------------------------------------------------- ML414

_TOKEN_FLAG = lazy_pattern(r"^--(NotebookApp|ServerApp|IdentityProvider)\.token$")
_XSRF_FLAG = lazy_pattern(r"^--(NotebookApp|ServerApp)\.disable_check_xsrf$")
_NOTEBOOK_ARGS = ("NOTEBOOK_ARGS", "JUPYTER_ARGS", "DOCKER_STACKS_JUPYTER_ARGS")


def _jupyter_args(where: Where) -> Iterator[tuple[Arg, ...]]:
    for argv in where.commands:
        if _kind(where, argv) == "jupyter" or (
            where.kind == "jupyter" and argv and argv[0].value.startswith("-")
        ):
            yield argv
    if where.kind == "jupyter" or any(_kind(where, a) == "jupyter" for a in where.commands):
        for name in _NOTEBOOK_ARGS:
            yield from where.env_words(name)


_PASSWORD_FLAG = lazy_pattern(
    r"^--(NotebookApp|ServerApp|PasswordIdentityProvider|IdentityProvider)\.(hashed_)?password$"
)


def _empty_token(argv: Sequence[Arg]) -> Arg | None:
    for a in argv:
        flag, _, value = a.value.partition("=")
        if _PASSWORD_FLAG.match(flag) and value.strip("'\"") != "":
            return None  # a password protects the server without a token
    for i, a in enumerate(argv):
        flag, eq, value = a.value.partition("=")
        if not _TOKEN_FLAG.match(flag):
            continue
        if eq and value.strip("'\"") == "":
            return a
        if not eq and i + 1 < len(argv) and argv[i + 1].value.strip("'\"") == "":
            return a
    return None


@rule("ML414")
def jupyter_without_auth(
    model: Dockerfile | ComposeProject, ctx: RuleContext[None]
) -> Iterator[Hit]:
    for where in _wheres(model):
        for argv in _jupyter_args(where):
            exposed = where.published
            related = (
                (Related(exposed.path, exposed.span, "published on all interfaces here"),)
                if exposed is not None
                else ()
            )
            reach = (
                f"anyone on the network (port {exposed.value} is published on all interfaces)"
                if exposed is not None
                else "anyone who reaches the port"
            )
            token = None if where.jupyter_config else _empty_token(argv)
            if token is not None:
                yield ctx.finding(
                    token.span,
                    f"{where.label} starts Jupyter with an empty token ('{token.value}'), which "
                    f"turns authentication off: {reach} gets a shell in the container, with "
                    "its GPUs, data and credentials; keep the token (pass it as "
                    "JUPYTER_TOKEN from the deploy environment) or set a password",
                    fix="--IdentityProvider.token=${JUPYTER_TOKEN}  (or drop the flag: "
                    "Jupyter prints a random token)",
                    path=token.path,
                    related=related,
                    severity=Severity.ERROR if exposed is not None else Severity.WARNING,
                )
            for a in argv:
                flag, _, value = a.value.partition("=")
                if _XSRF_FLAG.match(flag) and value.strip("'\"").lower() in ("true", "1"):
                    yield ctx.finding(
                        a.span,
                        f"{where.label} starts Jupyter with XSRF checks off ('{a.value}'): any "
                        "web page the user visits can send requests that run code in the "
                        "notebook server; remove the flag",
                        fix="remove --ServerApp.disable_check_xsrf=True",
                        path=a.path,
                        severity=Severity.WARNING,
                    )
                elif a.value == "--allow-root":
                    yield ctx.finding(
                        a.span,
                        f"{where.label} starts Jupyter with --allow-root: the notebook's "
                        "kernels, and whatever code they run, have root in the container; run "
                        "it as an unprivileged user (the jupyter/docker-stacks images use "
                        "jovyan)",
                        fix="USER 1000  (and drop --allow-root)",
                        path=a.path,
                        severity=Severity.INFO,
                    )


# --------------------------------------------------------------------------- ML415

_WEBUI_MARKERS = frozenset(
    {"--listen", "--api", "--xformers", "--medvram", "--lowvram", "--allow-code"}
)
_ARG_ENVS = ("CLI_ARGS", "COMMANDLINE_ARGS", "EXTRA_ARGS", "WEBUI_ARGS")


def _flag_hits(where: Where) -> Iterator[tuple[Arg, str, str, Severity]]:
    """(word, what, why, severity) for every insecure server flag of one Dockerfile/service."""
    lists: list[tuple[Arg, ...]] = list(where.commands)
    for name in _ARG_ENVS:
        lists.extend(where.env_words(name))
    for argv in lists:
        values = {a.value.partition("=")[0] for a in argv}
        kind = _kind(where, argv)
        for a in argv:
            flag = a.value.partition("=")[0]
            if flag == "--trust-remote-code":
                yield (
                    a,
                    "--trust-remote-code",
                    "the server runs the Python code that ships with the model repository; "
                    "often needed for new architectures, it is a code-execution path for "
                    "whoever can change that repository: pin the model --revision to a commit "
                    "you reviewed",
                    Severity.INFO,
                )
            elif flag in ("--allow-code", "--enable-insecure-extension-access"):
                yield (
                    a,
                    flag,
                    "the web UI runs Python typed into it or installs extensions from any "
                    "URL, so everyone who reaches it runs code in the container",
                    Severity.WARNING,
                )
            elif flag == "--share" and (kind == "gradio" or values & _WEBUI_MARKERS):
                yield (
                    a,
                    "--share",
                    "Gradio opens a public *.gradio.live tunnel to the UI, reachable by anyone "
                    "with the link and past every firewall",
                    Severity.WARNING,
                )
            elif flag == "--disable-token-auth" and kind in ("torchserve", None):
                yield (
                    a,
                    flag,
                    "TorchServe's management API (load any model from a URL, which runs its "
                    "handler code) and inference API accept requests without a token",
                    Severity.WARNING,
                )
        if kind == "tensorboard":
            bind = next((a for a in argv if a.value == "--bind_all"), None)
            host = _option(argv, "--host")
            if bind is None and host is not None and host[1] in _ALL_INTERFACES:
                bind = host[0]
            if bind is not None:
                yield (
                    bind,
                    bind.value,
                    "TensorBoard has no authentication and listens on every interface"
                    + (" of a published port" if where.published else ""),
                    Severity.WARNING if where.published else Severity.INFO,
                )
        if kind == "mlflow":
            host = _option(argv, "--host", "-h")
            loose = _option(argv, "--allowed-hosts")
            off = _option(argv, "--disable-security-middleware")
            if host is not None and host[1] in _ALL_INTERFACES:
                if off is not None:
                    yield (
                        off[0],
                        "--disable-security-middleware",
                        "MLflow listens on all interfaces with its host and CORS checks off",
                        Severity.WARNING,
                    )
                elif loose is not None and (loose[1] or "").strip("'\"") == "*":
                    yield (
                        loose[0],
                        '--allowed-hosts "*"',
                        "MLflow listens on all interfaces and accepts any Host header, which "
                        "reopens DNS-rebinding attacks from a browser",
                        Severity.WARNING,
                    )
        if kind == "ray" and "--head" in values:
            host = _option(argv, "--dashboard-host")
            auth = where.env.get("RAY_AUTH_MODE", (None,))[0]
            if (
                host is not None
                and host[1] in _ALL_INTERFACES
                and auth != "token"
                and not ("RAY_AUTH_MODE" in where.env and auth is None)
                and not where.env_unknown
            ):
                yield (
                    host[0],
                    host[0].value,
                    "the Ray dashboard and Jobs API listen on all interfaces without "
                    "authentication; anyone who reaches them runs code on the cluster "
                    "(CVE-2023-48022, 'ShadowRay'); set RAY_AUTH_MODE=token (Ray 2.52+)",
                    Severity.WARNING,
                )
    for name, why in (
        ("TS_DISABLE_TOKEN_AUTHORIZATION", "TorchServe's APIs accept requests without a token"),
        (
            "TRUST_REMOTE_CODE",
            "the server runs the Python code that ships with the model repository (Text "
            "Generation Inference reads this variable as --trust-remote-code); pin the model "
            "revision to a commit you reviewed",
        ),
    ):
        value, span, path = where.env.get(name, (None, Span(0, 0, 0, 0), ""))
        if value is not None and value.lower() in ("true", "1", "yes"):
            yield (
                Arg(f"{name}={value}", span, path),
                f"{name}={value}",
                why,
                Severity.INFO if name == "TRUST_REMOTE_CODE" else Severity.WARNING,
            )


@rule("ML415")
def insecure_ml_server_flags(
    model: Dockerfile | ComposeProject, ctx: RuleContext[None]
) -> Iterator[Hit]:
    for where in _wheres(model):
        for word, what, why, severity in _flag_hits(where):
            yield ctx.finding(
                word.span,
                f"{where.label} runs with {what}: {why}",
                fix=None if "TRUST_REMOTE_CODE" in what.upper() else f"remove {what}",
                path=word.path,
                severity=severity,
            )
        if where.compose and where.published is not None and where.kind == "vllm":
            words = [a.value.partition("=")[0] for argv in where.commands for a in argv]
            if (
                "--api-key" not in words
                and "VLLM_API_KEY" not in where.env
                and not where.env_unknown
            ):
                yield ctx.finding(
                    where.published.span,
                    f"{where.label} publishes vLLM's OpenAI-compatible API on all interfaces "
                    "without --api-key or VLLM_API_KEY: anyone who reaches the port uses the "
                    "GPUs; set VLLM_API_KEY from the deploy environment, or bind the port to "
                    "127.0.0.1",
                    fix="environment:\n  VLLM_API_KEY: ${VLLM_API_KEY}",
                    path=where.published.path,
                    severity=Severity.INFO,
                )


# --------------------------------------------------------------------------- ML509

#: Where each model server keeps downloaded weights when nothing says otherwise.
_CACHE_DEFAULTS: dict[str, tuple[str, ...]] = {
    "tgi": ("/data",),
    "tei": ("/data",),
    "vllm": ("/root/.cache/huggingface",),
    "sglang": ("/root/.cache/huggingface",),
    "ollama": ("/root/.ollama",),
    "localai": ("/models", "/build/models"),
    "xinference": ("/root/.xinference", "/root/.cache/huggingface"),
}
_CACHE_ENV = (
    "HF_HOME",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "TORCH_HOME",
    "OLLAMA_MODELS",
)


def _covered(path: str, targets: list[str]) -> bool:
    path = posixpath.normpath(path)
    for target in targets:
        t = posixpath.normpath(target)
        if path == t or path.startswith(t.rstrip("/") + "/") or t.startswith(path + "/"):
            return True
    return False


def _service_kind(project: ComposeProject, service: Service) -> tuple[str | None, Arg | None]:
    """The server kind from the command (its program word) or the image (its node)."""
    for key in ("entrypoint", "command"):
        args = compose_args(service.get(key), project.sources)
        if args:
            for argv in _open_shells([args], project.sources):
                found = classify_argv([a.value for a in argv])
                if found is not None and found[1] is not None:
                    return found[1], argv[0]
    node = service.get("image")
    if service.get("build") is None and isinstance(node, YScalar):
        found = classify_image(text(node))
        if found is not None and found[1] is not None:
            return found[1], Arg(text(node) or "", node.span, node.path)
    return None, None


class _Server(NamedTuple):
    """A model server a service runs, and what told us."""

    kind: str
    where: Arg  # where a finding about the service goes (compose: the program, image or build)
    related: tuple[Related, ...]  # the Dockerfile line that told us, for a built service
    args: list[Arg]  # the words of the command the server runs (compose's and the image's)
    dockerfile: Dockerfile | None  # the Dockerfile the service builds, when it was found


def _built(project: Project, service: Service) -> Dockerfile | None:
    build = project.build_of(service.name)
    return build.dockerfile if build is not None else None


def _docker_lines(service: Service, df: Dockerfile) -> list[CommandLine]:
    """The image's ENTRYPOINT and CMD that still run under the service's compose overrides:
    compose ``entrypoint`` drops both, compose ``command`` replaces the CMD."""
    if service.get("entrypoint") is not None:
        return []
    docker = dockerfile_command(df)
    lines = [docker.entrypoint] if docker.entrypoint is not None else []
    if (
        service.get("command") is None
        and docker.cmd is not None
        and (docker.entrypoint is None or docker.entrypoint_exec)
    ):
        lines.append(docker.cmd)
    return lines


def _server(project: Project, service: Service) -> _Server | None:
    """The model server a service runs: from compose's command or image, else (a service that
    builds) from the Dockerfile's ENTRYPOINT/CMD or base image."""
    compose = project.compose
    df = _built(project, service)
    compose_args_ = [
        a
        for key in ("entrypoint", "command")
        for a in compose_args(service.get(key), compose.sources) or ()
    ]
    docker_args = [
        a for line in (_docker_lines(service, df) if df else []) for argv in line for a in argv
    ]
    args = docker_args + compose_args_ if service.get("entrypoint") is None else compose_args_
    kind, where = _service_kind(compose, service)
    if kind is not None and where is not None:
        return _Server(kind, where, (), args, df)
    if df is None:
        return None
    evidence: Arg | None = None
    sources = {df.path: df.lines}
    for line in _docker_lines(service, df):
        for argv in _open_shells(line, sources):
            found = classify_argv([a.value for a in argv])
            if found is not None and found[1] is not None:
                kind, evidence = found[1], argv[0]
                break
        if evidence is not None:
            break
    if evidence is None:
        image = base_image(df)
        found = classify_image(image)
        final = df.final_stage
        if found is None or found[1] is None or final is None:
            return None
        root = df.stage_chain(final)[-1]
        kind, evidence = found[1], Arg(image or "", root.image.text.span, df.path)
    assert kind is not None
    node = service.key_node("build") or service.key
    related = (Related(df.path, evidence.span, f"runs {_LABELS.get(kind, kind)}"),)
    return _Server(kind, Arg("build", node.span, node.path), related, args, df)


#: The variables that move each server's download folder (in the order that wins).
_HF_CACHE_VARS = ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "TRANSFORMERS_CACHE")
_CACHE_VARS_OF: dict[str, tuple[str, ...]] = {
    "tgi": _HF_CACHE_VARS,
    "tei": _HF_CACHE_VARS,
    "vllm": _HF_CACHE_VARS,
    "sglang": _HF_CACHE_VARS,
    "xinference": _HF_CACHE_VARS,
    "ollama": ("OLLAMA_MODELS",),
}
#: A RUN that puts weights into the image at build time: nothing is downloaded at start.
_BAKES_MODELS = lazy_pattern(
    r"huggingface-cli\s+download|\bhf\s+download|snapshot_download|from_pretrained"
    r"|ollama\s+pull"
)


def _bakes_models(df: Dockerfile) -> bool:
    final = df.final_stage
    if final is None:
        return False
    for stage in df.stage_chain(final):
        for instr in stage.of("RUN"):
            bodies = [instr.arguments.text, *(h.body for h in instr.heredocs)]
            if any(_BAKES_MODELS.search(b) for b in bodies):
                return True
    return False


def _image_cache(server: _Server, service: Service) -> tuple[tuple[str, str], ...] | None:
    """Where the built image moved the server's cache with ENV (HF_HOME, OLLAMA_MODELS): the
    paths, () when it did not, None when unknown (a variable, a relative path, compose sets
    the variable to something we cannot read), each with the variable that set it."""
    df = server.dockerfile
    if df is None:
        return ()
    names = _CACHE_VARS_OF.get(server.kind, ())
    env = dockerfile_env(df)
    compose_env = service.get("environment")
    paths = []
    for name in names:
        if isinstance(compose_env, YMap) and compose_env.get(name) is not None:
            return None  # compose sets it, but not to an absolute path we could read
        if name not in env:
            continue
        value = env[name][0]
        if value is None or not value.startswith("/"):
            return None
        paths.append((value, name))
    return tuple(paths)


@rule("ML509")
def model_cache_not_persisted(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.compose.services:
        if service.get("volumes_from") is not None:
            continue
        targets: list[str] = []
        unknown = False
        for v in volumes(service):
            if not v.known:
                unknown = True
            elif v.type != "tmpfs" and v.target:
                targets.append(v.target)
        if unknown:
            continue
        env = service.get("environment")
        from_env: list[tuple[str, str, YScalar]] = []
        if isinstance(env, YMap):
            for key, value in env.items:
                if key.text in _CACHE_ENV and isinstance(value, YScalar):
                    cache = text(value)
                    if cache and cache.startswith("/") and "$" not in cache:
                        from_env.append((key.text, cache, value))
        for name, path, node in from_env:
            if not _covered(path, targets):
                yield ctx.finding(
                    node.span,
                    f"services.{service.name} keeps its model cache in {path} ({name}) but "
                    "mounts no volume there: every re-created container downloads the "
                    "weights again (gigabytes, and a failure when the Hub is unreachable); "
                    "mount a named volume or a host cache folder at that path",
                    fix=f"volumes:\n  - model-cache:{path}\n# and at the top level:\n"
                    "volumes:\n  model-cache:",
                    path=node.path,
                )
        if from_env:
            continue
        server = _server(project, service)
        if server is None or server.kind not in _CACHE_DEFAULTS:
            continue
        if service.get("env_file") is not None:
            continue  # an env file may move the cache: unknown
        if service.get("build") is not None and server.dockerfile is None:
            continue  # the Dockerfile was not found: its ENV may move the cache
        if server.dockerfile is not None and _bakes_models(server.dockerfile):
            continue  # the weights are in the image
        defaults = _CACHE_DEFAULTS[server.kind]
        moved_by_image = _image_cache(server, service)
        if moved_by_image is None:
            continue
        source = ""
        if moved_by_image:
            defaults = tuple(path for path, _ in moved_by_image)
            source = f" (ENV {moved_by_image[0][1]} in its Dockerfile)"
        args = server.args
        model = _option(args, "--model", "--model-id", "--model-path")
        if model is not None and (model[1] or "").startswith(("/", "./")):
            continue  # weights from a local path: nothing is downloaded
        if any(a.value.startswith("/") and a.value.endswith((".gguf", ".bin")) for a in args):
            continue
        if any(
            a.value == "serve" and b.value.startswith(("/", "./"))
            for a, b in itertools.pairwise(args)
        ):
            continue  # vllm serve /models/x: a local model
        moved = _option(args, "--download-dir", "--huggingface-hub-cache")
        if moved is not None:
            if not moved[1] or not moved[1].startswith("/"):
                continue
            defaults, source = (moved[1],), ""
        if any(_covered(d, targets) for d in defaults):
            continue
        where = server.where
        runs = "runs" if not server.related else "builds an image that runs"
        yield ctx.finding(
            where.span,
            f"services.{service.name} {runs} {_LABELS.get(server.kind, server.kind)}, which "
            f"downloads model weights to {defaults[0]}{source}, and mounts no volume there: every "
            "re-created container downloads them again (gigabytes, minutes of start-up, a "
            "failure when the Hub is unreachable); mount a named volume at that path",
            fix=f"volumes:\n  - model-cache:{defaults[0]}\n# and at the top level:\n"
            "volumes:\n  model-cache:",
            related=server.related,
            path=where.path,
        )


_LABELS = {
    "tgi": "Text Generation Inference",
    "tei": "Text Embeddings Inference",
    "vllm": "vLLM",
    "sglang": "SGLang",
    "ollama": "Ollama",
    "localai": "LocalAI",
    "xinference": "Xinference",
    "triton": "Triton Inference Server",
    "torchserve": "TorchServe",
    "llamacpp": "the llama.cpp server",
}


# --------------------------------------------------------------------------- ML511

_LEGACY_ENV = {
    "TRANSFORMERS_CACHE": "HF_HUB_CACHE",
    "PYTORCH_TRANSFORMERS_CACHE": "HF_HUB_CACHE",
    "PYTORCH_PRETRAINED_BERT_CACHE": "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE": "HF_HUB_CACHE",
    "HUGGING_FACE_HUB_TOKEN": "HF_TOKEN",
}


@rule("ML511")
def legacy_hf_cache_env_compose(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        env = service.get("environment")
        if not isinstance(env, YMap):
            continue
        names = set(env.keys())
        for key, _ in env.items:
            new = _LEGACY_ENV.get(key.text)
            if new is None or new in names:
                continue  # both set: kept on purpose for older tools
            if new == "HF_HUB_CACHE" and "HF_HOME" in names:
                continue
            yield ctx.finding(
                key.span,
                f"services.{service.name}.environment.{key.text} is the deprecated name of "
                f"{new}: huggingface_hub and transformers still read it but warn, and newer "
                f"tools read only {new}, so the setting can silently stop applying; rename it",
                fix=f"{new}: …  (same value)",
                path=key.path,
            )


# --------------------------------------------------------------------------- ML621

#: (test, port) for each model server; the port is the one it listens on in its image.
_HEALTH: dict[str, tuple[str, str]] = {
    "tgi": ('["CMD", "curl", "-fsS", "http://localhost:{port}/health"]', "80"),
    "tei": ('["CMD", "curl", "-fsS", "http://localhost:{port}/health"]', "80"),
    "vllm": (
        '["CMD", "python3", "-c", "import urllib.request as u; '
        "u.urlopen('http://localhost:{port}/health')\"]",
        "8000",
    ),
    "sglang": ('["CMD", "curl", "-fsS", "http://localhost:{port}/health"]', "30000"),
    "triton": ('["CMD", "curl", "-fsS", "http://localhost:{port}/v2/health/ready"]', "8000"),
    "torchserve": ('["CMD", "curl", "-fsS", "http://localhost:{port}/ping"]', "8080"),
    "ollama": ('["CMD", "ollama", "list"]', "11434"),
    "xinference": ('["CMD", "curl", "-fsS", "http://localhost:{port}/v1/models"]', "9997"),
}
#: Images that define their own HEALTHCHECK (a compose service inherits it).
_OWN_HEALTHCHECK = frozenset({"localai", "llamacpp"})
_MIN_START = 60.0
#: Failed probes tolerated (interval x retries, Docker's defaults 30s x 3) that cover a load.
_ENOUGH_TOLERANCE = 300.0


class _Setting(NamedTuple):
    """One healthcheck setting: compose's key or the Dockerfile HEALTHCHECK's flag."""

    value: str | None
    span: Span
    path: str
    unknown: bool


def _compose_setting(hc: YMap | None, key: str) -> _Setting | None:
    node = hc.get(key) if hc is not None else None
    if node is None:
        return None
    return _Setting(text(node), node.span, node.path, is_unknown(node))


def _docker_setting(instr: Instruction | None, path: str, name: str) -> _Setting | None:
    flag = instr.flag(name) if instr is not None else None
    if flag is None:
        return None
    return _Setting(flag.value, flag.span, path, flag.value is None or "$" in flag.value)


def _docker_healthcheck(df: Dockerfile | None) -> Instruction | None:
    """The HEALTHCHECK the built image ships: the last one of its stage or the nearest parent."""
    final = df.final_stage if df is not None else None
    if df is None or final is None:
        return None
    for stage in df.stage_chain(final):
        found = [i for i in stage.instructions if i.keyword == "HEALTHCHECK"]
        if found:
            return found[-1]
    return None


def _tolerance(interval: _Setting | None, retries: _Setting | None) -> float:
    """Seconds of failing probes before the container is unhealthy, start_period excluded."""
    if (interval is not None and interval.unknown) or (retries is not None and retries.unknown):
        return _ENOUGH_TOLERANCE
    seconds = parse_duration((interval.value if interval is not None else None) or "30s")
    count = (retries.value if retries is not None else None) or "3"
    if seconds is None or not count.strip().isdigit():
        return _ENOUGH_TOLERANCE  # unknown: not judged
    return seconds * int(count)


def _port_arg(args: Sequence[Arg], default: str) -> str:
    found = _option(args, "--port", "--http-port")
    return found[1] if found is not None and found[1] and found[1].isdigit() else default


def _insert_healthcheck(service: Service, block: str) -> Autofix | None:
    """``block`` as the service's first key, at the indentation of its keys. Unsafe: the
    endpoint and the start period are guesses about this deployment. Only for a service
    written as a block mapping right below its name in one file (not a flow mapping, not a
    service whose first keys come from an anchor)."""
    node, key = service.node, service.key
    if node.path != key.path or node.span.line <= key.span.line:
        return None
    if node.span.column <= key.span.column:
        return None
    indent = " " * (node.span.column - 1)
    text = "".join(f"{indent}{line}\n" for line in block.splitlines())
    edit = Edit(Span(node.span.line, 1, node.span.line, 1), "", text, node.path)
    return fix("add a healthcheck on the readiness endpoint", edit, safe=False)


@rule("ML621")
def model_server_healthcheck(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    reported: set[tuple[str, int, int]] = set()  # Dockerfile lines, shared by services
    for service in project.compose.services:
        server = _server(project, service)
        if server is None:
            continue
        kind, where = server.kind, server.where
        if kind not in _HEALTH and kind not in _LABELS:
            continue
        label = _LABELS.get(kind, kind)
        test_tpl, default_port = _HEALTH.get(
            kind, ('["CMD", "curl", "-fsS", "http://localhost:{port}/health"]', "8080")
        )
        test = test_tpl.replace("{port}", _port_arg(server.args, default_port))
        fix = (
            f"healthcheck:\n  test: {test}\n  interval: 30s\n  timeout: 10s\n"
            "  retries: 5\n  start_period: 10m"
        )
        hc = service.get("healthcheck")
        df = server.dockerfile
        docker_hc = _docker_healthcheck(df)
        df_path = df.path if df is not None else ""
        if hc is None and docker_hc is None:
            if service.get("build") is not None and df is None:
                continue  # the Dockerfile was not found: it may define a HEALTHCHECK
            if kind in _OWN_HEALTHCHECK:
                continue  # the image defines a HEALTHCHECK
            runs = (
                f"runs {label} without a healthcheck"
                if df is None
                else f"runs {label} without a healthcheck (in compose or the Dockerfile)"
            )
            if server.related:
                runs = "builds an image that " + runs
            yield ctx.finding(
                where.span,
                f"services.{service.name} {runs}: loading the weights takes minutes, during "
                "which the container is 'running' but answers nothing, so depends_on, load "
                "balancers and restarts act on a server that is not ready; add a healthcheck "
                "on its readiness endpoint with a long start_period",
                fix=fix,
                related=server.related,
                path=where.path,
                autofix=_insert_healthcheck(service, fix),
            )
            continue
        if hc is not None and not isinstance(hc, YMap):
            continue
        disable = hc.get("disable") if hc is not None else None
        test_node = hc.get("test") if hc is not None else None
        none_test = isinstance(test_node, YSeq) and [text(i) for i in test_node.items] == ["NONE"]
        if (disable is not None and truthy(disable)) or none_test:
            node = disable if disable is not None and truthy(disable) else test_node
            assert node is not None
            yield ctx.finding(
                node.span,
                f"services.{service.name} turns the healthcheck of {label} off: nothing can "
                "tell a server that is still loading weights (or hung) from a ready one",
                fix=fix,
                path=node.path,
                severity=Severity.INFO,
            )
            continue
        docker_words = docker_hc.words if docker_hc is not None else ()
        if (
            test_node is None
            and docker_hc is not None
            and docker_words[:1]
            and docker_words[0].text.upper() == "NONE"
        ):
            spot = (df_path, docker_hc.span.line, docker_hc.span.column)
            if spot not in reported:
                reported.add(spot)
                yield ctx.finding(
                    docker_hc.keyword_span,
                    f"services.{service.name} runs {label} from an image whose "
                    "HEALTHCHECK NONE turns the healthcheck off: nothing can tell a server "
                    "that is still loading weights (or hung) from a ready one",
                    fix=fix,
                    path=df_path,
                    severity=Severity.INFO,
                )
            continue
        # Docker merges the two field by field: compose's settings win, the image's fill in.
        hc_map = hc if isinstance(hc, YMap) else None
        start = _compose_setting(hc_map, "start_period") or _docker_setting(
            docker_hc, df_path, "start-period"
        )
        interval = _compose_setting(hc_map, "interval") or _docker_setting(
            docker_hc, df_path, "interval"
        )
        retries = _compose_setting(hc_map, "retries") or _docker_setting(
            docker_hc, df_path, "retries"
        )
        if _tolerance(interval, retries) >= _ENOUGH_TOLERANCE:
            continue  # interval x retries alone covers minutes of loading
        if start is None:
            if kind in _OWN_HEALTHCHECK and test_node is None and docker_hc is None:
                continue
            if hc_map is not None:
                key = service.key_node("healthcheck") or service.key
                yield ctx.finding(
                    key.span,
                    f"services.{service.name} has a healthcheck without start_period: {label} "
                    "loads weights for minutes, and failed checks during that time count "
                    "towards 'retries', so the container is marked unhealthy (and restarted by "
                    "an orchestrator) before it ever served; set start_period to the "
                    "worst-case load time",
                    fix="start_period: 10m",
                    path=key.path,
                )
                continue
            assert docker_hc is not None
            spot = (df_path, docker_hc.span.line, docker_hc.span.column)
            if spot in reported:
                continue
            reported.add(spot)
            yield ctx.finding(
                docker_hc.keyword_span,
                f"services.{service.name} runs {label} from an image whose HEALTHCHECK has no "
                "--start-period: the server loads weights for minutes, and failed checks "
                "during that time count towards --retries, so the container is marked "
                "unhealthy (and restarted by an orchestrator) before it ever served; set "
                "--start-period to the worst-case load time",
                fix="HEALTHCHECK --start-period=10m --interval=30s --retries=5 CMD …",
                path=df_path,
            )
            continue
        if start.unknown:
            continue
        seconds = parse_duration(start.value or "")
        if seconds is None or seconds >= _MIN_START:
            continue
        spot = (start.path, start.span.line, start.span.column)
        if start.path == df_path and spot in reported:
            continue
        reported.add(spot)
        where_set = "start_period" if start.path != df_path else "--start-period"
        yield ctx.finding(
            start.span,
            f"services.{service.name} gives {label} a {where_set} of {start.value}: "
            "loading model weights usually takes longer, so the container is marked "
            f"unhealthy before it served; set {where_set} to the worst-case load time "
            "(minutes for large models)",
            fix="start_period: 10m" if start.path != df_path else "--start-period=10m",
            path=start.path,
        )
