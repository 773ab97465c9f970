"""ML3xx: images and containers that do not waste disk, memory or time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence

from mllint.checks.dockerfile_walk import env_before, exported, runs, scope_before
from mllint.checks.edits import after, append_to_run, fix
from mllint.checks.package_managers import (
    FAMILIES,
    Invocation,
    cached,
    configured,
    invocation,
    removes,
    shell_commands,
    shipped_stages,
)
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject
from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.shell import Command
from mllint.model.span import Span
from mllint.parsers.commands import package_installs
from mllint.parsers.shell import effective_argv
from mllint.patterns import lazy_pattern


def _caches_pip(instr: Instruction) -> bool:
    """A cache or tmpfs mount over pip's cache keeps it out of the layer."""
    for mount in instr.mounts:
        target = (mount.target or "").rstrip("/")
        if mount.type in ("cache", "tmpfs") and (
            target.endswith((".cache/pip", "/.cache")) or target == "/root/.cache"
        ):
            return True
    return False


def _no_cache_dir(options: Mapping[str, object]) -> bool:
    """pip takes any unambiguous prefix of a long option: ``--no-cache`` is ``--no-cache-dir``
    (``--no-c`` alone would also match ``--no-clean``/``--no-compile``/``--no-color``)."""
    return any(
        len(name) >= len("--no-ca") and "--no-cache-dir".startswith(name.split("=", 1)[0])
        for name in options
    )


