"""The first rules of the catalog, in the snippet table too: unpinned bases (ML101), unpinned
pip packages (ML102), root (ML201), pip's cache (ML301), credentials in ENV/ARG (ML401), remote
scripts piped to a shell (ML402), weights copied in (ML501)."""

from __future__ import annotations

_PY = "FROM python:3.12-slim\n"

CASES: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------------ ML101
    ("FROM ubuntu\n", "ML101", [1]),
    ("FROM nvidia/cuda:latest\n", "ML101", [1]),
    ("ARG TAG=latest\nFROM pytorch/pytorch:${TAG}\n", "ML101", [2]),
    ("FROM python:3.12-slim\n", "ML101", []),
    ("ARG BASE\nFROM ${BASE}\n", "ML101", []),
    ("FROM python:3.12 AS build\nFROM build\n", "ML101", []),
    ("FROM registry.example.com:5000/ml/trainer:1.4\n", "ML101", []),
    # ------------------------------------------------------------------ ML102
    (_PY + "RUN pip install requests\n", "ML102", [2]),
    (_PY + "RUN python -m pip install --no-cache-dir numpy==2.1.0 pandas\n", "ML102", [2]),
    (_PY + "RUN pip install git+https://github.com/org/repo.git\n", "ML102", [2]),
    (_PY + "RUN pip install -r requirements.txt\n", "ML102", []),
    (_PY + "RUN pip install numpy==2.1.0 'pandas>=2.2'\n", "ML102", []),
    (_PY + "RUN pipx install ruff\n", "ML102", []),
    # ------------------------------------------------------------------ ML201
    (_PY + "RUN pip install numpy==2.1.0\n", "ML201", [1]),
    (_PY + "USER app\nUSER root\n", "ML201", [3]),
    ("FROM python:3.12 AS build\nUSER 1000\nFROM build\nUSER 0\n", "ML201", [4]),
    (_PY + "USER 1000:1000\n", "ML201", []),
    ("FROM python:3.12 AS build\nUSER root\nFROM python:3.12-slim\nUSER app\n", "ML201", []),
    (_PY + "ARG UID\nUSER ${UID}\n", "ML201", []),
    # ------------------------------------------------------------------ ML301
    (_PY + "RUN pip install numpy==2.1.0\n", "ML301", [2]),
    (_PY + "RUN python3 -m pip install torch==2.4.1\n", "ML301", [2]),
    (_PY + "RUN set -e; pip install a==1; pip install --no-cache-dir b==2\n", "ML301", [2]),
    (_PY + "RUN pip install --no-cache-dir numpy==2.1.0\n", "ML301", []),
    (_PY + "RUN --mount=type=cache,target=/root/.cache/pip pip install numpy==2.1.0\n",
     "ML301", []),
    (_PY + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install numpy==2.1.0\n", "ML301", []),
    # ------------------------------------------------------------------ ML401
    (_PY + "ENV HF_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n", "ML401", [2]),
    (_PY + "ARG WANDB_API_KEY\n", "ML401", [2]),
    (_PY + "ENV AWS_SECRET_ACCESS_KEY=abc123abc123abc123\n", "ML401", [2]),
    (_PY + "ENV MAX_NEW_TOKENS=512\n", "ML401", []),
    (_PY + "ENV TOKENIZERS_PARALLELISM=false\n", "ML401", []),
    (_PY + "ENV HF_HOME=/models/hf\n", "ML401", []),
    # ------------------------------------------------------------------ ML402
    (_PY + "RUN curl -fsSL https://astral.sh/uv/install.sh | sh\n", "ML402", [2]),
    (_PY + "RUN wget -qO- https://get.example.com | bash -s -- -y\n", "ML402", [2]),
    (_PY + "RUN curl -sSL https://example.com/x.py | python3 -\n", "ML402", [2]),
    (_PY + "RUN curl -fsSLo install.sh https://astral.sh/uv/install.sh\n", "ML402", []),
    (_PY + "RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /k.gpg\n",
     "ML402", []),
    (_PY + "RUN echo 'curl https://x | sh' > notes.txt\n", "ML402", []),
    # ------------------------------------------------------------------ ML501
    (_PY + "COPY model.safetensors /models/\n", "ML501", [2]),
    (_PY + "COPY checkpoints/last.ckpt ./\n", "ML501", [2]),
    (_PY + "ADD weights/llama.gguf /models/\n", "ML501", [2]),
    (_PY + "COPY requirements.txt .\n", "ML501", []),
    (_PY + "COPY --from=weights /m/model.safetensors /models/\n", "ML501", []),
    (_PY + "COPY app/ /app/\n", "ML501", []),
]  # fmt: skip
