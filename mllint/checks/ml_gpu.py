"""ML63x: GPU access, shared memory and limits of compose services.

Which services get GPUs is decided once, in :mod:`mllint.ml.gpu`; the rules here judge how they
get them (legacy runtime, raw device nodes, invalid reservations) and what a GPU workload needs
besides (shared memory, NCCL ulimits, a cache its user can write)."""

from __future__ import annotations

from collections.abc import Iterator

from mllint.checks.compose_walk import volumes
from mllint.checks.edits import fix
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Autofix, Edit, Related, Severity
from mllint.engine.registry import rule
from mllint.ml.gpu import (
    GpuRequest,
    device_host_path,
    gpu_count,
    gpu_requests,
    gpus_entries,
    has_device_request,
    multi_gpu,
    parse_count,
    reservation_entries,
    runs_distributed,
    runs_pytorch,
)
from mllint.model.compose import ComposeProject, Service, is_unknown, items, text
from mllint.model.context import Project
from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.span import Span
from mllint.model.yaml import YMap, YNode, YScalar
from mllint.parsers.compose_syntax import parse_size
from mllint.patterns import lazy_pattern

_RESERVATION_FIX = (
    "deploy:\n  resources:\n    reservations:\n      devices:\n"
    "        - driver: nvidia\n          count: all\n          capabilities: [gpu]"
)


def _request_node(requests: list[GpuRequest]) -> YNode:
    """Where a service asks for its GPUs, most precisely: the ``count`` or ``device_ids`` of a
    device entry, the ``gpus`` value, the variable's value."""
    first = next(r for r in requests if r.source in ("gpus", "reservation", "cdi", "env"))
    if isinstance(first.node, YMap):
        return first.node.get("count") or first.node.get("device_ids") or first.node
    return first.node


def _reservation_for_runtime(
    project: ComposeProject, service: Service, requested: bool
) -> Autofix | None:
    """``runtime: nvidia`` -> a device reservation for all GPUs, written in its place with its
    indentation; only when the service has no ``deploy`` key to merge into, and the line holds
    the key and its value alone. With a device request already there the runtime goes."""
    key = service.key_node("runtime")
    value = service.get("runtime")
    if key is None or value is None or key.path != value.path:
        return None
    if key.span.line != value.span.end_line:
        return None
    lines = project.sources.get(key.path, ())
    if not 0 < key.span.line <= len(lines):
        return None
    line = lines[key.span.line - 1]
    old = line[key.span.column - 1 : value.span.end_column - 1]
    rest = line[value.span.end_column - 1 :].strip()
    if rest and not rest.startswith("#"):
        return None  # a flow mapping or more on the line: not placed exactly
    indent = " " * (key.span.column - 1)
    if requested:
        return None  # removing a line needs the line's end: left to the user
    if service.get("deploy") is not None:
        return None
    block = (
        "deploy:\n"
        f"{indent}  resources:\n"
        f"{indent}    reservations:\n"
        f"{indent}      devices:\n"
        f"{indent}        - driver: nvidia\n"
        f"{indent}          count: all\n"
        f"{indent}          capabilities: [gpu]"
    )
    span = Span(key.span.line, key.span.column, value.span.end_line, value.span.end_column)
    return fix("reserve the GPUs with a device request", Edit(span, old, block, key.path))


