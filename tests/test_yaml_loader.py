"""The Compose YAML loader: go-yaml v3 scalars, exact spans, anchors, merges, limits, no crash."""

from __future__ import annotations

import math
import re
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mllint.model.span import Span
from mllint.model.yaml import (
    YamlProblem,
    YMap,
    YNode,
    YScalar,
    YSeq,
    node_at_path,
    to_python,
)
from mllint.parsers.yaml_loader import _Builder, is_timestamp, load_yaml

PATH = "compose.yaml"
FATAL = {"syntax", "too-deep", "too-many-aliases"}
LOADERS = [pytest.param(yaml.SafeLoader, id="pure")]
if getattr(yaml, "CSafeLoader", None) is not None:
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))
_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def load(
    text: str, loader: type | None = None, **limits: int
) -> tuple[YNode | None, list[YamlProblem]]:
    if loader is None:
        return load_yaml(text, PATH, **limits)  # type: ignore[arg-type]
    return _Builder(text, PATH, limits.get("max_nodes", 200_000), limits.get("max_depth", 500)).run(
        loader
    )


def root_map(text: str, loader: type | None = None) -> YMap:
    root, problems = load(text, loader)
    assert problems == []
    assert isinstance(root, YMap)
    return root


def lines_of(text: str) -> list[str]:
    return _BREAK.split(text)


def cut(text: str, span: Span) -> str:
    """The text a span covers (YAML's line breaks)."""
    lines = lines_of(text)
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1 :]]
    parts += lines[span.line : span.end_line - 1]
    parts.append(lines[span.end_line - 1][: span.end_column - 1])
    return "\n".join(parts)


def walk(root: YNode | None) -> list[YNode]:
    """Every node, keys included (iterative; shared nodes once)."""
    out: list[YNode] = []
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        if isinstance(node, YMap):
            for k, v in node.items:
                stack += [k, v]
        elif isinstance(node, YSeq):
            stack += node.items
    return out


def assert_span_inside(text: str, span: Span) -> None:
    lines = lines_of(text)
    assert 1 <= span.line <= len(lines), (span, len(lines))
    assert 1 <= span.end_line <= len(lines), (span, len(lines))
    assert 1 <= span.column <= len(lines[span.line - 1]) + 1, span
    assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1, span
    assert (span.line, span.column) <= (span.end_line, span.end_column), span


def check_invariants(text: str, root: YNode | None, problems: list[YamlProblem]) -> None:
    if root is None and problems:
        assert len(problems) == 1 and problems[0].kind in FATAL, problems
    for p in problems:
        assert p.path == PATH and p.message
        assert_span_inside(text, p.span)
    for node in walk(root):
        assert node.path == PATH
        assert_span_inside(text, node.span)


# ---- spans -------------------------------------------------------------------------------


@pytest.mark.parametrize("loader", LOADERS)
def test_exact_spans_of_keys_and_scalars(loader: type) -> None:
    text = (
        "services:\n"
        "  train:\n"
        "    image: 'pytorch/pytorch:2.3'\n"
        '    command: "python train.py"\n'
        "    shm_size: 8g\n"
        "    entrypoint: a long\n"
        "      plain value\n"
        "    healthcheck: {test: [CMD, true]}\n"
    )
    root = root_map(text, loader)
    services = root.get("services")
    assert isinstance(services, YMap)
    assert root.key_node("services") is not None
    assert root.key_node("services").span == Span(1, 1, 1, 9)  # type: ignore[union-attr]
    train = services.get("train")
    assert isinstance(train, YMap)
    assert services.key_node("train").span == Span(2, 3, 2, 8)  # type: ignore[union-attr]
    assert train.span == Span(3, 5, 8, 37)
    image = train.get("image")
    assert isinstance(image, YScalar)
    assert image.span == Span(3, 12, 3, 33) and image.style == "'"
    assert cut(text, image.span) == "'pytorch/pytorch:2.3'"
    assert image.text == image.value == "pytorch/pytorch:2.3"
    command = train.get("command")
    assert isinstance(command, YScalar) and command.style == '"'
    assert cut(text, command.span) == '"python train.py"'
    shm = train.get("shm_size")
    assert isinstance(shm, YScalar) and shm.span == Span(5, 15, 5, 17)
    entry = train.get("entrypoint")
    assert isinstance(entry, YScalar)
    assert entry.text == "a long plain value"
    assert entry.span == Span(6, 17, 7, 18)
    hc = train.get("healthcheck")
    assert isinstance(hc, YMap) and cut(text, hc.span) == "{test: [CMD, true]}"
    test = hc.get("test")
    assert isinstance(test, YSeq) and cut(text, test.span) == "[CMD, true]"
    assert [to_python(x) for x in test.items] == ["CMD", True]
    assert train.keys() == ["image", "command", "shm_size", "entrypoint", "healthcheck"]


