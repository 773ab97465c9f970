"""Tokenizer and light parser for the POSIX-sh scripts of Dockerfile RUN instructions.

Rules need the commands a RUN executes, their words and where each word is, not a full AST.
The parser is a hand-written scanner that is linear in the input, recurses only into nested
scripts (bounded), and never raises: what it cannot read sets ``complete=False`` instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence

from mllint.identity_cache import by_identity
from mllint.model.shell import Command, ShellScript, Word
from mllint.model.span import SourceMap, Span

__all__ = ["Command", "ShellScript", "Word", "effective_argv", "parse_shell", "shell_operand"]


def parse_shell(text: str, source: SourceMap | None = None) -> ShellScript:
    """Parse ``text``; spans go through ``source``, else ``text`` is taken to start at 1:1."""
    if source is not None:
        parser = _Parser(text, source.span, None, 0)
    else:
        lines = _Lines(text)
        parser = _Parser(text, lines.span, None, 0, lines.starts)
    parser.parse()
    return ShellScript(tuple(parser.out), parser.complete)


@by_identity(16384)
def effective_argv(command: Command) -> tuple[Word, ...]:
    """The argv that really runs, looking through ``sudo``, ``env X=1``, ``nice`` and the like.

    ``command -v pip`` only looks a program up, so it yields an empty argv. Cached per command:
    the rules ask for it over a hundred thousand times on a large corpus.
    """
    return command.argv[_command_start(command.argv) :]


# --------------------------------------------------------------------------- wrappers


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Programs that run their arguments as a command: options taking a value, then how many
# positional words come before the command (timeout's duration, gosu's user).
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (
        _names(
            "-u -g -h -p -C -D -r -t -U -T -R --user --group --host --prompt --close-from"
            " --chdir --role --type --other-user --command-timeout --chroot"
        ),
        0,
    ),
    "doas": (_names("-u -C"), 0),
    "env": (_names("-u --unset -C --chdir"), 0),
    "nice": (_names("-n --adjustment"), 0),
    "ionice": (_names("-c -n -p -P -u --class --classdata"), 0),
    "nohup": (frozenset(), 0),
    "time": (_names("-f --format -o --output"), 0),
    "exec": (_names("-a"), 0),
    "command": (frozenset(), 0),
    "stdbuf": (_names("-i -o -e --input --output --error"), 0),
    "timeout": (_names("-s --signal -k --kill-after"), 1),
    "xargs": (
        _names(
            "-a -d -E -I -L -n -P -s --arg-file --delimiter --eof --replace --max-lines"
            " --max-args --max-procs --max-chars --process-slot-var"
        ),
        0,
    ),
    "eatmydata": (frozenset(), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
}


def _basename(word: Word) -> str:
    return word.value.rpartition("/")[2]


def _command_start(argv: tuple[Word, ...]) -> int:
    """Index in ``argv`` of the program that wrapper commands end up running."""
    k = 0
    while k < len(argv):
        name = _basename(argv[k])
        spec = _WRAPPERS.get(name)
        if spec is None:
            return k
        values, positionals = spec
        k += 1
        while k < len(argv):
            v = argv[k].value
            if v == "--":
                k += 1
                break
            if name in ("env", "sudo") and _ASSIGNMENT.match(v):
                k += 1
                continue
            if name == "env" and v == "-":
                k += 1
                continue
            if len(v) < 2 or v[0] != "-":
                break
            if name == "command" and v in ("-v", "-V"):
                return len(argv)
            if v.startswith("--"):
                k += 2 if v in values else 1
                continue
            consumed = 1
            for idx in range(1, len(v)):
                if "-" + v[idx] in values:
                    if idx == len(v) - 1:
                        consumed = 2
                    break
            k += consumed
        k += positionals
    return len(argv)


_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
# Programs whose arguments may hold a script string, checked by name first so that most
# commands pay only a set lookup.
_STRING_RUNNERS = _SHELLS | {"su", "runuser"} | frozenset(_WRAPPERS)


def shell_operand(argv: Sequence[Word]) -> tuple[int, bool]:
    """For ``sh [options] ...``: index of the first operand (``len(argv)`` if none) and
    whether ``-c`` was given, in which case that operand is the script string."""
    seen_c = False
    j = 1
    while j < len(argv):
        v = argv[j].value
        if v == "--":
            return j + 1, seen_c
        if len(v) < 2 or v[0] not in "-+":
            break
        if v.startswith("--"):
            j += 2 if v in ("--rcfile", "--init-file") else 1
            continue
        seen_c = seen_c or (v[0] == "-" and "c" in v)
        j += 1 + v.count("o") + v.count("O")  # -o OPTION, -O SHOPT take a value
    return j, seen_c


def _command_string(argv: tuple[Word, ...]) -> int | None:
    """Index of the script string of ``sh -c STRING`` (or ``su -c STRING``), if any."""
    k = _command_start(argv)
    if k >= len(argv):
        return None
    name = _basename(argv[k])
    if name in _SHELLS:
        j, seen_c = shell_operand(argv[k:])
        return k + j if seen_c and k + j < len(argv) else None
    if name in ("su", "runuser"):
        for j in range(k + 1, len(argv) - 1):
            v = argv[j].value
            if v == "--command" or (len(v) > 1 and v[0] == "-" and v[1] != "-" and v[-1] == "c"):
                return j + 1
    return None


# --------------------------------------------------------------------------- scanning

_BLANKS = re.compile(r"[ \t\r]+")
# The common tokens, matched in C: blanks, then a plain word that ends at a plain boundary,
# a newline, or a control operator. Anything else goes through the hand-written scanner.
_FAST = re.compile(
    r"[ \t\r]*(?:"
    r"([^ \t\r\n;&|<>()'\"\\$`#][^ \t\r\n;&|<>()'\"\\$`]*)(?=[ \t\r\n;&|)]|\Z)"
    r"|(\n)"
    r"|(&&|\|\||;;&|;;|;&|\|&|[;|)]|&(?!>))"
    r")"
)
_PLAIN = re.compile(r"[^ \t\r\n;&|<>()'\"\\$`]+")
# A word of plain characters then one quoted part without escapes or expansions.
_QUOTED = re.compile(
    r"([^ \t\r\n;&|<>()'\"\\$`]*)(?:'([^']*)'|\"([^\"\\$`]*)\")(?=[ \t\r\n;&|)]|\Z)"
)
_DQ_PLAIN = re.compile(r"[^\"\\$`]+")
_ANSI_PLAIN = re.compile(r"[^'\\]+")
_BRACE_PLAIN = re.compile(r"[^\\'\"`${}]+")
_ARITH_PLAIN = re.compile(r"[^\\'\"`$()]+")
_BACKTICK_BODY = re.compile(r"[^`\\]*(?:\\.[^`\\]*)*", re.DOTALL)
_BACKTICK_ESCAPE = re.compile(r"\\[$`\\]")
_DIGITS = re.compile(r"[0-9]+")
_DUP_TARGET = re.compile(r"[0-9]+-?|-")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_HEX2 = re.compile(r"[0-9A-Fa-f]{1,2}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{1,4}")
_HEX8 = re.compile(r"[0-9A-Fa-f]{1,8}")
_OCTAL = re.compile(r"[0-7]{1,3}")

_META = frozenset(" \t\r\n;&|<>()")
_BOUNDARY = " \t\r\n;&|<>()"
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_SPECIAL_PARAMS = frozenset("0123456789@*#?$!-")
_DQ_ESCAPABLE = frozenset('$`"\\')
_ANSI_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
    "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip

# Contexts the skipper tracks while looking for the end of an expansion.
_CMDSUB, _BRACE, _ARITH, _DQUOTE, _BACKTICK = range(5)
# How a skip ended: closed, ran off the end, or `$((` closed by a single `)`.
_CLOSED, _UNTERMINATED, _SHORT = range(3)

_CASE_CONTEXT = frozenset({"then", "do", "else", "elif", "{", "!", "if", "while", "until"})


def _end(pattern: re.Pattern[str], s: str, i: int) -> int:
    """Where a match of ``pattern`` at ``i`` ends (``i`` if none)."""
    m = pattern.match(s, i)
    return m.end() if m else i


def _skip_backtick(s: str, i: int) -> int:
    """Index after the backquote closing a command substitution whose body starts at ``i``."""
    end = _end(_BACKTICK_BODY, s, i)
    return end + 1 if end < len(s) and s[end] == "`" else -1


def _skip_ansi(s: str, i: int) -> int:
    """Index after the quote closing a ``$'...'`` string whose body starts at ``i``."""
    n = len(s)
    while i < n:
        c = s[i]
        if c == "'":
            return i + 1
        i += 2 if c == "\\" else 1
    return -1


def _starts_command(s: str, i: int, lo: int) -> bool:
    """Whether a word at ``i`` is in command position (for ``case`` inside ``$(...)``)."""
    k = i - 1
    while k >= lo and s[k] in " \t\r":
        k -= 1
    if k < lo or s[k] in ";&|(\n":
        return True
    j = k
    while j >= lo and s[j] not in _BOUNDARY:
        j -= 1
    return s[j + 1 : k + 1] in _CASE_CONTEXT


def _skip(
    s: str,
    i: int,
    kind: int,
    literal_quote: bool = False,
    found: list[tuple[int, int, int]] | None = None,
) -> tuple[int, int]:
    """Find the end of an expansion whose body starts at ``i``: ``(index after it, status)``.

    An explicit stack of contexts keeps arbitrarily nested ``$( "${x:-$(y)}" )`` linear and
    free of Python recursion. ``literal_quote`` says single quotes are plain characters (a
    ``${...}`` inside double quotes). ``found`` collects ``(kind, start, end)`` of the command
    substitutions (``_CMDSUB`` or ``_BACKTICK``) not inside another one, as in
    ``${A:-$(id -u)}`` or ``$(( $(nproc) + 1 ))``.
    """
    n = len(s)
    # frame: [kind, paren depth, open case clauses, start, single quotes literal]
    stack = [[kind, 0, 0, i, int(literal_quote)]]
    cmdsubs = int(kind == _CMDSUB)  # command substitution frames on the stack
    while i < n:
        frame = stack[-1]
        k = frame[0]
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            start = i + 1
            i = _skip_backtick(s, start)
            if i < 0:
                return n, _UNTERMINATED
            if found is not None and not cmdsubs:
                found.append((_BACKTICK, start, i - 1))
            continue
        if c == "$" and i + 1 < n:
            d = s[i + 1]
            if d == "(":
                if s.startswith("((", i + 1):
                    stack.append([_ARITH, 0, 0, i + 3, 0])
                    i += 3
                else:
                    stack.append([_CMDSUB, 0, 0, i + 2, 0])
                    cmdsubs += 1
                    i += 2
                continue
            if d == "{":
                literal = k == _DQUOTE or (k == _BRACE and frame[4])
                stack.append([_BRACE, 0, 0, i + 2, int(literal)])
                i += 2
                continue
            if d == "'" and k != _DQUOTE:
                i = _skip_ansi(s, i + 2)
                if i < 0:
                    return n, _UNTERMINATED
                continue
            if d == '"' and k != _DQUOTE:
                stack.append([_DQUOTE, 0, 0, i + 2, 1])
                i += 2
                continue
            i += 1
            continue
        if k == _DQUOTE:
            if c == '"':
                stack.pop()
                i += 1
                if not stack:
                    return i, _CLOSED
                continue
            m = _DQ_PLAIN.match(s, i)
            i = m.end() if m else i + 1
            continue
        if c == '"':
            stack.append([_DQUOTE, 0, 0, i + 1, 1])
            i += 1
            continue
        if c == "'" and not frame[4]:
            j = s.find("'", i + 1)
            if j < 0:
                return n, _UNTERMINATED
            i = j + 1
            continue
        if k == _BRACE:
            if c == "}":
                stack.pop()
                i += 1
                if not stack:
                    return i, _CLOSED
                continue
            m = _BRACE_PLAIN.match(s, i)
            i = m.end() if m else i + 1
            continue
        if c == "(":
            frame[1] += 1
            i += 1
            continue
        if c == ")":
            if frame[1]:
                frame[1] -= 1
                i += 1
                continue
            if k == _ARITH:
                closed = s.startswith(")", i + 1)
                stack.pop()
                i += 2 if closed else 1
                if not stack:
                    return i, _CLOSED if closed else _SHORT
                continue
            if frame[2]:  # a case pattern's `)`
                i += 1
                continue
            stack.pop()
            cmdsubs -= 1
            if found is not None and not cmdsubs:
                found.append((_CMDSUB, frame[3], i))
            i += 1
            if not stack:
                return i, _CLOSED
            continue
        if k == _ARITH:
            m = _ARITH_PLAIN.match(s, i)
            i = m.end() if m else i + 1
            continue
        # command substitution body: shell words, comments, case clauses
        if c in _META:
            i += 1
            continue
        at_start = i == frame[3] or s[i - 1] in _BOUNDARY
        if c == "#" and at_start:
            j = s.find("\n", i)
            i = n if j < 0 else j
            continue
        m = _PLAIN.match(s, i)
        j = m.end() if m else i + 1
        if at_start and (j == n or s[j] in _META):
            word = s[i:j]
            if word == "case" and _starts_command(s, i, frame[3]):
                frame[2] += 1
            elif word == "esac" and frame[2]:
                frame[2] -= 1
        i = j
    return n, _UNTERMINATED


# --------------------------------------------------------------------------- positions


class _Lines:
    """Positions in a text that has no SourceMap: line 1 column 1 at offset 0."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        j = text.find("\n")
        while j >= 0:
            starts.append(j + 1)
            j = text.find("\n", j + 1)
        self.starts = starts

    def span(self, start: int, end: int) -> Span:
        starts = self.starts
        line = bisect_right(starts, start) - 1
        column = start - starts[line] + 1
        if end <= start:
            return Span(line + 1, column, line + 1, column)
        end_line = bisect_right(starts, end - 1) - 1
        return Span(line + 1, column, end_line + 1, end - starts[end_line] + 1)


