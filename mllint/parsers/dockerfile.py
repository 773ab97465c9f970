"""A Dockerfile parser that reads files exactly as BuildKit's parser does, keeping positions.

Why our own parser: dockerfile-parse reports heredoc bodies as instructions and keeps no
columns; BuildKit's parser (PyPI ``dockerfile``) is a Go extension with x86_64 wheels only and no
columns either. We follow BuildKit's algorithm step by step (directives, continuation lines with
comment and blank lines inside, heredocs, builder flags, the per-instruction argument parsers)
and a differential test holds us to its output on every fixture.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from mllint.model.dockerfile import (
    Directives,
    Dockerfile,
    Flag,
    Heredoc,
    ImageRef,
    Instruction,
    KeyValue,
    Mount,
    Problem,
    Stage,
)
from mllint.model.shell import ShellScript
from mllint.model.span import Located, SourceMap, Span
from mllint.parsers.run_scripts import run_scripts
from mllint.parsers.variables import Scope, substitute

KEYWORDS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN "
    "SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_JSON_KEYWORDS = frozenset({"CMD", "ENTRYPOINT", "RUN", "SHELL"})  # parseMaybeJSON
_JSON_LIST_KEYWORDS = frozenset({"ADD", "COPY", "VOLUME"})  # parseMaybeJSONToList
_STRING_KEYWORDS = frozenset({"MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"})  # parseString
#: ARGs BuildKit defines for every build; declared, but their value is only known at build time.
_PLATFORM_ARGS = (
    "BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT TARGETPLATFORM TARGETOS TARGETARCH "
    "TARGETVARIANT TARGETSTAGE BUILDKIT_SBOM_SCAN_STAGE"
).split()

_DIRECTIVE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]*)$")
_WS = " \t\n\r\x0b\x0c"


class _Word(NamedTuple):
    text: str
    start: int  # offset in the logical line
    end: int


class DecodeError(ValueError):
    """The bytes are not a text file we can read (binary, or not UTF-8/UTF-16)."""


def decode(data: bytes) -> str:
    """Bytes to text the way BuildKit would accept them, or DecodeError with a reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise DecodeError(f"invalid UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:8192] or b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes), not a Dockerfile")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DecodeError(f"not UTF-8: invalid byte 0x{data[e.start]:02x} on line {line}") from None
    return text.removeprefix("\ufeff")


def parse_dockerfile(
    text: str,
    path: str = "Dockerfile",
    *,
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
) -> Dockerfile:
    """Parse Dockerfile text into the model. Never raises: problems become ``Problem``s."""
    return _Parser(text, path, build_args or {}, target).parse()


def _trim_ws_left(s: str) -> str:
    return s.lstrip(_WS)


