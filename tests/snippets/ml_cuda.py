"""Small Dockerfiles for the CUDA/framework compatibility rules ML601-ML609.

Each case is ``(snippet, rule, expected_lines)`` as in ``tests/snippets/e.py``: the lines the
rule reports, in order; an empty list means the rule must stay quiet."""

from __future__ import annotations

import textwrap

_CU = "https://download.pytorch.org/whl"

_WRITTEN: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------------ ML601 fires
    (
        f"""
        FROM nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04
        RUN pip install torch==2.4.1 --index-url {_CU}/cu124
        RUN pip install flash-attn==2.6.3 --no-build-isolation
        """,
        "ML601",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.1.2+cu118 \\
            -f https://download.pytorch.org/whl/torch_stable.html
        """,
        "ML601",
        [2],
    ),
    (
        """
        FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel
        RUN pip install torch==2.12.1
        """,
        "ML601",
        [2],
    ),
    (
        f"""
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS base
        ENV UV_INDEX_URL={_CU}/cu118
        FROM base AS build
        RUN uv pip install --system torch==2.3.1
        RUN nvcc -o kernel kernel.cu
        """,
        "ML601",
        [4],
    ),
    (
        """
        FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04
        RUN uv pip install --system --torch-backend cu126 torch==2.7.1
        """,
        "ML601",
        [2],
    ),
    # ------------------------------------------------------------------ ML601 quiet
    (
        """
        FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04
        RUN pip install torch
        """,
        "ML601",
        [],
    ),
    (
        f"""
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS build
        RUN pip install torch==2.3.1 --index-url {_CU}/cu121
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        COPY --from=build /usr/local/lib/python3.10 /usr/local/lib/python3.10
        """,
        "ML601",
        [],
    ),
    (
        """
        ARG BASE_IMAGE
        FROM ${BASE_IMAGE}
        RUN pip install torch==2.11.0
        """,
        "ML601",
        [],
    ),
    (
        """
        FROM nvcr.io/nvidia/pytorch:24.01-py3
        RUN pip install torch==2.11.0
        """,
        "ML601",
        [],
    ),
    (
        """
        FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04
        RUN pip install -r requirements.txt torch==2.11.0
        """,
        "ML601",
        [],
    ),
    (
        """
        FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04
        RUN pip config set global.index-url https://mirror.example.com/simple
        RUN pip install torch==2.11.0
        """,
        "ML601",
        [],
    ),
    # ------------------------------------------------------------------ ML602
    (
        f"""
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN pip install torch==2.3.1 --index-url {_CU}/cpu
        """,
        "ML602",
        [2],
    ),
    (
        """
        FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime
        RUN pip install torch==2.3.1+cpu
        """,
        "ML602",
        [2],
    ),
    (
        f"""
        FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
        ENV PIP_INDEX_URL={_CU}/cpu
        RUN pip install --no-cache-dir torch torchvision
        """,
        "ML602",
        [3],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN conda install -y pytorch==2.3.1 cpuonly -c pytorch
        """,
        "ML602",
        [2],
    ),
    (
        f"""
        FROM python:3.11-slim
        RUN pip install torch==2.3.1 --index-url {_CU}/cpu
        """,
        "ML602",
        [],
    ),
    (
        f"""
        FROM quay.io/jupyter/pytorch-notebook:2024-05-13
        RUN pip install torch --index-url {_CU}/cpu
        """,
        "ML602",
        [],
    ),
    (
        f"""
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN pip install torch==2.3.1 --index-url {_CU}/cu121
        """,
        "ML602",
        [],
    ),
    (
        f"""
        FROM python:3.11-slim AS build
        RUN pip install torch==2.3.1 --index-url {_CU}/cpu
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        COPY --from=build /usr/local/lib/python3.11 /usr/local/lib/python3.11
        """,
        "ML602",
        [],
    ),
    # ------------------------------------------------------------------ ML603
    (
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN pip install torch==2.5.1
        """,
        "ML603",
        [2],
    ),
    (
        f"""
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN pip install torch==2.7.1 --index-url {_CU}/cu128
        """,
        "ML603",
        [2],
    ),
    (
        """
        FROM pytorch/pytorch:2.1.2-cuda12.1-cudnn8-runtime
        RUN pip install torch==2.6.0
        """,
        "ML603",
        [2],
    ),
    (
        f"""
        ARG CUDA=12.2.2
        FROM nvidia/cuda:${{CUDA}}-runtime-ubuntu22.04
        RUN pip install torch==2.6.0 --extra-index-url {_CU}/cu126
        """,
        "ML603",
        [3],
    ),
    (
        """
        FROM nvidia/cuda:12.6.3-runtime-ubuntu22.04
        RUN pip install torch==2.5.1
        """,
        "ML603",
        [],
    ),
    (
        f"""
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN pip install torch==2.5.1 --index-url {_CU}/cu121
        """,
        "ML603",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN pip install "torch>=2.5"
        """,
        "ML603",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN pip install torch==2.5.1 --index-url https://artifactory.example.com/api/pypi/simple
        """,
        "ML603",
        [],
    ),
    # ------------------------------------------------------------------ ML604
    (
        """
        FROM python:3.11-slim
        RUN pip install torch==2.3.1 torchvision==0.17.2
        """,
        "ML604",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install torch==2.2.2 \\
            torchaudio==2.2.1
        """,
        "ML604",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install torch==2.1.2+cu121 torchvision==0.16.2+cpu
        """,
        "ML604",
        [2],
    ),
    (
        """
        FROM python:3.11-slim AS base
        RUN pip install torch==2.5.1
        FROM base
        RUN pip install torchvision==0.19.1 torchaudio==2.5.1
        """,
        "ML604",
        [4],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install torch==2.5.1 torchvision==0.20.1 torchaudio==2.5.1
        """,
        "ML604",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install torch==2.5.1 torchvision torchaudio
        """,
        "ML604",
        [],
    ),
    (
        """
        FROM python:3.11-slim AS a
        RUN pip install torch==2.5.1
        FROM python:3.11-slim AS b
        RUN pip install torchvision==0.18.1
        """,
        "ML604",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install torch==2.12.1 torchvision==0.27.0
        """,
        "ML604",
        [],
    ),
    # ------------------------------------------------------------------ ML605
    (
        """
        FROM python:3.10-slim
        RUN pip install tensorflow-gpu
        """,
        "ML605",
        [2],
    ),
    (
        """
        FROM python:3.10-slim
        RUN pip install tensorflow-gpu==2.9.1
        """,
        "ML605",
        [2],
    ),
    (
        """
        FROM python:3.10-slim
        RUN pip install "jax[cuda11_cudnn86]==0.4.7"
        """,
        "ML605",
        [2],
    ),
    (
        """
        FROM python:3.10-slim
        RUN pip install torch==1.13.1+cu117 -f https://download.pytorch.org/whl/torch_stable.html
        """,
        "ML605",
        [2],
    ),
    (
        """
        FROM python:3.10-slim
        RUN pip install "tensorflow[and-cuda]==2.16.1"
        """,
        "ML605",
        [],
    ),
    (
        """
        FROM python:3.10-slim
        RUN pip install "jax[cuda12]"
        """,
        "ML605",
        [],
    ),
    (
        """
        FROM python:3.10-slim
        RUN pip install torch-scatter -f https://data.pyg.org/whl/torch-2.4.0+cu121.html
        """,
        "ML605",
        [],
    ),
    (
        """
        FROM python:3.10-slim
        RUN echo "pip install tensorflow-gpu" > /notes.txt
        """,
        "ML605",
        [],
    ),
    # ------------------------------------------------------------------ ML606
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
        RUN pip install tensorflow==2.17.0
        """,
        "ML606",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
        RUN pip install tensorflow==2.20.0
        """,
        "ML606",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.3.2-runtime-ubuntu22.04
        RUN pip install tensorflow==2.16.1
        """,
        "ML606",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04
        RUN pip install "tensorflow[and-cuda]==2.15.1"
        """,
        "ML606",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
        RUN pip install tensorflow==2.15.0
        """,
        "ML606",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.5.1-base-ubuntu22.04
        RUN pip install "tensorflow[and-cuda]==2.18.0"
        """,
        "ML606",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install tensorflow==2.16.1
        """,
        "ML606",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.3.2-runtime-ubuntu22.04
        RUN pip install nvidia-cudnn-cu12==8.9.7.29 tensorflow==2.16.1
        """,
        "ML606",
        [],
    ),
    # ------------------------------------------------------------------ ML607
    (
        """
        FROM nvidia/cuda:12.6.3-runtime-ubuntu22.04
        RUN pip install "jax[cuda13]"
        """,
        "ML607",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:13.0.2-runtime-ubuntu24.04
        RUN pip install "jax[cuda12]==0.4.30"
        """,
        "ML607",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.6.3-base-ubuntu22.04
        RUN pip install "jax[cuda12-local]==0.4.30"
        """,
        "ML607",
        [2],
    ),
    (
        """
        FROM pytorch/pytorch:2.3.0-cuda11.8-cudnn8-runtime
        RUN pip install "jax[cuda12]==0.4.30"
        """,
        "ML607",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.6.3-runtime-ubuntu22.04
        RUN pip install "jax[cuda12]==0.4.30"
        """,
        "ML607",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04
        RUN pip install "jax[cuda12-local]==0.4.30"
        """,
        "ML607",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install "jax[cuda12]==0.4.30"
        """,
        "ML607",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.6.3-runtime-ubuntu22.04
        RUN pip install "jax[cpu]==0.4.30"
        """,
        "ML607",
        [],
    ),
    # ------------------------------------------------------------------ ML608
    (
        """
        FROM nvidia/cuda:10.2-cudnn7-devel-ubuntu18.04
        """,
        "ML608",
        [1],
    ),
    (
        """
        FROM nvidia/cuda:11.3.1-cudnn8-runtime-ubuntu20.04 AS a
        FROM nvidia/cuda:11.6.2-base-ubuntu20.04
        """,
        "ML608",
        [1, 2],
    ),
    (
        """
        ARG CUDA_VERSION=11.7.1
        FROM nvidia/cuda:${CUDA_VERSION}-devel-ubuntu22.04
        """,
        "ML608",
        [2],
    ),
    (
        """
        FROM docker.io/nvidia/cuda:11.0.3-base-ubuntu20.04
        """,
        "ML608",
        [1],
    ),
    (
        """
        FROM nvidia/cuda:11.8.0-devel-ubuntu22.04
        """,
        "ML608",
        [],
    ),
    (
        """
        FROM harbor.example.com/nvidia/cuda:11.3.1-devel-ubuntu20.04
        """,
        "ML608",
        [],
    ),
    (
        """
        FROM pytorch/pytorch:1.12.1-cuda11.3-cudnn8-runtime
        """,
        "ML608",
        [],
    ),
    (
        """
        ARG CUDA_VERSION
        FROM nvidia/cuda:${CUDA_VERSION}-devel-ubuntu22.04
        """,
        "ML608",
        [],
    ),
    # ------------------------------------------------------------------ ML609
    (
        """
        FROM tensorflow/tensorflow:latest-gpu-jupyter
        """,
        "ML609",
        [1],
    ),
    (
        """
        FROM pytorch/pytorch:nightly
        """,
        "ML609",
        [1],
    ),
    (
        """
        FROM nvidia/cuda:11.0-base
        """,
        "ML609",
        [1],
    ),
    (
        """
        FROM ghcr.io/huggingface/text-generation-inference:latest-intel AS tgi
        FROM ollama/ollama:rocm
        """,
        "ML609",
        [1, 2],
    ),
    (
        """
        FROM tensorflow/tensorflow:latest
        """,
        "ML609",
        [],
    ),
    (
        """
        FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
        """,
        "ML609",
        [],
    ),
    (
        """
        FROM ubuntu:devel
        """,
        "ML609",
        [],
    ),
    (
        """
        ARG TF_TAG=2.16.1-gpu
        FROM tensorflow/tensorflow:${TF_TAG}
        """,
        "ML609",
        [],
    ),
]

#: The snippets are written indented in triple quotes; the files they stand for are not.
CASES = [(textwrap.dedent(s).lstrip("\n"), rule, lines) for s, rule, lines in _WRITTEN]

# An arm64 stage: PyPI's aarch64 torch wheels are not the x86_64 CUDA builds the defaults
# were measured on, so a plain pin is not judged.
CASES.append(
    (
        "FROM --platform=linux/arm64 nvidia/cuda:11.8.0-runtime-ubuntu22.04\n"
        "RUN pip install torch==2.11.0\n",
        "ML601",
        [],
    )
)
CASES.append(
    (
        "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\n"
        "RUN pip config set global.index-url https://mirror.example.com/simple \\\n"
        "    && pip install torch==2.11.0\n",
        "ML601",
        [],
    )
)
