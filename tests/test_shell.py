"""The RUN-script shell parser: words, exact spans, operators, nesting, and never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mllint.model.span import SourceMap, Span
from mllint.parsers.shell import Command, ShellScript, Word, effective_argv, parse_shell


def argvs(script: ShellScript) -> list[list[str]]:
    return [[w.value for w in c.argv] for c in script.commands]


def only(text: str) -> Command:
    script = parse_shell(text)
    assert script.complete, text
    assert len(script.commands) == 1, argvs(script)
    return script.commands[0]


def word(text: str) -> Word:
    """The single argument of ``echo ARG``."""
    script = parse_shell(f"echo {text}")
    assert script.complete
    echo = script.commands[0]
    assert len(echo.argv) == 2
    return echo.argv[1]


def at(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


def source_slice(text: str, span: Span) -> str:
    """The characters of ``text`` a span covers (for spans made without a SourceMap)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    start = starts[span.line - 1] + span.column - 1
    end = starts[span.end_line - 1] + span.end_column - 1
    return text[start:end]


# ----------------------------------------------------------------------------- spans


def test_spans_without_source_map_are_columns_of_line_one() -> None:
    cmd = only("apt-get  install -y  curl")
    assert [at(w.span) for w in cmd.argv] == [
        (1, 1, 1, 8),
        (1, 10, 1, 17),
        (1, 18, 1, 20),
        (1, 22, 1, 26),
    ]
    assert at(cmd.span) == (1, 1, 1, 26)


def test_newlines_advance_the_line() -> None:
    script = parse_shell("echo a\n  echo 'b\nc' d")
    first, second = script.commands
    assert at(first.argv[1].span) == (1, 6, 1, 7)
    assert at(second.argv[0].span) == (2, 3, 2, 7)
    assert at(second.argv[1].span) == (2, 8, 3, 3)  # a quoted newline inside the word
    assert at(second.argv[2].span) == (3, 4, 3, 5)


def two_line_source() -> tuple[str, SourceMap]:
    """``RUN apt-get update && \\`` / ``    pip install "torch==2.3"`` joined as BuildKit does."""
    first = "apt-get update && "
    second = '    pip install "torch==2.3"'
    smap = SourceMap()
    smap.add(0, 1, 5, len(first))
    smap.add(len(first), 2, 1, len(second))
    return first + second, smap


def test_spans_go_through_the_source_map() -> None:
    text, smap = two_line_source()
    script = parse_shell(text, smap)
    update, pip = script.commands
    assert [at(w.span) for w in update.argv] == [(1, 5, 1, 12), (1, 13, 1, 19)]
    assert [at(w.span) for w in pip.argv] == [(2, 5, 2, 8), (2, 9, 2, 16), (2, 17, 2, 29)]
    assert pip.argv[2].text == '"torch==2.3"'
    assert pip.argv[2].value == "torch==2.3"
    assert at(pip.span) == (2, 5, 2, 29)


def test_a_word_split_by_a_dockerfile_continuation_spans_both_lines() -> None:
    smap = SourceMap()
    smap.add(0, 1, 5, 11)  # "apt-get ins" then `\` at the end of line 1
    smap.add(11, 2, 1, 4)  # "tall"
    cmd = parse_shell("apt-get install", smap).commands[0]
    assert at(cmd.argv[1].span) == (1, 13, 2, 5)


def test_shell_continuation_between_and_inside_words() -> None:
    text = "apt-get \\\n  install x\\\ny"
    cmd = only(text)
    assert [w.value for w in cmd.argv] == ["apt-get", "install", "xy"]
    assert at(cmd.argv[1].span) == (2, 3, 2, 10)
    assert cmd.argv[2].text == "x\\\ny"
    assert at(cmd.argv[2].span) == (2, 11, 3, 2)


