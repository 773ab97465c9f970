"""The only reader of the rule catalog (``rules/*.yaml``): ids, names, severities, docs.

In a wheel the catalog ships as ``mllint/_rules``; in a source checkout it is the top-level
``rules/`` folder. The YAML is read with libyaml's C loader when available, and only the
entries are loaded, never validated, at run time: the test suite validates them against
``rules/_schema.json`` so the run-time path stays free of jsonschema.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

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
}


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """One catalog entry. ``data`` keeps the whole YAML mapping for ``mllint rule ID``."""

    id: str
    name: str
    category: str
    target: str
    severity: Severity
    status: str
    summary: str
    options: Mapping[str, Mapping[str, Any]]
    equivalents: Mapping[str, tuple[str, ...]]
    data: Mapping[str, Any]

    @property
    def help_url(self) -> str:
        return DOCS_URL.format(id=self.id)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.data.get("tags", ()))


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


def _entry(data: Mapping[str, Any]) -> RuleEntry:
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
        data=data,
    )


def read_entry(path: Path) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        data = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a catalog entry must be a mapping")
    return data


@cache
def load_catalog(folder: Path | None = None) -> Catalog:
    folder = folder or catalog_dir()
    paths = sorted(folder.glob("ML[0-9][0-9][0-9].yaml"))
    return Catalog(_entry(read_entry(p)) for p in paths)
