"""Ways through a compose project that several rules share."""

from __future__ import annotations

from collections.abc import Iterator

from mllint.model.compose import ComposeProject, Port, Service, Volume, items
from mllint.model.yaml import YMap, YNode, YScalar, YSeq
from mllint.parsers.compose_syntax import port, volume


def ports(service: Service) -> Iterator[Port]:
    for node in items(service.get("ports")):
        p = port(node)
        if p is not None:
            yield p


def volumes(service: Service) -> Iterator[Volume]:
    for node in items(service.get("volumes")):
        v = volume(node)
        if v is not None:
            yield v


def environment(service: Service) -> Iterator[tuple[YScalar, YNode]]:
    """``environment`` pairs (the loader turned the list form into a mapping)."""
    env = service.get("environment")
    if isinstance(env, YMap):
        yield from env.items


def scalars(project: ComposeProject) -> Iterator[YScalar]:
    """Every scalar value in the merged project (keys excluded), each node once."""
    if project.root is None:
        return
    seen: set[int] = set()
    stack: list[YNode] = [project.root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YScalar):
            yield node
        elif isinstance(node, YMap):
            stack.extend(v for _, v in reversed(node.items))
        elif isinstance(node, YSeq):
            stack.extend(reversed(node.items))


def once(seen: set[tuple[str, int, int]], node: YNode) -> bool:
    """True the first time a node (an anchor shared by several services) is reported."""
    key = (node.path, node.span.line, node.span.column)
    if key in seen:
        return False
    seen.add(key)
    return True


def repository(image: str) -> str:
    """``registry:5000/org/name:tag@sha256:…`` -> ``org/name`` (lower case)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)
    if ":" in last[-1]:
        name = name[: name.rfind(":")]
    parts = name.lower().split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # a registry host
    return "/".join(parts)
