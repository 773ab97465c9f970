"""The first compose rules in the table too: unpinned images (ML103), privileged (ML202), the
engine socket (ML203), ports on all interfaces (ML204), memory limits (ML302) and literal
secrets (ML403)."""

from __future__ import annotations

_S = "services:\n  app:\n    image: python:3.12-slim\n    mem_limit: 2g\n"

CASES: list = [
    ("services:\n  app:\n    image: redis\n", "ML103", [3]),
    ("services:\n  app:\n    image: vllm/vllm-openai:latest\n", "ML103", [3]),
    ("services:\n  app:\n    image: redis:7.4\n", "ML103", []),
    ("services:\n  app:\n    image: redis:${TAG}\n", "ML103", []),
    (_S + "    privileged: true\n", "ML202", [5]),
    ("x-p: &p\n  privileged: true\n" + _S + "    <<: *p\n", "ML202", [2]),
    (_S + "    privileged: false\n", "ML202", []),
    (_S + "    gpus: all\n", "ML202", []),
    (_S + "    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n", "ML203", [5]),
    (_S + "    volumes:\n      - type: bind\n        source: /run/docker.sock\n"
     "        target: /var/run/docker.sock\n", "ML203", [6]),
    (_S + "    volumes: [./data:/data]\n", "ML203", []),
    (_S + "    volumes: [docker-sock:/var/run/docker.sock]\nvolumes:\n  docker-sock:\n",
     "ML203", []),
    (_S + "    ports: ['8888:8888']\n", "ML204", [5]),
    (_S + "    ports: ['0.0.0.0:8000:8000']\n", "ML204", [5]),
    (_S + "    ports: ['127.0.0.1:8888:8888']\n", "ML204", []),
    (_S + "    expose: ['8000']\n", "ML204", []),
    ("services:\n  app:\n    image: python:3.12-slim\n", "ML302", [2]),
    ("services:\n  app:\n    image: python:3.12-slim\n    deploy:\n      resources:\n"
     "        reservations: {memory: 4g}\n", "ML302", [2]),
    (_S, "ML302", []),
    ("services:\n  app:\n    image: python:3.12-slim\n    deploy:\n      resources:\n"
     "        limits: {memory: 4g}\n", "ML302", []),
    (_S + "    environment:\n      HF_TOKEN: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n",
     "ML403", [6]),
    (_S + "    environment:\n      - POSTGRES_PASSWORD=s3cr3t-passw0rd\n", "ML403", [6]),
    (_S + "    environment:\n      HF_TOKEN: ${HF_TOKEN}\n", "ML403", []),
    (_S + "    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n", "ML403", []),
]  # fmt: skip