@pytest.mark.parametrize("loader", LOADERS)
def test_block_scalar_span_ends_at_its_last_character(loader: type) -> None:
    text = "a: |\n  line one\n  line two\n\n\nb: >-\r\n  folded\r\n  text\r\n\r\nc: 1\n"
    root = root_map(text, loader)
    a, b = root.get("a"), root.get("b")
    assert isinstance(a, YScalar) and isinstance(b, YScalar)
    assert a.style == "|" and a.value == "line one\nline two\n"
    assert a.span == Span(1, 4, 3, 11)
    assert b.style == ">" and b.value == "folded text"
    assert b.span == Span(6, 4, 8, 7)


@pytest.mark.parametrize("loader", LOADERS)
def test_anchor_and_tag_are_not_part_of_the_span(loader: type) -> None:
    text = "x: &img !!str  python:3.11\ny: &m\n  # comment\n  k: v\nz: !reset\nw: *img\n"
    root = root_map(text, loader)
    x = root.get("x")
    assert isinstance(x, YScalar) and x.tag == "!!str" and cut(text, x.span) == "python:3.11"
    y = root.get("y")
    assert isinstance(y, YMap) and y.span == Span(4, 3, 4, 7)
    z = root.get("z")
    assert isinstance(z, YScalar) and z.tag == "!reset" and z.value == ""
    assert cut(text, z.span) == "!reset"  # nothing follows the tag: the tag is the node
    assert root.get("w") is x
    assert root.span == Span(1, 1, 6, 8)


@pytest.mark.parametrize("loader", LOADERS)
def test_empty_values_have_empty_spans_after_the_colon(loader: type) -> None:
    root = root_map("a:\nb:   # nothing\nc: [ ]\n", loader)
    a, b, c = (root.get(k) for k in "abc")
    assert isinstance(a, YScalar) and a.value is None and a.span == Span(1, 3, 1, 3)
    assert isinstance(b, YScalar) and b.value is None and b.span == Span(2, 3, 2, 3)
    assert isinstance(c, YSeq) and c.items == () and c.span == Span(3, 4, 3, 7)


def test_columns_count_characters_and_a_bom() -> None:
    text = "\ufeffa: é😀x\nb: 1\n"
    root = root_map(text)
    a = root.get("a")
    assert isinstance(a, YScalar)
    assert root.key_node("a").span == Span(1, 2, 1, 3)  # type: ignore[union-attr]
    assert a.span == Span(1, 5, 1, 8) and cut(text, a.span) == "é😀x"


def test_unicode_line_separators_end_lines_as_in_yaml() -> None:
    text = "a: 1\x85b: 2\u2028c: 3\r\nd: 4\re: 5"
    root = root_map(text)
    assert [root.key_node(k).span.line for k in "abcde"] == [1, 2, 3, 4, 5]  # type: ignore[union-attr]


# ---- scalars -------------------------------------------------------------------------------


