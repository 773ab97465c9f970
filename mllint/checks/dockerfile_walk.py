"""Ways through a Dockerfile model that several rules share."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from mllint.model.dockerfile import POSIX_SHELLS, Dockerfile, Heredoc, Instruction
from mllint.model.shell import Command, ShellScript, Word
from mllint.parsers.commands import _SPECS, _parse_options  # the option tables of the managers
from mllint.parsers.shell import effective_argv
from mllint.patterns import lazy_pattern


def runs(df: Dockerfile) -> Iterator[Instruction]:
    """Every RUN, including those inside ONBUILD (they run in every child image)."""
    for instr in df.instructions:
        if instr.keyword == "RUN":
            yield instr
        elif instr.trigger is not None and instr.trigger.keyword == "RUN":
            yield instr.trigger


def env_before(df: Dockerfile, instr: Instruction) -> dict[str, str | None]:
    """ENV in effect when ``instr`` runs: its stage's earlier ENVs over its parents' ENVs."""
    if instr.stage < 0:
        return {}
    stage = df.stages[instr.stage]
    env: dict[str, str | None] = {}
    for s in reversed(df.stage_chain(stage)):
        for i in s.instructions:
            if s is stage and i.span.line >= instr.span.line:
                break
            if i.keyword == "ENV":
                env.update((kv.key.text, kv.resolved) for kv in i.pairs)
    return env


def scope_before(df: Dockerfile, instr: Instruction) -> dict[str, str | None]:
    """ARG and ENV values in effect when ``instr`` runs, for resolving ``$VAR`` in its text."""
    if instr.stage < 0:
        return {kv.key.text: kv.resolved for kv in df.global_args}
    scope = env_before(df, instr)
    for i in df.stages[instr.stage].instructions:
        if i.span.line >= instr.span.line:
            break
        if i.keyword == "ARG":
            scope.update((kv.key.text, kv.resolved) for kv in i.pairs)
    return scope


def exported(commands: tuple[Command, ...], name: str, before: Command) -> bool:
    """Whether an earlier ``export NAME=…`` in the same script sets ``name``."""
    for command in commands:
        if command is before:
            return False
        if command.name == "export" and any(
            w.value.split("=", 1)[0] == name for w in command.args()
        ):
            return True
    return False


# --------------------------------------------------------------------------- earlier instructions


def last_before(df: Dockerfile, instr: Instruction, keyword: str) -> Instruction | None:
    """The last ``keyword`` instruction in effect when ``instr`` runs: earlier in its own stage,
    else anywhere in the stages it builds on (``FROM parent``), nearest first."""
    if instr.stage < 0:
        return None
    stage = df.stages[instr.stage]
    for s in df.stage_chain(stage):
        found = None
        for i in s.instructions:
            if s is stage and i.span.line >= instr.span.line:
                break
            if i.keyword == keyword:
                found = i
        if found is not None:
            return found
    return None


DEFAULT_SHELL = ("/bin/sh", "-c")


def shell_before(df: Dockerfile, instr: Instruction) -> tuple[str, ...]:
    """The SHELL a shell-form RUN at ``instr`` runs with (BuildKit's default ``/bin/sh -c``).

    A SHELL set in an external base image is not known here; the default is assumed."""
    found = last_before(df, instr, "SHELL")
    if found is None or not found.exec_form:
        return DEFAULT_SHELL
    return tuple(w.text for w in found.exec_form)


def base_image(df: Dockerfile, instr: Instruction) -> str | None:
    """The external image the stage of ``instr`` starts from (through ``FROM stage``), if known."""
    if instr.stage < 0:
        return None
    root = df.stage_chain(df.stages[instr.stage])[-1]
    return None if root.image.is_stage else root.image.resolved


# --------------------------------------------------------------------------- who runs a script


class Interpreter(NamedTuple):
    """The program that runs one shell script of a RUN, with its options."""

    argv: tuple[str, ...]  # e.g. ("/bin/bash", "-o", "pipefail", "-c") or ("/usr/bin/env", "bash")
    origin: str  # "SHELL", "shebang", "command line" (RUN bash <<EOF) or "exec form"

    @property
    def program(self) -> str:
        """Basename of the shell, looking through ``/usr/bin/env [-S] bash``."""
        if not self.argv:
            return "sh"
        name = _base(self.argv[0])
        if name == "env":
            rest = [a for a in self.argv[1:] if not a.startswith("-") and "=" not in a]
            name = _base(rest[0]) if rest else "env"
        return name

    @property
    def pipefail(self) -> bool:
        """Whether the interpreter is started with ``-o pipefail``."""
        return bool(pipefail_option(self.argv[1:]))


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


_SET_O = lazy_pattern(r"[-+][A-Za-z]*o")


def pipefail_option(args: Sequence[str]) -> bool | None:
    """``-o pipefail`` (also ``-euo pipefail``) turns it on, ``+o pipefail`` off; None: neither."""
    state = None
    for prev, arg in itertools.pairwise(args):
        if arg == "pipefail" and _SET_O.fullmatch(prev):
            state = prev[0] == "-"
    return state


_HEREDOC_MARKER = lazy_pattern(r"^\d*<<")


def script_interpreters(
    df: Dockerfile, instr: Instruction
) -> Iterator[tuple[ShellScript, Interpreter]]:
    """Each shell script of a RUN with the interpreter that really runs it.

    BuildKit runs a shell-form RUN as SHELL + command line. ``RUN <<EOF`` alone runs a body that
    starts with ``#!`` as an executable file (the shebang decides), any other body with SHELL;
    ``RUN bash -e <<EOF`` feeds the body to that command line's shell. An exec-form RUN runs a
    shell only when it names one (``["bash", "-c", "…"]``); otherwise it has no shell script."""
    if instr.exec_form is not None:
        argv = tuple(w.text for w in instr.exec_form)
        if instr.scripts and len(argv) >= 3 and _base(argv[0]) in POSIX_SHELLS:
            flags = argv[1]
            if flags.startswith("-") and "c" in flags:
                yield instr.scripts[0], Interpreter(argv[:2], "exec form")
        return
    shell = Interpreter(shell_before(df, instr), "SHELL")
    if not instr.heredocs:
        for script in instr.scripts:
            yield script, shell
        return
    line = [w for w in instr.arguments.text.split() if not _HEREDOC_MARKER.match(w)]
    for script in instr.scripts:
        doc = _heredoc_of(instr.heredocs, script)
        if doc is None:
            yield script, shell
        elif line and _base(line[0]) in POSIX_SHELLS:
            yield script, Interpreter(tuple(line), "command line")
        elif not line and len(instr.heredocs) == 1 and doc.body.startswith("#!"):
            yield script, Interpreter(tuple(doc.body.split("\n", 1)[0][2:].split()), "shebang")
        else:
            yield script, shell


def _heredoc_of(heredocs: tuple[Heredoc, ...], script: ShellScript) -> Heredoc | None:
    if not script.commands:
        return None
    first = script.commands[0].span
    for doc in heredocs:
        s = doc.span
        if (s.line, s.column) <= (first.line, first.column) <= (s.end_line, s.end_column):
            return doc
    return None


def pipelines(script: ShellScript, depth: int = 0) -> Iterator[tuple[int, tuple[Command, ...]]]:
    """The pipelines (two or more commands joined by ``|``) at ``depth`` of ``script``, each with
    the index of its first command in ``script.commands``."""
    current: list[Command] = []
    start = 0
    for index, command in enumerate(script.commands):
        if command.depth != depth:
            continue
        if current and command.pipe_in:
            current.append(command)
        else:
            if len(current) > 1:
                yield start, tuple(current)
            current, start = [command], index
        if not command.pipe_out:
            if len(current) > 1:
                yield start, tuple(current)
            current = []
    if len(current) > 1:
        yield start, tuple(current)


# --------------------------------------------------------------------------- package managers

#: Program names of the system package managers, and the option table each one's spelling uses.
_SYSTEM_MANAGERS = {
    "apt-get": "apt-get",
    "apt": "apt",
    "apk": "apk",
    "yum": "yum",
    "dnf": "dnf",
    "dnf5": "dnf",
    "microdnf": "microdnf",
    "tdnf": "dnf",
    "zypper": "zypper",
}


class ManagerCall(NamedTuple):
    """A system package manager run with a subcommand: ``apt-get -y dist-upgrade``."""

    manager: str  # the program as written, basename: "apt-get", "dnf5"
    command: Command
    verb: Word  # the subcommand
    operands: tuple[Word, ...]  # the positional words after it (package names)
    options: dict[str, Word | None]


def manager_calls(script: ShellScript) -> Iterator[ManagerCall]:
    """Every system package manager command in ``script`` (through sudo, env, …), with its
    subcommand found past the options and their values (``apt-get -o Opt=1 upgrade``)."""
    for command in script.commands:
        argv = effective_argv(command)
        if not argv:
            continue
        tool = _base(argv[0].value)
        spec = _SYSTEM_MANAGERS.get(tool)
        if spec is None:
            continue
        parsed = _parse_options(argv[1:], _SPECS[spec])
        if not parsed.positionals:
            continue
        verb, *operands = parsed.positionals
        yield ManagerCall(tool, command, verb, tuple(operands), parsed.options)