class _Parser:
    def __init__(self, text: str, path: str, build_args: Mapping[str, str], target: str | None):
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
        self.path = path
        self.build_args = build_args
        self.target = target
        self.problems: list[Problem] = []
        self.escape = "\\"
        self.directives = Directives()
        self.global_scope: dict[str, str | None] = {}
        self.template_lines: set[int] = set()

    # ---- top level -------------------------------------------------------------------------

    def parse(self) -> Dockerfile:
        self._read_directives()
        cont = re.compile(re.escape(self.escape) + r"[ \t]*$")
        raw_instructions: list[tuple[str, SourceMap, int, int, list[Heredoc]]] = []
        lines = self.lines
        n = len(lines)
        i = 0  # directive lines are comments to the instruction parser
        while i < n:
            raw = lines[i]
            first_line = i + 1
            i += 1
            stripped = _trim_ws_left(raw)
            if stripped.startswith("#"):
                continue
            piece, more = _trim_continuation(stripped, cont)
            if not more and piece == "":
                continue
            smap = SourceMap()
            smap.add(0, first_line, len(raw) - len(stripped) + 1, len(piece))
            pieces = [piece]
            offset = len(piece)
            last_line = first_line
            while more and i < n:
                raw = lines[i]
                i += 1
                trimmed = _trim_ws_left(raw)
                if trimmed.startswith("#") or trimmed == "":
                    continue
                piece, more = _trim_continuation(raw, cont)
                smap.add(offset, i, 1, len(piece))
                pieces.append(piece)
                offset += len(piece)
                last_line = i
            logical = "".join(pieces)
            heredocs: list[Heredoc] = []
            keyword = logical.strip(_WS).split(None, 1)[0].upper() if logical.strip(_WS) else ""
            if keyword == "ONBUILD":
                parts = logical.strip(_WS).split(None, 2)
                keyword = "ONBUILD " + (parts[1].upper() if len(parts) > 1 else "")
            if (
                keyword.split()[-1:]
                and keyword.split()[-1] in _HEREDOC_KEYWORDS
                and "<<" in logical
            ):
                for fd, strip_tabs, name, expand in _heredoc_markers(logical):
                    body, i, hd_end, terminated = self._read_heredoc(i, name, strip_tabs)
                    heredocs.append(
                        self._heredoc(body, fd, strip_tabs, name, expand, hd_end, terminated)
                    )
                    if terminated:
                        last_line = hd_end
                    else:
                        last_line = max(last_line, n)
                        marker = logical.find("<<")
                        self.problems.append(
                            Problem(
                                smap.span(marker, marker + 2 + len(name)),
                                f"unterminated heredoc: no line '{name}' closes the '<<{name}' "
                                f"started on line {first_line}, so the rest of the file is "
                                "read as its body",
                            )
                        )
            raw_instructions.append((logical, smap, first_line, last_line, heredocs))
        return self._assemble(raw_instructions)

    def _read_directives(self) -> None:
        """Parser directives: only at the very top, only known names, each at most once."""
        seen: dict[str, Located] = {}
        for i, raw in enumerate(self.lines):
            text = raw[1:] if i == 0 and raw.startswith("\ufeff") else raw
            m = _DIRECTIVE.match(_trim_ws_left(text))
            if not m or m.group(1).lower() not in ("syntax", "escape", "check"):
                break
            key = m.group(1).lower()
            value = m.group(2)
            col = len(raw) - len(_trim_ws_left(text)) + m.start(2) + 1
            loc = Located(value, Span(i + 1, col, i + 1, col + len(value)))
            if key in seen:
                self.problems.append(
                    Problem(loc.span, f"only one '{key}' parser directive can be used")
                )
                continue
            seen[key] = loc
            if key == "escape":
                if value not in ("\\", "`"):
                    self.problems.append(
                        Problem(loc.span, f"invalid escape token '{value}': it must be \\ or `")
                    )
                else:
                    self.escape = value
        self.directives = Directives(
            syntax=seen.get("syntax"), escape=self.escape, check=seen.get("check")
        )

    def _read_heredoc(
        self, i: int, name: str, strip_tabs: bool
    ) -> tuple[list[str], int, int, bool]:
        body: list[str] = []
        while i < len(self.lines):
            raw = self.lines[i]
            i += 1
            candidate = raw.lstrip("\t") if strip_tabs else raw
            if candidate == name:
                return body, i, i, True
            body.append(raw)
        return body, i, i, False

    def _heredoc(
        self,
        body: list[str],
        fd: int,
        strip_tabs: bool,
        name: str,
        expand: bool,
        end_line: int,
        terminated: bool,
    ) -> Heredoc:
        first = end_line - len(body) - (1 if terminated else 0) + 1
        smap = SourceMap()
        offset = 0
        for k, line in enumerate(body):
            smap.add(offset, first + k, 1, len(line) + 1)
            offset += len(line) + 1
        last_col = len(self.lines[end_line - 1]) + 1 if 0 < end_line <= len(self.lines) else 1
        span = Span(first, 1, max(end_line, first), last_col)
        return Heredoc(
            name=name,
            body="".join(line + "\n" for line in body),
            span=span,
            source=smap,
            strip_tabs=strip_tabs,
            expand=expand,
            fd=fd,
            terminated=terminated,
        )

    # ---- instructions ----------------------------------------------------------------------

    def _assemble(self, raw: list[tuple[str, SourceMap, int, int, list[Heredoc]]]) -> Dockerfile:
        instructions: list[Instruction] = []
        stages: list[Stage] = []
        stage_instrs: list[list[Instruction]] = []
        global_args: list[KeyValue] = []
        global_scope: dict[str, str | None] = dict.fromkeys(_PLATFORM_ARGS)
        self.global_scope = global_scope
        stage_scopes: list[dict[str, str | None]] = []
        stage_envs: list[dict[str, str | None]] = []
        shells: list[list[str]] = []
        template_reported = False
        for logical, smap, first, last, heredocs in raw:
            if not template_reported and (pos := _template_marker(logical)) >= 0:
                template_reported = True
                self.problems.append(
                    Problem(
                        smap.span(pos, pos + 2),
                        "template syntax ('{{' or '{%'): this looks "
                        "like a template that renders a Dockerfile, not a Dockerfile; lint "
                        "the rendered file instead",
                    )
                )
                self.template_lines.add(first)
            stage_index = len(stages) - 1
            if stage_index >= 0:
                scope: dict[str, str | None] = stage_scopes[stage_index]
                shell = shells[stage_index]
            else:
                scope = global_scope
                shell = ["/bin/sh", "-c"]
            instr = self._instruction(
                logical, smap, first, last, heredocs, stage_index, scope, shell
            )
            if instr is None:
                continue
            kw = instr.keyword
            if kw == "FROM":
                stage = self._stage(instr, len(stages), global_scope, stages)
                stages.append(stage)
                stage_instrs.append([])
                parent = stage.parent
                # ENV is inherited from a parent stage; ARGs are not (each stage re-declares them).
                stage_scopes.append(dict(stage_envs[parent]) if parent is not None else {})
                stage_envs.append(dict(stage_envs[parent]) if parent is not None else {})
                parent_shell = shells[parent] if parent is not None else ["/bin/sh", "-c"]
                shells.append(list(parent_shell))
                instr = _with_stage(instr, len(stages) - 1)
                instructions.append(instr)
                continue
            instructions.append(instr)
            if stage_index < 0:
                if kw == "ARG":
                    for kv in instr.pairs:
                        global_args.append(kv)
                        global_scope[kv.key.text] = kv.resolved
                continue
            stage_instrs[stage_index].append(instr)
            if kw in ("ARG", "ENV"):
                for kv in instr.pairs:
                    scope[kv.key.text] = kv.resolved
                    if kw == "ENV":
                        stage_envs[stage_index][kv.key.text] = kv.resolved
            elif kw == "SHELL" and instr.exec_form:
                shells[stage_index] = [w.text for w in instr.exec_form]
        final_stages = tuple(
            Stage(s.number, s.from_, s.image, s.name, tuple(stage_instrs[s.number])) for s in stages
        )
        target_index = None
        if self.target is not None:
            for s in final_stages:
                if s.name is not None and s.name.text.lower() == self.target.lower():
                    target_index = s.number
        return Dockerfile(
            path=self.path,
            lines=tuple(self.lines),
            directives=self.directives,
            instructions=tuple(instructions),
            stages=final_stages,
            global_args=tuple(global_args),
            problems=tuple(sorted(self.problems, key=lambda p: (p.span.line, p.span.column))),
            target=target_index,
        )

    def _stage(
        self, instr: Instruction, index: int, global_scope: Scope, earlier: list[Stage]
    ) -> Stage:
        words = instr.words
        if instr.span.line in self.template_lines:
            return Stage(index, instr, ImageRef(instr.arguments, None), None, ())
        if len(words) not in (1, 3) or (len(words) == 3 and words[1].text.lower() != "as"):
            self.problems.append(
                Problem(
                    instr.arguments.span if words else instr.keyword_span,
                    "FROM takes an image and optionally 'AS name': FROM image[:tag] [AS name]",
                )
            )
        if not words:
            image = ImageRef(Located("", instr.keyword_span), None)
            return Stage(index, instr, image, None, ())
        image = parse_image_ref(words[0], global_scope, earlier)
        name = words[2] if len(words) == 3 and words[1].text.lower() == "as" else None
        return Stage(index, instr, image, name, ())

    def _instruction(
        self,
        logical: str,
        smap: SourceMap,
        first: int,
        last: int,
        heredocs: list[Heredoc],
        stage: int,
        scope: Scope,
        shell: list[str],
    ) -> Instruction | None:
        lead = len(logical) - len(logical.lstrip(_WS))
        body = logical.strip(_WS)
        m = re.match(r"\S+", body)
        if m is None:
            return None
        kw_text = m.group(0)
        kw_start = lead
        kw_end = lead + len(kw_text)
        keyword = kw_text.upper()
        keyword_span = smap.span(kw_start, kw_end)
        last_col = len(self.lines[last - 1]) + 1 if 0 < last <= len(self.lines) else 1
        span = Span(keyword_span.line, keyword_span.column, last, last_col)
        rest_start = kw_end
        while rest_start < len(logical) and logical[rest_start] in _WS:
            rest_start += 1
        flags, args_start = _builder_flags(logical, rest_start, smap)
        args_end = len(logical.rstrip(_WS))
        args_start = min(args_start, args_end)
        while args_start < args_end and logical[args_start] in _WS:
            args_start += 1
        args = logical[args_start:args_end]
        arguments = Located(args, smap.span(args_start, args_end))
        base: dict[str, Any] = {
            "keyword": keyword,
            "keyword_span": keyword_span,
            "span": span,
            "flags": flags,
            "arguments": arguments,
            "source": smap.shifted(args_start),
            "stage": stage,
        }
        if keyword not in KEYWORDS:
            self.problems.append(Problem(keyword_span, _unknown_instruction(kw_text)))
            return Instruction(**base, words=tuple(_words_ws(args, args_start, smap)))

        if keyword == "ONBUILD":
            trigger = (
                self._instruction(
                    args, smap.shifted(args_start), first, last, heredocs, stage, scope, shell
                )
                if args
                else None
            )
            return Instruction(**base, trigger=trigger)

        words: tuple[Located, ...] = ()
        exec_form: tuple[Located, ...] | None = None
        pairs: tuple[KeyValue, ...] = ()
        if keyword in _JSON_KEYWORDS or keyword in _JSON_LIST_KEYWORDS:
            exec_form, bad = _json_array(args, args_start, smap)
            if bad:
                self.problems.append(
                    Problem(
                        arguments.span,
                        "a JSON array (exec form) must contain only strings: quote every element",
                    )
                )
            if exec_form is None:
                if keyword in _JSON_LIST_KEYWORDS:
                    words = tuple(_words_ws(args, args_start, smap))
                else:
                    words = (arguments,) if args else ()
            else:
                words = exec_form
        elif keyword == "HEALTHCHECK":
            ws = _words_ws(args, args_start, smap)
            if ws:
                sub = re.match(r"\S+\s*", args)
                assert sub is not None
                cmd_start = args_start + sub.end()
                cmd = logical[cmd_start:args_end]
                exec_form, _ = _json_array(cmd, cmd_start, smap)
                words = (
                    ws[0],
                    *(
                        exec_form
                        or ((Located(cmd, smap.span(cmd_start, args_end)),) if cmd else ())
                    ),
                )
        elif keyword in ("ENV", "LABEL"):
            pairs = self._name_values(keyword, args, args_start, smap, arguments, scope)
            words = tuple(
                Located(w.text, smap.span(w.start, w.end))
                for w in _parse_words(args, args_start, self.escape)
            )
        elif keyword == "ARG":
            raw_words = _parse_words(args, args_start, self.escape)
            words = tuple(Located(w.text, smap.span(w.start, w.end)) for w in raw_words)
            pairs = tuple(self._arg_pair(w, smap, scope) for w in raw_words)
        elif keyword in _STRING_KEYWORDS:
            words = (arguments,) if args else ()
            base["value"] = substitute(args, scope, escape=self.escape) if args else None
            if not args and keyword in ("USER", "WORKDIR"):
                self.problems.append(Problem(keyword_span, f"{keyword} requires an argument"))
        else:  # FROM, EXPOSE: parseStringsWhitespaceDelimited
            words = tuple(_words_ws(args, args_start, smap))

        if keyword in ("COPY", "ADD") and len(words) + len(heredocs) < 2:
            self.problems.append(
                Problem(keyword_span, f"{keyword} requires at least one source and a destination")
            )
        mounts = tuple(_mount(f) for f in flags if f.name == "mount") if keyword == "RUN" else ()
        scripts: tuple[ShellScript, ...] = ()
        if keyword == "RUN":
            scripts = run_scripts(args, args_start, smap, exec_form, heredocs, shell, self.escape)
        return Instruction(
            **base,
            words=words,
            exec_form=exec_form,
            pairs=pairs,
            heredocs=tuple(heredocs),
            mounts=mounts,
            scripts=scripts,
        )

    def _name_values(
        self,
        keyword: str,
        args: str,
        start: int,
        smap: SourceMap,
        arguments: Located,
        scope: Scope,
    ) -> tuple[KeyValue, ...]:
        """parseNameVal: ``KEY=value …``, or the legacy ``KEY value with spaces``."""
        words = _parse_words(args, start, self.escape)
        if not words:
            self.problems.append(
                Problem(arguments.span, f"{keyword} requires at least one key=value pair")
            )
            return ()
        if "=" not in words[0].text:
            m = re.match(r"(\S+)[ \t\n\r\x0b\x0c]+", args)
            if m is None:
                self.problems.append(
                    Problem(
                        arguments.span,
                        f"{keyword} {args.strip()}: a value is missing; write {keyword} KEY=value",
                    )
                )
                return ()
            key = Located(m.group(1), smap.span(start, start + len(m.group(1))))
            vstart = start + m.end()
            raw_value = args[m.end() :]
            value = Located(raw_value, smap.span(vstart, vstart + len(raw_value)))
            resolved = substitute(raw_value, scope, escape=self.escape)
            return (KeyValue(key, value, resolved, key.span.cover(value.span)),)
        pairs: list[KeyValue] = []
        for w in words:
            eq = w.text.find("=")
            if eq < 0:
                self.problems.append(
                    Problem(
                        smap.span(w.start, w.end),
                        f"{keyword}: '{w.text}' has no '=': write KEY=value",
                    )
                )
                continue
            key = Located(w.text[:eq], smap.span(w.start, w.start + eq))
            raw_value = w.text[eq + 1 :]
            value = Located(raw_value, smap.span(w.start + eq + 1, w.end))
            resolved = substitute(raw_value, scope, escape=self.escape)
            pairs.append(KeyValue(key, value, resolved, smap.span(w.start, w.end)))
        return tuple(pairs)

    def _arg_pair(self, w: _Word, smap: SourceMap, scope: Scope) -> KeyValue:
        eq = w.text.find("=")
        name = w.text if eq < 0 else w.text[:eq]
        key = Located(name, smap.span(w.start, w.start + len(name)))
        if name in self.build_args:
            resolved: str | None = self.build_args[name]
        elif eq < 0:
            # A stage re-declaring a global ARG inherits its value.
            resolved = scope[name] if name in scope else self.global_scope.get(name)
        else:
            resolved = substitute(w.text[eq + 1 :], scope, escape=self.escape)
        value = None if eq < 0 else Located(w.text[eq + 1 :], smap.span(w.start + eq + 1, w.end))
        return KeyValue(key, value, resolved, smap.span(w.start, w.end))