SCALARS = [
    ("yes", "yes"),
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("NO", "NO"),
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("false", False),
    ("FALSE", False),
    ("tRUE", "tRUE"),
    ("~", None),
    ("null", None),
    ("Null", None),
    ("NULL", None),
    ("", None),
    ("nULL", "nULL"),
    ("22:22", "22:22"),
    ("1:2:3", "1:2:3"),
    ("0777", 511),
    ("0o17", 15),
    ("0O17", 15),
    ("0x1F", 31),
    ("-0x1F", -31),
    ("0b101", 5),
    ("012", 10),
    ("08", 8.0),
    ("0", 0),
    ("-0", 0),
    ("+12", 12),
    ("1_000", 1000),
    ("9223372036854775807", 9223372036854775807),
    ("9223372036854775808", 9223372036854775808),  # ParseUint
    ("18446744073709551616", 1.8446744073709552e19),  # beyond uint64: a float
    ("-9223372036854775809", -9.223372036854776e18),
    ("0x", "0x"),
    ("0x1G", "0x1G"),
    ("1__2", 12),
    ("_1", "_1"),
    ("1e3", 1000.0),
    ("1.5", 1.5),
    ("3.10", 3.1),
    ("1.", 1.0),
    (".5", 0.5),
    ("-.5", -0.5),
    ("+1.5e-3", 0.0015),
    ("1e400", "1e400"),
    (".5_0", ".5_0"),
    ("1_0.5", 10.5),
    (".inf", math.inf),
    ("-.Inf", -math.inf),
    ("+.INF", math.inf),
    ("inf", "inf"),
    ("Infinity", "Infinity"),
    (".", "."),
    ("-x", "-x"),
    ("+", "+"),
    ("2024-01-01", "2024-01-01"),
    ("12:30:00", "12:30:00"),
    ("1.2.3", "1.2.3"),
    ("v1", "v1"),
    ("8000/tcp", "8000/tcp"),
    ("٣", "٣"),
]


@pytest.mark.parametrize(("written", "expected"), SCALARS)
@pytest.mark.parametrize("loader", LOADERS)
def test_plain_scalars_resolve_like_go_yaml_v3(
    written: str, expected: object, loader: type
) -> None:
    root = root_map(f"k: {written}\n", loader)
    node = root.get("k")
    assert isinstance(node, YScalar)
    assert node.text == written
    assert node.value == expected and type(node.value) is type(expected)


def test_huge_numbers_do_not_hit_pythons_digit_limit() -> None:
    node = root_map("k: " + "1" * 5000 + "\nh: 0x" + "0" * 5000 + "1\n")
    assert node.get("k") == YScalar("1" * 5000, "1" * 5000, "", None, Span(1, 4, 1, 5004), PATH)
    h = node.get("h")
    assert isinstance(h, YScalar) and h.value == 1


def test_nan() -> None:
    for written in (".nan", ".NaN", ".NAN"):
        node = root_map(f"k: {written}").get("k")
        assert isinstance(node, YScalar) and isinstance(node.value, float)
        assert math.isnan(node.value)


@pytest.mark.parametrize(
    ("written", "expected", "tag"),
    [
        ('"true"', "true", None),
        ("'0777'", "0777", None),
        ('"~"', "~", None),
        ("|\n  1\n", "1\n", None),
        ("!!str 1", "1", "!!str"),
        ("!!str true", "true", "!!str"),
        ('!!int "12"', 12, "!!int"),
        ("!!int 0x10", 16, "!!int"),
        ("!!float 1", 1.0, "!!float"),
        ("!!float 2.5", 2.5, "!!float"),
        ("!!bool true", True, "!!bool"),
        ("!!null ''", None, "!!null"),
        ("! 12", 12, "!"),
        ('! "12"', "12", "!"),
        ("!<tag:yaml.org,2002:str> 5", "5", "!!str"),
        ("!reset 12", "12", "!reset"),
        ("!override true", "true", "!override"),
        ("!custom x", "x", "!custom"),
    ],
)
def test_quoted_block_and_tagged_scalars(written: str, expected: object, tag: str | None) -> None:
    node = root_map(f"k: {written}").get("k")
    assert isinstance(node, YScalar)
    assert node.value == expected and type(node.value) is type(expected)
    assert node.tag == tag


@pytest.mark.parametrize(
    "written", ["!!int abc", "!!int 1.5", "!!bool yes", "!!null 0", "!!float x", "!!int ''"]
)
def test_a_tag_that_does_not_fit_is_a_problem_and_the_text_is_kept(written: str) -> None:
    text = f"k: {written}\n"
    root, problems = load(text)
    assert isinstance(root, YMap)
    node = root.get("k")
    assert isinstance(node, YScalar) and node.value == node.text
    assert [p.kind for p in problems] == ["bad-tag"]
    assert problems[0].span == node.span


