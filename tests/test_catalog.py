"""The catalog, the registry and the docs must agree: every fact has one home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mllint.catalog import CATEGORIES, catalog_dir, load_catalog, read_entry
from mllint.checks import load
from mllint.engine.registry import REGISTRY
from mllint.lint import Settings, lint
from tests.helpers import NEEDS_ALL_RULES

load()  # registers the rules

RULES = catalog_dir()
ENTRIES = sorted(RULES.glob("ML*.yaml"))


def test_catalog_is_found() -> None:
    assert ENTRIES, f"no catalog entries under {RULES}"


@pytest.mark.parametrize("path", ENTRIES, ids=lambda p: p.stem)
def test_entry_validates_against_schema(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((RULES / "_schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = read_entry(path)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=str)
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)
    assert data["id"] == path.stem
    assert CATEGORIES[data["id"][2]] == data["category"], "the hundreds digit names the category"


def test_registry_equals_catalog() -> None:
    catalog = load_catalog()
    active = {i for i, e in catalog.items() if e.status != "removed"}
    assert set(REGISTRY) == active
    for rule_id, registered in REGISTRY.items():
        assert registered.name == catalog[rule_id].name, rule_id


def test_options_equal_catalog() -> None:
    catalog = load_catalog()
    for rule_id, registered in REGISTRY.items():
        declared = set(catalog[rule_id].options)
        assert set(registered.option_names()) == declared, rule_id
        if registered.options is not None:
            defaults = registered.options()
            for field in registered.options._fields:
                name = field.replace("_", "-")
                assert getattr(defaults, field) == catalog[rule_id].options[name]["default"]


def test_names_are_unique() -> None:
    names = [e.name for e in load_catalog().values()]
    assert len(names) == len(set(names))


def _examples() -> list[tuple[str, str, str, int, dict]]:
    out = []
    for path in ENTRIES:
        data = read_entry(path)
        for kind in ("bad", "good"):
            for i, example in enumerate(data["examples"][kind]):
                out.append((data["id"], data["target"], kind, i, example))
    return out


@pytest.mark.parametrize(
    ("rule_id", "target", "kind", "index", "example"),
    _examples(),
    ids=lambda v: str(v) if not isinstance(v, dict) else "",
)
def test_catalog_example(
    tmp_path: Path, rule_id: str, target: str, kind: str, index: int, example: dict
) -> None:
    """Every bad example fires (where it says), every good one does not. A compose or project
    example is written as compose.yaml in an empty folder (no .env, so ${VAR} without default
    is unknown), with the example's other ``files`` (a Dockerfile it builds) next to it."""
    name = "compose.yaml" if target in ("compose", "project") else "Dockerfile"
    source = tmp_path / name
    source.write_text(example["code"], encoding="utf-8")
    for other, content in (example.get("files") or {}).items():
        (tmp_path / other).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / other).write_text(content, encoding="utf-8")
    report = lint(
        [str(source)], Settings(select=["ALL"] if rule_id in NEEDS_ALL_RULES else [rule_id])
    )
    assert not report.crashes, report.crashes
    found = [(f.span.line, f.span.column) for f in report.findings if f.rule_id == rule_id]
    if kind == "good":
        assert not found, f"good example '{example['title']}' fires: {report.findings}"
        return
    assert found, f"bad example '{example['title']}' does not fire"
    if "findings" in example:
        expected = [(f["line"], f.get("column")) for f in example["findings"]]
        assert len(expected) == len(found), (expected, found)
        for (line, col), (fline, fcol) in zip(
            sorted(expected, key=lambda e: e[0]), sorted(found), strict=True
        ):
            assert line == fline and (col is None or col == fcol), (expected, found)


def test_index_is_current() -> None:
    """rules/_index.json is derived from the YAML entries: regenerate it with
    ``python -m mllint.catalog`` after editing an entry."""
    from mllint.catalog import INDEX_NAME, build_index

    current = json.loads((RULES / INDEX_NAME).read_text(encoding="utf-8"))
    assert current == json.loads(json.dumps(build_index(RULES))), (
        "rules/_index.json is stale: run python -m mllint.catalog"
    )


def test_readme_rule_table_is_current() -> None:
    from mllint.rule_docs import readme_table

    readme = (RULES.parent / "README.md").read_text(encoding="utf-8")
    assert readme_table(list(load_catalog().values())) in readme, (
        "the README's rule table is stale: run python -m mllint.catalog"
    )


def test_rule_modules_are_listed_by_what_they_read() -> None:
    """A Dockerfile-only run skips COMPOSE_MODULES: they must hold compose rules only, and
    every rule module must be in one list or the other."""
    import pkgutil

    import mllint.checks as checks

    catalog = load_catalog()
    listed = set(checks.DOCKERFILE_MODULES) | set(checks.COMPOSE_MODULES)
    with_rules = {r.function.__module__.rsplit(".", 1)[-1] for r in REGISTRY.values()}
    assert with_rules <= listed
    helpers = {m.name for m in pkgutil.iter_modules(checks.__path__)} - with_rules
    assert not helpers & listed, f"modules without rules listed as rule modules: {helpers & listed}"
    for registered in REGISTRY.values():
        module = registered.function.__module__.rsplit(".", 1)[-1]
        if module in checks.COMPOSE_MODULES:
            assert catalog[registered.id].target in ("compose", "project"), registered.id
