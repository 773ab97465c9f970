"""ML213-ML223: compose services that reach into the host (mounts, namespaces, capabilities,
confinement, devices, users)."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from mllint.checks.compose_walk import volumes
from mllint.checks.isolation import ENGINE_SOCKETS, _is_root, runs_as_root
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related, Severity
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, Service, Volume, is_unknown, items, text
from mllint.model.context import Project
from mllint.model.yaml import YMap, YNode, YScalar
from mllint.patterns import lazy_pattern

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

# --------------------------------------------------------------------------- host paths

_DRIVE = lazy_pattern(r"^([A-Za-z]):(?:[\\/]|$)")


def _host_path(v: Volume) -> str | None:
    """The normalised host path of a bind mount (``c:/users/me`` for Windows paths, ``~/x``
    kept as written); None for named volumes, relative paths and unknown sources."""
    if not v.known or v.source is None:
        return None
    source = v.source.replace("\\", "/")
    drive = _DRIVE.match(source)
    if drive is not None and (v.type == "bind" or isinstance(v.node, YScalar)):
        # the short-syntax parser reads C:\data as a volume name
        rest = posixpath.normpath("/" + source[2:].lstrip("/"))
        return f"{drive.group(1)}:{rest}".lower().rstrip("/")
    if v.type != "bind":
        return None
    if source.startswith("~"):
        return posixpath.normpath(source)
    if not source.startswith("/"):
        return None  # relative to the project: ./data, ../models
    return posixpath.normpath("/" + source.lstrip("/"))


class _Sensitive(NamedTuple):
    what: str  # what the host path holds
    writable: Severity
    read_only: Severity | None  # None: a read-only mount of it is harmless
    kind: str = "system"  # "system", "kernel" (read by monitoring agents) or "secret"


_SYSTEM = {
    "/": _Sensitive(
        "the host's whole filesystem, with /etc/shadow, SSH host keys and every home", E, W
    ),
    "/etc": _Sensitive("the host's configuration, with /etc/shadow and SSH host keys", E, W),
    "/etc/shadow": _Sensitive("the host's password hashes", E, W),
    "/etc/gshadow": _Sensitive("the host's group password hashes", E, W),
    "/etc/sudoers": _Sensitive("the host's sudo rules", E, W),
    "/etc/sudoers.d": _Sensitive("the host's sudo rules", E, W),
    "/etc/ssh": _Sensitive("the host's SSH server keys and configuration", E, W),
    "/root": _Sensitive("root's home on the host (its SSH keys and cloud credentials)", E, W),
    "/dev": _Sensitive("every device node of the host", W, W),
    "/run": _Sensitive(
        "the host's runtime sockets, the container engine's among them",
        W,
        W,
    ),
    "/var/run": _Sensitive(
        "the host's runtime sockets, the container engine's among them",
        W,
        W,
    ),
    "/usr": _Sensitive("the host's programs and libraries", E, None),
    "/bin": _Sensitive("the host's programs", E, None),
    "/sbin": _Sensitive("the host's system programs", E, None),
    "/lib": _Sensitive("the host's libraries and kernel modules", E, None),
    "/lib64": _Sensitive("the host's libraries", E, None),
    "/var": _Sensitive("the host's state: engine data, logs, databases", E, W),
    "/home": _Sensitive("every user's home directory on the host, with their keys", W, I, "secret"),
    "/users": _Sensitive(
        "every user's home directory on the host, with their keys", W, I, "secret"
    ),
}
_SYSTEM_TREES = {
    "/proc": _Sensitive("the host's process and kernel interfaces", E, I, "kernel"),
    "/sys": _Sensitive("the host's kernel and device settings", E, I, "kernel"),
    "/boot": _Sensitive("the host's kernels and boot loader", E, I, "kernel"),
    "/var/lib/docker": _Sensitive(
        "the Docker engine's data, with every image, container filesystem and volume", E, W
    ),
    "/var/lib/containerd": _Sensitive("containerd's images and container filesystems", E, W),
    "/var/lib/kubelet": _Sensitive("the kubelet's pods, volumes and service-account tokens", E, W),
    "/etc/kubernetes": _Sensitive("the cluster's certificates and admin kubeconfig", E, W),
    "/etc/docker": _Sensitive("the Docker daemon's configuration and TLS keys", E, W),
}
#: Credential stores in a home directory: the value names what leaks.
_CREDENTIALS = {
    ".ssh": "SSH private keys",
    ".aws": "AWS credentials of every profile",
    ".kube": "kubeconfig files with cluster credentials",
    ".docker": "registry credentials (config.json)",
    ".gnupg": "GPG private keys",
    ".azure": "Azure CLI tokens",
    ".config/gcloud": "Google Cloud credentials",
    ".netrc": "login passwords (netrc)",
    ".git-credentials": "git passwords and tokens",
}
_HOME = lazy_pattern(r"^(~|/root|/home/[^/]+|/users/[^/]+|[a-z]:/users/[^/]+)(/.*)?$")


def _sensitive(path: str) -> _Sensitive | None:
    low = "/users" + path[6:] if path.startswith("/Users") else path  # macOS homes
    drive = _DRIVE.match(low)
    if drive is not None:
        root = f"{drive.group(1)}:"
        if low in (root, root + "/"):
            return _Sensitive("a whole host drive", E, W)
        if low == root + "/windows" or low.startswith(root + "/windows/"):
            return _Sensitive("the Windows system folder", E, None)
        if low == root + "/users":
            return _SYSTEM["/home"]
    if low in _SYSTEM:
        return _SYSTEM[low]
    for tree, found in _SYSTEM_TREES.items():
        if low == tree or low.startswith(tree + "/"):
            return found
    home = _HOME.match(low)
    if home is None:
        return None
    rest = (home.group(2) or "").lstrip("/")
    if not rest:
        return _Sensitive(
            "a whole home directory, with its SSH keys and cloud credentials", W, I, "secret"
        )
    for store, leaks in _CREDENTIALS.items():
        if rest == store or rest.startswith(store + "/"):
            name = rest.rsplit("/", 1)[-1]
            if store == ".ssh" and (name == "known_hosts" or name.endswith(".pub")):
                return None  # public keys and host fingerprints are not secrets
            return _Sensitive(leaks, W, I, "secret")
    return None


#: Monitoring agents whose documented setup mounts /, /sys, /var/run and /var/lib/docker
#: read-only: for them those read-only mounts are info.
_MONITORING_AGENTS = lazy_pattern(
    r"(^|/)(cadvisor|node-exporter|process-exporter|dcgm-exporter|netdata|promtail|telegraf|"
    r"fluent-bit|grafana/alloy|grafana/agent|datadoghq/agent|datadog/agent)(:|@|$)"
)


def _monitoring_agent(service: Service) -> bool:
    image = text(service.get("image"))
    return image is not None and _MONITORING_AGENTS.search(image.lower()) is not None


@rule("ML213")
def sensitive_host_path_mounted(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        agent = _monitoring_agent(service)
        for v in volumes(service):
            path = _host_path(v)
            if path is None or path in ENGINE_SOCKETS:
                continue  # the engine socket is ML203's
            found = _sensitive(path)
            if found is None:
                continue
            severity = found.read_only if v.read_only else found.writable
            if severity is None:
                continue
            documented = (
                v.read_only
                and agent
                and found.kind != "secret"
                and found.read_only != found.writable
            )
            tail = (
                "code that runs in an ML container (notebooks, dataset loaders, pickled "
                "checkpoints, pip installs) gets the same access; mount only the data, model or "
                "cache folders it needs"
            )
            if documented:
                severity = I  # what the agent's own documentation asks for
                how = "read-only, as this monitoring agent documents it"
                tail = "keep such mounts on monitoring agents only"
            elif not v.read_only:
                how = "writable: the container can change them on the host (add :ro at least)"
            elif found.kind == "kernel":
                how = "read-only, as monitoring agents mount it; other services rarely need it"
            elif found.kind == "secret":
                how = "read-only, which still gives the container every credential in it"
            elif found.read_only == found.writable:
                how = "read-only, which does not protect sockets and device nodes"
            else:
                how = "read-only, which keeps the host from being changed but not from being read"
            yield ctx.finding(
                v.node.span,
                f"services.{service.name} bind-mounts the host path {v.source}: {found.what}; "
                f"{how}; {tail}",
                fix="volumes:\n  - ./data:/data:ro",
                path=v.node.path,
                severity=severity,
            )


# --------------------------------------------------------------------------- propagation


@rule("ML214")
def shared_mount_propagation(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for v in volumes(service):
            if v.propagation not in ("shared", "rshared"):
                continue
            node = v.node
            if isinstance(node, YMap):
                bind = node.get("bind")
                prop = bind.get("propagation") if isinstance(bind, YMap) else None
                node = prop if prop is not None else node
            yield ctx.finding(
                node.span,
                f"services.{service.name} mounts {v.source or v.target} with "
                f"{v.propagation} propagation: mounts made inside the container (a FUSE "
                "bucket mount with s3fs or gcsfuse, a squashfs dataset) appear on the host and "
                "the host's later mounts appear inside, so the container can shadow host "
                "paths; use the default (rprivate), or rslave when the container only needs "
                "to see the host's mounts",
                fix="bind:\n  propagation: rslave",
                path=node.path,
            )


# --------------------------------------------------------------------------- namespaces

_NAMESPACES = {
    "network_mode": (
        W,
        "the host's network namespace: ports: is ignored, every port the service opens "
        "(Jupyter, TensorBoard, the Ray dashboard, a model server) listens on the host's "
        "interfaces past its firewall, and services bound to the host's 127.0.0.1 become "
        "reachable from the container; publish the ports it needs instead",
        'ports:\n  - "127.0.0.1:8888:8888"',
    ),
    "pid": (
        W,
        "the host's process namespace: it sees every host process with its command line, "
        "can signal them and, as root, read their environment (tokens, passwords) through "
        "/proc; it is often added so that nvidia-smi or nvitop list the GPU processes: run "
        "those on the host or use the DCGM exporter, and remove pid: host",
        "# remove pid: host",
    ),
    "userns_mode": (
        W,
        "the host's user namespace although the daemon remaps users: root in the container "
        "is root on the host again; remove userns_mode: host",
        "# remove userns_mode: host",
    ),
    "uts": (
        I,
        "the host's UTS namespace: with CAP_SYS_ADMIN it can rename the host; the usual "
        "reason (the host name in experiment-tracker runs) is better met with hostname:",
        "hostname: trainer-01",
    ),
    "cgroup": (
        I,
        "the host's cgroup namespace: it sees the host's whole cgroup tree, the limits and "
        "usage of every other container; remove cgroup: host unless it is a monitoring agent",
        "# remove cgroup: host",
    ),
}


@rule("ML215")
def host_namespace_shared(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for key, (severity, why, fix) in _NAMESPACES.items():
            node = service.get(key)
            value = text(node)
            if node is None or value is None or value.strip().lower() != "host":
                continue
            via = f" (from '{node.text}')" if isinstance(node, YScalar) and "$" in node.text else ""
            yield ctx.finding(
                node.span,
                f"services.{service.name} sets {key}: host{via} and shares {why}",
                fix=fix,
                path=node.path,
                severity=severity,
            )


@rule("ML216")
def host_ipc_namespace(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        node = service.get("ipc")
        value = text(node)
        if node is None or value is None or value.strip().lower() != "host":
            continue
        yield ctx.finding(
            node.span,
            f"services.{service.name} sets ipc: host: it is often chosen so that PyTorch "
            "DataLoader workers and NCCL get more than Docker's 64 MB /dev/shm, but it also "
            "shares the host's /dev/shm and System V shared memory with the container, which "
            "can then read and overwrite the segments of host processes and of every other "
            "ipc: host container; shm_size: 8gb gives the container a large /dev/shm of its "
            "own and keeps it isolated",
            fix="shm_size: 8gb",
            path=node.path,
        )
        # (an ipc: host service already shares /dev/shm: its bind mount adds nothing)
    for service in project.services:
        if text(service.get("ipc")) == "host":
            continue
        for v in volumes(service):
            if _host_path(v) != "/dev/shm":  # noqa: S108 - compared with, never written
                continue
            yield ctx.finding(
                v.node.span,
                f"services.{service.name} bind-mounts the host's /dev/shm: the same workaround "
                "for PyTorch's shared memory as ipc: host, with the same cost: the container "
                "reads and overwrites the POSIX shared memory of host processes and of every "
                "container that mounts it; shm_size: 8gb gives it a large /dev/shm of its own",
                fix="shm_size: 8gb",
                path=v.node.path,
            )


# --------------------------------------------------------------------------- capabilities

#: Capabilities that open a way out of the container or into the host, with the reason.
_DANGEROUS = {
    "ALL": (E, "every capability, nearly privileged: true"),
    "SYS_ADMIN": (E, "mount, namespaces and many more, the classic container escape"),
    "SYS_MODULE": (E, "loads kernel modules into the host kernel"),
    "SYS_RAWIO": (E, "raw I/O ports and memory of the host"),
    "DAC_READ_SEARCH": (E, "reads any host file by handle (the 'shocker' escape)"),
    "SYS_PTRACE": (
        W,
        "traces and injects code into other processes (profilers such as py-spy need it; "
        "run them with docker exec --cap-add or a debug profile instead)",
    ),
    "NET_ADMIN": (W, "reconfigures interfaces, routes and firewall rules"),
    "BPF": (W, "loads eBPF programs into the host kernel"),
    "PERFMON": (W, "reads kernel performance events of the whole host"),
    "SYS_BOOT": (W, "reboots the host"),
    "SYS_TIME": (W, "sets the host's clock"),
    "MAC_ADMIN": (W, "changes the host's AppArmor or SELinux policy"),
    "MAC_OVERRIDE": (W, "bypasses AppArmor or SELinux"),
    "SYSLOG": (W, "reads and clears the host's kernel log"),
    "LINUX_IMMUTABLE": (W, "changes immutable files"),
    "AUDIT_CONTROL": (W, "turns the host's audit log off"),
}


def _capability(node: YNode) -> str | None:
    value = text(node)
    if value is None:
        return None
    value = value.strip().upper()
    return value.removeprefix("CAP_")


@rule("ML217")
def dangerous_capability_added(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for node in items(service.get("cap_add")):
            cap = _capability(node)
            if cap is None or cap not in _DANGEROUS:
                continue
            severity, why = _DANGEROUS[cap]
            yield ctx.finding(
                node.span,
                f"services.{service.name} adds the capability {cap}: {why}; a notebook, a "
                "dataset loader or a pickled checkpoint that runs code in the container can "
                "use it against the host; remove it, or add only the narrow capability the "
                "service needs",
                fix="cap_drop: [ALL]",
                path=node.path,
                severity=severity,
            )


@rule("ML218")
def cap_add_without_drop_all(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        added = items(service.get("cap_add"))
        if not added:
            continue
        dropped = items(service.get("cap_drop"))
        if any(is_unknown(n) for n in dropped) or any(_capability(n) == "ALL" for n in dropped):
            continue
        key = service.key_node("cap_add")
        if key is None:
            continue
        names = ", ".join(c for c in (_capability(n) for n in added) if c) or "capabilities"
        yield ctx.finding(
            key.span,
            f"services.{service.name} adds {names} on top of Docker's default set (CHOWN, "
            "DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, MKNOD and more) without "
            "cap_drop: [ALL]; a service that needs extra capabilities rarely needs the "
            "defaults too: drop them all and add back only what it uses",
            fix="cap_drop: [ALL]\ncap_add: [<only what it needs>]",
            path=key.path,
        )


# --------------------------------------------------------------------------- confinement

_UNCONFINED = {
    ("seccomp", "unconfined"): (
        "turns off the seccomp filter, opening about 40 blocked system calls (keyctl, bpf, "
        "userfaultfd, mount)",
        "if NUMA pinning (numactl, set_mempolicy) is the reason, cap_add: [SYS_NICE] is "
        "enough; for perf or Nsight write a custom profile (seccomp:profile.json)",
    ),
    ("apparmor", "unconfined"): (
        "turns off the AppArmor profile that blocks mounts and writes to /proc and /sys",
        "remove it, or load a profile of your own (apparmor:<name>)",
    ),
    ("label", "disable"): (
        "turns off SELinux separation: the container's processes run unconfined",
        "remove it; relabel bind mounts with :z or :Z instead",
    ),
    ("label", "type:spc_t"): (
        "runs the container as SELinux's super-privileged type spc_t, unconfined",
        "remove it; relabel bind mounts with :z or :Z instead",
    ),
    ("label", "type:unconfined_t"): (
        "runs the container as SELinux's unconfined type",
        "remove it; relabel bind mounts with :z or :Z instead",
    ),
    ("systempaths", "unconfined"): (
        "unmasks /proc/kcore, /proc/keys, /sys/firmware and the other kernel paths Docker "
        "hides, and makes them writable",
        "remove it",
    ),
}


def _security_opt(node: YNode) -> tuple[str, str] | None:
    """``seccomp:unconfined`` or ``seccomp=unconfined`` as (key, value), lower case."""
    value = text(node)
    if value is None:
        return None
    value = value.strip()
    sep = min((i for i in (value.find("="), value.find(":")) if i >= 0), default=-1)
    if sep < 0:
        return value.lower(), ""
    return value[:sep].lower(), value[sep + 1 :].strip().lower()


@rule("ML219")
def confinement_disabled(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for node in items(service.get("security_opt")):
            option = _security_opt(node)
            if option is None or option not in _UNCONFINED:
                continue
            what, advice = _UNCONFINED[option]
            yield ctx.finding(
                node.span,
                f"services.{service.name} sets security_opt {text(node)}: it {what}, so "
                "kernel exploits and escapes this layer stops work again for any code the "
                f"service runs (notebooks, dataset loaders, checkpoints); {advice}",
                fix="# remove it, or use a custom profile: security_opt: [seccomp:profile.json]",
                path=node.path,
            )


_TRUE = frozenset({"", "1", "t", "true"})
_FALSE = frozenset({"0", "f", "false"})


@rule("ML220")
def no_new_privileges_missing(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        opts = items(service.get("security_opt"))
        if any(is_unknown(n) for n in opts):
            continue
        found: YNode | None = None
        for node in opts:
            option = _security_opt(node)
            if option is not None and option[0] == "no-new-privileges":
                found = node
        option = _security_opt(found) if found is not None else None
        if option is not None and option[1] in _TRUE:
            continue
        if found is not None and option is not None and option[1] not in _FALSE:
            continue  # a value Docker would reject; ML002's business
        where = found if found is not None else service.key
        state = f"sets {text(found)}" if found is not None else "does not set no-new-privileges"
        yield ctx.finding(
            where.span,
            f"services.{service.name} {state}: the flag keeps a process from gaining "
            "privileges through setuid binaries (sudo, su, ping) left in the image, so code "
            "that gets in stays the user it started as; add security_opt: "
            "[no-new-privileges:true]",
            fix="security_opt:\n  - no-new-privileges:true",
            path=where.path,
        )


@rule("ML221")
def writable_root_filesystem(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        node = service.get("read_only")
        if is_unknown(node):
            continue
        value = text(node)
        if value is not None and value.lower() in ("true", "yes", "on", "y"):
            continue
        where: YNode = node if node is not None else service.key
        state = "sets read_only: false" if node is not None else "has a writable root filesystem"
        yield ctx.finding(
            where.span,
            f"services.{service.name} {state}: whatever runs in it can replace the image's "
            "programs and Python packages, and checkpoints or caches written to a path "
            "without a volume vanish with the container; set read_only: true and give the "
            "paths it writes a volume or tmpfs (/tmp, the model cache, outputs)",
            fix="read_only: true\ntmpfs: [/tmp]\nvolumes:\n  - ./outputs:/outputs",
            path=where.path,
        )


# --------------------------------------------------------------------------- devices

#: GPU and accelerator devices: passing them is how ML services get their hardware (another
#: rule family looks at how GPUs are requested).
_ACCELERATORS = lazy_pattern(
    r"^/dev/(nvidia|dri(/|$)|kfd$|infiniband(/|$)|neuron|accel(/|$)|apex_|davinci|hl\d|"
    r"vfio/)"
)
#: Memory and raw storage: the device gives the whole host's data.
_RAW = lazy_pattern(
    r"^/dev/(mem|kmem|port|sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|"
    r"nvme\d+(n\d+(p\d+)?)?|mmcblk\d+(p\d+)?|dm-\d+|md\d+|loop\d+|mapper/.+|disk/.+|"
    r"root)$"
)
#: Peripherals edge and vision projects pass on purpose (cameras, serial, USB, sound).
_PERIPHERALS = lazy_pattern(
    r"^/dev/(video\d+|media\d+|snd(/|$)|tty(USB|ACM)\d+|bus/usb(/|$)|input(/|$)|hidraw\d+|"
    r"i2c-\d+|gpiomem|spidev[\d.]+|serial/.+)"
)


def _device_source(node: YNode) -> str | None:
    if isinstance(node, YMap):
        return text(node.get("source"))
    value = text(node)
    if value is None:
        return None
    return value.split(":", 1)[0].strip()


@rule("ML222")
def host_device_passed(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for node in items(service.get("devices")):
            source = _device_source(node)
            if source is None or not source.startswith("/dev/"):
                continue  # unknown, or a CDI name (nvidia.com/gpu=all)
            device = posixpath.normpath(source)
            if _ACCELERATORS.match(device):
                continue
            if _RAW.match(device):
                severity, why = (
                    E,
                    (
                        "raw host memory or storage: it reads every file of the host past all "
                        "permissions and can corrupt its disks"
                    ),
                )
            elif device == "/dev/kmsg":
                severity, why = W, "the host's kernel log, readable and writable"
            elif _PERIPHERALS.match(device):
                severity, why = (
                    I,
                    (
                        "a peripheral (camera, serial, USB, sound); fine when the service uses it "
                        "on purpose"
                    ),
                )
            else:
                severity, why = W, "a host device outside the container's default set"
            yield ctx.finding(
                node.span,
                f"services.{service.name} passes the host device {device} into the container: "
                f"{why}; pass only the devices the service needs (GPUs through gpus: or "
                "deploy.resources.reservations.devices)",
                fix="# remove the device",
                path=node.path,
                severity=severity,
            )


# --------------------------------------------------------------------------- users

#: Variables with which the Jupyter docker-stacks start script drops root for NB_USER.
_JUPYTER_SWITCH = ("NB_UID", "NB_USER", "NB_GID")


def _switches_user_at_start(service: Service) -> bool:
    env = service.get("environment")
    return isinstance(env, YMap) and any(env.get(k) is not None for k in _JUPYTER_SWITCH)


@rule("ML223")
def service_runs_as_root(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    built = {b.service.name: b for b in project.builds}
    for service in project.compose.services:
        node = service.get("user")
        if node is not None and text(node) == "":
            node = None  # user: "" is the image's user, as if unset
        if node is not None:
            value = text(node)
            if value is None or not _is_root(value):
                continue  # a non-root user, or one known only at deploy time
            if _switches_user_at_start(service):
                continue  # docker-stacks: start.sh runs as root, then becomes NB_USER
            via = f" (from '{node.text}')" if isinstance(node, YScalar) and "$" in node.text else ""
            yield ctx.finding(
                node.span,
                f"services.{service.name} runs as root: user: {value}{via} overrides any "
                "USER of the image; a process that escapes the notebook, the model server or "
                "a malicious checkpoint owns the container and writes root-owned files into "
                "the bind-mounted data and output folders; set an unprivileged uid:gid",
                fix='user: "1000:1000"',
                path=node.path,
            )
            continue
        build = built.get(service.name)
        if build is None:
            continue  # only image: the image's own user is unknown here
        df = build.image.dockerfile
        hit = next(iter(runs_as_root(df, RuleContext(df.path, None))), None)
        if hit is None:
            continue  # the Dockerfile ends with a non-root USER (or one we cannot judge)
        shown = os.path.relpath(df.path, project.compose.directory or ".")
        stage = text(service.at("build", "target"))
        built_as = f" (stage '{stage}')" if stage is not None else ""
        also = "" if stage is not None else "; ML201 reports the Dockerfile too"
        yield ctx.finding(
            service.key.span,
            f"services.{service.name} runs as root: it sets no user: and its image, built "
            f"from {shown}{built_as}, ends as root (the service can override it with "
            f"user:{also}); a "
            "process that escapes the notebook, the model server or a malicious checkpoint "
            "owns the container and writes root-owned files into the bind-mounted data and "
            'output folders; add a non-root USER to the Dockerfile or set user: "1000:1000"',
            fix='user: "1000:1000"',
            path=service.key.path,
            related=(Related(df.path, hit.span, "the image's user is root here"),),
        )
