"""Which compose services get GPUs, how many, and through which mechanism.

A service can reach NVIDIA GPUs in six ways, and the GPU rules must see all of them to know a
GPU service when they meet one: ``gpus:`` (Compose 2.30+), a device reservation under
``deploy.resources.reservations.devices``, CDI device names (``devices: [nvidia.com/gpu=all]``),
host device nodes (``devices: [/dev/nvidia0]``), the legacy ``runtime: nvidia`` and the
``NVIDIA_VISIBLE_DEVICES`` variable that the NVIDIA runtime reads. Everything here is a pure
function of the merged, interpolated service; a value that depends on an unknown variable gives
an unknown count, never a guess.
"""

from __future__ import annotations

import itertools
import re
import shlex
from typing import Literal, NamedTuple

from mllint.ml.roles import CommandLine, dockerfile_command, dockerfile_env
from mllint.model.compose import Service, is_unknown, items, text
from mllint.model.dockerfile import Dockerfile
from mllint.model.yaml import YMap, YNode, YScalar
from mllint.patterns import lazy_pattern

#: ``"all"``, a number of GPUs, or None when a variable decides it.
Count = int | Literal["all"] | None

#: Where a request was written: ``gpus``, ``reservation``, ``cdi``, ``device-node``,
#: ``runtime`` or ``env``.
Source = Literal["gpus", "reservation", "cdi", "device-node", "runtime", "env"]

#: Capabilities that the NVIDIA device driver of dockerd matches (``gpu``, ``nvidia`` and the
#: NVIDIA driver capabilities); a reservation asking only for others (``tpu``) is not a GPU.
_NVIDIA_CAPS = frozenset(
    {"gpu", "nvidia", "compute", "utility", "graphics", "video", "display", "compat32"}
)
_DEVICE_NODE = lazy_pattern(r"^/dev/nvidia(\d+|ctl|-uvm(-tools)?|-modeset|-caps(/.*)?)$")
_GPU_NODE = lazy_pattern(r"^/dev/nvidia(\d+)$")
_CDI = lazy_pattern(r"^nvidia\.com/gpu=(.+)$")


class GpuRequest(NamedTuple):
    """One way a service asks for GPUs."""

    source: Source
    node: YNode  # the most precise node: the device entry, the ``gpus`` value, the env value
    number: Count  # how many GPUs this request gives
    device_ids: tuple[str, ...] | None  # None: not given by ids


def parse_count(node: YNode | None) -> Count | str:
    """A device ``count`` as Compose reads it: an int, ``"all"`` (any case, or ``-1``), None
    when unknown (or of a type the schema rejects); any other string is returned as written
    (Compose rejects it)."""
    if node is None or is_unknown(node) or not isinstance(node, YScalar):
        return None
    value = node.value
    if isinstance(value, (bool, float)):
        return None  # not a string or an integer: the schema check (ML002) reports it
    if isinstance(value, int):
        return "all" if value == -1 else value
    raw = text(node)
    if raw is None:
        return None
    raw = raw.strip()
    if raw.lower() == "all":
        return "all"
    if re.fullmatch(r"[+-]?\d+", raw):
        number = int(raw)
        return "all" if number == -1 else number
    return raw


def _ids(node: YNode | None) -> tuple[str, ...] | None:
    if node is None:
        return None
    out = []
    for item in items(node):
        value = text(item)
        if value is None:
            return None  # an unknown id: the number is unknown too
        out.append(value)
    return tuple(out)


def _entry(source: Source, entry: YMap) -> GpuRequest:
    ids = _ids(entry.get("device_ids"))
    count_node = entry.get("count")
    parsed = parse_count(count_node)
    count: Count
    if count_node is None and entry.get("device_ids") is None:
        count = "all"  # Compose: neither count nor device_ids means every GPU
    elif count_node is None:
        count = len(ids) if ids is not None else None
    elif parsed is None or isinstance(parsed, int):
        count = parsed
    elif parsed == "all":
        count = "all"
    else:
        count = None  # invalid: gpu_reservation_invalid reports it
    return GpuRequest(source, entry, count, ids)


