"""Small Dockerfiles, one rule each: the lines it reports (ML005-ML011, Dockerfile validity).

Each case is written to a real file and linted through the public API with only its rule
selected, so the parser, the engine and the rule run exactly as for a user.
"""

from __future__ import annotations

PY = "FROM python:3.11-slim\n"
TWO = "FROM python:3.11-slim AS build\nFROM python:3.11-slim AS app\n"

CASES: list[tuple[str, str, list[int]]] = [
    # ------------------------------------------------------------ ML005 repeated-instruction
    (PY + 'CMD ["a"]\nCMD ["b"]\n', "ML005", [3]),
    (PY + 'ENTRYPOINT ["a"]\nRUN true\nENTRYPOINT ["b"]\n', "ML005", [4]),
    (PY + "HEALTHCHECK CMD true\nHEALTHCHECK NONE\n", "ML005", [3]),
    (PY + "CMD a\nCMD b\nCMD c\n", "ML005", [3, 4]),
    (PY + 'cmd ["a"]\nCMD ["b"]\n', "ML005", [3]),
    (PY + 'CMD ["a"]\nFROM python:3.11-slim\nCMD ["b"]\n', "ML005", []),
    (PY + 'ENTRYPOINT ["a"]\nCMD ["b"]\nHEALTHCHECK CMD true\n', "ML005", []),
    (PY + 'ONBUILD CMD ["a"]\nCMD ["b"]\n', "ML005", []),
    (PY + '# CMD ["a"]\nCMD ["b"]\n', "ML005", []),
    (PY + 'RUN echo CMD\nCMD ["b"]\n', "ML005", []),
    # ------------------------------------------------------------ ML006 stage-reference
    ("FROM python:3.11-slim AS a\nCOPY --from=a /x /y\n", "ML006", [2]),
    ("FROM python:3.11-slim AS a\nCOPY --from=A /x /y\n", "ML006", [2]),
    (PY + "COPY --from=0 /x /y\n", "ML006", [2]),
    (PY + "COPY --from=1 /x /y\n", "ML006", [2]),
    (TWO + "COPY --from=2 /x /y\n", "ML006", [3]),
    ("FROM python:3.11-slim AS a\nRUN --mount=from=a,target=/m true\n", "ML006", [2]),
    ("FROM python:3.11-slim AS a\nFROM python:3.11-slim AS a\n", "ML006", [2]),
    ("FROM python:3.11-slim AS a\nFROM python:3.11-slim AS A\n", "ML006", [2]),
    ("FROM b AS a\nFROM python:3.11-slim AS b\n", "ML006", [1]),
    (
        "FROM python:3.11-slim AS a\nCOPY --from=b /x /y\n"
        "FROM python:3.11-slim AS b\nCOPY --from=a /x /y\n",
        "ML006",
        [2, 4],
    ),
    (TWO + "COPY --from=build /x /y\n", "ML006", []),
    (TWO + "COPY --from=0 /x /y\n", "ML006", []),
    (PY + "COPY --from=busybox /bin/busybox /bin/\n", "ML006", []),
    (PY + "COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/\n", "ML006", []),
    (PY + "ARG S=x\nCOPY --from=${S} /x /y\n", "ML006", []),
    ("FROM python:3.11-slim AS a\nCOPY --from=b /x /y\nFROM alpine:3.20 AS b\n", "ML006", []),
    ("FROM python:3.11-slim AS a\nONBUILD COPY --from=a /x /y\n", "ML006", []),
    (TWO + "RUN --mount=type=cache,target=/root/.cache/pip true\n", "ML006", []),
    ("FROM python:3.11-slim AS a\nFROM a AS b\nFROM b AS c\n", "ML006", []),
    # ------------------------------------------------------------ ML007 maintainer-deprecated
    (PY + "MAINTAINER me@example.com\n", "ML007", [2]),
    (PY + "maintainer me@example.com\n", "ML007", [2]),
    (PY + 'LABEL maintainer="me@example.com"\n', "ML007", []),
    (PY + "# MAINTAINER me\nRUN echo MAINTAINER\n", "ML007", []),
    # ---------------------------------------------------- ML008 copy-multiple-sources-to-file
    (PY + "COPY a b /c\n", "ML008", [2]),
    (PY + "ADD a b c /d\n", "ML008", [2]),
    (PY + 'COPY ["a", "b", "/c"]\n', "ML008", [2]),
    (PY + "COPY --link a b /c\n", "ML008", [2]),
    (PY + "COPY --chmod=755 *.sh *.py /bin\n", "ML008", [2]),
    (PY + "COPY <<EOF a /c\nx\nEOF\n", "ML008", [2]),
    (PY + "COPY a \\\n  b \\\n  /c\n", "ML008", [4]),
    (PY + "ONBUILD COPY a b /c\n", "ML008", [2]),
    (PY + "COPY a b /c/\n", "ML008", []),
    (PY + "COPY a b .\n", "ML008", []),
    (PY + "COPY a b ./\n", "ML008", []),
    (PY + "COPY a /c\n", "ML008", []),
    (PY + "COPY *.py /c\n", "ML008", []),
    (PY + "ARG D\nCOPY a b $D\n", "ML008", []),
    (PY + "COPY --parents a/x b/y /c\n", "ML008", []),
    (PY + "COPY <<EOF /c\nx\nEOF\n", "ML008", []),
    # ------------------------------------------------------------ ML009 expose-invalid
    (PY + "EXPOSE 70000\n", "ML009", [2]),
    (PY + "EXPOSE 8000/tcpx\n", "ML009", [2]),
    (PY + "EXPOSE http\n", "ML009", [2]),
    (PY + "EXPOSE 8000-65536\n", "ML009", [2]),
    (PY + "EXPOSE 9000-8000\n", "ML009", [2]),
    (PY + "EXPOSE 0\n", "ML009", [2]),
    (PY + "EXPOSE 80 \\\n  99999\n", "ML009", [3]),
    (PY + "EXPOSE 8000 8000/udp 8000/TCP 1-65535/sctp\n", "ML009", []),
    (PY + "ARG P\nEXPOSE $P ${P}/udp\n", "ML009", []),
    (PY + "EXPOSE 127.0.0.1:80:80\n", "ML009", []),
    (PY + "# EXPOSE 99999\nEXPOSE 8000\n", "ML009", []),
    # ------------------------------------------------------------ ML010 instruction-before-from
    ("LABEL a=b\n" + PY, "ML010", [1]),
    ("ENV A=1\nARG B\nRUN true\n" + PY, "ML010", [1, 3]),
    ("ARG TAG=3.11\nFROM python:${TAG}-slim\n", "ML010", []),
    ("# syntax=docker/dockerfile:1\n# comment\n" + PY, "ML010", []),
    ("ENV A=1\nRUN true\n", "ML010", []),
    (PY + "ENV A=1\n", "ML010", []),
    # ------------------------------------------------------------ ML011 onbuild-misuse
    (PY + "ONBUILD ONBUILD RUN true\n", "ML011", [2]),
    (PY + "ONBUILD FROM alpine:3.20\n", "ML011", [2]),
    (PY + "onbuild Maintainer me\n", "ML011", [2]),
    (PY + "ONBUILD RUN true\nONBUILD COPY . /app\n", "ML011", []),
    (PY + 'ONBUILD RUN echo "ONBUILD FROM x"\n', "ML011", []),
    (PY + "FROM alpine:3.20\n", "ML011", []),
]
