"""Command line: ``mllint [PATHS]``, ``mllint rules``, ``mllint rule ID``, ``mllint init``.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage, config or
internal error, always as one line on stderr (set MLLINT_DEBUG=1 for a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from mllint import __version__

if TYPE_CHECKING:
    from mllint.catalog import Catalog
    from mllint.lint import Report, Settings

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A mistake in how mllint was called; printed as one line, exit 2."""


def _lint_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mllint",
        description="Lint the Dockerfiles and compose files of machine-learning projects. "
        "Other commands: 'mllint rules' lists the rules, 'mllint rule ID' explains one, "
        "'mllint init' writes a starter config, 'mllint audit' surveys whole trees.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (default: .); '-' reads standard input",
    )
    p.add_argument(
        "--format",
        choices=("text", "concise", "json", "sarif", "github", "gitlab", "junit"),
        default=None,
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("--no-color", action="store_true", help="no colour (also: NO_COLOR=1)")
    p.add_argument(
        "--select",
        metavar="RULES",
        action="append",
        help="only these rules: ids, prefixes (ML1), names or categories, comma-separated",
    )
    p.add_argument(
        "--extend-select",
        metavar="RULES",
        action="append",
        default=[],
        help="add rules to the selection",
    )
    p.add_argument("--ignore", metavar="RULES", action="append", default=[], help="rules to skip")
    p.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default=None,
        help="lowest severity that makes the exit code 1 (default: the config's fail-on, "
        "else warning)",
    )
    p.add_argument(
        "--stdin-filename",
        metavar="NAME",
        default="Dockerfile",
        help="the name to report for '-' (default: Dockerfile; a compose name such as "
        "compose.yaml reads a compose file)",
    )
    p.add_argument(
        "-f",
        "--compose",
        metavar="FILE",
        action="append",
        default=[],
        help="a compose file of one project, as docker compose -f: repeat it to merge several "
        "files in order",
    )
    p.add_argument(
        "--env-file",
        metavar="FILE",
        help="interpolation variables for compose files instead of the project's .env",
    )
    p.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record the current findings in FILE and exit 0 (see --baseline)",
    )
    p.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings that FILE (written by --write-baseline) does not hold",
    )
    p.add_argument(
        "--no-inline-ignores",
        action="store_true",
        help="ignore '# mllint: ignore=' and '# hadolint ignore=' comments (for audits)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help=".mllint.yaml, pyproject.toml or another TOML file to read instead of the one "
        "found above the first path",
    )
    p.add_argument("--isolated", action="store_true", help="read no config file")
    p.add_argument(
        "--fix", action="store_true", help="apply the safe fixes findings carry, then report"
    )
    p.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff: also apply fixes that change behaviour (ports bound to "
        "127.0.0.1, added healthchecks, ...)",
    )
    p.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; change nothing"
    )
    p.add_argument("--version", action="version", version=f"mllint {__version__}")
    return p


