"""GPU access, shared memory and limits (ML630-ML636)."""

from __future__ import annotations

Files = str | dict[str, str]
TORCH = "pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime"

RESERVATION = """\
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: {count}
              capabilities: [gpu]
"""

CASES: list[tuple[Files, str, list[int | str]]] = [
    # ------------------------------------------------------------------ ML630 gpu-legacy-runtime
    (
        """\
services:
  train:
    image: nvcr.io/nvidia/pytorch:24.08-py3
    runtime: nvidia
""",
        "ML630",
        [4],
    ),
    (
        """\
services:
  serve:
    image: vllm/vllm-openai:v0.6.3
    environment:
      NVIDIA_VISIBLE_DEVICES: all
""",
        "ML630",
        [5],
    ),
    (
        {
            "compose.yaml": f"services:\n  train:\n    image: {TORCH}\n",
            "compose.override.yaml": "services:\n  train:\n    runtime: ${RT:-nvidia}\n",
        },
        "ML630",
        ["compose.override.yaml:3"],
    ),
    (
        {
            "compose.yaml": "services:\n  serve:\n    image: vllm/vllm-openai:v0.6.3\n"
            "    environment:\n      - NVIDIA_VISIBLE_DEVICES=${GPUS}\n",
            ".env": "GPUS=0,1\n",
        },
        "ML630",
        [5],
    ),
    (
        """\
x-gpu: &gpu
  runtime: nvidia
services:
  a:
    <<: *gpu
    image: ghcr.io/example/a:1
""",
        "ML630",
        [2],
    ),
    (
        """\
services:
  train:
    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04
    environment:
      NVIDIA_VISIBLE_DEVICES: all
"""
        + RESERVATION.format(count=1),
        "ML630",
        [],
    ),
    (
        """\
services:
  serve:
    image: vllm/vllm-openai:v0.6.3
    gpus: all
    environment:
      NVIDIA_VISIBLE_DEVICES: all
""",
        "ML630",
        [],
    ),
    (
        """\
services:
  cpu:
    image: python:3.12-slim
    environment:
      NVIDIA_VISIBLE_DEVICES: void
  unknown:
    image: python:3.12-slim
    environment:
      NVIDIA_VISIBLE_DEVICES: ${GPUS}
""",
        "ML630",
        [],
    ),
    (
        """\
services:
  sandbox:
    image: python:3.12-slim
    runtime: runsc
  cdi:
    image: vllm/vllm-openai:v0.6.3
    devices: ["nvidia.com/gpu=0"]
    environment:
      NVIDIA_VISIBLE_DEVICES: "0"
""",
        "ML630",
        [],
    ),
    (
        {
            "compose.yaml": "services:\n  serve:\n    image: vllm/vllm-openai:v0.6.3\n"
            "    environment:\n      NVIDIA_VISIBLE_DEVICES: all\n",
            "compose.override.yaml": "services:\n  serve:\n    gpus: all\n",
        },
        "ML630",
        [],
    ),
    # ------------------------------------------------------------- ML631 gpu-reservation-invalid
    (
        """\
services:
  train:
    image: ghcr.io/example/trainer:1.4
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              device_ids: ["0"]
              capabilities: [gpu]
""",
        "ML631",
        [9],
    ),
    (
        """\
services:
  serve:
    image: vllm/vllm-openai:v0.6.3
    gpus:
      - device_ids: ["0", "1"]
        count: all
""",
        "ML631",
        [6],
    ),
    (
        "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n"
        + RESERVATION.format(count="one"),
        "ML631",
        [9],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n"
            + RESERVATION.format(count="${GPUS}"),
            ".env": "GPUS=two\n",
        },
        "ML631",
        [9],
    ),
    (
        """\
x-dev: &dev
  driver: nvidia
  count: 2
  device_ids: ["0", "1"]
  capabilities: [gpu]
services:
  train:
    image: ghcr.io/example/trainer:1.4
    deploy:
      resources:
        reservations:
          devices: [*dev]
""",
        "ML631",
        [3],
    ),
    (
        "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n"
        + RESERVATION.format(count="${GPUS:-1}"),
        "ML631",
        [],
    ),
    (
        "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n"
        + RESERVATION.format(count="${GPUS}"),
        "ML631",
        [],
    ),
    (
        "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n"
        + RESERVATION.format(count="All"),
        "ML631",
        [],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n"
            + RESERVATION.format(count=1),
            "compose.override.yaml": """\
services:
  train:
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              device_ids: ["2"]
              capabilities: [gpu]
""",
        },
        "ML631",
        [],
    ),
    (
        """\
services:
  serve:
    image: vllm/vllm-openai:v0.6.3
    gpus:
      - driver: nvidia
        device_ids: ["0", "1"]
""",
        "ML631",
        [],
    ),
    # ------------------------------------------------------------ ML632 gpu-device-nodes-mounted
    (
        """\
services:
  train:
    image: ghcr.io/example/trainer:1.4
    devices:
      - /dev/nvidia0
      - /dev/nvidiactl
""",
        "ML632",
        [5, 6],
    ),
    (
        """\
services:
  train:
    image: ghcr.io/example/trainer:1.4
    gpus: all
    devices: ["/dev/nvidia-uvm:/dev/nvidia-uvm:rwm"]
""",
        "ML632",
        [5],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n",
            "compose.override.yaml": "services:\n  train:\n    devices:\n      - /dev/nvidia3\n",
        },
        "ML632",
        ["compose.override.yaml:4"],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    image: ghcr.io/example/trainer:1.4\n"
            "    devices:\n      - ${NODE}\n",
            ".env": "NODE=/dev/nvidia0\n",
        },
        "ML632",
        [5],
    ),
    (
        """\
services:
  rocm:
    image: rocm/pytorch:latest
    devices:
      - /dev/kfd
      - /dev/dri/renderD128
""",
        "ML632",
        [],
    ),
    (
        """\
services:
  serve:
    image: vllm/vllm-openai:v0.6.3
    devices:
      - nvidia.com/gpu=0
      - nvidia.com/gpu=1
""",
        "ML632",
        [],
    ),
    (
        """\
services:
  train:
    image: ghcr.io/example/trainer:1.4
    devices:
      - ${GPU_NODE}
    volumes:
      - /dev/nvidia0:/dev/nvidia0
""",
        "ML632",
        [],
    ),
    (
        """\
services:
  train:
    image: ghcr.io/example/trainer:1.4
    # devices: ["/dev/nvidia0"]
    gpus: all
    environment:
      DEVICE: /dev/nvidia0
""",
        "ML632",
        [],
    ),
    # ----------------------------------------------------------------------- ML633 shm-too-small
    (
        f"services:\n  train:\n    image: {TORCH}\n" + RESERVATION.format(count=1),
        "ML633",
        [2],
    ),
    (
        """\
services:
  serve:
    image: ghcr.io/huggingface/text-generation-inference:2.4.0
    gpus: all
    shm_size: 64m
""",
        "ML633",
        [5],
    ),
    (
        {
            "compose.yaml": f"services:\n  train:\n    image: {TORCH}\n",
            "compose.override.yaml": "services:\n  train:\n    gpus: all\n",
        },
        "ML633",
        [2],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    image: ghcr.io/example/t:1\n    gpus: all\n"
            "    command: accelerate launch train.py\n    shm_size: ${SHM:-256mb}\n",
        },
        "ML633",
        [6],
    ),
    (
        """\
services:
  train:
    image: ghcr.io/example/t:1
    environment:
      NVIDIA_VISIBLE_DEVICES: all
    command: ["deepspeed", "--num_gpus=8", "train.py"]
""",
        "ML633",
        [2],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    shm_size: ${{SHM:-8gb}}\n"
        + RESERVATION.format(count=1),
        "ML633",
        [],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    shm_size: ${{SHM}}\n"
        + RESERVATION.format(count=1),
        "ML633",
        [],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    ipc: host\n" + RESERVATION.format(count=1),
        "ML633",
        [],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    command: python train.py\n",
        "ML633",
        [],
    ),
    (
        """\
services:
  llama:
    image: ghcr.io/ggerganov/llama.cpp:server-cuda
    gpus: all
  triton:
    image: nvcr.io/nvidia/tritonserver:24.08-py3
    gpus: all
""",
        "ML633",
        [],
    ),
    (
        {
            "compose.yaml": f"services:\n  train:\n    image: {TORCH}\n    gpus: all\n",
            "compose.override.yaml": "services:\n  train:\n    shm_size: 16gb\n",
        },
        "ML633",
        [],
    ),
    # -------------------------------------------------------------- ML634 ipc-host-with-shm-size
    (
        f"services:\n  train:\n    image: {TORCH}\n    ipc: host\n    shm_size: 8gb\n",
        "ML634",
        [5],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    shm_size: 8gb\n    ipc: ${{IPC:-host}}\n",
        "ML634",
        [4],
    ),
    (
        {
            "compose.yaml": f"services:\n  train:\n    image: {TORCH}\n    ipc: host\n",
            "compose.override.yaml": "services:\n  train:\n    shm_size: 2g\n",
        },
        "ML634",
        ["compose.override.yaml:3"],
    ),
    (
        """\
x-big-shm: &big-shm
  shm_size: 32gb
  ipc: host
services:
  a:
    <<: *big-shm
    image: ghcr.io/example/a:1
""",
        "ML634",
        [2],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    ipc: host\n",
        "ML634",
        [],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    ipc: private\n    shm_size: 8gb\n",
        "ML634",
        [],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    ipc: ${{IPC}}\n    shm_size: 8gb\n",
        "ML634",
        [],
    ),
    (
        f"services:\n  a:\n    image: {TORCH}\n    ipc: host\n  b:\n    image: {TORCH}\n"
        "    shm_size: 8gb\n",
        "ML634",
        [],
    ),
    # ------------------------------------------------------------------------ ML635 nccl-ulimits
    (
        f"services:\n  train:\n    image: {TORCH}\n    command: torchrun --nproc-per-node=2 t.py\n"
        + RESERVATION.format(count=2),
        "ML635",
        [10],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    command: torchrun t.py\n    gpus: all\n"
        "    ulimits:\n      memlock: -1\n      stack: {soft: -1, hard: -1}\n",
        "ML635",
        [8],
    ),
    (
        {
            "compose.yaml": f"services:\n  train:\n    image: {TORCH}\n"
            "    command: python -m torch.distributed.run --nproc-per-node=4 t.py\n",
            "compose.override.yaml": "services:\n  train:\n    gpus: all\n",
        },
        "ML635",
        ["compose.override.yaml:3"],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    image: ghcr.io/example/t:1\n"
            "    command: [accelerate, launch, t.py]\n" + RESERVATION.format(count="${GPUS:-4}"),
            ".env": "GPUS=8\n",
        },
        "ML635",
        [10],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    command: torchrun t.py\n"
        + RESERVATION.format(count=1),
        "ML635",
        [],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    command: torchrun t.py\n"
        + RESERVATION.format(count="${GPUS}"),
        "ML635",
        [],
    ),
    (
        f"services:\n  train:\n    image: {TORCH}\n    command: torchrun t.py\n    gpus: all\n"
        "    ulimits:\n      memlock: -1\n      stack: 67108864\n",
        "ML635",
        [],
    ),
    (
        "services:\n  serve:\n    image: vllm/vllm-openai:v0.6.3\n"
        "    command: --tensor-parallel-size 2\n" + RESERVATION.format(count=2),
        "ML635",
        [],
    ),
    (
        {
            "compose.yaml": f"services:\n  train:\n    image: {TORCH}\n    command: torchrun t.py\n"
            "    gpus: all\n",
            "compose.override.yaml": "services:\n  train:\n    ulimits:\n      memlock: -1\n"
            "      stack: 67108864\n",
        },
        "ML635",
        [],
    ),
    # ------------------------------------------------------ ML636 cache-volume-not-writable-by-user
    (
        "services:\n  serve:\n    image: vllm/vllm-openai:v0.6.3\n    user: '1000'\n"
        "    volumes:\n      - ~/.cache/huggingface:/root/.cache/huggingface\n",
        "ML636",
        [6],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    build: .\n    volumes:\n"
            "      - hf:/root/.cache\nvolumes:\n  hf:\n",
            "Dockerfile": "FROM python:3.12-slim\nRUN useradd -m app\nUSER app\n",
        },
        "ML636",
        [5],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    build:\n      context: .\n"
            "      args:\n        APP_USER: trainer\n",
            "Dockerfile": "FROM python:3.12-slim\nARG APP_USER=root\n"
            "ENV XDG_CACHE_HOME=/root/.cache\nUSER ${APP_USER}\n",
        },
        "ML636",
        ["Dockerfile:3"],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    image: x/y:1\n    environment:\n"
            "      TORCH_HOME: /root/.cache/torch\n",
            "compose.override.yaml": "services:\n  train:\n    user: ${UID:-1000}\n",
        },
        "ML636",
        [5],
    ),
    (
        "services:\n  serve:\n    image: vllm/vllm-openai:v0.6.3\n"
        "    volumes:\n      - ~/.cache/huggingface:/root/.cache/huggingface\n",
        "ML636",
        [],
    ),
    (
        "services:\n  serve:\n    image: vllm/vllm-openai:v0.6.3\n    user: ${UID}\n"
        "    volumes:\n      - ~/.cache/huggingface:/root/.cache/huggingface\n",
        "ML636",
        [],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    build: .\n    volumes:\n"
            "      - hf:/root/.cache\nvolumes:\n  hf:\n",
            "Dockerfile": "FROM python:3.12-slim\nRUN useradd -m app\nUSER app\nUSER root\n",
        },
        "ML636",
        [],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    build: .\n    volumes:\n"
            "      - hf:/root/.cache\nvolumes:\n  hf:\n",
            "Dockerfile": "FROM python:3.12-slim\nRUN useradd -m app && chown -R app /root\n"
            "USER app\n",
        },
        "ML636",
        [],
    ),
    (
        {
            "compose.yaml": "services:\n  train:\n    build: .\n    environment:\n"
            "      HF_HOME: /data/hf\n",
            "Dockerfile": "FROM python:3.12-slim\nENV HF_HOME=/root/.cache/huggingface\n"
            "USER 1000\n",
        },
        "ML636",
        [],
    ),
]

