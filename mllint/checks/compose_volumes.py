"""ML502-ML506: compose mounts that lose, misplace or fight over a team's data (model caches,
checkpoints, databases)."""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Iterator
from typing import NamedTuple

from mllint.checks.compose_walk import environment, repository, volumes
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, Service, Volume, text
from mllint.model.yaml import YMap, YScalar
from mllint.patterns import lazy_pattern

_REFETCH = "the weights are downloaded again"
_LOST = "the service starts without its data"

#: Container paths whose content should outlive the container:
#: (pattern, what, volume name to suggest, what happens after down + up).
_PERSISTENT = (
    (
        lazy_pattern(r"(^|/)\.cache/huggingface(/|$)"),
        "the Hugging Face cache",
        "hf-cache",
        _REFETCH,
    ),
    (lazy_pattern(r"(^|/)\.cache/torch(/|$)"), "the PyTorch hub cache", "torch-cache", _REFETCH),
    (lazy_pattern(r"(^|/)\.ollama(/|$)"), "Ollama's models", "ollama", _REFETCH),
    (lazy_pattern(r"^/models$"), "model weights", "models", _REFETCH),
    (lazy_pattern(r"(^|/)checkpoints$"), "checkpoints", "checkpoints", _LOST),
    (lazy_pattern(r"^/var/lib/postgresql(/data)?$"), "a PostgreSQL database", "pgdata", _LOST),
    (lazy_pattern(r"^/var/lib/mysql$"), "a MySQL/MariaDB database", "mysql-data", _LOST),
    (lazy_pattern(r"^/data/db$"), "a MongoDB database", "mongo-data", _LOST),
    (lazy_pattern(r"^/qdrant/storage$"), "a Qdrant vector store", "qdrant-data", _LOST),
    (lazy_pattern(r"^/usr/share/elasticsearch/data$"), "an Elasticsearch index", "es-data", _LOST),
    (lazy_pattern(r"^/var/lib/milvus$"), "a Milvus vector store", "milvus-data", _LOST),
)
#: Images that keep their data in a generic path: (repository suffix, path, what, name, effect).
_IMAGE_DATA = (
    ("text-generation-inference", "/data", "TGI's model cache", "tgi-data", _REFETCH),
    ("minio/minio", "/data", "MinIO's objects (experiment artifacts)", "minio-data", _LOST),
)
#: Variables that move a model cache: a volume at their value holds downloaded weights.
_CACHE_VARIABLES = (
    "HF_HOME",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "SENTENCE_TRANSFORMERS_HOME",
    "TORCH_HOME",
    "OLLAMA_MODELS",
)
#: A name Compose reads as a volume name (anything else in short syntax is a path).
_VOLUME_NAME = lazy_pattern(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_WINDOWS_PATH = lazy_pattern(r"^([A-Za-z]:[\\/]|\\\\)")


def _raw(v: Volume) -> str:
    """The item as written (short syntax) or its source as written (long syntax)."""
    node = v.node
    if isinstance(node, YScalar):
        return node.text
    source = node.get("source") if isinstance(node, YMap) else None
    return source.text if isinstance(source, YScalar) else ""


def _container_path(target: str) -> str:
    return posixpath.normpath(target) if target.startswith("/") else target


def _persistent(service: Service, target: str) -> tuple[str, str, str] | None:
    """(what the path holds, a volume name to suggest, the effect of losing it) when
    ``target`` holds lasting data."""
    path = _container_path(target)
    for pattern, what, name, effect in _PERSISTENT:
        if pattern.search(path):
            return what, name, effect
    image = text(service.get("image"))
    repo = repository(image) if image else ""
    for suffix, data, what, name, effect in _IMAGE_DATA:
        if path == data and (repo == suffix or repo.endswith("/" + suffix)):
            return what, name, effect
    for key, value in environment(service):
        if key.text not in _CACHE_VARIABLES:
            continue
        cache = text(value)
        if not cache or not cache.startswith("/"):
            continue
        cache = posixpath.normpath(cache)
        if cache == path or cache.startswith(path.rstrip("/") + "/"):
            return f"the model cache that {key.text} points to", "model-cache", _REFETCH
    return None


@rule("ML502")
def anonymous_volume_for_persistent_data(
    project: ComposeProject, ctx: RuleContext[None]
) -> Iterator[Hit]:
    for service in project.services:
        for v in volumes(service):
            if v.type != "volume" or v.source or not v.known or not v.target:
                continue
            if _WINDOWS_PATH.match(_raw(v)):
                continue
            found = _persistent(service, v.target)
            if found is None:
                continue  # /app/node_modules and other deliberate throwaway volumes
            what, name, effect = found
            yield ctx.finding(
                v.node.span,
                f"services.{service.name} keeps {what} in an anonymous volume at {v.target}: "
                "Compose reuses it when it recreates the container, but after `docker compose "
                f"down` the next `up` starts with a new empty one, so {effect}, and the old "
                "copy lingers as a dangling volume until a prune deletes it; use a named volume "
                f"({name}:{v.target}, declared under the top-level volumes:) or bind-mount a "
                "host directory",
                fix=f"- {name}:{v.target}\n# and at the top level:\nvolumes:\n  {name}: {{}}",
                path=v.node.path,
            )


def _declared(project: ComposeProject) -> set[str] | None:
    """The names under the top-level ``volumes:``; None when it is malformed (ML002's case)."""
    node = project.root.get("volumes") if project.root is not None else None
    if node is None or (isinstance(node, YScalar) and node.value is None):
        return set()
    if not isinstance(node, YMap):
        return None
    return {k.text for k, _ in node.items}


def _named(v: Volume) -> str | None:
    """The volume name a mount refers to, when it certainly is one."""
    if v.type != "volume" or not v.source or not v.known:
        return None
    if _WINDOWS_PATH.match(_raw(v)) or not _VOLUME_NAME.match(v.source):
        return None
    return v.source


_INCLUDE = lazy_pattern(r"^include\s*:")


def _includes(project: ComposeProject) -> bool:
    """Whether a file of the project has a top-level ``include:``. The loader imports the
    services of included projects but not their top-level volumes, which Compose imports too:
    with an include we cannot tell which names are declared."""
    return any(_INCLUDE.match(line) for f in project.files for line in project.sources.get(f, ()))


@rule("ML503")
def undefined_named_volume(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    declared = _declared(project)
    if declared is None or _includes(project):
        return
    for service in project.services:
        for v in volumes(service):
            name = _named(v)
            if name is None or name in declared:
                continue
            close = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.75)
            hint = f"did you mean '{close[0]}'? Otherwise " if close else ""
            yield ctx.finding(
                v.node.span,
                f"services.{service.name} mounts the named volume '{name}', which the "
                "top-level volumes: does not declare: Compose refuses to start the project "
                f"('refers to undefined volume {name}'); {hint}declare it under volumes:, or "
                f"write ./{name} if a folder of the project was meant",
                fix=f"volumes:\n  {name}: {{}}",
                path=v.node.path,
            )


@rule("ML504")
def unused_named_volume(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    top = project.top("volumes")
    if top is None:
        return
    used: set[str] = set()
    for service in project.services:
        for v in volumes(service):
            if not v.known:
                return  # a mount chosen at deploy time may be any of them
            if v.type == "volume" and v.source:
                used.add(v.source)
    for key, _ in top.items:
        if key.text in used:
            continue
        declared = {k.text for k, _ in top.items}
        undeclared = sorted(used - declared)  # ML503's mounts: a typo shows up on both sides
        close = difflib.get_close_matches(key.text, undeclared, n=1, cutoff=0.75)
        hint = f" (a service mounts '{close[0]}': a typo?)" if close else ""
        yield ctx.finding(
            key.span,
            f"volumes.{key.text} is declared but no service mounts it{hint}: a leftover, or "
            "the service meant to keep its data there writes to a host path or to its "
            "container layer instead; mount it where the data lives or remove it",
            fix=f"remove volumes.{key.text}, or mount it: - {key.text}:/path/in/container",
            path=key.path,
        )


class _Bind(NamedTuple):
    path: str  # absolute, normalised host path
    relative: str  # the same, relative to the project directory


def _base(project: ComposeProject, written_in: str) -> str:
    """The folder relative paths of a file resolve against: the project directory for the
    project's own files (overrides included), the file's own folder for an extended or
    included file."""
    directory = os.path.abspath(project.directory)
    written = os.path.abspath(written_in)
    own = {os.path.abspath(f) for f in project.files}
    return directory if written in own else os.path.dirname(written)


def _bind_source(project: ComposeProject, v: Volume, *, variables: bool = False) -> _Bind | None:
    """Where a relative bind mount lands on the host, resolved as Compose resolves it."""
    if v.type != "bind" or not v.source or not v.known or (not variables and "$" in _raw(v)):
        return None
    source = v.source.replace("\\", "/")
    if not source.startswith("."):
        return None  # absolute, ~/ or a Windows drive: a deliberate host location
    path = os.path.normpath(os.path.join(_base(project, v.node.path), source))
    directory = os.path.abspath(project.directory)
    return _Bind(path, os.path.relpath(path, directory).replace(os.sep, "/"))


#: Folders that hold a repository's compose files rather than the repository itself: their
#: parent is the project (``docker/compose.yaml`` mounting ``../models``).
_COMPOSE_FOLDERS = frozenset(
    ".devcontainer docker dockerfiles docker-compose compose containers container deploy "
    "deployment deployments deploy-docker infra infrastructure ops ci build env envs dev "
    "local".split()
)
_REMOTE_CONTEXT = lazy_pattern(r"^([a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


def _project_root(project: ComposeProject) -> str:
    """The outermost folder that the project evidently spans: its directory, the parent of a
    conventional compose folder, and every local build context."""
    root = os.path.abspath(project.directory)
    if os.path.basename(root).lower() in _COMPOSE_FOLDERS:
        root = os.path.dirname(root)
    for service in project.services:
        build = service.get("build")
        context_node = build.get("context") if isinstance(build, YMap) else build
        context = text(context_node)
        if (
            not context
            or "$" in getattr(context_node, "text", "")
            or _REMOTE_CONTEXT.match(context)
        ):
            continue
        written = context_node.path if isinstance(context_node, YScalar) else project.directory
        folder = os.path.normpath(os.path.join(_base(project, written), context))
        common = os.path.commonpath([root, folder])
        if common != root:
            root = common
    return root


@rule("ML505")
def bind_mount_outside_project(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    root: str | None = None
    for service in project.services:
        for v in volumes(service):
            bind = _bind_source(project, v)
            if bind is None or not (bind.relative == ".." or bind.relative.startswith("../")):
                continue
            root = root if root is not None else _project_root(project)
            if os.path.commonpath([root, bind.path]) == root:
                continue  # ../models from docker/compose.yaml: still the repository
            where = (
                "outside the project directory"
                if v.source == bind.relative
                else f"which is {bind.relative} from the project directory, outside it"
            )
            yield ctx.finding(
                v.node.span,
                f"services.{service.name} bind-mounts {v.source}, {where}: the stack then "
                "works only in a checkout with that folder beside it; in a teammate's clone or "
                "on a CI runner Docker creates it empty (owned by root) and the service starts "
                "without its data or models; make the path a variable with this default "
                f"(${{DATA_DIR:-{v.source}}}) or keep the data inside the project",
                fix=f"- ${{DATA_DIR:-{v.source}}}:{v.target}",
                path=v.node.path,
            )


#: Mounts that services write to and that break with two writers.
_WRITTEN = lazy_pattern(r"^(checkpoints?|ckpts?|mlruns)$|\.(db|sqlite3?)$", re.IGNORECASE)


_DATABASE = lazy_pattern(r"\.(db|sqlite3?)$", re.IGNORECASE)


def _shared_key(project: ComposeProject, v: Volume) -> tuple[str, str, bool] | None:
    """(host side as a key, how to name it, whether it is a database file) for a writable
    mount of checkpoints, an MLflow store or a database."""
    if v.read_only or not v.known:
        return None
    name = _named(v)
    if name is not None:
        key, shown = "volume:" + name, f"the volume '{name}'"
    elif v.type == "bind" and v.source:
        source = v.source.replace("\\", "/")
        bind = _bind_source(project, v, variables=True)
        path = bind.path if bind is not None else posixpath.normpath(source)
        key, shown = "bind:" + path, source
    else:
        return None
    host = (v.source or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    inside = _container_path(v.target).rstrip("/").rsplit("/", 1)[-1]
    if not (_WRITTEN.search(host) or _WRITTEN.search(inside)):
        return None
    return key, shown, bool(_DATABASE.search(host) or _DATABASE.search(inside))


_CKPT_EFFECT = (
    "two writers in one checkpoint or run directory overwrite each other's checkpoint-N "
    "folders and latest files, and a resume silently loads the other run's weights"
)
_DATABASE_EFFECT = (
    "two writers of one SQLite file depend on file locks, which are unreliable over Docker "
    "Desktop's file sharing and network file systems, and a corrupted or locked store loses "
    "the experiment history"
)


def _together(a: Service, b: Service) -> bool:
    """Whether two services run together by default: one without profiles (always on), or a
    profile they share. Services in disjoint profiles are usually alternatives (the A1111 UI
    or the ComfyUI one) that share their folders by design."""
    return not a.profiles or not b.profiles or bool(set(a.profiles) & set(b.profiles))


@rule("ML506")
def shared_writable_mount(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    writers: dict[str, list[tuple[Service, Volume]]] = {}
    for service in project.services:
        seen: set[str] = set()
        for v in volumes(service):
            found = _shared_key(project, v)
            if found is None or found[0] in seen:
                continue
            key, shown, database = found
            seen.add(key)
            earlier = writers.setdefault(key, [])
            earlier.append((service, v))
            other_mount = next((w for w in earlier[:-1] if _together(w[0], service)), None)
            if other_mount is None:
                continue  # the first writer, or one only in profiles that exclude the others
            other, mount = other_mount
            yield ctx.finding(
                v.node.span,
                f"services.{service.name} mounts {shown} writable, and so does "
                f"services.{other.name}: {_DATABASE_EFFECT if database else _CKPT_EFFECT}; "
                "mount it :ro in the services that only read it, or give each writer its "
                "own path",
                fix=f"- {v.source}:{v.target}:ro",
                related=(
                    Related(mount.node.path, mount.node.span, f"{other.name} mounts it here"),
                ),
                path=v.node.path,
            )
