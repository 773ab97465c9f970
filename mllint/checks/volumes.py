"""ML5xx: what belongs in volumes rather than image layers (weights, data, caches)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.dockerfile import Dockerfile

_WEIGHT_PATTERNS = (
    "*.safetensors",
    "*.pt",
    "*.pth",
    "*.ckpt",
    "*.onnx",
    "*.gguf",
    "*.ggml",
    "*.h5",
    "*.keras",
    "*.tflite",
    "*.msgpack",
    "*.engine",
    "*.plan",
)
_BIN_HINTS = ("model", "weight", "checkpoint", "ckpt")


def weight_file(path: str) -> bool:
    lower = path.lower().rstrip("/")
    base = lower.rsplit("/", 1)[-1]
    if any(fnmatch.fnmatchcase(base, p) for p in _WEIGHT_PATTERNS):
        return True
    return base.endswith(".bin") and any(h in lower for h in _BIN_HINTS)


@rule("ML501")
def model_weights_in_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None:
            continue
        sources = instr.words[:-1]
        for src in sources:
            if src.text.startswith("<<"):
                continue
            if weight_file(src.text.strip("'\"").split("?", 1)[0]):
                yield ctx.finding(
                    src.span,
                    f"{instr.keyword} puts model weights '{src.text}' into an image layer: "
                    "multi-GB layers slow every pull and every weight update rebuilds the "
                    "image; mount the weights at run time or download them into a cache volume",
                    fix="volumes: ['./models:/models:ro'] in compose, or download at start "
                    "with a pinned revision into HF_HOME on a volume",
                )