@pytest.mark.parametrize(
    ("written", "expected"),
    [  # as the compose 2.40.3 binary reads them in `environment`
        ("2024-01-01T10:00:00", False),
        ("2024-1-1", True),
        ("2024-02-30", False),
        ("2023-02-29", False),
        ("2024-02-29", True),
        ("2024-01-01 10:00:00", True),
        ("2024-01-01t10:00:00Z", True),
        ("2024-01-01T10:00:00+01:00", True),
        ("2024-1-1 1:2:3", True),
        ("2024-01-01 10:00:00Z", False),
        ("2024-01-01T10:00:00.123Z", True),
        ("2024-01-01T10:00:00,5Z", True),
        ("2024-13-01", False),
        ("2024-01-01T24:00:00Z", False),
        ("02024-01-01", False),
        ("2024-01-01T10:00:00.Z", False),
        ("2024-01-01  10:00:00", True),
        ("2024-01-1T1:1:1Z", True),
        ("2024-01-01T10:00:60Z", False),
        ("'2024-01-01'", False),
        ("!!str 2024-01-01", False),
        ("!!timestamp '2024-01-01'", True),
    ],
)
def test_go_yaml_timestamps_are_strings_that_can_be_recognised(
    written: str, expected: bool
) -> None:
    node = root_map(f"k: {written}\n").get("k")
    assert isinstance(node, YScalar) and isinstance(node.value, str)
    assert is_timestamp(node) is expected


# ---- keys --------------------------------------------------------------------------------


def test_non_string_keys_use_their_text() -> None:
    root = root_map("1: a\ntrue: b\n~: c\n0x10: d\n")
    assert root.keys() == ["1", "true", "~", "0x10"]
    assert root.get("1") is not None
    k = root.key_node("1")
    assert isinstance(k, YScalar) and k.value == 1
    assert to_python(root) == {"1": "a", "true": "b", "~": "c", "0x10": "d"}


def test_a_collection_as_key_is_dropped_with_a_problem() -> None:
    text = "? [a, b]\n: 1\n? {x: 1}\n: 2\nc: 3\n"
    root, problems = load(text)
    assert isinstance(root, YMap) and root.keys() == ["c"]
    assert [p.kind for p in problems] == ["bad-key", "bad-key"]
    assert problems[0].span == Span(1, 3, 1, 9)
    assert "a list is used as a key at the top level" in problems[0].message


# ---- anchors and aliases -----------------------------------------------------------------


def test_alias_is_the_anchored_node_with_its_span() -> None:
    text = (
        "x-env: &env\n"
        "  TZ: UTC\n"
        "services:\n"
        "  a:\n"
        "    environment: *env\n"
        "  b:\n"
        "    environment: *env\n"
    )
    root = root_map(text)
    env = root.get("x-env")
    a = node_at_path(root, ["services", "a", "environment"])
    b = node_at_path(root, ["services", "b", "environment"])
    assert a is env and b is env
    assert isinstance(env, YMap) and env.span == Span(2, 3, 2, 10)
    data = to_python(root)
    assert isinstance(data, dict)
    assert data["services"]["a"]["environment"] is data["x-env"]  # shared, not copied
    services = root.get("services")
    assert isinstance(services, YMap) and services.span == Span(4, 3, 7, 22)