@rule("ML630")
def gpu_legacy_runtime(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        requests = gpu_requests(service)
        if not requests:
            continue
        sources = {r.source for r in requests}
        runtime = next((r for r in requests if r.source == "runtime"), None)
        if runtime is not None:
            if has_device_request(requests):
                why = (
                    "the device request on this service already gives it its GPUs, so the "
                    "runtime adds nothing but a dependency on daemon.json"
                )
            else:
                why = (
                    "it needs the nvidia runtime registered in the daemon's daemon.json and "
                    "fails with 'unknown or invalid runtime name: nvidia' where it is not "
                    "(Docker Desktop, WSL2, a fresh host), and it cannot say how many GPUs"
                )
            yield ctx.finding(
                runtime.node.span,
                f"services.{service.name} uses the legacy 'runtime: nvidia': {why}; request "
                "GPUs with gpus: all or a deploy.resources.reservations.devices entry instead",
                fix="gpus: all   # Compose 2.30+; or:\n" + _RESERVATION_FIX,
                path=runtime.node.path,
                autofix=_reservation_for_runtime(project, service, has_device_request(requests)),
            )
            continue
        if sources != {"env"}:
            continue  # a device request, CDI or device nodes (ML632) give the GPUs
        if service.at("deploy", "resources", "reservations", "generic_resources") is not None:
            continue  # Swarm: GPUs as generic resources, the runtime reads the variable
        env = next(r for r in requests if r.source == "env")
        yield ctx.finding(
            env.node.span,
            f"services.{service.name} gets GPUs only through NVIDIA_VISIBLE_DEVICES: that "
            "works only on a host whose daemon makes nvidia the default runtime, and elsewhere "
            "the job silently runs on the CPU; request GPUs with gpus: or a "
            "deploy.resources.reservations.devices entry (keep the variable if you like)",
            fix="gpus: all   # Compose 2.30+; or:\n" + _RESERVATION_FIX,
            path=env.node.path,
        )


@rule("ML631")
def gpu_reservation_invalid(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        entries = [("gpus", e) for e in gpus_entries(service)]
        entries += [
            ("deploy.resources.reservations.devices", e) for e in reservation_entries(service)
        ]
        for where, entry in entries:
            count = entry.get("count")
            ids = entry.get("device_ids")
            if count is not None and ids is not None:
                yield ctx.finding(
                    count.span,
                    f"services.{service.name} {where}: count and device_ids are exclusive, "
                    'and Compose refuses the file (\'"count" and "device_ids" attributes '
                    "are exclusive'); keep device_ids to pin GPUs, or count to take any",
                    fix="device_ids: ['0', '1']   # or count: 2, not both",
                    path=count.path,
                )
                continue
            value = parse_count(count)
            if isinstance(value, str) and value != "all":
                assert count is not None
                yield ctx.finding(
                    count.span,
                    f"services.{service.name} {where}: count '{value}' is neither a number "
                    "nor 'all', and Compose refuses the file; write the number of GPUs or all",
                    fix="count: all",
                    path=count.path,
                )


@rule("ML632")
def gpu_device_nodes_mounted(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        requests = gpu_requests(service)
        requested = has_device_request(requests)
        for item in items(service.get("devices")):
            path = device_host_path(item)
            if path is None or not path.startswith("/dev/nvidia"):
                continue
            if not any(r.source == "device-node" and r.node is item for r in requests):
                continue
            why = (
                "the device request already injects the GPUs it reserved, so this line only "
                "exposes GPUs and control devices beyond the reservation"
                if requested
                else "without a device request the NVIDIA Container Toolkit does not mount the "
                "driver libraries, so the image needs a user-space driver that matches the "
                "host's kernel module exactly and breaks with the next driver update"
            )
            yield ctx.finding(
                item.span,
                f"services.{service.name} passes the GPU device node {path} by hand: {why}; "
                "request GPUs with gpus: or a deploy.resources.reservations.devices entry",
                fix="gpus: all   # Compose 2.30+; or:\n" + _RESERVATION_FIX,
                path=item.path,
            )


_ONE_GB = 1_000_000_000
_DEV_SHM = "/dev/shm"  # noqa: S108 - the path a rule talks about, not a file it writes
_SHM_FIX = 'shm_size: "8gb"   # or ipc: host, which gives up IPC isolation'


def _shm_elsewhere(service: Service) -> bool:
    """Shared memory from another source: an IPC namespace shared with the host, another
    container or an unknown one, or a tmpfs mounted over the shared-memory path."""
    ipc = service.get("ipc")
    if ipc is not None:
        mode = text(ipc)
        if mode is None or mode == "host" or mode.startswith(("service:", "container:")):
            return True
    tmpfs = service.get("tmpfs")
    for node in (tmpfs, *items(tmpfs)):
        value = text(node)
        if value is not None and value.split(":", 1)[0].rstrip("/") == _DEV_SHM:
            return True
    return any(v.target.rstrip("/") == _DEV_SHM for v in volumes(service))


def _built(project: Project, service: Service) -> Dockerfile | None:
    """The Dockerfile the service builds, parsed as it builds it; None without a build or when
    the Dockerfile was not found (then only what compose says is judged)."""
    build = project.build_of(service.name)
    return build.dockerfile if build is not None else None


@rule("ML633")
def shm_too_small(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.compose.services:
        if not gpu_requests(service) or _shm_elsewhere(service):
            continue
        if not runs_pytorch(service, _built(project, service)):
            continue
        shm = service.get("shm_size")
        if shm is None:
            yield ctx.finding(
                service.key.span,
                f"services.{service.name} runs PyTorch on GPUs with Docker's default 64 MB "
                f"{_DEV_SHM}: DataLoader workers die with 'Bus error' or 'insufficient shared "
                "memory (shm)' and NCCL fails to create its segments; set shm_size (8gb is "
                "common for training) or ipc: host",
                fix=_SHM_FIX,
                path=service.key.path,
            )
            continue
        if is_unknown(shm):
            continue
        size = parse_size(shm.value if isinstance(shm, YScalar) else None)
        if size is not None and size < _ONE_GB:
            yield ctx.finding(
                shm.span,
                f"services.{service.name} runs PyTorch on GPUs with shm_size "
                f"{text(shm)}: DataLoader workers and NCCL often need more than 1 GB of "
                f"{_DEV_SHM} (TGI and vLLM document 1g as the minimum); raise it",
                fix=_SHM_FIX,
                path=shm.path,
                severity=Severity.INFO,
            )


@rule("ML634")
def ipc_host_with_shm_size(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        if text(service.get("ipc")) != "host":
            continue
        shm = service.get("shm_size")
        if shm is None:
            continue
        yield ctx.finding(
            shm.span,
            f"services.{service.name} sets shm_size together with ipc: host: the container "
            "uses the host's /dev/shm, so shm_size is ignored and the size it promises is not "
            "the one the job gets; drop one of the two (shm_size keeps IPC isolation)",
            fix="shm_size: 8gb   # without ipc: host",
            path=shm.path,
        )


_STACK = 67108864


def _ulimit(node: YNode | None) -> list[YNode]:
    """The value nodes of one ulimit: the number, or ``soft`` and ``hard``."""
    if isinstance(node, YMap):
        return [v for k in ("soft", "hard") if (v := node.get(k)) is not None]
    return [node] if node is not None else []


def _unlimited(node: YNode) -> bool:
    value = text(node)
    return value is not None and value.strip() in ("-1", "unlimited")


@rule("ML635")
def nccl_ulimits(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.compose.services:
        requests = gpu_requests(service)
        if not multi_gpu(requests) or not runs_distributed(service, _built(project, service)):
            continue
        ulimits = service.get("ulimits")
        limits = ulimits if isinstance(ulimits, YMap) else None
        if ulimits is not None and limits is None:
            continue  # unknown or malformed: ML002's business
        memlock = limits.get("memlock") if limits is not None else None
        stack = limits.get("stack") if limits is not None else None
        unlimited_stack = [v for v in _ulimit(stack) if _unlimited(v)]
        if unlimited_stack:
            node = unlimited_stack[0]
            yield ctx.finding(
                node.span,
                f"services.{service.name} runs distributed training with an unlimited stack: "
                "NCCL warns that an unlimited stack size can crash its threads; use "
                f"stack: {_STACK} (64 MB), as NVIDIA's containers recommend",
                fix=f"ulimits:\n  memlock: -1\n  stack: {_STACK}",
                path=node.path,
            )
        missing = [name for name, node in (("memlock", memlock), ("stack", stack)) if node is None]
        if not missing:
            continue
        count = gpu_count(requests)
        gpus = "all GPUs" if count == "all" else f"{count} GPUs"
        where: YNode = (
            (service.key_node("ulimits") or limits)
            if limits is not None
            else _request_node(requests)
        )
        yield ctx.finding(
            where.span,
            f"services.{service.name} runs distributed training on {gpus} without "
            f"ulimits {' and '.join(missing)}: NCCL pins host memory for GPU transfers "
            "(a low memlock limit makes it fail or fall back to slow paths) and NVIDIA's "
            "PyTorch containers ask for --ulimit memlock=-1 --ulimit stack=67108864; "
            "add both",
            fix=f"ulimits:\n  memlock: -1\n  stack: {_STACK}",
            path=where.path,
        )


# --------------------------------------------------------------------------- caches and users

#: Variables that move the model, kernel and framework caches.
_CACHE_VARS = (
    "HF_HOME",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "HF_DATASETS_CACHE",
    "TORCH_HOME",
    "TRITON_CACHE_DIR",
    "XDG_CACHE_HOME",
)
_UNDER_ROOT = lazy_pattern(r"^/root(/|$)")
_ROOT_CACHE = lazy_pattern(r"^/root/\.cache(/|$)")


def _is_root(user: str) -> bool:
    return user.split(":", 1)[0].strip() in ("root", "0")


def _dockerfile_user(df: Dockerfile) -> Instruction | None:
    """The USER the built image runs as (the last one of the final stage or its parents)."""
    final = df.final_stage
    if final is None:
        return None
    for stage in df.stage_chain(final):
        users = [i for i in stage.instructions if i.keyword == "USER" and i.words]
        if users:
            return users[-1]
    return None


def _opens_root(df: Dockerfile) -> bool:
    """A RUN that changes the owner or mode of /root (``chmod -R 777 /root``): then a non-root
    user may well write there, and we cannot tell."""
    final = df.final_stage
    if final is None:
        return False
    for stage in df.stage_chain(final):
        for instr in stage.of("RUN"):
            for script in instr.scripts:
                for command in script.commands:
                    if command.name not in ("chmod", "chown", "chgrp", "setfacl"):
                        continue
                    if any(_UNDER_ROOT.match(w.value) for w in command.argv[1:]):
                        return True
    return False


def _dockerfile_env(df: Dockerfile) -> dict[str, tuple[str | None, Instruction]]:
    final = df.final_stage
    env: dict[str, tuple[str | None, Instruction]] = {}
    if final is None:
        return env
    for stage in reversed(df.stage_chain(final)):
        for instr in stage.of("ENV"):
            for kv in instr.pairs:
                env[kv.key.text] = (kv.resolved, instr)
    return env


@rule("ML636")
def cache_volume_not_writable_by_user(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    reported: set[tuple[str, int, int]] = set()
    for service in project.compose.services:
        build = project.build_of(service.name)
        df = build.dockerfile if build is not None else None
        user_node = service.get("user")
        related: tuple[Related, ...] = ()
        if user_node is not None:
            user = text(user_node)
            if user is None:
                continue  # ${UID} known only at deploy time
            who = f"user '{user}'"
            related = (Related(user_node.path, user_node.span, f"runs as {user}"),)
        elif df is not None:
            instr = _dockerfile_user(df)
            if instr is None or instr.value is None:
                continue  # the image's default user, or a USER only the build knows
            user = instr.value
            who = f"the image's USER '{user}'"
            related = (Related(df.path, instr.arguments.span, f"USER {user}"),)
        else:
            continue
        if _is_root(user) or (df is not None and _opens_root(df)):
            continue
        why = (
            "/root belongs to root with mode 700, so the non-root process cannot use it: "
            "downloads fail with PermissionError or land in another cache, and every start "
            "downloads the models again"
        )
        fix = "HF_HOME: /home/app/.cache/huggingface   # or mount the cache under the user's home"
        compose_env = service.get("environment")
        set_in_compose: set[str] = set()
        if isinstance(compose_env, YMap):
            for key, value in compose_env.items:
                if key.text not in _CACHE_VARS:
                    continue
                set_in_compose.add(key.text)
                path = text(value)
                if path is None or not _UNDER_ROOT.match(path.strip()):
                    continue
                yield ctx.finding(
                    value.span,
                    f"services.{service.name} runs as {who} but {key.text} points to {path}: "
                    f"{why}; point it under the user's home or a directory the user owns",
                    fix=fix,
                    related=related,
                    path=value.path,
                )
        if df is not None:
            for name, (path, instr) in _dockerfile_env(df).items():
                if name not in _CACHE_VARS or name in set_in_compose or path is None:
                    continue
                if not _UNDER_ROOT.match(path.strip()):
                    continue
                pair = next(kv for kv in instr.pairs if kv.key.text == name)
                where = (df.path, pair.span.line, pair.span.column)
                if where in reported:
                    continue
                reported.add(where)
                yield ctx.finding(
                    pair.span,
                    f"services.{service.name} runs as {who} but the image sets {name}={path}: "
                    f"{why}; point it under the user's home or a directory the user owns",
                    fix=f"ENV {name}=/home/<user>/.cache/…",
                    related=related,
                    path=df.path,
                )
        for v in volumes(service):
            if not _ROOT_CACHE.match(v.target):
                continue
            yield ctx.finding(
                v.node.span,
                f"services.{service.name} runs as {who} but mounts a cache at {v.target}: "
                f"{why}; mount it under the user's home (and set HF_HOME to it)",
                fix="- hf-cache:/home/app/.cache/huggingface",
                related=related,
                path=v.node.path,
            )
