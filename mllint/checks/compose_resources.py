"""ML307-ML312: compose resource settings (CPU, PIDs, ulimits, limits that contradict each other,
restart policies) for training jobs and model servers.

ML302 (no memory limit) lives in resources.py; these rules only add what it does not say."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from mllint.checks.compose_walk import once
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related, Severity
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, Service, is_unknown, items, text
from mllint.model.span import Located
from mllint.model.yaml import YMap, YNode, YScalar, YSeq
from mllint.parsers.compose_syntax import parse_size
from mllint.parsers.dockerfile import split_reference
from mllint.patterns import lazy_pattern


def _number(node: YNode | None) -> float | None:
    """A known number (``1.5``, ``"1.5"``, ``${CPUS:-2}`` -> 2.0); None when absent or unknown."""
    value = text(node)
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


def _int(node: YNode | None) -> int | None:
    n = _number(node)
    return int(n) if n is not None and n == int(n) else None


def _size(node: YNode | None) -> int | None:
    if not isinstance(node, YScalar) or is_unknown(node):
        return None
    return parse_size(node.value)


def _set(node: YNode | None) -> bool:
    """Present with a value, known or not (an unknown ``${VAR}`` counts as set)."""
    return node is not None and (is_unknown(node) or text(node) not in (None, ""))


# --------------------------------------------------------------------------- ML307


@rule("ML307")
def no_cpu_limit(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        if any(_set(service.get(k)) for k in ("cpus", "cpu_quota", "cpuset", "cpu_count")) or _set(
            service.at("deploy", "resources", "limits", "cpus")
        ):
            continue
        yield ctx.finding(
            service.key.span,
            f"services.{service.name} has no CPU limit: a data loader with many workers, "
            "tokenisation or a CPU fallback of the model can take every core of the host and "
            "starve the other services (the model server's request handling, the GPU feeders "
            "of a training job); set deploy.resources.limits.cpus (or cpus)",
            fix="deploy:\n  resources:\n    limits:\n      cpus: '8'",
            path=service.key.path,
        )


# --------------------------------------------------------------------------- ML308 / ML309


def _pids_nodes(service: Service) -> list[YNode]:
    return [
        n
        for n in (service.get("pids_limit"), service.at("deploy", "resources", "limits", "pids"))
        if n is not None
    ]


@rule("ML308")
def no_pids_limit(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        if any(_set(n) for n in _pids_nodes(service)):
            continue
        yield ctx.finding(
            service.key.span,
            f"services.{service.name} has no PID limit: a runaway fork loop (a DataLoader "
            "re-spawning workers, a script that starts subprocesses in a retry loop) can fill "
            "the host's process table and stop every container on it; set pids_limit (high "
            "enough for the threads of torch and the data loader workers, e.g. 4096)",
            fix="pids_limit: 4096",
            path=service.key.path,
        )


@rule("ML309")
def pids_limit_unlimited(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    seen: set[tuple[str, int, int]] = set()
    for service in project.services:
        for node in _pids_nodes(service):
            value = _int(node)
            if value is None or value > 0 or not once(seen, node):
                continue
            where = (
                "pids_limit"
                if node is service.get("pids_limit")
                else "deploy.resources.limits.pids"
            )
            yield ctx.finding(
                node.span,
                f"services.{service.name}.{where} is {value}, which means no limit on "
                "processes: a fork loop in this container can exhaust the host's PIDs and "
                "every other container with it; if a limit was too low for torch's threads "
                "and the data loader workers, raise it to a high finite number instead",
                fix="pids_limit: 4096  # or higher; threads count as PIDs",
                path=node.path,
            )


# --------------------------------------------------------------------------- ML310

#: The kernel's default fs.nr_open: the highest nofile a process may set without a host change.
NR_OPEN = 1048576
#: The kernel's ceiling for fs.nr_open (systemd raises nr_open to about this at boot).
NR_OPEN_MAX = 2147483584


def _ulimit_pair(node: YNode) -> tuple[YNode | None, YNode | None]:
    """(soft, hard) nodes of a ``ulimits`` entry: ``nofile: 65536`` or ``{soft, hard}``."""
    if isinstance(node, YMap):
        return node.get("soft"), node.get("hard")
    return node, node


@rule("ML310")
def ulimit_out_of_range(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    seen: set[tuple[str, int, int]] = set()
    for service in project.services:
        ulimits = service.get("ulimits")
        if not isinstance(ulimits, YMap):
            continue
        for key, entry in ulimits.items:
            soft_node, hard_node = _ulimit_pair(entry)
            if key.text == "nofile":
                hit = _nofile(service, soft_node, hard_node, seen, ctx)
                if hit is not None:
                    yield hit
                    continue
            hit = _soft_above_hard(service, key.text, soft_node, hard_node, seen, ctx)
            if hit is not None:
                yield hit


def _nofile(
    service: Service,
    soft_node: YNode | None,
    hard_node: YNode | None,
    seen: set[tuple[str, int, int]],
    ctx: RuleContext[None],
) -> Hit | None:
    """nofile unlimited (never settable) or above the kernel's default fs.nr_open."""
    for node in (hard_node, soft_node):
        value = _int(node)
        if node is None or value is None or (value != -1 and value <= NR_OPEN):
            continue
        if not once(seen, node):
            return None
        where = f"services.{service.name}.ulimits.nofile"
        fix = "ulimits:\n  nofile:\n    soft: 65536\n    hard: 1048576"
        if value == -1 or value > NR_OPEN_MAX:
            shown = "unlimited (-1)" if value == -1 else str(value)
            return ctx.finding(
                node.span,
                f"{where} is {shown}: the kernel never allows more open files than "
                "fs.nr_open, so the container fails to start ('error setting rlimit type 7: "
                "operation not permitted'); 65536 or 1048576 is plenty for data loaders and "
                "model servers",
                fix=fix,
                path=node.path,
            )
        return ctx.finding(
            node.span,
            f"{where} is {value}, above the kernel's default fs.nr_open ({NR_OPEN}): on a "
            "host that keeps the default the container fails to start ('error setting rlimit "
            "type 7: operation not permitted'), and where the host raised it, programs that "
            "walk every possible descriptor (closing them before exec, or allocating a table "
            "per descriptor) start slowly and use more memory; 1048576 is enough",
            fix=fix,
            path=node.path,
            severity=Severity.INFO,
        )
    return None


