"""Small Dockerfiles, one rule each: the lines it reports (ML105, ML106, ML205-ML208).

Each case is written to a real file and linted through the public API with only its rule
selected, so the parser, the engine and the rule run exactly as for a user.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mllint.lint import Settings, lint

UBUNTU = "FROM ubuntu:22.04\n"
ALPINE = "FROM python:3.12-alpine\n"
PIPEFAIL = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
BASH = UBUNTU + PIPEFAIL

CASES: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------ ML105 package-upgrade-in-build
    (UBUNTU + "RUN apt-get update && apt-get upgrade -y\n", "ML105", [2]),
    (UBUNTU + "RUN apt-get -y dist-upgrade\n", "ML105", [2]),
    (UBUNTU + "RUN apt full-upgrade -y\n", "ML105", [2]),
    (UBUNTU + "RUN apt-get -o Dpkg::Options::=--force-confnew upgrade\n", "ML105", [2]),
    (UBUNTU + "RUN sudo -E apt-get -qq upgrade\n", "ML105", [2]),
    (UBUNTU + "RUN apt-get update \\\n    && apt-get upgrade -y\n", "ML105", [3]),
    (UBUNTU + "RUN apt-get upgrade -y libssl3\n", "ML105", []),
    (UBUNTU + "RUN apt-get install -y --only-upgrade openssl\n", "ML105", []),
    (UBUNTU + "RUN apt-get update\n", "ML105", []),
    (UBUNTU + "RUN apt-get --simulate upgrade\n", "ML105", []),
    (UBUNTU + "RUN echo apt-get upgrade\n", "ML105", []),
    (ALPINE + "RUN apk upgrade --no-cache\n", "ML105", [2]),
    (ALPINE + "RUN apk add --no-cache --upgrade openssl\n", "ML105", []),
    (ALPINE + "RUN apk update\n", "ML105", []),
    ("FROM rockylinux:9.3\nRUN yum -y update && yum clean all\n", "ML105", [2]),
    ("FROM rockylinux:9.3\nRUN dnf upgrade -y --refresh\n", "ML105", [2]),
    ("FROM rockylinux:9.3\nRUN dnf upgrade -y python3\n", "ML105", []),
    ("FROM opensuse/leap:15.6\nRUN zypper -n dup\n", "ML105", [2]),
    ("FROM opensuse/leap:15.6\nRUN zypper -n update python311\n", "ML105", []),
    (UBUNTU + 'RUN ["apt-get", "upgrade", "-y"]\n', "ML105", [2]),
    (UBUNTU + "RUN python3 <<'PY'\nprint('apt-get upgrade')\nPY\n", "ML105", []),
    (UBUNTU + "RUN <<EOF\napt-get upgrade -y\nEOF\n", "ML105", [3]),
    (UBUNTU + "RUN pip install --no-cache-dir --upgrade pip==24.2\n", "ML105", []),
    # ------------------------------------------------------------ ML106 remote-add-without-checksum
    (UBUNTU + "ADD https://example.com/a.tgz /opt/\n", "ML106", [2]),
    (UBUNTU + "ADD http://example.com/a /a\n", "ML106", [2]),
    (UBUNTU + "ADD --checksum=sha256:abc123 https://example.com/a.tgz /opt/\n", "ML106", []),
    (UBUNTU + "ARG SHA\nADD --checksum=sha256:${SHA} https://example.com/a /a\n", "ML106", []),
    (UBUNTU + "ADD https://github.com/org/repo.git#v1.0 /src\n", "ML106", []),
    (UBUNTU + "ADD --keep-git-dir=true https://github.com/org/repo /src\n", "ML106", []),
    (UBUNTU + "ADD git@github.com:org/repo.git /src\n", "ML106", []),
    (UBUNTU + "ARG URL\nADD ${URL} /a\n", "ML106", []),
    (UBUNTU + "ARG V=1.2\nADD https://example.com/tool-${V}.tgz /opt/\n", "ML106", [3]),
    (UBUNTU + "ADD https://${HOST}/file /file\n", "ML106", [2]),
    (UBUNTU + 'ADD ["https://example.com/a.json", "/a.json"]\n', "ML106", [2]),
    (UBUNTU + "ADD model.tar.gz /models/\n", "ML106", []),
    (UBUNTU + "ADD <<EOF /urls.txt\nhttps://example.com\nEOF\n", "ML106", []),
    (UBUNTU + "COPY https-notes.txt /notes.txt\n", "ML106", []),
    (UBUNTU + "ONBUILD ADD https://example.com/c.yaml /etc/\n", "ML106", [2]),
    # ------------------------------------------------------------ ML205 sudo-in-run
    (UBUNTU + "RUN sudo apt-get update\n", "ML205", [2]),
    (UBUNTU + "RUN apt-get install -y sudo\n", "ML205", []),
    (UBUNTU + "RUN which sudo && command -v sudo\n", "ML205", []),
    (UBUNTU + "RUN env A=1 sudo make install\n", "ML205", [2]),
    (UBUNTU + 'RUN bash -c "sudo ldconfig"\n', "ML205", [2]),
    (UBUNTU + "RUN x=$(sudo id -u) && echo $x\n", "ML205", [2]),
    (UBUNTU + 'RUN ["sudo", "ldconfig"]\n', "ML205", [2]),
    (UBUNTU + 'RUN echo "sudo make me a sandwich"\n', "ML205", []),
    (UBUNTU + "# RUN sudo ldconfig\nRUN ldconfig\n", "ML205", []),
    (UBUNTU + "RUN <<EOF\nsudo ldconfig\nEOF\n", "ML205", [3]),
    (UBUNTU + "RUN python3 <<EOF\nimport os; os.system('sudo id')\nEOF\n", "ML205", []),
    (UBUNTU + "RUN mkdir /a \\\n && sudo chown 1 /a\n", "ML205", [3]),
    (UBUNTU + 'SHELL ["pwsh", "-Command"]\nRUN sudo whoami\n', "ML205", []),
    # ------------------------------------------------------------ ML206 workdir-not-absolute
    (UBUNTU + "WORKDIR app\n", "ML206", [2]),
    (UBUNTU + "WORKDIR ./app\n", "ML206", [2]),
    (UBUNTU + "WORKDIR /app\nWORKDIR src\n", "ML206", []),
    (UBUNTU + "WORKDIR /app\n", "ML206", []),
    (UBUNTU + "ARG D=code\nWORKDIR $D\n", "ML206", [3]),
    (UBUNTU + "ARG D=/code\nWORKDIR $D\n", "ML206", []),
    (UBUNTU + "ARG D\nWORKDIR $D\n", "ML206", []),
    (UBUNTU + "WORKDIR $HOME\n", "ML206", []),
    (UBUNTU + "ENV APP=/srv\nWORKDIR ${APP}/api\n", "ML206", []),
    ("FROM ubuntu:22.04 AS a\nWORKDIR /a\nFROM a\nWORKDIR b\n", "ML206", []),
    ("FROM ubuntu:22.04 AS a\nWORKDIR /a\nFROM ubuntu:22.04\nWORKDIR b\n", "ML206", [4]),
    (UBUNTU + "WORKDIR /proc/1\n", "ML206", [2]),
    (UBUNTU + "WORKDIR /dev\n", "ML206", [2]),
    (UBUNTU + "WORKDIR /app/../sys/fs\n", "ML206", [2]),
    (UBUNTU + "WORKDIR /boot\n", "ML206", [2]),
    (UBUNTU + "WORKDIR /development\n", "ML206", []),
    ("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n", "ML206", []),
    (UBUNTU + "# WORKDIR app\nWORKDIR /app\n", "ML206", []),
    # ------------------------------------------------------------ ML207 cd-in-run
    (UBUNTU + "RUN cd /app\n", "ML207", [2]),
    (UBUNTU + "RUN cd /app && make\n", "ML207", []),
    (UBUNTU + "RUN cd /a; cd /b\n", "ML207", [2]),
    (UBUNTU + "RUN cd\n", "ML207", [2]),
    (UBUNTU + 'RUN cd "$(mktemp -d)"\n', "ML207", []),
    (UBUNTU + "RUN <<EOF\ncd /app\nEOF\n", "ML207", [3]),
    (UBUNTU + "RUN <<EOF\ncd /app\nmake\nEOF\n", "ML207", []),
    (UBUNTU + 'RUN ["/bin/sh", "-c", "cd /app"]\n', "ML207", [2]),
    (UBUNTU + 'RUN ["cd", "/app"]\n', "ML207", []),
    (UBUNTU + "RUN python3 <<EOF\nimport os\nos.chdir('/app')\nEOF\n", "ML207", []),
    (UBUNTU + "RUN echo cd /app\n", "ML207", []),
    (UBUNTU + "WORKDIR /app\n", "ML207", []),
    # ------------------------------------------------------------ ML208 pipe-without-pipefail
    (UBUNTU + "RUN curl -fsSL https://example.com/a.tgz | tar -xz\n", "ML208", [2]),
    (BASH + "RUN curl -fsSL https://example.com/a.tgz | tar -xz\n", "ML208", []),
    (UBUNTU + 'SHELL ["/bin/bash", "-c"]\nRUN pip list | grep torch\n', "ML208", [3]),
    (UBUNTU + 'SHELL ["/bin/zsh", "-o", "pipefail", "-c"]\nRUN a | b\n', "ML208", []),
    (ALPINE + "RUN pip freeze | grep torch\n", "ML208", [2]),
    (ALPINE + "RUN set -o pipefail && pip freeze | grep torch\n", "ML208", []),
    (ALPINE + 'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN a | b\n', "ML208", []),
    (UBUNTU + "RUN set -euo pipefail; a | b\n", "ML208", []),
    (UBUNTU + "RUN a | b; set -o pipefail\n", "ML208", [2]),
    (UBUNTU + "RUN echo x | sha256sum -c -\n", "ML208", []),
    (UBUNTU + "RUN yes | apt-get install ffmpeg\n", "ML208", []),
    (UBUNTU + "RUN printf 'a\\n' | b && cat f | c\n", "ML208", []),
    (UBUNTU + "RUN curl -fsSL https://example.com/install.sh | sh\n", "ML208", []),
    (UBUNTU + "RUN echo 'a | b'\n", "ML208", []),
    (UBUNTU + "RUN a || b\n", "ML208", []),
    (UBUNTU + 'RUN x="$(a | b)"\n', "ML208", []),
    (UBUNTU + 'RUN sh -c "a | b"\n', "ML208", []),
    (UBUNTU + "RUN python3 <<EOF\nprint(1 | 2)\nEOF\n", "ML208", []),
    (UBUNTU + "RUN <<EOF\na | b\nEOF\n", "ML208", [3]),
    (BASH + "RUN <<EOF\na | b\nEOF\n", "ML208", []),
    (BASH + "RUN <<EOF\n#!/bin/bash\na | b\nEOF\n", "ML208", [5]),
    (BASH + "RUN bash <<EOF\na | b\nEOF\n", "ML208", [4]),
    (UBUNTU + "RUN bash -o pipefail <<EOF\na | b\nEOF\n", "ML208", []),
    (UBUNTU + 'RUN ["/bin/bash", "-c", "a | b"]\n', "ML208", [2]),
    (UBUNTU + 'RUN ["a", "|", "b"]\n', "ML208", []),
    (UBUNTU + "RUN a | b && c | d\n", "ML208", [2]),
    ("FROM ubuntu:22.04 AS base\n" + PIPEFAIL + "FROM base\nRUN a | b\n", "ML208", []),
    (UBUNTU + 'SHELL ["pwsh", "-Command"]\nRUN a | b\n', "ML208", []),
]


def _id(case: tuple[str, str, list[int]]) -> str:
    snippet, rule, lines = case
    last = snippet.rstrip("\n").splitlines()[-1][:40]
    return f"{rule}-{'fires' if lines else 'quiet'}-{last}"


@pytest.mark.parametrize(("snippet", "rule", "expected"), CASES, ids=[_id(c) for c in CASES])
def test_snippet(tmp_path: Path, snippet: str, rule: str, expected: list[int]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(snippet, encoding="utf-8")
    report = lint([str(path)], Settings(select=[rule]))
    assert not report.crashes, report.crashes
    lines = sorted(f.span.line for f in report.findings if f.rule_id == rule)
    assert lines == expected, [f.message for f in report.findings]


def test_enough_snippets_for_every_rule() -> None:
    rules = {"ML105", "ML106", "ML205", "ML206", "ML207", "ML208"}
    for rule in rules:
        fires = [c for c in CASES if c[1] == rule and c[2]]
        quiet = [c for c in CASES if c[1] == rule and not c[2]]
        assert len(fires) >= 3 and len(quiet) >= 3, rule
    assert len(CASES) >= 75