# ----------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a && b", [["a"], ["b"]]),
        ("a || b", [["a"], ["b"]]),
        ("a ; b", [["a"], ["b"]]),
        ("a;b", [["a"], ["b"]]),
        ("a & b", [["a"], ["b"]]),
        ("a\nb\n\n", [["a"], ["b"]]),
        ("a | b", [["a"], ["b"]]),
        ("a |& b", [["a"], ["b"]]),
        ("(a; b) && c", [["a"], ["b"], ["c"]]),
        ("{ a; b; } || c", [["a"], ["b"], ["c"]]),
        ("a&&b||c", [["a"], ["b"], ["c"]]),
        ("a &&\n  b", [["a"], ["b"]]),
        ("a # comment && b\nc", [["a"], ["c"]]),
        ("# only a comment", []),
        ("echo a#b", [["echo", "a#b"]]),
        ("echo {a,b} x{ }", [["echo", "{a,b}", "x{", "}"]]),
    ],
)
def test_operators_split_commands(text: str, expected: list[list[str]]) -> None:
    script = parse_shell(text)
    assert script.complete
    assert argvs(script) == expected


def test_pipes() -> None:
    script = parse_shell("curl -fsSL u | tar xz && ls || true")
    curl, tar, ls, true = script.commands
    assert (curl.pipe_in, curl.pipe_out) == (False, True)
    assert (tar.pipe_in, tar.pipe_out) == (True, False)
    assert not any((ls.pipe_in, ls.pipe_out, true.pipe_in, true.pipe_out))
    assert script.has_pipe


def test_or_is_not_a_pipe_and_nested_pipes_are_not_top_level() -> None:
    assert not parse_shell("a || b").has_pipe
    script = parse_shell("echo $(a | b)")
    assert not script.has_pipe
    assert [c.pipe_out for c in script.commands] == [False, True, False]


def test_pipe_after_a_compound_command_marks_its_last_command() -> None:
    script = parse_shell("a | while read l; do echo $l; done | sort")
    a, read, echo, sort = script.commands
    assert all((a.pipe_out, read.pipe_in, echo.pipe_out, sort.pipe_in))


# ----------------------------------------------------------------------------- quoting


@pytest.mark.parametrize(
    ("text", "value", "dynamic", "quoted"),
    [
        ("plain", "plain", False, False),
        ("'single $x'", "single $x", False, True),
        ('"double $x"', "double $x", True, True),
        ('"a\\"b\\$c\\\\d\\e"', 'a"b$c\\d\\e', False, True),
        ("a'b'\"c\"", "abc", False, True),
        ("\\$HOME", "$HOME", False, True),
        ("$'a\\nb\\x41\\'c'", "a\nbA'c", False, True),
        ('$"locale"', "locale", False, True),
        ("$HOME/bin", "$HOME/bin", True, False),
        ("${A:-${B}}", "${A:-${B}}", True, False),
        ("${x:-{a}b}", "${x:-{a}b}", True, False),
        ("$((1 + (2 * 3)))", "$((1 + (2 * 3)))", True, False),
        ('"$(echo ")")"', '$(echo ")")', True, True),
        ("`date`", "`date`", True, False),
        ("'$(not run)'", "$(not run)", False, True),
        ("price$", "price$", False, False),
        ("$1$@", "$1$@", True, False),
        ('"line\\\njoined"', "linejoined", False, True),
    ],
)
def test_word_values(text: str, value: str, dynamic: bool, quoted: bool) -> None:
    w = word(text)
    assert w.text == text
    assert w.value == value
    assert w.dynamic is dynamic
    assert w.quoted is quoted
    assert at(w.span) == (1, 6, *divmod_span(text))


def divmod_span(text: str) -> tuple[int, int]:
    """End line and column of a word that starts at column 6 of ``echo WORD``."""
    lines = text.split("\n")
    if len(lines) == 1:
        return 1, 6 + len(text)
    return len(lines), len(lines[-1]) + 1


def test_unterminated_quotes_are_incomplete_but_keep_what_was_read() -> None:
    for text in ["echo 'abc", 'echo "abc', "echo `abc", "echo $(abc", "echo ${abc", "echo $'a"]:
        script = parse_shell(text)
        assert not script.complete, text
        assert script.commands[0].argv[0].value == "echo"


@pytest.mark.parametrize(
    "text",
    ["(a", "a)", "{ a;", "if a; then b", "for x in a; do b", "a &&", "a |", "case x in a) b;;",
     "while a; do b; fi", "echo a >", "cat <<", "cat <<EOF\nbody", "f() {", "[[ -f x"],
)  # fmt: skip
def test_unreadable_scripts_are_incomplete(text: str) -> None:
    assert not parse_shell(text).complete


