"""ML2xx: containers that keep to themselves (users, privileges, host access)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from mllint.checks.compose_walk import volumes
from mllint.checks.dockerfile_walk import (
    Interpreter,
    base_image,
    env_before,
    last_before,
    pipefail_option,
    pipelines,
    runs,
    scope_before,
    script_interpreters,
)
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, truthy
from mllint.model.dockerfile import POSIX_SHELLS, Dockerfile, ImageRef, Instruction
from mllint.model.shell import Command, ShellScript, Word
from mllint.parsers.commands import piped_to_interpreter
from mllint.parsers.shell import effective_argv
from mllint.parsers.variables import substitute
from mllint.patterns import lazy_pattern

#: Base images whose default user is not root: a final stage without USER is fine on them.
_NON_ROOT_BASES = (
    lazy_pattern(r"^(quay\.io/)?jupyter/"),  # jovyan
    lazy_pattern(r"^gcr\.io/distroless/.*:(.*-)?nonroot$"),
    lazy_pattern(r"^cgr\.dev/chainguard/"),
    lazy_pattern(r"^nginxinc/nginx-unprivileged"),
    lazy_pattern(r"^bitnami/"),
    lazy_pattern(r"^(ghcr\.io/mamba-org/|mambaorg/)micromamba"),  # mambauser
    lazy_pattern(r"^rayproject/"),  # ray (uid 1000)
)
_HUB_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/")


_FIX = "RUN useradd --create-home --uid 10001 app\nUSER 10001"


def _is_root(user: str) -> bool:
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0")


def _non_root_base(image: ImageRef) -> bool:
    if image.resolved is None:
        return False
    name = image.resolved
    for prefix in _HUB_PREFIXES:
        name = name.removeprefix(prefix)
    return any(p.search(name) for p in _NON_ROOT_BASES)


@rule("ML201")
def runs_as_root(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    final = df.final_stage
    if final is None:
        return
    last_user: Instruction | None = None
    for stage in df.stage_chain(final):  # nearest first: the final stage, then its parents
        users = [i for i in stage.instructions if i.keyword == "USER" and i.words]
        if users:
            last_user = users[-1]
            break
    if last_user is not None:
        value = last_user.value
        if value is None or not _is_root(value):
            return  # a named user, or USER ${APP_USER} known only at build time
        shown = last_user.arguments.text
        via = f" ('{shown}')" if shown != value else ""
        if last_user.stage == final.number:
            yield ctx.finding(
                last_user.arguments.span,
                f"the image runs as '{value}'{via}: a process that escapes the model server or "
                "notebook owns the container; switch to an unprivileged user at the end",
                fix=_FIX,
            )
            return
        parent = df.stages[last_user.stage]
        yield ctx.finding(
            final.from_.keyword_span,
            f"the final stage inherits USER {value} from stage "
            f"'{parent.name.text if parent.name else parent.number}' (line "
            f"{last_user.span.line}) and never switches away; add a non-root USER",
            fix=_FIX,
            related=(Related(ctx.path, last_user.arguments.span, f"USER {value} set here"),),
        )
        return
    root_stage = df.stage_chain(final)[-1]
    if root_stage.image.is_scratch or root_stage.image.is_unresolved:
        return  # scratch has no users; an unknown base may set its own
    if _non_root_base(root_stage.image):
        return
    yield ctx.finding(
        final.from_.keyword_span,
        f"the final stage sets no USER: the container runs as the default user of "
        f"'{root_stage.image.resolved}', root for most images; add a non-root USER after the "
        "installs",
        fix=_FIX,
    )


@rule("ML202")
def privileged_container(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        node = service.get("privileged")
        if node is not None and truthy(node):
            from mllint.ml.gpu import gpu_requests, has_device_request  # only for these services

            advice = (
                "for GPUs reserve them with deploy.resources.reservations.devices (or gpus:), "
                "for one capability use cap_add"
            )
            if has_device_request(gpu_requests(service)):
                advice = (
                    "its GPU request already gives it its GPUs, and privileged shows it every "
                    "GPU of the host besides; drop it, and use cap_add for one capability"
                )
            yield ctx.finding(
                node.span,
                f"services.{service.name} runs privileged: every host device and kernel "
                f"capability is open to it; {advice}",
                fix="deploy:\n  resources:\n    reservations:\n      devices:\n"
                "        - driver: nvidia\n          count: all\n          capabilities: [gpu]",
                path=node.path,
            )


#: Sockets of container engines: a container that can reach one controls the host.
ENGINE_SOCKETS = frozenset(
    {
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/var/run/podman/podman.sock",
        "/run/podman/podman.sock",
        "/run/containerd/containerd.sock",
        "/var/run/containerd/containerd.sock",
        "/run/user/1000/docker.sock",
    }
)


@rule("ML203")
def engine_socket_mounted(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for v in volumes(service):
            source = "/" + v.source.strip("/") if v.source else None  # //var/run/… on Windows
            if source is not None and source in ENGINE_SOCKETS:
                yield ctx.finding(
                    v.node.span,
                    f"services.{service.name} mounts the container engine socket {v.source}: "
                    "the service can start privileged containers and so controls the host "
                    "(read-only does not help); remove it or put a filtering proxy in front",
                    path=v.node.path,
                )
        api = service.get("use_api_socket")
        if api is not None and truthy(api):
            yield ctx.finding(
                api.span,
                f"services.{service.name} sets use_api_socket: it gets the engine socket and "
                "your registry credentials; remove it unless the service builds images",
                path=api.path,
            )


# --------------------------------------------------------------------------- RUN hygiene


def _program_words(command: Command) -> list[Word]:
    """The words of ``command`` in program position: its first word and the programs that the
    wrappers before the real command run (``env X=1 sudo pip …`` -> env, sudo, pip)."""
    argv = command.argv
    if not argv:
        return []
    real = effective_argv(command)
    if not real:
        return [argv[0]]  # `command -v sudo` only looks a program up
    start = len(argv) - len(real)
    wrappers = [w for w in argv[1:start] if not w.value.startswith("-") and "=" not in w.value]
    return [argv[0], *wrappers, real[0]]


def _user_at(df: Dockerfile, instr: Instruction) -> str:
    """The user a RUN runs as: a USER value, "root" by default, "" when unknown."""
    last = last_before(df, instr, "USER")
    if last is not None:
        return last.value or ""
    if instr.stage < 0:
        return ""
    root = df.stage_chain(df.stages[instr.stage])[-1].image
    return "" if root.is_unresolved or _non_root_base(root) else "root"


@rule("ML205")
def sudo_in_run(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        user = None
        for script in instr.scripts:
            for command in script.commands:
                word = next(
                    (w for w in _program_words(command) if w.value.rsplit("/", 1)[-1] == "sudo"),
                    None,
                )
                if word is None:
                    continue
                if user is None:
                    user = _user_at(df, instr)
                as_root = user != "" and _is_root(user)
                advice = (
                    "the build already runs as root here, so drop sudo"
                    if as_root
                    else "switch with USER root for the step and back to the unprivileged "
                    "user after it"
                )
                yield ctx.finding(
                    word.span,
                    "sudo in RUN: it resets the environment (PATH to its secure_path even "
                    "with -E), so the ENV PATH of a conda or venv interpreter, CUDA_HOME and "
                    "pip settings do not apply ('sudo pip install' lands in the system "
                    "Python), and an image whose user can sudo hands root to any code that "
                    f"runs as that user; {advice}",
                    fix="RUN <command>  (as root)"
                    if as_root
                    else "USER root\nRUN <command>\nUSER <unprivileged user>",
                )


#: Kernel filesystems a container runtime mounts over the image, and /boot (host kernels).
_SYSTEM_DIRS = ("/proc", "/sys", "/dev", "/boot")
#: Absolute on Linux (/app) or Windows (C:\app, c:/app, \app).
_ABSOLUTE = lazy_pattern(r"^([A-Za-z]:|[\\/])")


@rule("ML206")
def workdir_not_absolute(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for top in df.instructions:
        instr = top.trigger if top.trigger is not None else top
        if instr.keyword != "WORKDIR" or instr.value is None or not instr.value.strip():
            continue  # unknown (a variable only the build knows) or missing
        value = instr.value.strip()
        span = instr.arguments.span
        if not _ABSOLUTE.match(value):
            if last_before(df, top, "WORKDIR") is not None:
                continue  # relative to a WORKDIR this Dockerfile set: well defined
            raw = instr.arguments.text
            via = f" (from '{raw}')" if raw != value else ""
            yield ctx.finding(
                span,
                f"WORKDIR '{value}'{via} is relative and nothing earlier sets a WORKDIR: it "
                "lands under the base image's working directory, which differs between bases "
                "(/ for most, /workspace for pytorch/pytorch and NGC images, /home/jovyan for "
                "Jupyter images) and can change with a new base tag, so COPY and the training "
                "command look in another folder; use an absolute path",
                fix=f"WORKDIR /{value.lstrip('./')}",
            )
            continue
        path = posixpath.normpath(value.replace("\\", "/")) if value.startswith("/") else value
        system = next((d for d in _SYSTEM_DIRS if path == d or path.startswith(d + "/")), None)
        if system is None:
            continue
        why = (
            "holds the host's kernels and boot loader, not a place for an application"
            if system == "/boot"
            else "is a kernel filesystem that the container runtime mounts over the image: "
            "what the build puts there is hidden at run time and the process works among "
            "kernel interfaces"
        )
        yield ctx.finding(
            span,
            f"WORKDIR '{value}' is inside {system}, which {why}; use an application "
            "directory such as /app or /workspace",
            fix="WORKDIR /app",
        )


def _shell_scripts(instr: Instruction) -> tuple[ShellScript, ...]:
    """The scripts of a RUN that a shell runs (not the single command of an exec-form RUN)."""
    form = instr.exec_form
    if form is not None and (not form or form[0].text.rsplit("/", 1)[-1] not in POSIX_SHELLS):
        return ()
    return instr.scripts


@rule("ML207")
def cd_in_run(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        scripts = _shell_scripts(instr)
        commands = [c for s in scripts for c in s.commands]
        if not commands or not all(s.complete for s in scripts):
            continue
        if not all(c.name == "cd" and c.depth == 0 for c in commands):
            continue
        first = commands[0]
        target = first.argv[1].value if len(first.argv) > 1 else "$HOME"
        yield ctx.finding(
            first.argv[0].span,
            f"this RUN only runs 'cd {target}': a directory change ends with its RUN, so the "
            "next instruction starts in the WORKDIR again and installs or copies land "
            f"elsewhere; use WORKDIR {target} (or RUN test -d {target} to check it exists)",
            fix=f"WORKDIR {target}",
        )


#: Commands whose failure on the left of a pipe does not matter (they cannot fail in practice,
#: or only on a file the next command would miss anyway).
_HARMLESS_LEFT = frozenset({"echo", "printf", "cat", "yes", "true", ":"})
_BUSYBOX_BASES = lazy_pattern(r"alpine|busybox", re.IGNORECASE)


def _left_name(command: Command) -> str:
    argv = effective_argv(command)
    return argv[0].value.rsplit("/", 1)[-1] if argv else ""


#: Shells that have ``set -o pipefail`` whatever the image (dash gained it only after 0.5.12).
_PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ksh", "mksh", "ash", "busybox"})
_BASH_SHELL = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]'


def _pipefail_fix(interp: Interpreter, df: Dockerfile, instr: Instruction) -> tuple[str, str]:
    """(advice, fix) for turning pipefail on with the shell that really runs the script.

    ``sh`` is BusyBox ash on Alpine (pipefail works) but dash on Debian and Ubuntu, where
    ``set -o pipefail`` is an error up to dash 0.5.12 (Debian 12, Ubuntu 24.04): there the fix is
    to run the script with bash."""
    program = interp.program
    busybox = program == "sh" and bool(_BUSYBOX_BASES.search(base_image(df, instr) or ""))
    capable = program in _PIPEFAIL_SHELLS or busybox
    shell_path = interp.argv[0] if interp.argv else "/bin/sh"
    no_pipefail = (
        "dash has no pipefail up to 0.5.12 ('set -o pipefail' fails the build)"
        if program == "dash"
        else f"{shell_path} is dash on Debian and Ubuntu bases, which has no pipefail up to "
        "dash 0.5.12 ('set -o pipefail' fails the build there)"
    )
    if interp.origin == "shebang":
        if capable:
            return "add 'set -o pipefail' at the top of the heredoc script", "set -o pipefail"
        return (
            f"{no_pipefail}: start the script with #!/bin/bash and 'set -o pipefail'",
            "#!/bin/bash\nset -o pipefail",
        )
    if interp.origin == "command line":
        shell = program if capable else "bash"
        return (
            f"run the heredoc with '{shell} -o pipefail' or start it with 'set -o pipefail'",
            f"{shell} -o pipefail <<EOF",
        )
    if interp.origin == "exec form":
        path = interp.argv[0] if capable else "/bin/bash"
        fix = f'["{path}", "-o", "pipefail", "-c", "…"]'
        return f"run it as {fix}", fix
    if busybox:
        fix = 'SHELL ["/bin/ash", "-o", "pipefail", "-c"]'
        return (
            f"/bin/sh is BusyBox ash here, which has pipefail: add {fix} before this RUN "
            "(or start the RUN with 'set -o pipefail')",
            fix,
        )
    if not capable:
        return f"{no_pipefail}: add {_BASH_SHELL} before this RUN", _BASH_SHELL
    fix = f'SHELL ["{interp.argv[0]}", "-o", "pipefail", "-c"]'
    return f"add {fix} before this RUN, or start the RUN with 'set -o pipefail'", fix


@rule("ML208")
def pipe_without_pipefail(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        found: list[tuple[Command, Command, Interpreter]] = []
        for script, interp in script_interpreters(df, instr):
            if not script.has_pipe or not script.complete or interp.program not in POSIX_SHELLS:
                continue
            on = interp.pipefail
            if not on and interp.origin == "SHELL" and interp.program == "bash":
                shellopts = env_before(df, instr).get("SHELLOPTS") or ""
                on = "pipefail" in shellopts.split(":")
            run_to_shell = {id(d.command) for d, _ in piped_to_interpreter(script)}
            sets = [
                (i, flag)
                for i, c in enumerate(script.commands)
                if c.depth == 0
                and c.name == "set"
                and (flag := pipefail_option([w.value for w in c.argv[1:]])) is not None
            ]
            for start, pipeline in pipelines(script):
                state = on
                for i, value in sets:
                    if i < start:
                        state = value
                if state:
                    continue
                culprit = next(
                    (
                        c
                        for c in pipeline[:-1]
                        if _left_name(c)
                        and _left_name(c) not in _HARMLESS_LEFT
                        and id(c) not in run_to_shell
                    ),
                    None,
                )
                if culprit is not None:
                    found.append((pipeline[0], culprit, interp))
        if not found:
            continue
        first, culprit, interp = found[0]
        advice, fix = _pipefail_fix(interp, df, instr)
        more = f" ({len(found) - 1} more pipe(s) in this RUN)" if len(found) > 1 else ""
        yield ctx.finding(
            first.span,
            f"a failure of '{_left_name(culprit)}' before this pipe is hidden: a pipe's exit "
            "status is its last command's, so the build goes on with a truncated download, a "
            f"missing model file or an empty index{more}; {advice}",
            fix=fix,
        )


@rule("ML209")
def non_numeric_user(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    final = df.final_stage
    if final is None:
        return
    last_user: Instruction | None = None
    for stage in df.stage_chain(final):  # nearest first, as ML201
        users = [i for i in stage.instructions if i.keyword == "USER" and i.words]
        if users:
            last_user = users[-1]
            break
    if last_user is None or last_user.value is None or "$" in last_user.arguments.text:
        return  # no USER, or one a build argument decides
    value = last_user.value.strip()
    name = value.split(":", 1)[0]
    if not name or name.isdigit() or _is_root(value):
        return  # a uid, or root (ML201's business)
    group = value.split(":", 1)[1] if ":" in value else ""
    fix_group = group if group.isdigit() else "10001"
    yield ctx.finding(
        last_user.arguments.span,
        f"USER '{value}' names the user instead of giving its uid: Kubernetes "
        "(runAsNonRoot) and other admission policies cannot tell from a name that it is not "
        "root and refuse to start the pod, and a name missing from /etc/passwd of the final "
        "image fails only when the container starts; use the numeric uid (and gid) the user "
        "was created with",
        fix=f"USER 10001:{fix_group}  # the uid/gid of '{name}'",
    )


#: useradd's short options that take a value (getopt: attached or the next word).
_USERADD_VALUES = frozenset("bcdefgGKkpsuZRP")
#: Its long options that take a value when written without ``=``.
_USERADD_LONG_VALUES = frozenset(
    "--base-dir --comment --home-dir --expiredate --inactive --gid --groups --key --skel"
    " --password --shell --uid --selinux-user --root --prefix --btrfs-subvolume-home".split()
)


def _useradd_uid(argv: tuple[Word, ...]) -> tuple[Word, str, bool] | None:
    """(word holding the uid, the uid as written, whether -l/--no-log-init is given)."""
    uid: tuple[Word, str] | None = None
    no_log_init = False
    i = 1
    while i < len(argv):
        w = argv[i]
        v = w.value
        i += 1
        if v.startswith("--"):
            name, eq, value = v.partition("=")
            if name == "--no-log-init":
                no_log_init = True
            elif name in _USERADD_LONG_VALUES:
                if not eq and i < len(argv):
                    w, value = argv[i], argv[i].value
                    i += 1
                if name == "--uid":
                    uid = (w, value)
            continue
        if not v.startswith("-") or len(v) < 2:
            continue
        for j in range(1, len(v)):
            c = v[j]
            if c == "l":
                no_log_init = True
            if c in _USERADD_VALUES:
                holder, value = w, v[j + 1 :]
                if not value and i < len(argv):
                    holder, value = argv[i], argv[i].value
                    i += 1
                if c == "u":
                    uid = (holder, value)
                break
    return None if uid is None else (uid[0], uid[1], no_log_init)


@rule("ML210")
def useradd_high_uid_without_l(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        scope: dict[str, str | None] | None = None
        for script in instr.scripts:
            for command in script.commands:
                argv = effective_argv(command)
                if not argv or argv[0].value.rsplit("/", 1)[-1] != "useradd":
                    continue
                found = _useradd_uid(argv)
                if found is None or found[2]:
                    continue
                word, raw, _ = found
                value: str | None = raw
                if "$" in raw:
                    scope = scope if scope is not None else scope_before(df, instr)
                    value = substitute(raw, scope)
                if value is None or not value.isdigit() or int(value) <= 99999:
                    continue  # unknown, or a uid small enough for the log files
                via = f" ('{raw}')" if raw != value else ""
                yield ctx.finding(
                    word.span,
                    f"useradd with the high uid {value}{via} and without -l/--no-log-init: "
                    "useradd writes the user's entry into /var/log/lastlog and faillog at an "
                    "offset proportional to the uid, and the sparse file is stored in full in "
                    "the layer, adding gigabytes to the image (or filling the disk during the "
                    "build); add --no-log-init",
                    fix=f"useradd --no-log-init --uid {value} …",
                )


_PORT_SPEC = lazy_pattern(r"^(\d+)(?:-(\d+))?(?:/([A-Za-z]+))?$")


@rule("ML211")
def expose_ssh(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for top in df.instructions:
        instr = top.trigger if top.trigger is not None else top
        if instr.keyword != "EXPOSE":
            continue
        scope: dict[str, str | None] | None = None
        for word in instr.words:
            raw = word.text
            value: str | None = raw.strip("'\"")
            if "$" in raw:
                scope = scope if scope is not None else scope_before(df, top)
                value = substitute(raw, scope)
            for piece in (value or "").split():
                m = _PORT_SPEC.match(piece)
                if m is None or (m.group(3) or "tcp").lower() != "tcp":
                    continue
                low = int(m.group(1))
                high = int(m.group(2)) if m.group(2) else low
                if not low <= 22 <= high:
                    continue
                via = f" (from '{raw}')" if piece != raw else ""
                yield ctx.finding(
                    word.span,
                    f"EXPOSE {piece}{via} declares the SSH port: an SSH server in the image is "
                    "a second way in with its own keys or passwords to leak, and a training or "
                    "notebook container left reachable on 22 is a common entry point; use "
                    "'docker exec' or 'kubectl exec' to get a shell, and remove port 22",
                    fix="# remove port 22; get a shell with: docker exec -it <container> bash",
                )


_SH_PATHS = frozenset({"/bin/sh", "/usr/bin/sh"})
_LN_VALUES = frozenset({"-S", "--suffix", "-t", "--target-directory"})


@rule("ML212")
def shell_changed_by_run(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for script in instr.scripts:
            for command in script.commands:
                argv = effective_argv(command)
                if not argv or argv[0].value.rsplit("/", 1)[-1] != "ln":
                    continue
                operands: list[Word] = []
                skip = False
                for w in argv[1:]:
                    if skip:
                        skip = False
                    elif w.value.startswith("-") and len(w.value) > 1:
                        skip = w.value in _LN_VALUES
                        if w.value.startswith(("-t", "--target-directory")):
                            operands = []
                            break  # ln -t DIR: the destination is a directory
                    else:
                        operands.append(w)
                if len(operands) < 2 or operands[-1].value.rstrip("/") not in _SH_PATHS:
                    continue
                target = operands[-1]
                shell = operands[0].value
                yield ctx.finding(
                    target.span,
                    f"'ln … {target.value}' replaces the system shell with {shell}: every "
                    "later RUN, the scripts of installed packages (dpkg maintainer scripts "
                    "are written for dash) and any child image now run under another shell "
                    "without the Dockerfile saying so; set the shell of RUN with "
                    'SHELL ["/bin/bash", "-c"] (add "-o", "pipefail" for pipes) instead',
                    fix='SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
                )