def test_anchor_redefinition_and_scope_per_document() -> None:
    root = root_map("a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
    assert to_python(root) == {"a": 1, "b": 1, "c": 2, "d": 2}
    root2, problems = load("a: &x 1\n---\nb: *x\n")
    assert root2 is None and problems[0].kind == "syntax"
    assert "*x" in problems[0].message and problems[0].span == Span(3, 4, 3, 6)


@pytest.mark.parametrize("text", ["a: *nope\n", "a: &a [1, *a]\n", "a: &a {b: *a}\n"])
def test_unknown_and_recursive_aliases_are_syntax_problems(text: str) -> None:
    root, problems = load(text)
    assert root is None and [p.kind for p in problems] == ["syntax"]
    assert problems[0].span.line == 1


# ---- merge keys --------------------------------------------------------------------------


def test_merge_single_mapping_explicit_keys_win_wherever_written() -> None:
    text = (
        "x-base: &base\n"
        "  image: base:1\n"
        "  restart: always\n"
        "  shm_size: 1g\n"
        "svc:\n"
        "  image: mine:2\n"
        "  <<: *base\n"
        "  shm_size: 8g\n"
    )
    root = root_map(text)
    svc = root.get("svc")
    assert isinstance(svc, YMap)
    assert svc.keys() == ["image", "restart", "shm_size"]  # merged entries where << was
    assert to_python(svc) == {"image": "mine:2", "restart": "always", "shm_size": "8g"}
    restart = svc.get("restart")
    assert isinstance(restart, YScalar) and restart.span == Span(3, 12, 3, 18)
    assert svc.key_node("restart").span == Span(3, 3, 3, 10)  # type: ignore[union-attr]
    base = root.get("x-base")
    assert isinstance(base, YMap) and svc.get("restart") is base.get("restart")


def test_merge_list_earlier_mapping_wins_and_inline_mappings_work() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b, {w: 3, x: 3}]\n  z: 0\n"
    c = root_map(text).get("c")
    assert to_python(c) == {"x": 1, "y": 1, "w": 3, "z": 0}
    assert isinstance(c, YMap) and c.keys() == ["x", "y", "w", "z"]


def test_nested_merges_resolve_inside_out() -> None:
    text = (
        "base: &base {a: 1, b: 1}\n"
        "mid: &mid\n"
        "  <<: *base\n"
        "  b: 2\n"
        "  c: 2\n"
        "top:\n"
        "  <<: *mid\n"
        "  c: 3\n"
    )
    root = root_map(text)
    assert to_python(root.get("mid")) == {"a": 1, "b": 2, "c": 2}
    assert to_python(root.get("top")) == {"a": 1, "b": 2, "c": 3}


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    root = root_map('a: {x: 1}\nb:\n  "<<": {x: 1}\n')
    b = root.get("b")
    assert isinstance(b, YMap) and b.keys() == ["<<"]


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("1", "not a number"),
        ("~", "not null"),
        ("[1, {a: 1}]", "lists a number as item 1"),
        ("'str'", "not a string"),
        ("[[a]]", "lists a list as item 1"),
    ],
)
def test_bad_merge(value: str, what: str) -> None:
    text = f"svc:\n  image: x\n  <<: {value}\n"
    root, problems = load(text)
    assert isinstance(root, YMap)
    assert [p.kind for p in problems] == ["bad-merge"]
    assert what in problems[0].message and "in svc" in problems[0].message
    assert problems[0].span == Span(3, 3, 3, 5)
    svc = root.get("svc")
    assert isinstance(svc, YMap)
    keys = svc.keys()
    assert "image" in keys and "<<" not in keys


def test_two_merge_keys_are_a_duplicate_as_in_compose() -> None:
    text = "a: &a {x: 1}\nb: &b {y: 1}\nc:\n  <<: *a\n  <<: *b\n"
    root, problems = load(text)
    assert [p.kind for p in problems] == ["duplicate-key"]
    assert "more than one merge key '<<' in c" in problems[0].message
    assert problems[0].span == Span(5, 3, 5, 5)
    assert isinstance(root, YMap) and to_python(root.get("c")) == {"x": 1}


# ---- duplicate keys ----------------------------------------------------------------------


def test_duplicate_key_keeps_the_first_and_names_its_line() -> None:
    text = "services:\n  train:\n    image: a:1\n    command: x\n    image: b:2\n"
    root, problems = load(text)
    assert isinstance(root, YMap)
    assert problems == [
        YamlProblem(
            "duplicate-key",
            "duplicate key 'image' in services.train (first defined on line 3); "
            "Compose rejects the file",
            Span(5, 5, 5, 10),
            PATH,
        )
    ]
    assert to_python(node_at_path(root, ["services", "train", "image"])) == "a:1"


def test_duplicates_in_flow_and_by_text() -> None:
    _, problems = load("a: {x: 1, x: 2}\n")
    assert [p.kind for p in problems] == ["duplicate-key"]
    assert "line 1, column 5" in problems[0].message and problems[0].span == Span(1, 11, 1, 12)
    _, problems = load('1: a\n"1": b\n')
    assert [p.kind for p in problems] == ["duplicate-key"]
    _, problems = load("l:\n  - {a: 1}\n  - {a: 2, a: 3}\n")
    assert "in l[1]" in problems[0].message