# ----------------------------------------------------------------------------- substitutions


def test_command_substitutions_are_nested_commands() -> None:
    script = parse_shell('echo "$(date +%s)" `whoami` ${A:-$(id -u)} && ls')
    assert argvs(script) == [
        ["echo", "$(date +%s)", "`whoami`", "${A:-$(id -u)}"],
        ["date", "+%s"],
        ["whoami"],
        ["id", "-u"],
        ["ls"],
    ]
    assert [c.depth for c in script.commands] == [0, 1, 1, 1, 0]
    date = script.commands[1]
    assert at(date.argv[0].span) == (1, 9, 1, 13)
    assert at(date.span) == (1, 9, 1, 17)


def test_nested_substitutions_and_quotes_inside() -> None:
    script = parse_shell("""x=$(echo "$(cat 'a b')" | tr ')' x)""")
    assert script.complete
    assert argvs(script) == [[], ["echo", "$(cat 'a b')"], ["cat", "a b"], ["tr", ")", "x"]]
    assert [c.depth for c in script.commands] == [0, 1, 2, 1]
    assert script.commands[0].assignments[0].value == """x=$(echo "$(cat 'a b')" | tr ')' x)"""


def test_substitutions_inside_arithmetic_and_parameter_expansions() -> None:
    script = parse_shell('make -j$(( $(nproc) + 1 )) "${CC:-`which gcc`}" && (( n = $(id -u) ))')
    assert script.complete
    assert argvs(script)[1:] == [["nproc"], ["which", "gcc"], ["id", "-u"]]
    assert [c.depth for c in script.commands] == [0, 1, 1, 1]


def test_case_inside_command_substitution() -> None:
    script = parse_shell("arch=$(case $(uname -m) in x86_64) echo amd64;; esac) && echo $arch")
    assert script.complete
    assert argvs(script)[1:] == [["uname", "-m"], ["echo", "amd64"], ["echo", "$arch"]]


def test_backtick_escapes_are_removed_before_nesting() -> None:
    script = parse_shell("echo `echo \\$HOME`")
    assert argvs(script) == [["echo", "`echo \\$HOME`"], ["echo", "$HOME"]]


def test_process_substitution_is_a_dynamic_word_with_a_nested_command() -> None:
    script = parse_shell("diff <(sort a) >(cat)")
    assert argvs(script) == [["diff", "<(sort a)", ">(cat)"], ["sort", "a"], ["cat"]]
    assert script.commands[0].argv[1].dynamic


# ----------------------------------------------------------------------------- nested scripts


@pytest.mark.parametrize(
    "prefix", ["sh -c", "bash -c", "bash -ec", "bash -xc", "bash -lc", "dash -euxo pipefail -c",
               "/bin/sh -c", "sudo -u root sh -c", "su -c", "zsh -c --"],
)  # fmt: skip
def test_shell_c_strings_are_parsed_one_level_deeper(prefix: str) -> None:
    script = parse_shell(f"{prefix} 'apt-get update && apt-get install -y x'")
    assert script.complete
    outer, update, install = script.commands
    assert outer.depth == 0
    assert (update.depth, install.depth) == (1, 1)
    assert [w.value for w in install.argv] == ["apt-get", "install", "-y", "x"]
    start = len(prefix) + 3  # after the prefix, a space and the opening quote
    assert at(update.argv[0].span) == (1, start, 1, start + 7)
    assert at(install.argv[3].span) == (1, start + 37, 1, start + 38)


def test_shell_c_string_with_escapes_maps_to_the_right_place() -> None:
    text = 'bash -c "pip install \\"torch==2.3\\" && echo \\$HOME"'
    script = parse_shell(text)
    _, pip, echo = script.commands
    assert pip.argv[2].value == "torch==2.3"
    assert source_slice(text, pip.argv[2].span) == '"torch==2.3\\"'
    assert echo.argv[1].value == "$HOME"
    assert source_slice(text, echo.argv[1].span) == "$HOME"


