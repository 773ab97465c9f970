"""Load a Compose project as Compose v2 does: files, .env, interpolation, merges, extends,
include and profiles, keeping every value's source position.

Order of operations (as compose-go): each file is parsed (YAML 1.2, anchors and ``<<`` merges
resolved) and interpolated on its own, with the project's ``.env`` under the process
environment; ``extends`` is resolved per file; the files are merged in ``-f`` order; ``include``
adds the services of other projects, each loaded with its own directory and ``.env``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mllint.model.compose import UNKNOWN_TAG, ComposeProblem, ComposeProject, Service, text
from mllint.model.span import Span
from mllint.model.yaml import YMap, YNode, YScalar, YSeq

if TYPE_CHECKING:
    from mllint.parsers.dotenv import DotenvEntry, DotenvProblem

#: Default file names, in Compose's order of preference.
DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_OVERRIDES = {
    "compose.yaml": "compose.override.yaml",
    "compose.yml": "compose.override.yml",
    "docker-compose.yaml": "docker-compose.override.yaml",
    "docker-compose.yml": "docker-compose.override.yml",
}
MAX_BYTES = 20 * 1024 * 1024
#: Keys whose sequences replace instead of append when files merge.
_REPLACE = {("command",), ("entrypoint",), ("healthcheck", "test")}
#: "Mapping or list" keys that Compose normalises to a mapping before merging.
_MAPPING_OR_LIST = {"environment", "labels", "extra_hosts", "sysctls", "annotations"}


def default_files(directory: Path) -> list[Path]:
    """What ``docker compose`` reads without ``-f``: the first of ``compose.yaml``,
    ``compose.yml``, ``docker-compose.yaml``, ``docker-compose.yml``, and the first override
    file of any of those names (Compose pairs ``docker-compose.override.yml`` with
    ``compose.yaml`` too)."""
    base = next((directory / n for n in DEFAULT_FILES if (directory / n).is_file()), None)
    if base is None:
        return []
    override = next(
        (directory / _OVERRIDES[n] for n in DEFAULT_FILES if (directory / _OVERRIDES[n]).is_file()),
        None,
    )
    return [base, override] if override is not None else [base]


class _Loader:
    def __init__(self, environ: Mapping[str, str], contents: Mapping[str, bytes]) -> None:
        self.environ = environ
        self.contents = contents  # files given on stdin, by the name they are reported under
        self.problems: list[ComposeProblem] = []
        self.sources: dict[str, tuple[str, ...]] = {}

    def problem(
        self, rule: str, message: str, node_or_path: YNode | str, span: Span | None = None
    ) -> None:
        if isinstance(node_or_path, str):
            self.problems.append(
                ComposeProblem(rule, message, node_or_path, span or Span(1, 1, 1, 1))
            )
        else:
            self.problems.append(
                ComposeProblem(rule, message, node_or_path.path, span or node_or_path.span)
            )

    # ---- files -----------------------------------------------------------------------------

    def read(self, path: Path) -> YMap | None:
        """Parse one file into its YAML tree; problems are recorded, never raised."""
        from mllint.parsers.yaml_loader import load_yaml

        name = str(path)
        try:
            if name in self.contents:
                data = self.contents[name]
            else:
                with path.open("rb") as fh:
                    data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            self.problem("ML001", f"cannot read this file: {exc.strerror or exc}", name)
            return None
        if len(data) > MAX_BYTES:
            self.problem("ML001", "file is larger than the 20 MB mllint reads; not linted", name)
            return None
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self.problem(
                "ML001",
                f"not UTF-8: invalid byte 0x{data[exc.start]:02x} on line "
                f"{line} (Compose reads only UTF-8)",
                name,
                Span(line, 1, line, 1),
            )
            return None
        self.sources[name] = tuple(content.splitlines())
        root, problems = load_yaml(content, name)
        for p in problems:
            rule = "ML003" if p.kind == "duplicate-key" else "ML001"
            self.problems.append(ComposeProblem(rule, p.message, p.path, p.span))
        if root is None:
            if not problems:
                self.problem("ML002", "empty compose file: it defines no services", name)
            return None
        if not isinstance(root, YMap):
            self.problem("ML002", "a compose file must be a mapping with a 'services' key", root)
            return None
        return root

    def env_for(self, directory: Path, env_file: Path | None) -> dict[str, str]:
        """Interpolation variables: the project's ``.env`` under the process environment."""
        from mllint.parsers.dotenv import parse_dotenv

        env: dict[str, str] = {}
        path = env_file or directory / ".env"
        if path.is_file():
            try:
                content = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                self.problem("ML001", f"cannot read {path}: {exc}", str(path))
            else:
                entries, problems = parse_dotenv(content, str(path), env=self.environ)
                env.update((e.key, e.value) for e in entries)
                self.sources.setdefault(str(path), tuple(content.splitlines()))
                for dp in problems:
                    # Fatal: Compose refuses the file. Otherwise Compose reads it, differently
                    # from what it seems to say: an ambiguity.
                    self.problem(
                        "ML001" if dp.fatal else "ML003",
                        dp.message,
                        str(path),
                        Span(dp.line, 1, dp.line, 1),
                    )
        elif env_file is not None:
            self.problem("ML001", f"env file {env_file} does not exist", str(env_file))
        env.update(self.environ)
        return env

    # ---- interpolation ---------------------------------------------------------------------

    def interpolate(self, node: YNode, env: Mapping[str, str]) -> YNode:
        """Interpolate every scalar value (never keys), iteratively; spans are kept."""
        from mllint.parsers.interpolation import interpolate

        def scalar(s: YScalar) -> YScalar:
            if not isinstance(s.value, str) or "$" not in s.text:
                return s
            result = interpolate(s.text, env, strict_unknown=True)
            if result.error is not None:
                self.problem("ML002", result.error, s)
                return s._replace(tag=UNKNOWN_TAG)
            if result.value is None:
                return s._replace(tag=UNKNOWN_TAG)
            return s._replace(value=result.value)  # text keeps what was written

        return _map_scalars(node, scalar)


