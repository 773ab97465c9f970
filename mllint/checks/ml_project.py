"""ML rules that need a compose service and the Dockerfile it builds together."""

from __future__ import annotations

from collections.abc import Iterator

from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related
from mllint.engine.registry import rule
from mllint.model.context import Project


@rule("ML610")
def cpu_wheel_on_gpu_service(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    """A service is given GPUs while the image it builds installs a CPU-only torch."""
    from mllint.ml.frameworks import wheel_pins
    from mllint.ml.gpu import gpu_requests
    from mllint.ml.images import image_info

    for build in project.builds:
        requests = gpu_requests(build.service)
        if not requests:
            continue
        df = build.image.dockerfile
        final = df.final_stage
        if final is None:
            continue
        chain = df.stage_chain(final)
        numbers = {s.number for s in chain}
        torch = [p for p in wheel_pins(df) if p.package == "torch" and p.stage in numbers]
        if not torch:
            continue
        pin = max(torch, key=lambda p: (p.instruction.span.line, p.word.span.column))
        if pin.variant != "cpu":
            continue
        info = image_info(chain[-1].image)
        if info is not None and info.is_gpu:
            continue  # a CUDA base: ML602 reports the CPU wheel in the Dockerfile itself
        where = pin.via if pin.via is not None else pin.word
        node = requests[0].node
        yield ctx.finding(
            node.span,
            f"services.{build.service.name} is given GPUs, but its image installs the CPU-only "
            f"torch ({pin.how}): torch.cuda.is_available() is False "
            "and the reserved GPUs sit idle while the job runs on the CPU; install a CUDA "
            "build of torch (pip's default on Linux, or --index-url "
            "https://download.pytorch.org/whl/cu126) or drop the GPU reservation",
            fix="RUN pip install --no-cache-dir torch==<version> (the PyPI wheel bundles CUDA)",
            path=node.path,
            related=(Related(df.path, where.span, "CPU-only torch installed here"),),
        )
