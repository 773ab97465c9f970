"""Loads a Dockerfile's build context from disk: everything ``build`` and ``project`` rules may
look at, read once before they run.

Cheap on purpose (it runs for every Dockerfile when a build rule is selected): the context's
top-level entries (never a tree walk), the requirements files the Dockerfile's RUNs install
(mapped back from the image through COPY, WORKDIR and bind mounts) with their includes, and the
top-level dotenv files; every read is capped.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from mllint.model.context import (
    BuildContext,
    EnvFile,
    ImageBuild,
    Install,
    RequirementsFile,
)
from mllint.model.dockerfile import Dockerfile, Instruction, Stage
from mllint.model.shell import Command, Word
from mllint.model.span import Located

#: A .dockerignore larger than this is not a .dockerignore.
MAX_IGNORE_BYTES = 1024 * 1024
#: Top-level entries listed; a context with more is not listed at all (rules stay silent).
MAX_ENTRIES = 5000
#: Requirements files read per build (includes too), and bytes read of each.
MAX_REQUIREMENT_FILES = 64
MAX_REQUIREMENTS_BYTES = 1024 * 1024
#: Dotenv files read per context, and bytes read of each.
MAX_ENV_FILES = 16
MAX_ENV_BYTES = 64 * 1024

_UNKNOWN_ROOT = "/\x00workdir"  # the base image's WORKDIR, unknown: relative paths stay relative
#: Top-level folder names that hold data in most ML projects and code in some.
_PACKAGE_CANDIDATES = frozenset({"data", "datasets", "checkpoints", "outputs"})
_CONDA = frozenset({"conda", "mamba", "micromamba"})


def dockerignore_for(dockerfile_path: str, context_dir: str) -> str | None:
    """The ignore file BuildKit uses: ``<Dockerfile>.dockerignore`` next to the Dockerfile wins
    over ``.dockerignore`` at the context root."""
    specific = f"{dockerfile_path}.dockerignore"
    if os.path.isfile(specific):
        return specific
    root = os.path.join(context_dir, ".dockerignore")
    return root if os.path.isfile(root) else None


def _read_text(path: str, limit: int) -> tuple[str, bool] | None:
    """The file's text (UTF-8, errors replaced) and whether it was cut at ``limit``."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    return data[:limit].decode("utf-8", "replace"), len(data) > limit


def _entries(directory: str) -> tuple[str, ...] | None:
    try:
        with os.scandir(directory) as it:
            out: list[str] = []
            for entry in it:
                if len(out) >= MAX_ENTRIES:
                    return None
                try:
                    folder = entry.is_dir()
                except OSError:
                    folder = False
                out.append(entry.name + "/" if folder else entry.name)
    except OSError:
        return None
    return tuple(sorted(out))


def _is_env_name(name: str) -> bool:
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def _placeholder(value: str) -> bool:
    """An empty or template value (``<your token>``, ``changeme``), not a credential."""
    v = value.strip().strip("'\"").lower()
    return (
        not v
        or v.startswith(("<", "${", "your", "xxx", "changeme", "change_me", "replace", "put_"))
        or v in ("none", "null", "todo", "...", "secret", "token", "dummy", "example", "-")
    )


def _packages(directory: str, entries: tuple[str, ...] | None) -> tuple[str, ...]:
    """Top-level folders that are Python packages (``data/__init__.py``): code, not data."""
    return tuple(
        name.rstrip("/")
        for name in entries or ()
        if name.endswith("/")
        and name.rstrip("/") in _PACKAGE_CANDIDATES
        and os.path.isfile(os.path.join(directory, name, "__init__.py"))
    )


def _env_files(directory: str, entries: tuple[str, ...] | None) -> tuple[EnvFile, ...]:
    """Top-level dotenv files: the keys they set to a value (the values are not kept)."""
    from mllint.parsers.dotenv import parse_dotenv

    out: list[EnvFile] = []
    for name in entries or ():
        if name.endswith("/") or not _is_env_name(name) or len(out) >= MAX_ENV_FILES:
            continue
        path = os.path.join(directory, name)
        read = _read_text(path, MAX_ENV_BYTES)
        if read is None:
            continue
        found, _ = parse_dotenv(read[0], path)
        keys = tuple(Located(e.key, e.key_span) for e in found if not _placeholder(e.value))
        out.append(EnvFile(path, name, keys))
    return tuple(out)