def _map_scalars(node: YNode, f: Callable[[YScalar], YScalar]) -> YNode:
    """Rebuild a tree applying ``f`` to every scalar value (keys untouched). Iterative."""
    if isinstance(node, YScalar):
        return f(node)
    # Post-order rebuild with an explicit stack: no recursion on deep documents.
    done: dict[int, YNode] = {}
    stack: list[tuple[YNode, bool]] = [(node, False)]
    while stack:
        current, expanded = stack.pop()
        if isinstance(current, YScalar):
            done[id(current)] = f(current)
            continue
        if id(current) in done:
            continue
        children = (
            [v for _, v in current.items] if isinstance(current, YMap) else list(current.items)
        )
        if not expanded:
            stack.append((current, True))
            stack.extend((c, False) for c in children if id(c) not in done)
            continue
        if isinstance(current, YMap):
            done[id(current)] = current._replace(
                items=tuple((k, done[id(v)]) for k, v in current.items)
            )
        else:
            done[id(current)] = current._replace(items=tuple(done[id(v)] for v in current.items))
    return done[id(node)]


# ---- normalisation before merging ---------------------------------------------------------


def _as_mapping(node: YNode) -> YNode:
    """``environment: [KEY=VAL, KEY]`` -> ``{KEY: VAL, KEY: null}``, spans pointing into items."""
    if not isinstance(node, YSeq):
        return node
    items: list[tuple[YScalar, YNode]] = []
    for item in node.items:
        if not isinstance(item, YScalar) or (item.tag is not None and item.tag != UNKNOWN_TAG):
            continue
        raw = item.text if item.value is not None else ""
        written_key, eq, written = raw.partition("=")
        interpolated_key, _, interpolated = (
            str(item.value).partition("=") if item.value is not None else ("", "", "")
        )
        # The whole item is interpolated, key included (``- ${NAME}=value`` works in Compose).
        key = interpolated_key if item.tag != UNKNOWN_TAG else written_key
        shift = 1 if item.style in ("'", '"') else 0
        line, col = item.span.line, item.span.column + shift
        key_node = YScalar(
            key, key, "", None, Span(line, col, line, col + len(written_key)), item.path
        )
        if eq:
            vcol = col + len(written_key) + 1
            # text keeps what was written, value what it interpolates to (as for any scalar);
            # style "=" marks a piece of a KEY=VALUE string, never a YAML scalar of its own.
            value_node: YNode = YScalar(
                interpolated,
                written,
                item.style or "=",
                item.tag,
                Span(line, vcol, item.span.end_line, item.span.end_column - shift),
                item.path,
            )
        else:
            value_node = YScalar(None, "", "", None, key_node.span, item.path)
        items.append((key_node, value_node))
    return YMap(tuple(items), node.tag, node.span, node.path)


def _normalise_service(service: YMap) -> YMap:
    """Mapping-or-list keys (environment, labels, build.args …) in their mapping form."""
    return service._replace(items=tuple((k, _normal_value(k.text, v)) for k, v in service.items))


