"""How RUN commands call package managers, and what a build writes into configuration files.

Shared by the resources rules (caches, recommends, prompts) and the security rules (TLS and
signature checks): one reading of ``apt-get -o X=y install …``, ``dnf --setopt=…``, of
``echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/…`` and of which stages ship.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.shell import Command, Word
from mllint.model.span import SourceMap, Span
from mllint.parsers.shell import effective_argv
from mllint.patterns import lazy_pattern

_WHOLE_VAR = lazy_pattern(r"^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$")
#: A variable whose name says it holds options: ``apt-get install $APT_OPTS pkg``.
_OPTION_VAR = lazy_pattern(r"OPT|ARG|FLAG|PARAM", re.IGNORECASE)

#: Command name -> family; the family decides option syntax and the cleanup that applies.
FAMILIES = {
    "apt-get": "apt",
    "apt": "apt",
    "apk": "apk",
    "yum": "rpm",
    "dnf": "rpm",
    "dnf5": "rpm",
    "microdnf": "rpm",
    "tdnf": "rpm",
    "yum-config-manager": "rpm",
    "zypper": "zypper",
    "conda": "conda",
    "mamba": "conda",
    "micromamba": "conda",
}
#: Options that take a value (the next word unless attached), per family.
_VALUE_OPTIONS = {
    "apt": "-o --option -c --config-file -t --target-release --default-release -a"
    " --host-architecture",
    "apk": "-t --virtual -X --repository --repositories-file -p --root --arch --cache-dir"
    " --keys-dir --wait --progress-fd",
    "rpm": "-c --config -x --exclude -e --errorlevel -d --debuglevel -R --randomwait --setopt"
    " --enablerepo --disablerepo --repo --repoid --installroot --releasever --forcearch"
    " --downloaddir --destdir --disableplugin --enableplugin --repofrompath --rpmverbosity"
    " --comment --color --excludepkgs --from-repo --add-repo",
    "zypper": "-R --root -c --config -D --reposd-dir -C --cache-dir --raw-cache-dir"
    " --solv-cache-dir --pkg-cache-dir --userdata --releasever --installroot -t --type -r"
    " --repo --from -p --priority",
    "conda": "-c --channel -n --name -p --prefix -f --file --solver --repodata-fn --platform"
    " --subdir --clone -r --root-prefix --category --channel-priority --rc-file --log-level"
    " --override-channels-file",
    "rpm-tool": "--root --dbpath --define -D --macros --rcfile --prefix --relocate --excludepath"
    " --predefine --pipe",
    "pip": "-r --requirement -c --constraint -e --editable -t --target -i --index-url"
    " --extra-index-url -f --find-links --trusted-host --proxy --cert --client-cert --cache-dir"
    " --log --src --prefix --root --python-version --platform --implementation --abi"
    " --progress-bar --upgrade-strategy --config-settings -C --global-option --no-binary"
    " --only-binary --timeout --retries --exists-action --python --root-user-action --report"
    " --use-feature --allow-insecure-host --index --default-index",
    "git": "-c -C --git-dir --work-tree --namespace --config-env --config -b --branch --depth"
    " -o --origin -u --upload-pack --reference --separate-git-dir --filter -j --jobs --template",
    "npm": "--registry --loglevel --prefix --cache --tag --userconfig --globalconfig --omit"
    " --include --workspace -w --location",
    "curl": "-o --output -A --user-agent -H --header -d --data --data-binary --data-raw"
    " --data-urlencode -X --request -u --user -e --referer -b --cookie -c --cookie-jar -F --form"
    " -T --upload-file -x --proxy -w --write-out -m --max-time -r --range -C --continue-at -E"
    " --cert -K --config -D --dump-header -z --time-cond -y --speed-time -Y --speed-limit -Q"
    " --quote -t --telnet-option -P --ftp-port -U --proxy-user --cacert --capath --key --retry"
    " --retry-delay --retry-max-time --connect-timeout --output-dir --url --proto --resolve",
    "wget": "-O --output-document -o --output-file -a --append-output -P --directory-prefix -t"
    " --tries -T --timeout -U --user-agent --header --user --password -i --input-file -e"
    " --execute --ca-certificate --ca-directory --certificate --private-key",
}
_VALUES = {family: frozenset(spec.split()) for family, spec in _VALUE_OPTIONS.items()}


class Opt(NamedTuple):
    """One option as written: ``-y`` out of ``-yq``, ``-o`` with its value, ``--yes``."""

    name: str  # "-y", "--yes"; for ``--opt=value`` the part before "="
    value: str | None
    word: Word  # the word it was written in
    before_verb: bool  # written before the first positional (a global option)


class Invocation(NamedTuple):
    """A command split into options and positionals by its tool's option syntax."""

    tool: str  # basename of the program: "apt-get", "dnf5", "micromamba"
    family: str
    command: Command
    program: Word  # the program's word (after sudo, env, xargs ...)
    options: tuple[Opt, ...]
    positionals: tuple[Word, ...]
    unknown: bool  # an expansion that may hold options we cannot see

    def verb(self, index: int = 0) -> str:
        return self.positionals[index].value if len(self.positionals) > index else ""

    def find(self, *names: str) -> Opt | None:
        return next((o for o in self.options if o.name in names), None)

    def has(self, *names: str) -> bool:
        return self.find(*names) is not None


