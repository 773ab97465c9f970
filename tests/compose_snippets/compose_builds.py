"""Compose ML rules on services that build their image (ML633, ML635, ML621, ML509): what the
service runs, its base image, cache ENV and HEALTHCHECK come from the Dockerfile it builds."""

from __future__ import annotations

Files = str | dict[str, str]

TORCHRUN_DF = """\
FROM pytorch/pytorch:2.4.1-cuda12.1-cudnn9-devel
WORKDIR /app
COPY . .
CMD ["torchrun", "--nproc_per_node=4", "train.py"]
"""
ACCELERATE_DF = """\
FROM python:3.11-slim
RUN pip install --no-cache-dir accelerate==1.0.1 torch==2.4.1
CMD accelerate launch --multi_gpu train.py
"""
VLLM_DF = """\
FROM vllm/vllm-openai:v0.6.3
ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "Qwen/Qwen2-7B"]
"""
FLASK_DF = """\
FROM python:3.11-slim
RUN pip install --no-cache-dir flask==3.0.3
CMD ["flask", "run", "--host", "0.0.0.0"]
"""


def _built(body: str, dockerfile: str) -> dict[str, str]:
    return {"compose.yaml": "services:\n  svc:\n    build: .\n" + body, "Dockerfile": dockerfile}


CASES: list[tuple[Files, str, list[int | str]]] = [
    # ------------------------------------------------------------------ ML633 shm-too-small
    (_built("    gpus: all\n", TORCHRUN_DF), "ML633", [2]),
    (_built("    gpus: all\n", ACCELERATE_DF), "ML633", [2]),
    (_built("    gpus: all\n    shm_size: 256m\n", TORCHRUN_DF), "ML633", [5]),
    (
        _built(
            "    gpus: all\n",
            'FROM nvcr.io/nvidia/pytorch:24.08-py3 AS base\nFROM base\nCMD ["python", "x.py"]\n',
        ),
        "ML633",
        [2],
    ),
    (
        "services:\n  lab:\n    image: quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07\n"
        "    gpus: all\n",
        "ML633",
        [2],
    ),
    (_built("", TORCHRUN_DF), "ML633", []),  # no GPUs
    (_built("    gpus: all\n    shm_size: 8gb\n", TORCHRUN_DF), "ML633", []),
    (_built("    gpus: all\n    ipc: host\n", TORCHRUN_DF), "ML633", []),
    (_built("    gpus: all\n", FLASK_DF), "ML633", []),
    (_built("    gpus: all\n", "FROM ollama/ollama:0.3.14\n"), "ML633", []),
    # compose's entrypoint replaces the image's CMD; the base image says nothing about PyTorch
    (_built("    gpus: all\n    entrypoint: [nvidia-smi]\n", ACCELERATE_DF), "ML633", []),
    # the build's Dockerfile is not there: unknown
    (
        "services:\n  svc:\n    build:\n      context: ./missing\n    gpus: all\n",
        "ML633",
        [],
    ),
    (
        "services:\n  lab:\n    image: quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07\n",
        "ML633",
        [],
    ),
    # ------------------------------------------------------------------ ML635 nccl-ulimits
    (_built("    gpus: all\n    shm_size: 16gb\n", TORCHRUN_DF), "ML635", [4]),
    (_built("    shm_size: 16gb\n    gpus: all\n", ACCELERATE_DF), "ML635", [5]),
    (
        _built(
            "    gpus: all\n    shm_size: 16gb\n    ulimits:\n      memlock: -1\n",
            TORCHRUN_DF,
        ),
        "ML635",
        [6],
    ),
    (
        _built(
            "    gpus: all\n    shm_size: 16gb\n",
            "FROM pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime\nENV NCCL_DEBUG=INFO\n"
            'CMD ["python", "eval.py"]\n',
        ),
        "ML635",
        [4],
    ),
    (
        _built(
            "    gpus: all\n    shm_size: 16gb\n    ulimits:\n      memlock: -1\n"
            "      stack: 67108864\n",
            TORCHRUN_DF,
        ),
        "ML635",
        [],
    ),
    (_built("    gpus: 1\n    shm_size: 16gb\n", TORCHRUN_DF), "ML635", []),
    (_built("    shm_size: 16gb\n", TORCHRUN_DF), "ML635", []),
    (
        _built("    gpus: all\n    shm_size: 16gb\n    command: [python, eval.py]\n", TORCHRUN_DF),
        "ML635",
        [],
    ),
    (_built("    gpus: all\n    ipc: host\n", VLLM_DF), "ML635", []),
    # ------------------------------------------------------ ML621 model-server-healthcheck
    (_built("    gpus: all\n", VLLM_DF), "ML621", [3]),
    (
        _built(
            "",
            "FROM ghcr.io/huggingface/text-generation-inference:2.4.0\n"
            "HEALTHCHECK --interval=10s --start-period=30s CMD curl -f http://localhost/health\n",
        ),
        "ML621",
        ["Dockerfile:2"],
    ),
    (
        _built("", "FROM vllm/vllm-openai:v0.6.3\nHEALTHCHECK CMD curl -f localhost:8000/health\n"),
        "ML621",
        ["Dockerfile:2"],
    ),
    (
        _built(
            "",
            'FROM python:3.11-slim\nRUN pip install vllm==0.6.3\nCMD ["vllm", "serve", "m"]\n',
        ),
        "ML621",
        [3],
    ),
    (
        _built(
            "    healthcheck:\n      start_period: 20s\n",
            "FROM vllm/vllm-openai:v0.6.3\n"
            "HEALTHCHECK --interval=10s --start-period=10m CMD curl -f localhost:8000/health\n",
        ),
        "ML621",
        [5],
    ),
    (
        _built(
            "",
            "FROM vllm/vllm-openai:v0.6.3\n"
            "HEALTHCHECK --interval=30s --start-period=10m CMD curl -f localhost:8000/health\n",
        ),
        "ML621",
        [],
    ),
    (
        _built(
            "    healthcheck:\n      test: [CMD, curl, -f, 'localhost:8000/health']\n",
            "FROM vllm/vllm-openai:v0.6.3\n"
            "HEALTHCHECK --interval=10s --start-period=5m CMD curl -f localhost:8000/health\n",
        ),
        "ML621",
        [],
    ),
    (
        _built(
            "    healthcheck:\n      start_period: 10m\n",
            "FROM vllm/vllm-openai:v0.6.3\n"
            "HEALTHCHECK --interval=10s --start-period=20s CMD curl -f localhost:8000/health\n",
        ),
        "ML621",
        [],
    ),
    (_built("", FLASK_DF), "ML621", []),
    (
        "services:\n  svc:\n    build: ./missing\n    command: [vllm, serve, m]\n",
        "ML621",
        [],
    ),
    (
        _built("", "FROM localai/localai:v2.22.1-aio-gpu-nvidia-cuda-12\n"),
        "ML621",
        [],
    ),
    # ------------------------------------------------------ ML509 model-cache-not-persisted
    (_built("    gpus: all\n", VLLM_DF), "ML509", [3]),
    (
        _built("", "FROM ollama/ollama:0.3.14\nENV OLLAMA_MODELS=/models\n"),
        "ML509",
        [3],
    ),
    (
        _built(
            "    volumes:\n      - hf:/root/.cache/huggingface\n",
            "FROM vllm/vllm-openai:v0.6.3\nENV HF_HOME=/models/hf\n"
            'ENTRYPOINT ["vllm", "serve", "m"]\n',
        ),
        "ML509",
        [3],
    ),
    (
        _built(
            "    volumes:\n      - hf:/models/hf\n",
            "FROM vllm/vllm-openai:v0.6.3\nENV HF_HOME=/models/hf\n"
            'ENTRYPOINT ["vllm", "serve", "m"]\n',
        ),
        "ML509",
        [],
    ),
    (_built("    volumes:\n      - hf:/root/.cache/huggingface\n", VLLM_DF), "ML509", []),
    (
        _built(
            "",
            "FROM vllm/vllm-openai:v0.6.3\nRUN huggingface-cli download Qwen/Qwen2-0.5B-Instruct\n",
        ),
        "ML509",
        [],
    ),
    (
        _built("", 'FROM vllm/vllm-openai:v0.6.3\nENTRYPOINT ["vllm", "serve", "/models/q"]\n'),
        "ML509",
        [],
    ),
    (_built("    env_file: .env.example\n", VLLM_DF), "ML509", []),
    (_built("", FLASK_DF), "ML509", []),
    (
        "services:\n  svc:\n    build: ./missing\n    command: [vllm, serve, m]\n",
        "ML509",
        [],
    ),
]