# --------------------------------------------------------------------------- image -> context


class _Copy(NamedTuple):
    """One COPY/ADD from the context, or a bind mount of it, as seen from inside the image."""

    sources: tuple[str, ...]  # relative to the context, cleaned ("." for the root)
    dest: str  # absolute in the image (or under _UNKNOWN_ROOT)
    dest_is_dir: bool  # ends in "/", several sources, "." or the WORKDIR itself
    line: int


def _words(instr: Instruction) -> list[str]:
    if instr.exec_form is not None:
        return [w.text for w in instr.exec_form]
    return [_unquote(w.text) for w in instr.words]


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _join(workdir: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(workdir, path))


def _clean_source(source: str) -> str | None:
    """A COPY source relative to the context, or None when it cannot be one we follow."""
    if "$" in source or "://" in source or source.startswith("git@"):
        return None
    cleaned = posixpath.normpath("/" + source).lstrip("/")  # ../ cannot leave the context
    return cleaned or "."


def _stage_copies(df: Dockerfile, stage: Stage) -> Iterator[tuple[Instruction, str, _Copy | None]]:
    """For each instruction of ``stage``: the WORKDIR in effect and the copy it makes."""
    workdir = _stage_workdir(df, stage)
    for instr in stage.instructions:
        if instr.keyword == "WORKDIR":
            value = instr.value
            workdir = _join(workdir, value) if value is not None else "/\x00unknown"
            yield instr, workdir, None
            continue
        copy = None
        if instr.keyword in ("COPY", "ADD") and instr.flag("from") is None and not instr.heredocs:
            words = _words(instr)
            if len(words) >= 2 and instr.flag("parents") is None:
                raw_dest = words[-1]
                sources = tuple(s for s in (_clean_source(w) for w in words[:-1]) if s)
                if "$" not in raw_dest and len(sources) == len(words) - 1:
                    dest = _join(workdir, raw_dest)
                    is_dir = (
                        raw_dest.endswith("/")
                        or len(sources) > 1
                        or raw_dest in (".", "./")
                        or dest == workdir
                    )
                    copy = _Copy(sources, dest, is_dir, instr.span.line)
        yield instr, workdir, copy


def _stage_workdir(df: Dockerfile, stage: Stage) -> str:
    """The WORKDIR a stage starts in: its parent stage's last one, or the unknown one of the
    base image."""
    parent = stage.parent
    if parent is None or parent >= stage.number:
        return _UNKNOWN_ROOT
    workdir = _UNKNOWN_ROOT
    for _, wd, _ in _stage_copies(df, df.stages[parent]):
        workdir = wd
    return workdir


def _from_copy(copy: _Copy, target: str, directory: str) -> str | None:
    """The context path ``target`` (a path in the image) was copied from by ``copy``."""
    for source in copy.sources:
        on_disk = os.path.join(directory, source)
        if source == "." or os.path.isdir(on_disk):
            prefix = copy.dest.rstrip("/") + "/"
            if target.startswith(prefix):
                return posixpath.normpath(posixpath.join(source, target[len(prefix) :]))
            continue
        base = posixpath.basename(source)
        folder = posixpath.dirname(source)
        if any(c in base for c in "*?["):
            if posixpath.dirname(target) == copy.dest.rstrip("/") and fnmatch.fnmatchcase(
                posixpath.basename(target), base
            ):
                return posixpath.join(folder, posixpath.basename(target))
            continue
        if (not copy.dest_is_dir and target == copy.dest) or target == posixpath.join(
            copy.dest, base
        ):
            return source
    return None


