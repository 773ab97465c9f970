"""An organisation's policies (``policies:`` in the config): declared, validated, listed and
run like catalog rules, through the real config loader, engine and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mllint.checks.policies import package_name
from tests.helpers import run_cli, write

CONFIG = """\
policies:
  - id: ORG001
    kind: allowed-base-images
    allow: ["nvcr.io/nvidia/**", "registry.example.com/**", "python", "ubuntu:22.04"]
    severity: error
    message: "ask #platform to mirror other images"
  - id: ORG002
    kind: required-service-keys
    keys: ["healthcheck", "mem_limit|deploy.resources.limits.memory"]
  - id: ORG003
    kind: banned-packages
    packages: [tensorflow-gpu, telnet]
  - id: ORG004
    kind: required-labels
    labels: [org.opencontainers.image.source]
    severity: info
  - id: ORG005
    kind: required-packages
    packages: [tini]
    managers: [apt-get]
    name: images-install-tini
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, ".mllint.yaml", CONFIG)
    return tmp_path


def _lint(project: Path, dockerfile: str, *args: str) -> list[tuple[str, int, int]]:
    write(project, "Dockerfile", dockerfile)
    result = run_cli("--format", "json", "--select", "ORG", *args, "Dockerfile", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    return [(f["rule"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]


GOOD_IMAGE = (
    "FROM python:3.11-slim\n"
    'LABEL org.opencontainers.image.source="https://example.com/repo"\n'
    "RUN apt-get update && apt-get install -y --no-install-recommends tini\n"
)


def test_a_compliant_image_passes(project: Path) -> None:
    assert _lint(project, GOOD_IMAGE) == []


@pytest.mark.parametrize(
    ("base", "allowed"),
    [
        ("python:3.12", True),
        ("docker.io/library/python:3.12", True),
        ("nvcr.io/nvidia/pytorch:24.08-py3", True),
        ("registry.example.com/ml/base/cuda:12.4", True),
        ("ubuntu:22.04", True),
        ("ubuntu:24.04", False),
        ("nvidia/cuda:12.4.1-runtime-ubuntu22.04", False),
        ("nvcr.io/other/pytorch:24.08-py3", False),
        ("registry.example.com.evil.io/x:1", False),
    ],
)
def test_allowed_base_images(project: Path, base: str, allowed: bool) -> None:
    dockerfile = GOOD_IMAGE.replace("python:3.11-slim", base)
    found = [f for f in _lint(project, dockerfile) if f[0] == "ORG001"]
    assert found == ([] if allowed else [("ORG001", 1, 6)])


def test_stages_scratch_and_unknown_args_are_not_judged(project: Path) -> None:
    dockerfile = (
        "ARG BASE\n"
        "FROM ${BASE} AS unknown\n"
        "FROM python:3.11 AS build\n"
        "FROM build AS again\n"
        "FROM scratch\n"
        "COPY --from=again /x /x\n"
    )
    assert [f for f in _lint(project, dockerfile) if f[0] == "ORG001"] == []


def test_banned_packages_in_shipped_stages_only(project: Path) -> None:
    dockerfile = (
        "FROM python:3.11 AS build\n"
        "RUN pip install tensorflow-gpu==2.10\n"
        + GOOD_IMAGE
        + "RUN pip install --no-cache-dir Tensorflow_GPU==2.10.0 && apt-get install -y telnet\n"
        + "COPY --from=build /usr/local/lib /usr/local/lib\n"
    )
    found = [f for f in _lint(project, dockerfile) if f[0] == "ORG003"]
    # The build stage ships only what is copied from it: not judged.
    assert found == [("ORG003", 6, 32), ("ORG003", 6, 77)]


def test_required_labels_and_packages(project: Path) -> None:
    found = _lint(project, "FROM python:3.11\nRUN apk add tini\n")
    assert ("ORG004", 1, 1) in found
    assert ("ORG005", 1, 1) in found  # apk is not one of the policy's managers
    inherited = "FROM python:3.11 AS base\nLABEL org.opencontainers.image.source=x\nFROM base\n"
    assert [f for f in _lint(project, inherited) if f[0] == "ORG004"] == []


def test_required_service_keys(project: Path) -> None:
    write(
        project,
        "compose.yaml",
        "x-limits: &limits\n"
        "  deploy: {resources: {limits: {memory: 4g}}}\n"
        "services:\n"
        "  api:\n"
        "    <<: *limits\n"
        "    image: registry.example.com/api:1.0\n"
        "    healthcheck: {test: [CMD, 'true']}\n"
        "  worker:\n"
        "    image: registry.example.com/worker:1.0\n"
        "    mem_limit: ${WORKER_MEM}\n",
    )
    result = run_cli("--format", "json", "--select", "ORG002", "compose.yaml", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["line"], f["message"]) for f in findings] == [
        (8, "services.worker does not set healthcheck [policy ORG002]")
    ]
    assert result.returncode == 1


def test_policies_are_listed_explained_and_in_sarif(project: Path) -> None:
    listed = run_cli("rules", "--format", "json", cwd=project)
    assert listed.returncode == 0, listed.stderr
    ids = {r["id"] for r in json.loads(listed.stdout)}
    assert {"ORG001", "ORG005", "ML101"} <= ids
    explained = run_cli("rule", "images-install-tini", cwd=project)
    assert explained.returncode == 0 and "ORG005" in explained.stdout
    assert "Images install tini" in explained.stdout
    write(project, "Dockerfile", "FROM debian:12\n")
    sarif = json.loads(run_cli("--format", "sarif", "Dockerfile", cwd=project).stdout)
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "ORG001" in rules and "ML101" in rules
    result = next(r for r in run["results"] if r["ruleId"] == "ORG001")
    assert rules[result["ruleIndex"]] == "ORG001"


def test_policies_are_selected_ignored_and_suppressed_like_rules(project: Path) -> None:
    bad = "FROM debian:12\n"
    assert {f[0] for f in _lint(project, bad)} == {"ORG001", "ORG004", "ORG005"}
    assert {f[0] for f in _lint(project, bad, "--ignore", "ORG004,images-install-tini")} == {
        "ORG001"
    }
    suppressed = "# mllint: ignore=ORG001 -- legacy image, migrating in Q3\n" + bad
    assert "ORG001" not in {f[0] for f in _lint(project, suppressed)}


def test_isolated_runs_know_no_policies(project: Path) -> None:
    write(project, "Dockerfile", "FROM debian:12\n")
    result = run_cli("--isolated", "--select", "ORG001", "Dockerfile", cwd=project)
    assert result.returncode == 2
    assert "unknown rule, prefix or category 'ORG001'" in result.stderr


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "policies:\n  - id: ORG001\n    kind: allowed-base-image\n    allow: [x]\n",
            ".mllint.yaml:3: policy ORG001: 'kind' must be one of allowed-base-images, "
            "required-labels, banned-packages, required-packages, required-service-keys, not "
            "'allowed-base-image' (did you mean 'allowed-base-images'?)",
        ),
        (
            "policies:\n  - id: ORG001\n    kind: required-labels\n    lables: [a]\n",
            ".mllint.yaml:4: policy ORG001: unknown key 'lables' for kind required-labels "
            "(did you mean 'labels'?)",
        ),
        (
            "policies:\n  - id: ML901\n    kind: required-labels\n    labels: [a]\n",
            ".mllint.yaml:2: a policy needs an 'id' of 2-8 capitals and 3 digits, not starting "
            "with ML (e.g. ORG001), not 'ML901'",
        ),
        (
            "policies:\n  - id: ORG001\n    kind: required-labels\n    labels: [a]\n"
            "  - id: ORG001\n    kind: required-labels\n    labels: [b]\n",
            ".mllint.yaml:5: policy ORG001: 'ORG001' is already used by ORG001",
        ),
        (
            "policies:\n  - id: ORG001\n    kind: allowed-base-images\n    allow: ['a b']\n",
            ".mllint.yaml:4: policy ORG001: bad image glob 'a b': an image glob is a non-empty "
            "reference without spaces",
        ),
        (
            "policies:\n  - id: ORG001\n    kind: required-labels\n    labels: [a]\n"
            "severity: {ORG002: error}\n",
            ".mllint.yaml:5: unknown rule 'ORG002' in 'severity': a rule id or name "
            "(did you mean 'ORG001'?)",
        ),
    ],
)
def test_mistakes_are_one_line_with_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    write(tmp_path, ".mllint.yaml", text)
    write(tmp_path, "Dockerfile", "FROM python:3.11\n")
    result = run_cli("Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"mllint: error: {error}"


@pytest.mark.parametrize(
    ("manager", "word", "name"),
    [
        ("pip", "Tensorflow_GPU==2.10", "tensorflow-gpu"),
        ("pip", "torch[cuda]>=2", "torch"),
        ("apt-get", "curl=8.5.0-2ubuntu10", "curl"),
        ("apt-get", "libc6:amd64", "libc6"),
        ("conda", "conda-forge::numpy=1.26", "numpy"),
        ("npm", "@scope/pkg@1.2.3", "@scope/pkg"),
        ("npm", "left-pad@1.3.0", "left-pad"),
        ("pip", "./wheels/x.whl", None),
        ("pip", "--upgrade", None),
    ],
)
def test_package_names(manager: str, word: str, name: str | None) -> None:
    assert package_name(manager, word) == name
