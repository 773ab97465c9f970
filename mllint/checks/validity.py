"""ML0xx: the file can be read, is what it claims to be, and means what it seems to mean."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mllint.checks.compose_walk import scalars
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Severity
from mllint.engine.registry import rule
from mllint.engine.suppress import Suppression
from mllint.model.compose import ComposeProject
from mllint.model.dockerfile import Dockerfile


@rule("ML001")
def parse_error(model: Dockerfile | ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    """Every problem the parser met; the rest of the file is still linted by the other rules."""
    if isinstance(model, ComposeProject):
        for p in model.problems:
            if p.rule == "ML001":
                yield ctx.finding(p.span, p.message, path=p.path)
        return
    for problem in model.problems:
        yield ctx.finding(problem.span, problem.message)


@rule("ML002")
def compose_schema_violation(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for p in project.problems:
        if p.rule == "ML002":
            yield ctx.finding(p.span, p.message, path=p.path)


@rule("ML004", phase="suppressions")
def unused_suppression(unused: list[Suppression], ctx: RuleContext[None]) -> Iterator[Hit]:
    """Pragmas that silenced nothing: the problem was fixed, or the ids are wrong."""
    for s in unused:
        yield ctx.finding(
            s.span,
            f"this suppression of {s.written} silences nothing here: the problem is gone or "
            "the suppression is on the wrong line; remove it",
            fix="delete the comment",
            path=s.path,
        )


#: YAML 1.1 base-60 integers: ``22:22`` is 1342 to PyYAML and docker-compose v1.
_SEXAGESIMAL = re.compile(r"^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$")
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})


@rule("ML003")
def yaml_ambiguity(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for p in project.problems:
        if p.rule == "ML003":
            yield ctx.finding(p.span, p.message, path=p.path, severity=Severity.ERROR)
    for node in scalars(project):
        if node.style != "" or (node.tag is not None and node.tag.startswith("!!")):
            continue
        if _SEXAGESIMAL.match(node.text):
            yield ctx.finding(
                node.span,
                f"unquoted '{node.text}' is the number {_base60(node.text)} to YAML 1.1 tools "
                "(PyYAML, docker-compose v1, many CI linters); quote it",
                fix=f'"{node.text}"',
                path=node.path,
            )
        elif node.text.lower() in _YAML11_BOOLS:
            meaning = "true" if node.text.lower() in ("yes", "on", "y") else "false"
            yield ctx.finding(
                node.span,
                f"unquoted '{node.text}' is the boolean {meaning} to YAML 1.1 tools (PyYAML, "
                "docker-compose v1) but a string to Compose, except in boolean fields; quote it "
                "(or write true/false) so every tool reads the same",
                fix=f'"{node.text}"',
                path=node.path,
            )


def _base60(text: str) -> int:
    total = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        total = total * 60 + int(part)
    return -total if text.startswith("-") else total
