"""Service roles: what a container is for, from its command, image and packages."""

from __future__ import annotations

import shlex
import textwrap
from pathlib import Path

import pytest

from mllint.ml.roles import (
    NOTEBOOK,
    SERVING,
    TRAINING,
    UNKNOWN,
    Role,
    classify_commands,
    classify_image,
    classify_packages,
    compose_args,
    dockerfile_role,
    service_role,
    split_script,
)
from mllint.parsers.compose import load_project
from mllint.parsers.dockerfile import parse_dockerfile


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("torchrun --nproc_per_node 8 train.py", (TRAINING, None)),
        ("accelerate launch --config_file a.yaml finetune.py", (TRAINING, None)),
        ("deepspeed --num_gpus 4 main.py", (TRAINING, None)),
        ("python train.py --epochs 3", (TRAINING, None)),
        ("python3.11 -u scripts/pretrain_gpt.py", (TRAINING, None)),
        ("python -m torch.distributed.run --nproc-per-node 2 x.py", (TRAINING, None)),
        ("conda run -n env --no-capture-output python train_lora.py", (TRAINING, None)),
        ("tune run lora_finetune_single_device", (TRAINING, None)),
        ("python3 -m vllm.entrypoints.openai.api_server --model m", (SERVING, "vllm")),
        ("vllm serve Qwen/Qwen2-7B", (SERVING, "vllm")),
        ("text-generation-launcher --model-id m", (SERVING, "tgi")),
        ("text-embeddings-router --model-id m", (SERVING, "tei")),
        ("tritonserver --model-repository=/models", (SERVING, "triton")),
        ("torchserve --start --ncs --model-store /m", (SERVING, "torchserve")),
        ("exec uvicorn app:app --host 0.0.0.0", (SERVING, None)),
        ("env WORKERS=2 gunicorn -k uvicorn.workers.UvicornWorker app:app", (SERVING, None)),
        ("ollama serve", (SERVING, "ollama")),
        ("/app/llama-server -m /models/q.gguf --port 8080", (SERVING, "llamacpp")),
        ("jupyter lab --ip 0.0.0.0", (NOTEBOOK, "jupyter")),
        ("tini -g -- start-notebook.sh --IdentityProvider.token=''", (NOTEBOOK, "jupyter")),
        ("python -m jupyterlab --allow-root", (NOTEBOOK, "jupyter")),
        ("tensorboard --logdir /runs --bind_all", (UNKNOWN, "tensorboard")),
        ("mlflow server --host 0.0.0.0", (UNKNOWN, "mlflow")),
        ("mlflow models serve -m runs:/1/model", (SERVING, "mlflow")),
        ("ray start --head --block", (UNKNOWN, "ray")),
        ("streamlit run app.py", (SERVING, "streamlit")),
        ("sh -c 'pip install -e . && exec jupyter lab'", (NOTEBOOK, "jupyter")),
        ('bash -lc "cd /app; python serve.py"', (SERVING, None)),
    ],
)
def test_commands(command: str, expected: tuple[str, str | None]) -> None:
    assert classify_commands([shlex.split(command)]) == expected


@pytest.mark.parametrize(
    "command",
    ["python app.py", "pip install x", "jupyter nbconvert --to html a.ipynb", "sleep infinity", ""],
)
def test_commands_that_say_nothing(command: str) -> None:
    assert classify_commands([shlex.split(command)]) is None


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("vllm/vllm-openai:v0.6.3", (SERVING, "vllm")),
        ("ghcr.io/huggingface/text-generation-inference:2.4.0", (SERVING, "tgi")),
        ("ghcr.io/huggingface/text-embeddings-inference:cpu-1.5", (SERVING, "tei")),
        ("nvcr.io/nvidia/tritonserver:24.08-py3", (SERVING, "triton")),
        ("pytorch/torchserve:0.12.0-gpu", (SERVING, "torchserve")),
        ("ollama/ollama@sha256:" + "a" * 64, (SERVING, "ollama")),
        ("localai/localai:latest-aio-gpu-nvidia-cuda-12", (SERVING, "localai")),
        ("quay.io/go-skynet/local-ai:master", (SERVING, "localai")),
        ("ghcr.io/ggml-org/llama.cpp:server-cuda", (SERVING, "llamacpp")),
        ("quay.io/jupyter/pytorch-notebook:cuda12-python-3.11", (NOTEBOOK, "jupyter")),
        ("jupyter/scipy-notebook", (NOTEBOOK, "jupyter")),
        ("tensorflow/tensorflow:2.17.0-gpu-jupyter", (NOTEBOOK, "jupyter")),
        ("rayproject/ray:2.37.0-gpu", (UNKNOWN, "ray")),
    ],
)
def test_images(image: str, expected: tuple[str, str | None]) -> None:
    assert classify_image(image) == expected


@pytest.mark.parametrize(
    "image",
    [
        "ghcr.io/ggml-org/llama.cpp:full-cuda",  # the CLI image, not the server
        "tensorflow/tensorflow:2.17.0-gpu",
        "pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime",
        "example.com/vllm-openai-proxy:1",
        None,
    ],
)
def test_images_that_say_nothing(image: str | None) -> None:
    assert classify_image(image) is None