# ---- helpers that mirror BuildKit's parser functions ---------------------------------------


def _trim_continuation(line: str, cont: re.Pattern[str]) -> tuple[str, bool]:
    m = cont.search(line)
    if m is None:
        return line, False
    return line[: m.start()], True


def _heredoc_markers(logical: str) -> list[tuple[int, bool, str, bool]]:
    """heredocsFromLine: every shell word of the form ``[fd]<<[-]NAME`` (NAME may be quoted)."""
    out = []
    for w in _shell_words(logical):
        m = _HEREDOC.match(w.text)
        if not m or not m.group(3):
            continue
        rest = m.group(3)
        words = _shell_words(rest)
        if len(words) != 1:
            continue
        name = _unquote(rest)
        expand = not any(q in rest for q in "'\"")
        out.append((int(m.group(1) or 0), m.group(2) == "-", name, expand))
    return out


def _shell_words(line: str, start: int = 0) -> list[_Word]:
    """Whitespace-separated words with shell quoting (quotes kept), for heredoc detection."""
    words: list[_Word] = []
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i] in _WS:
            i += 1
        if i >= n:
            break
        j = i
        quote = ""
        while j < n and (quote or line[j] not in _WS):
            ch = line[j]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\" and quote == '"':
                    j += 1
            elif ch in "'\"":
                quote = ch
            elif ch == "\\":
                j += 1
            j += 1
        words.append(_Word(line[i : min(j, n)], start + i, start + min(j, n)))
        i = j
    return words


