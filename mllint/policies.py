"""An organisation's own rules, declared in the config file under ``policies:``.

A policy is a rule like any other: it has an id (``ORG001``: two to eight capitals and three
digits, never ``ML``), a kebab-case name, a severity, a category, a one-line summary and a link;
``mllint rules`` lists it, ``--select``/``--ignore``/inline pragmas/baselines/SARIF treat it as a
catalog rule. What it checks is one of a few declarative kinds, each with its parameters:

- ``allowed-base-images`` (``allow``: image globs): every ``FROM`` of an image (not a stage,
  not ``scratch``, not an unresolved ARG) must match one glob. ``*`` stays within a path
  segment, ``**`` spans segments; a glob with ``:`` or ``@`` is matched against the whole
  reference. ``python`` and ``docker.io/library/python`` name the same image.
- ``required-labels`` (``labels``): the shipped stage sets every label with ``LABEL``.
- ``banned-packages`` / ``required-packages`` (``packages``, optional ``managers``): a shipped
  stage installs / does not install a package with a package manager mllint reads.
- ``required-service-keys`` (``keys``): every compose service sets each key; a dotted path
  names a nested key and ``a|b`` accepts either (``mem_limit|deploy.resources.limits.memory``).

The config module validates the declarations (one line per mistake, with file and line);
``mllint.checks.policies`` turns each into a rule function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from mllint.catalog import CATEGORIES, Catalog, RuleEntry
from mllint.engine.finding import Severity
from mllint.patterns import lazy_pattern


class Kind(NamedTuple):
    target: str
    category: str
    required: str  # the parameter every policy of this kind needs
    optional: tuple[str, ...]
    summary: str  # default summary; {values} is the required parameter's values


KINDS: dict[str, Kind] = {
    "allowed-base-images": Kind(
        "dockerfile", "reproducibility", "allow", (), "Base images come only from {values}"
    ),
    "required-labels": Kind("dockerfile", "reproducibility", "labels", (), "Images set {values}"),
    "banned-packages": Kind(
        "dockerfile", "security", "packages", ("managers",), "Images do not install {values}"
    ),
    "required-packages": Kind(
        "dockerfile", "reproducibility", "packages", ("managers",), "Images install {values}"
    ),
    "required-service-keys": Kind(
        "compose", "resources", "keys", (), "Every compose service sets {values}"
    ),
}
COMMON_KEYS = ("id", "kind", "name", "severity", "category", "summary", "message", "url")
#: The package managers ``managers:`` may name (as mllint.parsers.commands reports them).
MANAGERS = (
    "pip",
    "uv",
    "apt-get",
    "apt",
    "apk",
    "conda",
    "yum",
    "dnf",
    "microdnf",
    "zypper",
    "npm",
    "gem",
    "go",
)
POLICY_ID = lazy_pattern(r"[A-Z]{2,8}[0-9]{3}")
NAME = lazy_pattern(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


class Policy(NamedTuple):
    id: str
    name: str
    kind: str
    severity: Severity
    category: str
    summary: str
    message: str | None  # the organisation's own words, added to every finding
    url: str | None
    values: tuple[str, ...]  # the required parameter: globs, labels, packages or keys
    managers: tuple[str, ...]  # banned/required packages: only these managers (empty: all)
    source: Path  # the config file that declares it

    def entry(self) -> RuleEntry:
        kind = KINDS[self.kind]
        doc = {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "target": kind.target,
            "severity": str(self.severity),
            "status": "stable",
            "summary": self.summary,
            "rationale": f"An organisation policy ({self.kind}) declared in {self.source}."
            + (f"\n{self.message}" if self.message else ""),
            "fix": f"{KINDS[self.kind].required}: {', '.join(self.values)}",
            "tags": ["policy"],
            "since": "policy",
        }
        return RuleEntry(
            id=self.id,
            name=self.name,
            category=self.category,
            target=kind.target,
            severity=self.severity,
            status="stable",
            summary=self.summary,
            options={},
            equivalents={},
            tags=("policy",),
            path=self.source,
            url=self.url or self.source.as_uri(),
            doc=doc,
        )


def with_policies(catalog: Catalog, policies: Sequence[Policy]) -> Catalog:
    return catalog.extended(p.entry() for p in policies)


Fail = Callable[[tuple[str | int, ...], str], NoReturn]


def parse_policies(
    value: object, fail: Fail, catalog: Catalog, source: Path, hint: Callable[..., str]
) -> tuple[Policy, ...]:
    """Validate the ``policies`` list of a config file; ``fail(at, message)`` raises."""
    if not isinstance(value, list):
        fail(("policies",), "'policies' must be a list of policies (each with id and kind)")
    out: list[Policy] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(value):
        at: tuple[str | int, ...] = ("policies", i)
        if not isinstance(item, dict):
            fail(at, f"policies[{i}] must be a mapping with id, kind and its parameters")
        policy = _parse_one(item, at, fail, catalog, source, hint)
        for key in (policy.id, policy.name):
            if key in seen:
                fail((*at, "id"), f"policy {policy.id}: '{key}' is already used by {seen[key]}")
            seen[key] = policy.id
        out.append(policy)
    return tuple(out)


def _parse_one(
    item: Mapping[str, Any],
    at: tuple[str | int, ...],
    fail: Fail,
    catalog: Catalog,
    source: Path,
    hint: Callable[..., str],
) -> Policy:
    ident = item.get("id")
    if not isinstance(ident, str) or not POLICY_ID.fullmatch(ident) or ident.startswith("ML"):
        fail(
            (*at, "id") if "id" in item else at,
            f"a policy needs an 'id' of 2-8 capitals and 3 digits, not starting with ML "
            f"(e.g. ORG001), not {ident!r}",
        )
    if ident in catalog:
        fail((*at, "id"), f"policy id {ident} is a rule of mllint's catalog")
    kind_name = item.get("kind")
    if kind_name not in KINDS:
        shown = repr(kind_name) if kind_name is not None else "nothing"
        fail(
            (*at, "kind") if "kind" in item else at,
            f"policy {ident}: 'kind' must be one of {', '.join(KINDS)}, not {shown}"
            + (hint(kind_name, list(KINDS)) if isinstance(kind_name, str) else ""),
        )
    kind = KINDS[kind_name]
    allowed = (*COMMON_KEYS, kind.required, *kind.optional)
    for key in item:
        if key not in allowed:
            fail(
                (*at, key),
                f"policy {ident}: unknown key '{key}' for kind {kind_name}{hint(key, allowed)}",
            )
    values = _strings(item, kind.required, at, fail, ident, required=True)
    managers = _strings(item, "managers", at, fail, ident, required=False)
    for j, manager in enumerate(managers):
        if manager not in MANAGERS:
            fail(
                (*at, "managers", j),
                f"policy {ident}: unknown package manager '{manager}'{hint(manager, MANAGERS)}",
            )
    name = item.get("name", f"{ident.lower()}-{kind_name}")
    if not isinstance(name, str) or not NAME.fullmatch(name) or catalog.by_name(name):
        fail((*at, "name"), f"policy {ident}: 'name' must be a new kebab-case name, not {name!r}")
    severity = item.get("severity", "warning")
    if severity not in ("error", "warning", "info"):
        fail((*at, "severity"), f"policy {ident}: 'severity' must be error, warning or info")
    category = item.get("category", kind.category)
    if category not in CATEGORIES.values():
        fail(
            (*at, "category"),
            f"policy {ident}: 'category' must be one of {', '.join(CATEGORIES.values())}",
        )
    texts = {}
    for key in ("summary", "message", "url"):
        text = item.get(key)
        if text is not None and (not isinstance(text, str) or not text.strip()):
            fail((*at, key), f"policy {ident}: '{key}' must be a non-empty string")
        texts[key] = text.strip() if isinstance(text, str) else None
    if kind_name == "allowed-base-images":
        from mllint.checks.policies import image_glob

        for j, glob in enumerate(values):
            try:
                image_glob(glob)
            except ValueError as exc:
                fail((*at, kind.required, j), f"policy {ident}: bad image glob '{glob}': {exc}")
    shown = ", ".join(values[:3]) + (", …" if len(values) > 3 else "")
    return Policy(
        id=ident,
        name=name,
        kind=kind_name,
        severity=Severity.parse(severity),
        category=category,
        summary=texts["summary"] or kind.summary.format(values=shown),
        message=texts["message"],
        url=texts["url"],
        values=values,
        managers=managers,
        source=source,
    )


def _strings(
    item: Mapping[str, Any],
    key: str,
    at: tuple[str | int, ...],
    fail: Fail,
    ident: str,
    *,
    required: bool,
) -> tuple[str, ...]:
    if key not in item:
        if required:
            fail(at, f"policy {ident}: '{key}' is required (a list of strings)")
        return ()
    value = item[key]
    if not isinstance(value, list) or not value:
        fail((*at, key), f"policy {ident}: '{key}' must be a non-empty list of strings")
    for j, v in enumerate(value):
        if not isinstance(v, str) or not v.strip():
            fail((*at, key, j), f"policy {ident}: '{key}' must hold non-empty strings")
    return tuple(v.strip() for v in value)
