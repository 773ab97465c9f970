"""The .dockerignore matcher against moby/patternmatcher's semantics (not gitignore's)."""

from __future__ import annotations

import pytest

from mllint.parsers.dockerignore import DockerIgnore, parse_dockerignore

# (ignore file lines, path relative to the context, excluded?)
CASES: list[tuple[list[str], str, bool]] = [
    # a bare name is anchored at the context root: no implicit **/ as in gitignore
    (["data"], "data", True),
    (["data"], "data/train.csv", True),
    (["data"], "src/data", False),
    (["data"], "src/data/x.csv", False),
    (["**/data"], "src/data/x.csv", True),
    (["**/data"], "data", True),
    # * and ? stop at /
    (["*.pyc"], "x.pyc", True),
    (["*.pyc"], "pkg/x.pyc", False),
    (["*/*.pyc"], "pkg/x.pyc", True),
    (["**/*.pyc"], "a/b/c/x.pyc", True),
    (["**/*.pyc"], "x.pyc", True),
    (["temp?"], "tempa", True),
    (["temp?"], "temp", False),
    (["temp?"], "tempab", False),
    (["*/temp*"], "somedir/temporary.txt", True),
    (["*/temp*"], "temporary.txt", False),
    # filepath.Clean and a leading / stripped
    (["/data"], "data/x", True),
    (["./data/"], "data/x", True),
    (["data/../models"], "models/a.pt", True),
    (["  data  "], "data", True),
    # trailing ** matches by prefix, leading ** by suffix
    (["data/**"], "data/x/y", True),
    (["data/**"], "data", False),
    (["ckpt**"], "ckpt_001/model.pt", True),
    (["**.ckpt"], "a/b/last.ckpt", True),
    (["**"], "anything/at/all", True),
    # exceptions: the last matching line wins, and can re-include below an excluded folder
    (["*.md", "!README.md"], "README.md", False),
    (["*.md", "!README.md"], "CHANGES.md", True),
    (["*.md", "!README*.md", "README-secret.md"], "README-secret.md", True),
    (["*.md", "README-secret.md", "!README*.md"], "README-secret.md", False),
    (["data", "!data/schema.json"], "data/schema.json", False),
    (["data", "!data/schema.json"], "data/train.csv", True),
    (["*", "!src", "!requirements.txt"], "src/main.py", False),
    (["*", "!src", "!requirements.txt"], "requirements.txt", False),
    (["*", "!src", "!requirements.txt"], "models/a.pt", True),
    (["!data"], "data", False),
    # comments only in column 1; an indented # is a pattern
    (["# data"], "# data", False),
    (["#data"], "data", False),
    ([" # data"], "# data", True),
    # escapes and classes
    (["\\*.txt"], "*.txt", True),
    (["\\*.txt"], "a.txt", False),
    (["[abc].txt"], "b.txt", True),
    (["[abc].txt"], "d.txt", False),
    (["[^abc].txt"], "d.txt", True),
    (["[a-c]*"], "checkpoints", True),
    # regex characters are literal
    (["model.(v1)+"], "model.(v1)+", True),
    (["model.(v1)+"], "modelx(v1)+", False),
    (["a.pt"], "aXpt", False),
    # a pattern Docker refuses never matches here
    (["[abc"], "[abc", False),
    (["!"], "x", False),
    ([], "anything", False),
    (["data"], ".", False),
]


@pytest.mark.parametrize(("lines", "path", "excluded"), CASES)
def test_excludes(lines: list[str], path: str, excluded: bool) -> None:
    assert DockerIgnore.from_lines(lines).excludes(path) is excluded


def test_patterns_keep_their_lines() -> None:
    patterns = parse_dockerignore(["\ufeff# c", "", "/data/", "!data/keep", "  "])
    assert [(p.pattern, p.exclusion, p.line) for p in patterns] == [
        ("data", False, 3),
        ("data/keep", True, 4),
    ]


def test_the_deciding_pattern_is_the_last_match() -> None:
    ignore = DockerIgnore.from_lines(["*.pt", "models", "!models/a.pt", "models/a.pt"])
    match = ignore.match("models/a.pt")
    assert match is not None
    assert match.line == 4
    assert ignore.match("src/x.py") is None


def test_exceptions_below_a_folder() -> None:
    ignore = DockerIgnore.from_lines(["data", "!data/schema.json"])
    assert ignore.has_exceptions
    assert ignore.may_include_below("data")
    assert not DockerIgnore.from_lines(["data"]).may_include_below("data")
    assert not DockerIgnore.from_lines(["data", "!*.md"]).may_include_below("data")
    assert DockerIgnore.from_lines(["data", "!**/*.md"]).may_include_below("data")