def _unquote(text: str) -> str:
    out = []
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
        elif ch == "\\" and i + 1 < len(text):
            i += 1
            out.append(text[i])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _builder_flags(line: str, pos: int, smap: SourceMap) -> tuple[tuple[Flag, ...], int]:
    """extractBuilderFlags: leading ``--name[=value]`` words; quotes removed, ``\\`` escapes."""
    flags: list[Flag] = []
    n = len(line)
    while True:
        while pos < n and line[pos] in _WS:
            pos += 1
        if pos + 1 >= n or line[pos] != "-" or line[pos + 1] != "-":
            return tuple(flags), pos
        start = pos
        word: list[str] = []
        quote = ""
        blank_ok = False
        while pos < n:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\" and pos + 1 < n:
                    pos += 1
                    word.append(line[pos])
                else:
                    word.append(ch)
                pos += 1
                continue
            if ch in _WS:
                break
            if ch in "'\"":
                quote = ch
                blank_ok = True
            elif ch == "\\":
                if pos + 1 < n:
                    pos += 1
                    word.append(line[pos])
            else:
                word.append(ch)
            pos += 1
        text = "".join(word)
        if text == "--":
            return tuple(flags), pos
        if text or blank_ok:
            name, eq, value = text[2:].partition("=")
            flags.append(Flag(name, value if eq else None, smap.span(start, pos)))