def _expand(words: Sequence[Word], scope: Mapping[str, str | None]) -> tuple[list[Word], bool]:
    """Replace whole-word ``$VAR`` by its known ARG/ENV value split into words; report whether
    an unknown one may hold options."""
    out: list[Word] = []
    unknown = False
    for w in words:
        m = _WHOLE_VAR.match(w.value) if w.dynamic else None
        if m is None:
            out.append(w)
            continue
        name = m.group(1) or m.group(2)
        value = scope.get(name)
        if value is None:
            unknown = unknown or bool(_OPTION_VAR.search(name))
            out.append(w)
            continue
        out.extend(Word(w.text, piece, w.span, False, w.quoted) for piece in value.split())
    return out, unknown


def scan(
    command: Command,
    family: str,
    scope: Mapping[str, str | None] | None = None,
    *,
    argv: Sequence[Word] | None = None,
) -> Invocation:
    """Split ``command``'s words after the program into options and positionals."""
    if argv is None:
        argv = effective_argv(command)
    words, unknown = _expand(argv[1:], scope or {})
    values = _VALUES.get(family, frozenset())
    options: list[Opt] = []
    positionals: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        v = w.value
        i += 1
        before = not positionals
        if v == "--":
            positionals.extend(words[i:])
            break
        if len(v) < 2 or v[0] != "-" or (w.dynamic and v.startswith("-$")):
            positionals.append(w)
            continue
        if v.startswith("--"):
            name, eq, value = v.partition("=")
            if eq:
                options.append(Opt(name, value, w, before))
            elif name in values and i < len(words):
                options.append(Opt(name, words[i].value, w, before))
                i += 1
            else:
                options.append(Opt(name, None, w, before))
            continue
        if len(v) > 2 and v[2] == "=":  # apt's -q=2, -o=Key=value
            options.append(Opt(v[:2], v[3:], w, before))
            continue
        for j in range(1, len(v)):
            name = "-" + v[j]
            if name in values:
                if j + 1 < len(v):
                    options.append(Opt(name, v[j + 1 :], w, before))
                elif i < len(words):
                    options.append(Opt(name, words[i].value, w, before))
                    i += 1
                else:
                    options.append(Opt(name, None, w, before))
                break
            options.append(Opt(name, None, w, before))
    program = argv[0]
    tool = program.value.rpartition("/")[2]
    return Invocation(tool, family, command, program, tuple(options), tuple(positionals), unknown)


