"""What a base image reference says about CUDA: its version, cuDNN, flavour and framework.

Only tags whose grammar is published are read (nvidia/cuda, pytorch/pytorch, NGC, jupyter
docker-stacks, tensorflow/tensorflow, vLLM, TGI); anything not spelled out in the tag stays
None, so rules can stay silent rather than guess.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mllint.ml.compat import Version, default_cudnn, parse_version
from mllint.model.dockerfile import ImageRef
from mllint.patterns import lazy_pattern

_DOCKER_HUB = frozenset({None, "docker.io", "index.docker.io", "registry-1.docker.io"})

_NVIDIA_CUDA = lazy_pattern(
    r"(?P<cuda>\d+\.\d+(?:\.\d+)?)-(?:(?P<cudnn>cudnn\d*)-)?(?P<flavour>base|runtime|devel)"
    r"(?:-(?P<os>[a-z]+[\d.]+))?",
    re.IGNORECASE,
)
_PYTORCH = lazy_pattern(
    r"(?P<torch>\d+\.\d+(?:\.\d+)?)-cuda(?P<cuda>\d+\.\d+(?:\.\d+)?)-cudnn(?P<cudnn>\d+)"
    r"-(?P<flavour>runtime|devel)",
    re.IGNORECASE,
)
_NGC = lazy_pattern(r"\d{2}\.\d{2}(?:-py3|-.*)?", re.IGNORECASE)
_JUPYTER_CUDA = lazy_pattern(r"cuda(?P<major>\d*)-", re.IGNORECASE)


class ImageInfo(NamedTuple):
    cuda: Version | None = None  # (12, 4, 1); (12, 1) when the tag has no patch; (12,) major only
    cudnn: int | None = None  # cuDNN major
    flavour: str | None = None  # base | runtime | devel
    os: str | None = None  # ubuntu22.04, ubi9 ...
    framework: str | None = None  # torch | tensorflow | vllm | tgi ...
    framework_version: str | None = None
    is_gpu: bool = False  # an NVIDIA CUDA image (the GPU stack is in it)
    repository: str | None = None  # normalised name: "nvidia/cuda", "nvcr.io/nvidia/pytorch"

    @property
    def has_cudnn(self) -> bool | None:
        """Whether cuDNN is in the image; None when the tag does not say."""
        if self.repository == "nvidia/cuda":
            return self.cudnn is not None
        return None


def _name(ref: ImageRef) -> str | None:
    if ref.repository is None:
        return None
    repo = ref.repository.lower()
    if ref.registry in _DOCKER_HUB:
        return repo.removeprefix("library/")
    return f"{ref.registry.lower() if ref.registry else ''}/{repo}"


def is_docker_hub(ref: ImageRef) -> bool:
    return ref.registry in _DOCKER_HUB


def image_info(ref: ImageRef) -> ImageInfo | None:
    """What the tag of ``ref`` says; None when the reference is unresolved or a stage."""
    if ref.is_unresolved or ref.is_stage or ref.is_scratch:
        return None
    name = _name(ref)
    if name is None:
        return None
    tag = ref.tag or ""
    if name in ("nvidia/cuda", "nvcr.io/nvidia/cuda"):
        m = _NVIDIA_CUDA.fullmatch(tag)
        if m is None:
            return ImageInfo(is_gpu=True, repository="nvidia/cuda")
        cuda = parse_version(m["cuda"])
        cudnn_word = m["cudnn"]
        cudnn = None
        if cudnn_word:
            digits = cudnn_word[5:]
            cudnn = int(digits) if digits else (default_cudnn(cuda) if cuda else None)
        return ImageInfo(
            cuda, cudnn, m["flavour"].lower(), m["os"], is_gpu=True, repository="nvidia/cuda"
        )
    if name == "pytorch/pytorch":
        m = _PYTORCH.fullmatch(tag)
        if m is None:
            return ImageInfo(framework="torch", is_gpu=True, repository=name)
        return ImageInfo(
            parse_version(m["cuda"]),
            int(m["cudnn"]),
            m["flavour"].lower(),
            None,
            "torch",
            m["torch"],
            is_gpu=True,
            repository=name,
        )
    if name.startswith("nvcr.io/nvidia/"):
        product = name.rsplit("/", 1)[1]
        framework = {"pytorch": "torch", "tensorflow": "tensorflow", "jax": "jax"}.get(product)
        gpu = product in ("pytorch", "tensorflow", "jax", "tritonserver", "tensorrt", "nemo")
        return ImageInfo(
            framework=framework, is_gpu=gpu and bool(_NGC.match(tag) or not tag), repository=name
        )
    if name == "tensorflow/tensorflow":
        gpu = tag == "gpu" or tag.endswith("-gpu") or "-gpu-" in tag
        version = tag.split("-", 1)[0] if tag[:1].isdigit() else None
        return ImageInfo(
            framework="tensorflow", framework_version=version, is_gpu=gpu, repository=name
        )
    if name in ("vllm/vllm-openai", "ghcr.io/huggingface/text-generation-inference"):
        gpu = not any(k in tag.lower() for k in ("rocm", "intel", "cpu", "gaudi", "xpu", "neuron"))
        return ImageInfo(framework="torch", is_gpu=gpu, repository=name)
    if name.startswith(("quay.io/jupyter/", "jupyter/")):
        m = _JUPYTER_CUDA.match(tag)
        if m is None:
            return ImageInfo(repository=name)
        cuda = (int(m["major"]),) if m["major"] else None
        framework = "torch" if "pytorch" in name else "tensorflow" if "tensorflow" in name else None
        return ImageInfo(cuda, framework=framework, is_gpu=True, repository=name)
    return ImageInfo(repository=name)
