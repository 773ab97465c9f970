"""Small Dockerfiles for the habits peers check: CMD/ENTRYPOINT in shell form (ML017), apt in
scripts (ML018), ADD where COPY does the same (ML019), long runs of RUNs (ML313).

Each case is ``(snippet, rule, expected_lines)``, as in tests/snippets/e.py."""

from __future__ import annotations

import textwrap

_WRITTEN: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------------ ML017
    (
        """
        FROM python:3.11-slim
        ENTRYPOINT python -m serve
        """,
        "ML017",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        CMD python train.py --epochs 3
        """,
        "ML017",
        [2],
    ),
    (
        """
        FROM python:3.11-slim AS base
        CMD python train.py
        FROM base
        RUN pip install --no-cache-dir torch==2.3.1
        """,
        "ML017",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        SHELL ["/bin/bash", "-c"]
        ENTRYPOINT gunicorn -b 0.0.0.0:8000 app:app
        """,
        "ML017",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        ENTRYPOINT ["python", "-m", "serve"]
        CMD serve.yaml
        """,
        "ML017",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        CMD ["python", "-m", "serve"]
        """,
        "ML017",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        CMD ["sh", "-c", "python -m serve --port $PORT"]
        """,
        "ML017",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENTRYPOINT exec python -m serve
        """,
        "ML017",
        [],
    ),
    (
        """
        FROM python:3.11-slim AS builder
        CMD python -m build
        FROM python:3.11-slim
        COPY --from=builder /dist /dist
        CMD ["python", "-m", "serve"]
        """,
        "ML017",
        [],
    ),
    (
        """
        FROM python:3.11-slim AS base
        CMD python train.py
        FROM base
        ENTRYPOINT ["python", "-m", "serve"]
        """,
        "ML017",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
        CMD ["python", "-m", "serve"]
        """,
        "ML017",
        [],
    ),
    # ------------------------------------------------------------------ ML018
    (
        """
        FROM ubuntu:22.04
        RUN apt update && apt install -y --no-install-recommends git
        """,
        "ML018",
        [2, 2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN sudo apt full-upgrade -y
        """,
        "ML018",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN set -eux; \\
            apt-get update; \\
            apt purge -y vim
        """,
        "ML018",
        [4],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends git
        """,
        "ML018",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo "apt install git" && dpkg -l apt
        """,
        "ML018",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-cache search cuda && apt-mark showhold && apt-key list
        """,
        "ML018",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt --version
        """,
        "ML018",
        [],
    ),
    # ------------------------------------------------------------------ ML019
    (
        """
        FROM python:3.11-slim
        ADD requirements.txt /app/
        """,
        "ML019",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ADD --chown=1000 . /app
        ADD ["configs/serve.yaml", "/etc/serve.yaml"]
        """,
        "ML019",
        [2, 3],
    ),
    (
        """
        FROM python:3.11-slim
        ARG DATA=data/labels.zip
        ADD $DATA /data/
        """,
        "ML019",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        ADD src/*.py /app/
        """,
        "ML019",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ADD vendor/wheels.tar.gz /wheels/
        ADD rootfs.tar /
        """,
        "ML019",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ADD https://example.com/model.onnx /models/
        """,
        "ML019",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ARG SRC
        ADD ${SRC} /app/
        """,
        "ML019",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ADD --unpack=false tools.tar /opt/
        ADD src/* /app/
        """,
        "ML019",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        COPY requirements.txt /app/
        # ADD requirements.txt /app/
        """,
        "ML019",
        [],
    ),
    # ------------------------------------------------------------------ ML313
    (
        """
        FROM ubuntu:22.04
        RUN echo step0 > /tmp/0
        RUN echo step1 > /tmp/1
        RUN echo step2 > /tmp/2
        RUN echo step3 > /tmp/3
        RUN echo step4 > /tmp/4
        """,
        "ML313",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update
        RUN apt-get install -y --no-install-recommends git
        # the cleanup in its own layer frees nothing
        RUN rm -rf /var/lib/apt/lists/*
        RUN git --version
        RUN mkdir /w && chmod 777 /w
        RUN useradd -m app
        """,
        "ML313",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 1
        RUN echo 2
        WORKDIR /a
        RUN echo 3
        RUN echo 4
        RUN echo 5
        RUN echo 6
        RUN echo 7
        """,
        "ML313",
        [5],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 1
        RUN echo 2
        RUN echo 3
        RUN echo 4
        """,
        "ML313",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 1
        RUN echo 2
        WORKDIR /a
        RUN echo 3
        RUN echo 4
        RUN echo 5
        """,
        "ML313",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 1
        RUN --network=none echo 2
        RUN echo 3
        RUN --network=none echo 4
        RUN echo 5
        """,
        "ML313",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 1
        RUN echo 2
        RUN ["echo", "3"]
        RUN echo 4
        RUN echo 5
        """,
        "ML313",
        [],
    ),
]

#: The snippets are written indented in triple quotes; the files they stand for are not.
CASES = [(textwrap.dedent(s).lstrip("\n"), rule, lines) for s, rule, lines in _WRITTEN]
