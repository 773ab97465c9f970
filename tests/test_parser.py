"""The Dockerfile parser: exact spans, BuildKit's quirks, resolution, and never a crash."""

from __future__ import annotations

import pytest

from mllint.model.span import Span
from mllint.parsers.dockerfile import DecodeError, decode, parse_dockerfile


def parse(text: str):
    return parse_dockerfile(text, "Dockerfile")


def test_instruction_spans_and_keyword() -> None:
    df = parse("FROM python:3.11-slim AS base\n  run echo hi\n")
    first, second = df.instructions
    assert first.keyword == "FROM"
    assert first.keyword_span == Span(1, 1, 1, 5)
    assert first.span == Span(1, 1, 1, 30)
    assert second.keyword == "RUN"
    assert second.keyword_span == Span(2, 3, 2, 6)
    assert second.arguments.text == "echo hi"
    assert second.arguments.span == Span(2, 7, 2, 14)


def test_continuation_skips_comment_and_blank_lines() -> None:
    text = (
        "FROM ubuntu:22.04\n"
        "RUN apt-get update && \\\n"
        "    # a comment inside the continuation\n"
        "\n"
        "    apt-get install -y curl \\  \n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        'CMD ["bash"]\n'
    )
    df = parse(text)
    run = df.instructions[1]
    assert run.span.line == 2 and run.span.end_line == 6
    assert run.arguments.text == (
        "apt-get update &&     apt-get install -y curl     && rm -rf /var/lib/apt/lists/*"
    )
    # "curl" sits on physical line 5, column 24.
    offset = run.arguments.text.index("curl")
    assert run.source.span(offset, offset + 4) == Span(5, 24, 5, 28)
    assert df.instructions[2].exec_form is not None


def test_arg_resolution_into_from() -> None:
    df = parse(
        "ARG CUDA=12.1.1\nARG BASE\n"
        "FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS run\n"
        "FROM ${BASE}\nFROM ${BASE:-python:3.11}\nFROM run\n"
    )
    a, b, c, d = df.stages
    assert a.image.resolved == "nvidia/cuda:12.1.1-runtime-ubuntu22.04"
    assert (a.image.repository, a.image.tag) == ("nvidia/cuda", "12.1.1-runtime-ubuntu22.04")
    assert a.image.text.span == Span(3, 6, 3, 45)
    assert b.image.is_unresolved
    assert c.image.resolved == "python:3.11"
    assert d.image.is_stage and d.parent == 0


def test_build_args_override_defaults() -> None:
    df = parse_dockerfile("ARG TAG=1\nFROM img:${TAG}\n", build_args={"TAG": "2"})
    assert df.stages[0].image.tag == "2"


@pytest.mark.parametrize(
    ("ref", "registry", "repository", "tag", "digest"),
    [
        ("python", None, "python", None, None),
        ("nvcr.io/nvidia/pytorch:24.05-py3", "nvcr.io", "nvidia/pytorch", "24.05-py3", None),
        ("localhost:5000/team/img:1", "localhost:5000", "team/img", "1", None),
        ("ghcr.io/a/b@sha256:abc", "ghcr.io", "a/b", None, "sha256:abc"),
        (
            "pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime",
            None,
            "pytorch/pytorch",
            "2.4.1-cuda12.1-cudnn9-runtime",
            None,
        ),
    ],
)
def test_image_reference_grammar(ref, registry, repository, tag, digest) -> None:
    image = parse(f"FROM {ref}\n").stages[0].image
    assert (image.registry, image.repository, image.tag, image.digest) == (
        registry,
        repository,
        tag,
        digest,
    )


def test_env_pairs_and_legacy_form() -> None:
    df = parse('FROM a:1\nENV A=1 B="two words" C=${A}\nENV LEGACY some value\n')
    env, legacy = df.instructions[1], df.instructions[2]
    assert [(p.key.text, p.value.text if p.value else None, p.resolved) for p in env.pairs] == [
        ("A", "1", "1"),
        ("B", '"two words"', "two words"),
        # BuildKit expands a whole ENV with the environment from before it: A is not set yet.
        ("C", "${A}", None),
    ]
    assert env.pairs[1].value is not None and env.pairs[1].value.span == Span(2, 11, 2, 22)
    assert [(p.key.text, p.resolved) for p in legacy.pairs] == [("LEGACY", "some value")]


def test_env_inherited_from_parent_stage_but_not_args() -> None:
    df = parse("FROM a:1 AS base\nARG X=1\nENV Y=2\nFROM base\nENV Z=${Y}-${X:-none}\n")
    (pair,) = df.instructions[-1].pairs
    assert pair.resolved == "2-none"


def test_flags_and_mounts() -> None:
    df = parse(
        "FROM a:1\nRUN --mount=type=cache,target=/root/.cache/pip,sharing=locked "
        "--mount=type=secret,id=hf --network=none pip install x\n"
        "COPY --from=build --chown=1000:1000 --link /a /b/\n"
    )
    run, copy = df.instructions[1], df.instructions[2]
    assert [m.type for m in run.mounts] == ["cache", "secret"]
    assert run.mounts[0].target == "/root/.cache/pip"
    assert run.mounts[0].get("sharing") == "locked"
    assert run.flag("network") is not None and run.flag("network").value == "none"
    assert run.arguments.text == "pip install x"
    assert copy.flag("from").value == "build"
    assert copy.flag("link").value is None and copy.flag("link").is_true
    assert run.flags[0].span == Span(2, 5, 2, 62)