# ------------------------------------------------------------------ ML610 cpu-wheel-on-gpu-service
_CPU = "FROM python:3.11-slim\nRUN pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cpu\n"
_GPU = "FROM python:3.11-slim\nRUN pip install torch==2.5.1\n"
CASES += [
    ({"compose.yaml": "services:\n  t:\n    build: .\n    gpus: all\n", "Dockerfile": _CPU},
     "ML610", [4]),
    ({"compose.yaml": "services:\n  t:\n    build: .\n    runtime: nvidia\n", "Dockerfile": _CPU},
     "ML610", [4]),
    ({"compose.yaml": "services:\n  t:\n    build: .\n    devices: [nvidia.com/gpu=all]\n",
      "Dockerfile": _CPU}, "ML610", [4]),
    ({"compose.yaml": "services:\n  t:\n    build: .\n    gpus: all\n", "Dockerfile": _GPU},
     "ML610", []),
    ({"compose.yaml": "services:\n  t:\n    build: .\n", "Dockerfile": _CPU}, "ML610", []),
    ({"compose.yaml": "services:\n  t:\n    image: x:1\n    gpus: all\n"}, "ML610", []),
    ({"compose.yaml": "services:\n  t:\n    build: .\n    gpus: all\n",
      "Dockerfile": "FROM python:3.11-slim\nRUN pip install -r requirements.txt\n"}, "ML610", []),
]  # fmt: skip