def _soft_above_hard(
    service: Service,
    name: str,
    soft_node: YNode | None,
    hard_node: YNode | None,
    seen: set[tuple[str, int, int]],
    ctx: RuleContext[None],
) -> Hit | None:
    soft, hard = _int(soft_node), _int(hard_node)
    if soft_node is None or soft_node is hard_node or soft is None or hard is None:
        return None
    if hard == -1 or (soft != -1 and soft <= hard) or not once(seen, soft_node):
        return None
    shown = "unlimited (-1)" if soft == -1 else str(soft)
    return ctx.finding(
        soft_node.span,
        f"services.{service.name}.ulimits.{name} has a soft limit ({shown}) above its hard "
        f"limit ({hard}): the kernel refuses it and the container fails to start ('error "
        "setting rlimit: invalid argument'); make soft <= hard",
        fix=f"ulimits:\n  {name}:\n    soft: {hard}\n    hard: {hard}",
        path=soft_node.path,
    )


# --------------------------------------------------------------------------- ML311

_PAIRS = (
    ("cpus", ("deploy", "resources", "limits", "cpus"), _number),
    ("mem_limit", ("deploy", "resources", "limits", "memory"), _size),
    ("pids_limit", ("deploy", "resources", "limits", "pids"), _int),
)


def _shown(node: YNode) -> str:
    return text(node) or (node.text if isinstance(node, YScalar) else "?")