def _parse_words(rest: str, start: int, escape: str) -> list[_Word]:
    """parseWords: split on whitespace, quotes and escapes kept in the words."""
    words: list[_Word] = []
    n = len(rest)
    i = 0
    while i < n:
        while i < n and rest[i].isspace():
            i += 1
        if i >= n:
            break
        j = i
        buf: list[str] = []
        quote = ""
        while j < n:
            ch = rest[j]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == escape and quote != "'":
                    if j + 1 >= n:
                        j += 1
                        break
                    buf.append(ch)
                    j += 1
                    ch = rest[j]
                buf.append(ch)
                j += 1
                continue
            if ch.isspace():
                break
            if ch in "'\"":
                quote = ch
            elif ch == escape:
                if j + 1 >= n:
                    j += 1
                    break
                buf.append(ch)
                j += 1
                ch = rest[j]
            buf.append(ch)
            j += 1
        words.append(_Word("".join(buf), start + i, start + j))
        i = j
    return words


def _words_ws(args: str, start: int, smap: SourceMap) -> list[Located]:
    """parseStringsWhitespaceDelimited: plain whitespace split, no quote handling."""
    return [
        Located(m.group(0), smap.span(start + m.start(), start + m.end()))
        for m in re.finditer(r"[^ \t\n\r\x0b\x0c]+", args)
    ]


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _json_array(args: str, start: int, smap: SourceMap) -> tuple[tuple[Located, ...] | None, bool]:
    """parseJSON: a JSON array of strings -> its elements; (None, False) if not JSON at all;
    (None, True) for a JSON array holding something else than strings (a BuildKit error)."""
    text = args.lstrip(_WS)
    if not text.startswith("["):
        return None, False
    try:
        values = json.loads(text)
    except ValueError:
        return None, False
    if not isinstance(values, list):
        return None, False
    if not all(isinstance(v, str) for v in values):
        return None, True
    offset = start + len(args) - len(text)
    spans = [m.span() for m in _JSON_STRING.finditer(text)]
    out = []
    for k, v in enumerate(values):
        if k < len(spans):
            s, e = spans[k]
            out.append(Located(v, smap.span(offset + s, offset + e)))
        else:
            out.append(Located(v, smap.span(offset, offset + len(text))))
    return tuple(out), False