def test_overriding_a_merged_key_is_not_a_duplicate() -> None:
    root, problems = load("b: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n")
    assert problems == []
    assert isinstance(root, YMap) and to_python(root.get("c")) == {"x": 2}


# ---- !reset / !override ------------------------------------------------------------------


def test_reset_and_override_tags_are_kept_on_any_node() -> None:
    text = (
        "services:\n"
        "  app:\n"
        "    ports: !override\n"
        "      - 8000:8000\n"
        "    environment: !reset {}\n"
        "    command: !reset null\n"
        "    labels: !override {a: b}\n"
    )
    app = node_at_path(root_map(text), ["services", "app"])
    assert isinstance(app, YMap)
    ports, env, command, labels = (
        app.get(k) for k in ("ports", "environment", "command", "labels")
    )
    assert isinstance(ports, YSeq) and ports.tag == "!override"
    assert ports.span == Span(4, 7, 4, 18)
    assert isinstance(env, YMap) and env.tag == "!reset" and env.span == Span(5, 25, 5, 27)
    assert isinstance(command, YScalar) and command.tag == "!reset"
    assert command.value == "null" and command.span == Span(6, 21, 6, 25)
    assert isinstance(labels, YMap) and labels.tag == "!override"


# ---- limits ------------------------------------------------------------------------------


def billion_laughs() -> str:
    lines = ["a0: &a0 [lol]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("loader", LOADERS)
def test_billion_laughs_is_rejected_fast(loader: type) -> None:
    text = billion_laughs()
    assert len(text) < 650
    start = time.perf_counter()
    root, problems = load(text, loader)
    assert time.perf_counter() - start < 0.5
    assert root is None
    assert [p.kind for p in problems] == ["too-many-aliases"]
    assert "alias bomb" in problems[0].message
    assert cut(text, problems[0].span).startswith("*a")


def test_alias_budget_counts_expanded_size() -> None:
    # Each *a adds 5 nodes. 7 nodes are written before the list of aliases (a, the list and
    # its 4 items, b), so aliases may add max(max_nodes, 10 x 7) nodes: the 15th is refused.
    text = "a: &a [1, 2, 3, 4]\nb: [" + ", ".join(["*a"] * 20) + "]\n"
    assert load(text, max_nodes=100)[1] == []
    root, problems = load(text, max_nodes=14)
    assert root is None and problems[0].kind == "too-many-aliases"
    assert problems[0].span == Span(2, 5 + 14 * 4, 2, 7 + 14 * 4)
    assert "more than 70 nodes" in problems[0].message
    root, problems = load(text, max_nodes=84)
    assert problems[0].span == Span(2, 5 + 16 * 4, 2, 7 + 16 * 4)  # the 17th: 85 > 84


def test_honest_big_files_with_anchors_load() -> None:
    head = "x-c: &c\n  restart: always\n  logging: {driver: json-file, options: {a: b}}\n"
    body = "".join(f"  s{i}:\n    <<: *c\n    image: img{i}\n    x: *c\n" for i in range(3000))
    root, problems = load(head + "services:\n" + body)
    assert problems == []
    services = node_at_path(root, ["services"])
    assert isinstance(services, YMap) and len(services.items) == 3000


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("kind", ["flow", "block-map", "block-seq"])
def test_deep_nesting_is_too_deep_not_a_recursion_error(kind: str, loader: type) -> None:
    # PyYAML's pure scanner is quadratic in flow depth (up to its 1024-character lookahead)
    depth = 5000 if loader is not yaml.SafeLoader or kind != "flow" else 600
    if kind == "flow":
        text = "[" * depth + "]" * depth
    elif kind == "block-map":
        text = "".join(" " * i + "a:\n" for i in range(depth))
    else:
        text = "".join(" " * i + "-\n" for i in range(depth))
    start = time.perf_counter()
    root, problems = load(text, loader)
    assert time.perf_counter() - start < 2
    assert root is None and [p.kind for p in problems] == ["too-deep"]
    check_invariants(text, root, problems)


def test_depth_limit_is_exact_and_counts_aliases() -> None:
    assert load("[" * 500 + "]" * 500)[1] == []
    assert load("[" * 501 + "]" * 501)[1][0].kind == "too-deep"
    nested = "[" * 300 + "]" * 300
    text = f"a: &a {nested}\nb: " + "[" * 250 + "*a" + "]" * 250 + "\n"
    root, problems = load(text)
    assert root is None and problems[0].kind == "too-deep" and "*a" in problems[0].message
    assert load(text, max_depth=600)[1] == []
    deep = load("[" * 499 + "]" * 499)[0]
    assert isinstance(to_python(deep), list)  # the helpers are iterative too


# ---- syntax errors -----------------------------------------------------------------------


@pytest.mark.parametrize("loader", LOADERS)
def test_tab_indentation(loader: type) -> None:
    root, problems = load("services:\n\tapp:\n\t\timage: x\n", loader)
    assert root is None
    assert problems == [
        YamlProblem(
            "syntax",
            "a tab character is used for indentation; YAML allows only spaces there",
            Span(2, 1, 2, 2),
            PATH,
        )
    ]


@pytest.mark.parametrize("loader", LOADERS)
def test_unclosed_quote_points_at_the_opening_quote(loader: type) -> None:
    root, problems = load('a: 1\nb: "never closed\nc: 3\n', loader)
    assert root is None
    assert problems == [
        YamlProblem(
            "syntax", 'the string opened with " on line 2 is never closed', Span(2, 4, 2, 5), PATH
        )
    ]


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a:\n  b: 1\n c: 2\n", 3, "indentation"),
        ("a: b: c\n", 1, "':'"),
        ("a: [1, 2\nb: 3\n", 2, "unclosed"),
        ("a: `x`\n", 1, "quote the value"),
        ("a: 1\n\x07b: 2\n", 2, "U+0007"),
        ("a: x\ud800\n", 1, "U+D800"),
    ],
)
def test_other_syntax_errors(text: str, line: int, words: str, loader: type) -> None:
    root, problems = load(text, loader)
    assert root is None and len(problems) == 1
    assert problems[0].kind == "syntax"
    assert problems[0].span.line == line
    assert words in problems[0].message
    check_invariants(text, root, problems)


