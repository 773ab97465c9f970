"""``mllint audit``: lint whole trees of repositories on every core, and summarise.

A platform team points it at a folder of checkouts. The walk honours each repository's
``.gitignore`` (and ``--exclude`` globs), skips what is not a regular file (FIFOs, sockets,
broken links) and reports folders it cannot read instead of stopping. It finds Dockerfiles by
name and compose files by name or, for other YAML files, by content (a top-level ``services:``
and nothing of a workflow or a manifest).

Work is split into units that share nothing: first the compose files of one folder (a compose
project lints the Dockerfiles its services build, with their build args), then the Dockerfiles
no compose project built, in small batches. Each unit runs ``mllint.lint.lint`` in a worker
process and sends back only its findings, so memory stays flat however large the tree; the
merged findings are sorted, so the outcome is the same with one job or many.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from mllint.discover import (
    SKIP_DIRS,
    is_compose_name,
    is_dockerfile_name,
    is_yaml_name,
    looks_like_compose,
)
from mllint.engine.finding import Finding
from mllint.engine.runner import RuleCrash
from mllint.lint import Report, Settings, lint

#: YAML files larger than this are not read to see whether they are compose files.
MAX_SNIFF_BYTES = 256 * 1024
#: Lone Dockerfiles linted per unit of work: enough to amortise the hand-off to a worker.
BATCH = 16


class Tree(NamedTuple):
    """What a walk found."""

    dockerfiles: list[str]
    compose: dict[str, list[str]]  # folder -> its compose files
    errors: list[str]  # folders that could not be read
    notes: list[str]  # files skipped on purpose


def walk(paths: Sequence[str], excluded: Callable[[str], bool] = lambda _p: False) -> Tree:
    """Every Dockerfile and compose file below ``paths`` (files given are taken as they are)."""
    from mllint.gitignore import IgnoreStack

    tree = Tree([], {}, [], [])
    seen: set[str] = set()

    def add(path: str, compose: bool) -> None:
        key = os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        if compose:
            tree.compose.setdefault(os.path.dirname(path) or ".", []).append(path)
        else:
            tree.dockerfiles.append(path)

    for root in paths:
        if os.path.isfile(root):
            add(root, is_compose_name(os.path.basename(root)) or _sniff_compose(root))
            continue
        if not os.path.isdir(root):
            tree.errors.append(f"{root}: no such file or directory")
            continue
        ignores = IgnoreStack()

        def unreadable(exc: OSError) -> None:
            tree.errors.append(f"{exc.filename}: cannot read folder: {exc.strerror}")

        for walked, dirnames, filenames in os.walk(root, onerror=unreadable):
            folder = os.path.normpath(walked)
            ignores.enter(folder)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in SKIP_DIRS
                and not ignores.ignored(os.path.normpath(os.path.join(folder, d)), True)
                and not excluded(os.path.normpath(os.path.join(folder, d)))
            )
            for name in sorted(filenames):
                path = os.path.normpath(os.path.join(folder, name))
                dockerfile = is_dockerfile_name(name)
                compose = not dockerfile and is_compose_name(name)
                if not (dockerfile or compose or is_yaml_name(name)):
                    continue
                if ignores.ignored(path, False) or excluded(path):
                    continue
                if not _regular(path):
                    tree.notes.append(f"{path}: not a regular file, skipped")
                    continue
                if dockerfile or compose or _sniff_compose(path):
                    add(path, not dockerfile)
    return tree


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False  # a broken link, or a file gone since the folder was listed


def _sniff_compose(path: str) -> bool:
    """A YAML file with another name is a compose file when its top-level keys say so."""
    if not is_yaml_name(path) or not _regular(path):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(MAX_SNIFF_BYTES + 1)
    except OSError:
        return False
    if len(head) > MAX_SNIFF_BYTES:
        return False
    text = head.decode("utf-8", "replace")
    return "\nservices:" in f"\n{text}" and looks_like_compose(text)


class UnitResult(NamedTuple):
    """What a worker sends back: never models, only findings and the lines they need."""

    project: str  # the folder the findings are grouped under
    findings: list[Finding]
    files: list[str]
    errors: list[str]
    notes: list[str]
    crashes: list[RuleCrash]
    sources: dict[str, tuple[str, ...]]


def _run_unit(unit: tuple[str, list[str], Settings]) -> UnitResult:
    project, files, settings = unit
    report = lint(files, settings)
    return UnitResult(
        project,
        report.findings,
        report.files,
        report.errors,
        report.notes,
        report.crashes,
        report.sources,
    )


class Audit(NamedTuple):
    report: Report
    projects: dict[str, str]  # linted file -> its project folder


def audit(
    paths: Sequence[str],
    settings: Settings,
    *,
    jobs: int | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    excluded: Callable[[str], bool] = lambda _p: False,
) -> Audit:
    """Lint everything below ``paths`` with ``jobs`` processes (default: every core).

    ``progress(files_done, files_found, findings_so_far)`` is called as units finish.
    """
    tree = walk(paths, excluded)
    from mllint.lint import run_catalog

    catalog = run_catalog(settings)
    report = Report([], [], [], errors=list(tree.errors))
    report.notes.extend(tree.notes)
    report.catalog = catalog
    projects: dict[str, str] = {}
    total = len(tree.dockerfiles) + sum(len(v) for v in tree.compose.values())
    done = 0
    jobs = max(1, jobs or os.cpu_count() or 1)

    def collect(results: Iterable[UnitResult]) -> None:
        nonlocal done
        for result in results:
            report.findings.extend(result.findings)
            report.errors.extend(result.errors)
            report.notes.extend(result.notes)
            report.crashes.extend(result.crashes)
            report.sources.update(result.sources)
            for f in result.files:
                if f not in projects:
                    projects[f] = result.project
                    report.files.append(f)
            done += len(result.files)
            if progress is not None:
                progress(min(done, total), total, len(report.findings))

    compose_units = [(folder, files, settings) for folder, files in sorted(tree.compose.items())]
    with _Pool(jobs) as pool:
        collect(pool.map(_run_unit, compose_units))
        built = {os.path.realpath(f) for f in projects}
        lone = [f for f in tree.dockerfiles if os.path.realpath(f) not in built]
        batches = [
            (os.path.dirname(f) or ".", [f], settings) for f in lone
        ]  # one project per lone Dockerfile: its folder
        collect(pool.map(_run_unit, _batched(batches)))
    from mllint.lint import load_rules

    report.rules = [r.id for r in load_rules(settings, catalog)]
    report.findings = sorted(set(report.findings), key=lambda f: f.sort_key)
    return Audit(report, projects)


def _batched(
    units: list[tuple[str, list[str], Settings]],
) -> list[tuple[str, list[str], Settings]]:
    """Lone Dockerfiles of one folder, up to BATCH at a time, linted in one call."""
    out: list[tuple[str, list[str], Settings]] = []
    for project, files, settings in units:
        last = out[-1] if out else None
        if last is not None and last[0] == project and len(last[1]) < BATCH:
            last[1].extend(files)
        else:
            out.append((project, list(files), settings))
    return out


class _Pool:
    """A process pool, or the calling process itself for one job (no fork, same results)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.executor: Any = None

    def __enter__(self) -> _Pool:
        if self.jobs > 1:
            from concurrent.futures import ProcessPoolExecutor

            self.executor = ProcessPoolExecutor(max_workers=self.jobs)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    def map(
        self,
        function: Callable[[tuple[str, list[str], Settings]], UnitResult],
        units: list[tuple[str, list[str], Settings]],
    ) -> Iterable[UnitResult]:
        if self.executor is None or len(units) < 2:
            return map(function, units)
        chunk = max(1, len(units) // (self.jobs * 8))
        results: Iterable[UnitResult] = self.executor.map(function, units, chunksize=chunk)
        return results
