"""Compose snippets for ML408 (privileged host ports) and ML502-ML506 (volumes)."""

from __future__ import annotations

Files = str | dict[str, str]

CASES: list[tuple[Files, str, list[int | str]]] = [
    # ---------------------------------------------------------------- ML408 privileged-host-port
    (
        """
services:
  api:
    image: ghcr.io/example/inference-api:2.3.0
    ports:
      - "80:8000"
""",
        "ML408",
        [6],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    ports:
      - target: 22
        published: 22
        host_ip: 127.0.0.1
""",
        "ML408",
        [6],
    ),
    (
        {
            "compose.yaml": """
services:
  mlflow:
    image: ghcr.io/mlflow/mlflow:v2.16.2
    ports:
      - "${MLFLOW_PORT:-5000}:5000"
""",
            ".env": "MLFLOW_PORT=443\n",
        },
        "ML408",
        [6],
    ),
    (
        {
            "compose.yaml": """
services:
  tb:
    image: tensorflow/tensorflow:2.17.0
    ports:
      - "127.0.0.1:6006:6006"
""",
            "compose.override.yaml": """
services:
  tb:
    ports:
      - "127.0.0.1:81:6007"
""",
        },
        "ML408",
        ["compose.override.yaml:5"],
    ),
    (
        """
services:
  proxy:
    image: haproxy:3.0
    ports:
      - "22:2222"
""",
        "ML408",
        [6],
    ),
    (
        """
services:
  api:
    image: ghcr.io/example/inference-api:2.3.0
    ports:
      - "8080:80"
      - "80"
""",
        "ML408",
        [],
    ),
    (
        """
services:
  proxy:
    image: caddy:2.8
    ports:
      - "80:80"
      - "443:443"
      - "443:443/udp"
""",
        "ML408",
        [],
    ),
    (
        """
services:
  gateway:
    image: envoyproxy/envoy:v1.31.2
    ports:
      - "443:10000"
  lb:
    image: jc21/nginx-proxy-manager:2.11.3
    ports:
      - "80:80"
""",
        "ML408",
        [],
    ),
    (
        """
services:
  api:
    image: ghcr.io/example/inference-api:2.3.0
    ports:
      - "${API_PORT}:8000"
      - target: 8001
        published: ${ADMIN_PORT}
""",
        "ML408",
        [],
    ),
    (
        """
services:
  api:
    image: ghcr.io/example/inference-api:2.3.0
    network_mode: host
    expose:
      - "80"
""",
        "ML408",
        [],
    ),
    # ------------------------------------------------ ML502 anonymous-volume-for-persistent-data
    (
        """
services:
  vllm:
    image: vllm/vllm-openai:v0.6.3
    volumes:
      - /root/.cache/huggingface
""",
        "ML502",
        [6],
    ),
    (
        """
services:
  db:
    image: postgres:16.4
    volumes:
      - type: volume
        target: /var/lib/postgresql/data
""",
        "ML502",
        [6],
    ),
    (
        {
            "compose.yaml": """
services:
  app:
    image: ghcr.io/example/rag-app:1.0.0
    environment:
      HF_HOME: ${HF_HOME:-/srv/hf}
    volumes:
      - /srv
""",
            ".env": "HF_HOME=/srv/hf/cache\n",
        },
        "ML502",
        [8],
    ),
    (
        {
            "compose.yaml": """
services:
  ollama:
    image: ollama/ollama:0.3.12
""",
            "compose.override.yaml": """
services:
  ollama:
    volumes:
      - /root/.ollama
""",
        },
        "ML502",
        ["compose.override.yaml:5"],
    ),
    (
        """
x-ckpt: &ckpt
  - /checkpoints
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes: *ckpt
""",
        "ML502",
        [3],
    ),
    (
        """
services:
  vllm:
    image: vllm/vllm-openai:v0.6.3
    volumes:
      - hf-cache:/root/.cache/huggingface
      - ./checkpoints:/checkpoints
volumes:
  hf-cache: {}
""",
        "ML502",
        [],
    ),
    (
        """
services:
  web:
    build: .
    volumes:
      - .:/app
      - /app/node_modules
      - /app/.venv
""",
        "ML502",
        [],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    environment:
      HF_HOME: /cache/hf
    volumes:
      - /tmp
      - type: tmpfs
        target: /cache
""",
        "ML502",
        [],
    ),
    (
        {
            "compose.yaml": """
services:
  db:
    image: postgres:16.4
    volumes:
      - /var/lib/postgresql/data
""",
            "compose.override.yaml": """
services:
  db:
    volumes:
      - pgdata:/var/lib/postgresql/data
volumes:
  pgdata: {}
""",
        },
        "ML502",
        [],
    ),
    (
        """
services:
  redis:
    image: redis:7.4
    volumes:
      - /data
  app:
    image: ghcr.io/example/app:1.0.0
    volumes:
      - ${MODEL_DIR}
""",
        "ML502",
        [],
    ),
    # ------------------------------------------------------------ ML503 undefined-named-volume
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - data:/data
""",
        "ML503",
        [6],
    ),
    (
        """
services:
  vllm:
    image: vllm/vllm-openai:v0.6.3
    volumes:
      - hf_cache:/root/.cache/huggingface
volumes:
  hf-cache:
""",
        "ML503",
        [6],
    ),
    (
        {
            "compose.yaml": """
services:
  db:
    image: postgres:16.4
    volumes:
      - ${PG_VOLUME:-pgdata}:/var/lib/postgresql/data
volumes:
  pgdata: {}
""",
            ".env": "PG_VOLUME=pg16\n",
        },
        "ML503",
        [6],
    ),
    (
        {
            "compose.yaml": """
services:
  db:
    image: postgres:16.4
""",
            "compose.override.yaml": """
services:
  db:
    volumes:
      - type: volume
        source: pgdata
        target: /var/lib/postgresql/data
""",
        },
        "ML503",
        ["compose.override.yaml:5"],
    ),
    (
        {
            "compose.yaml": """
services:
  db:
    image: postgres:16.4
    volumes:
      - pgdata:/var/lib/postgresql/data
""",
            "compose.override.yaml": """
volumes:
  pgdata:
    driver: local
""",
        },
        "ML503",
        [],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./data:/data
      - ../shared:/shared
      - ~/.cache/huggingface:/root/.cache/huggingface
      - /mnt/datasets:/datasets:ro
      - 'D:\\datasets:/d'
      - /scratch
""",
        "ML503",
        [],
    ),
    (
        {
            "compose.yaml": """
include:
  - infra/compose.yaml
services:
  app:
    image: ghcr.io/example/rag-app:1.0.0
    volumes:
      - qdrant-data:/snapshots:ro
""",
            "infra/compose.yaml": """
services:
  qdrant:
    image: qdrant/qdrant:v1.11.3
    volumes:
      - qdrant-data:/qdrant/storage
volumes:
  qdrant-data: {}
""",
        },
        "ML503",
        [],
    ),
    (
        """
x-vol: &vol
  models: {}
services:
  serve:
    image: vllm/vllm-openai:v0.6.3
    volumes:
      - models:/models:ro
      - ${MODELS_VOLUME}:/more
volumes:
  <<: *vol
""",
        "ML503",
        [],
    ),
    # --------------------------------------------------------------- ML504 unused-named-volume
    (
        """
services:
  vllm:
    image: vllm/vllm-openai:v0.6.3
volumes:
  hf-cache: {}
""",
        "ML504",
        [6],
    ),
    (
        """
services:
  vllm:
    image: vllm/vllm-openai:v0.6.3
    volumes:
      - hf_cache:/root/.cache/huggingface
volumes:
  hf-cache:
    external: true
""",
        "ML504",
        [8],
    ),
    (
        {
            "compose.yaml": """
services:
  db:
    image: postgres:16.4
    volumes:
      - ${PG_VOLUME:-pgdata}:/var/lib/postgresql/data
volumes:
  pgdata: {}
  pg16: {}
""",
            ".env": "PG_VOLUME=pg16\n",
        },
        "ML504",
        [8],
    ),
    (
        {
            "compose.yaml": """
services:
  db:
    image: postgres:16.4
""",
            "compose.override.yaml": """
volumes:
  pgdata: {}
""",
        },
        "ML504",
        ["compose.override.yaml:3"],
    ),
    (
        """
services:
  db:
    image: postgres:16.4
    volumes:
      - pgdata:/var/lib/postgresql/data:rw
  qdrant:
    image: qdrant/qdrant:v1.11.3
    volumes:
      - type: volume
        source: qdrant
        target: /qdrant/storage
volumes:
  pgdata:
  qdrant:
""",
        "ML504",
        [],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - type: volume
        source: ${CKPT_VOLUME}
        target: /checkpoints
volumes:
  ckpt-a: {}
""",
        "ML504",
        [],
    ),
    (
        {
            "compose.yaml": """
services:
  trainer:
    extends:
      file: base.yaml
      service: trainer
volumes:
  checkpoints: {}
""",
            "base.yaml": """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - checkpoints:/checkpoints
""",
        },
        "ML504",
        [],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./data:/data
""",
        "ML504",
        [],
    ),
    # --------------------------------------------------------- ML505 bind-mount-outside-project
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ../../datasets:/data:ro
""",
        "ML505",
        [6],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - type: bind
        source: ./src/../../weights
        target: /models
""",
        "ML505",
        [6],
    ),
    (
        {
            "compose.yaml": """
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook:cuda12-python-3.11
""",
            "compose.override.yaml": """
services:
  notebook:
    volumes:
      - ../notebooks:/home/jovyan/work
""",
        },
        "ML505",
        ["compose.override.yaml:5"],
    ),
    (
        {
            "compose.yaml": """
services:
  trainer:
    extends:
      file: shared/base.yaml
      service: trainer
""",
            "shared/base.yaml": """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ../../outside:/outside
""",
        },
        "ML505",
        ["shared/base.yaml:6"],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./data:/data
      - .:/workspace
      - ./a/../b:/b
""",
        "ML505",
        [],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ${DATA_DIR:-../data}:/data
      - ${OTHER_DIR}:/other
      - /srv/data:/srv
      - ~/data:/home
""",
        "ML505",
        [],
    ),
    (
        {
            "compose.yaml": """
services:
  trainer:
    extends:
      file: shared/base.yaml
      service: trainer
""",
            "shared/base.yaml": """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ../data:/data
""",
        },
        "ML505",
        [],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - 'C:\\Users\\me\\data:/data'
      - data:/more
volumes:
  data: {}
""",
        "ML505",
        [],
    ),
    (
        {
            "docker/compose.yaml": """
services:
  api:
    image: ghcr.io/example/inference-api:2.3.0
    volumes:
      - ../models:/app/models:ro
      - ../data:/app/data
""",
        },
        "ML505",
        [],
    ),
    (
        {
            "deploy/compose.yaml": """
services:
  api:
    image: ghcr.io/example/inference-api:2.3.0
    volumes:
      - ../../datasets:/data:ro
""",
        },
        "ML505",
        ["deploy/compose.yaml:6"],
    ),
    (
        {
            "stack/compose.yaml": """
services:
  api:
    build:
      context: ..
      dockerfile: stack/Dockerfile
    volumes:
      - ../models:/app/models:ro
      - ../../elsewhere:/elsewhere
""",
        },
        "ML505",
        ["stack/compose.yaml:9"],
    ),
    (
        {
            ".devcontainer/docker-compose.yml": """
services:
  dev:
    image: mcr.microsoft.com/devcontainers/python:3.11
    volumes:
      - ..:/workspaces/project:cached
""",
        },
        "ML505",
        [],
    ),
    # ------------------------------------------------------------- ML506 shared-writable-mount
    (
        """
services:
  pretrain:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./checkpoints:/checkpoints
  finetune:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./checkpoints:/checkpoints
""",
        "ML506",
        [10],
    ),
    (
        """
services:
  optuna-dashboard:
    image: ghcr.io/optuna/optuna-dashboard:v0.16.2
    volumes:
      - ./optuna.sqlite3:/app/optuna.sqlite3
  search:
    image: ghcr.io/example/hpo:1.0.0
    volumes:
      - type: bind
        source: ./optuna.sqlite3
        target: /work/optuna.sqlite3
""",
        "ML506",
        [10],
    ),
    (
        {
            "compose.yaml": """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ckpt:/checkpoints
  evaluator:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
volumes:
  ckpt: {}
""",
            "compose.override.yaml": """
services:
  evaluator:
    volumes:
      - ckpt:/ckpt
""",
        },
        "ML506",
        ["compose.override.yaml:5"],
    ),
    (
        {
            "compose.yaml": """
services:
  a:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ${CKPT_DIR:-./ckpt}:/ckpt
  b:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ${CKPT_DIR:-./ckpt}:/ckpt
""",
            ".env": "CKPT_DIR=/mnt/shared/ckpt\n",
        },
        "ML506",
        [10],
    ),
    (
        """
services:
  trainer:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./checkpoints:/checkpoints
  tensorboard:
    image: tensorflow/tensorflow:2.17.0
    volumes:
      - ./checkpoints:/logs:ro
  serve:
    image: vllm/vllm-openai:v0.6.3
    volumes:
      - type: bind
        source: ./checkpoints
        target: /models
        read_only: true
""",
        "ML506",
        [],
    ),
    (
        """
services:
  api:
    build: .
    volumes:
      - .:/app
      - ./data:/data
  worker:
    build: .
    volumes:
      - .:/app
      - ./data:/data
""",
        "ML506",
        [],
    ),
    (
        """
services:
  a:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ${CKPT_DIR}:/checkpoints
  b:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ${CKPT_DIR}:/checkpoints
""",
        "ML506",
        [],
    ),
    (
        """
services:
  a:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./run-a/checkpoints:/checkpoints
  b:
    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    volumes:
      - ./run-b/checkpoints:/checkpoints
      - /checkpoints-scratch
""",
        "ML506",
        [],
    ),
    (
        """
x-ui: &ui
  image: ghcr.io/example/sd-ui:1.0.0
  volumes:
    - ./checkpoints:/checkpoints
services:
  auto:
    <<: *ui
    profiles: [auto]
  comfy:
    <<: *ui
    profiles: [comfy]
""",
        "ML506",
        [],
    ),
    (
        """
x-ui: &ui
  image: ghcr.io/example/sd-ui:1.0.0
  volumes:
    - ./checkpoints:/checkpoints
services:
  download:
    image: ghcr.io/example/downloader:1.0.0
    volumes:
      - ./checkpoints:/checkpoints
  comfy:
    <<: *ui
    profiles: [comfy]
""",
        "ML506",
        [5],
    ),
]
