"""Small Dockerfiles for the Dockerfile-only ML rules of mllint.checks.ml_image: CUDA extension
builds (ML613, ML614), drivers and GPU selection in images (ML615, ML616), the PyTorch index
(ML412), ML credentials in RUN (ML413), Hub downloads (ML114), unverified artifacts (ML115),
datasets in layers (ML507) and legacy Hugging Face variables (ML508).

Each case is ``(snippet, rule, expected_lines)``, as in the other snippet modules."""

from __future__ import annotations

import textwrap

_WRITTEN: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------------ ML613
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        RUN pip install git+https://github.com/NVIDIA/apex@24.04.01 --no-build-isolation
        """,
        "ML613",
        [2],
    ),
    (
        """
        FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-devel
        ENV DS_BUILD_OPS=1
        RUN pip install deepspeed==0.14.4
        """,
        "ML613",
        [3],
    ),
    (
        """
        FROM nvcr.io/nvidia/pytorch:24.05-py3
        RUN git clone --depth 1 -b v0.6 https://github.com/facebookresearch/detectron2 /d \\
            && cd /d && python setup.py develop
        """,
        "ML613",
        [3],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        ENV FORCE_CUDA=1
        RUN pip install -e ./csrc/kernels
        """,
        "ML613",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install --no-binary xformers xformers==0.0.27
        """,
        "ML613",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        ENV TORCH_CUDA_ARCH_LIST="8.0;8.6;9.0+PTX"
        RUN pip install git+https://github.com/NVIDIA/apex@24.04.01 --no-build-isolation
        """,
        "ML613",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        RUN pip install mamba-ssm==2.2.2 causal-conv1d==1.4.0 flash-attn==2.6.3
        """,
        "ML613",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        RUN pip install -e . && python setup.py install
        """,
        "ML613",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ARG DS_BUILD_OPS
        RUN pip install deepspeed==0.14.4 xformers==0.0.27
        """,
        "ML613",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        # RUN pip install git+https://github.com/NVIDIA/apex
        RUN pip install detectron2 -f https://dl.fbaipublicfiles.com/detectron2/wheels/cu113/torch1.10/index.html
        """,
        "ML613",
        [],
    ),
    # ------------------------------------------------------------------ ML614
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        RUN pip install flash-attn==2.6.3 --no-build-isolation
        """,
        "ML614",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        ENV TORCH_CUDA_ARCH_LIST=9.0
        RUN pip3 install --no-build-isolation git+https://github.com/NVIDIA/apex@24.04.01
        """,
        "ML614",
        [3],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        RUN uv pip install --system mamba-ssm==2.2.2
        """,
        "ML614",
        [2],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        ARG MAX_JOBS
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        RUN pip install flash-attn==2.6.3
        """,
        "ML614",
        [4],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        ARG MAX_JOBS=4
        RUN pip install flash-attn==2.6.3 --no-build-isolation
        """,
        "ML614",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
        RUN pip install --only-binary flash-attn flash-attn==2.6.3
        """,
        "ML614",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-cp311-cp311-linux_x86_64.whl
        """,
        "ML614",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install "xformers==0.0.27" "deepspeed==0.14.4" flash-attn-utils==0.1
        """,
        "ML614",
        [],
    ),
    # ------------------------------------------------------------------ ML615
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y nvidia-utils-535 && rm -rf /var/lib/apt/lists/*
        """,
        "ML615",
        [2],
    ),
    (
        """
        FROM rockylinux:9
        RUN dnf -y module install nvidia-driver:latest-dkms || yum install -y nvidia-driver
        """,
        "ML615",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN bash cuda_12.1.0_530.30.02_linux.run --silent
        """,
        "ML615",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        ADD drivers/libnvidia-ml.so.535.104.05 /usr/lib/x86_64-linux-gnu/
        """,
        "ML615",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y cuda-toolkit-12-1 cuda-compat-12-1 libcudnn8=8.9.7.29-1+cuda12.2
        """,
        "ML615",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        # RUN apt-get install -y nvidia-driver-535
        RUN echo nvidia-driver-535 > /tmp/note
        """,
        "ML615",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN sh cuda_12.1.0_530.30.02_linux.run --silent --toolkit --toolkitpath=/usr/local/cuda
        """,
        "ML615",
        [],
    ),
    (
        """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS build
        FROM ubuntu:22.04
        COPY --from=build /usr/local/cuda/lib64/stubs/libcuda.so /stubs/
        """,
        "ML615",
        [],
    ),
    # ------------------------------------------------------------------ ML616
    (
        """
        FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
        ENV CUDA_VISIBLE_DEVICES=1
        """,
        "ML616",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV NVIDIA_VISIBLE_DEVICES=0,1
        """,
        "ML616",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV NVIDIA_VISIBLE_DEVICES=MIG-GPU-5c89852c/7/0 \\
            CUDA_VISIBLE_DEVICES=0
        """,
        "ML616",
        [2, 3],
    ),
    (
        """
        FROM python:3.11-slim
        ENV CUDA_VISIBLE_DEVICES -1
        """,
        "ML616",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=all
        """,
        "ML616",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # ENV CUDA_VISIBLE_DEVICES=0
        CMD ["sh", "-c", "CUDA_VISIBLE_DEVICES=0 python serve.py"]
        """,
        "ML616",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV NVIDIA_VISIBLE_DEVICES=""
        """,
        "ML616",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ARG CUDA_VISIBLE_DEVICES=0
        RUN echo $CUDA_VISIBLE_DEVICES
        """,
        "ML616",
        [],
    ),
    # ------------------------------------------------------------------ ML412
    (
        """
        FROM python:3.11-slim
        RUN pip3 install torch torchaudio \\
              --extra-index-url https://download.pytorch.org/whl/cu118
        """,
        "ML412",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        ENV PIP_EXTRA_INDEX_URL="https://pypi.example.com/simple https://download.pytorch.org/whl/cpu"
        """,
        "ML412",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN --mount=type=cache,target=/root/.cache/pip \\
            pip install -r requirements.txt --extra-index-url https://download.pytorch.org/whl/cu121
        """,
        "ML412",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        ENV UV_INDEX_STRATEGY=unsafe-best-match
        RUN uv pip install --system torch --extra-index-url https://download.pytorch.org/whl/cu121
        """,
        "ML412",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install torch --index-url https://download.pytorch.org/whl/cu121 \\
            && pip install -r requirements.txt
        """,
        "ML412",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV UV_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu121
        RUN uv pip install --system torch
        """,
        "ML412",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # RUN pip install torch --extra-index-url https://download.pytorch.org/whl/cu121
        RUN pip install --extra-index-url "$EXTRA_INDEX" torch==2.4.1
        """,
        "ML412",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip download torch --extra-index-url https://pypi.example.com/simple -d /wheels
        """,
        "ML412",
        [],
    ),
    # ------------------------------------------------------------------ ML413
    (
        """
        FROM python:3.11-slim
        ARG HF_TOKEN
        RUN huggingface-cli login --token $HF_TOKEN && python download.py
        """,
        "ML413",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN --mount=type=secret,id=hf,env=HF_TOKEN \\
            mkdir -p ~/.cache/huggingface && printenv HF_TOKEN > ~/.cache/huggingface/token
        """,
        "ML413",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN curl -fsSL -H "Authorization: Bearer hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789" \\
              -o /m/model.safetensors https://huggingface.co/org/m/resolve/main/model.safetensors
        """,
        "ML413",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN cat > /root/.netrc <<EOF
        machine api.wandb.ai login user password ${WANDB_API_KEY}
        EOF
        """,
        "ML413",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN --mount=type=secret,id=hf,env=HF_TOKEN \\
            python -c "import huggingface_hub as h; h.snapshot_download('org/m', revision=REV)"
        """,
        "ML413",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # RUN huggingface-cli login --token hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
        RUN echo "login with: huggingface-cli login" > /etc/motd
        """,
        "ML413",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV HF_TOKEN_PATH=/run/secrets/hf_token
        RUN --mount=type=secret,id=hf_token python serve.py --check
        """,
        "ML413",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN git clone https://github.com/org/repo.git /src && pip install "mypkg @ git+https://github.com/org/mypkg@v1.2.0"
        """,
        "ML413",
        [],
    ),
    # ------------------------------------------------------------------ ML114
    (
        """
        FROM python:3.11-slim
        RUN --mount=type=secret,id=hf,env=HF_TOKEN \\
            hf download meta-llama/Llama-3.1-8B-Instruct --local-dir /models/llama
        """,
        "ML114",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN python -c "import diffusers as d; d.DiffusionPipeline.from_pretrained('sd/turbo')"
        """,
        "ML114",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN <<EOF
        #!/usr/bin/env python3
        from huggingface_hub import snapshot_download
        snapshot_download("BAAI/bge-m3", revision="v1.0")
        EOF
        """,
        "ML114",
        [5],
    ),
    (
        """
        FROM python:3.11-slim
        RUN git clone https://hf.co/org/model /m && git -C /m checkout main
        """,
        "ML114",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN huggingface-cli download org/model --revision=0123456789abcdef0123456789abcdef01234567
        """,
        "ML114",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # RUN hf download org/model
        RUN echo "hf download org/model" > /README
        """,
        "ML114",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN python download_models.py --model org/model
        """,
        "ML114",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN git clone https://huggingface.co/org/model /m && git -C /m reset --hard 5617a9f
        """,
        "ML114",
        [],
    ),
    # ------------------------------------------------------------------ ML115
    (
        """
        FROM python:3.11-slim
        RUN mkdir -p /models && \\
            curl -fsSL https://download.pytorch.org/models/resnet50-11ad3fa6.pth -o /models/r.pth
        """,
        "ML115",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN wget -qO /m/model.ckpt https://zenodo.example.org/record/1/files/epoch=12.ckpt
        """,
        "ML115",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN curl -fsSL https://data.example.com/imagenet-val.tar | tar x -C /data \\
            && wget -q https://data.example.com/emb.npy
        """,
        "ML115",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        RUN curl -fsSLO https://example.com/weights/vit_b.onnx
        RUN sha256sum -c /checksums/other-file.sha256
        """,
        "ML115",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN curl -fsSLO https://example.com/weights/vit_b.onnx && shasum -a 256 -c SHA256SUMS
        """,
        "ML115",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ADD https://example.com/weights/vit_b.onnx /m/
        """,
        "ML115",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # RUN curl -fsSLO https://example.com/weights/vit_b.onnx
        RUN curl -fsSL https://example.com/api/models.json -o /etc/models.json
        """,
        "ML115",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN curl -fsSLO "https://example.com/weights/${MODEL_FILE}"
        """,
        "ML115",
        [],
    ),
    # ------------------------------------------------------------------ ML507
    (
        """
        FROM python:3.11-slim
        COPY datasets/imagenet-subset/ /datasets/imagenet-subset/
        """,
        "ML507",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        COPY --chown=app:app train.parquet valid.parquet /data/
        """,
        "ML507",
        [2, 2],
    ),
    (
        """
        FROM python:3.11-slim
        COPY data /srv/data
        """,
        "ML507",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        COPY corpus.feather \\
             vectors.zarr /data/
        """,
        "ML507",
        [2, 3],
    ),
    (
        """
        FROM python:3.11-slim
        COPY app/data_utils.py app/datasets.py /app/
        """,
        "ML507",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # COPY datasets/ /datasets/
        VOLUME /datasets
        """,
        "ML507",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        COPY tests/fixtures/sample.json /app/tests/
        """,
        "ML507",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        COPY ${DATA_DIR} /data/
        """,
        "ML507",
        [],
    ),
    # ------------------------------------------------------------------ ML508
    (
        """
        FROM python:3.11-slim
        ENV TRANSFORMERS_CACHE=/models
        """,
        "ML508",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV PYTHONUNBUFFERED=1 \\
            HUGGINGFACE_HUB_CACHE=/data/hub
        """,
        "ML508",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        ENV HUGGING_FACE_HUB_TOKEN=/run/secrets/hf_token
        """,
        "ML508",
        [2],
    ),
    (
        """
        FROM python:3.11-slim AS base
        ENV PYTORCH_TRANSFORMERS_CACHE=/models
        FROM base
        ENV TRANSFORMERS_CACHE=/models
        """,
        "ML508",
        [2, 4],
    ),
    (
        """
        FROM python:3.11-slim
        ENV HF_HOME=/cache TRANSFORMERS_CACHE=/cache/hub
        """,
        "ML508",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # ENV TRANSFORMERS_CACHE=/models
        ENV HF_HUB_CACHE=/models
        """,
        "ML508",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV HUGGING_FACE_HUB_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
        """,
        "ML508",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        LABEL TRANSFORMERS_CACHE=/models
        ARG HUGGINGFACE_HUB_CACHE=/models
        """,
        "ML508",
        [],
    ),
]

#: The snippets are written indented in triple quotes; the files they stand for are not.
CASES = [(textwrap.dedent(s).lstrip("\n"), rule, lines) for s, rule, lines in _WRITTEN]
