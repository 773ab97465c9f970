"""Configuration files: ``.mllint.yaml`` (or ``.mllint.yml``) or ``[tool.mllint]`` in
``pyproject.toml``.

**Finding the file.** :func:`find_config` walks up from the first linted path (a file's folder,
or the directory itself; the working directory for standard input) to the filesystem root, or
to the first folder holding ``.git``, whichever comes first. In each folder ``.mllint.yaml``
wins, then ``.mllint.yml``, then ``pyproject.toml`` when it has a ``[tool.mllint]`` table (a
``pyproject.toml`` without one is passed over). ``--config FILE`` names the file instead:
``*.yaml``/``*.yml`` is read as the YAML file, ``pyproject.toml`` by its ``[tool.mllint]`` table,
any other ``*.toml`` by its top-level keys (as ruff reads ``ruff.toml``). ``--isolated`` reads
none.

**Keys.** ``select``, ``extend-select``, ``ignore`` (rule ids, prefixes, names, categories, as
on the command line), ``per-file-ignores`` (glob -> rules), ``severity`` (rule -> error |
warning | info), ``fail-on``, ``options`` (rule -> option -> value, as the catalog declares
them) and ``exclude`` (globs). ``severity`` and ``options`` name one rule each: an id or a name.

**Errors** are one line naming the file, the line and, for a misspelt name, the nearest valid
one: ``pyproject.toml:12: unknown key 'selct' in [tool.mllint] (did you mean 'select'?)``. YAML
is read with :func:`mllint.parsers.yaml_loader.load_yaml`, whose tree has a span on every key
and value. ``tomllib`` gives TOML values but no positions, so :class:`_TomlLines` finds them by
scanning the text: it follows the ``[table]`` headers and records the line of every
``key = `` (dotted and quoted keys included); a key inside an inline table, or an element of an
array, is found by searching for its text from the line of the closest key it recorded. That
is exact for the usual layouts and never worse than the line of the enclosing key.

**The JSON Schema** ``schemas/config.schema.json`` (shipped as ``mllint/_schemas/``) is for
editors (yaml-language-server, taplo). Run-time validation is the checks below, which are
stricter (they know the rules and their options) and name the nearest valid key; a test holds
the two together (every key of one is a key of the other, and both accept and reject the same
files). :func:`load_config` can also validate against the schema (``schema=True``); it does not
by default, because importing ``jsonschema`` costs about 0.1 s, more than a whole run of a
pre-commit hook.

**Globs** (``per-file-ignores``, ``exclude``) are relative to the config file's folder: ``*``
and ``?`` stay within a path segment, ``[abc]`` is a character class, ``**`` (a whole segment)
is any number of segments, as ``PurePath.full_match`` (Python 3.13) reads them. A glob matches a
file when it matches the file's path or the path of a folder the file is in; a glob without a
``/`` also matches those names anywhere (``Dockerfile.dev``, ``legacy``), as in ``.gitignore``
and ruff, unless it starts with ``/``. A glob ending in ``/`` is a folder and what is below it.

**Precedence** follows ruff: the command line is a layer on top of the file. ``--select``
starts over (the file's ``select``, ``extend-select`` and ``ignore`` no longer apply);
``--extend-select`` and ``--ignore`` adjust the file's selection; ``--fail-on`` overrides
``fail-on``. ``exclude`` only applies while walking directories: a file named on the command
line is linted even when a glob excludes it, and of a folder named there only what is below it
is judged (ruff's behaviour without ``--force-exclude``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from mllint.catalog import CATEGORIES, Catalog, RuleEntry, load_catalog
from mllint.engine.finding import Severity
from mllint.engine.selection import SelectionError, select_rules

if TYPE_CHECKING:
    from mllint.engine.finding import Finding
    from mllint.lint import Settings
    from mllint.policies import Policy

YAML_NAMES = (".mllint.yaml", ".mllint.yml")
PYPROJECT = "pyproject.toml"
#: Every key a config file may hold, in the order ``mllint init`` writes them.
KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "fail-on",
    "options",
    "exclude",
    "policies",
)
SEVERITIES = ("error", "warning", "info")
SCHEMA_NAME = "config.schema.json"
SCHEMA_URL = (
    "https://raw.githubusercontent.com/mllint-docker/mllint/main/schemas/config.schema.json"
)


class ConfigError(ValueError):
    """A config file that cannot be used; the message is one line, ``file:line: problem``."""


class Config(NamedTuple):
    """A validated config file. Rule references are kept as written (``select_rules`` expands
    them); ``severity`` and ``options`` are keyed by rule id."""

    path: Path  # the file it was read from; globs are relative to its folder
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Mapping[str, Severity] = {}
    fail_on: Severity | None = None
    options: Mapping[str, Mapping[str, Any]] = {}  # rule id -> kebab-case option -> value
    exclude: tuple[str, ...] = ()
    policies: tuple[Policy, ...] = ()  # the organisation's own rules (mllint.policies)

    @property
    def root(self) -> Path:
        return self.path.parent


# --------------------------------------------------------------------------- discovery


def find_config(start: Path) -> Path | None:
    """The config file that applies to ``start`` (a file or a folder), or None."""
    folder = Path(os.path.abspath(start))
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    while True:
        for name in YAML_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_mllint_table(pyproject):
            return pyproject
        if (folder / ".git").exists() or folder == folder.parent:
            return None
        folder = folder.parent


#: A [tool.mllint] header or a tool.mllint dotted key (only searched in broken TOML).
_MENTIONS_TABLE = r"""tool\s*\.\s*["']?mllint["']?\s*[\].=]"""


def _has_mllint_table(path: Path) -> bool:
    text = _read_text(path)
    if "mllint" not in text:
        return False
    try:
        data = _parse_toml(text, path)
    except ConfigError:
        if re.search(_MENTIONS_TABLE, text):
            raise  # our table is in a file TOML cannot read: say so
        return False  # someone else's broken file: not ours to judge
    tool = data.get("tool")
    return isinstance(tool, dict) and "mllint" in tool


def config_for(
    paths: Sequence[str], *, config: str | None = None, isolated: bool = False
) -> Config | None:
    """The config of a run: ``--config``, else the one found from the first linted path."""
    if isolated:
        if config:
            raise ConfigError("--config and --isolated cannot be used together")
        return None
    if config:
        path = Path(config)
        if not path.is_file():
            raise ConfigError(f"{config}: no such config file")
        return load_config(path)
    first = next((p for p in paths if p != "-"), ".")
    found = find_config(Path(first))
    return load_config(found) if found else None


# --------------------------------------------------------------------------- loading


def load_config(
    path: Path | str, catalog: Catalog | None = None, *, schema: bool = False
) -> Config:
    """Read and validate a config file; ``ConfigError`` (one line) when it is wrong.

    ``schema=True`` also validates against ``schemas/config.schema.json`` (needs jsonschema).
    """
    path = Path(path)
    catalog = catalog or load_catalog()
    text = _read_text(path)
    shown = _display(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        data, where = _load_yaml(text, shown)
        kind, section = "mapping", ""
    else:
        document = _parse_toml(text, path)
        table: tuple[str, ...] = ("tool", "mllint") if path.name == PYPROJECT else ()
        lines = _TomlLines(text, table)
        node: Any = document
        for step in table:
            node = node.get(step) if isinstance(node, dict) else None
            if node is None:
                raise ConfigError(f"{shown}:1: no [tool.mllint] table")
        where = lines.line
        kind, section = "table", " in [tool.mllint]" if table else ""
        if not isinstance(node, dict):
            raise ConfigError(f"{shown}:{where((), None)}: [tool.mllint] must be a table")
        data = node
    config = _Validator(path, shown, where, catalog, kind).run(data, section)
    if schema:
        _check_schema(data, shown, where)
    return config


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{_display(path)}:1: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{_display(path)}: cannot read: {exc.strerror or exc}") from None


def _display(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when below it."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        return absolute
    return absolute if relative.startswith("..") else relative


Locate = Callable[[tuple[str | int, ...], str | None], int]


def _load_yaml(text: str, shown: str) -> tuple[dict[str, Any], Locate]:
    from mllint.model.yaml import YMap, YSeq, node_at_path, to_python
    from mllint.parsers.yaml_loader import load_yaml

    root, problems = load_yaml(text, shown)
    if problems:
        # The loader speaks of Compose, which reads YAML the same way; here it is our file.
        first = problems[0]
        message = first.message.split("; Compose")[0]
        if first.kind == "multiple-documents":
            message = "the config holds more than one YAML document ('---')"
        raise ConfigError(f"{shown}:{first.span.line}: {message}")
    if root is None:
        return {}, lambda _path, _text: 1
    if not isinstance(root, YMap):
        raise ConfigError(f"{shown}:{root.span.line}: the config must be a mapping of keys")

    def where(path: tuple[str | int, ...], _text: str | None = None) -> int:
        if not path:
            return root.span.line
        parent = node_at_path(root, list(path[:-1]))
        last = path[-1]
        if isinstance(parent, YMap):
            key = parent.key_node(str(last))
            if key is not None:
                return key.span.line
        if isinstance(parent, YSeq) and isinstance(last, int) and last < len(parent.items):
            return parent.items[last].span.line
        return parent.span.line if parent is not None else root.span.line

    data = to_python(root)
    assert isinstance(data, dict)
    return data, where


_TOML_POSITION = r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$"


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(_TOML_POSITION, message)
        line = text.count("\n") + 1
        if match:
            message = message[: match.start()]
            line = int(match.group(1)) if match.group(1) else line
        raise ConfigError(f"{_display(path)}:{line}: not valid TOML: {message}") from None


_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_KEY = f"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = rf"\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$"
_ASSIGN = rf"\s*({_DOTTED})\s*="
# Patterns stay strings, compiled (and cached by ``re``) when a TOML config is read: compiling
# them all at import would cost a pre-commit run ~10 ms.


def _key_parts(dotted: str) -> tuple[str, ...]:
    import json

    parts = []
    for match in re.finditer(_KEY, dotted):
        token = match.group()
        if token.startswith('"'):
            try:
                token = json.loads(token)
            except ValueError:
                token = token[1:-1]
        elif token.startswith("'"):
            token = token[1:-1]
        parts.append(token)
    return tuple(parts)


class _TomlLines:
    """Lines of the keys of a TOML file, found by scanning its text (see the module doc)."""

    def __init__(self, text: str, table: tuple[str, ...]) -> None:
        self.table = table
        self.lines = text.splitlines()
        self.keys: dict[tuple[str, ...], int] = {}
        self.headers: list[int] = []  # line numbers of [table] headers
        current: tuple[str, ...] = ()
        in_string: str | None = None
        for number, line in enumerate(self.lines, start=1):
            if in_string:
                if in_string in line:
                    in_string = None
                continue
            header = re.match(_HEADER, line)
            if header:
                current = _key_parts(header.group(1))
                self.keys.setdefault(current, number)
                self.headers.append(number)
            else:
                assign = re.match(_ASSIGN, line)
                if assign:
                    self.keys.setdefault(current + _key_parts(assign.group(1)), number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2 == 1:
                    in_string = quotes
                    break

    def line(self, path: tuple[str | int, ...], text: str | None = None) -> int:
        """The line of the key at ``path`` (below the config table). For a key not written
        on a line of its own, or an array element (an ``int`` step, whose ``text`` is given),
        the first line from its closest recorded ancestor on that holds its text."""
        full = self.table + tuple(str(p) for p in path)
        steps = self.table + tuple(path)
        for n in range(len(full), 0, -1):
            found = self.keys.get(full[:n])
            if found is None:
                continue
            if n == len(full):
                return found
            wanted = [s for s in steps[n:] if isinstance(s, str)]
            if isinstance(steps[-1], int) and text is not None:
                wanted.append(text)
            return self._search(found, wanted) or found
        return 1

    def _search(self, start: int, texts: list[str]) -> int | None:
        if not texts:
            return None
        end = next((h for h in self.headers if h > start), len(self.lines) + 1)
        needle = texts[-1]
        for number in range(start, end):
            if needle in self.lines[number - 1]:
                return number
        return None


class _Validator:
    """The friendly checks: every problem is one ConfigError naming file, line and fix."""

    def __init__(self, path: Path, shown: str, where: Locate, catalog: Catalog, kind: str) -> None:
        self.path = path
        self.shown = shown
        self.where = where
        self.catalog = catalog
        self.kind = kind  # "mapping" (YAML) or "table" (TOML)

    def fail(self, at: tuple[str | int, ...], message: str, text: str | None = None) -> NoReturn:
        raise ConfigError(f"{self.shown}:{self.where(at, text)}: {message}")

    def run(self, data: Mapping[str, Any], section: str) -> Config:
        for key in data:
            if key not in KEYS:
                self.fail((key,), f"unknown key '{key}'{section}{_hint(key, KEYS)}")
        policies: tuple[Policy, ...] = ()
        if "policies" in data:
            from mllint.policies import parse_policies, with_policies

            policies = parse_policies(
                data["policies"],
                self.fail,
                self.catalog,
                Path(os.path.abspath(self.path)),
                _hint,
            )
            # Policies are rules: select, ignore, severity and per-file-ignores may name them.
            self.catalog = with_policies(self.catalog, policies)
        return Config(
            path=Path(os.path.abspath(self.path)),
            select=self.rules("select", data["select"]) if "select" in data else None,
            extend_select=self.rules("extend-select", data.get("extend-select", [])),
            ignore=self.rules("ignore", data.get("ignore", [])),
            per_file_ignores=self.per_file_ignores(data.get("per-file-ignores", {})),
            severity=self.severity(data.get("severity", {})),
            fail_on=self.level(("fail-on",), data["fail-on"]) if "fail-on" in data else None,
            options=self.options(data.get("options", {})),
            exclude=self.globs("exclude", data.get("exclude", [])),
            policies=policies,
        )

    def strings(self, at: tuple[str | int, ...], value: object, what: str) -> tuple[str, ...]:
        label = "'" + "' > '".join(str(a) for a in at) + "'"
        if not isinstance(value, list):
            self.fail(at, f"{label} must be a list of {what}, not {_kind(value, self.kind)}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(
                    (*at, i), f"{label} must hold strings, not {_kind(item, self.kind)}", str(item)
                )
        return tuple(value)

    def rules(self, key: str | tuple[str, ...], value: object) -> tuple[str, ...]:
        at = (key,) if isinstance(key, str) else key
        refs = self.strings(at, value, "rule ids, prefixes, names or categories")
        for i, ref in enumerate(refs):
            try:
                select_rules(self.catalog, [ref])
            except SelectionError as exc:
                message = str(exc)
                if "did you mean" not in message:
                    message += " (see 'mllint rules')"
                self.fail((*at, i), message, ref)
        return refs

    def mapping(self, at: tuple[str, ...], value: object, what: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(
                at, f"'{at[-1]}' must be a {self.kind} of {what}, not {_kind(value, self.kind)}"
            )
        return value

    def per_file_ignores(self, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
        table = self.mapping(("per-file-ignores",), value, "globs to rules")
        out = []
        for glob, refs in table.items():
            self.glob(("per-file-ignores", glob), glob)
            out.append((glob, self.rules(("per-file-ignores", glob), refs)))
        return tuple(out)

    def globs(self, key: str, value: object) -> tuple[str, ...]:
        globs = self.strings((key,), value, "globs")
        for i, glob in enumerate(globs):
            self.glob((key, i), glob)
        return globs

    def glob(self, at: tuple[str | int, ...], glob: str) -> None:
        try:
            compile_glob(glob)
        except GlobError as exc:
            self.fail(at, f"bad glob '{glob}' in '{at[0]}': {exc}", glob)

    def rule(self, at: tuple[str, ...], ref: str) -> RuleEntry:
        entry = self.catalog.lookup(ref)
        if entry is None:
            try:
                select_rules(self.catalog, [ref])
            except SelectionError:
                pass
            else:
                self.fail(
                    at, f"'{at[0]}' takes one rule id or name, not the prefix or category '{ref}'"
                )
            names = [*self.catalog.keys(), *(e.name for e in self.catalog.values())]
            hint = _hint(ref, names) or " (see 'mllint rules')"
            self.fail(at, f"unknown rule '{ref}' in '{at[0]}': a rule id or name{hint}")
        return entry

    def unique(self, at: tuple[str, ...], entry: RuleEntry, seen: dict[str, str]) -> None:
        ref = at[-1]
        if entry.id in seen:
            self.fail(
                at, f"{entry.id} is given twice in '{at[0]}' ('{seen[entry.id]}' and '{ref}')"
            )
        seen[entry.id] = ref

    def level(self, at: tuple[str, ...], value: object) -> Severity:
        if value not in SEVERITIES:
            shown = f"'{value}'" if isinstance(value, str) else _kind(value, self.kind)
            hint = _hint(value, SEVERITIES) if isinstance(value, str) else ""
            what = f"the severity of '{at[-1]}'" if len(at) > 1 else f"'{at[0]}'"
            self.fail(at, f"{what} must be error, warning or info, not {shown}{hint}")
        return Severity.parse(str(value))

    def severity(self, value: object) -> dict[str, Severity]:
        table = self.mapping(("severity",), value, "rules to severities")
        out: dict[str, Severity] = {}
        seen: dict[str, str] = {}
        for ref, level in table.items():
            entry = self.rule(("severity", ref), ref)
            self.unique(("severity", ref), entry, seen)
            out[entry.id] = self.level(("severity", ref), level)
        return out

    def options(self, value: object) -> dict[str, dict[str, Any]]:
        table = self.mapping(("options",), value, "rules to their options")
        out: dict[str, dict[str, Any]] = {}
        seen: dict[str, str] = {}
        for ref, given in table.items():
            at = ("options", ref)
            entry = self.rule(at, ref)
            self.unique(at, entry, seen)
            values = self.mapping(at, given, "options")
            declared = entry.options
            for name, option in values.items():
                if name not in declared:
                    if not declared:
                        self.fail((*at, name), f"rule {entry.id} ({entry.name}) has no options")
                    hint = _hint(name, list(declared)) or (f" (its options: {', '.join(declared)})")
                    self.fail((*at, name), f"unknown option '{name}' of {entry.id}{hint}")
                problem = option_type_error(declared[name], option, self.kind)
                if problem:
                    self.fail((*at, name), f"option '{name}' of {entry.id} must be {problem}")
            out[entry.id] = {
                name: tuple(v) if isinstance(v, list) else v for name, v in values.items()
            }
        return out


def option_type_error(spec: Mapping[str, Any], value: object, kind: str = "mapping") -> str:
    """'' when ``value`` has the type the catalog declares, else what it must be."""
    names = {"string": "a string", "integer": "an integer", "boolean": "a boolean"}
    declared = spec.get("type", "string")
    if declared == "array":
        item = (spec.get("items") or {}).get("type")
        if not isinstance(value, list):
            return f"a list, not {_kind(value, kind)}"
        bad = next((v for v in value if item and not _has_type(v, item)), None)
        if bad is not None:
            return f"a list of {item}s, not a list holding {_kind(bad, kind)}"
        return ""
    if not _has_type(value, declared):
        return f"{names.get(declared, declared)}, not {_kind(value, kind)}"
    return ""


def _has_type(value: object, declared: str) -> bool:
    if declared == "string":
        return isinstance(value, str)
    if declared == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if declared == "boolean":
        return isinstance(value, bool)
    return True


def _kind(value: object, kind: str) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return f"a {kind}"
    return f"a {type(value).__name__}"  # a TOML date or time


def _hint(word: str, choices: Iterable[str]) -> str:
    from mllint.spelling import nearest

    close = nearest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


def schema_path() -> Path:
    """``config.schema.json``: in the wheel (``mllint/_schemas``) or in a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_schemas" / SCHEMA_NAME
    return packaged if packaged.is_file() else here.parent / "schemas" / SCHEMA_NAME


def _check_schema(data: Mapping[str, Any], shown: str, where: Locate) -> None:
    import json

    import jsonschema

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        first = errors[0]
        at = tuple(first.absolute_path)
        text = str(first.instance) if at and isinstance(at[-1], int) else None
        raise ConfigError(f"{shown}:{where(at, text)}: {first.message}")


# --------------------------------------------------------------------------- globs


class GlobError(ValueError):
    """A glob that cannot be read."""


def _segment(segment: str) -> str:
    if "**" in segment:
        raise GlobError("'**' must be a whole path segment, as in 'a/**/b'")
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            start = i + 1
            negate = start < len(segment) and segment[start] in "!^"
            start += negate
            first = start + 1 if start < len(segment) and segment[start] == "]" else start
            close = segment.find("]", first)
            if close < 0:
                raise GlobError("'[' without a closing ']'")
            body = segment[start:close]
            body = re.sub(r"([\\\[&~|^])", r"\\\1", body)
            out.append(f"[{'^/' if negate else ''}{body}]")
            i = close
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def compile_glob(glob: str) -> tuple[re.Pattern[str], bool]:
    """A regex over '/'-separated relative paths, and whether it also matches bare names."""
    if not glob.strip():
        raise GlobError("empty glob")
    anchored = glob.startswith(("/", "./"))
    body = glob[2:] if glob.startswith("./") else glob.lstrip("/")
    if body.endswith("/"):
        body += "**"
    segments: list[str] = []
    for segment in body.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            raise GlobError("'..' leaves the config file's folder")
        if segment == "**" and segments[-1:] == ["**"]:
            continue
        segments.append(segment)
    if not segments:
        raise GlobError("matches nothing")
    regex = ""
    for i, segment in enumerate(segments):
        if segment == "**":
            if len(segments) == 1:
                regex += ".*"
            elif i == 0:
                regex += "(?:[^/]+/)*"
            elif i == len(segments) - 1:
                regex += "(?:/[^/]+)*"
            else:
                regex += "(?:/[^/]+)*/"
            continue
        if i > 0 and segments[i - 1] != "**":
            regex += "/"
        regex += _segment(segment)
    try:
        pattern = re.compile(regex, re.DOTALL)
    except re.error as exc:
        raise GlobError(str(exc.msg)) from None
    return pattern, not anchored and len(segments) == 1 and segments[0] != "**"


class PathMatcher:
    """Globs relative to ``root`` (default: the working directory); see the module doc."""

    def __init__(self, globs: Iterable[str], root: str | os.PathLike[str] | None = None) -> None:
        self.root = os.path.abspath(root or os.curdir)
        self.patterns = [compile_glob(g) for g in globs]

    def __call__(self, path: str, below: str | None = None) -> bool:
        """Whether a glob matches ``path`` or a folder it is in; with ``below`` (a folder
        named on the command line), only the folders below that one count."""
        if not self.patterns:
            return False
        absolute = os.path.abspath(path)
        parts = _parts(os.path.relpath(absolute, self.root))
        inside = parts[0] != ".."
        skip = 0
        names = [p for p in parts if p != ".."][-1:]
        if below is not None:
            start = _parts(os.path.relpath(os.path.abspath(below), self.root))
            if start != ["."] and start[0] != "..":
                skip = len(start)
            names = _parts(os.path.relpath(absolute, os.path.abspath(below)))
        elif inside:
            names = parts
        prefixes = ["/".join(parts[: n + 1]) for n in range(skip, len(parts))] if inside else []
        for pattern, by_name in self.patterns:
            if any(pattern.fullmatch(p) for p in prefixes):
                return True
            if by_name and any(pattern.fullmatch(n) for n in names):
                return True
        return False


def _parts(relative: str) -> list[str]:
    return relative.replace(os.sep, "/").split("/")


def per_file_filter(
    per_file_ignores: Iterable[tuple[str, Iterable[str]]],
    root: str | os.PathLike[str] | None,
    catalog: Catalog,
) -> Callable[[Finding], bool]:
    """A predicate keeping the findings no ``per-file-ignores`` entry drops."""
    entries = [
        (PathMatcher([glob], root), frozenset(select_rules(catalog, list(refs))))
        for glob, refs in per_file_ignores
    ]

    def keep(finding: Finding) -> bool:
        return not any(finding.rule_id in ids and matches(finding.path) for matches, ids in entries)

    return keep


# --------------------------------------------------------------------------- applying


def options_tuple(rule_class: Any, values: Mapping[str, Any]) -> Any:
    """A rule's options NamedTuple from kebab-case names (its defaults for the rest)."""
    return rule_class(**{name.replace("-", "_"): value for name, value in values.items()})


def apply_config(
    config: Config | None, settings: Settings, catalog: Catalog | None = None
) -> Settings:
    """``settings`` (from the command line or a caller) layered over ``config``."""
    if config is None:
        return settings
    catalog = catalog or load_catalog()
    changes: dict[str, Any] = {}
    if config.policies:
        from mllint.policies import with_policies

        catalog = with_policies(catalog, config.policies)
        changes["policies"] = (*config.policies, *settings.policies)
    if settings.select is None:
        # ruff's layering: the file's own select/extend-select/ignore make the base that the
        # command line's --extend-select and --ignore then adjust.
        changes["select"] = select_rules(
            catalog, config.select, config.extend_select, config.ignore
        )
    options = dict(settings.options)
    if config.options:
        from mllint.checks import load

        load()  # registers every rule and its options class
        from mllint.engine.registry import REGISTRY

        for rule_id, values in config.options.items():
            registered = REGISTRY.get(rule_id)
            if rule_id not in options and registered and registered.options is not None:
                options[rule_id] = options_tuple(registered.options, values)
    return settings._replace(
        **changes,
        severities={**config.severity, **settings.severities},
        options=options,
        per_file_ignores=(*config.per_file_ignores, *settings.per_file_ignores),
        exclude=(*config.exclude, *settings.exclude),
        root=settings.root or str(config.root),
    )


# --------------------------------------------------------------------------- mllint init


def starter(fmt: str, catalog: Catalog | None = None) -> str:
    """The text ``mllint init`` writes: every key, commented out, with what it does.

    A setting is ``#`` then the setting as it would be written (``#select: [...]``,
    ``#  ML101: error`` under ``#severity:``): removing the ``#`` turns it on. An explanation is
    ``# `` then text. A test uncomments every setting and loads the result.
    """
    import textwrap

    catalog = catalog or load_catalog()
    entries = list(catalog.values())
    fallback = entries[0].id if entries else "ML101"
    ignored = next((i for i in ("ML101", "ML102") if i in catalog), fallback)
    raised = next((i for i in ("ML201", "ML203") if i in catalog), fallback)
    categories = textwrap.wrap(
        "Categories: "
        + ", ".join(f"{name} (ML{digit}xx)" for digit, name in CATEGORIES.items())
        + ".",
        width=90,
    )
    with_options = [e for e in entries if e.options]
    toml = fmt == "toml"

    def setting(key: str, value: str) -> str:
        return f"#{key} = {value}" if toml else f"#{key}: {value}"

    def array(*items: str) -> str:
        return "[" + ", ".join(f'"{i}"' for i in items) + "]"

    out = []
    if toml:
        out += ["[tool.mllint]"]
    else:
        out += [f"# yaml-language-server: $schema={SCHEMA_URL}"]
    out += [
        "# mllint configuration: https://github.com/mllint-docker/mllint#configuration",
        "# Rules are named by id (ML101), id prefix (ML1), name (unpinned-base-image) or category.",
        *(f"# {line}" for line in categories),
        "# 'mllint rules' lists them; 'mllint rule ID' explains one. The command line's",
        "# --select, --extend-select, --ignore and --fail-on take precedence over this file.",
        "",
        "# Only these rules (default: every stable rule).",
        setting("select", array("ML1", "security")),
        "# Rules added to the selection (preview rules, for instance).",
        setting("extend-select", "[]"),
        "# Rules never run.",
        setting("ignore", "[]"),
        "# Lowest severity that makes mllint exit 1: error, warning (the default) or info.",
        setting("fail-on", '"warning"'),
        "# Paths skipped when mllint walks a folder (a file named on the command line is",
        "# still linted). Globs are relative to this file's folder: '**' spans folders,",
        "# a glob without '/' matches that name anywhere.",
        setting("exclude", array("third_party/**")),
        "",
    ]
    pfi = f'#"tests/**" = {array(ignored)}' if toml else f'#  "tests/**": {array(ignored)}'
    sev = f'#{raised} = "error"' if toml else f"#  {raised}: error"
    out += [
        "# Rules skipped in some files (globs as for exclude).",
        "#[tool.mllint.per-file-ignores]" if toml else "#per-file-ignores:",
        pfi,
        "",
        "# The severity of a rule's findings (error, warning or info), by rule id or name.",
        "#[tool.mllint.severity]" if toml else "#severity:",
        sev,
        "",
        "# Options of the rules that take some, by rule id or name.",
    ]
    if not with_options:
        out += ["# (No rule takes options in this version of mllint.)"]
        out += ["#[tool.mllint.options]" if toml else "#options: {}"]
    elif not toml:
        out += ["#options:"]
    for entry in with_options:
        out += [f"#[tool.mllint.options.{entry.id}]"] if toml else [f"#  {entry.id}:"]
        for name, spec in entry.options.items():
            description = spec.get("description", "")
            out += [f"# {description}" if toml else f"#    # {description}"]
            value = _literal(spec.get("default"), toml)
            out += [f"#{name} = {value}" if toml else f"#    {name}: {value}"]
    out += [
        "",
        "# Your organisation's own rules: listed by 'mllint rules', selected, ignored and",
        "# suppressed like any rule. Kinds: allowed-base-images (allow), required-labels",
        "# (labels), banned-packages and required-packages (packages, managers),",
        "# required-service-keys (keys; 'a|b' for either, dotted paths for nested keys).",
    ]
    if toml:
        out += [
            "#[[tool.mllint.policies]]",
            '#id = "ORG001"',
            '#kind = "allowed-base-images"',
            '#allow = ["nvcr.io/nvidia/**", "registry.example.com/**", "python"]',
            '#severity = "error"',
            '#message = "ask #platform-team to mirror other images"',
            "#[[tool.mllint.policies]]",
            '#id = "ORG002"',
            '#kind = "required-service-keys"',
            '#keys = ["healthcheck", "mem_limit|deploy.resources.limits.memory"]',
        ]
    else:
        out += [
            "#policies:",
            "#  - id: ORG001",
            "#    kind: allowed-base-images",
            '#    allow: ["nvcr.io/nvidia/**", "registry.example.com/**", "python"]',
            "#    severity: error",
            '#    message: "ask #platform-team to mirror other images"',
            "#  - id: ORG002",
            "#    kind: required-service-keys",
            '#    keys: ["healthcheck", "mem_limit|deploy.resources.limits.memory"]',
        ]
    return "\n".join(out) + "\n"


def _literal(value: object, toml: bool) -> str:
    import json

    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value) if value is not None or toml else "null"


def init_config(folder: Path, fmt: str = "yaml") -> Path:
    """Write the starter config into ``folder``; ConfigError when one is there already."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such directory")
    for name in YAML_NAMES:
        if (folder / name).exists():
            raise ConfigError(f"{_display(folder / name)} already exists; not overwritten")
    pyproject = folder / PYPROJECT
    if pyproject.is_file() and _has_mllint_table(pyproject):
        raise ConfigError(
            f"{_display(pyproject)} already has a [tool.mllint] table; not overwritten"
        )
    if fmt == "toml":
        before = _read_text(pyproject) if pyproject.is_file() else ""
        separator = "" if not before else "\n" if before.endswith("\n") else "\n\n"
        with pyproject.open("a", encoding="utf-8") as fh:
            fh.write(separator + starter("toml"))
        return pyproject
    target = folder / YAML_NAMES[0]
    target.write_text(starter("yaml"), encoding="utf-8")
    return target
