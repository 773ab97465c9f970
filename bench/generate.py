"""Generate a deterministic corpus of realistic ML Dockerfiles and compose files.

Usage::

    python bench/generate.py OUTDIR [--dockerfiles 300] [--compose 100] [--seed 1]

Layout of OUTDIR (all paths are also listed in OUTDIR/manifest.json)::

    dockerfiles/pNNN-<name>/Dockerfile[.variant]   the corpus, 20-300 lines each,
                                                   with requirements.txt and the
                                                   like next to it
    single/Dockerfile                              exactly 40 lines
    large/10k/Dockerfile, large/50k/Dockerfile     10,000 and 50,000 lines
    compose/pNNN-<name>/docker-compose.yml         20-400 lines each
    compose/huge/compose.yaml                      5,000 services

The same seed always gives byte-identical files. By default every Dockerfile is
parseable by hadolint 2.15 (so the peer does its full work in the benchmark):
heredocs are followed by a blank line, and forms hadolint rejects are left out.
``--quirks`` adds those forms (``<<-EOF``, ``EXPOSE ${PORT:-8000}``, a heredoc
directly followed by the next instruction, CRLF line endings) to a few files.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------- data

# (torch, torchvision, torchaudio, wheel tag)
TORCH = [
    ("2.1.2", "0.16.2", "2.1.2", "cu118"),
    ("2.2.2", "0.17.2", "2.2.2", "cu121"),
    ("2.3.1", "0.18.1", "2.3.1", "cu121"),
    ("2.4.1", "0.19.1", "2.4.1", "cu124"),
    ("2.5.1", "0.20.1", "2.5.1", "cu124"),
]
# wheel tag -> (CUDA image version, cudnn tag part)
CUDA_FOR = {
    "cu118": ("11.8.0", "cudnn8"),
    "cu121": ("12.1.1", "cudnn8"),
    "cu124": ("12.4.1", "cudnn"),
}
PYTORCH_TAGS = [
    "2.1.2-cuda11.8-cudnn8-runtime",
    "2.1.2-cuda11.8-cudnn8-devel",
    "2.2.2-cuda12.1-cudnn8-runtime",
    "2.3.1-cuda12.1-cudnn8-runtime",
    "2.3.1-cuda12.1-cudnn8-devel",
    "2.4.1-cuda12.4-cudnn9-runtime",
    "2.5.1-cuda12.4-cudnn9-devel",
    "latest",
]
PY_BASES = [
    "python:3.11-slim",
    "python:3.11-slim",
    "python:3.11-slim-bookworm",
    "python:3.10-slim",
    "python:3.12-slim",
    "python:3.11",
    "python:3",
]
CONDA_BASES = [
    "continuumio/miniconda3:24.1.2-0",
    "condaforge/miniforge3:24.3.0-0",
    "mambaorg/micromamba:1.5.8",
    "mambaorg/micromamba:1.5.8-jammy-cuda-12.1.1",
]
NVCR_BASES = [
    "nvcr.io/nvidia/pytorch:24.05-py3",
    "nvcr.io/nvidia/pytorch:23.10-py3",
    "nvcr.io/nvidia/tritonserver:24.05-py3",
]
UBUNTU_BASES = ["ubuntu:22.04", "ubuntu:20.04", "debian:bookworm-slim"]

APT_GROUPS: dict[str, list[str]] = {
    "build toolchain": [
        "build-essential",
        "cmake",
        "ninja-build",
        "pkg-config",
        "gcc",
        "g++",
        "make",
        "autoconf",
        "automake",
        "libtool",
    ],
    "python": [
        "python3.11",
        "python3.11-dev",
        "python3.11-venv",
        "python3-pip",
        "python3-setuptools",
        "python3-wheel",
    ],
    "vcs and download": [
        "git",
        "git-lfs",
        "curl",
        "wget",
        "ca-certificates",
        "gnupg",
        "unzip",
        "zip",
        "openssh-client",
        "software-properties-common",
    ],
    "media / vision": [
        "ffmpeg",
        "libgl1",
        "libglib2.0-0",
        "libsm6",
        "libxext6",
        "libxrender1",
        "libjpeg-dev",
        "libpng-dev",
        "libsndfile1",
        "libavcodec-dev",
    ],
    "math libraries": [
        "libopenblas-dev",
        "liblapack-dev",
        "libgomp1",
        "libnuma1",
        "libomp-dev",
        "libeigen3-dev",
    ],
    "system": [
        "tini",
        "locales",
        "tzdata",
        "sudo",
        "htop",
        "tmux",
        "vim",
        "less",
        "jq",
        "net-tools",
        "iputils-ping",
        "procps",
    ],
    "networking / rdma": [
        "libibverbs1",
        "rdma-core",
        "ibverbs-providers",
        "libnccl2",
        "libnccl-dev",
        "openmpi-bin",
        "libopenmpi-dev",
    ],
    "dev headers": [
        "zlib1g-dev",
        "libssl-dev",
        "libffi-dev",
        "libbz2-dev",
        "liblzma-dev",
        "libsqlite3-dev",
        "libreadline-dev",
        "libncursesw5-dev",
    ],
}
APT_PINS = {
    "curl": "7.81.0-1ubuntu1.16",
    "git": "1:2.34.1-1ubuntu1.11",
    "ca-certificates": "20240203~22.04.1",
    "ffmpeg": "7:4.4.2-0ubuntu0.22.04.1",
}

PIP_PKGS = [
    ("transformers", "4.41.2"),
    ("accelerate", "0.31.0"),
    ("datasets", "2.20.0"),
    ("peft", "0.11.1"),
    ("bitsandbytes", "0.43.1"),
    ("sentencepiece", "0.2.0"),
    ("safetensors", "0.4.3"),
    ("einops", "0.8.0"),
    ("numpy", "1.26.4"),
    ("scipy", "1.13.1"),
    ("pandas", "2.2.2"),
    ("scikit-learn", "1.5.0"),
    ("fastapi", "0.111.0"),
    ("uvicorn[standard]", "0.30.1"),
    ("gunicorn", "22.0.0"),
    ("pydantic", "2.7.4"),
    ("mlflow", "2.14.1"),
    ("wandb", "0.17.2"),
    ("tensorboard", "2.17.0"),
    ("onnxruntime-gpu", "1.18.0"),
    ("opencv-python-headless", "4.10.0.84"),
    ("pillow", "10.3.0"),
    ("tqdm", "4.66.4"),
    ("huggingface_hub", "0.23.4"),
    ("tokenizers", "0.19.1"),
    ("xformers", "0.0.27"),
    ("deepspeed", "0.14.4"),
    ("lightning", "2.3.0"),
    ("hydra-core", "1.3.2"),
    ("omegaconf", "2.3.0"),
    ("ray[default]", "2.31.0"),
    ("sentence-transformers", "3.0.1"),
    ("timm", "1.0.7"),
    ("albumentations", "1.4.10"),
    ("librosa", "0.10.2"),
    ("soundfile", "0.12.1"),
    ("jupyterlab", "4.2.2"),
    ("matplotlib", "3.9.0"),
    ("boto3", "1.34.131"),
    ("redis", "5.0.6"),
    ("celery", "5.4.0"),
    ("prometheus-client", "0.20.0"),
    ("evaluate", "0.4.2"),
    ("trl", "0.9.4"),
    ("optimum", "1.20.0"),
]
SERVE_CMDS = [
    ["python", "-m", "app.serve", "--port", "8000"],
    ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
    ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-b", "0.0.0.0:8000", "app.main:app"],
    ["python", "train.py", "--config", "configs/base.yaml"],
    ["torchrun", "--nproc_per_node=8", "train.py"],
    ["jupyter", "lab", "--ip=0.0.0.0", "--no-browser", "--allow-root"],
    ["tritonserver", "--model-repository=/models"],
    ["python", "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/llm"],
]
PROJECT_WORDS = [
    "llm",
    "serve",
    "train",
    "finetune",
    "vision",
    "asr",
    "tts",
    "embed",
    "rag",
    "diffusion",
    "detector",
    "segment",
    "ranker",
    "notebook",
    "triton",
    "batch",
    "eval",
    "distill",
    "lora",
    "ocr",
]


# --------------------------------------------------------------------------- state


@dataclass
class Ctx:
    """What the blocks of one Dockerfile share."""

    rng: random.Random
    quirks: bool = False
    torch: tuple[str, str, str, str] = TORCH[2]
    python: str = "python3"
    pip: str = "pip"
    workdir: str = "/app"
    conda: bool = False
    stages: list[str] = field(default_factory=list)
    heredocs: int = 0

    def pick(self, seq):  # type: ignore[no-untyped-def]
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


Block = Callable[[Ctx, int], list[str]]


def indent(ctx: Ctx) -> str:
    return "\t" if ctx.chance(0.05) else "    "


def pip_req(ctx: Ctx, name: str, version: str) -> str:
    r = ctx.rng.random()
    if r < 0.6:
        return f"{name}=={version}"
    if r < 0.75:
        return f"{name}>={version}"
    if r < 0.8:
        return f"{name}~={version}"
    if name == "numpy" and r < 0.9:
        return "numpy<2"
    return name


def after_heredoc(ctx: Ctx) -> list[str]:
    # hadolint 2.15 only parses a heredoc that is followed by a blank line
    if ctx.quirks and ctx.chance(0.3):
        return []
    return [""]


# --------------------------------------------------------------------------- blocks
# Every block takes the number of lines still free and returns at most that many
# lines (or [] when it cannot fit).


def b_apt(ctx: Ctx, room: int) -> list[str]:
    if room < 5:
        return []
    ind = indent(ctx)
    mount = ""
    if ctx.chance(0.15):
        mount = (
            "--mount=type=cache,target=/var/cache/apt,sharing=locked "
            "--mount=type=cache,target=/var/lib/apt/lists,sharing=locked "
        )
    out = [
        f"RUN {mount}apt-get update && \\",
        f"{ind}DEBIAN_FRONTEND=noninteractive apt-get install -y"
        + (" --no-install-recommends" if ctx.chance(0.75) else "")
        + " \\",
    ]
    groups = list(APT_GROUPS)
    ctx.rng.shuffle(groups)
    max_pkgs = min(room - 3, ctx.rng.choice([4, 6, 8, 12, 16, 24, 40, 60]))
    pkgs = 0
    blank_done = False
    for grp in groups:
        if pkgs >= max_pkgs or len(out) >= room - 2:
            break
        if ctx.chance(0.45) and len(out) < room - 3:
            out.append(f"{ind}{ind}# {grp}")
        for pkg in APT_GROUPS[grp]:
            if pkgs >= max_pkgs or len(out) >= room - 2:
                break
            if ctx.chance(0.35):
                continue
            spec = pkg
            if pkg in APT_PINS and ctx.chance(0.3):
                spec = f"{pkg}={APT_PINS[pkg]}"
            out.append(f"{ind}{ind}{spec} \\")
            pkgs += 1
            if not blank_done and ctx.chance(0.01) and len(out) < room - 2:
                out.append("")  # blank line inside a continuation (valid)
                blank_done = True
    if pkgs == 0:
        out.append(f"{ind}{ind}ca-certificates \\")
    if ctx.chance(0.8):
        out.append(f"{ind}&& rm -rf /var/lib/apt/lists/*")
    else:
        out.append(f"{ind}&& apt-get clean")
    return out if len(out) <= room else []


def b_pip_torch(ctx: Ctx, room: int) -> list[str]:
    t, tv, ta, tag = ctx.torch
    if ctx.chance(0.08):  # a realistic mistake: wheel for another CUDA
        tag = ctx.pick(["cu118", "cu121", "cu124"])
    pkgs = [f"torch=={t}"]
    if ctx.chance(0.7):
        pkgs.append(f"torchvision=={tv}")
    if ctx.chance(0.3):
        pkgs.append(f"torchaudio=={ta}")
    url = f"https://download.pytorch.org/whl/{tag}"
    flag = "--index-url" if ctx.chance(0.75) else "--extra-index-url"
    cache = "--mount=type=cache,target=/root/.cache/pip " if ctx.chance(0.4) else ""
    nocache = "" if cache else ("--no-cache-dir " if ctx.chance(0.6) else "")
    inst = f"{ctx.pip} install" if not ctx.chance(0.2) else "uv pip install --system"
    if room >= 3 and ctx.chance(0.4):
        ind = indent(ctx)
        return [
            f"RUN {cache}{inst} {nocache}\\",
            f"{ind}{' '.join(pkgs)} \\",
            f"{ind}{flag} {url}",
        ]
    if room < 1:
        return []
    return [f"RUN {cache}{inst} {nocache}{' '.join(pkgs)} {flag} {url}"]


def b_pip_list(ctx: Ctx, room: int) -> list[str]:
    if room < 3:
        return []
    ind = indent(ctx)
    n = min(room - 1, ctx.rng.randint(2, 20))
    chosen = ctx.rng.sample(PIP_PKGS, min(n, len(PIP_PKGS)))
    style = ctx.rng.random()
    if style < 0.35:
        head = "RUN --mount=type=cache,target=/root/.cache/pip pip install \\"
    elif style < 0.55:
        head = "RUN uv pip install --system \\"
    elif style < 0.65:
        head = "RUN python -m pip install --upgrade \\"
    else:
        head = f"RUN {ctx.pip} install --no-cache-dir \\"
    out = [head]
    for i, (name, ver) in enumerate(chosen):
        sep = " \\" if i < len(chosen) - 1 else ""
        req = pip_req(ctx, name, ver)
        q = f'"{req}"' if any(c in req for c in "<>[") else req
        out.append(f"{ind}{q}{sep}")
    return out


def b_requirements(ctx: Ctx, room: int) -> list[str]:
    if room < 2:
        return []
    r = ctx.rng.random()
    if r < 0.4:
        if room < 3:
            return []
        return [
            "COPY requirements.txt .",
            "RUN --mount=type=cache,target=/root/.cache/pip \\",
            "    pip install -r requirements.txt",
        ]
    if r < 0.6:
        return [
            "COPY requirements.txt /tmp/requirements.txt",
            "RUN uv pip install --system -r /tmp/requirements.txt",
        ]
    if r < 0.75:
        return [
            "COPY pyproject.toml uv.lock ./",
            "RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev",
        ]
    return [
        "COPY requirements.txt .",
        f"RUN {ctx.pip} install --no-cache-dir -r requirements.txt",
    ]


def b_uv_install(ctx: Ctx, room: int) -> list[str]:
    if ctx.chance(0.5):
        return ["COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /uvx /bin/"]
    if room < 2:
        return []
    return [
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        "RUN curl -LsSf https://astral.sh/uv/0.4.18/install.sh | sh",
    ]


def b_curl_sh(ctx: Ctx, room: int) -> list[str]:
    choices = [
        ["RUN curl -fsSL https://ollama.com/install.sh | sh"],
        ["RUN wget -qO- https://get.docker.com | sh"],
        [
            "RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && \\",
            "    apt-get install -y nodejs && rm -rf /var/lib/apt/lists/*",
        ],
        [
            "RUN curl -L -o /tmp/miniconda.sh \\",
            "      https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh \\",
            "    && bash /tmp/miniconda.sh -b -p /opt/conda && rm /tmp/miniconda.sh",
        ],
        ["RUN curl -sSL https://install.python-poetry.org | python3 -"],
    ]
    out = ctx.pick(choices)
    return out if len(out) <= room else []


def b_heredoc(ctx: Ctx, room: int) -> list[str]:
    tail = after_heredoc(ctx)
    forms: list[list[str]] = [
        [
            "RUN <<EOF",
            "set -eux",
            f"{ctx.python} -m venv /opt/venv",
            "/opt/venv/bin/pip install --upgrade pip wheel",
            "mkdir -p /models /data /workspace",
            "EOF",
        ],
        [
            "RUN <<EOT bash",
            "set -euo pipefail",
            "for d in checkpoints logs cache; do",
            '  mkdir -p "/workspace/${d}"',
            "done",
            'echo "export PATH=/opt/venv/bin:$PATH" >> /etc/profile.d/venv.sh',
            "EOT",
        ],
        [
            "COPY <<EOF /etc/pip.conf",
            "[global]",
            "index-url = https://pypi.org/simple",
            "extra-index-url = https://download.pytorch.org/whl/" + ctx.torch[3],
            "timeout = 60",
            "EOF",
        ],
        [
            f"RUN {ctx.python} <<'PY'",
            "import torch",
            "print('torch', torch.__version__, 'cuda', torch.version.cuda)",
            "PY",
        ],
        [
            "COPY <<EOF /app/entrypoint.sh",
            "#!/usr/bin/env bash",
            "set -e",
            'if [ -n "${HF_TOKEN:-}" ]; then',
            '  huggingface-cli login --token "${HF_TOKEN}"',
            "fi",
            'exec "$@"',
            "EOF",
        ],
        [
            "RUN <<EOF cat > /etc/ld.so.conf.d/cuda.conf",
            "/usr/local/cuda/lib64",
            "/usr/local/cuda/extras/CUPTI/lib64",
            "EOF",
        ],
    ]
    if ctx.quirks and ctx.chance(0.2):
        forms.append(["RUN <<-EOF", "\tset -e", "\techo tab-stripped", "\tEOF"])
    out = ctx.pick(forms) + tail
    if len(out) > room:
        return []
    ctx.heredocs += 1
    return out


def b_flash_attn(ctx: Ctx, room: int) -> list[str]:
    out = [
        'ENV TORCH_CUDA_ARCH_LIST="7.0 7.5 8.0 8.6 8.9 9.0+PTX" \\',
        "    MAX_JOBS=4",
        "RUN git clone --depth 1 --branch v2.5.8 \\",
        "      https://github.com/Dao-AILab/flash-attention.git /tmp/fa && \\",
        "    cd /tmp/fa && \\",
        f"    {ctx.python} setup.py install && \\",
        "    rm -rf /tmp/fa",
    ]
    if ctx.chance(0.5):
        out = [
            "ENV MAX_JOBS=4",
            f"RUN {ctx.pip} install --no-build-isolation flash-attn==2.5.8",
        ]
    return out if len(out) <= room else []


def b_git_clone(ctx: Ctx, room: int) -> list[str]:
    repo = ctx.pick(
        [
            "https://github.com/huggingface/transformers.git",
            "https://github.com/facebookresearch/detectron2.git",
            "https://github.com/ggerganov/llama.cpp.git",
            "https://github.com/NVIDIA/apex.git",
        ]
    )
    ref = "" if ctx.chance(0.4) else " --branch " + ctx.pick(["v0.1.0", "main", "v2.0"])
    out = [
        f"RUN git clone --depth 1{ref} {repo} /opt/src && \\",
        f"    cd /opt/src && {ctx.pip} install -e .",
    ]
    return out if len(out) <= room else []


def b_env(ctx: Ctx, room: int) -> list[str]:
    pairs = [
        "PYTHONUNBUFFERED=1",
        "PYTHONDONTWRITEBYTECODE=1",
        "PIP_NO_CACHE_DIR=1",
        "PIP_DISABLE_PIP_VERSION_CHECK=1",
        "HF_HOME=/models/hf",
        "TRANSFORMERS_CACHE=/models/hf",
        "NVIDIA_VISIBLE_DEVICES=all",
        "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
        "LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH}",
        "PATH=/opt/venv/bin:${PATH}",
        "LANG=C.UTF-8",
        "LC_ALL=C.UTF-8",
        "TZ=Etc/UTC",
        "OMP_NUM_THREADS=1",
        "TOKENIZERS_PARALLELISM=false",
        "CUDA_HOME=/usr/local/cuda",
        "DEBIAN_FRONTEND=noninteractive",
    ]
    if ctx.chance(0.1):
        return ["ENV " + ctx.pick(["LANG C.UTF-8", "PYTHONUNBUFFERED 1", "HOME /root"])]
    n = min(room, ctx.rng.randint(1, 8))
    if n < 1:
        return []
    chosen = ctx.rng.sample(pairs, n)
    if n == 1:
        return [f"ENV {chosen[0]}"]
    out = [f"ENV {chosen[0]} \\"]
    for i, p in enumerate(chosen[1:], 1):
        out.append(f"    {p}" + (" \\" if i < n - 1 else ""))
    return out


def b_arg(ctx: Ctx, room: int) -> list[str]:
    args = [
        "ARG DEBIAN_FRONTEND=noninteractive",
        "ARG PYTHON_VERSION=3.11",
        "ARG TORCH_VERSION=" + ctx.torch[0],
        "ARG MAX_JOBS=4",
        "ARG USERNAME=app",
        "ARG USER_UID=1000",
        "ARG MODEL_NAME=meta-llama/Meta-Llama-3-8B",
        "ARG BUILD_DATE",
        "ARG GIT_SHA",
    ]
    n = min(room, ctx.rng.randint(1, 4))
    return ctx.rng.sample(args, n) if n > 0 else []


def b_label(ctx: Ctx, room: int) -> list[str]:
    labels = [
        'org.opencontainers.image.source="https://github.com/acme/ml"',
        'org.opencontainers.image.licenses="Apache-2.0"',
        'org.opencontainers.image.title="model server"',
        'org.opencontainers.image.revision="${GIT_SHA}"',
        'maintainer="ml-platform@acme.example"',
        'com.nvidia.volumes.needed="nvidia_driver"',
    ]
    n = min(room, ctx.rng.randint(1, 5))
    if n < 1:
        return []
    chosen = ctx.rng.sample(labels, n)
    if n == 1:
        return [f"LABEL {chosen[0]}"]
    out = [f"LABEL {chosen[0]} \\"]
    for i, p in enumerate(chosen[1:], 1):
        out.append(f"      {p}" + (" \\" if i < n - 1 else ""))
    return out


def b_copy(ctx: Ctx, room: int) -> list[str]:
    forms = [
        ["COPY . ."],
        [f"COPY src/ {ctx.workdir}/src/"],
        ["COPY --chown=1000:1000 configs/ /app/configs/"],
        [
            "COPY scripts/entrypoint.sh /usr/local/bin/entrypoint.sh",
            "RUN chmod +x /usr/local/bin/entrypoint.sh",
        ],
        ["ADD https://huggingface.co/bert-base-uncased/resolve/main/config.json /models/bert/"],
        [f"WORKDIR {ctx.workdir}"],
    ]
    if ctx.stages:
        forms.append([f"COPY --from={ctx.pick(ctx.stages)} /opt/venv /opt/venv"])
    out = ctx.pick(forms)
    return out if len(out) <= room else []


def b_user(ctx: Ctx, room: int) -> list[str]:
    if room < 2:
        return []
    if ctx.chance(0.5):
        return [
            "RUN groupadd -g 1000 app && useradd -m -u 1000 -g app app",
            "USER app",
        ]
    return ["RUN useradd --create-home --uid 1000 appuser", "USER 1000:1000"]


def b_conda(ctx: Ctx, room: int) -> list[str]:
    forms = [
        [
            "COPY environment.yml /tmp/environment.yml",
            "RUN mamba env create -f /tmp/environment.yml && \\",
            "    mamba clean --all --yes",
            'SHELL ["conda", "run", "-n", "ml", "/bin/bash", "-c"]',
        ],
        [
            "COPY --chown=$MAMBA_USER:$MAMBA_USER env.yaml /tmp/env.yaml",
            "RUN micromamba install -y -n base -f /tmp/env.yaml && \\",
            "    micromamba clean --all --yes",
            "ARG MAMBA_DOCKERFILE_ACTIVATE=1",
        ],
        [
            "RUN conda install -y -c pytorch -c nvidia \\",
            f"      pytorch={ctx.torch[0]} pytorch-cuda=12.1 && \\",
            "    conda clean -afy",
        ],
    ]
    out = ctx.pick(forms)
    return out if len(out) <= room else []


def b_comment(ctx: Ctx, room: int) -> list[str]:
    texts = [
        "# Install the CUDA-enabled framework first so later layers cache well",
        "# --- application ---",
        "# NOTE: keep in sync with requirements.txt",
        "# RUN pip install -U torch  (disabled: breaks the CUDA build)",
        "# Build the wheels in the devel image, copy them to the runtime image",
    ]
    return [ctx.pick(texts)] if room >= 1 else []


def b_oneliner(ctx: Ctx, room: int) -> list[str]:
    if room < 1:
        return []
    return [
        ctx.pick(
            [
                f"WORKDIR {ctx.workdir}",
                "ENV PYTHONUNBUFFERED=1",
                "ARG BUILD_DATE",
                "COPY . .",
                'LABEL org.opencontainers.image.vendor="acme"',
                "VOLUME /models",
                "STOPSIGNAL SIGINT",
                "",
                "# cache bust",
            ]
        )
    ]


MIDDLE: list[tuple[Block, int]] = [
    (b_apt, 5),
    (b_pip_torch, 4),
    (b_pip_list, 5),
    (b_requirements, 4),
    (b_uv_install, 2),
    (b_curl_sh, 2),
    (b_heredoc, 3),
    (b_flash_attn, 1),
    (b_git_clone, 2),
    (b_env, 4),
    (b_arg, 2),
    (b_label, 1),
    (b_copy, 5),
    (b_comment, 2),
    (b_conda, 0),
]


def choose_block(ctx: Ctx) -> Block:
    blocks = [b for b, _ in MIDDLE]
    weights = [w + (4 if b is b_conda and ctx.conda else 0) for b, w in MIDDLE]
    return ctx.rng.choices(blocks, weights)[0]


def fill(ctx: Ctx, room: int) -> list[str]:
    """Blocks (each maybe followed by a blank line) filling exactly `room` lines."""
    out: list[str] = []
    misses = 0
    while len(out) < room:
        left = room - len(out)
        block = choose_block(ctx)(ctx, left) if misses < 6 else []
        if not block or len(block) > left:
            misses += 1
            if misses >= 6:
                out += b_oneliner(ctx, left)
            continue
        misses = 0
        out += block
        if len(out) < room and out[-1] != "" and ctx.chance(0.6):
            out.append("")
    return out[:room]


# --------------------------------------------------------------------------- files


def tail(ctx: Ctx, serving: bool) -> list[str]:
    out: list[str] = []
    if ctx.chance(0.55):
        out += b_user(ctx, 2)
    port = ctx.pick(["8000", "8080", "8888", "8000 6006", "7860", "9000/tcp"])
    if ctx.quirks and ctx.chance(0.15):
        port = "${PORT:-8000}"
    if serving or ctx.chance(0.5):
        out.append(f"EXPOSE {port}")
    if ctx.chance(0.3):
        out += [
            "HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\",
            "  CMD curl -fsS http://localhost:8000/health || exit 1",
        ]
    cmd = ctx.pick(SERVE_CMDS)
    if ctx.chance(0.3):
        ep = ctx.pick(['["/usr/bin/tini", "--"]', '["/app/entrypoint.sh"]'])
        out.append(f"ENTRYPOINT {ep}")
    elif ctx.chance(0.05):
        out.append("ENTRYPOINT exec " + " ".join(cmd))
        return out
    if ctx.chance(0.75):
        out.append("CMD [" + ", ".join(f'"{a}"' for a in cmd) + "]")
    else:
        out.append("CMD " + " ".join(cmd))
    return out


def header(ctx: Ctx) -> list[str]:
    out = []
    if ctx.chance(0.35):
        out.append("# syntax=docker/dockerfile:1.7")
    if ctx.chance(0.5):
        out.append(
            "# "
            + ctx.pick(
                [
                    "Image for training and serving the model",
                    "GPU inference server",
                    "Reproducible research environment",
                ]
            )
        )
    return out


def stage_from(ctx: Ctx, flavor: str, name: str | None) -> tuple[list[str], list[str]]:
    """(lines before the first FROM, the FROM line and what directly follows)."""
    t = ctx.torch
    cuda, cudnn = CUDA_FOR[t[3]]
    alias = f" AS {name}" if name else ""
    pre: list[str] = []
    if flavor == "cuda":
        pre = [f"ARG CUDA={cuda}", "ARG UBUNTU=22.04"]
        if ctx.chance(0.5):
            pre.append("ARG PYTHON_VERSION=3.11")
        body = [f"FROM nvidia/cuda:${{CUDA}}-{cudnn}-devel-ubuntu${{UBUNTU}}{alias}"]
        ctx.python, ctx.pip = "python3", "pip3"
    elif flavor == "pytorch":
        body = [f"FROM pytorch/pytorch:{ctx.pick(PYTORCH_TAGS)}{alias}"]
        ctx.python, ctx.pip = "python", "pip"
    elif flavor == "conda":
        ctx.conda = True
        body = [f"FROM {ctx.pick(CONDA_BASES)}{alias}"]
        ctx.python, ctx.pip = "python", "pip"
    elif flavor == "nvcr":
        body = [f"FROM {ctx.pick(NVCR_BASES)}{alias}"]
    elif flavor == "ubuntu":
        pre = [f"ARG BASE_IMAGE={ctx.pick(UBUNTU_BASES)}"]
        body = [f"FROM ${{BASE_IMAGE}}{alias}"]
        ctx.python, ctx.pip = "python3", "pip3"
    else:  # python slim
        base = ctx.pick(PY_BASES)
        if ctx.chance(0.05):
            digest = "".join(ctx.pick("0123456789abcdef") for _ in range(64))
            base += "@sha256:" + digest
        body = [f"FROM {base}{alias}"]
    return pre, body


def dockerfile(ctx: Ctx, target: int, flavor: str) -> list[str]:
    """A Dockerfile of exactly `target` lines (target >= 20)."""
    lines = header(ctx)
    serving = ctx.chance(0.6)
    multi = flavor == "cuda" or (ctx.chance(0.25) and target >= 40)
    if multi:
        pre, body = stage_from(ctx, flavor, "build")
        lines += pre + body
        ctx.stages.append("build")
        end = tail(ctx, serving)
        cuda_rt = flavor == "cuda"
        rt_from = (
            f"FROM nvidia/cuda:${{CUDA}}-{CUDA_FOR[ctx.torch[3]][1]}-runtime"
            "-ubuntu${UBUNTU} AS runtime"
            if cuda_rt
            else f"FROM {ctx.pick(PY_BASES)} AS runtime"
        )
        second = [
            "",
            rt_from,
            "COPY --from=build /opt/venv /opt/venv",
            f"WORKDIR {ctx.workdir}",
        ]
        room = target - len(lines) - len(second) - len(end)
        first_room = max(0, room * ctx.rng.randint(55, 80) // 100)
        lines += fill(ctx, first_room)
        lines += second
        lines += fill(ctx, target - len(lines) - len(end))
        lines += end
    else:
        pre, body = stage_from(ctx, flavor, None)
        lines += pre + body
        end = tail(ctx, serving)
        lines += fill(ctx, target - len(lines) - len(end))
        lines += end
    return lines


def large_dockerfile(ctx: Ctx, target: int) -> list[str]:
    """Many stages of realistic blocks, exactly `target` lines."""
    lines = ["# syntax=docker/dockerfile:1.7", "ARG CUDA=12.1.1", "ARG UBUNTU=22.04"]
    end = tail(ctx, True)
    i = 0
    while True:
        left = target - len(lines) - len(end)
        if left <= 0:
            break
        stage_len = min(left, ctx.rng.randint(120, 600))
        flavor = ctx.pick(["cuda", "pytorch", "python", "conda", "ubuntu"])
        name = f"stage{i:03d}"
        if flavor == "cuda":
            frm = f"FROM nvidia/cuda:${{CUDA}}-cudnn8-devel-ubuntu${{UBUNTU}} AS {name}"
        elif flavor == "ubuntu":
            frm = f"FROM ubuntu:22.04 AS {name}"
        else:
            frm = stage_from(ctx, flavor, name)[1][0]
        if stage_len < 3:
            lines += fill(ctx, stage_len)
            continue
        lines += [frm, *fill(ctx, stage_len - 2), ""]
        ctx.stages.append(name)
        i += 1
    lines += end
    return lines[:target] if len(lines) > target else lines


def requirements(ctx: Ctx) -> str:
    out = ["# generated: pinned where the team remembered to pin"]
    if ctx.chance(0.3):
        out.append(f"--extra-index-url https://download.pytorch.org/whl/{ctx.torch[3]}")
    out.append(f"torch=={ctx.torch[0]}" if ctx.chance(0.7) else "torch")
    for name, ver in ctx.rng.sample(PIP_PKGS, ctx.rng.randint(3, 18)):
        out.append(pip_req(ctx, name, ver))
    return "\n".join(out) + "\n"


def environment_yml(ctx: Ctx) -> str:
    return (
        "name: ml\nchannels:\n  - pytorch\n  - nvidia\n  - conda-forge\n"
        f"dependencies:\n  - python=3.11\n  - pytorch={ctx.torch[0]}\n"
        "  - pytorch-cuda=12.1\n  - pip\n  - pip:\n"
        "      - transformers==4.41.2\n      - accelerate==0.31.0\n"
    )


def dockerfile_length(rng: random.Random) -> int:
    # long-tailed like real projects: most 30-120 lines, a few near 300
    n = int(rng.lognormvariate(4.15, 0.6))
    return max(20, min(300, n))


def dockerfile_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.75:
        return "Dockerfile"
    variant = rng.choice(["gpu", "train", "serve", "cuda", "dev"])
    return rng.choice(
        [
            f"Dockerfile.{variant}",
            f"Dockerfile-{variant}",
            f"Dockerfile_{variant}",
            f"{variant}.Dockerfile",
        ]
    )


FLAVORS = [
    "cuda",
    "cuda",
    "cuda",
    "pytorch",
    "pytorch",
    "python",
    "python",
    "python",
    "conda",
    "nvcr",
    "ubuntu",
]


def write(path: Path, lines: list[str] | str, crlf: bool = False) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = lines if isinstance(lines, str) else "\n".join(lines) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(text.encode())
    return text.count("\n")


# --------------------------------------------------------------------------- compose

X_COMMON = [
    "x-common: &common",
    "  restart: unless-stopped",
    "  env_file: .env",
    "  logging:",
    "    driver: json-file",
    "    options:",
    '      max-size: "10m"',
    '      max-file: "3"',
    "",
]
X_GPU = [
    "x-gpu: &gpu",
    "  deploy:",
    "    resources:",
    "      reservations:",
    "        devices:",
    "          - driver: nvidia",
    "            count: ${GPU_COUNT:-1}",
    "            capabilities: [gpu]",
    "",
]


NAMED_VOLUME = re.compile(r"^      - ([a-z][a-z0-9-]*):/")


def svc_gpu_worker(rng: random.Random, name: str) -> list[str]:
    count = rng.choice(["all", "1", "${GPU_COUNT:-1}", None])
    out = [
        f"  {name}:",
        "    <<: *common",
        "    build:",
        "      context: .",
        f"      dockerfile: {rng.choice(['Dockerfile', 'docker/Dockerfile.gpu'])}",
        "      args:",
        "        CUDA: ${CUDA_VERSION:-12.1.1}",
        f"    image: ${{REGISTRY:-ghcr.io/acme}}/{name}:${{TAG:-latest}}",
        f'    command: ["python", "-m", "{name}.main", "--config", '
        '"/configs/${CONFIG:-base}.yaml"]',
        f'    shm_size: "{rng.choice(["2gb", "8gb", "16gb", "32g"])}"',
    ]
    if rng.random() < 0.3:
        out.append("    ipc: host")
    out += [
        "    environment:",
        "      - NVIDIA_VISIBLE_DEVICES=${NVIDIA_VISIBLE_DEVICES:-all}",
        "      - HF_HOME=/models/hf",
        "      - HF_TOKEN=${HF_TOKEN:?set HF_TOKEN in .env}",
        "      - WANDB_MODE=${WANDB_MODE:-offline}",
        "    volumes:",
        "      - models:/models",
        "      - ./data:/data:ro",
        "      - ${CHECKPOINT_DIR:-./checkpoints}:/checkpoints",
    ]
    if count is None:
        out += [
            "    deploy:",
            "      resources:",
            "        reservations:",
            "          devices:",
            "            - driver: nvidia",
            f'              device_ids: ["{rng.randint(0, 7)}"]',
            "              capabilities: [gpu]",
        ]
    else:
        out += [
            "    deploy:",
            "      resources:",
            "        limits:",
            f"          memory: {rng.choice(['16g', '32g', '64g'])}",
            "        reservations:",
            "          devices:",
            "            - driver: nvidia",
            f"              count: {count}",
            "              capabilities: [gpu]",
        ]
    if rng.random() < 0.5:
        out += [
            "    ulimits:",
            "      memlock: -1",
            "      stack: 67108864",
        ]
    return out


def svc_merge_gpu(rng: random.Random, name: str) -> list[str]:
    img = rng.choice(
        [
            "vllm/vllm-openai:v0.5.3",
            "nvcr.io/nvidia/tritonserver:24.05-py3",
            "ghcr.io/huggingface/text-generation-inference:2.1.1",
            "ollama/ollama:latest",
        ]
    )
    return [
        f"  {name}:",
        "    <<: [*common, *gpu]",
        f"    image: {img}",
        "    ports:",
        f'      - "${{{name.upper().replace("-", "_")}_PORT:-8000}}:8000"',
        "    command:",
        "      - --model",
        "      - ${MODEL_NAME:-meta-llama/Meta-Llama-3-8B-Instruct}",
        "      - --max-model-len",
        '      - "8192"',
        "    volumes:",
        "      - hf-cache:/root/.cache/huggingface",
        '    shm_size: "16gb"',
        "    healthcheck:",
        '      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]',
        "      interval: 30s",
        "      timeout: 10s",
        "      retries: 5",
        "      start_period: 120s",
    ]


SIMPLE_IMAGES = {
    "redis": "redis:7.2-alpine",
    "postgres": "postgres:16",
    "minio": "minio/minio:RELEASE.2024-06-13T22-53-53Z",
    "mlflow": "ghcr.io/mlflow/mlflow:v2.14.1",
    "prometheus": "prom/prometheus:v2.53.0",
    "grafana": "grafana/grafana:11.1.0",
    "nginx": "nginx:1.27",
    "jupyter": "quay.io/jupyter/pytorch-notebook:cuda12-python-3.11",
    "tensorboard": "tensorflow/tensorflow:2.16.1",
}


# every variable the compose files require (`${VAR:?...}`), so that they are valid
ENV_FILE = "".join(
    ["GPU_COUNT=1\nTAG=dev\nHF_TOKEN=changeme\n"]
    + [f"{kind.upper()}_PASSWORD=changeme\n" for kind in sorted(SIMPLE_IMAGES)]
)


def svc_simple(rng: random.Random, name: str) -> list[str]:
    kind = rng.choice(sorted(SIMPLE_IMAGES))
    images = SIMPLE_IMAGES
    out = [
        f"  {name}:",
        "    <<: *common",
        f"    image: {images[kind]}",
    ]
    if rng.random() < 0.5:
        host, port = rng.randint(3000, 9999), rng.randint(3000, 9999)
        out += ["    ports:", f'      - "${{{kind.upper()}_PORT:-{host}}}:{port}"']
    if rng.random() < 0.5:
        out += [
            "    environment:",
            f"      {kind.upper()}_USER: ${{{kind.upper()}_USER:-admin}}",
            f"      {kind.upper()}_PASSWORD: ${{{kind.upper()}_PASSWORD:?required}}",
        ]
    if rng.random() < 0.4:
        out += ["    volumes:", f"      - {kind}-data:/var/lib/{kind}"]
    if rng.random() < 0.3:
        out += ['    profiles: ["monitoring"]']
    if rng.random() < 0.3:
        out += [
            "    depends_on:",
            "      llm:",
            "        condition: service_healthy",
        ]
    return out


def svc_plain_gpu(rng: random.Random, name: str) -> list[str]:
    """A service without anchors: what the small one-service files hold."""
    return [
        f"  {name}:",
        "    build: .",
        f"    image: acme/{name}:${{TAG:-dev}}",
        f'    shm_size: "{rng.choice(["1gb", "8gb", "16gb"])}"',
        "    environment:",
        "      - CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-0}",
        "    volumes:",
        "      - ./data:/data",
        "      - ./outputs:/outputs",
        "    deploy:",
        "      resources:",
        "        reservations:",
        "          devices:",
        "            - driver: nvidia",
        f"              count: {rng.choice(['1', 'all', '${GPU_COUNT:-1}'])}",
        "              capabilities: [gpu]",
    ]


def compose_file(rng: random.Random, target: int) -> list[str]:
    out: list[str] = []
    if rng.random() < 0.3:
        out += ['version: "3.8"', ""]
    if target < 45:  # a small project: one or two services, no anchors
        out += ["# usage: docker compose up --build", "name: ${PROJECT:-train}", ""]
        out += ["services:", *svc_plain_gpu(rng, "trainer")]
        if target >= 35:
            out += ["  tensorboard:", "    image: tensorflow/tensorflow:2.16.1"]
            out += ["    command: tensorboard --logdir /outputs --bind_all"]
            out += [
                "    ports:",
                '      - "6006:6006"',
                "    volumes:",
                "      - ./outputs:/outputs",
            ]
        return out
    out += ["name: ${COMPOSE_PROJECT_NAME:-mlstack}", ""]
    out += X_COMMON + X_GPU + ["services:"]
    out += svc_merge_gpu(rng, "llm")
    i = misses = 0
    while misses < 5:
        fn = rng.choice([svc_gpu_worker, svc_merge_gpu, svc_simple, svc_simple])
        name = (
            rng.choice(["trainer", "api", "worker", "embedder", "ranker", "db", "cache", "tracker"])
            + f"-{i}"
        )
        svc = fn(rng, name)
        if len(out) + len(svc) + len(named_volumes(out + svc)) + 3 > min(target, 400):
            misses += 1
            continue
        out += svc
        i += 1
    return [*out, "", "volumes:", *named_volumes(out)]


def named_volumes(lines: list[str]) -> list[str]:
    """The top-level declarations for the named volumes the services use."""
    names = dict.fromkeys(m.group(1) for m in map(NAMED_VOLUME.match, lines) if m)
    return [f"  {n}:" for n in names]


def huge_compose(rng: random.Random, services: int) -> list[str]:
    out = ["name: huge", "", *X_COMMON, *X_GPU, "services:", *svc_merge_gpu(rng, "llm")]
    for i in range(services - 1):
        name = f"svc-{i:05d}"
        r = rng.random()
        if r < 0.2:
            out += svc_gpu_worker(rng, name)
        elif r < 0.3:
            out += svc_merge_gpu(rng, name)
        else:
            out += svc_simple(rng, name)
    return [*out, "", "volumes:", *named_volumes(out)]


# --------------------------------------------------------------------------- main


def generate(
    out: Path,
    dockerfiles: int = 300,
    compose: int = 100,
    seed: int = 1,
    large: tuple[int, ...] = (10_000, 50_000),
    huge_services: int = 5000,
    quirks: bool = False,
) -> dict[str, object]:
    """Write the corpus under `out` and return (and write) its manifest."""
    rng = random.Random(seed)
    manifest: dict[str, object] = {
        "generator": "bench/generate.py",
        "version": 1,
        "seed": seed,
        "quirks": quirks,
    }
    files: list[str] = []
    total = 0
    for i in range(dockerfiles):
        frng = random.Random(rng.getrandbits(64))
        ctx = Ctx(frng, quirks=quirks, torch=frng.choice(TORCH))
        flavor = frng.choice(FLAVORS)
        words = "-".join(frng.sample(PROJECT_WORDS, 2))
        d = out / "dockerfiles" / f"p{i:03d}-{words}"
        target = dockerfile_length(frng)
        lines = dockerfile(ctx, target, flavor)
        assert len(lines) == target, (i, len(lines), target)
        crlf = quirks and frng.random() < 0.02
        name = dockerfile_name(frng)
        total += write(d / name, lines, crlf)
        files.append((d / name).relative_to(out).as_posix())
        write(d / "requirements.txt", requirements(ctx))
        if ctx.conda:
            write(d / "environment.yml", environment_yml(ctx))
        if frng.random() < 0.5:
            write(d / ".dockerignore", ".git\n__pycache__/\n*.ckpt\ndata/\nwandb/\n")
    manifest["dockerfiles"] = files
    manifest["dockerfile_lines"] = total

    srng = random.Random(seed * 1000 + 40)
    ctx = Ctx(srng, torch=TORCH[2])
    single = dockerfile(ctx, 40, "cuda")
    write(out / "single" / "Dockerfile", single)
    write(out / "single" / "requirements.txt", requirements(ctx))
    manifest["single"] = "single/Dockerfile"

    big: dict[str, str] = {}
    for n in large:
        lrng = random.Random(seed * 1000 + n)
        lines = large_dockerfile(Ctx(lrng, torch=TORCH[2]), n)
        label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
        write(out / "large" / label / "Dockerfile", lines)
        big[label] = f"large/{label}/Dockerfile"
    manifest["large"] = big

    cfiles: list[str] = []
    clines = 0
    for i in range(compose):
        crng = random.Random(rng.getrandbits(64))
        target = max(20, min(400, int(crng.lognormvariate(4.5, 0.75))))
        words = "-".join(crng.sample(PROJECT_WORDS, 2))
        d = out / "compose" / f"p{i:03d}-{words}"
        name = crng.choice(
            ["docker-compose.yml", "docker-compose.yml", "compose.yaml", "docker-compose.gpu.yml"]
        )
        clines += write(d / name, compose_file(crng, target))
        write(d / ".env", ENV_FILE)
        cfiles.append((d / name).relative_to(out).as_posix())
    manifest["compose"] = cfiles
    manifest["compose_lines"] = clines
    if huge_services:
        hrng = random.Random(seed * 1000 + 5)
        n = write(out / "compose" / "huge" / "compose.yaml", huge_compose(hrng, huge_services))
        write(out / "compose" / "huge" / ".env", ENV_FILE)
        manifest["compose_huge"] = "compose/huge/compose.yaml"
        manifest["compose_huge_lines"] = n
        manifest["compose_huge_services"] = huge_services
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="target directory (created)")
    ap.add_argument("--dockerfiles", type=int, default=300, metavar="N")
    ap.add_argument(
        "--compose",
        type=int,
        default=100,
        metavar="N",
        help="number of compose files (default 100)",
    )
    ap.add_argument(
        "--huge-services",
        type=int,
        default=5000,
        metavar="N",
        help="services in compose/huge/compose.yaml (0: none)",
    )
    ap.add_argument(
        "--no-large", action="store_true", help="skip the 10,000- and 50,000-line Dockerfiles"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--quirks", action="store_true", help="also emit valid forms that hadolint cannot parse"
    )
    a = ap.parse_args(argv)
    m = generate(
        a.out,
        dockerfiles=a.dockerfiles,
        compose=a.compose,
        seed=a.seed,
        large=() if a.no_large else (10_000, 50_000),
        huge_services=a.huge_services,
        quirks=a.quirks,
    )
    print(
        f"wrote {len(m['dockerfiles'])} Dockerfiles ({m['dockerfile_lines']} lines), "  # type: ignore[arg-type]
        f"{len(m['compose'])} compose files to {a.out}",  # type: ignore[arg-type]
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