@rule("ML301")
def pip_cache_in_layer(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        if _caches_pip(instr):
            continue
        env = None
        for script in instr.scripts:
            for install in package_installs(script):
                if install.manager != "pip":
                    continue
                if _no_cache_dir(install.options):
                    continue
                command = install.command
                if any(a.value.startswith("PIP_NO_CACHE_DIR=") for a in command.assignments):
                    continue
                if exported(script.commands, "PIP_NO_CACHE_DIR", command):
                    continue
                if env is None:
                    env = env_before(df, instr)
                if env.get("PIP_NO_CACHE_DIR", "") != "" or (
                    "PIP_NO_CACHE_DIR" in env and env["PIP_NO_CACHE_DIR"] is None
                ):
                    continue
                verb = None  # an exec-form RUN holds JSON strings: no fix placed there
                if not instr.is_exec_form:
                    verb = next((w for w in command.argv if w.text == "install"), None)
                yield ctx.finding(
                    command.argv[0].span,
                    "pip keeps its download cache in the image layer (for torch and CUDA wheels "
                    "that is gigabytes); add --no-cache-dir or a cache mount",
                    fix="pip install --no-cache-dir …  or  RUN --mount=type=cache,"
                    "target=/root/.cache/pip pip install …",
                    autofix=fix("add --no-cache-dir", verb and after(verb, " --no-cache-dir")),
                )


@rule("ML302")
def no_memory_limit(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        if service.get("mem_limit") is not None:
            continue
        if service.at("deploy", "resources", "limits", "memory") is not None:
            continue
        yield ctx.finding(
            service.key.span,
            f"services.{service.name} has no memory limit: one leaking data loader or too "
            "large a batch can exhaust the host's memory and get other services OOM-killed; "
            "set deploy.resources.limits.memory (or mem_limit)",
            fix="deploy:\n  resources:\n    limits:\n      memory: 16g",
            path=service.key.path,
        )


# --------------------------------------------------------------------------- package managers
# Shared by ML303-ML305 here and ML404/ML405 in security.py: how a package-manager command was
# spelled (options, verb, packages) and which configuration text a RUN writes into which file.


def _apt_lists(path: str) -> bool:
    return path in ("/var/lib/apt", "/var/lib/apt/lists") or path.startswith("/var/lib/apt/lists")


def _apk_cache(path: str) -> bool:
    return path.startswith("/var/cache/apk") or path == "/etc/apk/cache"


def _rpm_cache(path: str) -> bool:
    return path == "/var/cache" or path.startswith(
        ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/tdnf")
    )


def _zypp_cache(path: str) -> bool:
    return path == "/var/cache" or path.startswith("/var/cache/zypp")


def _conda_pkgs(path: str) -> bool:
    return path.endswith(("/pkgs", ".cache/mamba")) or "/pkgs/" in path


_APT_INSTALLS = frozenset(
    "install reinstall upgrade dist-upgrade full-upgrade build-dep satisfy source".split()
)
_RPM_INSTALLS = frozenset(
    "install in groupinstall localinstall reinstall rei update upgrade up upgrade-minimal"
    " up-min update-minimal distro-sync downgrade swap".split()
)
_ZYPPER_INSTALLS = frozenset(
    "install in update up dist-upgrade dup patch install-new-recommends inr".split()
)
_CONDA_INSTALLS = frozenset("install create update upgrade".split())
_RPM_CACHE_DIRS = {
    "yum": "/var/cache/yum",
    "dnf": "/var/cache/dnf",
    "dnf5": "/var/cache/libdnf5",
    "microdnf": "/var/cache/yum",
    "tdnf": "/var/cache/tdnf",
}
_CONDA_CLEAN = {
    "conda": "conda clean --all --yes",
    "mamba": "mamba clean --all --yes",
    "micromamba": "micromamba clean --all --yes",
}


def _rpm_installs(inv: Invocation) -> bool:
    verb = inv.verb()
    if verb in ("group", "module"):
        return inv.verb(1) in ("install", "update", "upgrade")
    return verb in _RPM_INSTALLS


def _conda_installs(inv: Invocation) -> bool:
    if inv.has("-d", "--dry-run", "--json-dry-run"):
        return False
    if inv.verb() == "env":
        return inv.verb(1) in ("create", "update")
    return inv.verb() in _CONDA_INSTALLS


def _invocations(
    df: Dockerfile, instr: Instruction, commands: Sequence[Command]
) -> list[tuple[int, Invocation]]:
    """The package-manager commands among ``commands``, with their index."""
    scope: Mapping[str, str | None] | None = None
    out = []
    for k, command in enumerate(commands):
        argv = effective_argv(command)
        if not argv or argv[0].value.rpartition("/")[2] not in FAMILIES:
            continue
        if scope is None:
            scope = scope_before(df, instr)
        inv = invocation(command, scope)
        if inv is not None:
            out.append((k, inv))
    return out


def _cleaned(
    later: Sequence[tuple[int, Invocation]],
    commands: Sequence[Command],
    k: int,
    family: str,
    verbs: tuple[str, ...],
    path: Callable[[str], bool],
) -> bool:
    """Whether a cleanup runs after command ``k``: a ``clean`` of the same family (with
    ``all`` for the rpm family) or an ``rm`` of the cache directory."""
    for j, other in later:
        if j <= k or other.family != family or other.verb() not in verbs:
            continue
        if family == "rpm" and "all" not in (p.value for p in other.positionals[1:]):
            continue
        if family == "conda" and not other.has("-a", "--all", "-t", "--tarballs"):
            continue
        return True
    return any(removes(c, path) for c in commands[k + 1 :])


@rule("ML303")
def package_cache_in_layer(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    shipped = shipped_stages(df)
    triggers = {id(i.trigger) for i in df.instructions if i.trigger is not None}
    for instr in runs(df):
        if instr.stage not in shipped and id(instr) not in triggers:
            continue
        commands = shell_commands(instr)
        if not commands:
            continue
        invs = _invocations(df, instr, commands)
        reported: set[Span] = set()
        for k, inv in invs:
            hit = _cache_hit(df, instr, commands, invs, k, inv, ctx)
            if hit is not None and hit.span not in reported:
                reported.add(hit.span)
                yield hit


def _cache_hit(
    df: Dockerfile,
    instr: Instruction,
    commands: Sequence[Command],
    invs: Sequence[tuple[int, Invocation]],
    k: int,
    inv: Invocation,
    ctx: RuleContext[None],
) -> Hit | None:
    tool, verb = inv.tool, inv.verb()
    if inv.family == "apt" and verb == "update":
        if cached(instr, _apt_lists) or any(removes(c, _apt_lists) for c in commands[k + 1 :]):
            return None
        install = next(
            (i for j, i in invs if j > k and i.family == "apt" and i.verb() in _APT_INSTALLS),
            inv,
        )
        return ctx.finding(
            install.program.span,
            f"{tool} update leaves the package lists (/var/lib/apt/lists, tens of MB) in this "
            "layer, shipped with every pull of the image; end the same RUN with "
            "`rm -rf /var/lib/apt/lists/*`",
            fix="… && rm -rf /var/lib/apt/lists/*  or  RUN --mount=type=cache,"
            "target=/var/lib/apt/lists,sharing=locked …",
            autofix=fix(
                "remove the apt lists", append_to_run(instr, "rm -rf /var/lib/apt/lists/*")
            ),
        )
    if inv.family == "apk" and verb == "add":
        if inv.unknown or inv.has("--no-cache") or cached(instr, _apk_cache):
            return None
        if any(removes(c, _apk_cache) for c in commands[k + 1 :]):
            return None
        verb_word = inv.positionals[0] if inv.positionals else None
        return ctx.finding(
            inv.program.span,
            "apk add without --no-cache keeps the package index in /var/cache/apk in this "
            "layer; use `apk add --no-cache`",
            fix="apk add --no-cache …",
            autofix=fix("add --no-cache", verb_word and after(verb_word, " --no-cache")),
        )
    if inv.family == "rpm" and _rpm_installs(inv):
        cache = _RPM_CACHE_DIRS.get(tool, "/var/cache/dnf")
        if cached(instr, _rpm_cache) or _cleaned(invs, commands, k, "rpm", ("clean",), _rpm_cache):
            return None
        return ctx.finding(
            inv.program.span,
            f"{tool} {verb} leaves its package and metadata cache ({cache}) in this layer; "
            f"end the same RUN with `{tool} clean all`",
            fix=f"… && {tool} clean all  (or rm -rf {cache})",
            autofix=fix(f"{tool} clean all", append_to_run(instr, f"{tool} clean all")),
        )
    if inv.family == "zypper" and verb in _ZYPPER_INSTALLS:
        if cached(instr, _zypp_cache) or _cleaned(
            invs, commands, k, "zypper", ("clean", "cc"), _zypp_cache
        ):
            return None
        return ctx.finding(
            inv.program.span,
            f"zypper {verb} leaves its repository metadata and package cache (/var/cache/zypp) "
            "in this layer; end the same RUN with `zypper clean --all`",
            fix="… && zypper clean --all",
            autofix=fix("zypper clean --all", append_to_run(instr, "zypper clean --all")),
        )
    if inv.family == "conda" and _conda_installs(inv):
        if _conda_cached(df, instr) or _cleaned(
            invs, commands, k, "conda", ("clean",), _conda_pkgs
        ):
            return None
        clean = _CONDA_CLEAN.get(tool, "conda clean --all --yes")
        what = "env " + inv.verb(1) if verb == "env" else verb
        return ctx.finding(
            inv.program.span,
            f"{tool} {what} keeps every package it downloads in its pkgs cache, tarball and "
            "extracted copy (gigabytes for pytorch, cudatoolkit and MKL), in this layer; "
            f"end the same RUN with `{clean}`",
            fix=f"… && {clean}  or  RUN --mount=type=cache,target=/opt/conda/pkgs …",
            autofix=fix(clean, append_to_run(instr, clean)),
        )
    return None


def _conda_cached(df: Dockerfile, instr: Instruction) -> bool:
    if cached(instr, _conda_pkgs):
        return True
    env = env_before(df, instr)
    dirs = {
        d.rstrip("/")
        for name in ("CONDA_PKGS_DIRS", "MAMBA_PKGS_DIRS")
        for d in (env.get(name) or "").split(",")
        if d
    }
    return bool(dirs) and cached(instr, lambda target: target in dirs)


# --------------------------------------------------------------------------- ML304 / ML305

#: apt configuration files: /etc/apt/apt.conf and /etc/apt/apt.conf.d/*.
APT_CONF = lazy_pattern(r"^/etc/apt/apt\.conf(?:\.d(?:/|$)|$)")
#: yum/dnf/tdnf configuration: the main file and repository files.
RPM_CONF = lazy_pattern(
    r"^/etc/(?:yum\.conf|dnf/|yum/|yum\.repos\.d/|distro\.repos\.d/|tdnf/|zypp/)|\.repo$"
)
_NO_RECOMMENDS = lazy_pattern(
    r"APT::Install-Recommends\s*(?:=|\s)\s*\"?(?:false|0|no|off)\b", re.IGNORECASE
)
_APT_ASSUME_YES = lazy_pattern(
    r"APT::Get::Assume-Yes\s*(?:=|\s)\s*\"?(?:true|1|yes|on)\b", re.IGNORECASE
)
_RPM_ASSUME_YES = lazy_pattern(r"(?<![\w-])assumeyes\s*=\s*(?:1|true|yes|on)\b", re.IGNORECASE)
_FALSE = frozenset({"false", "0", "no", "off"})


def _apt_option(inv: Invocation, pattern: re.Pattern[str]) -> bool:
    """Whether ``-o Key=value`` sets a configuration item matching ``pattern``."""
    return any(
        o.name in ("-o", "--option") and o.value is not None and pattern.search(o.value)
        for o in inv.options
    )


def _stdin_given(command: Command) -> bool:
    """``yes | apt-get install …`` or ``apt-get install … < answers``: something answers.
    Not through ``xargs``, which gives the command it runs /dev/null as its input."""
    if command.argv and command.argv[0].value.rpartition("/")[2] == "xargs":
        return False
    return command.pipe_in or any(
        w.value in ("<", "<<<", "<<", "<<-", "0<") for w in command.redirects
    )


#: Base images whose apt configuration already answers yes (CircleCI's convenience images
#: write ``APT::Get::Assume-Yes "true";`` into /etc/apt/apt.conf.d/90circleci).
_ASSUME_YES_BASES = ("cimg/", "circleci/")


def _base_assumes_yes(df: Dockerfile, instr: Instruction) -> bool:
    if instr.stage < 0:
        return False
    root = df.stage_chain(df.stages[instr.stage])[-1].image
    return (root.repository or "").startswith(_ASSUME_YES_BASES)


@rule("ML304")
def apt_install_recommends(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        commands = shell_commands(instr)
        if not commands:
            continue
        for _, inv in _invocations(df, instr, commands):
            if inv.family != "apt" or inv.verb() != "install" or inv.unknown:
                continue
            if inv.has("--no-install-recommends") or _apt_option(inv, _NO_RECOMMENDS):
                continue
            flag = inv.find("--install-recommends")
            if flag is not None and (flag.value or "").lower() in _FALSE:
                continue
            if "APT_CONFIG" in env_before(df, instr):
                continue  # a configuration file we cannot read
            if configured(df, instr, inv.command, _NO_RECOMMENDS, APT_CONF):
                continue
            yield ctx.finding(
                inv.positionals[0].span,
                f"{inv.tool} install without --no-install-recommends also installs every "
                "recommended package: X11 libraries, fonts, documentation and compilers, often "
                "hundreds of MB on top of a CUDA image",
                fix=f"{inv.tool} install -y --no-install-recommends …",
                autofix=fix(
                    "add --no-install-recommends",
                    after(inv.positionals[0], " --no-install-recommends"),
                ),
            )


_APT_PROMPTING = frozenset(
    "install reinstall remove purge upgrade dist-upgrade full-upgrade autoremove autopurge"
    " build-dep satisfy".split()
)
_APT_NO_ACT = ("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")
_RPM_PROMPTING = frozenset(
    "install in groupinstall localinstall reinstall rei remove rm erase autoremove upgrade"
    " update up downgrade distro-sync swap upgrade-minimal update-minimal".split()
)
_RPM_SUBVERBS = frozenset(
    "install remove erase upgrade update enable disable reset switch-to".split()
)
_ZYPPER_PROMPTING = frozenset(
    "install in remove rm update up dist-upgrade dup patch source-install si"
    " install-new-recommends inr".split()
)


def _apt_answers(inv: Invocation) -> bool:
    if inv.has("-y", "--yes", "--assume-yes", *_APT_NO_ACT) or _apt_option(inv, _APT_ASSUME_YES):
        return True
    quiet = 0
    for o in inv.options:
        if o.name in ("-q", "--quiet"):
            quiet += int(o.value) if o.value is not None and o.value.isdigit() else 1
    return quiet >= 2  # -qq implies -y


def _rpm_answers(inv: Invocation) -> bool:
    return inv.has("-y", "--assumeyes") or any(
        o.name == "--setopt" and o.value is not None and _RPM_ASSUME_YES.search(o.value)
        for o in inv.options
    )


def _zypper_answers(inv: Invocation) -> bool:
    return any(
        o.name in ("-y", "--no-confirm", "--non-interactive")
        or (o.name == "-n" and o.before_verb)  # after the verb, -n is --name
        for o in inv.options
    )


@rule("ML305")
def apt_install_without_yes(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        commands = shell_commands(instr)
        if not commands:
            continue
        for _, inv in _invocations(df, instr, commands):
            if inv.unknown or _stdin_given(inv.command):
                continue
            verb = inv.verb()
            if inv.family == "apt" and verb in _APT_PROMPTING:
                if _apt_answers(inv) or "APT_CONFIG" in env_before(df, instr):
                    continue
                if _base_assumes_yes(df, instr):
                    continue
                if configured(df, instr, inv.command, _APT_ASSUME_YES, APT_CONF):
                    continue
                message = (
                    f'{inv.tool} {verb} without -y: apt asks "Do you want to continue? [Y/n]" '
                    "whenever more than the named packages change, reads end of input in a "
                    "docker build and aborts, so the build fails (DEBIAN_FRONTEND="
                    "noninteractive silences debconf, not this prompt)"
                )
                fix = f"{inv.tool} {verb} -y …"
            elif (
                inv.family == "rpm"
                and inv.tool in ("yum", "dnf", "dnf5", "tdnf")
                and (
                    verb in _RPM_PROMPTING
                    or (verb in ("group", "module") and inv.verb(1) in _RPM_SUBVERBS)
                )
            ):
                if _rpm_answers(inv):
                    continue
                if configured(df, instr, inv.command, _RPM_ASSUME_YES, RPM_CONF):
                    continue
                message = (
                    f'{inv.tool} {verb} without -y: {inv.tool} asks "Is this ok [y/N]", reads '
                    'end of input in a docker build and stops with "Operation aborted", so '
                    "the build fails"
                )
                fix = f"{inv.tool} {verb} -y …"
            elif inv.family == "zypper" and verb in _ZYPPER_PROMPTING:
                if _zypper_answers(inv):
                    continue
                message = (
                    f'zypper {verb} without --non-interactive: zypper asks "Continue? [y/n/...]'
                    '" and fails with "Cannot read input: bad stream or EOF" in a docker build'
                    f" (after {verb}, -n means --name)"
                )
                fix = f"zypper --non-interactive {verb} …  (or zypper {verb} -y …)"
            else:
                continue
            yield ctx.finding(inv.positionals[0].span, message, fix=fix)


# --------------------------------------------------------------------------- ML306

_FETCHERS = ("curl", "wget")
_FETCHER_PACKAGE = lazy_pattern(r"^(curl|wget)(?:[=<>~:].*)?$")
_SYSTEM_INSTALLERS = frozenset(
    {"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "conda"}
)
_REMOVE_VERBS = frozenset({"remove", "purge", "del", "erase", "uninstall", "rm"})


def _fetcher_events(instr: Instruction) -> Iterator[tuple[str, str, Span]]:
    """(tool, "install"|"use"|"remove", where) for curl and wget in a RUN, in order."""
    commands = shell_commands(instr)
    if not commands:
        return
    installs = {
        i.command.span: i
        for script in instr.scripts
        for i in package_installs(script)
        if i.manager in _SYSTEM_INSTALLERS
    }
    for command in commands:
        install = installs.get(command.span)
        if install is not None:
            for w in install.packages:
                m = _FETCHER_PACKAGE.match(w.value)
                if m is not None:
                    yield m.group(1), "install", w.span
            continue
        argv = effective_argv(command)
        if not argv:
            continue
        tool = argv[0].value.rpartition("/")[2]
        if tool in _FETCHERS:
            yield tool, "use", argv[0].span
        elif tool in FAMILIES and any(w.value in _REMOVE_VERBS for w in argv[1:]):
            for w in argv[1:]:
                m = _FETCHER_PACKAGE.match(w.value)
                if m is not None:
                    yield m.group(1), "remove", w.span


@rule("ML306")
def curl_and_wget(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    final = df.final_stage
    if final is None:
        return
    present: dict[str, Span] = {}
    for stage in reversed(df.stage_chain(final)):
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            for tool, event, span in _fetcher_events(instr):
                if event == "remove":
                    present.pop(tool, None)
                    continue
                if tool in present:
                    continue
                other = "wget" if tool == "curl" else "curl"
                if other in present:
                    first = present[other]
                    yield ctx.finding(
                        span,
                        f"the image has both curl and wget ({other} first at line "
                        f"{first.line}): one download tool is enough; the other adds "
                        "megabytes and attack surface to every training and serving node "
                        f"that pulls the image; use {other} here too, or python -c with "
                        "urllib / huggingface_hub for model and dataset downloads",
                        fix=f"use {other} (or only {tool}) throughout the image",
                    )
                    return
                present[tool] = span