# --------------------------------------------------------------------------- parser

_Part = tuple[str, int]  # a piece of a word's value and the offset its first char comes from
_Sub = tuple[str, list[_Part]]  # a nested script and where its pieces come from
_Token = tuple[int, int, int, str, Word | None, list[_Sub] | None, list[_Part] | None]
_Locate = Callable[[int, int], Span]

# token kinds
_T_WORD, _T_OP, _T_REDIR, _T_REDIR_FULL, _T_NEWLINE, _T_ARITH = range(6)
# parser modes
_M_CMD, _M_SIMPLE, _M_AFTER, _M_FOR_NAME, _M_FOR_LIST, _M_CASE_WORD, _M_CASE_IN = range(7)
_M_CASE_PAT, _M_FUNC_NAME, _M_FUNC_PARENS = 7, 8, 9
# open compound commands
_F_IF, _F_LOOP, _F_CASE, _F_BRACE, _F_PAREN = range(5)

_RESERVED = _names(
    "if then elif else fi for select in do done while until case esac ! time function { }"
)
_ARITH_AFTER = _names("then do else elif if while until ! time { for")
_PIPES = frozenset({"|", "|&"})
_LIST_SEPARATORS = frozenset({";", "&", "&&", "||"})
_SEPARATORS = frozenset({";", "&", "&&", "||", "|", "|&", "\n"})
_CASE_ENDS = frozenset({";;", ";&", ";;&"})
_REDIRECTS = {
    "<": ("<<<", "<<-", "<<", "<&", "<>", "<"),
    ">": (">>", ">&", ">|", ">"),
}
_OPERATORS = {
    ";": (";;&", ";;", ";&", ";"),
    "&": ("&&", "&>>", "&>", "&"),
    "|": ("||", "|&", "|"),
    "(": ("(",),
    ")": (")",),
}