def _split(values: Sequence[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _use_color(args: argparse.Namespace, out: IO[str]) -> bool:
    if args.no_color or os.environ.get("NO_COLOR") or args.output:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return out.isatty()


def run_lint(argv: Sequence[str]) -> int:
    args = _lint_parser().parse_args(argv)
    if args.format is None:  # GitHub Actions shows workflow commands as annotations
        args.format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    from mllint.config import ConfigError, apply_config, config_for
    from mllint.engine.selection import SelectionError
    from mllint.lint import Settings, lint
    from mllint.reporters import renderer

    settings = Settings(
        select=_split(args.select),
        extend_select=_split(args.extend_select) or [],
        ignore=_split(args.ignore) or [],
        inline_ignores=not args.no_inline_ignores,
        roles=args.format == "json",
    )
    paths = args.paths or ([] if args.compose else ["."])
    try:
        config = config_for([*paths, *args.compose], config=args.config, isolated=args.isolated)
        settings = apply_config(config, settings)
    except (ConfigError, SelectionError) as exc:
        raise UsageError(str(exc)) from None
    try:
        report = lint(
            paths,
            settings,
            stdin_filename=args.stdin_filename,
            compose_files=args.compose,
            env_file=args.env_file,
        )
    except SelectionError as exc:
        raise UsageError(str(exc)) from None
    if args.fix or args.diff:
        if "-" in paths:
            raise UsageError("--fix and --diff work on files, not on standard input")
        report = _fix(
            args,
            report,
            lambda: lint(
                paths,
                settings,
                stdin_filename=args.stdin_filename,
                compose_files=args.compose,
                env_file=args.env_file,
            ),
        )
        if args.diff:
            return _exit_code(args, config, report)
    elif args.unsafe_fixes:
        raise UsageError("--unsafe-fixes goes with --fix or --diff")
    if args.write_baseline:
        from mllint.baseline import BaselineError, write_baseline

        try:
            count = write_baseline(report, args.write_baseline)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        print(
            f"mllint: wrote {count} findings to the baseline {args.write_baseline}", file=sys.stderr
        )
        return EXIT_ERROR if report.errors or report.crashes else EXIT_OK
    if args.baseline:
        from mllint.baseline import BaselineError, apply_baseline, read_baseline

        try:
            outcome = apply_baseline(report, read_baseline(args.baseline))
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        print(
            f"mllint: baseline {args.baseline}: {outcome.hidden} known findings not shown, "
            f"{outcome.fixed} fixed since it was written",
            file=sys.stderr,
        )
    for error in report.errors:
        print(f"mllint: error: {error}", file=sys.stderr)
    for note in report.notes:
        print(f"mllint: note: {note}", file=sys.stderr)
    if not report.files and not report.errors:
        print(
            f"mllint: warning: no Dockerfiles or compose files found in {', '.join(paths)}",
            file=sys.stderr,
        )
    render = renderer(args.format)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                render(report, fh, color=False)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        render(report, sys.stdout, color=_use_color(args, sys.stdout))
    for crash in report.crashes:
        print(
            f"mllint: internal error: rule {crash.rule_id} failed on {crash.path}: "
            f"{crash.error} (please report this)",
            file=sys.stderr,
        )
    if report.errors or report.crashes:
        return EXIT_ERROR
    return _exit_code(args, config, report)


def _exit_code(args: argparse.Namespace, config: Any, report: Report) -> int:
    from mllint.engine.finding import Severity

    fail_on = args.fail_on or (config.fail_on if config and config.fail_on else "warning")
    threshold = Severity.parse(str(fail_on))
    return EXIT_FINDINGS if any(f.severity >= threshold for f in report.findings) else EXIT_OK


#: Rounds of fixing: each lints again, for fixes that waited on an overlapping one.
FIX_ROUNDS = 10


def _fix(args: argparse.Namespace, report: Report, relint: Callable[[], Report]) -> Report:
    """Apply (or, with --diff, print) the fixes; the report of what remains."""
    from mllint.fixer import FixError, plan, unified_diff, write_text

    if args.diff:
        step = plan(report.findings, args.unsafe_fixes)
        for path, (before, after) in sorted(step.texts.items()):
            sys.stdout.write(unified_diff(os.path.normpath(path), before, after))
        done = set(step.applied)
        print(
            f"mllint: {_count(len(done), 'fix', 'fixes')} in "
            f"{_count(len(step.texts), 'file')} would be applied",
            file=sys.stderr,
        )
        report.findings = [f for f in report.findings if f not in done]
        return report
    applied = 0
    changed: set[str] = set()
    for _ in range(FIX_ROUNDS):
        step = plan(report.findings, args.unsafe_fixes)
        if not step.texts:
            break
        try:
            for path, (_before, after) in sorted(step.texts.items()):
                write_text(path, after)
                changed.add(path)
        except FixError as exc:
            raise UsageError(str(exc)) from None
        applied += len(step.applied)
        report = relint()
    if applied:
        print(
            f"mllint: fixed {_count(applied, 'problem')} in {_count(len(changed), 'file')}",
            file=sys.stderr,
        )
    return report


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _config_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="the config whose policies to list as well")
    p.add_argument("--isolated", action="store_true", help="read no config file")


def _catalog_with_policies(args: argparse.Namespace) -> Catalog:
    """mllint's rules and the policies of the config found from the working directory."""
    from mllint.catalog import load_catalog
    from mllint.config import ConfigError, config_for

    catalog = load_catalog()
    try:
        config = config_for(["."], config=args.config, isolated=args.isolated)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if config is not None and config.policies:
        from mllint.policies import with_policies

        catalog = with_policies(catalog, config.policies)
    return catalog


def run_rules_command(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="mllint rules", description="List the rules.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--category", help="only rules of this category (e.g. security)")
    _config_arguments(p)
    args = p.parse_args(argv)
    from mllint.catalog import CATEGORIES
    from mllint.rule_docs import rules_json, rules_table

    entries = list(_catalog_with_policies(args).values())
    if args.category:
        if args.category not in CATEGORIES.values():
            raise UsageError(
                f"unknown category '{args.category}' (one of: {', '.join(CATEGORIES.values())})"
            )
        entries = [e for e in entries if e.category == args.category]
    sys.stdout.write(rules_json(entries) if args.format == "json" else rules_table(entries))
    return EXIT_OK


def run_rule_command(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="mllint rule", description="Explain one rule.")
    p.add_argument("rule", help="rule id or name, e.g. ML101 or unpinned-base-image")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _config_arguments(p)
    args = p.parse_args(argv)
    from mllint.rule_docs import rule_json, rule_text

    entry = _catalog_with_policies(args).lookup(args.rule)
    if entry is None:
        raise UsageError(f"unknown rule '{args.rule}' (see 'mllint rules')")
    sys.stdout.write(rule_json(entry) if args.format == "json" else rule_text(entry))
    return EXIT_OK


def run_init_command(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(
        prog="mllint init", description="Write a starter config, every key commented out."
    )
    p.add_argument(
        "--format",
        choices=("yaml", "toml"),
        default="yaml",
        help="yaml: .mllint.yaml (default); toml: a [tool.mllint] table added to pyproject.toml",
    )
    p.add_argument("path", nargs="?", default=".", help="the project folder (default: .)")
    args = p.parse_args(argv)
    from pathlib import Path

    from mllint.config import ConfigError, init_config

    try:
        written = init_config(Path(args.path), args.format)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    print(f"mllint: wrote {written}")
    return EXIT_OK


def run_audit_command(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(
        prog="mllint audit",
        description="Lint every Dockerfile and compose file below the given folders (honouring "
        ".gitignore) on every core, and summarise by rule, category, project and file.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders or files (default: .)")
    p.add_argument(
        "--format",
        choices=("text", "markdown", "json", "concise", "sarif", "gitlab", "junit"),
        default="text",
        help="text: summary tables (default); markdown: the same, to paste into an issue; "
        "json: every finding and the summary; the others as for 'mllint'",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument(
        "--findings",
        action="store_true",
        help="text and markdown: list every finding (one line each) before the summary",
    )
    p.add_argument("-j", "--jobs", type=int, default=None, help="processes (default: one per core)")
    p.add_argument("--select", metavar="RULES", action="append", help="only these rules")
    p.add_argument("--extend-select", metavar="RULES", action="append", default=[])
    p.add_argument("--ignore", metavar="RULES", action="append", default=[])
    p.add_argument(
        "--exclude", metavar="GLOB", action="append", default=[], help="paths not walked into"
    )
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default=None)
    p.add_argument(
        "--no-inline-ignores", action="store_true", help="report what pragmas silence, too"
    )
    p.add_argument("--no-color", action="store_true")
    _config_arguments(p)
    args = p.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    from mllint.audit import audit
    from mllint.config import ConfigError, apply_config, config_for
    from mllint.engine.finding import Severity
    from mllint.engine.selection import SelectionError
    from mllint.lint import Settings

    paths = args.paths or ["."]
    settings = Settings(
        select=_split(args.select),
        extend_select=_split(args.extend_select) or [],
        ignore=_split(args.ignore) or [],
        inline_ignores=not args.no_inline_ignores,
        exclude=tuple(args.exclude),
        root=os.getcwd() if args.exclude else None,
    )
    try:
        config = config_for(paths, config=args.config, isolated=args.isolated)
        settings = apply_config(config, settings)
        from mllint.lint import load_rules

        load_rules(settings)  # a bad --select stops here, before any work
    except (ConfigError, SelectionError) as exc:
        raise UsageError(str(exc)) from None
    excluded = _exclude_matcher(settings)
    with _progress_bar(args) as progress:
        outcome = audit(paths, settings, jobs=args.jobs, progress=progress, excluded=excluded)
    report = outcome.report
    for error in report.errors:
        print(f"mllint: error: {error}", file=sys.stderr)
    for note in report.notes:
        print(f"mllint: note: {note}", file=sys.stderr)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        _render_audit(args, report, outcome.projects, out)
    finally:
        if args.output:
            out.close()
    for crash in report.crashes:
        print(
            f"mllint: internal error: rule {crash.rule_id} failed on {crash.path}: "
            f"{crash.error} (please report this)",
            file=sys.stderr,
        )
    if report.crashes:
        return EXIT_ERROR
    fail_on = args.fail_on or (config.fail_on if config and config.fail_on else "warning")
    threshold = Severity.parse(str(fail_on))
    return EXIT_FINDINGS if any(f.severity >= threshold for f in report.findings) else EXIT_OK


def _exclude_matcher(settings: Settings) -> Callable[[str], bool]:
    if not settings.exclude:
        return lambda _path: False
    from mllint.config import PathMatcher

    return PathMatcher(settings.exclude, settings.root)


def _render_audit(
    args: argparse.Namespace, report: Report, projects: dict[str, str], out: IO[str]
) -> None:
    from mllint.reporters.audit_summary import render_markdown, render_text, summarise

    summary = summarise(report, projects)
    color = _use_color(args, out)
    if args.format in ("text", "markdown"):
        if args.findings:
            from mllint.reporters.concise_format import render as concise

            if args.format == "markdown":
                out.write("```\n")
            concise(report, out, color=False)
            out.write("```\n\n" if args.format == "markdown" else "\n")
        if args.format == "text":
            render_text(summary, out, color=color)
        else:
            render_markdown(summary, out)
    elif args.format == "json":
        import json

        from mllint.reporters.json_format import document

        json.dump({**document(report), "audit": summary}, out, indent=2)
        out.write("\n")
    else:
        from mllint.reporters import renderer

        renderer(args.format)(report, out, color=color)


class _progress_bar:
    """A rich progress bar on a terminal's stderr; nothing when stderr is not a terminal."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.show = (sys.stderr.isatty() and not args.no_color) or bool(
            sys.stderr.isatty() and os.environ.get("FORCE_COLOR")
        )
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> Callable[[int, int, int], None] | None:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("auditing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files, {task.fields[findings]} findings"),
            console=Console(file=sys.stderr, no_color=not self.show),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task("audit", total=None, findings=0)

        def update(done: int, total: int, findings: int) -> None:
            self.progress.update(self.task, completed=done, total=total, findings=findings)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["rules"]:
            return run_rules_command(argv[1:])
        if argv[:1] == ["rule"]:
            return run_rule_command(argv[1:])
        if argv[:1] == ["init"]:
            return run_init_command(argv[1:])
        if argv[:1] == ["audit"]:
            return run_audit_command(argv[1:])
        return run_lint(argv)
    except UsageError as exc:
        print(f"mllint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mllint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (mllint … | head): nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:
        if os.environ.get("MLLINT_DEBUG"):
            raise
        print(
            f"mllint: internal error: {type(exc).__name__}: {exc} (please report this; "
            "MLLINT_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