def _normal_value(key: str, value: YNode) -> YNode:
    if key in _MAPPING_OR_LIST:
        return _as_mapping(value)
    if key == "build" and isinstance(value, YMap) and isinstance(value.get("args"), YSeq):
        return value._replace(
            items=tuple((k, _as_mapping(v) if k.text == "args" else v) for k, v in value.items)
        )
    return value


# ---- merging (13-merge.md) -----------------------------------------------------------------


def _port_key(node: YNode) -> tuple[str | None, ...] | None:
    from mllint.parsers.compose_syntax import port

    p = port(node)
    return (p.host_ip, p.target, p.published, p.protocol) if p and p.known else None


def _target_key(node: YNode) -> str | None:
    from mllint.parsers.compose_syntax import volume

    if isinstance(node, YMap):
        return text(node.get("target")) or text(node.get("source"))
    v = volume(node)
    return v.target if v and v.known else text(node)


_KEYED_LISTS = {
    "ports": _port_key,
    "volumes": _target_key,
    "secrets": _target_key,
    "configs": _target_key,
}


def merge(base: YNode, over: YNode, path: tuple[str, ...]) -> YNode | None:
    """Merge ``over`` onto ``base`` by Compose's rules; None means the key is removed."""
    if over.tag == "!reset":
        return None
    if over.tag == "!override":
        return over._replace(tag=None)
    if isinstance(base, YMap) and isinstance(over, YMap):
        merged: dict[str, tuple[YScalar, YNode]] = {k.text: (k, v) for k, v in base.items}
        for key, value in over.items:
            if key.text in merged:
                result = merge(merged[key.text][1], value, (*path, key.text))
                if result is None:
                    del merged[key.text]
                else:
                    merged[key.text] = (merged[key.text][0], result)
            elif value.tag != "!reset":
                merged[key.text] = (
                    key,
                    value._replace(tag=None) if value.tag == "!override" else value,
                )
        return base._replace(items=tuple(merged.values()))
    if isinstance(base, YSeq) and isinstance(over, YSeq):
        tail = path[-2:] if len(path) >= 2 and path[-2] == "healthcheck" else path[-1:]
        if tail in _REPLACE:
            return over
        keyer = _KEYED_LISTS.get(path[-1]) if len(path) == 3 and path[0] == "services" else None
        if keyer is not None:
            out: dict[object, YNode] = {}
            for n, item in enumerate((*base.items, *over.items)):
                k = keyer(item)
                out[k if k is not None else ("#", n)] = item
            return base._replace(items=tuple(out.values()))
        return base._replace(items=base.items + over.items)
    return over


# ---- the project ---------------------------------------------------------------------------


def load_project(
    files: list[Path],
    *,
    project_dir: Path | None = None,
    env_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    contents: Mapping[str, bytes] | None = None,
) -> ComposeProject:
    """Load the project made of ``files`` (merged in order). Never raises.

    ``contents`` supplies the bytes of files that are not on disk (standard input).
    """
    loader = _ProjectLoader(os.environ if environ is None else environ, contents or {})
    directory = project_dir or (files[0].parent if files else Path("."))
    root = loader.project(files, directory, env_file, ())
    services = loader.services(root)
    return ComposeProject(
        files=tuple(str(f) for f in files),
        directory=str(directory),
        root=root,
        services=services,
        problems=tuple(loader.problems),
        sources=loader.sources,
    )