def is_gpu_device(entry: YMap) -> bool:
    """A device reservation that dockerd hands to the NVIDIA driver (or a generic ``gpu``)."""
    driver = text(entry.get("driver"))
    if driver is not None and driver.lower() == "nvidia":
        return True
    caps = entry.get("capabilities")
    words = [text(c) for c in items(caps)]
    return any(w is not None and (w in _NVIDIA_CAPS or w.startswith("nvidia")) for w in words)


def reservation_entries(service: Service) -> list[YMap]:
    """The GPU entries of ``deploy.resources.reservations.devices``."""
    devices = service.at("deploy", "resources", "reservations", "devices")
    return [e for e in items(devices) if isinstance(e, YMap) and is_gpu_device(e)]


def gpus_entries(service: Service) -> list[YMap]:
    """The mapping entries of a ``gpus:`` list."""
    return [e for e in items(service.get("gpus")) if isinstance(e, YMap)]


def device_host_path(item: YNode) -> str | None:
    """The host side of a ``devices:`` item (``/dev/nvidia0:/dev/nvidia0:rwm``)."""
    value = text(item)
    if value is None:
        return None
    return value.split(":", 1)[0].strip()


def env_value(service: Service, name: str) -> tuple[YScalar, YNode] | None:
    """An ``environment`` entry (key node, value node) by name."""
    env = service.get("environment")
    if isinstance(env, YMap):
        for key, value in env.items:
            if key.text == name:
                return key, value
    return None


def _visible_devices(value: YNode) -> tuple[Count, tuple[str, ...] | None] | None:
    """What ``NVIDIA_VISIBLE_DEVICES`` selects; None when it selects no GPU (``none``,
    ``void``, empty) or is unknown."""
    raw = text(value)
    if raw is None:
        return None
    raw = raw.strip()
    if raw.lower() in ("", "none", "void"):
        return None
    if raw.lower() == "all":
        return "all", None
    ids = tuple(x.strip() for x in raw.split(",") if x.strip())
    return len(ids), ids


def gpu_requests(service: Service) -> list[GpuRequest]:
    """Every way ``service`` asks for GPUs, in a fixed order: ``gpus``, reservations, CDI
    devices, device nodes, ``runtime: nvidia``, ``NVIDIA_VISIBLE_DEVICES``."""
    out: list[GpuRequest] = []
    gpus = service.get("gpus")
    if gpus is not None:
        value = text(gpus)
        if value is not None and value.strip().lower() == "all":
            out.append(GpuRequest("gpus", gpus, "all", None))
        elif value is not None and re.fullmatch(r"\d+", value.strip()):
            out.append(GpuRequest("gpus", gpus, int(value), None))  # invalid, but meant
        elif is_unknown(gpus):
            out.append(GpuRequest("gpus", gpus, None, None))
        out.extend(_entry("gpus", e) for e in gpus_entries(service))
    out.extend(_entry("reservation", e) for e in reservation_entries(service))
    for item in items(service.get("devices")):
        path = device_host_path(item)
        if path is None:
            continue
        cdi = _CDI.match(path)
        if cdi:
            sel = cdi.group(1)
            ids = None if sel == "all" else tuple(sel.split(","))
            out.append(GpuRequest("cdi", item, "all" if ids is None else len(ids), ids))
        elif _DEVICE_NODE.match(path):
            gpu = _GPU_NODE.match(path)
            ids = (gpu.group(1),) if gpu else ()
            out.append(GpuRequest("device-node", item, len(ids), ids))
    runtime = service.get("runtime")
    if runtime is not None and (text(runtime) or "").strip().lower() == "nvidia":
        out.append(GpuRequest("runtime", runtime, None, None))
    found = env_value(service, "NVIDIA_VISIBLE_DEVICES")
    if found is not None:
        selected = _visible_devices(found[1])
        if selected is not None:
            out.append(GpuRequest("env", found[1], selected[0], selected[1]))
    return out