def invocation(
    command: Command, scope: Mapping[str, str | None] | None = None
) -> Invocation | None:
    """The package-manager invocation ``command`` runs, if it runs one."""
    argv = effective_argv(command)
    if not argv:
        return None
    family = FAMILIES.get(argv[0].value.rpartition("/")[2])
    if family is None:
        return None
    inv = scan(command, family, scope, argv=argv)
    if inv.tool == "dnf" and inv.verb() == "config-manager":
        return inv._replace(tool="dnf config-manager")
    return inv


def shell_commands(instr: Instruction) -> list[Command] | None:
    """The commands of a RUN in execution order, across its scripts; None when part of a
    script could not be read (a rule must not guess what the unread part does)."""
    if any(not s.complete for s in instr.scripts):
        return None
    return [c for s in instr.scripts for c in s.commands]


def removes(command: Command, matches: Callable[[str], bool]) -> bool:
    """Whether ``command`` deletes a path that ``matches`` (``rm -rf /var/lib/apt/lists/*``,
    ``find /var/cache/apk -delete``); a path that is only known at build time may be it."""
    argv = effective_argv(command)
    if not argv:
        return False
    name = argv[0].value.rpartition("/")[2]
    if name == "rm":
        paths = [w for w in argv[1:] if not w.value.startswith("-")]
    elif name == "find" and any(w.value in ("-delete", "-exec") for w in argv):
        paths = [w for w in argv[1:2] if not w.value.startswith("-")]
    else:
        return False
    for w in paths:
        if w.value.startswith("$"):
            return True
        path = w.value.rstrip("*").rstrip("/") or "/"
        if matches(path):
            return True
    return False


def cached(instr: Instruction, matches: Callable[[str], bool]) -> bool:
    """Whether a cache or tmpfs mount of ``instr`` keeps a matching directory out of the layer."""
    return any(
        mount.type in ("cache", "tmpfs") and matches((mount.target or "").rstrip("/") or "/")
        for mount in instr.mounts
    )


# --------------------------------------------------------------------------- written config


class Written(NamedTuple):
    """Text a RUN (or a COPY heredoc) writes into a file."""

    text: str  # with literal ``\\n``/``\\t`` (echo -e, printf) turned into real whitespace
    target: str  # the file as written; may hold ``$VAR``
    at: Span  # the writing command or instruction, to order writes before a later command
    source: SourceMap  # offsets in ``text`` -> positions in the Dockerfile

    def span(self, start: int, end: int) -> Span:
        return self.source.span(start, end)


_STDOUT_REDIRECTS = frozenset({">", ">>", ">|", "1>", "1>>", "&>", "&>>"})


def _word_map(words: Sequence[Word]) -> tuple[str, SourceMap]:
    """Words joined by spaces, with a map back to where each one is written."""
    parts: list[str] = []
    smap = SourceMap()
    offset = 0
    for w in words:
        value = w.value
        k = w.text.find(value) if value else -1
        if k < 0 or w.span.line != w.span.end_line:
            k = 0
        smap.add(offset, w.span.line, w.span.column + k, len(value) + 1)
        parts.append(value)
        offset += len(value) + 1
    text = " ".join(parts)
    return text.replace("\\n", " \n").replace("\\t", " \t"), smap


def _stdout_targets(command: Command) -> list[str]:
    r = command.redirects
    return [r[i + 1].value for i in range(len(r) - 1) if r[i].value in _STDOUT_REDIRECTS]


def _tee_targets(command: Command) -> list[str]:
    argv = effective_argv(command)
    if not argv or argv[0].value.rpartition("/")[2] != "tee":
        return []
    return [w.value for w in argv[1:] if not w.value.startswith("-")]


