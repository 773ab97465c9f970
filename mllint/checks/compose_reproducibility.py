"""ML110-ML111: compose services whose image can change under a fixed checkout: a built image
tagged with a name a pull can overwrite, and pull policies that re-fetch moving tags.

The tag judgement is ML103's (``MOVING_TAGS`` in reproducibility.py); ML103 itself reports
moving tags of services that do not build."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from mllint.checks.reproducibility import MOVING_TAGS
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, Service, is_unknown, text
from mllint.model.span import Located
from mllint.model.yaml import YNode
from mllint.parsers.dockerfile import split_reference
from mllint.patterns import lazy_pattern


class Moving(NamedTuple):
    """A service's image reference whose tag moves, and what is wrong with it."""

    image: str
    name: str  # without tag
    problem: str
    node: YNode


def moving_image(service: Service) -> Moving | None:
    """The service's image when its tag is missing or moving (as ML103 judges it)."""
    node = service.get("image")
    if node is None or is_unknown(node):
        return None
    image = text(node)
    if not image:
        return None
    ref = split_reference(Located(image, node.span), image)
    if ref.digest or ref.name is None:
        return None
    if ref.tag is None:
        return Moving(image, ref.name, "has no tag, so it means ':latest'", node)
    if ref.tag.lower() in MOVING_TAGS:
        return Moving(image, ref.name, f"uses the moving tag ':{ref.tag}'", node)
    return None


@rule("ML110")
def build_image_moving_tag(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        if service.get("build") is None:
            continue
        policy = text(service.get("pull_policy"))
        if policy in ("build", "never") or is_unknown(service.get("pull_policy")):
            continue  # Compose never pulls this image
        moving = moving_image(service)
        if moving is None or "/" not in moving.name:
            continue  # a bare name: docker.io/library/<name> is not something a team pushes
        yield ctx.finding(
            moving.node.span,
            f"services.{service.name} builds its image and tags it '{moving.image}', which "
            f"{moving.problem}: when the image is missing locally `docker compose up` pulls "
            "that tag from the registry before it builds, and `docker compose pull` replaces "
            "the local build with it, so the service may run code that is not this checkout; "
            "tag the build with a version (or set pull_policy: build)",
            fix=f"image: {moving.name}:${{VERSION:?}}  # or pull_policy: build",
            path=moving.node.path,
        )


#: pull_policy values that re-fetch the tag: always, daily, weekly, every_<duration>.
_REFRESH = lazy_pattern(r"^(always|daily|weekly|every_\w+)$")


@rule("ML111")
def pull_policy_moving_tag(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        node = service.get("pull_policy")
        policy = text(node)
        if node is None or policy is None or not _REFRESH.match(policy):
            continue
        if service.get("build") is not None:
            continue  # ML110 reports the tag of a built image
        moving = moving_image(service)
        if moving is None:
            continue
        yield ctx.finding(
            node.span,
            f"services.{service.name} has pull_policy: {policy} on '{moving.image}', which "
            f"{moving.problem}: every `docker compose up` (or the first after each period) "
            "may silently switch the service to a newer image, between two runs of the same "
            "experiment or in the middle of a rollout; pin the tag (ML103) or drop the pull "
            "policy",
            fix=f"image: {moving.name}:<version>  # and pull_policy: missing",
            path=node.path,
            related=(Related(moving.node.path, moving.node.span, "the image"),),
        )
