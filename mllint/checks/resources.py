"""ML3xx: images and containers that do not waste disk, memory or time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mllint.checks.dockerfile_walk import env_before, exported, runs
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject
from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.parsers.commands import package_installs


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
                yield ctx.finding(
                    command.argv[0].span,
                    "pip keeps its download cache in the image layer (for torch and CUDA wheels "
                    "that is gigabytes); add --no-cache-dir or a cache mount",
                    fix="pip install --no-cache-dir …  or  RUN --mount=type=cache,"
                    "target=/root/.cache/pip pip install …",
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