def _destinations(commands: Sequence[Command], k: int) -> list[str]:
    """Files that what command ``k`` prints ends up in: its redirects, or a ``| tee FILE``."""
    command = commands[k]
    out = _stdout_targets(command) + _tee_targets(command)
    if command.pipe_out:
        for following in commands[k + 1 :]:
            if following.depth > command.depth:
                continue
            if following.depth == command.depth and following.pipe_in:
                out += _tee_targets(following) + _stdout_targets(following)
            break
    return [t for t in out if t not in ("/dev/null", "/dev/stdout", "/dev/stderr")]


def _echo_words(argv: Sequence[Word]) -> list[Word]:
    name = argv[0].value.rpartition("/")[2]
    words = list(argv[1:])
    if name == "echo":
        while words and re.fullmatch(r"-[neE]+", words[0].value):
            words.pop(0)
    return words


def _sed_replacements(argv: Sequence[Word]) -> tuple[list[tuple[Word, int, int]], list[str]]:
    """For ``sed -i 's/a/b/' FILE``: the replacement parts (word, start, end) and the files."""
    in_place = False
    scripts: list[Word] = []
    files: list[Word] = []
    i = 1
    while i < len(argv):
        v = argv[i].value
        i += 1
        if v in ("-e", "--expression") and i < len(argv):
            scripts.append(argv[i])
            i += 1
        elif v.startswith("--expression="):
            scripts.append(argv[i - 1])
        elif v.startswith(("-i", "--in-place")) or re.fullmatch(r"-[a-zA-Z]*i", v):
            in_place = True
        elif v.startswith("-"):
            continue
        elif not scripts:
            scripts.append(argv[i - 1])
        else:
            files.append(argv[i - 1])
    if not in_place:
        return [], []
    out: list[tuple[Word, int, int]] = []
    for w in scripts:
        v = w.value
        base = v.index("=") + 1 if v.startswith("--expression=") else 0
        for m in re.finditer(r"(?:^|;)\s*s(.)", v[base:]):
            delim = m.group(1)
            parts = re.split(rf"(?<!\\){re.escape(delim)}", v[base + m.end() :])
            if len(parts) >= 2:
                start = base + m.end() + len(parts[0]) + 1
                out.append((w, start, start + len(parts[1])))
    return out, [f.value for f in files]


def _nested_heredoc(df: Dockerfile, command: Command) -> tuple[str, SourceMap] | None:
    """The body of a shell here-document (``cat > f <<'EOF'``) inside a RUN heredoc script,
    read from the physical lines after the command."""
    r = command.redirects
    for i in range(len(r) - 1):
        if r[i].value not in ("<<", "<<-"):
            continue
        delimiter = r[i + 1].value
        smap = SourceMap()
        lines: list[str] = []
        offset = 0
        for number in range(command.span.end_line + 1, len(df.lines) + 1):
            line = df.lines[number - 1]
            # Tabs too for <<: an enclosing RUN <<-EOF strips them before the shell reads.
            if line.lstrip("\t") == delimiter:
                return "\n".join(lines), smap
            smap.add(offset, number, 1, len(line) + 1)
            lines.append(line)
            offset += len(line) + 1
        return None
    return None


