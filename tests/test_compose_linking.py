"""A compose service's build links its Dockerfile: build args resolve ARGs, the target stage is
the final one, and the Dockerfile is linted once per distinct way it is built."""

from __future__ import annotations

from pathlib import Path

from mllint.lint import Settings, lint

DOCKERFILE = """\
ARG BASE_TAG=3.11-slim
FROM python:${BASE_TAG} AS dev
RUN pip install --no-cache-dir debugpy==1.8.5

FROM python:${BASE_TAG} AS prod
RUN useradd --uid 10001 app
USER 10001
"""


def write(root: Path, compose: str) -> None:
    (root / "app").mkdir()
    (root / "app" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (root / "compose.yaml").write_text(compose, encoding="utf-8")


def findings(root: Path, *rules: str) -> list[tuple[str, int, str]]:
    report = lint([str(root / "compose.yaml")], Settings(select=list(rules)))
    assert not report.crashes
    return [(Path(f.path).name, f.span.line, f.rule_id) for f in report.findings]


def test_build_args_and_target_reach_the_dockerfile(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
services:
  api:
    build:
      context: ./app
      target: dev
      args:
        BASE_TAG: latest
    deploy: {resources: {limits: {memory: 2g}}}
""",
    )
    found = findings(tmp_path, "ML101", "ML201")
    # BASE_TAG=latest from compose makes both FROM lines ':latest'; the target 'dev' is the
    # final stage and sets no USER.
    assert sorted(found) == [
        ("Dockerfile", 2, "ML101"),
        ("Dockerfile", 2, "ML201"),
        ("Dockerfile", 5, "ML101"),
    ]


def test_default_build_uses_the_last_stage_and_defaults(tmp_path: Path) -> None:
    write(tmp_path, "services:\n  api:\n    build: ./app\n")
    assert findings(tmp_path, "ML101", "ML201") == []


def test_two_services_two_ways_one_finding_each(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
services:
  api:
    build: {context: ./app, target: prod}
  worker:
    build: {context: ./app, target: prod}
  debug:
    build: {context: ./app, target: dev}
""",
    )
    # prod is fine; dev runs as root: reported once although two variants were linted.
    assert findings(tmp_path, "ML201") == [("Dockerfile", 2, "ML201")]


def test_dockerfile_listed_and_built_is_linted_as_built(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
services:
  api:
    build: {context: ./app, args: {BASE_TAG: latest}}
""",
    )
    report = lint([str(tmp_path)], Settings(select=["ML101"]))
    lines = sorted(f.span.line for f in report.findings)
    assert lines == [2, 5]  # with the build arg, not the default; and not twice
