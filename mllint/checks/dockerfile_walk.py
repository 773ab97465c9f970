"""Ways through a Dockerfile model that several rules share."""

from __future__ import annotations

from collections.abc import Iterator

from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.shell import Command


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
