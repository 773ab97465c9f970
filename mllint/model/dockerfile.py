"""The typed, immutable model of a Dockerfile, with a span on every node.

The model records what BuildKit would read, not what it means for a rule: it holds raw text
(quotes kept) and the values resolved through ARG/ENV where they can be known. ``None`` for a
resolved value always means "only known at build time"; rules treat it as unknown, never as bad.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from mllint.model.span import Located, SourceMap, Span

if TYPE_CHECKING:
    from mllint.model.shell import ShellScript

#: Shells whose syntax our shell analysis understands; RUN under any other SHELL is opaque.
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox", "mksh"})


class Flag(NamedTuple):
    """An instruction flag such as ``--mount=type=cache,target=/root/.cache/pip``."""

    name: str  # without the leading dashes: "mount", "from", "platform"
    value: str | None  # quotes removed as BuildKit does; None for a bare ``--link``
    span: Span

    @property
    def is_true(self) -> bool:
        return self.value is None or self.value.lower() in ("true", "1", "")


class Mount(NamedTuple):
    """One ``RUN --mount=…``: its type (default ``bind``) and its ``key=value`` options."""

    type: str
    options: tuple[tuple[str, str], ...]
    span: Span

    def get(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.options:
            if k == key:
                return v
        return default

    @property
    def target(self) -> str | None:
        return self.get("target") or self.get("dst") or self.get("destination")


class Heredoc(NamedTuple):
    """A here-document attached to RUN/COPY/ADD (``<<EOF`` … ``EOF``)."""

    name: str  # the delimiter
    body: str  # the lines between marker and delimiter, each ending in "\n" (BuildKit's content)
    span: Span  # the body and the closing delimiter line
    source: SourceMap  # offsets in ``body`` -> physical positions
    strip_tabs: bool  # ``<<-``: leading tabs are removed from body lines at build time
    expand: bool  # unquoted delimiter: variables in the body are expanded by the shell
    fd: int
    terminated: bool


class KeyValue(NamedTuple):
    """One pair of ENV, ARG or LABEL. ``value`` is None for ``ARG NAME`` without default."""

    key: Located
    value: Located | None  # raw text as written, quotes kept
    resolved: str | None  # quotes removed and variables substituted; None if unknown
    span: Span


class ImageRef(NamedTuple):
    """A FROM image, split by the reference grammar after ARG substitution."""

    text: Located  # as written, e.g. "nvidia/cuda:${CUDA}-runtime-ubuntu22.04"
    resolved: str | None  # after substitution; None when it depends on an unknown ARG
    registry: str | None = None  # "nvcr.io", "ghcr.io"; None for Docker Hub
    repository: str | None = None  # path without registry: "nvidia/cuda", "python"
    tag: str | None = None
    digest: str | None = None
    stage: int | None = None  # index of the earlier stage this names, if it names one

    @property
    def is_unresolved(self) -> bool:
        return self.resolved is None

    @property
    def is_scratch(self) -> bool:
        return self.resolved is not None and self.resolved.lower() == "scratch"

    @property
    def is_stage(self) -> bool:
        return self.stage is not None

    @property
    def name(self) -> str | None:
        """Registry and repository without tag or digest, e.g. ``nvcr.io/nvidia/pytorch``."""
        if self.repository is None:
            return None
        return f"{self.registry}/{self.repository}" if self.registry else self.repository


class Instruction(NamedTuple):
    """One Dockerfile instruction, as BuildKit's parser splits it.

    ``arguments`` is the text after the keyword and flags (continuation lines joined exactly as
    BuildKit joins them); ``source`` maps offsets in it back to physical positions. ``words``
    are its whitespace-separated words (raw, quotes kept), ``exec_form`` the decoded elements
    of a JSON array, ``pairs`` the ENV/ARG/LABEL pairs. ``scripts`` holds the shell analysis of
    a RUN (its command line and the heredoc bodies that are shell scripts); empty when the
    shell is not POSIX or the RUN is in exec form without a shell.
    """

    keyword: str  # upper case
    keyword_span: Span
    span: Span  # from the keyword to the end of the last line, heredoc bodies included
    flags: tuple[Flag, ...]
    arguments: Located
    source: SourceMap
    words: tuple[Located, ...] = ()
    exec_form: tuple[Located, ...] | None = None
    pairs: tuple[KeyValue, ...] = ()
    heredocs: tuple[Heredoc, ...] = ()
    mounts: tuple[Mount, ...] = ()
    scripts: tuple[ShellScript, ...] = ()
    value: str | None = None  # USER/WORKDIR/STOPSIGNAL argument through ARG/ENV; None if unknown
    trigger: Instruction | None = None  # the instruction inside ONBUILD
    stage: int = -1  # index of the stage it belongs to; -1 before the first FROM

    def flag(self, name: str) -> Flag | None:
        """The last occurrence of ``--name`` (BuildKit keeps the last one)."""
        found = None
        for f in self.flags:
            if f.name == name:
                found = f
        return found

    @property
    def is_exec_form(self) -> bool:
        return self.exec_form is not None

    @property
    def line(self) -> int:
        return self.span.line


class Stage(NamedTuple):
    """A build stage: its FROM and the instructions up to the next FROM."""

    number: int  # 0-based, as COPY --from=N counts stages
    from_: Instruction
    image: ImageRef
    name: Located | None  # the ``AS name`` alias, as written
    instructions: tuple[Instruction, ...]

    @property
    def parent(self) -> int | None:
        """Index of the stage this one builds on (``FROM builder``), if any."""
        return self.image.stage

    def of(self, *keywords: str) -> Iterator[Instruction]:
        return (i for i in self.instructions if i.keyword in keywords)


class Directives(NamedTuple):
    """Parser directives BuildKit honoured (only those at the very top of the file)."""

    syntax: Located | None = None
    escape: str = "\\"
    check: Located | None = None


class Problem(NamedTuple):
    """Something the parser could not read; becomes an ML001 finding."""

    span: Span
    message: str


class Dockerfile(NamedTuple):
    path: str
    lines: tuple[str, ...]  # physical lines, without line endings
    directives: Directives
    instructions: tuple[Instruction, ...]  # every top-level instruction, in order
    stages: tuple[Stage, ...]
    global_args: tuple[KeyValue, ...]  # ARGs before the first FROM
    problems: tuple[Problem, ...] = ()
    target: int | None = None  # the stage built (compose ``target``); default: the last

    @property
    def final_stage(self) -> Stage | None:
        if not self.stages:
            return None
        return self.stages[self.target] if self.target is not None else self.stages[-1]

    def find_stage(self, ref: str) -> Stage | None:
        """The stage ``COPY --from=ref`` or ``FROM ref`` names: an alias or an index."""
        if ref.isdigit():
            i = int(ref)
            return self.stages[i] if i < len(self.stages) else None
        ref = ref.lower()
        for stage in self.stages:
            if stage.name is not None and stage.name.text.lower() == ref:
                return stage
        return None

    def stage_chain(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it builds on, nearest first (for inherited ENV and USER)."""
        chain = [stage]
        seen = {stage.number}
        while (p := chain[-1].parent) is not None and p not in seen:
            seen.add(p)
            chain.append(self.stages[p])
        return chain