class _ProjectLoader(_Loader):
    def __init__(self, environ: Mapping[str, str], contents: Mapping[str, bytes]) -> None:
        super().__init__(environ, contents)
        self.directory = Path(".")
        self.env: Mapping[str, str] = environ
        self.env_files: dict[str, tuple[list[DotenvEntry], list[DotenvProblem]]] = {}
        self.file_cache: dict[str, YMap | None] = {}

    def load_file(self, path: Path, env: Mapping[str, str]) -> YMap | None:
        """A file parsed and interpolated, read once even when several services extend it."""
        key = str(path)
        if key not in self.file_cache:
            root = self.read(path)
            self.file_cache[key] = (
                self.interpolate(root, env) if root is not None else None  # type: ignore[assignment]
            )
        return self.file_cache[key]

    def project(
        self, files: list[Path], directory: Path, env_file: Path | None, including: tuple[str, ...]
    ) -> YMap | None:
        env = self.env_for(directory, env_file)
        if not including:  # the main project: env_file paths and bare KEYs resolve against it
            self.directory, self.env = directory, env
        merged: YMap | None = None
        for path in files:
            root = self.load_file(path, env)
            if root is None:
                continue
            self.validate(root, path)
            root = self.resolve_extends(root, path, env)
            merged = root if merged is None else merge(merged, root, ())  # type: ignore[assignment]
        if merged is not None:
            merged = self.include(merged, directory, including)
        return merged

    # ---- schema ----------------------------------------------------------------------------

    def validate(self, root: YMap, path: Path) -> None:
        from mllint.parsers.compose_schema import schema_problems

        for message, node in schema_problems(root):
            self.problem("ML002", message, node)

    # ---- extends ---------------------------------------------------------------------------

    def resolve_extends(self, root: YMap, path: Path, env: Mapping[str, str]) -> YMap:
        services = root.get("services")
        if not isinstance(services, YMap):
            return root
        items = []
        for key, node in services.items:
            resolved = (
                self.extended(key.text, node, path, env, ()) if isinstance(node, YMap) else node
            )
            items.append((key, resolved))
        new_services = services._replace(items=tuple(items))
        return root._replace(
            items=tuple((k, new_services if k.text == "services" else v) for k, v in root.items)
        )

    def extended(
        self,
        name: str,
        node: YMap,
        path: Path,
        env: Mapping[str, str],
        stack: tuple[tuple[str, str], ...],
    ) -> YMap:
        spec = node.get("extends")
        own = _normalise_service(
            node._replace(items=tuple((k, v) for k, v in node.items if k.text != "extends"))
        )
        if spec is None:
            return own
        if isinstance(spec, YMap):
            base_name, base_file = text(spec.get("service")), text(spec.get("file"))
        else:
            base_name, base_file = text(spec), None
        if base_name is None:
            self.problem("ML002", f"services.{name}.extends: 'service' is required", spec)
            return own
        base_path = (path.parent / base_file) if base_file else path
        key = (str(base_path), base_name)
        if key in stack or key == (str(path), name):
            self.problem(
                "ML002", f"services.{name}.extends: circular reference through '{base_name}'", spec
            )
            return own
        base_root = self.load_file(base_path, env) if base_file else self.file_cache.get(str(path))
        if base_root is None and base_file:
            self.problem("ML002", f"services.{name}.extends: cannot load '{base_file}'", spec)
            return own
        base_services = base_root.get("services") if base_root is not None else None
        base = base_services.get(base_name) if isinstance(base_services, YMap) else None
        if not isinstance(base, YMap):
            where = f" in {base_file}" if base_file else ""
            self.problem(
                "ML002",
                f"services.{name}.extends: service '{base_name}' is not defined{where}",
                spec,
            )
            return own
        base = self.extended(base_name, base, base_path, env, (*stack, (str(path), name)))
        result = merge(base, own, ("services", name))
        return result if isinstance(result, YMap) else own

    # ---- include ---------------------------------------------------------------------------

    def include(self, root: YMap, directory: Path, including: tuple[str, ...]) -> YMap:
        spec = root.get("include")
        if not isinstance(spec, YSeq):
            return root
        services = root.get("services")
        own: dict[str, tuple[YScalar, YNode]] = (
            {k.text: (k, v) for k, v in services.items} if isinstance(services, YMap) else {}
        )
        for entry in spec.items:
            paths, sub_dir, env_file = _include_entry(entry, directory)
            if not paths:
                self.problem("ML002", "include: each entry needs a path", entry)
                continue
            key = str(paths[0])
            if key in including:
                self.problem("ML002", f"include: circular include of {paths[0]}", entry)
                continue
            missing = [p for p in paths if not p.is_file()]
            if missing:
                self.problem("ML002", f"include: {missing[0]} does not exist", entry)
                continue
            sub = self.project(paths, sub_dir or paths[0].parent, env_file, (*including, key))
            sub_services = sub.get("services") if sub is not None else None
            if not isinstance(sub_services, YMap):
                continue
            for k, v in sub_services.items:
                if k.text in own:
                    self.problem(
                        "ML002",
                        f"services.{k.text} is defined both by the project "
                        f"and by the included {paths[0].name}",
                        k,
                    )
                    continue
                own[k.text] = (k, v)
        items = [(k, v) for k, v in root.items if k.text not in ("services", "include")]
        key_node = root.key_node("services") or YScalar(
            "services", "services", "", None, root.span, root.path
        )
        merged = YMap(
            tuple(own.values()),
            None,
            services.span if isinstance(services, YMap) else root.span,
            root.path,
        )
        return root._replace(items=((key_node, merged), *items))

    # ---- services --------------------------------------------------------------------------

    def services(self, root: YMap | None) -> tuple[Service, ...]:
        if root is None:
            return ()
        services = root.get("services")
        if services is None:
            return ()
        if not isinstance(services, YMap):
            self.problem("ML002", "'services' must be a mapping of service names", services)
            return ()
        out = []
        for key, written in services.items:
            if not isinstance(written, YMap):
                if not (isinstance(written, YScalar) and written.value is None):
                    self.problem("ML002", f"services.{key.text} must be a mapping", written)
                continue
            node = self.container_environment(written)
            profiles = node.get("profiles")
            names = tuple(
                t
                for p in (profiles.items if isinstance(profiles, YSeq) else ())
                if (t := text(p)) is not None
            )
            out.append(Service(key.text, key, node, names))
        return tuple(out)

    def container_environment(self, service: YMap) -> YMap:
        """``environment`` as the container gets it: ``env_file`` entries first (pointing into
        the env file), then ``environment`` over them, and a bare ``KEY`` taking its value
        from the interpolation environment (process over ``.env``), as Compose does."""
        env_files = _env_file_entries(service.get("env_file"))
        environment = service.get("environment")
        if not env_files and not isinstance(environment, YMap):
            return service
        from mllint.parsers.dotenv import load_dotenv

        items: dict[str, tuple[YScalar, YNode]] = {}
        for path, required, raw, entry in env_files:
            full = self.directory / path
            name = str(full)
            if required and not full.exists():
                # Said where it is written: the env file itself has no line to point at.
                self.problem(
                    "ML001",
                    f"env_file {path} does not exist, so Compose refuses to start the project; "
                    "create it, or mark the entry `required: false` when it is optional",
                    entry,
                )
                continue
            if name not in self.env_files:  # several services often share one env file
                self.env_files[name] = load_dotenv(name, env=self.env, required=required)
                problems = self.env_files[name][1]
            else:
                problems = []
            entries = self.env_files[name][0]
            if entries and name not in self.sources:
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    self.sources[name] = tuple(full.read_text(encoding="utf-8-sig").splitlines())
            lines = self.sources.get(name, ())
            for dp in problems:
                self.problem(
                    "ML001" if dp.fatal else "ML003", dp.message, name, Span(dp.line, 1, dp.line, 1)
                )
            for e in entries:
                read = e.value
                if raw and 0 < e.line <= len(lines):  # format: raw takes the text as written
                    read = lines[e.line - 1].split("=", 1)[-1]
                items[e.key] = (
                    YScalar(e.key, e.key, "", None, e.key_span, name),
                    YScalar(read, read, "=", None, e.value_span, name),
                )
        if isinstance(environment, YMap):
            for key, value in environment.items:
                passed = self.env.get(key.text)
                if (
                    isinstance(value, YScalar)
                    and value.value is None
                    and value.tag is None
                    and passed is not None
                ):
                    # A bare KEY takes its value from the environment Compose runs in.
                    items[key.text] = (key, value._replace(value=passed, text=""))
                else:
                    items[key.text] = (key, value)
        merged = YMap(
            tuple(items.values()),
            None,
            environment.span if isinstance(environment, YMap) else service.span,
            service.path,
        )
        key_node = service.key_node("environment") or YScalar(
            "environment", "environment", "", None, service.span, service.path
        )
        rest = tuple((k, v) for k, v in service.items if k.text != "environment")
        return service._replace(items=(*rest, (key_node, merged)))


