"""What a container is for: training, serving, a notebook, or unknown, and which server it runs.

Rules weigh the same fact differently by role (a devel image is fine for a training job, not
for a model server), and several need the server kind (Jupyter's token flags, TGI's cache
folder). The role comes from the strongest evidence available, in this order: the command that
runs (compose ``entrypoint``/``command``, else the Dockerfile's ENTRYPOINT/CMD), the image
name, then the packages the Dockerfile installs. Everything here is a cheap pure function of
the models; nothing reads files.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple, Protocol

from mllint.model.compose import Service, is_unknown, items, text
from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.span import Span
from mllint.model.yaml import YMap, YScalar, YSeq
from mllint.patterns import lazy_pattern

TRAINING = "training"
SERVING = "serving"
NOTEBOOK = "notebook"
UNKNOWN = "unknown"


class Role(NamedTuple):
    """A service's role, the server it runs (``"vllm"``, ``"jupyter"``; None when not known)
    and what told us (``"command"``, ``"Dockerfile CMD"``, ``"image"``, ``"packages"``)."""

    role: str
    kind: str | None = None
    evidence: str | None = None


class Arg(NamedTuple):
    """One word of a command line with the place it was written."""

    value: str
    span: Span
    path: str


#: A command line as a list of simple commands (``a && b`` is two).
CommandLine = tuple[tuple[Arg, ...], ...]

# --------------------------------------------------------------------------- argv -> role

#: Programs that run the command after their own options: (name, options taking a value).
_WRAPPERS: dict[str, frozenset[str]] = {
    "exec": frozenset(),
    "nohup": frozenset(),
    "tini": frozenset({"-s", "-p", "-e"}),
    "dumb-init": frozenset({"-r", "--rewrite"}),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "nice": frozenset({"-n"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "time": frozenset(),
    "catatonit": frozenset(),
}
_USER_WRAPPERS = frozenset({"gosu", "su-exec"})  # take a user first
_RUNNERS = {  # "<tool> run [opts] cmd"
    "conda": frozenset({"-n", "--name", "-p", "--prefix"}),
    "mamba": frozenset({"-n", "--name", "-p", "--prefix"}),
    "micromamba": frozenset({"-n", "--name", "-p", "--prefix"}),
    "uv": frozenset({"--with", "--python", "-p", "--project", "--directory", "--env-file"}),
    "poetry": frozenset(),
    "pipenv": frozenset(),
    "pixi": frozenset({"-e", "--environment"}),
}
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_PYTHON = lazy_pattern(r"^python(\d+(\.\d+)*)?$")

#: Programs that say what the container is, whatever their arguments.
_PROGRAMS: dict[str, tuple[str, str | None]] = {
    "torchrun": (TRAINING, None),
    "deepspeed": (TRAINING, None),
    "horovodrun": (TRAINING, None),
    "composer": (TRAINING, None),
    "axolotl": (TRAINING, None),
    "text-generation-launcher": (SERVING, "tgi"),
    "text-embeddings-router": (SERVING, "tei"),
    "tritonserver": (SERVING, "triton"),
    "torchserve": (SERVING, "torchserve"),
    "uvicorn": (SERVING, None),
    "gunicorn": (SERVING, None),
    "hypercorn": (SERVING, None),
    "llama-server": (SERVING, "llamacpp"),
    "local-ai": (SERVING, "localai"),
    "xinference-local": (SERVING, "xinference"),
    "jupyter-lab": (NOTEBOOK, "jupyter"),
    "jupyter-notebook": (NOTEBOOK, "jupyter"),
    "jupyter-server": (NOTEBOOK, "jupyter"),
    "start-notebook.sh": (NOTEBOOK, "jupyter"),
    "start-notebook.py": (NOTEBOOK, "jupyter"),
    "start-singleuser.sh": (NOTEBOOK, "jupyter"),
    "start-singleuser.py": (NOTEBOOK, "jupyter"),
    "tensorboard": (UNKNOWN, "tensorboard"),
}
#: ``python -m <module>`` (prefix match on dotted names).
_MODULES: tuple[tuple[str, tuple[str, str | None]], ...] = (
    ("vllm.entrypoints", (SERVING, "vllm")),
    ("sglang.launch_server", (SERVING, "sglang")),
    ("llama_cpp.server", (SERVING, "llamacpp")),
    ("torch.distributed.run", (TRAINING, None)),
    ("torch.distributed.launch", (TRAINING, None)),
    ("accelerate.commands.launch", (TRAINING, None)),
    ("deepspeed.launcher", (TRAINING, None)),
    ("jupyterlab", (NOTEBOOK, "jupyter")),
    ("jupyter", (NOTEBOOK, "jupyter")),
    ("notebook", (NOTEBOOK, "jupyter")),
    ("uvicorn", (SERVING, None)),
    ("gunicorn", (SERVING, None)),
    ("tensorboard", (UNKNOWN, "tensorboard")),
    ("mlflow", (UNKNOWN, "mlflow")),
    ("streamlit", (SERVING, "streamlit")),
)
_TRAIN_SCRIPT = lazy_pattern(r"^(train|finetune|fine_tune|pretrain|sft|dpo)[\w.-]*\.py$", re.I)
_SERVE_SCRIPT = lazy_pattern(r"^(serve|server|serving|api_server)[\w.-]*\.py$", re.I)


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _strip_wrappers(argv: Sequence[str]) -> Sequence[str]:
    """The argv that really runs after ``exec``, ``tini --``, ``env X=1``, ``conda run -n x``."""
    i = 0
    for _ in range(8):  # wrappers nest a few levels at most
        if i >= len(argv):
            return ()
        name = _base(argv[i])
        if name == "env":
            i += 1
            while i < len(argv) and ("=" in argv[i] or argv[i].startswith("-")):
                i += 1
        elif name in _WRAPPERS:
            takes = _WRAPPERS[name]
            i += 1
            if name in _USER_WRAPPERS and i < len(argv):
                i += 1
            while i < len(argv) and argv[i].startswith("-"):
                i += 2 if argv[i] in takes else 1
                if argv[i - 1] == "--":
                    break
        elif name in _RUNNERS and i + 1 < len(argv) and argv[i + 1] == "run":
            takes = _RUNNERS[name]
            i += 2
            while i < len(argv) and argv[i].startswith("-"):
                i += 2 if argv[i] in takes else 1
        else:
            break
    return argv[i:]


def classify_argv(argv: Sequence[str]) -> tuple[str, str | None] | None:
    """(role, kind) of one simple command, or None when it says nothing about the role."""
    argv = _strip_wrappers(argv)
    if not argv:
        return None
    name = _base(argv[0])
    rest = argv[1:]
    sub = next((a for a in rest if not a.startswith("-")), "")
    if name in _PROGRAMS:
        return _PROGRAMS[name]
    if _PYTHON.match(name):
        return _python(rest)
    if name == "accelerate":
        return (TRAINING, None) if sub == "launch" else None
    if name in ("tune", "llamafactory-cli"):
        return (TRAINING, None) if sub in ("run", "train") else None
    if name == "vllm":
        return (SERVING, "vllm") if sub == "serve" else None
    if name == "ollama":
        return (SERVING, "ollama") if sub == "serve" else None
    if name == "jupyter":
        return (NOTEBOOK, "jupyter") if sub in ("lab", "notebook", "server", "nbclassic") else None
    if name == "mlflow":
        if sub == "models":
            return SERVING, "mlflow"
        return (UNKNOWN, "mlflow") if sub in ("server", "ui") else None
    if name == "ray":
        return (UNKNOWN, "ray") if sub == "start" else None
    if name == "serve" and sub == "run":
        return SERVING, "ray"
    if name == "streamlit":
        return (SERVING, "streamlit") if sub == "run" else None
    if name == "gradio":
        return SERVING, "gradio"
    if name in ("xinference", "bentoml", "litserve"):
        return (SERVING, "xinference" if name == "xinference" else None) if sub else None
    if name in ("server", "llama-cpp-server") and any(a in ("-m", "--model") for a in rest):
        return SERVING, "llamacpp"  # llama.cpp's server binary in its :server images
    return None


def _python(rest: Sequence[str]) -> tuple[str, str | None] | None:
    i = 0
    while i < len(rest) and rest[i].startswith("-") and rest[i] != "-m":
        i += 2 if rest[i] in ("-W", "-X") else 1
    if i >= len(rest):
        return None
    if rest[i] == "-m":
        module = rest[i + 1] if i + 1 < len(rest) else ""
        for prefix, found in _MODULES:
            if module == prefix or module.startswith(prefix + "."):
                return found
        return classify_argv([module.rsplit(".", 1)[-1], *rest[i + 2 :]])
    script = _base(rest[i])
    if _TRAIN_SCRIPT.match(script):
        return TRAINING, None
    if _SERVE_SCRIPT.match(script):
        return SERVING, None
    return None


def classify_commands(commands: Iterable[Sequence[str]]) -> tuple[str, str | None] | None:
    """The role of a command line: the last simple command that says something (the server a
    start script ends with), looking into ``sh -c "…"``."""
    found = None
    for argv in commands:
        for inner in _expand(argv):
            hit = classify_argv(inner)
            if hit is not None:
                found = hit
    return found


def _expand(argv: Sequence[str]) -> Iterator[Sequence[str]]:
    """``sh -c "a && b"`` -> a, b; anything else -> itself."""
    real = _strip_wrappers(argv)
    if len(real) >= 3 and _base(real[0]) in _SHELLS:
        for j, a in enumerate(real[1:], 1):
            if a.startswith("-") and "c" in a.lstrip("-") and j + 1 < len(real):
                yield from split_script(real[j + 1])
                return
    yield argv


def split_script(script: str) -> list[list[str]]:
    """A shell string split into simple commands (``;``, ``&&``, ``||``, ``|``, newlines)."""
    out: list[list[str]] = []
    try:
        lexer = shlex.shlex(script.replace("\\\n", " "), posix=True, punctuation_chars=";&|\n")
        lexer.whitespace = " \t\r"
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        for token in lexer:
            if token and set(token) <= set(";&|\n"):
                if current:
                    out.append(current)
                current = []
            else:
                current.append(token)
        if current:
            out.append(current)
    except ValueError:  # an unclosed quote: fall back to words
        out = [script.split()]
    return out


# --------------------------------------------------------------------------- image -> role

_IMAGES: tuple[tuple[re.Pattern[str], tuple[str, str | None]], ...] = tuple(
    (lazy_pattern(p), r)
    for p, r in (
        (r"(^|/)vllm/vllm-openai$|(^|/)vllm-openai$", (SERVING, "vllm")),
        (r"huggingface/text-generation-inference$", (SERVING, "tgi")),
        (r"huggingface/text-embeddings-inference$", (SERVING, "tei")),
        (r"nvidia/tritonserver$", (SERVING, "triton")),
        (r"(^|/)(pytorch/)?torchserve(-nightly)?$", (SERVING, "torchserve")),
        (r"(^|/)ollama/ollama$", (SERVING, "ollama")),
        (r"(^|/)(localai/localai|go-skynet/local-ai)$", (SERVING, "localai")),
        (r"(^|/)xprobe/xinference$", (SERVING, "xinference")),
        (r"(ggerganov|ggml-org)/llama\.cpp$", (SERVING, "llamacpp")),
        (r"(^|/)lmsysorg/sglang$", (SERVING, "sglang")),
        (r"(^|/)jupyter/[\w.-]*notebook$", (NOTEBOOK, "jupyter")),
        (r"(^|/)jupyterhub/singleuser$", (NOTEBOOK, "jupyter")),
        (r"(^|/)cschranz/gpu-jupyter$", (NOTEBOOK, "jupyter")),
        (r"(^|/)mlflow/mlflow$", (UNKNOWN, "mlflow")),
        (r"(^|/)rayproject/ray(-ml)?$", (UNKNOWN, "ray")),
    )
)


def classify_image(image: str | None) -> tuple[str, str | None] | None:
    """(role, kind) from an image reference such as ``ghcr.io/huggingface/tgi:2.4``."""
    if not image:
        return None
    ref = image.split("@", 1)[0]
    name, tag = ref, ""
    if ":" in ref.rsplit("/", 1)[-1]:
        name, tag = ref.rsplit(":", 1)
    name = name.lower()
    for pattern, found in _IMAGES:
        if pattern.search(name):
            if found[1] == "llamacpp" and "server" not in tag:
                return None  # llama.cpp's :full and :light images are CLIs
            return found
    if name.endswith("tensorflow/tensorflow") and "jupyter" in tag:
        return NOTEBOOK, "jupyter"
    return None


# --------------------------------------------------------------------------- packages -> role

_PACKAGES: dict[str, tuple[str, str | None]] = {
    "vllm": (SERVING, "vllm"),
    "text-generation": (SERVING, "tgi"),
    "torchserve": (SERVING, "torchserve"),
    "tritonclient": (SERVING, "triton"),
    "jupyterlab": (NOTEBOOK, "jupyter"),
    "notebook": (NOTEBOOK, "jupyter"),
    "deepspeed": (TRAINING, None),
}
_NAME = lazy_pattern(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def classify_packages(names: Iterable[str]) -> tuple[str, str | None] | None:
    """(role, kind) from installed pip packages; weak evidence, used when nothing else tells."""
    for raw in names:
        m = _NAME.match(raw)
        if m is not None and (found := _PACKAGES.get(m.group(0).lower().replace("_", "-"))):
            return found
    return None


# --------------------------------------------------------------------------- models


def _exec_or_shell(instr: Instruction, path: str) -> CommandLine:
    """The commands of a CMD or ENTRYPOINT: exec form as is, shell form as ``sh -c`` runs it."""
    if instr.exec_form is not None:
        argv = tuple(Arg(w.text, w.span, path) for w in instr.exec_form)
        return (argv,)
    return _shell_commands(instr.arguments.text, instr.arguments.span, path, instr)


def _shell_commands(script: str, span: Span, path: str, instr: Instruction | None) -> CommandLine:
    from mllint.parsers.shell import parse_shell

    parsed = parse_shell(script, instr.source if instr is not None else None)
    out = []
    for command in parsed.commands:
        words = tuple(
            Arg(w.value, w.span if instr is not None else span, path) for w in command.argv
        )
        if words:
            out.append(words)
    return tuple(out)


class DockerCommand(NamedTuple):
    """The final stage's ENTRYPOINT and CMD as the image runs them (CMD is reset by a later
    ENTRYPOINT, as Docker does)."""

    entrypoint: CommandLine | None
    cmd: CommandLine | None
    entrypoint_exec: bool  # ENTRYPOINT in exec form: CMD becomes its arguments


def dockerfile_command(df: Dockerfile) -> DockerCommand:
    final = df.final_stage
    if final is None:
        return DockerCommand(None, None, False)
    entry: Instruction | None = None
    cmd: Instruction | None = None
    for stage in reversed(df.stage_chain(final)):
        for instr in stage.instructions:
            if instr.keyword == "ENTRYPOINT":
                entry, cmd = instr, None
            elif instr.keyword == "CMD":
                cmd = instr
    return DockerCommand(
        _exec_or_shell(entry, df.path) if entry is not None else None,
        _exec_or_shell(cmd, df.path) if cmd is not None else None,
        entry is not None and entry.exec_form is not None,
    )


def dockerfile_env(df: Dockerfile) -> dict[str, tuple[str | None, Span]]:
    """ENV of the final stage (with its parents'): name -> (value or None if unknown, span)."""
    final = df.final_stage
    env: dict[str, tuple[str | None, Span]] = {}
    if final is None:
        return env
    for stage in reversed(df.stage_chain(final)):
        for instr in stage.of("ENV"):
            for kv in instr.pairs:
                env[kv.key.text] = (kv.resolved, kv.span)
    return env


def compose_args(
    node: object, sources: dict[str, tuple[str, ...]] | None = None
) -> tuple[Arg, ...] | None:
    """A compose ``command``/``entrypoint`` as argv: a list as written, a string split as Compose
    splits it (shell words, no shell). Words of a string point at themselves when the source
    lines are given. None when absent or unknown."""
    if isinstance(node, YSeq):
        out = []
        for item in node.items:
            if not isinstance(item, YScalar) or is_unknown(item):
                return None
            out.append(Arg(text(item) or "", item.span, item.path))
        return tuple(out)
    if not isinstance(node, YScalar) or is_unknown(node):
        return None
    value = text(node)
    if value is None:
        return None
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    lines = (sources or {}).get(node.path, ())
    return tuple(locate_words(words, node, lines))


class _Placed(Protocol):
    @property
    def span(self) -> Span: ...

    @property
    def path(self) -> str: ...


def locate_words(words: list[str], node: _Placed, lines: Sequence[str]) -> Iterator[Arg]:
    """Find each word in the source text of ``node`` (a scalar, a shell argument), in order;
    the node's span for a word not found there."""
    span = node.span
    pos = (span.line, span.column - 1)
    for word in words:
        found = None
        line, col = pos
        while line <= span.end_line and line - 1 < len(lines) and word:
            text_line = lines[line - 1]
            stop = span.end_column - 1 if line == span.end_line else len(text_line)
            at = text_line.find(word, col, stop)
            if at >= 0:
                found = (line, at)
                break
            line, col = line + 1, 0
        if found is None:
            yield Arg(word, span, node.path)
            continue
        line, at = found
        yield Arg(word, Span(line, at + 1, line, at + 1 + len(word)), node.path)
        pos = (line, at + len(word))


def effective_command(
    service: Service,
    dockerfile: Dockerfile | None,
    sources: dict[str, tuple[str, ...]] | None = None,
) -> tuple[CommandLine, str] | None:
    """The command line a service runs and where it came from (``"command"`` when compose
    writes the program, ``"Dockerfile CMD"``); None when it cannot be told."""
    entry = compose_args(service.get("entrypoint"), sources)
    command = compose_args(service.get("command"), sources)
    if entry:
        return ((entry + (command or ())),), "command"
    docker = dockerfile_command(dockerfile) if dockerfile is not None else None
    if command:
        if docker is not None and docker.entrypoint is not None:
            if docker.entrypoint_exec:
                return ((docker.entrypoint[0] + command),), "command"
            return docker.entrypoint, "Dockerfile ENTRYPOINT"
        return (command,), "command"
    if docker is None:
        return None
    if docker.entrypoint is not None:
        if docker.entrypoint_exec and docker.cmd is not None and len(docker.cmd) == 1:
            return ((docker.entrypoint[0] + docker.cmd[0]),), "Dockerfile ENTRYPOINT"
        return docker.entrypoint, "Dockerfile ENTRYPOINT"
    if docker.cmd is not None:
        return docker.cmd, "Dockerfile CMD"
    return None


def dockerfile_role(df: Dockerfile) -> Role:
    """The role of the image a Dockerfile builds (its final stage)."""
    docker = dockerfile_command(df)
    candidates: list[tuple[CommandLine, str]] = []
    if docker.entrypoint is not None:
        line = docker.entrypoint
        if docker.entrypoint_exec and docker.cmd is not None and len(docker.cmd) == 1:
            line = ((docker.entrypoint[0] + docker.cmd[0]),)
        candidates.append((line, "Dockerfile ENTRYPOINT"))
    if docker.cmd is not None:  # an entrypoint script that ends in exec "$@" runs the CMD
        candidates.append((docker.cmd, "Dockerfile CMD"))
    for line, evidence in candidates:
        found = classify_commands([a.value for a in argv] for argv in line)
        if found is not None:
            return Role(found[0], found[1], evidence)
    return _image_or_packages(df, None)


def _image_or_packages(df: Dockerfile | None, image: str | None) -> Role:
    found = classify_image(image)
    if found is not None:
        return Role(found[0], found[1], "image")
    if df is None:
        return Role(UNKNOWN)
    final = df.final_stage
    if final is not None:
        root = df.stage_chain(final)[-1].image
        found = classify_image(root.resolved)
        if found is not None:
            return Role(found[0], found[1], "base image")
    found = classify_packages(_pip_packages(df))
    if found is not None:
        return Role(found[0], found[1], "packages")
    return Role(UNKNOWN)


def _pip_packages(df: Dockerfile) -> Iterator[str]:
    from mllint.parsers.commands import package_installs

    final = df.final_stage
    if final is None:
        return
    for stage in df.stage_chain(final):
        for instr in stage.of("RUN"):
            for script in instr.scripts:
                for install in package_installs(script):
                    if install.manager in ("pip", "uv", "conda"):
                        yield from (w.value for w in install.packages)


def service_role(
    service: Service,
    dockerfile: Dockerfile | None = None,
    sources: dict[str, tuple[str, ...]] | None = None,
) -> Role:
    """The role of a compose service: its command, else its image (``image:`` or the Dockerfile
    it builds, which the caller parsed), else the packages that Dockerfile installs."""
    found_command = effective_command(service, dockerfile, sources)
    if found_command is not None:
        line, evidence = found_command
        found = classify_commands([a.value for a in argv] for argv in line)
        if found is not None:
            return Role(found[0], found[1], evidence)
    image = text(service.get("image")) if service.get("build") is None else None
    role = _image_or_packages(dockerfile, image)
    if role.role == UNKNOWN and role.kind is None and image is None:
        found = classify_image(text(service.get("image")))
        if found is not None:
            return Role(found[0], found[1], "image")
    return role


def environment_map(service: Service) -> dict[str, YScalar | None]:
    """The service's ``environment`` as name -> value node (None for ``- NAME`` or null)."""
    env = service.get("environment")
    out: dict[str, YScalar | None] = {}
    if isinstance(env, YMap):
        for key, value in env.items:
            out[key.text] = value if isinstance(value, YScalar) else None
    for item in items(env):  # the loader turns lists into maps; kept for robustness
        if isinstance(item, YScalar) and item.value is not None:
            name, _, _ = item.text.partition("=")
            out.setdefault(name, item)
    return out
