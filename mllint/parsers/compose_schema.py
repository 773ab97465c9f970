"""Validation against the official Compose JSON schema, with messages a person understands.

The schema ships inside ``check-jsonschema`` (Apache-2.0, the current upstream draft 2020-12
copy); we depend on it with a pinned range instead of copying the file. jsonschema and the schema
are loaded on first use only: a Dockerfile-only run never pays for them.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from mllint.model.yaml import YMap, YNode, node_at_path, to_python


def schema_path() -> Path:
    """Where check-jsonschema keeps the Compose schema, found without importing the package
    (its ``__init__`` pulls in click, requests and ruamel.yaml: half a second)."""
    from importlib.util import find_spec

    spec = find_spec("check_jsonschema")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the check-jsonschema package (the Compose schema) is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "builtin_schemas" / "vendor" / "compose-spec.json"


def _flatten(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite ``allOf: [$ref…] + unevaluatedProperties: false`` (service, job, pre_start hook)
    as one object with ``additionalProperties: false``.

    The referenced parts are plain objects (properties and ``^x-`` patterns only), so the two
    forms accept the same documents; jsonschema evaluates ``unevaluatedProperties`` by
    re-validating every branch, which made validation four times slower than parsing.
    """
    defs = schema.get("$defs", {})
    for node in defs.values():
        if node.get("unevaluatedProperties") is not False or "allOf" not in node:
            continue
        parts = [defs.get(str(a.get("$ref", "")).rsplit("/", 1)[-1]) for a in node["allOf"]]
        if not all(
            isinstance(p, dict)
            and set(p) <= {"type", "description", "properties", "patternProperties"}
            for p in parts
        ):
            continue
        properties: dict[str, Any] = dict(node.get("properties", {}))
        patterns: dict[str, Any] = dict(node.get("patternProperties", {}))
        for part in parts:
            assert part is not None
            properties = {**part.get("properties", {}), **properties}  # the node's own win
            patterns = {**part.get("patternProperties", {}), **patterns}
        del node["allOf"], node["unevaluatedProperties"]
        node.update(
            type="object",
            properties=properties,
            patternProperties=patterns,
            additionalProperties=False,
        )
    return schema


@cache
def _validator() -> Any:
    import jsonschema

    schema = _flatten(json.loads(schema_path().read_text(encoding="utf-8")))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema)


@cache
def _known_keys() -> frozenset[str]:
    names: set[str] = set()
    stack: list[Any] = [_validator().schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                names.update(props)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


def _where(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "null"
    return f"{value!r}"


def _narrowest(error: Any) -> Any | None:
    """The alternative of a oneOf/anyOf that got furthest into the value: for a mapping
    ``depends_on`` with a bad ``condition``, the enum error on ``condition``, not "expected a
    list". None when no alternative got deeper than the value itself."""
    leaves = []
    stack = list(error.context)
    while stack:
        e = stack.pop()
        if e.context:
            stack.extend(e.context)
        else:
            leaves.append(e)
    if not leaves:
        return None
    deepest = max(leaves, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    return deepest if len(deepest.absolute_path) > len(error.absolute_path) else None


def _messages(error: Any) -> Iterator[tuple[str, list[str | int], bool]]:
    """Readable sentences for one schema error: (message, path, point at the key)."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        narrowest = _narrowest(error)
        if narrowest is not None:
            yield from _messages(narrowest)
            return
    path = list(error.absolute_path)
    where = _where(path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        instance = error.instance if isinstance(error.instance, dict) else {}
        names = [n for n in re.findall(r"'([^']+)'", error.message) if n in instance]
        # A known key whose value is wrong also shows up as "unevaluated": its own error says
        # what is wrong, so only truly unknown names are reported here.
        unknown = [n for n in names if not n.startswith("x-") and n not in _known_keys()]
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(_known_keys()), n=1, cutoff=0.75)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield f"{where}: unknown key '{name}'{hint}", [*path, name], True
        return
    if error.validator == "type":
        expected = error.validator_value
        wanted = " or ".join(
            _TYPE_NAMES.get(str(t), str(t))
            for t in (expected if isinstance(expected, list) else [expected])
        )
        yield f"{where}: expected {wanted}, got {_describe(error.instance)}", path, False
    elif error.validator == "enum":
        choices = ", ".join(repr(c) for c in error.validator_value)
        yield f"{where}: {_describe(error.instance)} is not one of {choices}", path, False
    elif error.validator in ("oneOf", "anyOf"):
        yield f"{where}: {_describe(error.instance)} is not a valid value here", path, False
    else:
        yield f"{where}: {error.message}", path, False


def schema_problems(root: YMap) -> Iterator[tuple[str, YNode]]:
    """Every violation of the Compose schema in one file, with the node to point at."""
    validator = _validator()
    instance = to_python(root)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    seen: set[str] = set()
    for error in errors:
        for message, path, at_key in _messages(error):
            if message in seen:
                continue
            seen.add(message)
            node = None
            for cut in range(len(path), -1, -1):
                node = (
                    _key_or_node(root, path[:cut])
                    if at_key and cut == len(path)
                    else (node_at_path(root, list(path[:cut])))
                )
                if node is not None:
                    break
            yield message, node if node is not None else root


def _key_or_node(root: YMap, path: list[str | int]) -> YNode | None:
    """Point at the key when the path ends in a mapping key (an unknown key), else the value."""
    if path and isinstance(path[-1], str):
        parent = node_at_path(root, list(path[:-1]))
        if isinstance(parent, YMap):
            key = parent.key_node(path[-1])
            if key is not None:
                return key
    return node_at_path(root, list(path))
