"""ML1xx: builds that give the same image tomorrow as today."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mllint.checks.dockerfile_walk import runs
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.dockerfile import Dockerfile
from mllint.model.shell import Word
from mllint.parsers.commands import package_installs


@rule("ML101")
def unpinned_base_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for stage in df.stages:
        ref = stage.image
        if ref.is_unresolved or ref.is_scratch or ref.is_stage or ref.digest:
            continue
        if ref.tag is not None and ref.tag != "latest":
            continue
        via = f" (resolved from '{ref.text.text}')" if ref.text.text != ref.resolved else ""
        problem = "has no tag, so it means ':latest'" if ref.tag is None else "uses ':latest'"
        yield ctx.finding(
            ref.text.span,
            f"base image '{ref.resolved}'{via} {problem}: every build may get a different "
            "image; pin a version tag",
            fix=f"FROM {ref.name}:<version> (or add @sha256:<digest> to freeze it)",
        )


_SPECIFIER = re.compile(r"(===|==|>=|<=|~=|!=|<|>)")
_ARCHIVE = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip", ".tar")


def _pip_package_is_pinned(word: Word) -> bool | None:
    """True/False for a requirement we can judge; None for one we cannot (variables, paths)."""
    value = word.value.strip()
    if word.dynamic or not value:
        return None
    if "@" in value or "://" in value or value.startswith((".", "/", "~")):
        return None  # direct reference, URL, VCS or local path: not a version question
    if "/" in value or value.lower().endswith(_ARCHIVE):
        return None
    return bool(_SPECIFIER.search(value.split(";", 1)[0]))


@rule("ML102")
def unpinned_pip_package(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for script in instr.scripts:
            for install in package_installs(script):
                if (
                    install.manager == "uv"
                    and install.command.args()[:1]
                    and (install.command.args()[0].value != "pip")
                ):
                    continue  # uv add / uv sync work from pyproject.toml and uv.lock
                if install.manager not in ("pip", "uv"):
                    continue
                for word in install.packages:
                    if _pip_package_is_pinned(word) is False:
                        name = re.split(r"[\[;]", word.value, maxsplit=1)[0]
                        yield ctx.finding(
                            word.span,
                            f"pip package '{word.value}' has no version: the next build may "
                            f"install a different release; pin it ({name}==<version>) or "
                            "install from a requirements/constraints file",
                            fix=f"{word.value}==<version>",
                        )