def test_shell_c_string_over_two_physical_lines() -> None:
    first = 'sh -c "apt-get update && '
    second = '      pip install torch"'
    smap = SourceMap()
    smap.add(0, 1, 5, len(first))
    smap.add(len(first), 2, 1, len(second))
    script = parse_shell(first + second, smap)
    assert [c.depth for c in script.commands] == [0, 1, 1]
    assert at(script.commands[1].argv[0].span) == (1, 12, 1, 19)
    assert at(script.commands[2].argv[2].span) == (2, 19, 2, 24)


def test_nested_shell_inside_heredoc_and_substitution_depths() -> None:
    script = parse_shell("""sh -c "echo \\$(bash -c 'id -u')" """)
    assert [(c.name, c.depth) for c in script.commands] == [
        ("sh", 0), ("echo", 1), ("bash", 2), ("id", 3),
    ]  # fmt: skip


def test_a_shell_running_a_file_is_not_nested() -> None:
    assert argvs(parse_shell("bash -e script.sh 'not parsed'")) == [
        ["bash", "-e", "script.sh", "not parsed"]
    ]
    assert len(parse_shell("sh -c").commands) == 1


# ----------------------------------------------------------------------------- heredocs


def test_heredoc_bodies_are_not_commands() -> None:
    text = "cat <<EOF > /etc/conf\nrm -rf /\n$(not a command)\nEOF\necho done"
    script = parse_shell(text)
    assert script.complete
    cat, echo = script.commands
    assert [w.text for w in cat.redirects] == ["<<", "EOF", ">", "/etc/conf"]
    assert at(echo.argv[0].span) == (5, 1, 5, 5)


def test_heredoc_variants() -> None:
    text = (
        "cat <<-'END' | sh\n\tnot run\n\tEND\n"
        'python3 - <<"PY"\nprint(1)\nPY\n'
        "cat <<A <<B\na\nA\nb\nB\n"
        "cat <<E\nline \\\nE\nE\n"  # a continued line is not the delimiter
        "ls"
    )
    script = parse_shell(text)
    assert script.complete
    assert [c.name for c in script.commands] == ["cat", "sh", "python3", "cat", "cat", "ls"]


def test_here_string_is_a_redirect() -> None:
    cmd = only("grep x <<< 'a b'")
    assert [w.value for w in cmd.argv] == ["grep", "x"]
    assert [w.value for w in cmd.redirects] == ["<<<", "a b"]


# ----------------------------------------------------------------------------- redirections


def test_redirections_are_not_arguments() -> None:
    cmd = only(
        "DEBIAN_FRONTEND=noninteractive cmd a >/dev/null 2>&1 b >> log 2> err &>all < in >| f"
    )
    assert [w.text for w in cmd.argv] == ["cmd", "a", "b"]
    assert [w.text for w in cmd.assignments] == ["DEBIAN_FRONTEND=noninteractive"]
    assert [w.text for w in cmd.redirects] == [
        ">", "/dev/null", "2>&1", ">>", "log", "2>", "err", "&>", "all", "<", "in", ">|", "f",
    ]  # fmt: skip
    assert at(cmd.span) == (1, 1, 1, 85)
    assert at(cmd.redirects[2].span) == (1, 49, 1, 53)


def test_file_descriptor_duplication_is_one_word() -> None:
    cmd = only("echo oops >&2 3<&- 1>&2")
    assert [w.text for w in cmd.argv] == ["echo", "oops"]
    assert [w.text for w in cmd.redirects] == [">&2", "3<&-", "1>&2"]
    assert [w.text for w in only("cmd >& log").redirects] == [">&", "log"]


def test_assignments_only_lead_the_command() -> None:
    cmd = only("A=1 B+=2 arr[0]=3 cmd C=4")
    assert [w.text for w in cmd.assignments] == ["A=1", "B+=2", "arr[0]=3"]
    assert [w.text for w in cmd.argv] == ["cmd", "C=4"]
    bare, pwd = parse_shell("X=$(pwd)").commands
    assert bare.argv == ()
    assert bare.name == ""
    assert (pwd.name, pwd.depth) == ("pwd", 1)
    arrays = parse_shell("a=(1 'two' $(three)) ; echo")
    assert arrays.complete
    assert [w.text for w in arrays.commands[0].assignments] == ["a=(1 'two' $(three))"]


def test_name_and_args() -> None:
    cmd = only("/usr/bin/pip3 install x")
    assert cmd.name == "pip3"
    assert [w.value for w in cmd.args()] == ["install", "x"]


