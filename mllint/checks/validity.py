"""ML0xx: the file can be read, is what it claims to be, and means what it seems to mean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from mllint.checks.compose_walk import scalars
from mllint.checks.dockerfile_walk import scope_before
from mllint.checks.edits import fix, replace_scalar
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related, Severity
from mllint.engine.registry import rule
from mllint.engine.suppress import Suppression
from mllint.model.compose import ComposeProject
from mllint.model.dockerfile import Dockerfile, Flag, Instruction, Stage
from mllint.model.span import Span
from mllint.patterns import lazy_pattern


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
_SEXAGESIMAL = lazy_pattern(r"^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$")
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
                autofix=fix("quote it", replace_scalar(node, f'"{node.text}"')),
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


# --------------------------------------------------------------------------- Dockerfile structure

#: Instructions of which only the last one in a stage takes effect.
_SINGLE_USE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


@rule("ML005")
def repeated_instruction(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    """A second CMD, ENTRYPOINT or HEALTHCHECK in one stage: the earlier one is dead code."""
    for stage in df.stages:
        seen: dict[str, Instruction] = {}
        for instr in stage.instructions:
            if instr.keyword not in _SINGLE_USE:
                continue
            earlier = seen.get(instr.keyword)
            seen[instr.keyword] = instr
            if earlier is None:
                continue
            yield ctx.finding(
                instr.keyword_span,
                f"a second {instr.keyword} in this stage: only the last one counts, so the "
                f"{instr.keyword} on line {earlier.span.line} has no effect; delete the one "
                "you do not mean",
                fix=f"delete the {instr.keyword} on line {earlier.span.line}",
                related=(Related(ctx.path, earlier.keyword_span, f"overridden {instr.keyword}"),),
            )


def _flag_value_span(df: Dockerfile, flag: Flag, key: str | None = None) -> Span:
    """The span of the value of ``--name=value`` (or of ``key=value`` inside it, for --mount)."""
    s = flag.span
    if s.line != s.end_line or s.line > len(df.lines):
        return s
    raw = df.lines[s.line - 1][s.column - 1 : s.end_column - 1]
    eq = raw.find("=")
    if eq < 0:
        return s
    start = eq + 1
    if key is not None:
        m = re.search(rf"(?:^|,)\s*{re.escape(key)}\s*=", raw[start:], re.IGNORECASE)
        if m is None:
            return s
        start += m.end()
        comma = raw.find(",", start)
        end = comma if comma >= 0 else len(raw)
    else:
        end = len(raw)
    return Span(s.line, s.column + start, s.line, s.column + end)


class _StageRef(NamedTuple):
    instr: Instruction
    value: str
    span: Span


def _stage_refs(df: Dockerfile, stage: Stage) -> Iterator[_StageRef]:
    """``COPY --from=X`` and ``RUN --mount=…,from=X`` of ``stage`` (not inside ONBUILD: the
    names there belong to the child image's Dockerfile)."""
    for instr in stage.instructions:
        if instr.keyword == "COPY":
            f = instr.flag("from")
            if f is not None and f.value:
                yield _StageRef(instr, f.value, _flag_value_span(df, f))
        elif instr.keyword == "RUN":
            for flag, mount in zip(
                (f for f in instr.flags if f.name == "mount"), instr.mounts, strict=False
            ):
                value = mount.get("from")
                if value:
                    yield _StageRef(instr, value, _flag_value_span(df, flag, "from"))


def _resolve_ref(df: Dockerfile, value: str) -> Stage | None:
    """The stage BuildKit resolves ``--from=value`` to: any stage by name or by index (later
    stages too); None when it is an image (or depends on a build argument)."""
    if "$" in value:
        return None
    return df.find_stage(value)


def _reaches(df: Dockerfile, start: int, goal: int) -> bool:
    """Whether stage ``start`` depends (FROM, --from, --mount from) on stage ``goal``."""
    todo, seen = [start], {start}
    while todo:
        current = df.stages[todo.pop()]
        deps = [current.parent] if current.parent is not None else []
        deps += [s.number for r in _stage_refs(df, current) if (s := _resolve_ref(df, r.value))]
        for d in deps:
            if d == goal:
                return True
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return False


def _stage_label(stage: Stage) -> str:
    return f"'{stage.name.text}'" if stage.name is not None else f"{stage.number}"


@rule("ML006")
def stage_reference(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    """Stage references the build cannot resolve: a stage copying from itself, a dependency
    cycle, an index past the last stage, a FROM naming a later stage, a stage name used twice."""
    names: dict[str, Stage] = {}
    for stage in df.stages:
        if stage.name is None:
            continue
        key = stage.name.text.lower()
        first = names.get(key)
        if first is None:
            names[key] = stage
            continue
        assert first.name is not None
        yield ctx.finding(
            stage.name.span,
            f"stage name '{stage.name.text}' is already used by the stage on line "
            f"{first.from_.span.line} (names are case-insensitive): FROM, COPY --from and "
            "--target cannot tell the two apart, and BuildKit reports DuplicateStageName; "
            "rename one of them",
            related=(Related(ctx.path, first.name.span, "first stage with this name"),),
        )
    for stage in df.stages:
        image = stage.image
        if image.stage is None and image.resolved is not None:
            later = df.find_stage(image.resolved) if not image.resolved.isdigit() else None
            if later is not None and later.number > stage.number:
                yield ctx.finding(
                    image.text.span,
                    f"FROM {image.text.text} names the stage on line {later.from_.span.line}, "
                    "but FROM only sees earlier stages: this pulls an image called "
                    f"'{image.resolved}' instead; move that stage above this one",
                )
        for ref in _stage_refs(df, stage):
            what = "COPY --from" if ref.instr.keyword == "COPY" else "RUN --mount=...,from"
            if "$" in ref.value:
                continue
            if ref.value.isdigit() and int(ref.value) >= len(df.stages):
                yield ctx.finding(
                    ref.span,
                    f"{what}={ref.value}: there is no stage {ref.value} (stages count from 0 "
                    f"and this file has {len(df.stages)}): the build fails with an invalid "
                    "stage index",
                )
                continue
            target = _resolve_ref(df, ref.value)
            if target is None:
                continue  # an image: python:3.11, ghcr.io/org/tools, or a plain word
            if target.number == stage.number:
                yield ctx.finding(
                    ref.span,
                    f"{what}={ref.value} names the stage it is in: a stage cannot copy from "
                    'itself (BuildKit: "circular dependency detected"); name the stage that '
                    "builds the files",
                )
            elif _reaches(df, target.number, stage.number):
                yield ctx.finding(
                    ref.span,
                    f"{what}={ref.value} makes a cycle: stage {_stage_label(target)} depends "
                    f'back on this stage {_stage_label(stage)} (BuildKit: "circular '
                    'dependency detected")',
                )


@rule("ML007")
def maintainer_deprecated(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        if instr.keyword != "MAINTAINER":
            continue
        who = instr.arguments.text.strip()
        yield ctx.finding(
            instr.keyword_span,
            "MAINTAINER is deprecated and sets a field that few tools read; use the OCI label "
            "org.opencontainers.image.authors instead",
            fix=f'LABEL org.opencontainers.image.authors="{who.strip(chr(34))}"',
        )


def _copies(df: Dockerfile) -> Iterator[Instruction]:
    """Every COPY and ADD, including those inside ONBUILD."""
    for instr in df.instructions:
        if instr.keyword in ("COPY", "ADD"):
            yield instr
        elif instr.trigger is not None and instr.trigger.keyword in ("COPY", "ADD"):
            yield instr.trigger


def _is_directory_dest(dest: str) -> bool:
    d = dest.strip("\"'")
    return d.endswith(("/", "\\", "/.", "/..")) or d in (".", "..")


@rule("ML008")
def copy_multiple_sources_to_file(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in _copies(df):
        if instr.flag("parents") is not None:
            continue  # --parents keeps source paths under the destination directory
        words = instr.exec_form if instr.exec_form is not None else instr.words
        if len(words) < 3:
            continue
        dest = words[-1]
        if "$" in dest.text or _is_directory_dest(dest.text):
            continue
        sources = len(words) - 1
        yield ctx.finding(
            dest.span,
            f"{instr.keyword} of {sources} sources into '{dest.text}', which does not end in "
            "'/': the classic builder (DOCKER_BUILDKIT=0, and builders that follow it) stops "
            "with 'the destination must be a directory and end with a /', and BuildKit may "
            "overwrite the destination instead of creating the folder (moby/buildkit#1853); "
            "add the trailing slash",
            fix=f"{dest.text}/",
        )


_EXPOSE = lazy_pattern(r"^(?P<start>[^-/]*)(?:-(?P<end>[^/]*))?(?:/(?P<proto>.*))?$")


def _expose_problem(text: str) -> str | None:
    """Why ``text`` is not a valid EXPOSE port spec; None when it is (or cannot be known)."""
    if "$" in text or ":" in text:
        return None  # a build argument, or ip:host:container (BuildKit's ExposeInvalidFormat)
    m = _EXPOSE.match(text.strip("\"'"))
    if m is None:
        return "this is not a port; the build fails"
    proto = m.group("proto")
    if proto is not None and proto.lower() not in ("tcp", "udp", "sctp"):
        return f"protocol '{proto}' does not exist (tcp, udp or sctp); the build fails"
    ends = [m.group("start")] + ([m.group("end")] if m.group("end") is not None else [])
    for end in ends:
        if not end.isdigit():
            return f"'{end}' is not a port number; the build fails"
        if int(end) > 65535:
            return f"port {int(end)} is above 65535; the build fails"
        if int(end) == 0:
            return "port 0 is not a port a service can listen on, nothing can be published"
    if len(ends) == 2 and int(ends[0]) > int(ends[1]):
        return "the range ends before it starts; the build fails"
    return None


@rule("ML009")
def expose_invalid(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        if target.keyword != "EXPOSE":
            continue
        for word in target.words:
            problem = _expose_problem(word.text)
            if problem is not None:
                yield ctx.finding(
                    word.span,
                    f"EXPOSE {word.text}: {problem}",
                )


@rule("ML010")
def instruction_before_from(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    if not df.stages:
        return  # a fragment (no FROM at all), concatenated into a Dockerfile by a script
    for instr in df.instructions:
        if instr.stage >= 0:
            break
        if instr.keyword != "ARG":
            yield ctx.finding(
                instr.keyword_span,
                f"{instr.keyword} before the first FROM: only ARG may come before FROM; "
                'BuildKit stops with "no build stage in current context"; move it below FROM',
            )


_NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


@rule("ML011")
def onbuild_misuse(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        trigger = instr.trigger
        if trigger is None or trigger.keyword not in _NOT_TRIGGERS:
            continue
        yield ctx.finding(
            trigger.keyword_span,
            f"ONBUILD {trigger.keyword} is not allowed: "
            + (
                "triggers cannot be chained"
                if trigger.keyword == "ONBUILD"
                else f"{trigger.keyword} cannot be a trigger"
            )
            + "; the build of this image stops with an error",
        )


# --------------------------------------------------------------------------- ML012

_REFERENCE = lazy_pattern(r"\$(?:\{(?P<braced>[A-Za-z_]\w*)|(?P<bare>[A-Za-z_]\w*))")


def _references(raw: str, escape: str) -> Iterator[tuple[str, int, int]]:
    """(name, start, end) of each ``$NAME``/``${NAME…`` BuildKit substitutes in ``raw``:
    not inside single quotes, not escaped."""
    single = double = False
    k = 0
    while k < len(raw):
        ch = raw[k]
        if ch == escape and not single:
            k += 2
            continue
        if ch == "'" and not double:
            single = not single
        elif ch == '"' and not single:
            double = not double
        elif ch == "$" and not single:
            m = _REFERENCE.match(raw, k)
            if m is not None:
                yield m.group("braced") or m.group("bare"), m.start(), m.end()
                k = m.end()
                continue
        k += 1


@rule("ML012")
def env_self_reference(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        if instr.keyword != "ENV" or len(instr.pairs) < 2:
            continue
        known: set[str] | None = None
        here: set[str] = set()
        for kv in instr.pairs:
            if kv.value is not None:
                for name, start, end in _references(kv.value.text, df.directives.escape):
                    if name not in here:
                        continue
                    if known is None:
                        known = set(scope_before(df, instr))
                    if name in known:
                        continue  # defined before: the old value is substituted, as DL3044 allows
                    span = kv.value.span
                    if span.line == span.end_line:
                        span = Span(span.line, span.column + start, span.line, span.column + end)
                    yield ctx.finding(
                        span,
                        f"ENV {kv.key.text} uses ${name}, which this same ENV sets earlier: "
                        "BuildKit substitutes every value with the variables as they were "
                        f"before the instruction, so ${name} is empty here, not the new value; "
                        f"set {name} in its own ENV before this one",
                        fix=f"ENV {name}=… then ENV {kv.key.text}=…${name}…",
                    )
            here.add(kv.key.text)


# --------------------------------------------------------------------------- ML013

_RESERVED_LABELS = ("com.docker.", "io.docker.", "org.dockerproject.")


def _label_key_problem(key: str) -> str | None:
    """Why ``key`` is not a well-formed label key (Docker's guidelines, as DL3048 reads them)."""
    if key.lower().startswith(_RESERVED_LABELS):
        return "uses a namespace reserved by Docker (com.docker., io.docker., org.dockerproject.)"
    if not re.fullmatch(r"[a-z0-9._/-]+", key):
        return "should use only lower-case letters, digits, '.', '-', '_' and '/'"
    if not key[0].isalpha():
        return "should start with a lower-case letter"
    if not key[-1].isalnum():
        return "should end with a letter or digit"
    if ".." in key or "--" in key:
        return "should not contain '..' or '--'"
    return None


@rule("ML013")
def label_key_format(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for top in df.instructions:
        instr = top.trigger if top.trigger is not None else top
        if instr.keyword != "LABEL":
            continue
        for kv in instr.pairs:
            key = kv.key.text
            if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
                key = key[1:-1]
            if not key or "$" in key:
                continue  # only known at build time
            problem = _label_key_problem(key)
            if problem is None:
                continue
            yield ctx.finding(
                kv.key.span,
                f"LABEL key {key!r} {problem}: tools that read labels (registries, "
                "model cards, SBOM and provenance scanners) expect reverse-DNS keys such as "
                "org.opencontainers.image.source or com.example.model.version",
                fix="a lower-case reverse-DNS key of a domain you control "
                "(com.example.model.name), or an org.opencontainers.image.* key",
            )
