"""Dockerfile habits that hadolint, BuildKit and Checkov users expect a linter to check:
CMD/ENTRYPOINT in shell form (ML017), ``apt`` in scripts (ML018), ADD where COPY does the same
(ML019) and long runs of RUN instructions that could be one layer (ML313, opt-in)."""

from __future__ import annotations

from collections.abc import Iterator

from mllint.checks.dockerfile_walk import last_before, runs, scope_before
from mllint.checks.edits import fix
from mllint.checks.package_managers import shipped_stages
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Edit, Severity
from mllint.engine.registry import rule
from mllint.model.dockerfile import POSIX_SHELLS, Dockerfile, Instruction, Stage
from mllint.model.span import Span
from mllint.parsers.shell import effective_argv
from mllint.parsers.variables import substitute

# --------------------------------------------------------------------------- ML017


def _targets(df: Dockerfile, shipped: set[int]) -> list[Stage]:
    """The shipped stages that are images someone runs (not only a base of another one)."""
    parents = {df.stages[n].parent for n in shipped}
    return [df.stages[n] for n in sorted(shipped) if n not in parents]


def _start_commands(df: Dockerfile, target: Stage) -> tuple[Instruction | None, Instruction | None]:
    """The CMD and ENTRYPOINT in force in ``target``'s image, as BuildKit sets them: the last
    of each along the stage chain, where an ENTRYPOINT resets a CMD inherited from a parent
    stage (not one set earlier in its own stage)."""
    cmd: Instruction | None = None
    entrypoint: Instruction | None = None
    for stage in reversed(df.stage_chain(target)):
        cmd_set = False
        for instr in stage.instructions:
            if instr.keyword == "CMD":
                cmd, cmd_set = instr, True
            elif instr.keyword == "ENTRYPOINT":
                entrypoint = instr
                if not cmd_set:
                    cmd = None
    return entrypoint, cmd


def _shell_of(df: Dockerfile, instr: Instruction) -> str:
    """The program a shell-form CMD/ENTRYPOINT runs under (basename): /bin/sh unless SHELL."""
    shell = last_before(df, instr, "SHELL")
    if shell is None or not shell.exec_form:
        return "sh"
    return shell.exec_form[0].text.rpartition("/")[2].removesuffix(".exe").lower()


def _exec_form(keyword: str, text: str) -> str:
    """The exec form to suggest: the words as a JSON array, or an explicit shell that execs the
    command when it needs shell features (variables, ``&&``, pipes, redirections)."""
    if _SHELL_SYNTAX & set(text):
        exec_ = "" if set("&|;") & set(text) else "exec "
        return f'{keyword} ["sh", "-c", "{exec_}{text[:60]}{"…" if len(text) > 60 else ""}"]'
    words = text.split()
    more = ", …" if len(words) > 4 else ""
    return f"{keyword} [{', '.join(f'{chr(34)}{w}{chr(34)}' for w in words[:4])}{more}]"


_SHELL_SYNTAX = frozenset("$&|;<>`'\"*?(")