def has_device_request(requests: list[GpuRequest]) -> bool:
    """A request that Compose itself turns into GPUs for the container (not the legacy
    runtime, an environment variable or raw device nodes)."""
    return any(r.source in ("gpus", "reservation", "cdi") for r in requests)


def gpu_count(requests: list[GpuRequest]) -> Count:
    """How many GPUs the service sees: ``"all"``, a number, or None when unknown.

    ``NVIDIA_VISIBLE_DEVICES`` narrows what the runtime exposes only when the GPUs come from the
    runtime itself; a device request sets it anew, so the requests decide. Device nodes
    (``/dev/nvidia0``) count one each."""
    primary = [r for r in requests if r.source in ("gpus", "reservation", "cdi")]
    if not primary:
        primary = [r for r in requests if r.source == "env"] or [
            r for r in requests if r.source == "device-node" and r.number
        ]
    if not primary:
        return None
    total = 0
    for r in primary:
        if r.number == "all":
            return "all"
        if r.number is None:
            return None
        total += r.number
    return total


def multi_gpu(requests: list[GpuRequest]) -> bool:
    """More than one GPU for sure (``all`` counts: a GPU box usually has several)."""
    count = gpu_count(requests)
    return count == "all" or (isinstance(count, int) and count > 1)


# --------------------------------------------------------------------------- workloads

#: Images that run PyTorch (and so a DataLoader, NCCL or both).
_TORCH_IMAGE = lazy_pattern(
    r"(^|/)(pytorch|torch[\w.-]*|vllm[\w.-]*|vllm-openai|text-generation-inference|tgi|sglang|"
    r"axolotl|deepspeed|llama-factory|llamafactory|nemo|megatron[\w-]*|torchserve|"
    r"transformers-pytorch[\w-]*|accelerate[\w-]*|pytorch-notebook)(:|@|$)",
    re.IGNORECASE,
)
#: nvcr.io/nvidia/pytorch, pytorch/pytorch, anything under a pytorch/ namespace.
_TORCH_NAMESPACE = lazy_pattern(r"(^|/)pytorch/|nvcr\.io/nvidia/(pytorch|nemo)", re.IGNORECASE)
_TORCH_PROGRAMS = frozenset(
    {
        "torchrun",
        "accelerate",
        "deepspeed",
        "vllm",
        "text-generation-launcher",
        "axolotl",
        "llamafactory-cli",
        "torchserve",
        "composer",
    }
)
_TORCH_MODULES = frozenset(
    {
        "torch.distributed.run",
        "torch.distributed.launch",
        "vllm.entrypoints.openai.api_server",
        "accelerate.commands.launch",
        "deepspeed",
        "axolotl.cli.train",
        "sglang.launch_server",
    }
)
_TRAIN_SCRIPT = lazy_pattern(r"(^|/)[\w.-]*(train|finetune|fine_tune|pretrain)[\w.-]*\.py$")
_DISTRIBUTED_PROGRAMS = frozenset({"torchrun", "deepspeed"})
_DISTRIBUTED_MODULES = frozenset(
    {"torch.distributed.run", "torch.distributed.launch", "deepspeed", "accelerate.commands.launch"}
)


def command_words(service: Service, dockerfile: Dockerfile | None = None) -> list[str]:
    """The words of ``entrypoint`` then ``command`` (a string is split the way Compose splits
    it); words of a ``sh -c`` script are split again, so ``sh -c "torchrun …"`` is seen.

    With the Dockerfile the service builds, what compose leaves unset comes from the image, as
    Docker runs it: compose ``entrypoint`` replaces the image's ENTRYPOINT and drops its CMD;
    compose ``command`` replaces only the CMD."""
    compose_entry = _compose_words(service, "entrypoint")
    compose_cmd = _compose_words(service, "command")
    if dockerfile is None or compose_entry is not None:
        return (compose_entry or []) + (compose_cmd or [])
    docker = dockerfile_command(dockerfile)
    words: list[str] = []
    if docker.entrypoint is not None:
        words.extend(_line_words(docker.entrypoint))
        if not docker.entrypoint_exec:
            return words  # a shell-form ENTRYPOINT ignores CMD and command alike
    if compose_cmd is not None:
        words.extend(compose_cmd)
    elif docker.cmd is not None:
        words.extend(_line_words(docker.cmd))
    return words


