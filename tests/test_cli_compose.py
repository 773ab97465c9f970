"""Compose files through the real CLI: detection, -f merging, stdin, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write

GOOD = """\
services:
  serve:
    image: vllm/vllm-openai:v0.6.3
    ports: ["127.0.0.1:8000:8000"]
    deploy: {resources: {limits: {memory: 32g}}}
    volumes: ["hf-cache:/root/.cache/huggingface"]
    environment: {VLLM_API_KEY: "${VLLM_API_KEY}"}
    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:8000/health"], start_period: 10m}
volumes:
  hf-cache:
"""


def rules_of(stdout: str) -> set[str]:
    return {line.split()[1] for line in stdout.splitlines() if line.strip()}


def test_clean_compose_file(tmp_path: Path) -> None:
    path = write(tmp_path, "compose.yaml", GOOD)
    result = run_cli(str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_override_file_is_merged_with_its_base(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", GOOD)
    write(
        tmp_path,
        "compose.override.yaml",
        "services:\n  serve:\n    ports: !override ['8000:8000']\n",
    )
    result = run_cli("--format", "concise", str(tmp_path))
    assert rules_of(result.stdout) == {"ML204"}
    assert "compose.override.yaml:3:" in result.stdout  # where the value was written


def test_dash_f_merges_files_in_order(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", GOOD)
    gpu = write(tmp_path, "gpu.yaml", "services:\n  serve:\n    privileged: true\n")
    result = run_cli("--format", "concise", "-f", str(base), "-f", str(gpu))
    assert rules_of(result.stdout) == {"ML202"}
    alone = run_cli("--format", "concise", "-f", str(base))
    assert alone.returncode == 0


def test_env_file_and_unknown_variables(tmp_path: Path) -> None:
    compose = write(
        tmp_path,
        "compose.yaml",
        "services:\n  serve:\n    image: vllm/vllm-openai:${TAG}\n"
        "    deploy: {resources: {limits: {memory: 1g}}}\n"
        "    volumes: [hf:/root/.cache/huggingface]\n"
        "    healthcheck: {test: [CMD, curl, -f, localhost:8000/health], start_period: 5m}\n"
        "volumes:\n  hf:\n",
    )
    assert run_cli("--format", "concise", str(compose)).returncode == 0  # TAG unknown: silent
    env = write(tmp_path, "ci.env", "TAG=latest\n")
    result = run_cli("--format", "concise", "--env-file", str(env), str(compose))
    assert rules_of(result.stdout) == {"ML103"}


def test_stdin_compose(tmp_path: Path) -> None:
    result = run_cli(
        "--format",
        "concise",
        "--stdin-filename",
        "compose.yaml",
        "-",
        stdin="services:\n  nb:\n    image: jupyter/base-notebook:latest\n",
    )
    assert rules_of(result.stdout) == {"ML103", "ML302"}
    assert result.stdout.startswith("compose.yaml:")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    services:\n      db:\n        image: postgres\n",
        ),
        ("k8s/deploy.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n"),
    ],
)
def test_yaml_that_is_not_compose_is_not_linted(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path, name, content)
    result = run_cli("--format", "concise", str(path))
    assert result.stdout == ""
    assert "not a compose file" in result.stderr


def _bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join(["*" + prev] * 9) + "]")
        prev = name
    return "\n".join([*lines, "services:\n  x:\n    image: *i"]) + "\n"


@pytest.mark.parametrize(
    ("content", "rule", "fragment"),
    [
        (_bomb(), "ML001", "alias bomb"),
        ("services: " + "[" * 5000 + "]" * 5000 + "\n", "ML001", "deeper than"),
        ("services:\n\tapp:\n\t\timage: x\n", "ML001", "tab"),
        ("services:\n  app:\n    image: caf\xe9:1\n".encode("latin-1"), "ML001", "not UTF-8"),
        ("", "ML002", "empty compose file"),
        ("services:\n  app:\n    image: a:1\n    image: b:2\n", "ML003", "duplicate key"),
    ],
    ids=["alias-bomb", "deep-nesting", "tabs", "latin-1", "empty", "duplicate-key"],
)
def test_hostile_compose_input(
    tmp_path: Path, content: str | bytes, rule: str, fragment: str
) -> None:
    path = write(tmp_path, "compose.yaml", content)
    other = write(tmp_path, "other/compose.yaml", "services:\n  s:\n    privileged: true\n")
    result = run_cli("--format", "concise", str(path), str(other))
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert any(
        f" {rule} " in line and fragment in line
        for line in result.stdout.splitlines()
        if line.startswith(str(path))
    ), result.stdout
    assert f"{other}:3:17: ML202" in result.stdout  # the other project is still linted


def test_findings_name_the_profiles_of_their_service(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  nb:\n    image: jupyter/base-notebook\n"
        "    profiles: [dev, gpu]\n    mem_limit: 8g\n",
    )
    result = run_cli("--format", "concise", str(path))
    assert result.stdout.rstrip().endswith("[profiles: dev, gpu]")


def test_shared_port_numbers_are_errors_only_for_the_tool_that_uses_them(tmp_path: Path) -> None:
    import json

    write(
        tmp_path,
        "compose.yaml",
        "services:\n"
        "  web:\n    image: ghcr.io/example/nextjs-frontend:1.2.0\n    ports: ['3000:3000']\n"
        "  api:\n    image: ghcr.io/example/flask-api:1.0\n    ports: ['5000:5000']\n"
        "  grafana:\n    image: grafana/grafana:11.2.0\n    ports: ['3001:3000']\n"
        "  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.17.0\n"
        "    command: [mlflow, server, --host, 0.0.0.0]\n    ports: ['5000:5000']\n"
        "  nb:\n    image: quay.io/jupyter/base-notebook:2024-10-07\n    ports: ['8888:8888']\n",
    )
    result = run_cli("--isolated", "--format", "json", "--select", "ML204", "compose.yaml",
                     cwd=tmp_path)  # fmt: skip
    found = {
        f["line"]: (f["severity"], f["message"]) for f in json.loads(result.stdout)["findings"]
    }
    assert found[4][0] == "warning" and "Grafana" not in found[4][1]
    assert found[7][0] == "warning" and "MLflow" not in found[7][1]
    assert found[10][0] == "error" and "(Grafana)" in found[10][1]
    assert found[14][0] == "error" and "(MLflow)" in found[14][1]
    assert found[17][0] == "error" and "(Jupyter)" in found[17][1]
