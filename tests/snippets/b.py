"""Small Dockerfiles, one rule each: package caches (ML303), recommends (ML304), prompts
(ML305), TLS verification (ML404) and package signatures (ML405).

Each case is ``(snippet, rule, expected_lines)``: the snippet is written to a real file and
linted through the public API with only that rule selected; the lines it reports must be
exactly ``expected_lines`` (in order, one entry per finding)."""

from __future__ import annotations

import textwrap

_WRITTEN: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------------ ML303 apt
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends git
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends git \\
            && rm -rf /var/lib/apt/lists/*
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends git \\
            && apt-get clean
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends git
        RUN rm -rf /var/lib/apt/lists/*
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update \\
            && apt-get install -y --no-install-recommends git
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN --mount=type=cache,target=/var/cache/apt apt-get update \\
            && apt-get install -y --no-install-recommends git
        """,
        "ML303",
        [3],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN --mount=type=tmpfs,target=/var/lib/apt apt-get update && apt-get install -y git
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y --no-install-recommends git
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends git
            # && rm -rf /var/lib/apt/lists/*
        """,
        "ML303",
        [3],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN <<EOF
        apt-get update
        apt-get install -y --no-install-recommends git
        EOF
        """,
        "ML303",
        [4],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN python3 <<'PY'
        import os
        os.system("apt-get update && apt-get install -y git")
        PY
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y git"]
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN sh -c 'apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*'
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        ONBUILD RUN apt-get update && apt-get install -y git
        """,
        "ML303",
        [2],
    ),
    # ------------------------------------------------------------------ ML303 stages
    (
        """
        FROM ubuntu:22.04 AS builder
        RUN apt-get update && apt-get install -y --no-install-recommends build-essential
        FROM ubuntu:22.04
        COPY --from=builder /usr/local /usr/local
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04 AS base
        RUN apt-get update && apt-get install -y --no-install-recommends python3
        FROM base
        CMD ["python3"]
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04 AS deps
        RUN apt-get update && apt-get install -y --no-install-recommends python3-dev
        FROM deps AS builder
        RUN echo build
        FROM python:3.11-slim
        COPY --from=builder /opt /opt
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM ubuntu:22.04 AS dev
        RUN apt-get update && apt-get install -y --no-install-recommends vim
        FROM ubuntu:22.04 AS prod
        RUN echo prod
        """,
        "ML303",
        [2],
    ),
    # ------------------------------------------------------------------ ML303 other managers
    (
        """
        FROM alpine:3.20
        RUN apk add --update python3
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM alpine:3.20
        RUN apk --no-cache add python3 && apk add --no-cache py3-pip
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM alpine:3.20
        RUN --mount=type=cache,target=/var/cache/apk apk add python3
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN yum install -y python3 && yum clean all
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN dnf install -y python3 \\
            && dnf install -y git
        """,
        "ML303",
        [2, 3],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN dnf install -y python3 && rm -rf /var/cache/dnf/*
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
        RUN microdnf install -y python3.11
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM opensuse/leap:15.6
        RUN zypper -n install python311 && zypper cc --all
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM opensuse/leap:15.6
        RUN zypper -n install python311
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM continuumio/miniconda3:24.7.1-0
        RUN conda create -y -n ml python=3.11 pytorch==2.3.1 -c pytorch
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM continuumio/miniconda3:24.7.1-0
        RUN conda env create -f environment.yml && conda clean -afy
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM mambaorg/micromamba:1.5.8
        RUN --mount=type=cache,target=/opt/conda/pkgs micromamba install -y -n base numpy
        """,
        "ML303",
        [],
    ),
    (
        """
        FROM continuumio/miniconda3:24.7.1-0
        RUN conda clean -afy && conda install -y numpy
        """,
        "ML303",
        [2],
    ),
    (
        """
        FROM continuumio/miniconda3:24.7.1-0
        RUN conda list && conda search numpy && conda info --envs
        """,
        "ML303",
        [],
    ),
    # ------------------------------------------------------------------ ML304
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y git
        """,
        "ML304",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y --no-install-recommends git
        """,
        "ML304",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get --no-install-recommends install -y git
        """,
        "ML304",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt install -y git
        """,
        "ML304",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get -o APT::Install-Recommends=0 install -y git
        """,
        "ML304",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norec
        RUN apt-get install -y git
        """,
        "ML304",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y git
        RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norec
        """,
        "ML304",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 'APT::Install-Recommends "false";' > /tmp/not-apt.conf
        RUN apt-get install -y git
        """,
        "ML304",
        [3],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get remove -y git && apt-get autoremove -y
        """,
        "ML304",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN ["apt-get", "install", "-y", "git"]
        """,
        "ML304",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        ARG APT_OPTS="-y --no-install-recommends"
        RUN apt-get install $APT_OPTS git
        """,
        "ML304",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        ARG APT_OPTS="-y"
        RUN apt-get install $APT_OPTS git
        """,
        "ML304",
        [3],
    ),
    (
        """
        FROM ubuntu:22.04
        # RUN apt-get install -y git
        RUN echo apt-get install -y git
        """,
        "ML304",
        [],
    ),
    # ------------------------------------------------------------------ ML305
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install --no-install-recommends git
        """,
        "ML305",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        ENV DEBIAN_FRONTEND=noninteractive
        RUN apt-get install --no-install-recommends git
        """,
        "ML305",
        [3],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -yq --no-install-recommends git
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -qq --no-install-recommends git
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -q --no-install-recommends git
        """,
        "ML305",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo y | apt-get install --no-install-recommends git
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get clean && apt-get check
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get dist-upgrade
        """,
        "ML305",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN yum install python3
        """,
        "ML305",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN yum -y install python3 && dnf install -yq git
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
        RUN microdnf install python3
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM opensuse/leap:15.6
        RUN zypper in python311
        """,
        "ML305",
        [2],
    ),
    (
        """
        FROM opensuse/leap:15.6
        RUN zypper --non-interactive --gpg-auto-import-keys in python311
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM opensuse/leap:15.6
        RUN zypper in -y python311
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN python3 <<'PY'
        import subprocess
        subprocess.run(["apt-get", "install", "git"])
        PY
        """,
        "ML305",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN cat /tmp/packages.txt | xargs apt-get install --no-install-recommends
        """,
        "ML305",
        [2],
    ),
    (
        """
        FROM cimg/python:3.11
        RUN sudo apt-get update && sudo apt-get install --no-install-recommends libgl1
        """,
        "ML305",
        [],
    ),
    # ------------------------------------------------------------------ ML404
    (
        """
        FROM ubuntu:22.04
        RUN curl -k https://example.com/x -o /x
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN curl -fsSL https://example.com/x -o /x
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN curl -H "X-k: 1" -fsSL https://example.com/x -o /x
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN wget --no-check-certificate https://example.com/x
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install --trusted-host pypi.org numpy==1.26.4
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install --index-url https://pypi.org/simple numpy==1.26.4
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN pip install --trusted-host localhost:3141 -i http://localhost:3141/simple numpy
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV PIP_TRUSTED_HOST=pypi.org
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV PIP_TRUSTED_HOST=""
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV PYTHONHTTPSVERIFY=0
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV PYTHONHTTPSVERIFY=1
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM node:20-slim
        ENV NODE_TLS_REJECT_UNAUTHORIZED=0
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM node:20-slim
        RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV GIT_SSL_NO_VERIFY=0
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ARG GIT_SSL_NO_VERIFY
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN git -c http.sslVerify=false clone https://github.com/huggingface/transformers
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        RUN git -c http.sslVerify=true clone https://github.com/huggingface/transformers
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM node:20-slim
        RUN npm config set strict-ssl false && yarn config set strict-ssl false
        """,
        "ML404",
        [2, 2],
    ),
    (
        """
        FROM continuumio/miniconda3:24.7.1-0
        RUN conda config --set ssl_verify no
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN echo "sslverify=0" >> /etc/yum.repos.d/cuda.repo
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN echo "sslverify=0" >> /tmp/readme.txt
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        ENV CURL_CA_BUNDLE=""
        """,
        "ML404",
        [2],
    ),
    (
        """
        FROM python:3.11-slim
        ENV REQUESTS_CA_BUNDLE=""
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN python3 <<'PY'
        import requests
        requests.get("https://example.com", verify=False)
        PY
        """,
        "ML404",
        [],
    ),
    (
        """
        FROM python:3.11-slim
        RUN <<EOF
        export PYTHONHTTPSVERIFY=0
        pip install numpy==1.26.4
        EOF
        """,
        "ML404",
        [3],
    ),
    # ------------------------------------------------------------------ ML405
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y --allow-unauthenticated git
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y --allow-downgrades git
        """,
        "ML405",
        [],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN apt-get install -y --force-yes git
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo "deb [trusted=yes] http://mirror.internal/ubuntu jammy main" \\
            >> /etc/apt/sources.list
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo "deb [signed-by=/usr/share/keyrings/x.gpg] https://mirror/ubuntu jammy main" \\
            >> /etc/apt/sources.list
        """,
        "ML405",
        [],
    ),
    (
        """
        FROM alpine:3.20
        RUN apk add --allow-untrusted /tmp/pkg.apk
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN dnf install -y --nogpgcheck /tmp/pkg.rpm
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN rpm -Uvh --nosignature /tmp/pkg.rpm
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN rpm --checksig --nosignature /tmp/pkg.rpm
        """,
        "ML405",
        [],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN printf '[x]\\nbaseurl=http://mirror/\\ngpgcheck=0\\n' > /etc/yum.repos.d/x.repo
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM rockylinux:9.3
        RUN printf '[x]\\nbaseurl=http://mirror/\\nrepo_gpgcheck=0\\n' > /etc/yum.repos.d/x.repo
        """,
        "ML405",
        [],
    ),
    (
        """
        FROM opensuse/leap:15.6
        RUN zypper --no-gpg-checks -n in python311
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        RUN echo 'APT::Get::force-Yes "true";' >> /etc/apt/apt.conf.d/90ci
        """,
        "ML405",
        [2],
    ),
    (
        """
        FROM ubuntu:22.04
        # RUN apt-get install -y --allow-unauthenticated git
        RUN echo "--allow-unauthenticated is dangerous"
        """,
        "ML405",
        [],
    ),
]

#: The snippets are written indented in triple quotes; the files they stand for are not.
CASES = [(textwrap.dedent(s).lstrip("\n"), rule, lines) for s, rule, lines in _WRITTEN]
