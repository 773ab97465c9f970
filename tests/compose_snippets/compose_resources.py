"""Compose resources (ML307-ML312), reproducibility (ML110, ML111) and validity (ML014-ML016)
rules: values through anchors, override files, ``${VAR:-default}``, ``extends`` and unknown
variables, sizes in every unit and cpus as strings or numbers."""

from __future__ import annotations

Files = str | dict[str, str]
CASES: list[tuple[Files, str, list[int | str]]] = [
    # ---------------------------------------- ML307 no-cpu-limit
    (
        "services:\n  train:\n    image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime\n",
        "ML307",
        [2],
    ),
    (
        "services:\n  a:\n    image: x:1\n    deploy:\n      resources:\n        reservations:\n"
        "          cpus: '4'\n",
        "ML307",
        [2],
    ),
    ("services:\n  a:\n    image: x:1\n    cpu_shares: 512\n", "ML307", [2]),
    ("services:\n  a:\n    image: x:1\n    cpus: 1.5\n", "ML307", []),
    ("services:\n  a:\n    image: x:1\n    cpus: ${CPUS}\n", "ML307", []),
    (
        "x-l: &l\n  deploy:\n    resources:\n      limits:\n        cpus: '2'\n"
        "services:\n  a:\n    <<: *l\n    image: x:1\n",
        "ML307",
        [],
    ),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n",
            "compose.override.yaml": "services:\n  a:\n    cpus: '2'\n",
        },
        "ML307",
        [],
    ),
    ("services:\n  base:\n    image: x:1\n    cpus: 2\n  b:\n    extends: base\n", "ML307", []),
    # ---------------------------------------- ML308 no-pids-limit
    ("services:\n  a:\n    image: x:1\n", "ML308", [2]),
    ("services:\n  a:\n    image: x:1\n    mem_limit: 4g\n    cpus: 2\n", "ML308", [2]),
    ("services:\n  a:\n    image: x:1\n    pids_limit: 100\n  b:\n    image: y:1\n", "ML308", [5]),
    ("services:\n  a:\n    image: x:1\n    pids_limit: 4096\n", "ML308", []),
    (
        "services:\n  a:\n    image: x:1\n    deploy:\n      resources:\n        limits:\n"
        "          pids: ${PIDS:-100}\n",
        "ML308",
        [],
    ),
    ("services:\n  a:\n    image: x:1\n    pids_limit: -1\n", "ML308", []),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n",
            "compose.override.yaml": "services:\n  a:\n    pids_limit: 200\n",
        },
        "ML308",
        [],
    ),
    # ---------------------------------------- ML309 pids-limit-unlimited
    ("services:\n  a:\n    image: x:1\n    pids_limit: -1\n", "ML309", [4]),
    ("services:\n  a:\n    image: x:1\n    pids_limit: 0\n", "ML309", [4]),
    (
        "services:\n  a:\n    image: x:1\n    deploy:\n      resources:\n        limits:\n"
        "          pids: -1\n",
        "ML309",
        [7],
    ),
    ("services:\n  a:\n    image: x:1\n    pids_limit: ${P:--1}\n", "ML309", [4]),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n    pids_limit: 100\n",
            "compose.override.yaml": "services:\n  a:\n    pids_limit: -1\n",
        },
        "ML309",
        ["compose.override.yaml:3"],
    ),
    ("services:\n  a:\n    image: x:1\n    pids_limit: 4096\n", "ML309", []),
    ("services:\n  a:\n    image: x:1\n    pids_limit: ${P}\n", "ML309", []),
    ("services:\n  a:\n    image: x:1\n", "ML309", []),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n    pids_limit: -1\n",
            "compose.override.yaml": "services:\n  a:\n    pids_limit: 9000\n",
        },
        "ML309",
        [],
    ),
    # ---------------------------------------- ML310 ulimit-out-of-range
    ("services:\n  a:\n    image: x:1\n    ulimits:\n      nofile: -1\n", "ML310", [5]),
    (
        "services:\n  a:\n    image: x:1\n    ulimits:\n      nofile:\n        soft: 1024\n"
        "        hard: 4294967296\n",
        "ML310",
        [7],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ulimits:\n      nproc:\n        soft: 100\n"
        "        hard: 50\n",
        "ML310",
        [6],
    ),
    (
        "x-u: &u\n  ulimits:\n    nofile: -1\nservices:\n  a:\n    <<: *u\n    image: x:1\n"
        "  b:\n    <<: *u\n    image: y:1\n",
        "ML310",
        [3],
    ),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n    ulimits:\n      nofile: 65536\n",
            "compose.override.yaml": "services:\n  a:\n    ulimits:\n      nofile: -1\n",
        },
        "ML310",
        ["compose.override.yaml:4"],
    ),
    (
        "services:\n  a:\n    image: nvcr.io/nvidia/pytorch:24.08-py3\n    ulimits:\n"
        "      memlock: -1\n      stack: 67108864\n",
        "ML310",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ulimits:\n      nproc: -1\n      core: 0\n",
        "ML310",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ulimits:\n      nofile:\n        soft: 65536\n"
        "        hard: 1048576\n",
        "ML310",
        [],
    ),
    ("services:\n  a:\n    image: x:1\n    ulimits:\n      nofile: ${NOFILE}\n", "ML310", []),
    (
        "services:\n  a:\n    image: x:1\n    ulimits:\n      core:\n        soft: 0\n"
        "        hard: -1\n",
        "ML310",
        [],
    ),
    # ---------------------------------------- ML311 resource-limit-conflict
    (
        "services:\n  a:\n    image: x:1\n    mem_limit: 4g\n    deploy:\n      resources:\n"
        "        limits:\n          memory: 8g\n",
        "ML311",
        [8],
    ),
    (
        "services:\n  a:\n    image: x:1\n    cpus: 1.5\n    deploy:\n      resources:\n"
        "        limits:\n          cpus: '2'\n",
        "ML311",
        [8],
    ),
    ("services:\n  a:\n    image: x:1\n    mem_limit: 8g\n    memswap_limit: 2g\n", "ML311", [5]),
    ("services:\n  a:\n    image: x:1\n    memswap_limit: 2g\n", "ML311", [4]),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n    pids_limit: 100\n",
            "compose.override.yaml": "services:\n  a:\n    deploy:\n      resources:\n"
            "        limits:\n          pids: 200\n",
        },
        "ML311",
        ["compose.override.yaml:6"],
    ),
    (
        "x-l: &l\n  deploy:\n    resources:\n      limits:\n        memory: 2g\n"
        "services:\n  a:\n    <<: *l\n    image: x:1\n    mem_limit: ${MEM:-4g}\n",
        "ML311",
        [5],
    ),
    (
        "services:\n  a:\n    image: x:1\n    mem_limit: 4g\n    deploy:\n      resources:\n"
        "        limits:\n          memory: 4GiB\n",
        "ML311",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    mem_limit: 4294967296\n    deploy:\n"
        "      resources:\n        limits:\n          memory: 4096m\n",
        "ML311",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    cpus: '1.5'\n    deploy:\n      resources:\n"
        "        limits:\n          cpus: 1.5\n",
        "ML311",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    mem_limit: ${MEM}\n    deploy:\n      resources:\n"
        "        limits:\n          memory: 8g\n",
        "ML311",
        [],
    ),
    ("services:\n  a:\n    image: x:1\n    mem_limit: 8g\n    memswap_limit: -1\n", "ML311", []),
    # ---------------------------------------- ML312 restart-policy-mismatch
    (
        "services:\n  t:\n    image: x:1\n    command: torchrun --nproc-per-node=2 train.py\n"
        "    restart: always\n",
        "ML312",
        [5],
    ),
    (
        'services:\n  t:\n    image: x:1\n    command: ["python", "train.py"]\n'
        "    restart: unless-stopped\n",
        "ML312",
        [5],
    ),
    ("services:\n  s:\n    image: vllm/vllm-openai:v0.6.3\n    restart: 'no'\n", "ML312", [4]),
    ("services:\n  s:\n    image: vllm/vllm-openai:v0.6.3\n", "ML312", []),
    (
        "services:\n  s:\n    image: x:1\n    command: uvicorn app:app\n    restart: 'no'\n",
        "ML312",
        [5],
    ),
    (
        {
            "compose.yaml": "services:\n  t:\n    image: x:1\n"
            "    command: accelerate launch t.py\n",
            "compose.override.yaml": "services:\n  t:\n    restart: always\n",
        },
        "ML312",
        ["compose.override.yaml:3"],
    ),
    (
        "services:\n  t:\n    image: x:1\n    command: torchrun train.py\n"
        "    restart: on-failure:3\n",
        "ML312",
        [],
    ),
    (
        "services:\n  s:\n    image: vllm/vllm-openai:v0.6.3\n    restart: unless-stopped\n",
        "ML312",
        [],
    ),
    (
        'services:\n  w:\n    image: x:1\n    command: ["bash", "-c", "python train.py"]\n'
        "    restart: always\n",
        "ML312",
        [],
    ),
    (
        "services:\n  t:\n    image: x:1\n    command: torchrun train.py\n    restart: ${R}\n",
        "ML312",
        [],
    ),
    ("services:\n  a:\n    image: x:1\n    command: python app.py\n", "ML312", []),
    (
        "services:\n  t:\n    build: .\n    command: llamafactory-cli train sft.yaml\n"
        "    restart: unless-stopped\n",
        "ML312",
        [5],
    ),
    (
        "services:\n  t:\n    build: .\n    command: llamafactory-cli webui\n"
        "    restart: unless-stopped\n",
        "ML312",
        [],
    ),
    # ---------------------------------------- ML110 build-image-moving-tag
    ("services:\n  t:\n    build: .\n    image: ghcr.io/acme/train:latest\n", "ML110", [4]),
    ("services:\n  t:\n    build: .\n    image: acme/train\n", "ML110", [4]),
    ("x-b: &b\n  build: .\n  image: acme/t:main\nservices:\n  t:\n    <<: *b\n", "ML110", [3]),
    (
        {
            "compose.yaml": "services:\n  t:\n    build: .\n    image: acme/t:1.0\n",
            "compose.override.yaml": "services:\n  t:\n    image: acme/t:dev\n",
        },
        "ML110",
        ["compose.override.yaml:3"],
    ),
    ("services:\n  t:\n    build: .\n    image: acme/t:1.4.2\n", "ML110", []),
    (
        "services:\n  t:\n    build: .\n    image: acme/t:latest\n    pull_policy: build\n",
        "ML110",
        [],
    ),
    ("services:\n  t:\n    build: .\n    image: train\n", "ML110", []),
    ("services:\n  t:\n    build: .\n    image: acme/t:${TAG}\n", "ML110", []),
    ("services:\n  t:\n    image: acme/t:latest\n", "ML110", []),
    # ---------------------------------------- ML111 pull-policy-moving-tag
    (
        "services:\n  s:\n    image: vllm/vllm-openai:latest\n    pull_policy: always\n",
        "ML111",
        [4],
    ),
    ("services:\n  s:\n    image: ollama/ollama\n    pull_policy: daily\n", "ML111", [4]),
    ("services:\n  s:\n    image: acme/s:main\n    pull_policy: ${P:-every_12h}\n", "ML111", [4]),
    ("services:\n  s:\n    image: vllm/vllm-openai:v0.6.3\n    pull_policy: always\n", "ML111", []),
    (
        "services:\n  s:\n    image: vllm/vllm-openai:latest\n    pull_policy: missing\n",
        "ML111",
        [],
    ),
    ("services:\n  s:\n    image: vllm/vllm-openai:latest\n    pull_policy: ${P}\n", "ML111", []),
    (
        "services:\n  s:\n    build: .\n    image: acme/s:latest\n    pull_policy: always\n",
        "ML111",
        [],
    ),
    # ---------------------------------------- ML014 obsolete-version-field
    ("version: '3.8'\nservices:\n  a:\n    image: x:1\n", "ML014", [1]),
    ('version: "2.3"\nservices:\n  a:\n    image: x:1\n    runtime: nvidia\n', "ML014", [1]),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n",
            "compose.override.yaml": "version: '3'\nservices:\n  a:\n    cpus: 1\n",
        },
        "ML014",
        ["compose.override.yaml:1"],
    ),
    ("name: stack\nservices:\n  a:\n    image: x:1\n", "ML014", []),
    ("services:\n  a:\n    image: x:1\n    labels:\n      version: '1'\n", "ML014", []),
    ("services:\n  a:\n    image: x:1\n    environment:\n      version: '1'\n", "ML014", []),
    # ---------------------------------------- ML015 duplicate-container-name
    (
        "services:\n  a:\n    image: x:1\n    container_name: t\n  b:\n    image: y:1\n"
        "    container_name: t\n",
        "ML015",
        [7],
    ),
    (
        "x-a: &a\n  image: x:1\n  container_name: trainer\nservices:\n  a:\n    <<: *a\n"
        "  b:\n    <<: *a\n",
        "ML015",
        [3],
    ),
    (
        "services:\n  a:\n    image: x:1\n    container_name: ${N:-t}\n  b:\n    image: y:1\n"
        "    profiles: [p]\n    container_name: t\n",
        "ML015",
        [8],
    ),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n    container_name: t\n"
            "  b:\n    image: y:1\n    container_name: u\n",
            "compose.override.yaml": "services:\n  b:\n    container_name: t\n",
        },
        "ML015",
        ["compose.override.yaml:3"],
    ),
    (
        "services:\n  a:\n    image: x:1\n    container_name: t\n    profiles: [gpu]\n"
        "  b:\n    image: y:1\n    container_name: t\n    profiles: [cpu]\n",
        "ML015",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    container_name: t\n  b:\n    image: y:1\n"
        "    container_name: u\n",
        "ML015",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    container_name: ${N}\n  b:\n    image: y:1\n"
        "    container_name: ${N}\n",
        "ML015",
        [],
    ),
    # ---------------------------------------- ML016 duplicate-published-port
    (
        "services:\n  a:\n    image: x:1\n    ports: ['8000:8000']\n  b:\n    image: y:1\n"
        "    ports: ['8000:80']\n",
        "ML016",
        [7],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ports: ['8000-8010:8000-8010']\n  b:\n"
        "    image: y:1\n    ports: ['8005:80']\n",
        "ML016",
        [7],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ports: ['0.0.0.0:8000:8000']\n  b:\n"
        "    image: y:1\n    ports:\n      - target: 80\n        published: '${P:-8000}'\n",
        "ML016",
        [9],
    ),
    (
        {
            "compose.yaml": "services:\n  a:\n    image: x:1\n    ports: ['8000:8000']\n"
            "  b:\n    image: y:1\n",
            "compose.override.yaml": "services:\n  b:\n    ports:\n      - '8000:80'\n",
        },
        "ML016",
        ["compose.override.yaml:4"],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ports: ['8000:8000']\n  b:\n    image: y:1\n"
        "    ports: ['8000:8000/udp', '127.0.0.1:8000:80', '8001:80']\n",
        "ML016",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ports: ['8000:8000']\n    profiles: [gpu]\n"
        "  b:\n    image: y:1\n    ports: ['8000:8000']\n    profiles: [cpu]\n",
        "ML016",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ports: ['${P}:8000', '8000']\n  b:\n"
        "    image: y:1\n    ports: ['8000:8000']\n",
        "ML016",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    network_mode: host\n    ports: ['8000:8000']\n"
        "  b:\n    image: y:1\n    ports: ['8000:8000']\n",
        "ML016",
        [],
    ),
    # ---------------------------------------- more traps: extends, defaults, ranges, maps
    (
        "services:\n  base:\n    image: x:1\n    mem_limit: 4g\n  child:\n    extends: base\n"
        "    deploy:\n      resources:\n        limits:\n          memory: 8g\n",
        "ML311",
        [10],
    ),
    (
        "services:\n  base:\n    image: x:1\n    pids_limit: -1\n  child:\n    extends: base\n",
        "ML309",
        [4],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ports: ['8000-8005:8000-8005']\n  b:\n"
        "    image: y:1\n    ports: ['8005-8010:9005-9010']\n",
        "ML016",
        [7],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ports: ['8000-8005:8000-8005']\n  b:\n"
        "    image: y:1\n    ports: ['8006-8010:9006-9010']\n",
        "ML016",
        [],
    ),
    ("services:\n  t:\n    build: .\n    image: acme/t:${TAG:-latest}\n", "ML110", [4]),
    (
        "services:\n  a:\n    image: x:1\n    deploy:\n      resources:\n        limits:\n"
        "          cpus: ${C}\n",
        "ML307",
        [],
    ),
    (
        "services:\n  a:\n    image: x:1\n    ulimits:\n      nofile:\n        soft: -1\n"
        "        hard: -1\n",
        "ML310",
        [7],
    ),
]