def test_packages() -> None:
    assert classify_packages(["numpy", "vllm==0.6.3"]) == (SERVING, "vllm")
    assert classify_packages(["jupyterlab>=4"]) == (NOTEBOOK, "jupyter")
    assert classify_packages(["torch", "transformers"]) is None


def test_split_script() -> None:
    assert split_script("a b && c 'd e'; f | g\nh # i") == [
        ["a", "b"],
        ["c", "d e"],
        ["f"],
        ["g"],
        ["h"],
    ]
    assert split_script("echo 'unclosed") == [["echo", "'unclosed"]]


def _df(tmp_path: Path, text: str) -> object:
    path = tmp_path / "Dockerfile"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return parse_dockerfile(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            """
            FROM python:3.11
            CMD ["torchrun", "--nproc_per_node", "2", "train.py"]
            """,
            Role(TRAINING, None, "Dockerfile CMD"),
        ),
        (
            """
            FROM python:3.11
            ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]
            CMD ["--model", "x"]
            """,
            Role(SERVING, "vllm", "Dockerfile ENTRYPOINT"),
        ),
        (
            """
            FROM python:3.11
            ENTRYPOINT ["/entrypoint.sh"]
            CMD jupyter lab --ip 0.0.0.0
            """,
            Role(NOTEBOOK, "jupyter", "Dockerfile CMD"),
        ),
        (
            """
            FROM python:3.11 AS base
            CMD ["python", "serve.py"]
            FROM base
            ENTRYPOINT ["torchrun"]
            """,
            Role(TRAINING, None, "Dockerfile ENTRYPOINT"),
        ),
        (
            """
            FROM vllm/vllm-openai:v0.6.3
            COPY plugin.py /app/
            """,
            Role(SERVING, "vllm", "base image"),
        ),
        (
            """
            FROM python:3.11
            RUN pip install --no-cache-dir jupyterlab==4.2.5
            """,
            Role(NOTEBOOK, "jupyter", "packages"),
        ),
        (
            """
            FROM python:3.11
            CMD ["python", "app.py"]
            """,
            Role(UNKNOWN),
        ),
    ],
)
def test_dockerfile_role(tmp_path: Path, text: str, expected: Role) -> None:
    assert dockerfile_role(_df(tmp_path, text)) == expected  # type: ignore[arg-type]


def _project(tmp_path: Path, text: str) -> object:
    path = tmp_path / "compose.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return load_project([path])


def test_service_role(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        """
        x-train: &train
          command: ["torchrun", "train.py"]
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            command: --model-id m
          train:
            <<: *train
            image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
          nb:
            build: .
          app:
            image: python:3.11
            command: python app.py
        """,
    )
    services = {s.name: s for s in project.services}  # type: ignore[attr-defined]
    assert service_role(services["tgi"]) == Role(SERVING, "tgi", "image")
    assert service_role(services["train"]) == Role(TRAINING, None, "command")
    assert service_role(services["app"]) == Role(UNKNOWN)
    assert service_role(services["nb"]) == Role(UNKNOWN)
    df = _df(tmp_path, 'FROM python:3.11\nCMD ["jupyter", "lab"]\n')
    assert service_role(services["nb"], df) == Role(NOTEBOOK, "jupyter", "Dockerfile CMD")  # type: ignore[arg-type]


def test_compose_args_point_at_each_word(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            command: --model-id m --trust-remote-code
        """,
    )
    service = project.services[0]  # type: ignore[attr-defined]
    args = compose_args(service.get("command"), project.sources)  # type: ignore[attr-defined]
    assert args is not None
    assert [a.value for a in args] == ["--model-id", "m", "--trust-remote-code"]
    assert (args[2].span.line, args[2].span.column) == (4, 27)


def test_port_of_a_recognised_tool_is_an_error(tmp_path: Path) -> None:
    """ML204 uses the role: Jupyter moved to another port is still Jupyter."""
    from mllint.lint import Settings, lint

    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n"
        "  nb:\n"
        "    image: python:3.11\n"
        "    command: jupyter lab --ip 0.0.0.0 --port 9999\n"
        "    ports: ['9999:9999']\n"
        "  api:\n"
        "    image: python:3.11\n"
        "    command: uvicorn app:app --port 9000\n"
        "    ports: ['9000:9000']\n",
        encoding="utf-8",
    )
    report = lint([str(path)], Settings(select=["ML204"]))
    found = {(f.span.line, str(f.severity)) for f in report.findings}
    assert found == {(5, "error"), (9, "warning")}
    assert "(Jupyter)" in report.findings[0].message


def test_roles_are_in_the_json_report(tmp_path: Path) -> None:
    import json

    from tests.helpers import ROOT, run_cli, write

    write(tmp_path, "lone/Dockerfile", 'FROM python:3.12\nCMD ["jupyter", "lab"]\n')
    result = run_cli("--isolated", "--format", "json", str(ROOT / "examples" / "ml-project"),
                     str(tmp_path / "lone"))  # fmt: skip
    roles = {(r["service"], r["role"], r["kind"]) for r in json.loads(result.stdout)["roles"]}
    assert ("serve", "serving", "vllm") in roles
    assert ("train", "training", None) in roles
    assert (None, "notebook", "jupyter") in roles
    sarif = run_cli("--isolated", "--format", "sarif", str(tmp_path / "lone"))
    assert '"roles"' not in sarif.stdout  # only the JSON report says them
