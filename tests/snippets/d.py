"""Small Dockerfiles, one rule each: the lines it reports (ML107-ML109, ML209-ML212).

Each case is written to a real file and linted through the public API with only its rule
selected, so the parser, the engine and the rule run exactly as for a user.
"""

from __future__ import annotations

UBUNTU = "FROM ubuntu:22.04\n"
ALPINE = "FROM python:3.12-alpine\n"
ROCKY = "FROM rockylinux:9.3\n"

CASES: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------ ML107 unpinned-system-package
    (UBUNTU + "RUN apt-get install -y curl\n", "ML107", [2]),
    (UBUNTU + "RUN apt-get install -y curl=7.81.0-1ubuntu1.16\n", "ML107", []),
    (UBUNTU + "RUN apt install -y ./pkg.deb /tmp/x.deb\n", "ML107", []),
    (UBUNTU + "RUN apt-get install -y -t bookworm-backports cmake=3.25\n", "ML107", []),
    (UBUNTU + "RUN apt-get install -y $PKGS\n", "ML107", []),
    (UBUNTU + "RUN apt-get -o Dpkg::Use-Pty=0 install -y \\\n  git\n", "ML107", [3]),
    (ALPINE + "RUN apk add --no-cache git\n", "ML107", [2]),
    (ALPINE + "RUN apk add --no-cache git=2.45.2-r0 curl~8 ./x.apk\n", "ML107", []),
    (ROCKY + "RUN yum install -y gcc\n", "ML107", [2]),
    (ROCKY + "RUN microdnf install -y gcc-11.4.1\n", "ML107", []),
    ("FROM opensuse/leap:15.6\nRUN zypper -n in -t pattern devel_basis\n", "ML107", []),
    ("FROM opensuse/leap:15.6\nRUN zypper -n install git\n", "ML107", [2]),
    (UBUNTU + "RUN npm install -g pnpm\n", "ML107", [2]),
    (UBUNTU + "RUN npm install -g pnpm@9 ./local-pkg https://x.org/a.tgz\n", "ML107", []),
    (UBUNTU + "RUN gem install bundler\n", "ML107", [2]),
    (UBUNTU + "RUN gem install bundler -v 2.5\n", "ML107", []),
    (UBUNTU + "RUN go install example.com/tool@latest\n", "ML107", [2]),
    (UBUNTU + "RUN go install -ldflags=-s example.com/tool@v1.2.3\n", "ML107", []),
    (UBUNTU + "RUN go get example.com/lib\n", "ML107", [2]),
    (UBUNTU + "RUN echo apt-get install curl\n", "ML107", []),
    (UBUNTU + "RUN apt-get upgrade -y\n", "ML107", []),
    # ------------------------------------------------------------ ML108 from-platform
    ("FROM --platform=linux/amd64 python:3.12\n", "ML108", [1]),
    ("FROM --platform=linux/arm64/v8 python:3.12 AS a\nFROM a\n", "ML108", [1]),
    ("FROM --platform=$TARGETPLATFORM python:3.12\n", "ML108", [1]),
    ("FROM --platform=${TARGETPLATFORM} python:3.12\n", "ML108", [1]),
    ("FROM python:3.12\nFROM --platform=linux/amd64 ubuntu:22.04\n", "ML108", [2]),
    ("FROM --platform=$BUILDPLATFORM python:3.12\n", "ML108", []),
    ("FROM --platform=${BUILDPLATFORM} golang:1.22\n", "ML108", []),
    ("ARG P=linux/amd64\nFROM --platform=$P python:3.12\n", "ML108", []),
    ("FROM python:3.12\n", "ML108", []),
    ("FROM --platform=$TARGETOS/$TARGETARCH python:3.12\n", "ML108", []),
    # ------------------------------------------------------------ ML109 undefined-arg-in-from
    ("FROM python:${PY}\n", "ML109", [1]),
    ("FROM python:3.12 AS a\nARG PY=3.12\nFROM python:$PY\n", "ML109", [3]),
    ("ARG py=3.12\nFROM python:${PY}-slim\n", "ML109", [2]),
    ("FROM --platform=$PLAT python:3.12\n", "ML109", [1]),
    ("ENV TAG=1\nFROM python:$TAG\n", "ML109", [2]),
    ("ARG PY=3.12\nFROM python:${PY}-slim\n", "ML109", []),
    ("ARG PY\nFROM python:$PY\n", "ML109", []),
    ("FROM python:${PY:-3.12}\n", "ML109", []),
    ("FROM --platform=$BUILDPLATFORM golang:1.22\n", "ML109", []),
    ("FROM ${TARGETARCH}/python:3.12\n", "ML109", []),
    ("FROM python:3.12\n", "ML109", []),
    # ------------------------------------------------------------ ML209 non-numeric-user
    (UBUNTU + "USER app\n", "ML209", [2]),
    (UBUNTU + "USER app:app\n", "ML209", [2]),
    (UBUNTU + "USER nobody\nCMD x\n", "ML209", [2]),
    ("FROM ubuntu:22.04 AS b\nUSER app\nFROM b\n", "ML209", [2]),
    (UBUNTU + "USER 1000\n", "ML209", []),
    (UBUNTU + "USER 1000:app\n", "ML209", []),
    (UBUNTU + "USER root\n", "ML209", []),
    (UBUNTU + "ARG U=app\nUSER $U\n", "ML209", []),
    ("FROM ubuntu:22.04 AS b\nUSER app\nFROM ubuntu:22.04\n", "ML209", []),
    (UBUNTU + "USER app\nUSER 1000\n", "ML209", []),
    # ------------------------------------------------------------ ML210 useradd-high-uid-without-l
    (UBUNTU + "RUN useradd -u 100000 a\n", "ML210", [2]),
    (UBUNTU + "RUN useradd --uid 1000680000 a\n", "ML210", [2]),
    (UBUNTU + "RUN useradd --uid=123456 a\n", "ML210", [2]),
    (UBUNTU + "RUN useradd -mu123456 a\n", "ML210", [2]),
    (UBUNTU + "ARG U=555555\nRUN useradd -u $U a\n", "ML210", [3]),
    (UBUNTU + "RUN useradd -u 99999 a\n", "ML210", []),
    (UBUNTU + "RUN useradd -l -u 100000 a\n", "ML210", []),
    (UBUNTU + "RUN useradd --no-log-init --uid 100000 a\n", "ML210", []),
    (UBUNTU + "RUN useradd -g 100000 a\n", "ML210", []),
    (UBUNTU + "RUN useradd -u $UID a\n", "ML210", []),
    (UBUNTU + "RUN adduser --uid 100000 a\n", "ML210", []),
    # ------------------------------------------------------------ ML211 expose-ssh
    (UBUNTU + "EXPOSE 22\n", "ML211", [2]),
    (UBUNTU + "EXPOSE 22/tcp\n", "ML211", [2]),
    (UBUNTU + "EXPOSE 80 22\n", "ML211", [2]),
    (UBUNTU + "EXPOSE 20-30/tcp\n", "ML211", [2]),
    (UBUNTU + "ARG P=22\nEXPOSE $P\n", "ML211", [3]),
    (UBUNTU + "EXPOSE 2222\n", "ML211", []),
    (UBUNTU + "EXPOSE 22/udp\n", "ML211", []),
    (UBUNTU + "EXPOSE 8888\n", "ML211", []),
    (UBUNTU + "EXPOSE $P\n", "ML211", []),
    (UBUNTU + "EXPOSE 23-80\n", "ML211", []),
    # ------------------------------------------------------------ ML212 shell-changed-by-run
    (UBUNTU + "RUN ln -sf /bin/bash /bin/sh\n", "ML212", [2]),
    (UBUNTU + "RUN ln -s bash /bin/sh\n", "ML212", [2]),
    (UBUNTU + "RUN rm /bin/sh && ln -s /bin/bash /bin/sh\n", "ML212", [2]),
    (UBUNTU + "RUN sudo ln -sf /bin/zsh /usr/bin/sh\n", "ML212", [2]),
    (UBUNTU + 'RUN ["ln", "-sf", "/bin/bash", "/bin/sh"]\n', "ML212", [2]),
    (UBUNTU + "RUN ln -s /bin/sh /bin/mysh\n", "ML212", []),
    (UBUNTU + "RUN ln -sf /usr/bin/python3 /usr/bin/python\n", "ML212", []),
    (UBUNTU + 'RUN echo "ln -sf /bin/bash /bin/sh"\n', "ML212", []),
    (UBUNTU + 'SHELL ["/bin/bash", "-c"]\nRUN echo hi\n', "ML212", []),
    (UBUNTU + "RUN ln -s /bin/bash /bin/sh.bak\n", "ML212", []),
]