def _mount(flag: Flag) -> Mount:
    """``--mount`` options are CSV: ``type=cache,target=/root/.cache/pip,sharing=locked``."""
    options: list[tuple[str, str]] = []
    for field in _csv_fields(flag.value or ""):
        key, eq, value = field.partition("=")
        options.append((key.strip().lower(), value.strip() if eq else "true"))
    mount_type = next((v for k, v in options if k == "type"), "bind")
    return Mount(mount_type.lower(), tuple(options), flag.span)


def _csv_fields(text: str) -> list[str]:
    fields, buf, quote = [], [], ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf.append(ch)
        elif ch in "'\"":
            quote = ch
        elif ch == ",":
            fields.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if buf or fields:
        fields.append("".join(buf))
    return [f for f in fields if f]


def parse_image_ref(word: Located, scope: Scope, earlier: list[Stage]) -> ImageRef:
    """Resolve a FROM image through global ARGs and split it by the reference grammar."""
    resolved = substitute(word.text, scope)
    if resolved is None:
        return ImageRef(word, None)
    if resolved == "":
        return ImageRef(word, None)
    lowered = resolved.lower()
    for stage in earlier:
        if stage.name is not None and stage.name.text.lower() == lowered:
            return ImageRef(word, resolved, repository=resolved, stage=stage.number)
    return split_reference(word, resolved)