def written(df: Dockerfile, instr: Instruction) -> Iterator[Written]:
    """Text that ``instr`` writes into files: ``echo``/``printf`` redirected or piped to
    ``tee``, ``cat``/``tee`` of a here-document, ``sed -i`` replacements,
    ``add-apt-repository`` lines, and ``COPY <<EOF`` bodies."""
    if instr.keyword in ("COPY", "ADD"):
        if not instr.heredocs:
            return
        dest = _copy_dest(instr)
        for doc in instr.heredocs:
            target = dest + doc.name if dest.endswith("/") else dest
            yield Written(doc.body, target, instr.span, doc.source)
        return
    commands = shell_commands(instr)
    if not commands:
        return
    line_docs = [d for d in instr.heredocs if d.fd == 0]
    for k, command in enumerate(commands):
        argv = effective_argv(command)
        if not argv:
            continue
        name = argv[0].value.rpartition("/")[2]
        if name in ("echo", "printf"):
            words = _echo_words(argv)
            targets = _destinations(commands, k)
            if words and targets:
                text, smap = _word_map(words)
                for target in targets:
                    yield Written(text, target, command.span, smap)
        elif name in ("cat", "tee"):
            targets = _destinations(commands, k)
            if not targets:
                continue
            nested = _nested_heredoc(df, command)
            if nested is not None:
                for target in targets:
                    yield Written(nested[0], target, command.span, nested[1])
            elif line_docs and not any(_inside(command.span, d.span) for d in instr.heredocs):
                doc = line_docs.pop(0)
                for target in targets:
                    yield Written(doc.body, target, command.span, doc.source)
        elif name == "sed":
            replacements, files = _sed_replacements(argv)
            for word, start, end in replacements:
                text, smap = _word_map([word])
                piece = " " * start + text[start:end]
                for target in files:
                    yield Written(piece, target, command.span, smap)
        elif name == "add-apt-repository":
            for w in argv[1:]:
                if not w.value.startswith("-"):
                    text, smap = _word_map([w])
                    yield Written(text, "/etc/apt/sources.list.d/", command.span, smap)


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def before(df: Dockerfile, instr: Instruction) -> Iterator[Instruction]:
    """Instructions that ran earlier in the image ``instr`` builds: all of its parent stages'
    and those of its own stage above it."""
    if instr.stage < 0:
        return
    stage = df.stages[instr.stage]
    for s in reversed(df.stage_chain(stage)):
        for i in s.instructions:
            if s is stage and i.span.line >= instr.span.line:
                break
            yield i


def _copy_dest(instr: Instruction) -> str:
    words = instr.exec_form or instr.words
    return words[-1].text if words else ""


def configured(
    df: Dockerfile,
    instr: Instruction,
    command: Command,
    pattern: re.Pattern[str],
    target: re.Pattern[str],
) -> bool:
    """Whether a configuration matching ``pattern`` was written into a file matching ``target``
    before ``command`` runs, earlier in the image or earlier in the same RUN; a file of that
    kind copied in without a readable body (``COPY apt.conf /etc/apt/apt.conf.d/``) may set it
    too, so it counts."""
    for earlier in (*before(df, instr), instr):
        if earlier.keyword in ("COPY", "ADD") and not earlier.heredocs:
            dest = _copy_dest(earlier)
            if target.search(dest):
                return True
            continue
        if earlier.keyword not in ("RUN", "COPY", "ADD"):
            continue
        for w in written(df, earlier):
            if earlier is instr and (w.at.line, w.at.column) >= (
                command.span.line,
                command.span.column,
            ):
                continue
            if (target.search(w.target) or "$" in w.target) and pattern.search(w.text):
                return True
    return False


# --------------------------------------------------------------------------- ML303


def shipped_stages(df: Dockerfile) -> set[int]:
    """Stages whose layers end up in an image someone runs: the final stage (or the compose
    ``target``), every stage nothing else refers to (another ``--target``), and the stages
    these build on. A stage only copied from (``COPY --from``) ships just what is copied."""
    final = df.final_stage
    if final is None:
        return set()
    targets = [final]
    if df.target is None:
        referenced: set[int] = set()
        for stage in df.stages:
            if stage.parent is not None:
                referenced.add(stage.parent)
            for i in stage.instructions:
                refs = [m.get("from") for m in i.mounts]
                flag = i.flag("from")
                if i.keyword in ("COPY", "ADD") and flag is not None:
                    refs.append(flag.value)
                for ref in refs:
                    other = df.find_stage(ref) if ref else None
                    if other is not None and other.number != stage.number:
                        referenced.add(other.number)
        targets += [s for s in df.stages if s.number not in referenced]
    return {s.number for t in targets for s in df.stage_chain(t)}
