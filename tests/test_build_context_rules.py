"""Build-context rules on small projects written to a temporary folder and linted through the
public API: (rule, files, expected findings as (file, line, column)). An empty expectation is a
quiet case: the rule must not fire anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllint.lint import Settings, lint
from tests.helpers import write

DF = "FROM python:3.11-slim\nWORKDIR /app\n"
Case = tuple[str, dict[str, str], list[tuple[str, int, int]]]

CASES: list[Case] = [
    # ---------------------------------------------------------------- ML116
    (
        "ML116",
        {
            "Dockerfile": DF + "COPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "numpy==1.26.4\ntorch\n",
        },
        [("requirements.txt", 2, 1)],
    ),
    (
        "ML116",
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install -r req/gpu.txt\n",
            "req/gpu.txt": "-r base.txt\nvllm>=0.6\n",
            "req/base.txt": "transformers[torch] ~= 4.44\n",
        },
        [("req/gpu.txt", 2, 1), ("req/base.txt", 1, 1)],
    ),
    (
        "ML116",
        {
            "Dockerfile": DF + "COPY requirements*.txt ./\n"
            "RUN pip install -r requirements-train.txt\n",
            "requirements-train.txt": "torch==2.*\n  jax[cuda12]\n",
        },
        [("requirements-train.txt", 1, 1), ("requirements-train.txt", 2, 3)],
    ),
    (
        "ML116",
        {
            "Dockerfile": "FROM python:3.11-slim\n"
            "RUN --mount=type=bind,target=/ctx uv pip install --system -r /ctx/requirements.txt\n",
            "requirements.txt": "# expect nothing from this comment\npeft\n",
        },
        [("requirements.txt", 2, 1)],
    ),
    (
        "ML116",
        {
            "Dockerfile": DF + "COPY env.yml .\nRUN conda env create -f env.yml\n",
            "env.yml": "dependencies:\n  - pytorch\n  - pip:\n    - diffusers\n",
        },
        [("env.yml", 2, 5), ("env.yml", 4, 7)],
    ),
    (
        "ML116",  # the constraints file pins it
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "-c constraints.txt\ntorch\n",
            "constraints.txt": "torch==2.4.1\n",
        },
        [],
    ),
    (
        "ML116",  # only ML102's business: the Dockerfile's own pip install line
        {"Dockerfile": DF + "RUN pip install torch transformers\n"},
        [],
    ),
    (
        "ML116",  # a file that is not installed
        {
            "Dockerfile": DF + "COPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "numpy\n",
            "requirements-gpu.txt": "torch\n",
        },
        [],
    ),
    (
        "ML116",  # a requirements path the loader cannot follow
        {
            "Dockerfile": DF + "ARG REQS=requirements.txt\nCOPY . .\nRUN pip install -r $REQS\n",
            "requirements.txt": "torch\n",
        },
        [],
    ),
    (
        "ML116",  # copied to one place, installed from another
        {
            "Dockerfile": DF + "COPY requirements.txt /opt/\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "torch\n",
        },
        [],
    ),
    (
        "ML116",  # hashes pin it; a cycle of includes is harmless
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install -r a.txt\n",
            "a.txt": "-r b.txt\ntorch==2.4.1\n",
            "b.txt": "-r a.txt\ntriton --hash=sha256:00\n",
        },
        [],
    ),
    (
        "ML116",  # pyproject.toml of `pip install .[extra]`: the base and the extra installed
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install -e '.[gpu]'\n",
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["torch"]\n'
            '[project.optional-dependencies]\ngpu = ["xformers>=0.0.27"]\ndev = ["jax"]\n',
        },
        [("pyproject.toml", 3, 18), ("pyproject.toml", 5, 9)],
    ),
    (
        "ML116",  # uv sync installs from the lock, not from these ranges
        {
            "Dockerfile": DF + "COPY . .\nRUN uv sync --locked\n",
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["torch"]\n',
            "uv.lock": "",
        },
        [],
    ),
    (
        "ML116",  # the base image ships torch; pip leaves it alone, transformers floats
        {
            "Dockerfile": "FROM pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime\n"
            "COPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "torch\ntorchvision\ntransformers\n",
        },
        [("requirements.txt", 3, 1)],
    ),
    (
        "ML116",  # pinned by an earlier pip install (the CUDA wheel index first, the rest after)
        {
            "Dockerfile": DF + "RUN pip install torch==2.4.1 --index-url "
            "https://download.pytorch.org/whl/cu124\n"
            "COPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "torch\n",
        },
        [],
    ),
    (
        "ML116",  # ... unless the later install upgrades
        {
            "Dockerfile": DF + "RUN pip install torch==2.4.1\n"
            "COPY requirements.txt .\nRUN pip install -U -r requirements.txt\n",
            "requirements.txt": "torch\n",
        },
        [("requirements.txt", 1, 1)],
    ),
    # ---------------------------------------------------------------- ML117
    (
        "ML117",
        {
            "Dockerfile": DF + "COPY weights/model.bin /models/\n",
            ".dockerignore": "weights\n",
            "weights/model.bin": "x",
        },
        [("Dockerfile", 3, 6)],
    ),
    (
        "ML117",
        {
            "Dockerfile": DF + "COPY config.json setup.py ./\n",
            ".dockerignore": "*.json\n!package.json\n",
            "config.json": "{}",
            "setup.py": "",
        },
        [("Dockerfile", 3, 6)],
    ),
    (
        "ML117",
        {
            "Dockerfile": DF + "ADD notebooks/ /app/notebooks/\n",
            ".dockerignore": "/notebooks/\n",
            "notebooks/a.ipynb": "",
        },
        [("Dockerfile", 3, 5)],
    ),
    (
        "ML117",
        {
            "Dockerfile": DF + "COPY src/__pycache__ /x/\n",
            ".dockerignore": "**/__pycache__\n",
            "src/__pycache__/a.pyc": "",
        },
        [("Dockerfile", 3, 6)],
    ),
    (
        "ML117",  # gitignore would exclude src/data; Docker does not
        {
            "Dockerfile": DF + "COPY src/data/schema.json ./\n",
            ".dockerignore": "data\n",
            "src/data/schema.json": "{}",
        },
        [],
    ),
    (
        "ML117",  # re-included by a later exception
        {
            "Dockerfile": DF + "COPY data/labels.txt ./\n",
            ".dockerignore": "data\n!data/labels.txt\n",
            "data/labels.txt": "",
        },
        [],
    ),
    (
        "ML117",  # COPY . with ignores is the point of .dockerignore
        {"Dockerfile": DF + "COPY . .\nCOPY ./ /src/\n", ".dockerignore": "data\n.git\n"},
        [],
    ),
    (
        "ML117",  # a comment in column 1, wildcard and variable sources, --from
        {
            "Dockerfile": DF + "COPY model.bin ./\nCOPY *.json ./\nCOPY $CFG ./\n"
            "COPY --from=python:3.11 /model.bin /x\n",
            ".dockerignore": "#model.bin\n*.json\n",
            "model.bin": "",
        },
        [],
    ),
    # ---------------------------------------------------------------- ML512
    (
        "ML512",
        {"Dockerfile": DF + "COPY . .\n", "data/train.csv": "x", "train.py": ""},
        [("Dockerfile", 3, 6)],
    ),
    (
        "ML512",
        {"Dockerfile": DF + "COPY . .\n", ".dockerignore": "data\n", "data/x": "", "last.ckpt": ""},
        [("Dockerfile", 3, 6)],
    ),
    (
        "ML512",
        {
            "Dockerfile": DF + "COPY src/ src/\nADD ./ /srv\n",
            "mlruns/0/meta.yaml": "",
            "src/a.py": "",
        },
        [("Dockerfile", 4, 5)],
    ),
    (
        "ML512",  # gitignore-style name that Docker anchors at the root only
        {
            "Dockerfile": DF + "COPY . .\n",
            ".dockerignore": "src/wandb\n",
            "wandb/x": "",
            "src/wandb/y": "",
        },
        [("Dockerfile", 3, 6)],
    ),
    (
        "ML512",
        {
            "Dockerfile": DF + "COPY . .\n",
            ".dockerignore": "data/\n*.ckpt\n",
            "data/x": "",
            "a.ckpt": "",
        },
        [],
    ),
    (
        "ML512",
        {"Dockerfile": DF + "COPY train.py .\n", "data/x": ""},
        [],
    ),
    (
        "ML512",  # nothing ML-like in the context
        {"Dockerfile": DF + "COPY . .\n", "src/a.py": "", "README.md": ""},
        [],
    ),
    (
        "ML512",  # everything excluded but the code
        {
            "Dockerfile": DF + "COPY . .\n",
            ".dockerignore": "*\n!src\n",
            "data/x": "",
            "src/a.py": "",
        },
        [],
    ),
    # ---------------------------------------------------------------- ML118
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "torch==2.4.1\n",
        },
        [("Dockerfile", 4, 20)],
    ),
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY . .\nRUN python -m pip install --requirement=req.txt\n",
            "req.txt": "numpy\n",
        },
        [("Dockerfile", 4, 41)],
    ),
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY . .\nRUN uv pip install --system -r r.txt -c c.txt\n",
            "r.txt": "numpy\n",
            "c.txt": "numpy==2.0.0\n",
        },
        [("Dockerfile", 4, 32)],
    ),
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY a.txt .\nRUN pip install -r a.txt && pip install -r a.txt\n",
            "a.txt": "numpy\n",
        },
        [("Dockerfile", 4, 20), ("Dockerfile", 4, 44)],
    ),
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install --require-hashes -r r.txt\n",
            "r.txt": "numpy\n",
        },
        [],
    ),
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install -r r.txt\n",
            "r.txt": "--require-hashes\nnumpy==2.0.0\n",
        },
        [],
    ),
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install -r r.txt\n",
            "r.txt": "numpy\n",
            "poetry.lock": "",
        },
        [],
    ),
    (
        "ML118",
        {
            "Dockerfile": DF + "COPY . .\nRUN pip install -r r.txt\n",
            "r.txt": "# This file was autogenerated by uv via the following command:\nnumpy==2.0\n",
        },
        [],
    ),
    # ---------------------------------------------------------------- ML419
    (
        "ML419",
        {"Dockerfile": DF + "COPY . .\n", ".env": "HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123\n"},
        [(".env", 1, 1)],
    ),
    (
        "ML419",
        {
            "Dockerfile": DF + "COPY . .\n",
            ".dockerignore": ".env\n",
            ".env.local": "X=1\nWANDB_API_KEY=0123456789abcdef\n",
        },
        [(".env.local", 2, 1)],
    ),
    (
        "ML419",
        {
            "Dockerfile": "FROM python:3.11-slim AS build\nADD ./ /src\n",
            "secrets.env": "  export NGC_API_KEY='nvapi-0000'\n",
        },
        [("secrets.env", 1, 10)],
    ),
    (
        "ML419",  # gitignore-style pattern that Docker anchors at the root: still sent
        {
            "Dockerfile": DF + "COPY . .\n",
            ".dockerignore": "config/.env\n",
            ".env": "KAGGLE_KEY=0123456789abcdef0123456789abcdef\n",
        },
        [(".env", 1, 1)],
    ),
    (
        "ML419",
        {
            "Dockerfile": DF + "COPY . .\n",
            ".dockerignore": "**/.env\n",
            ".env": "HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123\n",
        },
        [],
    ),
    (
        "ML419",  # copied in a builder stage only: not in the image that is pushed
        {
            "Dockerfile": "FROM node:20 AS web\nWORKDIR /w\nCOPY . .\nRUN npm run build\n"
            "FROM nginx:1.27\nCOPY --from=web /w/dist /usr/share/nginx/html\n",
            ".env": "OPENAI_API_KEY=sk-proj-0000000000000000\n",
        },
        [],
    ),
    (
        "ML419",  # the final stage builds on the stage that copied it
        {
            "Dockerfile": "FROM python:3.11 AS base\nCOPY . /app\nFROM base\nRUN true\n",
            ".env": "OPENAI_API_KEY=sk-proj-0000000000000000\n",
        },
        [(".env", 1, 1)],
    ),
    (
        "ML419",  # no ML credential key
        {"Dockerfile": DF + "COPY . .\n", ".env": "CUDA_VISIBLE_DEVICES=0\nMODEL=llama\n"},
        [],
    ),
    (
        "ML419",  # placeholders
        {
            "Dockerfile": DF + "COPY . .\n",
            ".env": "HF_TOKEN=\nOPENAI_API_KEY=<your key>\nWANDB_API_KEY=changeme\n",
        },
        [],
    ),
    (
        "ML419",  # named copies only
        {
            "Dockerfile": DF + "COPY app.py .\n",
            "app.py": "",
            ".env": "HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123\n",
        },
        [],
    ),
    (
        "ML419",  # a template
        {
            "Dockerfile": DF + "COPY . .\n",
            ".env.example": "HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123\n",
        },
        [],
    ),
]


def _id(case: Case) -> str:
    rule, files, expected = case
    return f"{rule}-{'fires' if expected else 'quiet'}-{'-'.join(sorted(files))[:40]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_build_context_rule(tmp_path: Path, case: Case) -> None:
    rule, files, expected = case
    for name, content in files.items():
        write(tmp_path, name, content)
    report = lint([str(tmp_path / "Dockerfile")], Settings(select=[rule]))
    assert not report.crashes, report.crashes
    found = sorted(
        (
            Path(f.path).resolve().relative_to(tmp_path.resolve()).as_posix(),
            f.span.line,
            f.span.column,
        )
        for f in report.findings
        if f.rule_id == rule
    )
    assert found == sorted(expected), [f.message for f in report.findings]


def test_every_rule_fires_and_stays_quiet_four_times() -> None:
    for rule in ("ML116", "ML117", "ML118", "ML419", "ML512"):
        fires = sum(1 for r, _, e in CASES if r == rule and e)
        quiet = sum(1 for r, _, e in CASES if r == rule and not e)
        assert fires >= 4 and quiet >= 4, (rule, fires, quiet)
