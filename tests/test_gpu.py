"""mllint.ml.gpu: which services get GPUs, how many, and what they run, read from compose files
through the real loader (interpolation, anchors, extends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllint.ml.gpu import (
    command_words,
    gpu_count,
    gpu_requests,
    has_device_request,
    multi_gpu,
    parse_count,
    runs_distributed,
    runs_pytorch,
)
from mllint.model.compose import Service
from mllint.parsers.compose import load_project


def service(tmp_path: Path, body: str, environ: dict[str, str] | None = None) -> Service:
    """The service ``s`` of a compose file whose service body is ``body`` (image x unless the
    body starts with its own)."""
    image = "" if body.startswith("image:") else "    image: x\n"
    text = "services:\n  s:\n" + image + "".join(f"    {line}\n" for line in body.splitlines())
    path = tmp_path / "compose.yaml"
    path.write_text(text, encoding="utf-8")
    project = load_project([path], environ=environ or {})
    assert not project.problems, project.problems
    found = project.service("s")
    assert found is not None
    return found


RES = """deploy:
  resources:
    reservations:
      devices:
        - driver: nvidia
          {field}
          capabilities: [gpu]"""


@pytest.mark.parametrize(
    ("body", "environ", "sources", "count"),
    [
        ("gpus: all", {}, ["gpus"], "all"),
        ("gpus:\n  - count: 2\n  - device_ids: ['3']", {}, ["gpus", "gpus"], 3),
        ("gpus:\n  - driver: nvidia", {}, ["gpus"], "all"),  # neither count nor ids: all
        (RES.format(field="count: 4"), {}, ["reservation"], 4),
        (RES.format(field="count: All"), {}, ["reservation"], "all"),
        (RES.format(field="count: -1"), {}, ["reservation"], "all"),
        (RES.format(field="count: ${GPUS:-2}"), {}, ["reservation"], 2),
        (RES.format(field="count: ${GPUS}"), {"GPUS": "8"}, ["reservation"], 8),
        (RES.format(field="count: ${GPUS}"), {}, ["reservation"], None),
        (RES.format(field="device_ids: ['0', '1']"), {}, ["reservation"], 2),
        (RES.format(field="device_ids: ['0', '${B}']"), {}, ["reservation"], None),
        ("devices: ['nvidia.com/gpu=all']", {}, ["cdi"], "all"),
        ("devices: ['nvidia.com/gpu=0,1']", {}, ["cdi"], 2),
        ("devices: [/dev/nvidia0, /dev/nvidia1, /dev/nvidiactl]", {}, ["device-node"] * 3, 2),
        ("runtime: nvidia", {}, ["runtime"], None),
        ("runtime: nvidia\nenvironment: ['NVIDIA_VISIBLE_DEVICES=0,1']", {}, ["runtime", "env"], 2),
        ("environment:\n  NVIDIA_VISIBLE_DEVICES: all", {}, ["env"], "all"),
        # A device request decides; the variable CUDA images set does not add GPUs.
        (
            RES.format(field="count: 1") + "\nenvironment: [NVIDIA_VISIBLE_DEVICES=all]",
            {},
            ["reservation", "env"],
            1,
        ),
    ],
)
def test_requests_and_count(
    tmp_path: Path, body: str, environ: dict[str, str], sources: list[str], count: object
) -> None:
    s = service(tmp_path, body, environ)
    requests = gpu_requests(s)
    assert [r.source for r in requests] == sources
    assert gpu_count(requests) == count


@pytest.mark.parametrize(
    "body",
    [
        "environment:\n  NVIDIA_VISIBLE_DEVICES: none",
        "environment:\n  NVIDIA_VISIBLE_DEVICES: void",
        "environment:\n  NVIDIA_VISIBLE_DEVICES: ''",
        "environment:\n  NVIDIA_VISIBLE_DEVICES: ${IDS}",
        "runtime: runsc",
        "devices: [/dev/kfd, /dev/dri, /dev/nvidia-foo]",
        "deploy:\n  resources:\n    reservations:\n      devices:\n        - capabilities: [tpu]",
        "command: nvidia-smi",
    ],
)
def test_not_a_gpu_request(tmp_path: Path, body: str) -> None:
    assert gpu_requests(service(tmp_path, body)) == []


def test_capabilities_alone_make_a_gpu_entry(tmp_path: Path) -> None:
    body = "deploy:\n  resources:\n    reservations:\n      devices:\n"
    body += "        - capabilities: [compute, utility]\n          count: 1"
    requests = gpu_requests(service(tmp_path, body))
    assert [r.source for r in requests] == ["reservation"] and has_device_request(requests)


def test_anchor_and_extends(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "x-gpu: &gpu\n  gpus:\n    - count: 2\n"
        "services:\n  base:\n    <<: *gpu\n    image: x\n  child:\n    extends: base\n",
        encoding="utf-8",
    )
    project = load_project([tmp_path / "compose.yaml"], environ={})
    for name in ("base", "child"):
        s = project.service(name)
        assert s is not None
        requests = gpu_requests(s)
        assert gpu_count(requests) == 2 and multi_gpu(requests)
        assert requests[0].node.span.line == 3  # where the anchor wrote it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("count: 3", 3),
        ("count: '3'", 3),
        ("count: all", "all"),
        ("count: ALL", "all"),
        ("count: -1", "all"),
        ("count: two", "two"),
        ("count: ${N:-x}", "x"),
        ("count: ${N}", None),
    ],
)
def test_parse_count(tmp_path: Path, text: str, expected: object) -> None:
    s = service(tmp_path, RES.format(field=text))
    devices = s.at("deploy", "resources", "reservations", "devices")
    assert devices is not None
    entry = devices.items[0]  # type: ignore[union-attr]
    assert parse_count(entry.get("count")) == expected  # type: ignore[union-attr]


def test_multi_gpu(tmp_path: Path) -> None:
    assert not multi_gpu(gpu_requests(service(tmp_path, RES.format(field="count: 1"))))
    assert multi_gpu(gpu_requests(service(tmp_path, "gpus: all")))
    assert not multi_gpu(gpu_requests(service(tmp_path, RES.format(field="count: ${G}"))))


@pytest.mark.parametrize(
    ("body", "pytorch", "distributed"),
    [
        ("image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime", True, False),
        ("image: nvcr.io/nvidia/pytorch:24.08-py3", True, False),
        ("image: vllm/vllm-openai:v0.6.3", True, False),
        ("image: ghcr.io/huggingface/text-generation-inference:2.4.0", True, False),
        ("image: ollama/ollama:0.3.14", False, False),
        ("image: nvidia/cuda:12.4.1-base-ubuntu22.04", False, False),
        ("command: torchrun --nproc-per-node=4 train.py", True, True),
        ("command: [deepspeed, --num_gpus, '2', train.py]", True, True),
        ("command: accelerate launch train.py", True, True),
        ("command: accelerate config", True, False),
        ("command: python -m torch.distributed.run --nproc-per-node 2 t.py", True, True),
        ("command: python3 -u scripts/finetune_lora.py", True, False),
        ("command: python serve.py", False, False),
        ("command: sh -c 'pip install -e . && torchrun train.py'", True, True),
        ("entrypoint: [bash, -c]\ncommand: ['cd /app; deepspeed train.py']", True, True),
        ("command: python eval.py\nenvironment: [NCCL_DEBUG=INFO]", False, True),
    ],
)
def test_workloads(tmp_path: Path, body: str, pytorch: bool, distributed: bool) -> None:
    s = service(tmp_path, body)
    assert runs_pytorch(s) is pytorch, command_words(s)
    assert runs_distributed(s) is distributed, command_words(s)


def test_command_words_split_scripts(tmp_path: Path) -> None:
    s = service(tmp_path, 'command: ["sh", "-c", "python train.py --lr 1e-4"]')
    assert command_words(s) == ["sh", "-c", "python", "train.py", "--lr", "1e-4"]