# Stands for an argument the lexer handed to the parser directly (see ``_Parser.direct``).
_ARGUMENT: _Token = (_T_WORD, 0, 0, "", None, None, None)

_MAX_DEPTH = 8  # nested scripts deeper than this are not parsed (complete=False)


class _Parser:
    """Lexes and parses one script; nested scripts get their own parser one level deeper.

    Offsets are local to ``s``; ``mapping`` (None at the top level) translates them into
    offsets of the original text, which ``locate`` turns into spans.
    """

    def __init__(
        self,
        s: str,
        locate: _Locate,
        mapping: tuple[list[int], list[int]] | None,
        depth: int,
        starts: list[int] | None = None,
    ) -> None:
        self.s = s
        self.n = len(s)
        self.locate = locate
        self.mapping = mapping
        self.depth = depth
        self.starts = starts  # line starts when offsets are positions in a plain text
        self.out: list[Command] = []
        self.complete = True
        self.heredocs: list[tuple[str, bool, bool]] = []  # delimiter, strip tabs, quoted
        # scratch for the word being scanned
        self.w_dynamic = False
        self.w_quoted = False
        self.w_subs: list[_Sub] | None = None
        # the simple command being built; lists are cleared, never replaced
        self.argv: list[Word] = []
        self.argv_starts: list[int] = []  # offset of each argv word
        self.argv_parts: dict[int, list[_Part]] = {}  # value pieces of non-plain argv words
        # While True, the lexer appends plain words straight to ``argv``: the parser is in the
        # middle of a simple command, where a plain word can only be one more argument.
        self.direct = False
        self.assignments: list[Word] = []
        self.redirects: list[Word] = []
        self.sub_tokens: list[_Token] = []
        self.first: tuple[int, Span] | None = None  # earliest assignment/redirect word
        self.last: tuple[int, Span] | None = None  # latest one
        self.pipe_next = False
        self.last_index = -1

    # ------------------------------------------------------------------ positions

    def _top(self, offset: int) -> int:
        assert self.mapping is not None
        locs, tops = self.mapping
        k = max(bisect_right(locs, offset) - 1, 0)
        return tops[k] + offset - locs[k]

    def span(self, start: int, end: int) -> Span:
        if self.mapping is None:
            return self.locate(start, end)
        return self.locate(self._top(start), self._top(end - 1) + 1)

    def compose(self, parts: list[_Part], origin: int) -> tuple[list[int], list[int]]:
        """Mapping for a nested script built from ``parts`` of this one."""
        locs: list[int] = []
        tops: list[int] = []

        def add(local: int, top: int) -> None:
            if not locs or top - tops[-1] != local - locs[-1]:
                locs.append(local)
                tops.append(top)

        v = 0
        for piece, src in parts:
            size = len(piece)
            if not size:
                continue
            if self.mapping is None:
                add(v, src)
            else:
                plocs, ptops = self.mapping
                k = max(bisect_right(plocs, src) - 1, 0)
                add(v, ptops[k] + src - plocs[k])
                k += 1
                while k < len(plocs) and plocs[k] < src + size:
                    add(v + plocs[k] - src, ptops[k])
                    k += 1
            v += size
        if not locs:
            locs.append(0)
            tops.append(origin if self.mapping is None else self._top(origin))
        return locs, tops

    # ------------------------------------------------------------------ lexer

    def tokens(self) -> Iterator[_Token]:
        """The tokens of the script, lexed lazily so that none outlives its use.

        Plain words that can only be further arguments go straight into ``argv`` (see
        ``direct``): most words of most scripts never become a token.
        """
        s, n = self.s, self.n
        argv, argv_starts = self.argv, self.argv_starts
        prev: _Token | None = None
        # Line cursor for the common case (top level, no SourceMap): plain words come in
        # order and hold no newline, so their span needs no search.
        starts = self.starts
        line = 1
        base = -1  # column = offset - base
        next_start = starts[1] if starts is not None and len(starts) > 1 else n + 1
        want_delimiter: bool | None = None  # after `<<` / `<<-`: strip tabs?
        fast = _FAST.match
        i = 0
        while i < n:
            m = fast(s, i) if want_delimiter is None else None
            if m is not None:
                text, _, op = m.groups()  # the middle group is a newline
                i = m.end()
                if text is not None:
                    a = i - len(text)
                    if starts is not None:
                        while a >= next_start:
                            base = next_start - 1
                            next_start = starts[line + 1] if line + 1 < len(starts) else n + 1
                            line += 1
                        span = Span(line, a - base, line, i - base)
                    else:
                        span = self.span(a, i)
                    word = Word(text, text, span, False, False)
                    if self.direct:
                        argv.append(word)
                        argv_starts.append(a)
                        prev = _ARGUMENT
                        continue
                    prev = (_T_WORD, a, i, text, word, None, None)
                elif op is not None:
                    prev = (_T_OP, i - len(op), i, op, None, None, None)
                else:
                    prev = (_T_NEWLINE, i - 1, i, "\n", None, None, None)
                    if self.heredocs:
                        i = self.heredoc_bodies(i)
                self.direct = False
                yield prev
                continue
            c = s[i]
            if c in " \t\r":
                i = _end(_BLANKS, s, i)
                continue
            if c == "\n":
                if want_delimiter is not None:
                    self.complete = False
                    want_delimiter = None
                prev = (_T_NEWLINE, i, i + 1, "\n", None, None, None)
                i += 1
                if self.heredocs:
                    i = self.heredoc_bodies(i)
                self.direct = False
                yield prev
                continue
            if c == "#":
                j = s.find("\n", i)
                i = n if j < 0 else j
                continue
            if c == "\\" and s.startswith("\n", i + 1):
                i += 2
                continue
            if c in "<>":
                tok = self.word(i, i) if s.startswith("(", i + 1) else self.redirect(i, i)
            elif c in _OPERATORS:
                arith = self.arith_command(i, prev) if c == "(" and s.startswith("((", i) else None
                tok = arith if arith is not None else self.operator(i)
            elif c in "0123456789":
                j = _end(_DIGITS, s, i)
                if j < n and s[j] in "<>" and not s.startswith("(", j + 1):
                    tok = self.redirect(i, j)
                else:
                    tok = self.word(i, _end(_PLAIN, s, i))
            else:
                tok = self.word(i, _end(_PLAIN, s, i))
            if want_delimiter is not None:
                if tok[0] == _T_WORD and tok[4] is not None:
                    self.heredocs.append((tok[4].value, want_delimiter, tok[4].quoted))
                else:
                    self.complete = False
                want_delimiter = None
            if tok[0] == _T_REDIR and tok[3] in ("<<", "<<-"):
                want_delimiter = tok[3] == "<<-"
            i = tok[2]
            prev = tok
            self.direct = False
            yield tok
        if want_delimiter is not None or self.heredocs:
            self.complete = False

    def heredoc_bodies(self, i: int) -> int:
        """Skip the bodies of the heredocs opened on the line that just ended."""
        s, n = self.s, self.n
        for delimiter, strip_tabs, quoted in self.heredocs:
            continued = False
            while True:
                if i >= n:
                    self.complete = False
                    break
                j = s.find("\n", i)
                end = n if j < 0 else j
                line = s[i:end]
                i = end + 1
                check = line.lstrip("\t") if strip_tabs else line
                if not continued and check.rstrip("\r") == delimiter:
                    break
                # an unquoted body joins `\`-newline lines, so the next line is no delimiter
                continued = not quoted and (len(line) - len(line.rstrip("\\"))) % 2 == 1
        self.heredocs.clear()
        return min(i, n)

    def operator(self, i: int) -> _Token:
        s = self.s
        for op in _OPERATORS[s[i]]:
            if s.startswith(op, i):
                break
        end = i + len(op)
        if op.startswith("&>"):
            return (_T_REDIR, i, end, op, Word(op, op, self.span(i, end), False, False), None, None)
        return (_T_OP, i, end, op, None, None, None)

    def redirect(self, start: int, i: int) -> _Token:
        """A redirection operator at ``i``, with its file-descriptor number from ``start``."""
        s, n = self.s, self.n
        for op in _REDIRECTS[s[i]]:
            if s.startswith(op, i):
                break
        end = i + len(op)
        kind = _T_REDIR
        if op in ("<&", ">&"):
            m = _DUP_TARGET.match(s, end)
            if m and (m.end() >= n or s[m.end()] in _META):
                end = m.end()
                kind = _T_REDIR_FULL
        text = s[start:end]
        return (
            kind,
            start,
            end,
            op,
            Word(text, text, self.span(start, end), False, False),
            None,
            None,
        )

    def arith_command(self, i: int, prev: _Token | None) -> _Token | None:
        """``(( expr ))`` where a command may start; None when it is really nested subshells."""
        if prev is not None:
            kind, _, _, op, word, _, _ = prev
            at_command = (
                kind == _T_NEWLINE
                or (kind == _T_OP and op != ")")
                or (kind == _T_WORD and word is not None and word.text in _ARITH_AFTER)
            )
            if not at_command:
                return None
        found: list[tuple[int, int, int]] = []
        end, status = _skip(self.s, i + 2, _ARITH, False, found)
        if status == _SHORT:
            return None
        if status == _UNTERMINATED:
            self.complete = False
        self.w_subs = None
        self.add_found(found)
        return (_T_ARITH, i, end, "((", None, self.w_subs, None)

    def word(self, start: int, i: int) -> _Token:
        """The word at ``start``; ``s[start:i]`` is already known to be plain characters."""
        s, n = self.s, self.n
        if i > start and (i == n or (s[i] in _META and s[i] != "(")):
            text = s[start:i]
            return (
                _T_WORD,
                start,
                i,
                text,
                Word(text, text, self.span(start, i), False, False),
                None,
                None,
            )
        m = _QUOTED.match(s, start)
        if m is not None:  # the common quoted word: `'...'`, `"..."`, `--opt="..."`
            prefix, single, double = m.groups()
            inner = single if single is not None else double
            body = m.end() - 1 - len(inner)
            parts: list[_Part] = [(prefix, start), (inner, body)] if prefix else [(inner, body)]
            word = Word(m.group(), prefix + inner, self.span(start, m.end()), False, True)
            return (_T_WORD, start, m.end(), word.text, word, None, parts)
        self.w_dynamic = self.w_quoted = False
        self.w_subs = None
        parts = [(s[start:i], start)] if i > start else []
        if i == start and s[i] in "<>":  # process substitution <(...) / >(...)
            i = self.substitution(i, i + 2, parts)
        while i < n:
            c = s[i]
            if c in _META:
                if c == "(" and _ASSIGNMENT.fullmatch(s, start, i):  # array: a=(1 2)
                    end, status = _skip(s, i + 1, _CMDSUB)
                    if status != _CLOSED:
                        self.complete = False
                    parts.append((s[i:end], i))
                    i = end
                    continue
                break
            if c == "\\":
                if i + 1 >= n:
                    parts.append(("\\", i))
                    i += 1
                elif s[i + 1] == "\n":
                    if i + 2 >= n or s[i + 2] in _META:
                        break  # a trailing continuation separates words
                    i += 2
                else:
                    self.w_quoted = True
                    parts.append((s[i + 1], i + 1))
                    i += 2
            elif c == "'":
                self.w_quoted = True
                j = s.find("'", i + 1)
                if j < 0:
                    self.complete = False
                    parts.append((s[i + 1 :], i + 1))
                    i = n
                else:
                    parts.append((s[i + 1 : j], i + 1))
                    i = j + 1
            elif c == '"':
                self.w_quoted = True
                i = self.double_quoted(i + 1, parts)
            elif c == "`":
                i = self.backtick(i, parts)
            elif c == "$":
                i = self.dollar(i, parts, False)
            else:
                end = _end(_PLAIN, s, i)
                parts.append((s[i:end], i))
                i = end
        text = s[start:i]
        value = "".join(p for p, _ in parts)
        word = Word(text, value, self.span(start, i), self.w_dynamic, self.w_quoted)
        return (_T_WORD, start, i, text, word, self.w_subs, parts)

    def add_sub(self, kind: int, start: int, end: int) -> None:
        """Note the body ``s[start:end]`` of a command substitution for nested parsing."""
        s = self.s
        if kind == _BACKTICK:  # inside backquotes, \$ \` \\ lose their backslash first
            pieces: list[_Part] = []
            pos = start
            for m in _BACKTICK_ESCAPE.finditer(s, start, end):
                pieces.append((s[pos : m.start()], pos))
                pieces.append((s[m.start() + 1], m.start() + 1))
                pos = m.end()
            pieces.append((s[pos:end], pos))
            content = "".join(p for p, _ in pieces)
        else:
            content = s[start:end]
            pieces = [(content, start)]
        if self.w_subs is None:
            self.w_subs = []
        self.w_subs.append((content, pieces))

    def substitution(self, i: int, body: int, parts: list[_Part]) -> int:
        """``$(...)`` (or ``<(...)``) at ``i`` with its body at ``body``: kept raw, noted."""
        s = self.s
        end, status = _skip(s, body, _CMDSUB)
        inner = end - 1 if status == _CLOSED else end
        if status != _CLOSED:
            self.complete = False
        self.w_dynamic = True
        self.add_sub(_CMDSUB, body, inner)
        parts.append((s[i:end], i))
        return end

    def backtick(self, i: int, parts: list[_Part]) -> int:
        s, n = self.s, self.n
        end = _skip_backtick(s, i + 1)
        inner = end - 1
        if end < 0:
            self.complete = False
            end = inner = n
        self.w_dynamic = True
        self.add_sub(_BACKTICK, i + 1, inner)
        parts.append((s[i:end], i))
        return end

    def add_found(self, found: list[tuple[int, int, int]]) -> None:
        for kind, start, end in found:
            self.add_sub(kind, start, end)

    def dollar(self, i: int, parts: list[_Part], in_dq: bool) -> int:
        """Whatever starts with ``$`` at ``i``: expansions are kept as written."""
        s, n = self.s, self.n
        d = s[i + 1] if i + 1 < n else ""
        if d == "(":
            if s.startswith("((", i + 1):
                found: list[tuple[int, int, int]] = []
                end, status = _skip(s, i + 3, _ARITH, False, found)
                if status != _SHORT:
                    if status == _UNTERMINATED:
                        self.complete = False
                    self.w_dynamic = True
                    self.add_found(found)
                    parts.append((s[i:end], i))
                    return end
            return self.substitution(i, i + 2, parts)
        if d == "{":
            found = []
            end, status = _skip(s, i + 2, _BRACE, in_dq, found)
            if status != _CLOSED:
                self.complete = False
            self.w_dynamic = True
            self.add_found(found)
            parts.append((s[i:end], i))
            return end
        if not in_dq and d == "'":
            self.w_quoted = True
            return self.ansi_c(i + 2, parts)
        if not in_dq and d == '"':
            self.w_quoted = True
            return self.double_quoted(i + 2, parts)
        if d in _NAME_START:
            end = _end(_NAME, s, i + 1)
        elif d and d in _SPECIAL_PARAMS:
            end = i + 2
        else:
            parts.append(("$", i))
            return i + 1
        self.w_dynamic = True
        parts.append((s[i:end], i))
        return end

    def double_quoted(self, i: int, parts: list[_Part]) -> int:
        s, n = self.s, self.n
        while i < n:
            m = _DQ_PLAIN.match(s, i)
            if m:
                parts.append((m.group(), i))
                i = m.end()
                continue
            c = s[i]
            if c == '"':
                return i + 1
            if c == "\\":
                d = s[i + 1] if i + 1 < n else ""
                if d == "\n":
                    i += 2
                elif d in _DQ_ESCAPABLE:
                    parts.append((d, i + 1))
                    i += 2
                else:
                    parts.append(("\\", i))
                    i += 1
            elif c == "`":
                i = self.backtick(i, parts)
            else:
                i = self.dollar(i, parts, True)
        self.complete = False
        return n

    def ansi_c(self, i: int, parts: list[_Part]) -> int:
        """Decode a ``$'...'`` body; an escape's characters map to its backslash."""
        s, n = self.s, self.n
        while i < n:
            c = s[i]
            if c == "'":
                return i + 1
            if c != "\\":
                end = _end(_ANSI_PLAIN, s, i)
                parts.append((s[i:end], i))
                i = end
                continue
            d = s[i + 1] if i + 1 < n else ""
            if not d:
                break
            if d in _ANSI_ESCAPES:
                parts.append((_ANSI_ESCAPES[d], i))
                i += 2
                continue
            m: re.Match[str] | None = None
            if d in "xuU":
                m = {"x": _HEX2, "u": _HEX4, "U": _HEX8}[d].match(s, i + 2)
                code = int(m.group(), 16) if m else -1
            elif d in "01234567":
                m = _OCTAL.match(s, i + 1)
                code = int(m.group(), 8) if m else -1
            elif d == "c" and i + 2 < n:
                parts.append((chr(ord(s[i + 2]) & 0x1F), i))
                i += 3
                continue
            else:
                code = -1
            if m and 0 <= code <= 0x10FFFF:
                parts.append((chr(code), i))
                i = m.end()
            else:
                parts.append((s[i : i + 2], i))
                i += 2
        self.complete = False
        return n

    # ------------------------------------------------------------------ parser

    def nested(self, content: str, parts: list[_Part], origin: int) -> None:
        """Parse a nested script one level deeper and append its commands."""
        if self.depth >= _MAX_DEPTH:
            self.complete = False
            return
        child = _Parser(content, self.locate, self.compose(parts, origin), self.depth + 1)
        child.parse()
        self.out.extend(child.out)
        self.complete = self.complete and child.complete

    def emit_subs(self, tok: _Token) -> None:
        for content, parts in tok[5] or ():
            self.nested(content, parts, tok[1])

    def add_argument(self, word: Word, tok: _Token) -> None:
        self.argv.append(word)
        self.argv_starts.append(tok[1])
        if tok[6] is not None:
            self.argv_parts[len(self.argv) - 1] = tok[6]
        if tok[5]:
            self.sub_tokens.append(tok)

    def add(self, target: list[Word], word: Word, tok: _Token) -> None:
        """Add an assignment or redirection word."""
        target.append(word)
        if self.first is None:
            self.first = (tok[1], word.span)
        self.last = (tok[1], word.span)
        if tok[5]:
            self.sub_tokens.append(tok)

    def finish(self, pipe_out: bool) -> bool:
        """Close the simple command being built; False if there was none."""
        argv = self.argv
        first, last = self.first, self.last
        if argv:
            start = argv[0].span
            end = argv[-1].span
            if first is not None and last is not None:
                if first[0] < self.argv_starts[0]:
                    start = first[1]
                if last[0] > self.argv_starts[-1]:
                    end = last[1]
        elif first is not None and last is not None:
            start, end = first[1], last[1]
        else:
            return False
        words = tuple(argv)
        out = self.out
        out.append(
            Command(
                words,
                tuple(self.assignments) if first is not None else (),
                tuple(self.redirects) if first is not None else (),
                start
                if start is end
                else Span(start.line, start.column, end.end_line, end.end_column),
                self.pipe_next,
                pipe_out,
                self.depth,
            )
        )
        self.last_index = len(out) - 1
        self.pipe_next = False
        script = None
        if argv and argv[0].value.rpartition("/")[2] in _STRING_RUNNERS:
            script = _command_string(words)
        if self.sub_tokens or script is not None:
            # nested commands in source order; the script string's own substitutions are
            # found again when the string itself is parsed
            script_start = self.argv_starts[script] if script is not None else -1
            for tok in self.sub_tokens:
                if script is not None and tok[1] > script_start:
                    self.nested_string(script)
                    script = None
                if tok[1] != script_start:
                    self.emit_subs(tok)
            if script is not None:
                self.nested_string(script)
            self.sub_tokens.clear()
        argv.clear()
        self.argv_starts.clear()
        if self.argv_parts:
            self.argv_parts.clear()
        if first is not None:
            self.assignments.clear()
            self.redirects.clear()
            self.first = self.last = None
        return True

    def nested_string(self, index: int) -> None:
        """Parse the script of ``sh -c STRING`` (``argv[index]``), mapped through its parts."""
        value = self.argv[index].value
        start = self.argv_starts[index]
        self.nested(value, self.argv_parts.get(index) or [(value, start)], start)

    def reset(self) -> None:
        self.argv.clear()
        self.argv_starts.clear()
        self.argv_parts.clear()
        self.assignments.clear()
        self.redirects.clear()
        self.sub_tokens.clear()
        self.first = self.last = None

    def op_word(self, tok: _Token) -> Word:
        if tok[4] is not None:
            return tok[4]
        text = self.s[tok[1] : tok[2]]
        return Word(text, text, self.span(tok[1], tok[2]), False, False)

    def parse(self) -> None:
        """One state machine over the tokens; compound commands only keep a stack of frames."""
        argv = self.argv
        stack: list[int] = []
        mode = _M_CMD
        dangling = False  # after && || |: a command must follow
        target: bool | None = None  # a redirection target is due; for the current command?
        dbracket = False
        after_time = False
        pattern = False  # a case pattern has started
        function = False  # `name (` was read: `)` makes it a function definition
        for tok in self.tokens():
            kind, _, _, op, word, _, _ = tok
            if function:
                function = False
                if op == ")" and kind == _T_OP:
                    self.reset()  # name() body: the body is what runs
                    mode = _M_CMD
                    continue
                self.finish(False)
                self.complete = False
                stack.append(_F_PAREN)
                mode = _M_CMD
            elif mode == _M_FUNC_PARENS:  # function NAME [()] body
                mode = _M_CMD
                if kind == _T_OP and op == "(":
                    mode = _M_FUNC_PARENS
                    continue
                if kind == _T_OP and op == ")":
                    continue
            if mode == _M_SIMPLE and target is None and not dbracket:  # the common case, first
                if word is not None and kind == _T_WORD and argv:
                    self.add_argument(word, tok)
                    self.direct = True
                    continue
                if kind == _T_NEWLINE or (kind == _T_OP and op in _LIST_SEPARATORS):
                    self.finish(False)
                    self.pipe_next = False
                    dangling = op in ("&&", "||")
                    mode = _M_CMD
                    continue
            if target is not None:
                target_for_command = target
                target = None
                if word is not None and kind == _T_WORD:
                    if target_for_command:
                        self.add(self.redirects, word, tok)
                    else:
                        self.emit_subs(tok)
                    continue
                self.complete = False
            if dbracket:
                if kind != _T_NEWLINE:
                    w = self.op_word(tok)
                    self.add_argument(w, tok)
                    dbracket = w.text != "]]"
                continue
            if word is not None and kind == _T_WORD:
                text = word.text
                if mode in (_M_CMD, _M_AFTER):
                    if after_time and text == "-p":
                        continue
                    after_time = False
                    if text in _RESERVED:
                        mode = self.reserved(text, stack)
                        after_time = text == "time"
                        dangling = dangling and text in ("!", "time")
                        continue
                    if mode == _M_AFTER:
                        self.complete = False
                    mode = _M_SIMPLE
                    dangling = False
                    dbracket = text == "[["
                elif mode == _M_FOR_NAME:
                    mode = _M_FOR_LIST
                    continue
                elif mode in (_M_FOR_LIST, _M_CASE_WORD):
                    self.emit_subs(tok)
                    if mode == _M_CASE_WORD:
                        mode = _M_CASE_IN
                    continue
                elif mode == _M_CASE_IN:
                    if text == "in":
                        mode = _M_CASE_PAT
                    else:
                        self.complete = False
                    continue
                elif mode == _M_CASE_PAT:
                    if text == "esac" and not pattern:
                        self.pop(stack, _F_CASE)
                        mode = _M_AFTER
                    else:
                        pattern = True
                        self.emit_subs(tok)
                    continue
                elif mode == _M_FUNC_NAME:
                    mode = _M_FUNC_PARENS
                    continue
                if not argv and _ASSIGNMENT.match(text):
                    self.add(self.assignments, word, tok)
                else:
                    self.add_argument(word, tok)
                    self.direct = not dbracket
                continue
            after_time = False
            if word is not None:  # a redirection operator
                if mode in (_M_CMD, _M_SIMPLE):
                    mode = _M_SIMPLE
                    dangling = False
                    self.add(self.redirects, word, tok)
                    if kind == _T_REDIR:
                        target = True
                elif mode == _M_AFTER:
                    if kind == _T_REDIR:
                        target = False
                else:
                    self.complete = False
                continue
            if kind == _T_ARITH:
                self.emit_subs(tok)
                if mode == _M_FOR_NAME:
                    mode = _M_FOR_LIST
                elif mode in (_M_CMD, _M_AFTER):
                    mode = _M_AFTER
                    dangling = False
                else:
                    self.complete = False
                continue
            # operators and newlines
            if mode == _M_CASE_PAT:
                if op == ")":
                    mode = _M_CMD
                    pattern = False
                elif op not in ("\n", "|", "("):
                    self.complete = False
                continue
            if mode in (_M_CASE_WORD, _M_CASE_IN):
                if op != "\n":
                    self.complete = False
                continue
            if mode in (_M_FOR_NAME, _M_FOR_LIST, _M_FUNC_NAME):
                if op not in (";", "\n") or mode == _M_FUNC_NAME:
                    self.complete = False
                mode = _M_CMD
                continue
            if op in _SEPARATORS:
                piped = op in _PIPES
                created = self.finish(piped)
                if op == "\n" and mode == _M_CMD:
                    continue
                if piped:
                    if not created and mode == _M_AFTER and self.last_index >= 0:
                        p = self.out[self.last_index]
                        self.out[self.last_index] = Command(
                            p.argv, p.assignments, p.redirects, p.span, p.pipe_in, True, p.depth
                        )
                    self.pipe_next = True
                else:
                    self.pipe_next = self.pipe_next and mode == _M_CMD
                if op in ("&&", "||", "|", "|&"):
                    if mode == _M_CMD:
                        self.complete = False
                    dangling = True
                mode = _M_CMD
            elif op in _CASE_ENDS:
                self.finish(False)
                if stack and stack[-1] == _F_CASE:
                    mode = _M_CASE_PAT
                    pattern = False
                else:
                    self.complete = False
                    mode = _M_CMD
            elif op == "(":
                if mode == _M_SIMPLE and len(argv) == 1 and not self.first:
                    function = True
                    continue
                if mode != _M_CMD:
                    self.finish(False)
                    self.complete = False
                stack.append(_F_PAREN)
                mode = _M_CMD
                dangling = False
            else:  # ")"
                self.finish(False)
                self.pop(stack, _F_PAREN)
                mode = _M_AFTER
        self.finish(False)
        if (
            function
            or stack
            or dangling
            or dbracket
            or target is not None
            or mode not in (_M_CMD, _M_SIMPLE, _M_AFTER)
        ):
            self.complete = False

    def reserved(self, text: str, stack: list[int]) -> int:
        """Apply a reserved word in command position; returns the next mode."""
        if text in ("if", "while", "until", "{"):
            stack.append({"if": _F_IF, "{": _F_BRACE}.get(text, _F_LOOP))
            return _M_CMD
        if text in ("for", "select"):
            stack.append(_F_LOOP)
            return _M_FOR_NAME
        if text == "case":
            stack.append(_F_CASE)
            return _M_CASE_WORD
        if text in ("then", "elif", "else", "do"):
            if not stack or stack[-1] != (_F_LOOP if text == "do" else _F_IF):
                self.complete = False
            return _M_CMD
        closes = {"fi": _F_IF, "done": _F_LOOP, "esac": _F_CASE, "}": _F_BRACE}.get(text)
        if closes is not None:
            self.pop(stack, closes)
            return _M_AFTER
        if text == "function":
            return _M_FUNC_NAME
        if text == "in":  # only reserved after for/case, handled by their modes
            self.complete = False
        return _M_CMD

    def pop(self, stack: list[int], frame: int) -> None:
        if stack and stack[-1] == frame:
            stack.pop()
            return
        self.complete = False
        if frame in stack:
            while stack.pop() != frame:
                pass
