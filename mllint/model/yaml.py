"""An immutable YAML node tree in which every node keeps its file and its exact span.

Built by :func:`mllint.parsers.yaml_loader.load_yaml`, which reads YAML the way Compose does
(compose-go through go-yaml v3). What the tree holds:

* Anchors and aliases are resolved: an alias *is* the anchored node (the same object), so its
  span points where the value was written, not at the ``*alias``.
* ``<<`` merge keys are applied: a mapping's ``items`` holds the merged entries (their own
  nodes and spans, from where they were written) at the place of the ``<<`` key; the ``<<``
  entry itself is gone.
* Scalars carry both the typed ``value`` (go-yaml v3's resolution; see ``load_yaml``) and the
  ``text`` as parsed, so a rule can tell ``port: 8080`` from ``port: "8080"`` and ``0777`` (the
  int 511 for Compose) from ``"0777"``.

Nothing here recurses: trees may be hundreds of levels deep.
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias

from mllint.model.span import Span


class YScalar(NamedTuple):
    """A scalar (keys are scalars too).

    ``value`` follows go-yaml v3 for plain scalars: ``null``/``~``/empty are None,
    ``true``/``false`` (three spellings) are bools, ints and floats as go-yaml reads them
    (``0777`` is 511, ``1_000`` is 1000, ``yes``/``on`` are strings). Quoted and block scalars
    are always ``str``, unless an explicit core tag (``!!int "3"``) says otherwise. A scalar
    with an application tag (``!reset``, ``!override``, ``!custom``) keeps its text as value.
    """

    value: str | int | float | bool | None
    text: str  # the scalar's string as parsed (quotes removed, escapes processed, lines folded)
    style: str  # "" plain, "'" single-quoted, '"' double-quoted, "|" literal, ">" folded
    tag: str | None  # an explicit tag as written ("!reset", "!override", "!!str"), else None
    span: Span  # the scalar itself (quoted: with the quotes; no anchor or tag in front)
    path: str  # the file it was read from


class YMap(NamedTuple):
    """A mapping, in document order, with ``<<`` merges applied."""

    items: tuple[tuple[YScalar, YNode], ...]
    tag: str | None
    span: Span
    path: str

    def get(self, key: str) -> YNode | None:
        """The value under ``key`` (compared with the key's text), or None."""
        for k, v in self.items:
            if k.text == key:
                return v
        return None

    def key_node(self, key: str) -> YScalar | None:
        """The key scalar itself, for findings that point at a key rather than its value."""
        for k, _ in self.items:
            if k.text == key:
                return k
        return None

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]


class YSeq(NamedTuple):
    """A sequence."""

    items: tuple[YNode, ...]
    tag: str | None
    span: Span
    path: str


YNode: TypeAlias = YScalar | YMap | YSeq


class YamlProblem(NamedTuple):
    """Something that keeps a file from being read as Compose reads it.

    ``kind`` is one of:

    * ``"syntax"``: not well-formed YAML (bad indentation, tabs, an unclosed quote, a control
      character, an alias to an unknown anchor, an alias used inside its own anchor).
      Fatal: the loader returns no tree.
    * ``"too-deep"``: nesting (aliases expanded) deeper than ``max_depth``. Fatal.
    * ``"too-many-aliases"``: aliases expand to more than ``max_nodes`` nodes (a "billion
      laughs" file). Fatal.
    * ``"duplicate-key"``: a key written twice in one mapping (Compose rejects the file); the
      first value is kept.
    * ``"bad-merge"``: a ``<<`` whose value is not a mapping or a list of mappings; ignored.
    * ``"bad-key"``: a mapping or a list used as a key; the entry is dropped.
    * ``"bad-tag"``: ``!!int``/``!!float``/``!!bool``/``!!null`` on a value that is not one;
      the value is kept as a string.
    * ``"multiple-documents"``: more than one document in the file. Compose 2.40 merges each
      later document over the first (and refuses an empty one, a stray ``---``); only the
      first is returned.
    """

    kind: str
    message: str  # one sentence a person understands
    span: Span
    path: str


def to_python(node: YNode | None) -> object:
    """Plain dicts (keyed by key text), lists and scalar values; tags are dropped.

    A node reached through several aliases becomes one shared Python object, so the result is
    as large as the tree, not as its expansion. Iterative: safe for any depth.
    """
    if node is None:
        return None
    if isinstance(node, YScalar):
        return node.value
    memo: dict[int, object] = {}
    stack: list[tuple[YMap | YSeq, bool]] = [(node, False)]
    while stack:
        current, ready = stack.pop()
        if id(current) in memo:
            continue
        if not ready:
            stack.append((current, True))
            children = (
                (v for _, v in current.items) if isinstance(current, YMap) else (current.items)
            )
            stack.extend(
                (c, False) for c in children if not isinstance(c, YScalar) and id(c) not in memo
            )
            continue
        if isinstance(current, YMap):
            memo[id(current)] = {
                k.text: v.value if isinstance(v, YScalar) else memo[id(v)] for k, v in current.items
            }
        else:
            memo[id(current)] = [
                v.value if isinstance(v, YScalar) else memo[id(v)] for v in current.items
            ]
    return memo[id(node)]


def node_at_path(root: YNode | None, path: list[str | int]) -> YNode | None:
    """The node at a JSON-style path (mapping keys as ``str``, list indexes as ``int``).

    An ``int`` step into a mapping looks up the key with that text, as JSON would have it.
    """
    node = root
    for step in path:
        if isinstance(node, YMap):
            node = node.get(str(step))
        elif isinstance(node, YSeq) and isinstance(step, int) and 0 <= step < len(node.items):
            node = node.items[step]
        else:
            return None
        if node is None:
            return None
    return node
