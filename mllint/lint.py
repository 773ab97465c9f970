"""The public Python API: discover files, parse them, run the selected rules, return a Report.

Editor plugins, tests and batch jobs call ``lint`` directly; the CLI is a thin layer on top.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from mllint.catalog import Catalog, load_catalog
from mllint.discover import discover
from mllint.engine.finding import Finding, Severity
from mllint.engine.registry import REGISTRY, RegisteredRule
from mllint.engine.runner import RuleCrash, run_rules
from mllint.engine.selection import select_rules
from mllint.model.dockerfile import Directives, Dockerfile, Problem
from mllint.model.span import Span

#: Files larger than this are reported (ML001) instead of parsed: a 50,000-line Dockerfile is
#: about 2 MB, so this only stops things that are not Dockerfiles.
MAX_FILE_BYTES = 20 * 1024 * 1024


class Settings(NamedTuple):
    """What to run and how to judge it; the CLI and config files build one."""

    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    severities: Mapping[str, Severity] = {}
    options: Mapping[str, Any] = {}


class Report:
    """The outcome of a run: findings (sorted), files linted, and what went wrong."""

    def __init__(
        self,
        findings: list[Finding],
        files: list[str],
        rules: list[str],
        errors: list[str] | None = None,
    ) -> None:
        self.findings = findings
        self.files = files
        self.rules = rules  # the ids that ran
        self.crashes: list[RuleCrash] = []
        self.errors = errors or []  # paths that could not be linted at all
        self.sources: dict[str, tuple[str, ...]] = {}  # lines of the files with findings

    def counts(self) -> dict[Severity, int]:
        out = dict.fromkeys(Severity, 0)
        for f in self.findings:
            out[f.severity] += 1
        return out


def load_rules(settings: Settings, catalog: Catalog | None = None) -> list[RegisteredRule]:
    """The registered rule functions chosen by ``settings`` (importing the checks once)."""
    import mllint.checks  # noqa: F401 - registers every rule

    catalog = catalog or load_catalog()
    ids = select_rules(catalog, settings.select, settings.extend_select, settings.ignore)
    return [REGISTRY[i] for i in ids if i in REGISTRY]


def lint(
    paths: Sequence[str],
    settings: Settings | None = None,
    *,
    stdin_filename: str = "Dockerfile",
) -> Report:
    """Lint files and directories. ``-`` reads standard input, named ``stdin_filename``."""
    settings = settings or Settings()
    catalog = load_catalog()
    rules = load_rules(settings, catalog)
    files, errors = discover(list(paths))
    report = Report([], [], [r.id for r in rules], errors=errors)
    for path in files:
        if path == "-":
            data = sys.stdin.buffer.read()
            name = stdin_filename
        else:
            name = path
            try:
                data = _read(path)
            except OSError as exc:
                report.findings.extend(_unreadable(name, exc.strerror or str(exc), rules, catalog))
                report.files.append(name)
                continue
        model = parse_dockerfile_bytes(data, name)
        findings, crashes = run_rules(
            "dockerfile",
            model,
            name,
            rules,
            catalog,
            options=settings.options,
            severities=settings.severities,
        )
        if findings:
            report.sources[name] = model.lines
        report.findings.extend(findings)
        report.crashes.extend(crashes)
        report.files.append(name)
    report.findings.sort(key=lambda f: f.sort_key)
    return report


def parse_dockerfile_bytes(data: bytes, path: str) -> Dockerfile:
    """Decode and parse; a file we cannot decode becomes a model holding only its problem."""
    from mllint.parsers.dockerfile import DecodeError, decode, parse_dockerfile

    if len(data) > MAX_FILE_BYTES:
        return _unparsed(
            path,
            f"file is {len(data) // (1024 * 1024)} MB, larger than the "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB mllint reads; not linted",
        )
    try:
        text = decode(data)
    except DecodeError as exc:
        return _unparsed(path, f"cannot read this file: {exc}")
    return parse_dockerfile(text, path)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(MAX_FILE_BYTES + 1)


def _unparsed(path: str, message: str) -> Dockerfile:
    problem = Problem(Span(1, 1, 1, 1), message)
    return Dockerfile(path, (), Directives(), (), (), (), (problem,))


def _unreadable(
    path: str, reason: str, rules: Sequence[RegisteredRule], catalog: Catalog
) -> list[Finding]:
    findings, _ = run_rules(
        "dockerfile",
        _unparsed(path, f"cannot read this file: {reason}"),
        path,
        [r for r in rules if r.id == "ML001"],
        catalog,
    )
    return findings