def split_reference(word: Located, resolved: str) -> ImageRef:
    """``[registry/]repository[:tag][@digest]``; a registry has a dot, a port or is localhost."""
    rest, _, digest = resolved.partition("@")
    registry = None
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry = first
        rest = remainder
    repository, tag = rest, None
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > last_slash:
        repository, tag = rest[:colon], rest[colon + 1 :]
    return ImageRef(
        word, resolved, registry=registry, repository=repository, tag=tag, digest=digest or None
    )


_SHELL_CONTENT = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL", "ONBUILD"})


def _template_marker(logical: str) -> int:
    """Offset of Jinja/Go template syntax outside quotes, or -1.

    ``{{`` inside a RUN is shell text (``helm --template='{{ .Version }}'``) and is fine; on a
    FROM, COPY or ENV line, or as a whole line (``{% if gpu %}``), it means a template.
    """
    stripped = logical.lstrip(_WS)
    if stripped.startswith(("{%", "{{")):
        return len(logical) - len(stripped)
    keyword = stripped.split(None, 1)[0].upper() if stripped else ""
    if keyword in _SHELL_CONTENT:
        return -1
    quote = ""
    for i, ch in enumerate(logical):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "{" and logical[i + 1 : i + 2] in ("{", "%"):
            return i
    return -1


def _with_stage(instr: Instruction, stage: int) -> Instruction:
    return instr._replace(stage=stage)


def _unknown_instruction(word: str) -> str:
    from mllint.spelling import nearest

    close = nearest(word.upper(), sorted(KEYWORDS))
    hint = f" (did you mean {close}?)" if close else ""
    return f"unknown instruction '{word}'{hint}"
