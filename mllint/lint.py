"""The public Python API: discover files, parse them, run the selected rules, return a Report.

Editor plugins, tests and batch jobs call ``lint`` directly; the CLI is a thin layer on top.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from mllint.catalog import Catalog, load_catalog
from mllint.discover import discover, is_compose_name, is_yaml_name
from mllint.engine.finding import Finding, Severity
from mllint.engine.registry import REGISTRY, RegisteredRule
from mllint.engine.runner import RuleCrash, run_rules
from mllint.engine.selection import select_rules
from mllint.model.dockerfile import Directives, Dockerfile, Problem
from mllint.model.span import Span

if TYPE_CHECKING:
    from mllint.model.compose import ComposeProject
    from mllint.model.context import Project

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
    inline_ignores: bool = True  # honour '# mllint: ignore=' and '# hadolint ignore=' pragmas
    # Globs relative to ``root`` (default: the working directory); see mllint.config.
    per_file_ignores: Sequence[tuple[str, Sequence[str]]] = ()  # (glob, rules it drops)
    exclude: Sequence[str] = ()  # paths skipped when walking folders (named files still run)
    root: str | None = None  # the config file's folder
    policies: Sequence[Any] = ()  # mllint.policies.Policy: an organisation's own rules
    roles: bool = False  # work out each service's and image's role (training, serving, ...)


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
        self.notes: list[str] = []  # files skipped on purpose, said on stderr
        self.catalog: Catalog | None = None  # the rules known to the run, policies included
        # With Settings.roles: {"path", "service", "role", "kind", "evidence"} per compose
        # service and per Dockerfile linted on its own.
        self.roles: list[dict[str, str | None]] = []

    def counts(self) -> dict[Severity, int]:
        out = dict.fromkeys(Severity, 0)
        for f in self.findings:
            out[f.severity] += 1
        return out


def load_rules(
    settings: Settings, catalog: Catalog | None = None, *, compose: bool = True
) -> list[RegisteredRule]:
    """The registered rule functions chosen by ``settings``; without ``compose``, only those a
    run over Dockerfiles alone can need (the compose rule modules are not even imported)."""
    from mllint.checks import load

    load(compose=compose)

    catalog = catalog or run_catalog(settings)
    ids = select_rules(catalog, settings.select, settings.extend_select, settings.ignore)
    registry = dict(REGISTRY)
    if settings.policies:
        from mllint.checks.policies import policy_rule

        registry.update((p.id, policy_rule(p)) for p in settings.policies)
    return [registry[i] for i in ids if i in registry]


def run_catalog(settings: Settings) -> Catalog:
    """The catalog of a run: mllint's rules and the organisation's policies."""
    catalog = load_catalog()
    if settings.policies:
        from mllint.policies import with_policies

        catalog = with_policies(catalog, settings.policies)
    return catalog


def lint(
    paths: Sequence[str],
    settings: Settings | None = None,
    *,
    stdin_filename: str = "Dockerfile",
    compose_files: Sequence[str] = (),
    env_file: str | None = None,
) -> Report:
    """Lint files and directories. ``-`` reads standard input, named ``stdin_filename``.

    ``compose_files`` (``-f a.yaml -f b.yaml``) are merged into one project, as
    ``docker compose -f`` does; compose files found in ``paths`` are linted as projects of their
    own (a ``*.override.*`` file together with its base file).
    """
    settings = settings or Settings()
    catalog = run_catalog(settings)
    files, errors = discover(list(paths))
    excluded = _excluded(settings, paths)
    files = [f for f in files if not excluded(f)]
    with_compose = bool(compose_files) or any(
        is_compose_name(os.path.basename(f)) or is_yaml_name(f)
        for f in (stdin_filename if f == "-" else f for f in files)
    )
    rules = load_rules(settings, catalog, compose=with_compose)
    missing = [f for f in compose_files if not os.path.isfile(f)]
    errors += [f"{f}: no such file" for f in missing]
    report = Report([], [], [r.id for r in rules], errors=errors)
    report.catalog = catalog
    stdin: dict[str, bytes] = {}
    dockerfiles: list[tuple[str, bytes | None]] = []
    compose: list[str] = []
    for path in files:
        name = path
        data: bytes | None = None
        if path == "-":
            data = sys.stdin.buffer.read()
            name = stdin_filename
        if is_compose_name(os.path.basename(name)) or is_yaml_name(name):
            if data is not None:
                stdin[name] = data
            compose.append(name)
        elif _not_a_dockerfile(name):
            report.notes.append(f"{name}: not a Dockerfile or compose file, skipped")
        else:
            dockerfiles.append((name, data))
    projects = _compose_projects(compose, stdin, report)
    if compose_files and not missing:
        projects.insert(0, list(compose_files))
    builds: dict[str, list[Build]] = {}
    for files_of_project in projects:
        for build in _lint_compose(
            files_of_project, stdin, env_file, rules, catalog, settings, report
        ):
            builds.setdefault(os.path.normpath(build.dockerfile), []).append(build)
    # A Dockerfile a compose service builds is linted as that service builds it (its build
    # args, its target stage as the final one), also when it was not named on the command line.
    listed = {os.path.normpath(name) for name, _ in dockerfiles}
    dockerfiles += [
        (b[0].dockerfile, None)
        for key, b in sorted(builds.items())
        if key not in listed and not excluded(key)
    ]
    for name, data in dockerfiles:
        built = builds.get(os.path.normpath(name), [])
        content = data
        if built and content is None:
            with contextlib.suppress(OSError):
                content = _read(name)
        _lint_dockerfile(name, content, _distinct(built, content), rules, catalog, settings, report)
    if settings.per_file_ignores:
        from mllint.config import per_file_filter

        keep = per_file_filter(settings.per_file_ignores, settings.root, catalog)
        report.findings = [f for f in report.findings if keep(f)]
    report.findings = sorted(set(report.findings), key=lambda f: f.sort_key)
    _add_sources(report)
    return report


def _add_sources(report: Report) -> None:
    """Lines for code frames and fingerprints of findings in files no parser kept (a
    requirements file, a Dockerfile a project rule points into)."""
    for path in {f.path for f in report.findings} - set(report.sources):
        with contextlib.suppress(OSError):
            report.sources[path] = tuple(_read(path).decode("utf-8", "replace").splitlines())


#: Suffixes of files that are certainly not Dockerfiles when their name does not say
#: Dockerfile or Containerfile (``mllint requirements.txt`` would otherwise be read as one).
_OTHER_FILES = frozenset(
    ".txt .md .rst .py .toml .json .cfg .ini .lock .sh .env .in .ipynb .csv .html".split()
)


def _not_a_dockerfile(name: str) -> bool:
    base = os.path.basename(name).lower()
    if "dockerfile" in base or "containerfile" in base:
        return False
    return os.path.splitext(base)[1] in _OTHER_FILES or base.startswith(".env")


def _excluded(settings: Settings, paths: Sequence[str]) -> Callable[[str], bool]:
    """Whether a file found by walking a folder is excluded. Files named in ``paths`` never
    are, nor are folders named there (as in ruff without ``--force-exclude``): only the
    folders below the one walked count."""
    if not settings.exclude:
        return lambda _path: False
    from mllint.config import PathMatcher

    matches = PathMatcher(settings.exclude, settings.root)
    named = {os.path.normpath(p) for p in paths}
    folders = [os.path.abspath(p) for p in paths if p != "-" and os.path.isdir(p)]

    def excluded(path: str) -> bool:
        if os.path.normpath(path) in named:
            return False
        absolute = os.path.abspath(path)
        walked = [f for f in folders if absolute.startswith(f.rstrip(os.sep) + os.sep)]
        return matches(path, max(walked, key=len) if walked else None)

    return excluded


class Build(NamedTuple):
    """How a compose service builds a Dockerfile."""

    dockerfile: str
    args: tuple[tuple[str, str], ...]
    target: str | None
    context: str | None = None  # the build context folder; None: the Dockerfile's folder


_ARG_NAMES = re.compile(r"^[ \t]*ARG[ \t]+(.+)$", re.IGNORECASE | re.MULTILINE)


def _distinct(builds: list[Build], data: bytes | None = None) -> list[Build | None]:
    """The different ways a Dockerfile is built. Only build args the Dockerfile declares
    change anything, so 5,000 services that differ in other args are linted once."""
    declared: set[str] | None = None
    if data is not None and builds:
        text = data.decode("utf-8", "replace")
        declared = {
            w.split("=", 1)[0] for m in _ARG_NAMES.finditer(text) for w in m.group(1).split()
        }
    seen: dict[tuple[tuple[tuple[str, str], ...], str | None], str | None] = {}
    for b in builds:
        key = (tuple(a for a in b.args if declared is None or a[0] in declared), b.target)
        seen.setdefault(key, b.context)  # one context per variant: the first service's
    return [Build("", args, target, context) for (args, target), context in seen.items()] or [None]


def _lint_dockerfile(
    name: str,
    data: bytes | None,
    variants: list[Build | None],
    rules: Sequence[RegisteredRule],
    catalog: Catalog,
    settings: Settings,
    report: Report,
) -> None:
    """Lint one Dockerfile, once per distinct way a compose service builds it."""
    if data is None:
        try:
            data = _read(name)
        except OSError as exc:
            report.findings.extend(_unreadable(name, exc.strerror or str(exc), rules, catalog))
            report.files.append(name)
            return
    found: list[Finding] = []
    model = None
    for build in variants:
        model = parse_dockerfile_bytes(
            data,
            name,
            build_args=dict(build.args) if build else None,
            target=build.target if build else None,
        )
        targets: list[tuple[str, Any]] = [("dockerfile", model)]
        if _has_target(rules, catalog, "build"):
            from mllint.parsers.context import load_image_build

            image = load_image_build(model, build.context if build else None)
            targets.append(("build", image))
        for target, target_model in targets:
            findings, crashes = run_rules(
                target,
                target_model,
                name,
                rules,
                catalog,
                options=settings.options,
                severities=settings.severities,
            )
            found.extend(findings)
            report.crashes.extend(crashes)
    assert model is not None
    if settings.roles and not variants[0]:
        from mllint.ml.roles import dockerfile_role

        role = dockerfile_role(model)
        report.roles.append({"path": name, "service": None, **role._asdict()})
    if settings.inline_ignores:
        spans = {i.span.line: range(i.span.line, i.span.end_line + 1) for i in model.instructions}
        found = _suppress(
            found,
            {name: model.lines},
            lambda _p: lambda line: spans.get(line, range(line, line + 1)),
            rules,
            catalog,
            settings,
            report,
        )
    if found:
        report.sources[name] = model.lines
    report.findings.extend(found)
    report.files.append(name)


def _has_target(rules: Sequence[RegisteredRule], catalog: Catalog, target: str) -> bool:
    return any(catalog[r.id].target == target for r in rules)


def _suppress(
    findings: list[Finding],
    files: Mapping[str, Sequence[str]],
    extent_for: Callable[[str], Callable[[int], range]],
    rules: Sequence[RegisteredRule],
    catalog: Catalog,
    settings: Settings,
    report: Report,
) -> list[Finding]:
    """Drop the findings inline pragmas silence; report pragmas that silence nothing (ML004)."""
    from mllint.engine import suppress

    pragmas: list[suppress.Suppression] = []
    for path, lines in files.items():
        found, errors = suppress.parse(path, lines, catalog, extent_for(path))
        pragmas += found
        report.errors += errors
    if not pragmas:
        return findings
    kept, used = suppress.apply(findings, pragmas)
    ran = {r.id for r in rules}
    unused = [
        p
        for i, p in enumerate(pragmas)
        if i not in used and p.source == "mllint" and p.rules <= ran
    ]
    if unused:
        extra, crashes = run_rules(
            "any",
            unused,
            unused[0].path,
            rules,
            catalog,
            severities=settings.severities,
            phase="suppressions",
        )
        kept += extra
        report.crashes += crashes
    return kept


def _compose_projects(
    names: list[str], stdin: Mapping[str, bytes], report: Report
) -> list[list[str]]:
    """Group compose files into projects: an override file joins its base in the same folder.

    A YAML file that is not a compose file (a workflow, a manifest) is skipped with a note.
    """
    from mllint.discover import is_override_name, looks_like_compose

    projects: list[list[str]] = []
    by_base: dict[str, list[str]] = {}
    for name in names:
        try:
            head = stdin[name] if name in stdin else _read(name)
        except OSError:
            head = b""
        foreign = head and not looks_like_compose(head[:65536].decode("utf-8", "replace"))
        if foreign and not is_compose_name(os.path.basename(name)):
            report.notes.append(f"{name}: not a compose file (no 'services:'), skipped")
            continue
        if is_override_name(os.path.basename(name)):
            base = os.path.join(
                os.path.dirname(name), os.path.basename(name).replace(".override.", ".", 1)
            )
            if base in by_base:
                if name not in by_base[base]:
                    by_base[base].append(name)
                continue
            if os.path.isfile(base):
                project = [base, name]
                by_base[base] = project
                projects.append(project)
                continue
        if name in by_base:
            continue  # a base already taken in by its override, listed before it
        # A base file brings its override along, as ``docker compose`` does without -f.
        stem, ext = os.path.splitext(name)
        override = f"{stem}.override{ext}"
        project = [name, override] if name not in stdin and os.path.isfile(override) else [name]
        by_base[name] = project
        projects.append(project)
    return projects


def _lint_compose(
    files: list[str],
    stdin: Mapping[str, bytes],
    env_file: str | None,
    rules: Sequence[RegisteredRule],
    catalog: Catalog,
    settings: Settings,
    report: Report,
) -> list[Build]:
    """Lint one compose project; returns how its services build their Dockerfiles."""
    from pathlib import Path

    from mllint.parsers.compose import load_project

    project = load_project(
        [Path(f) for f in files], env_file=Path(env_file) if env_file else None, contents=stdin
    )
    findings, crashes = run_rules(
        "compose",
        project,
        files[0],
        rules,
        catalog,
        options=settings.options,
        severities=settings.severities,
    )
    builds = _builds(project)
    model = None
    if _has_target(rules, catalog, "project") or settings.roles:
        model = _project_model(project, builds)
    if settings.roles and model is not None:
        from mllint.ml.roles import service_role

        for service in project.services:
            image = model.build_of(service.name)
            role = service_role(service, image.dockerfile if image else None, project.sources)
            report.roles.append(
                {"path": service.key.path, "service": service.name, **role._asdict()}
            )
    if _has_target(rules, catalog, "project"):
        more, more_crashes = run_rules(
            "project",
            model,
            files[0],
            rules,
            catalog,
            options=settings.options,
            severities=settings.severities,
        )
        findings += more
        crashes += more_crashes
    if settings.inline_ignores:
        from mllint.engine.suppress import yaml_extent

        findings = _suppress(
            findings,
            project.sources,
            lambda p: yaml_extent(project.sources.get(p, ())),
            rules,
            catalog,
            settings,
            report,
        )
    profiles = {s.name: s.profiles for s in project.services if s.profiles}
    findings = [_with_profile(f, profiles) for f in findings]
    for f in findings:
        if f.path in project.sources:
            report.sources[f.path] = project.sources[f.path]
    report.findings.extend(findings)
    report.crashes.extend(crashes)
    report.files.extend(f for f in files if f not in report.files)
    return [b for _, b in builds]


def _project_model(project: ComposeProject, builds: list[tuple[str, Build]]) -> Project:
    """The project with each service's Dockerfile parsed as that service builds it (one parse
    per distinct Dockerfile, args and target)."""
    from mllint.model.context import Project, ServiceBuild
    from mllint.parsers.context import load_image_build

    parsed: dict[Build, Any] = {}
    out = []
    for name, build in builds:
        service = project.service(name)
        if service is None:
            continue
        if build not in parsed:
            try:
                data = _read(build.dockerfile)
            except OSError:
                continue
            model = parse_dockerfile_bytes(
                data, build.dockerfile, build_args=dict(build.args), target=build.target
            )
            parsed[build] = load_image_build(model, build.context)
        out.append(ServiceBuild(service, parsed[build]))
    return Project(project, tuple(out), _git_ignored(project))


def _git_ignored(project: ComposeProject) -> dict[str, bool]:
    """For each dotenv file the project read, whether Git ignores it (files in no repository
    are left out)."""
    from mllint.gitignore import git_ignores

    out = {}
    for path in project.sources:
        name = os.path.basename(path).lower()
        dotenv = name == ".env" or name.startswith(".env.") or name.endswith(".env")
        if path in project.files or not dotenv:
            continue
        ignored = git_ignores(path)
        if ignored is not None:
            out[path] = ignored
    return out


def _with_profile(finding: Finding, profiles: Mapping[str, tuple[str, ...]]) -> Finding:
    """Every service is linted whatever its profile; a finding about a service that only runs
    under some profiles says which, so nobody wonders why an inactive service is reported."""
    if not finding.message.startswith("services."):
        return finding
    name = finding.message[len("services.") :].split(" ", 1)[0].split(".", 1)[0]
    if name not in profiles:
        return finding
    return finding._replace(message=f"{finding.message} [profiles: {', '.join(profiles[name])}]")


def _builds(project: ComposeProject) -> list[tuple[str, Build]]:
    """The local Dockerfiles the services build (service name, build), with their known build
    args, target and context."""
    from mllint.model.compose import is_unknown, text
    from mllint.model.yaml import YMap, YScalar

    out = []
    for service in project.services:
        build = service.get("build")
        args: tuple[tuple[str, str], ...] = ()
        if isinstance(build, YScalar):
            context, dockerfile, target = text(build), "Dockerfile", None
            if is_unknown(build):
                continue
        elif isinstance(build, YMap):
            if is_unknown(build.get("context")) or is_unknown(build.get("dockerfile")):
                continue
            context = text(build.get("context")) or "."
            dockerfile = text(build.get("dockerfile")) or "Dockerfile"
            target = text(build.get("target"))
            node = build.get("args")
            args = tuple(
                (k.text, value)
                for k, v in (node.items if isinstance(node, YMap) else ())
                if (value := text(v)) is not None
            )
        else:
            continue
        if not context or "://" in context or context.startswith("git@"):
            continue  # a remote context: nothing on disk to lint
        folder = os.path.normpath(os.path.join(project.directory, context))
        path = os.path.join(folder, dockerfile)
        if os.path.isfile(path):
            out.append(
                (service.name, Build(os.path.normpath(path), tuple(sorted(args)), target, folder))
            )
    return out


def parse_dockerfile_bytes(
    data: bytes,
    path: str,
    *,
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
) -> Dockerfile:
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
    return parse_dockerfile(text, path, build_args=build_args, target=target)


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