def test_heredocs() -> None:
    text = (
        "FROM a:1\n"
        "RUN <<EOF\napt-get update\nEOF\n"
        "RUN <<-'EOT' bash\n\techo $HOME\n\tEOT\n"
        "COPY <<one.sh <<two.sh /opt/\necho 1\none.sh\necho 2\ntwo.sh\n"
        "RUN python3 <<PY\nprint('pip install x')\nPY\n"
    )
    df = parse(text)
    run1, run2, copy, run3 = df.instructions[1:]
    assert run1.heredocs[0].body == "apt-get update\n"
    assert run1.span == Span(2, 1, 4, 4)
    doc = run2.heredocs[0]
    assert (doc.name, doc.strip_tabs, doc.expand) == ("EOT", True, False)
    assert [h.name for h in copy.heredocs] == ["one.sh", "two.sh"]
    assert copy.span.end_line == 12
    assert run3.heredocs[0].body == "print('pip install x')\n"
    assert not df.problems


def test_unterminated_heredoc_is_a_problem() -> None:
    df = parse("FROM a:1\nRUN <<EOF\necho hi\n")
    assert len(df.problems) == 1
    assert "unterminated heredoc" in df.problems[0].message
    assert df.problems[0].span.line == 2


def test_directives_only_at_top() -> None:
    df = parse("# syntax=docker/dockerfile:1.7\n# escape=`\nFROM a:1\nRUN echo a `\n  b\n")
    assert df.directives.syntax is not None and df.directives.syntax.text == "docker/dockerfile:1.7"
    assert df.directives.escape == "`"
    assert df.instructions[1].arguments.text == "echo a   b"
    late = parse("FROM a:1\n# escape=`\nRUN echo a `\n")
    assert late.directives.escape == "\\"


def test_onbuild_trigger() -> None:
    df = parse("FROM a:1\nONBUILD RUN pip install x\n")
    onbuild = df.instructions[1]
    assert onbuild.trigger is not None and onbuild.trigger.keyword == "RUN"
    assert onbuild.trigger.arguments.span == Span(2, 13, 2, 26)


def test_unknown_instruction_is_reported_and_rest_parsed() -> None:
    df = parse("FROM a:1\nFORM b\nUSER app\n")
    assert "did you mean FROM" in df.problems[0].message
    assert [i.keyword for i in df.instructions] == ["FROM", "FORM", "USER"]


def test_non_string_json_is_a_problem_and_invalid_json_is_shell_form() -> None:
    df = parse('FROM a:1\nCMD ["a", 1]\nCMD [not json\n')
    assert len(df.problems) == 1
    assert df.instructions[2].exec_form is None


def test_crlf_and_bom() -> None:
    text = decode(b"\xef\xbb\xbfFROM a:1\r\nRUN echo hi \\\r\n  there\r\n")
    df = parse(text)
    assert df.instructions[1].arguments.text == "echo hi   there"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"\x7fELF\x00\x00", "binary"), (b"FROM caf\xe9\n", "not UTF-8")],
)
def test_decode_errors(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(data)


def test_utf16_is_decoded() -> None:
    assert decode("FROM a:1\n".encode("utf-16")) == "FROM a:1\n"


def test_empty_and_comment_only_files() -> None:
    assert parse("").instructions == ()
    assert parse("# just a comment\n\n").instructions == ()


def test_run_scripts_by_form() -> None:
    df = parse(
        "FROM a:1\n"
        'RUN ["pip", "install", "x"]\n'
        'RUN ["/bin/sh", "-c", "pip install y && echo ok"]\n'
        "RUN <<EOF\npip install z\nEOF\n"
        "RUN python3 <<PY\nimport os\nPY\n"
        'SHELL ["pwsh", "-Command"]\n'
        "RUN pip install w\n"
    )
    runs = [i for i in df.instructions if i.keyword == "RUN"]
    names = [[c.name for s in r.scripts for c in s.commands] for r in runs]
    assert names[0] == ["pip"]
    assert names[1][:2] == ["pip", "echo"]
    assert names[2] == ["pip"]
    assert names[3] == ["python3"]
    assert names[4] == []
    z = runs[2].scripts[0].commands[0].argv[2]
    assert (z.value, z.span) == ("z", Span(5, 13, 5, 14))
    y = runs[1].scripts[0].commands[0].argv[2]
    assert (y.value, y.span.line, y.span.column) == ("y", 3, 36)


def test_large_file_parses() -> None:
    lines = ["FROM python:3.11-slim"] + [
        f"RUN echo {i} && pip install pkg{i}==1.0" for i in range(20000)
    ]
    df = parse("\n".join(lines) + "\n")
    assert len(df.instructions) == 20001
