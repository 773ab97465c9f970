"""Differential test: our parser against BuildKit's own (PyPI ``dockerfile``, a Go extension).

For every Dockerfile in the fixtures and examples, the instructions, their line ranges, flags,
values, JSON form and heredoc bodies must agree. The package ships x86_64 wheels only: the test
is skipped, loudly, where it cannot be installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mllint.discover import is_dockerfile_name
from mllint.model.dockerfile import Instruction
from mllint.parsers.dockerfile import decode, parse_dockerfile
from tests.helpers import ROOT

buildkit = pytest.importorskip("dockerfile", reason="BuildKit parser wheel not available here")

_SHELL_STRING = {"RUN", "CMD", "ENTRYPOINT", "SHELL", "MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"}


def corpus() -> list[Path]:
    roots = [ROOT / "tests" / "fixtures", ROOT / "examples"]
    files = []
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and (is_dockerfile_name(p.name) or p.suffix == ".Dockerfile"):
                files.append(p)
    return files


def _values(instr: Instruction) -> tuple[str, ...]:
    if instr.keyword in ("ENV", "LABEL"):
        out: list[str] = []
        for kv in instr.pairs:
            out += [kv.key.text, kv.value.text if kv.value else ""]
        return tuple(out)
    if instr.exec_form is not None and instr.keyword != "HEALTHCHECK":
        return tuple(w.text for w in instr.exec_form)
    if instr.keyword in _SHELL_STRING:
        return (instr.arguments.text,) if instr.arguments.text else ()
    return tuple(w.text for w in instr.words)


def _flag_text(flag_name: str, value: str | None) -> str:
    return f"--{flag_name}" + (f"={value}" if value is not None else "")


def ours(path: Path) -> list[tuple[object, ...]]:
    df = parse_dockerfile(decode(path.read_bytes()), str(path))
    out = []
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        flags = (
            ()
            if instr.trigger is not None
            else tuple(_flag_text(f.name, f.value) for f in instr.flags)
        )
        out.append(
            (
                "ONBUILD" if instr.keyword == "ONBUILD" else instr.keyword,
                target.keyword if instr.trigger is not None else None,
                instr.span.line,
                instr.span.end_line,
                flags,
                _values(target),
                target.exec_form is not None and target.keyword != "HEALTHCHECK",
                tuple((h.name, h.body) for h in target.heredocs),
            )
        )
    return out


def theirs(path: Path) -> list[tuple[object, ...]]:
    out = []
    for c in buildkit.parse_file(str(path)):
        out.append(
            (
                c.cmd.upper(),
                c.sub_cmd.upper() if c.sub_cmd else None,
                c.start_line,
                c.end_line,
                tuple(c.flags),
                tuple(c.value),
                bool(c.json) and c.cmd.upper() != "HEALTHCHECK",
                tuple((h.name, h.content) for h in c.heredocs),
            )
        )
    return out


FILES = corpus()


def test_corpus_is_not_empty() -> None:
    assert len(FILES) >= 10, "the differential test needs the Dockerfile fixtures"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_agrees_with_buildkit(path: Path) -> None:
    try:
        expected = theirs(path)
    except (buildkit.GoParseError, buildkit.GoIOError) as exc:
        pytest.skip(f"BuildKit rejects this file (an ML001 fixture): {exc}")
    actual = ours(path)
    assert [a[:2] for a in actual] == [e[:2] for e in expected], "instruction sequence differs"
    for a, e in zip(actual, expected, strict=True):
        if a[0] not in {
            "ADD",
            "ARG",
            "CMD",
            "COPY",
            "ENTRYPOINT",
            "ENV",
            "EXPOSE",
            "FROM",
            "HEALTHCHECK",
            "LABEL",
            "MAINTAINER",
            "ONBUILD",
            "RUN",
            "SHELL",
            "STOPSIGNAL",
            "USER",
            "VOLUME",
            "WORKDIR",
        }:
            assert a[2:4] == e[2:4]
            continue  # unknown instructions: BuildKit keeps no value for them
        assert a == e, f"line {e[2]}"