def _compose_words(service: Service, key: str) -> list[str] | None:
    """The words of a compose ``entrypoint`` or ``command``; None when not set."""
    node = service.get(key)
    if node is None:
        return None
    value = text(node)
    if value is not None:
        return _split(value)
    words: list[str] = []
    for item in items(node):
        item_text = text(item)
        if item_text is not None:
            words.extend(_split(item_text) if " " in item_text else [item_text])
    return words


def _line_words(line: CommandLine) -> list[str]:
    """The words of a Dockerfile command line (simple commands of ``Arg``), scripts opened."""
    out: list[str] = []
    for argv in line:
        for arg in argv:
            value = arg.value
            out.extend(_split(value) if any(c.isspace() for c in value) else [value])
    return out


def base_image(dockerfile: Dockerfile) -> str | None:
    """The image the built stage starts from (through its parent stages), resolved."""
    final = dockerfile.final_stage
    if final is None:
        return None
    return dockerfile.stage_chain(final)[-1].image.resolved


def _split(value: str) -> list[str]:
    """Shell words, and the words of a word that holds a script (``sh -c "…"``)."""
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    out: list[str] = []
    for word in words:
        if any(c.isspace() for c in word):
            try:
                out.extend(shlex.split(word))
            except ValueError:
                out.extend(word.split())
        else:
            out.append(word)
    return out


def _programs(words: list[str]) -> tuple[set[str], set[str], list[str]]:
    """(program base names, ``python -m`` modules, python script paths) in ``words``."""
    programs, modules, scripts = set(), set(), []
    for i, word in enumerate(words):
        base = word.rsplit("/", 1)[-1]
        programs.add(base)
        if re.fullmatch(r"python[\d.]*", base):
            rest = words[i + 1 :]
            for j, arg in enumerate(rest):
                if arg == "-m" and j + 1 < len(rest):
                    modules.add(rest[j + 1])
                    break
                if arg.startswith("-"):
                    continue
                scripts.append(arg)
                break
    return programs, modules, scripts


def runs_pytorch(service: Service, dockerfile: Dockerfile | None = None) -> bool:
    """The service runs PyTorch: a PyTorch-based image (``image:``, or the base image of the
    Dockerfile it builds), or a launcher or training script (compose's or the image's)."""
    images = [text(service.get("image")) or ""]
    if dockerfile is not None:
        images.append(base_image(dockerfile) or "")
    if any(_TORCH_IMAGE.search(i) or _TORCH_NAMESPACE.search(i) for i in images):
        return True
    programs, modules, scripts = _programs(command_words(service, dockerfile))
    if programs & _TORCH_PROGRAMS or modules & _TORCH_MODULES:
        return True
    return any(_TRAIN_SCRIPT.search(s) for s in scripts)


def runs_distributed(service: Service, dockerfile: Dockerfile | None = None) -> bool:
    """The service runs multi-process (multi-GPU) work over NCCL: torchrun, deepspeed,
    ``accelerate launch``, ``python -m torch.distributed.run`` (in compose's command or the
    image's), or sets NCCL_* variables (in compose or the Dockerfile's ENV)."""
    words = command_words(service, dockerfile)
    programs, modules, _ = _programs(words)
    if programs & _DISTRIBUTED_PROGRAMS or modules & _DISTRIBUTED_MODULES:
        return True
    if any(
        w.rsplit("/", 1)[-1] == "accelerate" and nxt == "launch"
        for w, nxt in itertools.pairwise(words)
    ):
        return True
    env = service.get("environment")
    if isinstance(env, YMap) and any(k.text.startswith("NCCL_") for k, _ in env.items):
        return True
    if dockerfile is None:
        return False
    return any(name.startswith("NCCL_") for name in dockerfile_env(dockerfile))