# ---- documents ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n  # another\n", "\ufeff"])
def test_empty_files(text: str) -> None:
    assert load(text) == (None, [])


@pytest.mark.parametrize("text", ["---\n", "--- # nothing\n...\n", "~\n"])
def test_an_explicitly_empty_document_is_a_null_root(text: str) -> None:
    # Compose 2.40: "top-level object must be a mapping", not "empty compose file"
    root, problems = load(text)
    assert problems == [] and isinstance(root, YScalar) and root.value is None


def test_multiple_documents_first_is_used() -> None:
    text = "services: {a: {image: x}}\n---\nservices: {b: {image: y}}\n---\nz: 1\n"
    root, problems = load(text)
    assert to_python(root) == {"services": {"a": {"image": "x"}}}
    assert [p.kind for p in problems] == ["multiple-documents"]
    assert "merges each later document" in problems[0].message
    assert problems[0].span == Span(2, 1, 2, 4)


def test_a_leading_separator_is_one_document_and_a_trailing_one_an_empty_second() -> None:
    root, problems = load("---\nservices: {}\n...\n# done\n")
    assert problems == [] and to_python(root) == {"services": {}}
    root, problems = load("---\nservices: {}\n--- # end\n")
    assert to_python(root) == {"services": {}}
    assert [p.kind for p in problems] == ["multiple-documents"]
    assert "an empty YAML document" in problems[0].message  # Compose refuses this file
    assert problems[0].span == Span(3, 1, 3, 4)


def test_non_mapping_roots_are_returned_as_they_are() -> None:
    root, problems = load("- a\n- b\n")
    assert problems == [] and isinstance(root, YSeq)
    root, problems = load("just text\n")
    assert problems == [] and isinstance(root, YScalar) and root.value == "just text"


# ---- helpers -------------------------------------------------------------------------------