def _mounts(instr: Instruction, workdir: str) -> list[_Copy]:
    """``RUN --mount=type=bind,source=x,target=/y`` from the context (no ``from=``)."""
    out = []
    for mount in instr.mounts:
        if mount.type != "bind" or mount.get("from") is not None or mount.target is None:
            continue
        source = _clean_source(mount.get("source") or mount.get("src") or ".")
        target = mount.target
        if source is None or "$" in target:
            continue
        out.append(_Copy((source,), _join(workdir, target), source == ".", instr.span.line))
    return out


class _Reader:
    """Reads requirements files once each, following -r/-c inside the context."""

    def __init__(self, directory: str) -> None:
        self.directory = os.path.normpath(directory)
        self.files: dict[str, RequirementsFile] = {}

    def inside(self, path: str) -> str | None:
        full = os.path.normpath(path)
        rel = os.path.relpath(full, self.directory)
        if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
            return None
        return full if os.path.isfile(full) else None

    def load(self, path: str, kind: str) -> RequirementsFile | None:
        """The file at ``path`` (on disk, inside the context) and, once, everything it
        includes."""
        if path in self.files:
            return self.files[path]
        if len(self.files) >= MAX_REQUIREMENT_FILES:
            return None
        read = _read_text(path, MAX_REQUIREMENTS_BYTES)
        if read is None:
            return None
        text, truncated = read
        from mllint.parsers.requirements import (
            parse_conda_environment,
            parse_pyproject,
            parse_requirements,
        )

        if kind == "conda":
            parsed = parse_conda_environment(text, path)
        elif kind == "pyproject":
            parsed = parse_pyproject(text, path) if not truncated else parsed_empty(path)
        else:
            parsed = parse_requirements(text, path, kind)
        folder = os.path.dirname(path)
        includes = tuple(
            p for p in (self.inside(os.path.join(folder, i)) for i in parsed.includes) if p
        )
        constraints = tuple(
            p for p in (self.inside(os.path.join(folder, c)) for c in parsed.constraints) if p
        )
        record = parsed._replace(includes=includes, constraints=constraints, truncated=truncated)
        self.files[path] = record  # before the includes: a cycle stops here
        for include in includes:
            self.load(include, kind)
        for constraint in constraints:
            self.load(constraint, "constraints")
        return record


def _installs(df: Dockerfile, directory: str, reader: _Reader) -> list[Install]:
    """The files the RUNs of ``df`` install from, mapped back to the context."""
    from mllint.parsers.commands import package_installs

    out: list[Install] = []
    for stage in df.stages:
        copies: list[_Copy] = []  # what the stage and the stages it builds on copied
        for ancestor in reversed(df.stage_chain(stage)[1:]):
            copies += [c for _, _, c in _stage_copies(df, ancestor) if c is not None]
        for instr, workdir, copy in _stage_copies(df, stage):
            if copy is not None:
                copies.append(copy)
            if instr.keyword != "RUN":
                continue
            visible = copies + _mounts(instr, workdir)
            for script in instr.scripts:
                moved = False  # after a `cd`, relative paths are not relative to WORKDIR
                by_command = {id(i.command): i for i in package_installs(script)}
                for command in script.commands:
                    if command.name in ("cd", "pushd"):
                        moved = True
                        continue
                    files = _conda_files(command)
                    named: list[tuple[str, Word]]
                    if files is None:
                        install = by_command.get(id(command))
                        if install is None or install.manager not in ("pip", "uv"):
                            continue
                        require_hashes = install.has("--require-hashes")
                        named = [("requirement", w) for w in install.requirement_files]
                        named += [("constraint", w) for w in install.constraint_files]
                        named += [
                            ("project", w)
                            for w in (*install.packages, *install.editables)
                            if _local_project(w.value)
                        ]
                        tool = install.manager
                    else:
                        named = [("environment", w) for w in files]
                        require_hashes, tool = False, "conda"
                    resolved: list[tuple[str, Located, str, str | None]] = []
                    for kind, word in named:
                        container = "" if word.dynamic else word.value
                        if kind == "project" and container:
                            container = posixpath.join(container.split("[", 1)[0], "pyproject.toml")
                        path = None
                        if container and (not moved or container.startswith("/")):
                            target = _join(workdir, container)
                            path = _resolve(target, visible, directory, reader)
                        resolved.append((kind, Located(word.value, word.span), container, path))
                    command_constraints = tuple(
                        p for k, _, _, p in resolved if k == "constraint" and p is not None
                    )
                    for kind, located, container, path in resolved:
                        if path is not None:
                            reader.load(
                                path,
                                _FILE_KINDS[kind],
                            )
                        out.append(
                            Install(
                                located,
                                kind,
                                container,
                                path,
                                tool,
                                require_hashes,
                                command.span,
                                command_constraints,
                            )
                        )
    return out


