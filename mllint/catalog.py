"""The only reader of the rule catalog (``rules/*.yaml``): ids, names, severities, docs.

In a wheel the catalog ships as ``mllint/_rules``; in a source checkout it is the top-level
``rules/`` folder. A lint run needs only each rule's metadata, so it reads
``rules/_index.json``, which ``python -m mllint.catalog`` derives from the YAML entries (a test
fails when it is stale): parsing every YAML entry on each pre-commit run would cost more than
linting. The YAML is read only to explain a rule (``mllint rule ID``), and it is validated
against ``rules/_schema.json`` by the tests, never at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from mllint.engine.finding import Severity

#: Where a rule's documentation lives; ``{id}`` is replaced by the rule id.
DOCS_URL = "https://github.com/mllint-docker/mllint/blob/main/rules/{id}.yaml"

CATEGORIES = {
    "0": "validity",
    "1": "reproducibility",
    "2": "isolation",
    "3": "resources",
    "4": "security",
    "5": "volumes",
    "6": "ml",
}


#: The fields of an entry that a lint run needs; they make up ``rules/_index.json``.
INDEX_FIELDS = (
    "id",
    "name",
    "category",
    "target",
    "severity",
    "status",
    "summary",
    "tags",
    "options",
    "equivalents",
)
INDEX_NAME = "_index.json"


class RuleEntry(NamedTuple):
    """One catalog entry's metadata; ``document()`` reads the whole YAML entry."""

    id: str
    name: str
    category: str
    target: str
    severity: Severity
    status: str
    summary: str
    options: Mapping[str, Mapping[str, Any]]
    equivalents: Mapping[str, tuple[str, ...]]
    tags: tuple[str, ...]
    path: Path  # the YAML entry; for an organisation's policy, its config file
    url: str | None = None  # a policy's own documentation link
    doc: Mapping[str, Any] | None = None  # a policy's whole entry (it has no YAML file)

    @property
    def help_url(self) -> str:
        return self.url or DOCS_URL.format(id=self.id)

    def document(self) -> dict[str, Any]:
        """The whole catalog entry: rationale, fix, examples, references."""
        return dict(self.doc) if self.doc is not None else read_entry(self.path)


def catalog_dir() -> Path:
    """The folder holding the catalog, in an installed wheel or in a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


class Catalog(Mapping[str, RuleEntry]):
    """All rules by id, with lookups by name."""

    def __init__(self, entries: Iterable[RuleEntry]) -> None:
        self._by_id = {e.id: e for e in sorted(entries, key=lambda e: e.id)}
        self._by_name = {e.name: e for e in self._by_id.values()}

    def __getitem__(self, key: str) -> RuleEntry:
        return self._by_id[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def by_name(self, name: str) -> RuleEntry | None:
        return self._by_name.get(name)

    def lookup(self, ref: str) -> RuleEntry | None:
        """A rule by id (any case) or by name."""
        return self._by_id.get(ref.upper()) or self._by_name.get(ref.lower())

    def extended(self, entries: Iterable[RuleEntry]) -> Catalog:
        """This catalog with more entries (an organisation's policies)."""
        extra = list(entries)
        return Catalog([*self._by_id.values(), *extra]) if extra else self


def _entry(data: Mapping[str, Any], path: Path) -> RuleEntry:
    equivalents = {k: tuple(v) for k, v in (data.get("equivalents") or {}).items()}
    return RuleEntry(
        id=data["id"],
        name=data["name"],
        category=data["category"],
        target=data["target"],
        severity=Severity.parse(data["severity"]),
        status=data["status"],
        summary=data["summary"],
        options=data.get("options") or {},
        equivalents=equivalents,
        tags=tuple(data.get("tags") or ()),
        path=path,
    )


def read_entry(path: Path) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        data = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a catalog entry must be a mapping")
    return data


def entry_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("ML[0-9][0-9][0-9].yaml"))


def build_index(folder: Path) -> list[dict[str, Any]]:
    """The run-time metadata of every entry, derived from the YAML."""
    out = []
    for path in entry_paths(folder):
        data = read_entry(path)
        out.append({k: data[k] for k in INDEX_FIELDS if k in data})
    return out


@cache
def load_catalog(folder: Path | None = None) -> Catalog:
    import json

    folder = folder or catalog_dir()
    with (folder / INDEX_NAME).open("rb") as fh:
        index = json.load(fh)
    return Catalog(_entry(data, folder / f"{data['id']}.yaml") for data in index)


def write_index(folder: Path | None = None) -> Path:
    import json

    folder = folder or catalog_dir()
    target = folder / INDEX_NAME
    target.write_text(
        json.dumps(build_index(folder), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return target


def _sync() -> None:
    """Regenerate what derives from the catalog: the run-time index and the README table."""
    from mllint.rule_docs import update_readme

    print(f"wrote {write_index()}")
    readme = catalog_dir().parent / "README.md"
    if readme.is_file():
        load_catalog.cache_clear()
        entries = list(load_catalog().values())
        readme.write_text(
            update_readme(readme.read_text(encoding="utf-8"), entries), encoding="utf-8"
        )
        print(f"wrote {readme}")


if __name__ == "__main__":
    _sync()
