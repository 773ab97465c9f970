"""ML3xx: images and containers that do not waste disk, memory or time."""

from __future__ import annotations

from collections.abc import Iterator

from mllint.checks.dockerfile_walk import env_before, exported, runs
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
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
                if install.has("--no-cache-dir"):
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
