"""Small Dockerfiles for the ML service rules: a devel CUDA image shipped as the final stage
(ML620), Jupyter without authentication (ML414) and insecure model-server flags (ML415).

Each case is ``(snippet, rule, expected_lines)``, as in tests/snippets/e.py."""

from __future__ import annotations

import textwrap

_WRITTEN: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------------ ML620
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        RUN pip install --no-cache-dir vllm==0.6.3
        CMD ["vllm", "serve", "Qwen/Qwen2-7B"]
        """,
        "ML620",
        [1],
    ),
    (
        """
        FROM pytorch/pytorch:2.4.1-cuda12.1-cudnn9-devel
        COPY train.py /app/
        CMD ["torchrun", "--nproc_per_node", "2", "/app/train.py"]
        """,
        "ML620",
        [1],
    ),
    (
        """
        ARG CUDA=12.4.1
        FROM nvcr.io/nvidia/cuda:${CUDA}-devel-ubuntu22.04 AS base
        RUN pip install --no-cache-dir -r requirements.txt
        FROM base
        CMD ["python", "app.py"]
        """,
        "ML620",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        RUN apt-get update && apt-get install -y --no-install-recommends python3-pip
        # RUN nvcc --version
        ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]
        """,
        "ML620",
        [1],
    ),
    # quiet: devel to runtime, compiled code, an unknown base, a runtime tag
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04 AS build
        RUN pip wheel --no-cache-dir flash-attn==2.6.3 -w /wheels
        FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
        COPY --from=build /wheels /wheels
        """,
        "ML620",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        RUN pip install --no-cache-dir flash-attn==2.6.3 --no-build-isolation
        """,
        "ML620",
        [],
    ),
    (
        """
        FROM pytorch/pytorch:2.4.1-cuda12.1-cudnn9-devel
        ENV TORCH_CUDA_ARCH_LIST="8.0;8.6;9.0"
        RUN pip install --no-cache-dir -e .
        """,
        "ML620",
        [],
    ),
    (
        """
        ARG BASE
        FROM ${BASE}
        CMD ["python", "serve.py"]
        """,
        "ML620",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        CMD ["python3", "serve.py"]
        """,
        "ML620",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-devel-ubuntu22.04
        RUN git clone https://github.com/ggml-org/llama.cpp && cmake -B build llama.cpp \\
            -DGGML_CUDA=ON && cmake --build build -j
        """,
        "ML620",
        [],
    ),
    (
        """
        FROM registry.example.com/nvidia/cuda:12.4.1-devel-ubuntu22.04
        CMD ["python3", "serve.py"]
        """,
        "ML620",
        [],
    ),
    # ------------------------------------------------------------------ ML414
    (
        """
        FROM quay.io/jupyter/pytorch-notebook:cuda12-python-3.11
        CMD ["start-notebook.py", "--IdentityProvider.token=''"]
        """,
        "ML414",
        [2],
    ),
    (
        """
        FROM python:3.11
        RUN pip install --no-cache-dir jupyterlab==4.2.5
        CMD jupyter lab --ip=0.0.0.0 --no-browser \\
            --ServerApp.token='' --ServerApp.password=''
        """,
        "ML414",
        [4],
    ),
    (
        """
        FROM python:3.11
        ENTRYPOINT ["sh", "-c", "jupyter notebook --NotebookApp.token= --allow-root"]
        """,
        "ML414",
        [2, 2],
    ),
    (
        """
        FROM quay.io/jupyter/base-notebook:2024-10-07
        CMD ["jupyter", "lab", "--ServerApp.disable_check_xsrf=True"]
        """,
        "ML414",
        [2],
    ),
    (
        """
        FROM quay.io/jupyter/base-notebook:2024-10-07
        ENV NOTEBOOK_ARGS="--IdentityProvider.token=''"
        """,
        "ML414",
        [2],
    ),
    # quiet: a token from the environment, an empty JUPYTER_TOKEN (Jupyter then makes one),
    # a commented-out flag, another program with a token option
    (
        """
        FROM quay.io/jupyter/base-notebook:2024-10-07
        CMD ["sh", "-c", "jupyter lab --IdentityProvider.token=${JUPYTER_TOKEN}"]
        """,
        "ML414",
        [],
    ),
    (
        """
        FROM quay.io/jupyter/base-notebook:2024-10-07
        ENV JUPYTER_TOKEN=""
        CMD ["start-notebook.py"]
        """,
        "ML414",
        [],
    ),
    (
        """
        FROM python:3.11
        # CMD jupyter lab --ServerApp.token=''
        CMD ["jupyter", "lab", "--ip=0.0.0.0"]
        """,
        "ML414",
        [],
    ),
    (
        """
        FROM python:3.11
        CMD ["python", "serve.py", "--ServerApp.token="]
        """,
        "ML414",
        [],
    ),
    (
        """
        FROM quay.io/jupyter/base-notebook:2024-10-07
        COPY jupyter_server_config.py /home/jovyan/.jupyter/
        CMD ["start-notebook.py", "--IdentityProvider.token=''"]
        """,
        "ML414",
        [],
    ),
    (
        """
        FROM quay.io/jupyter/base-notebook:2024-10-07
        CMD ["jupyter", "lab", "--ServerApp.token=", \
            "--PasswordIdentityProvider.hashed_password=argon2:abc"]
        """,
        "ML414",
        [],
    ),
    # ------------------------------------------------------------------ ML415
    (
        """
        FROM vllm/vllm-openai:v0.6.3
        CMD ["--model", "microsoft/Phi-3-mini-4k-instruct", "--trust-remote-code"]
        """,
        "ML415",
        [2],
    ),
    (
        """
        FROM python:3.11
        ENV CLI_ARGS="--listen --api --allow-code --enable-insecure-extension-access"
        """,
        "ML415",
        [2, 2],
    ),
    (
        """
        FROM pytorch/torchserve:0.12.0-gpu
        CMD ["torchserve", "--start", "--model-store", "/models", "--disable-token-auth"]
        """,
        "ML415",
        [2],
    ),
    (
        """
        FROM rayproject/ray:2.37.0-gpu
        CMD ray start --head --dashboard-host=0.0.0.0 --block
        """,
        "ML415",
        [2],
    ),
    (
        """
        FROM ghcr.io/mlflow/mlflow:v2.17.0
        CMD mlflow server --host 0.0.0.0 --allowed-hosts "*"
        """,
        "ML415",
        [2],
    ),
    (
        """
        FROM tensorflow/tensorflow:2.17.0
        CMD ["tensorboard", "--logdir", "/runs", "--bind_all"]
        """,
        "ML415",
        [2],
    ),
    # quiet: ray with token auth, mlflow on localhost, a commented flag, --share elsewhere
    (
        """
        FROM rayproject/ray:2.52.0-gpu
        ENV RAY_AUTH_MODE=token
        CMD ray start --head --dashboard-host=0.0.0.0 --block
        """,
        "ML415",
        [],
    ),
    (
        """
        FROM ghcr.io/mlflow/mlflow:v2.17.0
        CMD mlflow server --allowed-hosts "*"
        """,
        "ML415",
        [],
    ),
    (
        """
        FROM vllm/vllm-openai:v0.6.3
        # CMD ["--trust-remote-code"]
        CMD ["--model", "Qwen/Qwen2-7B"]
        """,
        "ML415",
        [],
    ),
    (
        """
        FROM python:3.11
        CMD ["rsync", "--share", "/data"]
        """,
        "ML415",
        [],
    ),
]

#: The snippets are written indented in triple quotes; the files they stand for are not.
CASES = [(textwrap.dedent(s).lstrip("\n"), rule, lines) for s, rule, lines in _WRITTEN]