def test_node_at_path() -> None:
    root = root_map("s:\n  a:\n    ports: ['80:80', '443:443']\n  '1': {x: y}\n")
    assert to_python(node_at_path(root, ["s", "a", "ports", 1])) == "443:443"
    assert to_python(node_at_path(root, ["s", 1, "x"])) == "y"
    assert node_at_path(root, ["s", "a", "ports", 2]) is None
    assert node_at_path(root, ["s", "missing"]) is None
    assert node_at_path(root, ["s", "a", "ports", "0"]) is None
    assert node_at_path(root, []) is root
    assert to_python(None) is None


def test_a_typical_file_loads_quickly() -> None:
    service = (
        "  svc{i}:\n    <<: *common\n    image: reg/model-{i}:1.0\n"
        "    ports: ['127.0.0.1:80{i:02d}:8000']\n    environment:\n      <<: *env\n"
        "      MODEL: m{i}\n    command: >\n      python -m serve\n      --port 8000\n"
    )
    text = (
        "x-common: &common\n  restart: unless-stopped\n  environment: &env\n    TZ: UTC\n"
        "services:\n" + "".join(service.format(i=i) for i in range(30))
    )
    assert text.count("\n") > 300
    load(text)
    start = time.perf_counter()
    root, problems = load(text)
    assert time.perf_counter() - start < 0.05  # ~3 ms measured; generous for CI
    assert problems == [] and isinstance(root, YMap)


# ---- properties ----------------------------------------------------------------------------

SAMPLE = """\
x-common: &common
  restart: unless-stopped
  environment: &env
    TZ: UTC
    DEBUG: "no"
services:
  train:
    <<: *common
    image: 'pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime'
    command: >
      python train.py
      --epochs 10
    ports: ["127.0.0.1:6006:6006", 8888:8888]
    shm_size: !override 8g
    deploy:
      resources:
        reservations:
          devices: [{driver: nvidia, count: all, capabilities: [gpu]}]
    environment:
      <<: *env
      SEED: 0777
    volumes:
      - ./data:/data:ro   # dataset
      - type: bind
        source: ./models
        target: /models
  serve: {image: "vllm/vllm-openai:v0.5.0", labels: !reset null}
"""

_ALPHABET = st.sampled_from(
    list(" \t\n\r:-?[]{},#&*!|>'\"%@`~.\\0123456789abxyz<=_/\ufeff\x85\u2028é😀\x00\x07")
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_random_text_never_raises_and_spans_stay_inside(text: str) -> None:
    root, problems = load(text)
    check_invariants(text, root, problems)


@st.composite
def mutated_sample(draw: st.DrawFn) -> str:
    text = SAMPLE
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 8)))
        insert = draw(st.text(alphabet=_ALPHABET, max_size=4))
        text = text[:i] + insert + text[j:]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sample())
def test_mutated_yaml_never_raises_and_spans_stay_inside(text: str) -> None:
    root, problems = load(text)
    check_invariants(text, root, problems)
    if root is not None:
        to_python(root)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sample())
def test_both_parsers_agree(text: str) -> None:
    """The pure-Python fallback builds the same tree (spans included) as libyaml."""
    if getattr(yaml, "CSafeLoader", None) is None or "\ufeff" in text[1:]:
        return  # (PyYAML's pure reader does not count a BOM inside the text as a column)
    pure = load(text, yaml.SafeLoader)
    fast = load(text, yaml.CSafeLoader)
    check_invariants(text, *pure)
    if pure[0] is not None and fast[0] is not None:
        assert pure[0] == fast[0] or _has_nan(pure[0])
        assert pure[1] == fast[1]


def _has_nan(node: YNode) -> bool:
    return any(
        isinstance(n, YScalar) and isinstance(n.value, float) and math.isnan(n.value)
        for n in walk(node)
    )


def test_sample_loads_as_compose_reads_it() -> None:
    root, problems = load(SAMPLE)
    assert problems == []
    check_invariants(SAMPLE, root, problems)
    data = to_python(root)
    assert isinstance(data, dict)
    train = data["services"]["train"]
    assert train["restart"] == "unless-stopped"
    assert train["environment"] == {"TZ": "UTC", "DEBUG": "no", "SEED": 511}
    assert train["ports"] == ["127.0.0.1:6006:6006", "8888:8888"]
    assert train["command"] == "python train.py --epochs 10\n"
    assert data["services"]["serve"]["labels"] == "null"  # !reset keeps the text
