"""Compose cases for the ML service rules: Jupyter without authentication (ML414), insecure
model-server flags (ML415), model caches without a volume (ML509), legacy Hugging Face cache
variables (ML511) and model servers without a usable healthcheck (ML621)."""

from __future__ import annotations

import textwrap

Files = str | dict[str, str]


def _d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


_WRITTEN: list[tuple[Files, str, list[int | str]]] = [
    # ------------------------------------------------------------------ ML414
    (
        """
        services:
          nb:
            image: quay.io/jupyter/pytorch-notebook:cuda12-python-3.11
            command: start-notebook.py --IdentityProvider.token=''
            ports: ["8888:8888"]
        """,
        "ML414",
        [4],
    ),
    (
        """
        services:
          nb:
            image: quay.io/jupyter/pytorch-notebook:cuda12-python-3.11
            command: ["jupyter", "lab", "--ServerApp.token=", "--allow-root"]
            ports: ["127.0.0.1:8888:8888"]
        """,
        "ML414",
        [4, 4],
    ),
    (
        """
        services:
          nb:
            image: python:3.11
            command: >
              bash -c "pip install jupyterlab &&
              jupyter lab --ip 0.0.0.0 --NotebookApp.token=''"
        """,
        "ML414",
        [6],
    ),
    (
        {
            "compose.yaml": _d(
                """
                services:
                  nb:
                    image: quay.io/jupyter/base-notebook:2024-10-07
                    ports: ["8888:8888"]
                """
            ),
            "compose.override.yaml": _d(
                """
                services:
                  nb:
                    environment:
                      NOTEBOOK_ARGS: --IdentityProvider.token=''
                """
            ),
        },
        "ML414",
        ["compose.override.yaml:4"],
    ),
    (
        {
            "compose.yaml": _d(
                """
                services:
                  nb:
                    build: .
                    ports: ["8888:8888"]
                """
            ),
            "Dockerfile": _d(
                """
                FROM python:3.11
                CMD ["jupyter", "lab", "--ServerApp.token=''"]
                """
            ),
        },
        "ML414",
        ["Dockerfile:2"],
    ),
    # quiet: token from the deploy environment, an empty JUPYTER_TOKEN, env_file, a comment
    (
        """
        services:
          nb:
            image: quay.io/jupyter/base-notebook:2024-10-07
            command: start-notebook.py --IdentityProvider.token=${JUPYTER_TOKEN}
            ports: ["8888:8888"]
        """,
        "ML414",
        [],
    ),
    (
        """
        services:
          nb:
            image: quay.io/jupyter/base-notebook:2024-10-07
            environment:
              JUPYTER_TOKEN: ""
            env_file: .env.jupyter
            ports: ["8888:8888"]
        """,
        "ML414",
        [],
    ),
    (
        """
        services:
          nb:
            image: quay.io/jupyter/base-notebook:2024-10-07
            # command: start-notebook.py --IdentityProvider.token=''
            command: start-notebook.py --ServerApp.root_dir=/work
        """,
        "ML414",
        [],
    ),
    (
        """
        services:
          nb:
            image: quay.io/jupyter/base-notebook:2024-10-07
            command: start-notebook.py --IdentityProvider.token=$$JUPYTER_TOKEN
        """,
        "ML414",
        [],
    ),
    (
        """
        services:
          nb:
            image: quay.io/jupyter/base-notebook:2024-10-07
            command: start-notebook.py --IdentityProvider.token=''
            volumes:
              - ./jupyter_server_config.py:/home/jovyan/.jupyter/jupyter_server_config.py:ro
            ports: ["8888:8888"]
        """,
        "ML414",
        [],
    ),
    # ------------------------------------------------------------------ ML415
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            command: --model-id microsoft/Phi-3-mini-4k-instruct --trust-remote-code
        """,
        "ML415",
        [4],
    ),
    (
        """
        services:
          webui:
            image: ghcr.io/example/sd-webui:1.10.1
            environment:
              - CLI_ARGS=--allow-code --medvram --xformers --enable-insecure-extension-access
            ports: ["${WEBUI_PORT:-7860}:7860"]
        """,
        "ML415",
        [5, 5],
    ),
    (
        """
        x-ray: &ray
          image: rayproject/ray:2.37.0-gpu
          command: ray start --head --dashboard-host=0.0.0.0 --block
        services:
          head:
            <<: *ray
            ports: ["8265:8265"]
        """,
        "ML415",
        [3],
    ),
    (
        """
        services:
          vllm:
            image: vllm/vllm-openai:v0.6.3
            command: ["--model", "Qwen/Qwen2-7B"]
            ports: ["8000:8000"]
        """,
        "ML415",
        [5],
    ),
    (
        """
        services:
          tb:
            image: tensorflow/tensorflow:2.17.0
            command: tensorboard --logdir /runs --bind_all
            ports: ["6006:6006"]
        """,
        "ML415",
        [4],
    ),
    # quiet: vLLM with a key, or on localhost; ray with token auth; env_file may set it
    (
        """
        services:
          vllm:
            image: vllm/vllm-openai:v0.6.3
            command: ["--model", "Qwen/Qwen2-7B"]
            environment:
              VLLM_API_KEY: ${VLLM_API_KEY}
            ports: ["8000:8000"]
        """,
        "ML415",
        [],
    ),
    (
        """
        services:
          vllm:
            image: vllm/vllm-openai:v0.6.3
            command: ["--model", "Qwen/Qwen2-7B"]
            ports: ["127.0.0.1:8000:8000"]
        """,
        "ML415",
        [],
    ),
    (
        """
        services:
          head:
            image: rayproject/ray:2.52.0-gpu
            command: ray start --head --dashboard-host=0.0.0.0 --block
            environment:
              RAY_AUTH_MODE: token
        """,
        "ML415",
        [],
    ),
    (
        """
        services:
          head:
            image: rayproject/ray:2.52.0-gpu
            command: ray start --head --dashboard-host=0.0.0.0 --block
            env_file: ray.env
        """,
        "ML415",
        [],
    ),
    # ------------------------------------------------------------------ ML509
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            command: --model-id Qwen/Qwen2-7B
        """,
        "ML509",
        [3],
    ),
    (
        """
        services:
          ollama:
            image: ollama/ollama:0.3.14
            volumes:
              - ./data:/data
        """,
        "ML509",
        [3],
    ),
    (
        """
        services:
          train:
            image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
            environment:
              HF_HOME: ${HF_HOME:-/cache/hf}
            volumes:
              - ./out:/out
        """,
        "ML509",
        [5],
    ),
    (
        {
            "compose.yaml": _d(
                """
                services:
                  vllm:
                    image: vllm/vllm-openai:v0.6.3
                    volumes:
                      - hf:/root/.cache/huggingface
                volumes:
                  hf:
                """
            ),
            "compose.override.yaml": _d(
                """
                services:
                  vllm:
                    environment:
                      HF_HOME: /models
                """
            ),
        },
        "ML509",
        ["compose.override.yaml:4"],
    ),
    (
        """
        services:
          tei:
            image: ghcr.io/huggingface/text-embeddings-inference:cpu-1.5
            volumes:
              - type: tmpfs
                target: /data
        """,
        "ML509",
        [3],
    ),
    # quiet: a named volume, a parent folder, a child of the cache, built locally
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            volumes:
              - tgi-data:/data
        volumes:
          tgi-data:
        """,
        "ML509",
        [],
    ),
    (
        """
        services:
          vllm:
            image: vllm/vllm-openai:v0.6.3
            volumes:
              - ~/.cache:/root/.cache
        """,
        "ML509",
        [],
    ),
    (
        """
        services:
          train:
            image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
            environment:
              HF_HOME: /cache/hf
            volumes:
              - ./hub:/cache/hf/hub
        """,
        "ML509",
        [],
    ),
    (
        """
        services:
          ollama:
            build: ./ollama
            command: ollama serve
        """,
        "ML509",
        [],
    ),
    (
        """
        services:
          ollama:
            image: ollama/ollama:0.3.14
            volumes:
              - ${OLLAMA_DIR}:/root/.ollama
        """,
        "ML509",
        [],
    ),
    (
        """
        services:
          vllm:
            image: vllm/vllm-openai:v0.6.3
            command: ["--model", "/models/Qwen2-7B-Instruct"]
            volumes:
              - ./models:/models:ro
        """,
        "ML509",
        [],
    ),
    (
        """
        services:
          vllm:
            image: vllm/vllm-openai:v0.6.3
            command: --model Qwen/Qwen2-7B --download-dir /weights
            volumes:
              - hf:/root/.cache/huggingface
        volumes:
          hf:
        """,
        "ML509",
        [3],
    ),
    # ------------------------------------------------------------------ ML511
    (
        """
        services:
          train:
            image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
            environment:
              TRANSFORMERS_CACHE: /cache
        """,
        "ML511",
        [5],
    ),
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            environment:
              - HUGGING_FACE_HUB_TOKEN=${HF_TOKEN}
        """,
        "ML511",
        [5],
    ),
    (
        """
        x-env: &env
          HUGGINGFACE_HUB_CACHE: /data
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            environment:
              <<: *env
        """,
        "ML511",
        [2],
    ),
    # quiet: new names, both names set on purpose, HF_HOME set
    (
        """
        services:
          train:
            image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
            environment:
              HF_HUB_CACHE: /cache
              HF_TOKEN: ${HF_TOKEN}
        """,
        "ML511",
        [],
    ),
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            environment:
              HF_TOKEN: ${HF_TOKEN}
              HUGGING_FACE_HUB_TOKEN: ${HF_TOKEN}
        """,
        "ML511",
        [],
    ),
    (
        """
        services:
          train:
            image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
            environment:
              HF_HOME: /cache
              TRANSFORMERS_CACHE: /cache/hub
        """,
        "ML511",
        [],
    ),
    # ------------------------------------------------------------------ ML621
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            command: --model-id Qwen/Qwen2-7B
        """,
        "ML621",
        [3],
    ),
    (
        """
        services:
          vllm:
            image: vllm/vllm-openai:v0.6.3
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
              interval: 30s
        """,
        "ML621",
        [4],
    ),
    (
        """
        services:
          triton:
            image: nvcr.io/nvidia/tritonserver:24.08-py3
            command: tritonserver --model-repository=/models
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8000/v2/health/ready"]
              start_period: ${START:-30s}
        """,
        "ML621",
        [7],
    ),
    (
        """
        services:
          ollama:
            image: ollama/ollama:0.3.14
            healthcheck:
              disable: true
        """,
        "ML621",
        [5],
    ),
    (
        {
            "compose.yaml": _d(
                """
                services:
                  tei:
                    image: ghcr.io/huggingface/text-embeddings-inference:cpu-1.5
                    healthcheck:
                      test: ["CMD", "curl", "-f", "http://localhost:80/health"]
                      start_period: 5m
                """
            ),
            "compose.override.yaml": _d(
                """
                services:
                  tei:
                    healthcheck:
                      start_period: 20s
                """
            ),
        },
        "ML621",
        ["compose.override.yaml:4"],
    ),
    # quiet: a healthcheck from an anchor, extends, a built image, an image with its own
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:80/health"]
              interval: ${HC_INTERVAL}
        """,
        "ML621",
        [],
    ),
    (
        """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:80/health"]
              interval: 30s
              retries: 20
              start_period: 10s
        """,
        "ML621",
        [],
    ),
    (
        """
        x-health: &health
          healthcheck:
            test: ["CMD", "curl", "-f", "http://localhost:80/health"]
            start_period: 10m
        services:
          tgi:
            <<: *health
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
        """,
        "ML621",
        [],
    ),
    (
        """
        services:
          base:
            image: ghcr.io/example/base:1
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
              start_period: 600s
          vllm:
            extends: base
            image: vllm/vllm-openai:v0.6.3
        """,
        "ML621",
        [],
    ),
    (
        """
        services:
          api:
            build: .
            command: vllm serve Qwen/Qwen2-7B
        """,
        "ML621",
        [],
    ),
    (
        """
        services:
          localai:
            image: localai/localai:v2.22.1-aio-gpu-nvidia-cuda-12
        """,
        "ML621",
        [],
    ),
    (
        """
        services:
          nb:
            image: quay.io/jupyter/base-notebook:2024-10-07
          app:
            image: python:3.11
            command: uvicorn app:app
        """,
        "ML621",
        [],
    ),
]

CASES = [
    (_d(files) if isinstance(files, str) else files, rule, lines) for files, rule, lines in _WRITTEN
]