@rule("ML017")
def cmd_entrypoint_shell_form(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    """Only the start commands of images that ship: a builder stage's CMD never runs."""
    seen: set[int] = set()
    for target in _targets(df, shipped_stages(df)):
        entrypoint, cmd = _start_commands(df, target)
        exec_entrypoint = entrypoint is not None and entrypoint.is_exec_form
        for instr in (entrypoint, cmd):
            if instr is None:
                continue
            if instr.is_exec_form or id(instr) in seen:
                continue
            seen.add(id(instr))
            text = instr.arguments.text.strip()
            if not text or text.split(None, 1)[0] == "exec":
                continue  # `exec prog`: the shell replaces itself with the program
            shell = _shell_of(df, instr)
            if shell not in POSIX_SHELLS:
                continue  # powershell/cmd on Windows images: other signal semantics
            suggestion = _exec_form(instr.keyword, text)
            if instr.keyword == "ENTRYPOINT":
                yield ctx.finding(
                    instr.arguments.span,
                    f"ENTRYPOINT in shell form runs as `{shell} -c '…'`: the shell is PID 1, so "
                    "SIGTERM from `docker stop` may never reach the program (a training job "
                    "cannot checkpoint, a server cannot drain; it is killed after the grace "
                    "period), and CMD and `docker run` arguments are ignored; write it in exec "
                    "form, or start it with `exec`",
                    fix=suggestion,
                )
            elif exec_entrypoint:
                yield ctx.finding(
                    instr.arguments.span,
                    f"CMD in shell form is passed to the exec-form ENTRYPOINT as `/bin/{shell} "
                    "-c '…'`: the program then runs under a shell that may not forward the "
                    "SIGTERM of `docker stop`, so it cannot shut down cleanly; write the CMD as "
                    "a JSON array",
                    fix=suggestion,
                    severity=Severity.INFO,
                )
            else:
                yield ctx.finding(
                    instr.arguments.span,
                    f"CMD in shell form runs as `{shell} -c '…'`: unless the shell execs it, the "
                    "program is not PID 1 and may not get the SIGTERM of `docker stop`, so it "
                    "cannot shut down cleanly and is killed after the grace period; write it in "
                    "exec form (JSON array), or start it with `exec`",
                    fix=suggestion,
                    severity=Severity.INFO,
                )


# --------------------------------------------------------------------------- ML018


@rule("ML018")
def apt_instead_of_apt_get(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for script in instr.scripts:
            for command in script.commands:
                argv = effective_argv(command)
                if not argv or argv[0].value.rpartition("/")[2] != "apt":
                    continue
                verb = next((w.value for w in argv[1:] if not w.value.startswith("-")), None)
                if verb is None:
                    continue
                word = argv[0]
                edit = None
                if (
                    not instr.is_exec_form
                    and command.depth == 0
                    and word.text == "apt"
                    and word.span.line == word.span.end_line
                    and word.span.end_column - word.span.column == 3
                ):
                    edit = Edit(word.span, "apt", "apt-get")
                replacement = _APT_EQUIVALENT.get(verb, f"apt-get {verb}")
                same = replacement == f"apt-get {verb}" and verb in _APT_GET_VERBS
                yield ctx.finding(
                    word.span,
                    f"`apt {verb}` in a build script: apt is the interactive front end and "
                    "warns that it has no stable command-line interface, so its options and "
                    f"output can change with the distribution release; use {replacement}",
                    fix=f"{replacement} …",
                    autofix=fix("use apt-get", edit) if same else None,
                )


#: Subcommands apt-get has under the same name (the autofix only renames the program).
_APT_GET_VERBS = frozenset(
    "update upgrade install reinstall remove purge autoremove autopurge dist-upgrade clean"
    " autoclean build-dep source download satisfy check changelog".split()
)
#: apt subcommands that are spelled differently in the script-stable tools.
_APT_EQUIVALENT = {
    "full-upgrade": "apt-get dist-upgrade",
    "search": "apt-cache search",
    "show": "apt-cache show",
    "showsrc": "apt-cache showsrc",
    "policy": "apt-cache policy",
    "depends": "apt-cache depends",
    "rdepends": "apt-cache rdepends",
    "list": "dpkg-query -W (or apt-cache policy)",
}


# --------------------------------------------------------------------------- ML019

#: Suffixes of files ADD may unpack: tar archives, plain or compressed (BuildKit detects tar by
#: content; a compressed file named without ``.tar`` may still hold one, so it is left alone).
_ARCHIVE_SUFFIXES = (
    ".tar",
    ".tgz",
    ".taz",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".txz",
    ".tzst",
    ".tlz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
    ".z",
)
#: ADD flags COPY does not have.
_ADD_ONLY = ("checksum", "keep-git-dir", "unpack")
_GLOB = frozenset("*?[")


def _local_plain(raw: str, value: str | None) -> bool | None:
    """Whether an ADD source is a local path ADD copies as is (True), one it may unpack or a
    remote one (False), or only known at build time (None)."""
    if raw.startswith("<<"):
        return False  # a heredoc source
    if value is None:
        return None
    if "://" in value or value.startswith("git@"):
        return False  # URLs and git repositories: ML106's
    path = value.rstrip("/")
    name = path.rpartition("/")[2].lower()
    if name.endswith(_ARCHIVE_SUFFIXES):
        return False
    if _GLOB & set(value):
        # each file a pattern matches is a source: `src/*` may match archives, `*.py` cannot
        stem, dot, ext = name.rpartition(".")
        return bool(dot and stem and ext and not _GLOB & set(ext))
    return True


@rule("ML019")
def add_instead_of_copy(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for top in df.instructions:
        instr = top.trigger if top.trigger is not None else top
        if instr.keyword != "ADD" or any(instr.flag(f) is not None for f in _ADD_ONLY):
            continue
        words = instr.exec_form if instr.exec_form is not None else instr.words
        if len(words) < 2 or instr.heredocs:
            continue
        scope = None
        plain = True
        for src in words[:-1]:
            raw = src.text if instr.exec_form is not None else src.text.strip("'\"")
            value: str | None = raw
            if "$" in raw:
                scope = scope if scope is not None else scope_before(df, top)
                value = substitute(raw, scope)
            if not _local_plain(raw, value):
                plain = False
                break
        if not plain:
            continue
        span = instr.keyword_span
        written = _text_at(df, span)
        edit = None
        if written is not None and written.upper() == "ADD":
            edit = Edit(span, written, "COPY" if written.isupper() else "copy")
        sources = " ".join(w.text for w in words[:-1])
        flags = "".join(
            f"--{f.name}{'' if f.value is None else '=' + f.value} " for f in instr.flags
        )
        yield ctx.finding(
            span,
            f"ADD of local {sources}: ADD only differs from COPY by fetching URLs and unpacking "
            "tar archives, and neither happens here; COPY says what it does, and ADD would "
            "silently unpack the file if it ever becomes a tar archive (a .zip is never "
            "unpacked); use COPY",
            fix=f"COPY {flags}{sources} {words[-1].text}",
            autofix=fix("use COPY", edit),
        )


def _text_at(df: Dockerfile, span: Span) -> str | None:
    if span.line != span.end_line or not 0 < span.line <= len(df.lines):
        return None
    return df.lines[span.line - 1][span.column - 1 : span.end_column - 1]


# --------------------------------------------------------------------------- ML313

#: Consecutive small RUNs from which the rule speaks. Two to four RUNs in a row are usually a
#: deliberate split for the build cache (system packages, requirements, the project, the user);
#: five small ones in a row with the same flags is a shell script transcribed line by line.
_MIN_RUNS = 5


def _mergeable(instr: Instruction) -> bool:
    """A small shell-form RUN (at most two commands, like hadolint's DL3059): one that does
    a whole job (install, then clean up) is a deliberate layer, not a line of a script."""
    if instr.keyword != "RUN" or instr.is_exec_form or instr.heredocs or not instr.scripts:
        return False
    if any(not s.complete for s in instr.scripts):
        return False
    return sum(1 for s in instr.scripts for c in s.commands if c.depth == 0) <= 2


def _flags(instr: Instruction) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((f.name, f.value or "") for f in instr.flags))


@rule("ML313")
def consecutive_run_instructions(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    shipped = shipped_stages(df)
    for stage in df.stages:
        if stage.number not in shipped:
            continue  # a builder stage's layers do not ship
        group: list[Instruction] = []
        for instr in (*stage.instructions, None):
            if instr is not None and instr.keyword == "RUN" and group and _same(group[0], instr):
                group.append(instr)
                continue
            if len(group) >= _MIN_RUNS:
                first, last = group[0], group[-1]
                yield ctx.finding(
                    first.keyword_span,
                    f"{len(group)} RUN instructions in a row (lines {first.line}-{last.line}) "
                    "make as many layers: files one of them deletes still ship in an earlier "
                    "layer and each layer adds pull and cache overhead; join the commands with "
                    "`&&` into fewer RUNs (keep splits that serve the build cache)",
                    fix="RUN step-one \\\n    && step-two \\\n    && step-three",
                )
            group = [instr] if instr is not None and _mergeable(instr) else []


def _same(first: Instruction, instr: Instruction) -> bool:
    """Whether ``instr`` could join the RUN ``first`` in one layer: same flags, no heredoc."""
    return _mergeable(instr) and _flags(instr) == _flags(first)