# ----------------------------------------------------------------------------- reserved words


def test_if_while_until_and_negation() -> None:
    text = "if ! command -v pip; then apt-get install -y pip; elif true; then :; else exit 1; fi"
    script = parse_shell(text)
    assert script.complete
    assert argvs(script) == [
        ["command", "-v", "pip"], ["apt-get", "install", "-y", "pip"], ["true"], [":"],
        ["exit", "1"],
    ]  # fmt: skip
    loops = parse_shell("while read x; do echo $x; done < f\nuntil false; do break; done")
    assert loops.complete
    assert argvs(loops) == [["read", "x"], ["echo", "$x"], ["false"], ["break"]]


def test_for_clause_yields_no_command() -> None:
    script = parse_shell("for p in numpy $(cat extra.txt); do pip install $p; done")
    assert script.complete
    assert argvs(script) == [["cat", "extra.txt"], ["pip", "install", "$p"]]
    arith = parse_shell("for ((i = 0; i < 3; i++)); do echo $i; done")
    assert arith.complete
    assert argvs(arith) == [["echo", "$i"]]


def test_case_arms_are_parsed() -> None:
    text = 'case "$(uname -m)" in\n  x86_64|amd64) A=x;;\n  (arm*) echo arm ;;\n  *) exit 1\nesac'
    script = parse_shell(text)
    assert script.complete
    assert argvs(script) == [["uname", "-m"], [], ["echo", "arm"], ["exit", "1"]]


def test_function_definitions_yield_their_body() -> None:
    script = parse_shell('install() { pip install "$@"; }\nfunction clean { rm -rf x; }\ninstall a')
    assert script.complete
    assert argvs(script) == [["pip", "install", "$@"], ["rm", "-rf", "x"], ["install", "a"]]
    assert argvs(parse_shell("function f() ( ls )")) == [["ls"]]


def test_time_groups_and_arithmetic() -> None:
    script = parse_shell("time -p make; { cd /x && make; }; (( n++ )); [[ $a < b && -f c ]] && ok")
    assert script.complete
    assert argvs(script) == [
        ["make"], ["cd", "/x"], ["make"], ["[[", "$a", "<", "b", "&&", "-f", "c", "]]"], ["ok"],
    ]  # fmt: skip


def test_reserved_words_are_arguments_after_a_command() -> None:
    assert argvs(parse_shell("echo if then fi done { }")) == [
        ["echo", "if", "then", "fi", "done", "{", "}"]
    ]


def test_quoted_reserved_word_is_a_command() -> None:
    assert argvs(parse_shell("'if' x")) == [["if", "x"]]


# ----------------------------------------------------------------------------- effective argv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sudo -E -u root pip install x", ["pip", "install", "x"]),
        ("env -i FOO=1 BAR=2 pip install x", ["pip", "install", "x"]),
        ("nice -n 10 ionice -c2 nohup make", ["make"]),
        ("timeout -s KILL 30 curl u", ["curl", "u"]),
        ("gosu app python app.py", ["python", "app.py"]),
        ("xargs -r -n 1 pip install", ["pip", "install"]),
        ("command -v pip", []),
        ("sudo", []),
        ("pip install x", ["pip", "install", "x"]),
    ],
)
def test_effective_argv_looks_through_wrappers(text: str, expected: list[str]) -> None:
    assert [w.value for w in effective_argv(only(text))] == expected


# ----------------------------------------------------------------------------- robustness


def test_deep_nesting_is_cut_off_not_crashed() -> None:
    text = "echo " + "$(echo " * 50 + ")" * 50
    script = parse_shell(text)
    assert not script.complete
    assert 1 < len(script.commands) <= 10


def test_ten_thousand_commands_parse() -> None:
    text = "\n".join(f"apt-get install -y pkg{i} && echo {i}" for i in range(5000))
    assert len(parse_shell(text).commands) == 10000


@pytest.mark.parametrize(
    "unit", ["$(", "((", "(( a)", "$((a) ", "${", "`", "a=(", "cat <<E\n", "$(case x in a) ",
             "sh -c '", "if ", "[[ ", "f() { ", '"$(', "\\\n"],
)  # fmt: skip
def test_adversarial_inputs_end(unit: str) -> None:
    """Unterminated constructs repeated thousands of times end without an exception. How the
    time grows with them is measured by bench/linearity.py, not here."""
    script = parse_shell(unit * 8000)
    assert len(script.commands) >= 0


