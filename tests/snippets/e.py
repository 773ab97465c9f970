"""Small Dockerfiles, one rule each: passwords set in the build (ML406), credential files
copied in (ML407), ENV self-references (ML012), LABEL key format (ML013) and curl plus wget
(ML306).

Each case is ``(snippet, rule, expected_lines)``: the snippet is written to a real file and
linted through the public API with only that rule selected; the lines it reports must be
exactly ``expected_lines`` (in order, one entry per finding)."""

from __future__ import annotations

import textwrap

_WRITTEN: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------------ ML406
    (
        """
        FROM ubuntu:22.04
        RUN echo 'root:secret' | chpasswd
        """,
        "ML406",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN useradd -m trainer \\
            && echo trainer:trainer | chpasswd
        """,
        "ML406",
        [3],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN usermod -p '$6$abc$Zx9kLmn' root
        """,
        "ML406",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN useradd -p '$1$x$y' -m jupyter
        """,
        "ML406",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN echo hunter2 | passwd --stdin root
        """,
        "ML406",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN passwd -d root && passwd -l jupyter
        """,
        "ML406",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        ARG PW
        RUN echo "root:$PW" | chpasswd
        """,
        "ML406",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN --mount=type=secret,id=pw chpasswd < /run/secrets/pw
        """,
        "ML406",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN useradd -m -p '*' trainer
        """,
        "ML406",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        # RUN echo 'root:secret' | chpasswd
        RUN echo "root:secret | chpasswd" > /NOTES
        """,
        "ML406",
        [],
    ),
    # ------------------------------------------------------------------ ML407
    (
        """
        FROM python:3.11-slim
        COPY .netrc /root/.netrc
        """,
        "ML407",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        COPY kaggle.json /root/.kaggle/
        COPY .huggingface/token /root/.cache/huggingface/token
        """,
        "ML407",
        [2, 3],
    ),
    (
        """
        FROM python:3.11-slim
        COPY ["id_rsa", "/root/.ssh/id_rsa"]
        """,
        "ML407",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        COPY .env .env.staging /app/
        """,
        "ML407",
        [2, 2],
    ),
    (
        """
        FROM python:3.11-slim
        COPY id_rsa.pub /root/.ssh/authorized_keys
        """,
        "ML407",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        COPY .env.example /app/
        """,
        "ML407",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        COPY . .
        """,
        "ML407",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN --mount=type=secret,id=kaggle,target=/root/.kaggle/kaggle.json \\
            kaggle datasets download -d org/data
        """,
        "ML407",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ADD https://example.com/.netrc-docs/README /docs/
        COPY server.pem /etc/ssl/certs/
        """,
        "ML407",
        [],
    ),
    # ------------------------------------------------------------------ ML012
    (
        """
        FROM python:3.11-slim
        ENV A=1 B=$A
        """,
        "ML012",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV CUDA_HOME=/usr/local/cuda \\
            LD_LIBRARY_PATH=${CUDA_HOME}/lib64
        """,
        "ML012",
        [3],
    ),
    (
        """
        FROM python:3.11-slim
        ENV HF_HOME=/hf HF_HUB_CACHE="$HF_HOME/hub" TRANSFORMERS_CACHE=${HF_HOME}/t
        """,
        "ML012",
        [2, 2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV A=1
        ENV B=$A
        """,
        "ML012",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV PATH=/opt/conda/bin:$PATH CONDA=/opt/conda
        """,
        "ML012",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ARG A=0
        ENV A=1 B=$A
        """,
        "ML012",
        [],
    ),
    (
        """
        FROM python:3.11-slim AS base
        ENV A=0
        FROM base
        ENV A=1 B=$A
        """,
        "ML012",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV A=1 B='$A' C=\\$A
        """,
        "ML012",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV A 1 $A
        """,
        "ML012",
        [],
    ),
    # ------------------------------------------------------------------ ML013
    (
        """
        FROM python:3.11-slim
        LABEL Maintainer=me
        """,
        "ML013",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        LABEL io.docker.thing=1
        """,
        "ML013",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        LABEL org.dockerproject.x=1 com.acme.ok=2
        """,
        "ML013",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        LABEL a..b=1
        LABEL ok.key-=2
        """,
        "ML013",
        [2, 3],
    ),
    (
        """
        FROM python:3.11-slim
        LABEL org.opencontainers.image.version=1.0
        """,
        "ML013",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        LABEL maintainer=me description="a model"
        """,
        "ML013",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        LABEL 'com.acme.model'=x
        """,
        "ML013",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ARG K=x
        LABEL $K=1
        """,
        "ML013",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        # LABEL Bad_Key=1
        LABEL com.acme.note="Bad_Key"
        """,
        "ML013",
        [],
    ),
    # ------------------------------------------------------------------ ML306
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y curl wget
        """,
        "ML306",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN curl -fsSLO https://e.com/a
        RUN wget https://e.com/b
        RUN wget https://e.com/c
        """,
        "ML306",
        [3],
    ),
    (
        """
        FROM alpine:3.20
        RUN apk add --no-cache wget
        RUN apk add --no-cache curl=8.9.1-r0
        """,
        "ML306",
        [3],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN dnf install -y wget && curl -fsSL https://e.com/x
        """,
        "ML306",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y curl
        """,
        "ML306",
        [],
    ),
    (
        """
        FROM ubuntu:22.04 AS a
        RUN apt-get install -y wget
        FROM ubuntu:22.04
        RUN apt-get install -y curl
        """,
        "ML306",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y curl && apt-get remove -y curl
        RUN wget https://e.com/x
        """,
        "ML306",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN pip install wget && curl -fsSL https://e.com/x
        """,
        "ML306",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y libcurl4 wget
        """,
        "ML306",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        # RUN curl https://e.com/x
        RUN wget https://e.com/y && echo curl
        """,
        "ML306",
        [],
    ),
]

#: The snippets are written indented in triple quotes; the files they stand for are not.
CASES = [(textwrap.dedent(s).lstrip("\n"), rule, lines) for s, rule, lines in _WRITTEN]