@rule("ML311")
def resource_limit_conflict(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        s = service.name
        for key, deploy_path, read in _PAIRS:
            top, deploy = service.get(key), service.at(*deploy_path)
            if top is None or deploy is None:
                continue
            a, b = read(top), read(deploy)
            if a is None or b is None or a == b:
                continue
            where = ".".join(deploy_path)
            yield ctx.finding(
                deploy.span,
                f"services.{s}.{where} ({_shown(deploy)}) disagrees with {key} "
                f"({_shown(top)}, line {top.span.line}): Compose refuses the project "
                f"(\"can't set distinct values on '{key}' and '{where}'\"); keep one of them",
                fix=f"remove {key} and keep {where}",
                path=deploy.path,
                related=(Related(top.path, top.span, f"{key} set here"),),
            )
        swap = service.get("memswap_limit")
        swap_bytes = _size(swap)
        if swap is None or swap_bytes is None or swap_bytes <= 0:
            continue  # absent, unknown, 0 (unset) or -1 (unlimited swap)
        limit = next(
            (
                n
                for n in (service.get("mem_limit"), service.at(*_PAIRS[1][1]))
                if n is not None and _set(n)
            ),
            None,
        )
        if limit is None:
            yield ctx.finding(
                swap.span,
                f"services.{s}.memswap_limit is set without a memory limit: the engine "
                "refuses to create the container ('You should always set the Memory limit "
                "when using Memoryswap limit'); add mem_limit or "
                "deploy.resources.limits.memory",
                fix="mem_limit: <size>  # memswap_limit counts memory plus swap",
                path=swap.path,
            )
            continue
        limit_bytes = _size(limit)
        if limit_bytes is None or swap_bytes >= limit_bytes:
            continue
        yield ctx.finding(
            swap.span,
            f"services.{s}.memswap_limit ({_shown(swap)}) is below the memory limit "
            f"({_shown(limit)}, line {limit.span.line}): memswap_limit is memory plus swap, "
            "so the engine refuses to create the container ('Minimum memoryswap limit should "
            "be larger than memory limit'); set it to at least the memory limit (equal: no "
            "swap)",
            fix=f"memswap_limit: {_shown(limit)}",
            path=swap.path,
            related=(Related(limit.path, limit.span, "memory limit set here"),),
        )


# --------------------------------------------------------------------------- ML312

_PYTHON = lazy_pattern(r"^python(\d+(\.\d+)?)?$")
#: Scripts whose name says they run once and exit.
_JOB_SCRIPT = lazy_pattern(
    r"^(train|finetune|fine_tune|fine-tune|pretrain|download|migrate)[\w.-]*\.py$",
    re.IGNORECASE,
)
_JOB_MODULES = frozenset({"torch.distributed.run", "torch.distributed.launch", "axolotl.cli.train"})
#: Fine-tuning CLIs whose subcommand trains once and exits.
_JOB_SUBCOMMANDS = {
    "llamafactory-cli": {"train"},
    "axolotl": {"train", "preprocess"},
    "tune": {"run"},
}
_SERVER_PROGRAMS = frozenset(
    {
        "uvicorn",
        "gunicorn",
        "hypercorn",
        "tritonserver",
        "text-generation-launcher",
        "jupyter-lab",
        "jupyter-notebook",
        "start-notebook.sh",
        "start-notebook.py",
        "tensorboard",
        "torchserve",
        "tensorflow_model_server",
    }
)
_SERVER_SUBCOMMANDS = {
    "jupyter": {"lab", "notebook"},
    "vllm": {"serve"},
    "mlflow": {"server", "ui"},
    "ollama": {"serve"},
}
_SERVER_MODULES = frozenset(
    {"vllm.entrypoints.openai.api_server", "vllm.entrypoints.api_server", "uvicorn"}
)
#: Images whose own entrypoint starts a server: with no entrypoint and only flags as command,
#: the service is that server.
_SERVER_IMAGES = lazy_pattern(
    r"^(docker\.io/)?(vllm/vllm-openai|ollama/ollama|tensorflow/serving|pytorch/torchserve)$"
    r"|^ghcr\.io/huggingface/text-generation-inference$"
    r"|^nvcr\.io/nvidia/tritonserver$"
    r"|^(quay\.io/)?jupyter/[\w.-]*notebook$"
)


def _argv(node: YNode | None) -> list[str] | None:
    """A command as a list of words; None when absent, unknown or not splittable."""
    if isinstance(node, YSeq):
        words = [text(i) for i in node.items]
        return None if any(w is None for w in words) else [w for w in words if w is not None]
    value = text(node)
    if value is None:
        return None
    try:
        return shlex.split(value)
    except ValueError:
        return None


def _python_target(argv: list[str]) -> tuple[str, str] | None:
    """("module", name) or ("script", basename) that ``python …`` runs."""
    i = 1
    while i < len(argv):
        word = argv[i]
        if word == "-m" and i + 1 < len(argv):
            return "module", argv[i + 1]
        if word.startswith("-m") and len(word) > 2:
            return "module", word[2:]
        if word == "-c":
            return None
        if word.startswith("-"):
            i += 1
            continue
        return "script", word.rsplit("/", 1)[-1]
    return None


def _kind_of_argv(argv: list[str]) -> str | None:
    """ "job", "server" or None (unsure) for a command line."""
    if not argv:
        return None
    program = argv[0].rsplit("/", 1)[-1]
    rest = argv[1:]
    if program in ("torchrun", "deepspeed"):
        return "job"
    if program == "accelerate" and rest[:1] == ["launch"]:
        return "job"
    if program in ("huggingface-cli", "hf") and rest[:1] == ["download"]:
        return "job"
    if program == "alembic" and rest[:1] == ["upgrade"]:
        return "job"
    if program in _JOB_SUBCOMMANDS and rest[:1] and rest[0] in _JOB_SUBCOMMANDS[program]:
        return "job"
    if _PYTHON.match(program):
        target = _python_target(argv)
        if target is None:
            return None
        kind, name = target
        if kind == "module":
            if name in _JOB_MODULES:
                return "job"
            return "server" if name in _SERVER_MODULES else None
        if name == "manage.py" and "migrate" in rest:
            return "job"
        return "job" if _JOB_SCRIPT.match(name) else None
    if program in _SERVER_PROGRAMS:
        return "server"
    subcommands = _SERVER_SUBCOMMANDS.get(program)
    if subcommands is not None and rest[:1] and rest[0] in subcommands:
        return "server"
    return None


def _kind(service: Service) -> tuple[str, YNode] | None:
    """What the service runs ("job" or "server") and the node that says so."""
    entrypoint, command = service.get("entrypoint"), service.get("command")
    if entrypoint is not None:
        argv = _argv(entrypoint)
        kind = _kind_of_argv(argv) if argv else None
        return (kind, entrypoint) if kind is not None else None
    if command is not None:
        argv = _argv(command)
        if argv is None:
            return None
        kind = _kind_of_argv(argv)
        if kind is not None:
            return kind, command
        if argv and not argv[0].startswith("-"):
            return None  # a program we do not know replaces the image's command
    image = service.get("image")
    name = text(image)
    if name is None or image is None or service.get("build") is not None:
        return None
    ref = split_reference(Located(name, image.span), name)
    if ref.name is not None and _SERVER_IMAGES.match(ref.name):
        return "server", image
    return None


#: deploy.restart_policy.condition -> the restart policy Compose runs it as.
_CONDITIONS = {"none": "no", "on-failure": "on-failure", "any": "always"}


def _restart(service: Service) -> tuple[str | None, YNode | None] | None:
    """(policy, node) with policy None when unset; None when unknown."""
    node = service.get("restart")
    if node is not None:
        value = text(node)
        return None if value is None else (value.split(":", 1)[0].strip().lower(), node)
    policy = service.at("deploy", "restart_policy")
    if isinstance(policy, YMap):
        condition = policy.get("condition")
        if condition is None:
            return "always", policy  # Compose's default condition is "any"
        value = text(condition)
        if value is None or value not in _CONDITIONS:
            return None
        return _CONDITIONS[value], condition
    return None, None


@rule("ML312")
def restart_policy_mismatch(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        kind = _kind(service)
        restart = _restart(service)
        if kind is None or restart is None:
            continue
        what, where = kind
        policy, node = restart
        s = service.name
        if what == "job" and policy in ("always", "unless-stopped") and node is not None:
            yield ctx.finding(
                node.span,
                f"services.{s} runs a one-shot job ({_shown_command(where, service)}) with "
                f"restart policy '{policy}': when it finishes, Docker starts it again, so training "
                "starts over (or overwrites its checkpoints and logs) and a download or "
                "migration loops forever; use restart: on-failure:3 (stops after success) or "
                "no",
                fix="restart: on-failure:3",
                path=node.path,
                related=(Related(where.path, where.span, "the job's command"),),
            )
        elif what == "server" and policy == "no" and node is not None:
            yield ctx.finding(
                node.span,
                f"services.{s} runs a server ({_shown_command(where, service)}) with restart "
                "policy 'no': when it crashes (a CUDA out-of-memory on a long request, a GPU "
                "Xid error, a driver reset) or the host reboots, it stays down until someone "
                "notices; use restart: unless-stopped",
                fix="restart: unless-stopped",
                path=node.path,
            )


def _shown_command(node: YNode, service: Service) -> str:
    if node is service.get("image"):
        return f"image {text(node)}"
    if isinstance(node, YSeq):
        words = [text(i) or "…" for i in items(node)]
        shown = " ".join(words)
    else:
        shown = text(node) or "…"
    return f"'{shown}'" if len(shown) <= 60 else f"'{shown[:57]}…'"
