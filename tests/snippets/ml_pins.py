"""ML116 on the Dockerfile's own RUN lines: ML frameworks installed with a range, or by conda
without a version (a bare pip name is ML102's)."""

from __future__ import annotations

_PY = "FROM python:3.11-slim\n"

CASES: list[tuple[str, str, list[int]]] = [
    (_PY + 'RUN pip install "torch>=2.3"\n', "ML116", [2]),
    (_PY + 'RUN pip install --no-cache-dir "vllm<0.7" fastapi==0.115.0\n', "ML116", [2]),
    (_PY + "RUN conda install -y pytorch -c pytorch\n", "ML116", [2]),
    (_PY + 'RUN uv pip install --system "diffusers==0.30.*"\n', "ML116", [2]),
    (_PY + "RUN pip install torch==2.4.1 torchvision==0.19.1\n", "ML116", []),
    (_PY + "RUN pip install torch\n", "ML116", []),
    (_PY + 'RUN pip install -c /c.txt "torch>=2"\n', "ML116", []),
    (_PY + "RUN conda install -y pytorch=2.4.1 -c pytorch\n", "ML116", []),
    (_PY + 'RUN pip install "numpy>=1.26"\n', "ML116", []),
]

CASES += [
    (_PY + "RUN uv sync\n", "ML118", [2]),
    (_PY + "RUN pip install uv==0.4.18 && uv sync --no-dev\n", "ML118", [2]),
    (_PY + "RUN uv sync --locked\n", "ML118", []),
    (_PY + "ENV UV_FROZEN=1\nRUN uv sync\n", "ML118", []),
]