SHELLISH = [*" \t\n\\'\"$`(){}[];&|<>#=-!*~a0c1",
            "$(", "${", "$((", "))", "<<", "<<-", "EOF", "case", "esac", "in", "do", "done",
            "for", "if", "then", "fi", "sh -c ", "bash -c '", "$'", "\\\n", "2>&1", "<(", ";;",
            "[[", "]]", "function", "curl -fsSL u | sh", "pip install -r "]  # fmt: skip


def check_spans(text: str, script: ShellScript) -> None:
    lines = text.count("\n") + 1
    for cmd in script.commands:
        for w in (*cmd.assignments, *cmd.argv, *cmd.redirects):
            assert 1 <= w.span.line <= w.span.end_line <= lines
            assert w.span.column >= 1
            assert w.span.end_column >= 1
            if cmd.depth == 0:
                assert source_slice(text, w.span) == w.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_parses_within_bounds(text: str) -> None:
    check_spans(text, parse_shell(text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SHELLISH), max_size=60).map("".join))
def test_shellish_text_parses_within_bounds(text: str) -> None:
    check_spans(text, parse_shell(text))


# Well-formed scripts built from a small grammar, with the simple commands they must yield.
NAMES = ["ls", "echo", "pip", "apt-get", "/bin/true"]
ARGS = [("a", "a"), ("-y", "-y"), ("'q r'", "q r"), ('"d q"', "d q"), ("x=1", "x=1"),
        ("fi", "fi"), ("{", "{"), ("a\\ b", "a b"), ("$HOME", "$HOME")]  # fmt: skip
Script = tuple[str, list[list[str]]]
simple_commands = st.tuples(
    st.sampled_from(NAMES), st.lists(st.sampled_from(ARGS), max_size=3)
).map(lambda t: (" ".join([t[0]] + [a for a, _ in t[1]]), [[t[0]] + [v for _, v in t[1]]]))


def _sh_c(c: Script) -> Script:
    if "'" in c[0]:
        return c
    return f"sh -c '{c[0]}'", [["sh", "-c", c[0]], *c[1]]


def _joined(pair: tuple[Script, Script, str]) -> Script:
    (left, left_commands), (right, right_commands), operator = pair
    return f"{left}{operator}{right}", left_commands + right_commands


def compound(children: st.SearchStrategy[Script]) -> st.SearchStrategy[Script]:
    two = st.tuples(children, children)
    operators = st.sampled_from([" && ", " || ", " | ", "; ", "\n", " & "])
    return st.one_of(
        st.tuples(children, children, operators).map(_joined),
        children.map(lambda c: (f"( {c[0]} )", c[1])),
        children.map(lambda c: (f"{{ {c[0]}; }}", c[1])),
        two.map(lambda p: (f"if {p[0][0]}; then {p[1][0]}; fi", p[0][1] + p[1][1])),
        st.tuples(children, children, children).map(
            lambda p: (
                f"if {p[0][0]}\nthen {p[1][0]}\nelse {p[2][0]}\nfi",
                p[0][1] + p[1][1] + p[2][1],
            )
        ),
        two.map(lambda p: (f"while {p[0][0]}; do {p[1][0]}; done", p[0][1] + p[1][1])),
        children.map(lambda c: (f"for i in a 'b c'; do {c[0]}; done", c[1])),
        children.map(lambda c: (f"case $x in a|b) {c[0]};; *) ;; esac", c[1])),
        children.map(lambda c: (f"f() {{ {c[0]}; }}", c[1])),
        children.map(lambda c: (f"! {c[0]}", c[1])),
        children.map(lambda c: (f"{c[0]} > /dev/null 2>&1", c[1])),
        children.map(_sh_c),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(simple_commands, compound, max_leaves=10))
def test_well_formed_scripts_yield_their_commands(script: Script) -> None:
    text, expected = script
    parsed = parse_shell(text)
    assert parsed.complete
    assert argvs(parsed) == expected
    check_spans(text, parsed)