_FILE_KINDS = {
    "requirement": "requirements",
    "constraint": "constraints",
    "environment": "conda",
    "project": "pyproject",
}


def _local_project(value: str) -> bool:
    """``.``, ``./pkg[extra]``, ``/app``: a folder pip builds a project from (not a wheel,
    an archive, a URL or a name)."""
    path = value.split("[", 1)[0]
    if "$" in path or "://" in path or path.endswith((".whl", ".tar.gz", ".zip", ".tgz")):
        return False
    return path in (".", "..") or path.startswith(("./", "../", "/"))


def parsed_empty(path: str) -> RequirementsFile:
    """A file too large to judge: nothing in it, marked truncated."""
    return RequirementsFile(path, "pyproject", (), truncated=True)


def _conda_files(command: Command) -> list[Word] | None:
    """The ``-f``/``--file`` YAML files of ``conda env create|update``, ``mamba``,
    ``micromamba create|install``; None when ``command`` is not such a call."""
    from mllint.parsers.shell import effective_argv

    argv = effective_argv(command)
    if not argv or argv[0].value.rsplit("/", 1)[-1] not in _CONDA:
        return None
    words = [w.value for w in argv[1:3]]
    if not (
        words[:2] in (["env", "create"], ["env", "update"])
        or words[:1]
        in (
            ["create"],
            ["install"],
            ["update"],
        )
    ):
        return None
    out = []
    args = list(argv)
    for i, word in enumerate(args):
        value = word.value
        if value in ("-f", "--file") and i + 1 < len(args):
            candidate = args[i + 1]
        elif value.startswith("--file="):
            candidate = word._replace(value=value[len("--file=") :])
        else:
            continue
        if candidate.value.endswith((".yml", ".yaml")):
            out.append(candidate)
    return out or None


def _resolve(target: str, copies: list[_Copy], directory: str, reader: _Reader) -> str | None:
    """The on-disk file a path in the image came from: the latest copy that provides it."""
    for copy in reversed(copies):
        source = _from_copy(copy, target, directory)
        if source is not None:
            return reader.inside(os.path.join(directory, source))
    return None


# --------------------------------------------------------------------------- entry points


def load_context(
    context_dir: str, dockerfile_path: str, dockerfile: Dockerfile | None = None
) -> BuildContext:
    ignore = dockerignore_for(dockerfile_path, context_dir)
    lines: tuple[str, ...] = ()
    if ignore is not None:
        read = _read_text(ignore, MAX_IGNORE_BYTES)
        if read is None:
            ignore = None
        else:
            lines = tuple(read[0].splitlines())
    directory = os.path.normpath(context_dir)
    entries = _entries(directory)
    installs: tuple[Install, ...] = ()
    requirements: tuple[RequirementsFile, ...] = ()
    if dockerfile is not None and entries is not None:
        reader = _Reader(directory)
        installs = tuple(_installs(dockerfile, directory, reader))
        requirements = tuple(reader.files.values())
    return BuildContext(
        directory,
        ignore,
        lines,
        entries,
        requirements,
        installs,
        _env_files(directory, entries),
        _packages(directory, entries),
    )


def load_image_build(dockerfile: Dockerfile, context_dir: str | None = None) -> ImageBuild:
    """``dockerfile`` with the context it is built from (default: the Dockerfile's folder, as
    ``docker build -f path/Dockerfile path/`` in most projects)."""
    directory = context_dir if context_dir is not None else os.path.dirname(dockerfile.path) or "."
    return ImageBuild(dockerfile, load_context(directory, dockerfile.path, dockerfile))