def _env_file_entries(node: YNode | None) -> list[tuple[str, bool, bool, YNode]]:
    """(path, required, raw format, the entry) for each ``env_file`` entry, short or long."""
    entries = node.items if isinstance(node, YSeq) else ((node,) if node is not None else ())
    out: list[tuple[str, bool, bool, YNode]] = []
    for entry in entries:
        if isinstance(entry, YScalar) and (path := text(entry)):
            out.append((path, True, False, entry))
        elif isinstance(entry, YMap) and (path := text(entry.get("path"))):
            required = text(entry.get("required")) != "false"
            out.append((path, required, text(entry.get("format")) == "raw", entry))
    return out


def _include_entry(entry: YNode, directory: Path) -> tuple[list[Path], Path | None, Path | None]:
    if isinstance(entry, YScalar):
        value = text(entry)
        return ([directory / value] if value else []), None, None
    if not isinstance(entry, YMap):
        return [], None, None
    path_node = entry.get("path")
    raw = (
        [text(path_node)]
        if isinstance(path_node, YScalar)
        else [text(p) for p in (path_node.items if isinstance(path_node, YSeq) else ())]
    )
    paths = [directory / p for p in raw if p]
    sub_dir = text(entry.get("project_directory"))
    env_node = entry.get("env_file")
    env_file = text(env_node) if isinstance(env_node, YScalar) else None
    return (
        paths,
        directory / sub_dir if sub_dir else None,
        directory / env_file if env_file else None,
    )
