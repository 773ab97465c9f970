"""Read YAML as Compose does (compose-go, go-yaml v3) into :mod:`mllint.model.yaml` nodes.

PyYAML is a YAML 1.1 library: ``yaml.safe_load`` turns ``restart: no`` into ``False``,
``- 22:22`` into 1342 and keeps the last of two duplicate keys, and the size of what an alias
bomb expands to is unbounded. So we use only PyYAML's *parser* (its event stream, libyaml's when
available) and build the tree ourselves, iteratively, with go-yaml v3's rules:

**Scalars** (``_resolve_plain``, a transcription of go-yaml v3 ``resolve.go``): ``null``,
``Null``, ``NULL``, ``~`` and empty are None; ``true``/``True``/``TRUE`` and the three
``false`` spellings are bools and nothing else is (``yes``, ``on``, ``y`` stay strings). A
scalar that starts with a digit, sign or dot is a number when Go's ``strconv`` reads it: the
``_`` are removed first (``1_000`` is 1000), then ``ParseInt(s, 0, 64)`` decides, which means
``0x1F`` is 31, ``0o17`` and ``017`` are 15 (**a leading zero is octal**: go-yaml v3 keeps
YAML 1.1's ``0777`` == 511 "for compatibility", and Compose v2.40 indeed turns ``UMASK: 0777``
into ``"511"``), ``0b101`` is 5; then floats (``1e3``, ``1.5``, ``.5``, ``.inf``, ``.nan``;
``08``, invalid octal, is the float 8.0). No sexagesimal: ``22:22`` is a string. Timestamps
stay strings (go-yaml hands them to ``interface{}`` as strings). Quoted and block scalars are
strings. Explicit tags: ``!!str`` forces a string, ``!!int``/``!!float``/``!!bool``/``!!null``
resolve the text and must fit (``!!float 1`` is 1.0; ``!!int abc`` is a "bad-tag" problem),
and any other tag (``!reset``, ``!override``) leaves the text as the value, as go-yaml does.

**Anchors, aliases, merges**: an alias is the anchored node itself. ``<<`` takes a mapping or
a list of mappings; keys written in the mapping win over merged ones wherever they are
written, and among merged mappings the earlier wins (go-yaml v3 ``decoder.merge``). Only a
plain (or ``!!merge``-tagged) ``<<`` is a merge key; ``"<<"`` is an ordinary key.

**Limits**: ``max_depth`` bounds nesting, counting what aliases expand to. Aliases are
bounded by their *expanded* size: every alias adds the full size of its target (1 per node,
nested aliases included), and loading stops with "too-many-aliases" at the alias that takes
this total over ``max_nodes`` *and* over ten times the nodes written in the file so far. The
second clause keeps big honest files (5,000 services that each merge a few anchors expand by
~1.2x) loadable whatever their size, while the work any consumer does walking the expanded
tree stays linear in the file: at most ``max(max_nodes, 10 * written)`` extra nodes. A
600-byte "billion laughs" (~100 written nodes) is stopped as soon as its aliases have added
200,000 nodes, after a few thousand events.

**Spans** are 1-based and relative to ``text`` as given (a leading BOM counts as a column).
Lines are YAML's: ``\\r\\n``, ``\\r``, ``\\n``, NEL, LS and PS all end a line.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from mllint.model.span import Span
from mllint.model.yaml import YamlProblem, YMap, YNode, YScalar, YSeq

_INF = float("inf")
#: go-yaml v3 ``resolveMap`` (without ``<<``, which only matters as a key).
_SPECIAL: dict[str, str | int | float | bool | None] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), _INF),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -_INF),
}
#: First characters for which go-yaml tries a number (its ``resolveTable`` hints D, S and .).
_NUMERIC_START = frozenset("+-.0123456789")
#: Digits of each base; ``s.strip(chars) == ""`` tests "only these characters" without a regex
#: (no ``re`` import or compile on the start-up path of a pre-commit hook).
_DIGITS = {10: "0123456789", 16: "0123456789abcdefABCDEF", 8: "01234567", 2: "01"}
_BREAK_CHARS = "\n\r\x85\u2028\u2029"
_CORE_PREFIX = "tag:yaml.org,2002:"
#: Aliases may always expand to this many times the nodes written so far (see load_yaml).
_ALIAS_RATIO = 10
_TYPED_TAGS = {
    "!!int": "an integer",
    "!!float": "a number",
    "!!bool": "a boolean",
    "!!null": "null",
}


def load_yaml(
    text: str, path: str, *, max_nodes: int = 200_000, max_depth: int = 500
) -> tuple[YNode | None, list[YamlProblem]]:
    """The first document of ``text`` as a node tree, and the problems found. Never raises.

    ``(None, [])`` for an empty file (or only comments); ``(None, [problem])`` when the file
    cannot be read at all ("syntax", "too-deep", "too-many-aliases"); otherwise the root (a
    mapping or not: the caller decides; an explicitly empty document, ``---`` alone, is a null
    scalar, which Compose refuses as "not a mapping") and the non-fatal problems, sorted by
    position. Kinds are documented on :class:`~mllint.model.yaml.YamlProblem`.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return _Builder(text, path, max_nodes, max_depth).run(loader_class)


def is_timestamp(node: YScalar) -> bool:
    """Whether go-yaml v3 reads this scalar as a ``!!timestamp`` (in Compose, a Go time.Time).

    The tree keeps such a scalar a string (its ``value`` is its text: go-yaml's own
    ``resolve`` falls back to a string for ``interface{}``, and the model carries no dates),
    but Compose 2.40 decodes it as a time.Time and then refuses it wherever the schema wants a
    string or a number: an unquoted ``SNAPSHOT_DATE: 2024-10-07`` in ``environment`` fails
    with "invalid jsonType time.Time", while ``x-date: 2024-10-07`` is accepted. Checked
    against the compose 2.40.3 binary: ``2024-1-1``, ``2024-02-29``, ``2024-01-01 10:00:00``,
    ``2024-01-01T10:00:00Z`` are timestamps; ``2024-02-30``, ``2024-13-01``,
    ``2024-01-01T10:00:00`` (no zone) and ``2024-01-01 10:00:00Z`` are strings.
    """
    if node.tag == "!!timestamp":
        return _is_go_timestamp(node.text)
    if node.style or node.tag not in (None, "!"):
        return False
    return _is_go_timestamp(node.text)


def _is_go_timestamp(text: str) -> bool:
    """go-yaml v3 ``parseTimestamp``: Go's ``time.Parse`` with its four layouts."""
    if len(text) < 8 or text[4:5] != "-" or not _digits(text[:4]):
        return False
    import re  # only for this rare check: no start-up cost

    match = re.fullmatch(
        r"(\d{4})-(\d\d?)-(\d\d?)"
        r"(?:(?:[Tt](\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?(Z|[+-]\d\d:\d\d))"
        r"|(?: +(\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?))?",
        text,
        re.ASCII,
    )
    if match is None:
        return False
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not (1 <= month <= 12 and 1 <= day <= days[month - 1]):
        return False
    clock = match.group(4, 5, 6) if match.group(4) else match.group(8, 9, 10)
    if clock[0] is not None:
        hour, minute, second = (int(x) for x in clock)
        if hour > 23 or minute > 59 or second > 59:
            return False
    zone: str | None = match.group(7)
    return zone is None or zone == "Z" or (int(zone[1:3]) <= 24 and int(zone[4:6]) <= 60)


# ---- scalar resolution (go-yaml v3 resolve.go) ------------------------------------------


def _resolve_plain(text: str) -> str | int | float | bool | None:
    """What go-yaml v3 reads an untagged plain scalar as."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if text[0] not in _NUMERIC_START:
        return text
    return _resolve_number(text)


def _resolve_number(text: str) -> str | int | float:
    """A plain scalar starting with a sign, digit or dot: go-yaml's number, or the text."""
    if text[0] == ".":  # strconv.ParseFloat on the text as written: only ".5", ".5e3" here
        if _is_yaml_style_float(text):
            number = float(text)
            if number != _INF:
                return number
        return text
    plain = text.replace("_", "")
    integer = _go_parse_int(plain)
    if integer is not None:
        return integer
    if _is_yaml_style_float(plain):
        number = float(plain)
        if number not in (_INF, -_INF):  # ParseFloat: out of range is an error
            return number
    return text


def _digits(s: str) -> bool:
    return s != "" and s.strip(_DIGITS[10]) == ""


def _is_yaml_style_float(s: str) -> bool:
    """go-yaml's ``yamlStyleFloat``: ``^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$``."""
    if s[:1] in ("+", "-"):
        s = s[1:]
    mantissa, e, exponent = s.replace("E", "e").partition("e")
    if e:
        if exponent[:1] in ("+", "-"):
            exponent = exponent[1:]
        if not _digits(exponent):
            return False
    whole, dot, fraction = mantissa.partition(".")
    if not dot:
        return _digits(whole)
    return (_digits(whole) and (fraction == "" or _digits(fraction))) or (
        whole == "" and _digits(fraction)
    )


def _go_parse_int(s: str) -> int | None:
    """``strconv.ParseInt(s, 0, 64)``, else ``strconv.ParseUint(s, 0, 64)``, else None."""
    body = s
    negative = signed = False
    if body[:1] in ("+", "-"):
        signed = True
        negative = body[0] == "-"
        body = body[1:]
    if not body:
        return None
    base = 10
    digits = body
    if len(body) > 1 and body[0] == "0":
        prefix = body[1]
        if prefix in "xX":
            base, digits = 16, body[2:]
        elif prefix in "oO":
            base, digits = 8, body[2:]
        elif prefix in "bB":
            base, digits = 2, body[2:]
        else:
            base, digits = 8, body[1:]
    if digits == "" or digits.strip(_DIGITS[base]):
        return None
    if base == 10 and len(digits) > 20:  # past uint64 (and past Python's int() digit limit)
        return None
    value = int(digits, base)
    if negative:
        value = -value
    if -(1 << 63) <= value < (1 << 63):
        return value
    if not signed and value < (1 << 64):
        return value
    return None


def _resolve_tagged(tag: str, text: str) -> tuple[str | int | float | bool | None, bool]:
    """(value, fits) for a scalar with an explicit tag other than the non-specific ``!``."""
    if tag not in _TYPED_TAGS:
        return text, True  # !!str, !!binary, !!timestamp, !reset, !override, ...
    value = _resolve_plain(text) if text else None
    if tag == "!!int":
        return (value, True) if type(value) is int else (text, False)
    if tag == "!!float":
        if type(value) is int:
            return float(value), True
        return (value, True) if type(value) is float else (text, False)
    if tag == "!!bool":
        return (value, True) if type(value) is bool else (text, False)
    return (None, True) if value is None else (text, False)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE_PREFIX) :] if tag.startswith(_CORE_PREFIX) else tag


# ---- the builder ----------------------------------------------------------------------


class _Fatal(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Frame:
    """A mapping or sequence being built."""

    __slots__ = (
        "anchor",
        "children",
        "column",
        "extra",
        "flow",
        "height",
        "is_map",
        "line",
        "steps",
        "tag",
    )

    def __init__(
        self,
        is_map: bool,
        anchor: str | None,
        tag: str | None,
        line: int,
        column: int,
        flow: bool,
        steps: tuple[str | int, ...],
    ) -> None:
        self.is_map = is_map
        self.anchor = anchor
        self.tag = tag
        self.line = line  # 1-based start of the content (past anchor and tag)
        self.column = column
        self.flow = flow
        self.steps = steps  # key path from the document root, for messages
        self.children: list[YNode] = []  # mapping: key, value, key, value, ...
        self.extra = 0  # expanded size of the children beyond 1 each
        self.height = 1  # collection levels, this one included


#: An anchor's (node, expanded size, height); node is None while the collection is being built.
_Anchor = tuple[YNode | None, int, int]


def _where(steps: tuple[str | int, ...]) -> str:
    if not steps:
        return "at the top level"
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return f"in {out}"


def _kind_name(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node.value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number"}.get(type(node.value), "a string")


class _Builder:
    def __init__(self, text: str, path: str, max_nodes: int, max_depth: int) -> None:
        self.text = text
        self.path = path
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.bom = text.startswith("\ufeff")
        # libyaml puts the stream's end on a line of its own even when the text does not end
        # with a line break; positions past the text are moved back to its end.
        last = max(text.rfind(c) for c in _BREAK_CHARS)
        self.last_line = sum(text.count(c) for c in _BREAK_CHARS) - text.count("\r\n")
        self.end_of_text = (self.last_line, len(text) - last - 1)
        self.problems: list[YamlProblem] = []
        self._line_starts: list[int] | None = None

    # ---- positions -------------------------------------------------------------------

    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            import re  # only for problems: no start-up cost

            breaks = re.finditer("\r\n|[\n\r\x85\u2028\u2029]", self.text)
            self._line_starts = [0, *(m.end() for m in breaks)]
        return self._line_starts

    def offset(self, line: int, column: int) -> int:
        starts = self.line_starts()
        line = min(max(line, 0), len(starts) - 1)
        return min(starts[line] + column, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        starts = self.line_starts()
        line = bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    def after_properties(self, start: Any, end: Any) -> tuple[int, int]:
        """0-based (line, column) where a node's content starts, past its anchor and tag.

        ``start`` is the event's start mark (at the first property); ``end`` its end mark, or
        None for a collection. If nothing follows the properties (``key: !reset``), the node
        is the properties themselves.
        """
        text = self.text
        bom = self.bom
        i = start.index + bom
        line = start.line
        line_start = i
        while line_start > 0 and text[line_start - 1] not in _BREAK_CHARS:
            line_start -= 1
        limit = len(text) if end is None else min(end.index + bom, len(text))
        while i < limit:
            ch = text[i]
            if ch in " \t":
                i += 1
            elif ch in _BREAK_CHARS:
                i += 2 if text.startswith("\r\n", i) else 1
                line += 1
                line_start = i
            elif ch == "#":
                while i < limit and text[i] not in _BREAK_CHARS:
                    i += 1
            elif ch == "&":
                i += 1
                while i < limit and ((text[i].isascii() and text[i].isalnum()) or text[i] in "-_"):
                    i += 1
            elif ch == "!":
                if text.startswith("!<", i):
                    close = text.find(">", i, limit)
                    i = limit if close < 0 else close + 1
                else:
                    while i < limit and text[i] not in " \t," and text[i] not in _BREAK_CHARS:
                        i += 1
            else:
                return line, i - line_start
        return start.line, start.column + (bom and start.line == 0)

    def trim_end(self, event: Any) -> tuple[int, int]:
        """0-based end of a block scalar, moved back over its trailing breaks and blanks."""
        text = self.text
        bom = self.bom
        end = event.end_mark
        stop = i = min(end.index + bom, len(text))
        low = event.start_mark.index + bom + 1
        while i > low and (text[i - 1] in " \t" or text[i - 1] in _BREAK_CHARS):
            i -= 1
        if i == stop:
            return end.line, end.column + (bom and end.line == 0)
        gap = text[i:stop]
        breaks = sum(gap.count(c) for c in _BREAK_CHARS) - gap.count("\r\n")
        j = i
        while j > 0 and text[j - 1] not in _BREAK_CHARS:
            j -= 1
        return end.line - breaks, i - j

    def point(self, line: int, column: int) -> Span:
        """A one-character span at a 0-based position, kept inside the text."""
        starts = self.line_starts()
        line = min(max(line, 0), len(starts) - 1)
        next_start = starts[line + 1] if line + 1 < len(starts) else len(self.text) + 1
        length = next_start - starts[line] - 1  # characters before the line break
        if line + 1 < len(starts) and self.text.startswith("\r\n", next_start - 2):
            length -= 1
        column = min(max(column, 0), length)
        width = 1 if column < length else 0
        return Span(line + 1, column + 1, line + 1, column + 1 + width)

    def mark_point(self, mark: Any) -> Span:
        if mark is None:
            return Span(1, 1, 1, 1)
        column = mark.column + 1 if self.bom and mark.line == 0 else mark.column
        return self.point(mark.line, column)

    def fatal(self, kind: str, message: str, span: Span) -> _Fatal:
        return _Fatal(YamlProblem(kind, message, span, self.path))

    # ---- the event loop --------------------------------------------------------------

    def run(self, loader_class: Any) -> tuple[YNode | None, list[YamlProblem]]:
        import gc

        import yaml

        source = self.text[1:] if self.bom else self.text
        try:
            loader = loader_class(source)
        except (yaml.YAMLError, UnicodeError) as exc:
            return None, [self.error_problem(exc)]
        # The tree is hundreds of thousands of tuples and no cycles: the cyclic collector,
        # triggered every 700 allocations, would rescan it over and over (40% of the time).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            root = self.build(loader, yaml.events)
        except _Fatal as fatal:
            return None, [fatal.problem]
        except (yaml.YAMLError, UnicodeError) as exc:
            return None, [self.error_problem(exc)]
        finally:
            if gc_was_enabled:
                gc.enable()
            loader.dispose()
        self.problems.sort(key=lambda p: (p.span.line, p.span.column))
        return root, self.problems

    def build(self, loader: Any, events: Any) -> YNode | None:
        scalar_event = events.ScalarEvent
        mapping_start = events.MappingStartEvent
        sequence_start = events.SequenceStartEvent
        mapping_end = events.MappingEndEvent
        sequence_end = events.SequenceEndEvent
        alias_event = events.AliasEvent
        document_start = events.DocumentStartEvent
        document_end = events.DocumentEndEvent
        stream_end = events.StreamEndEvent
        special = _SPECIAL
        numeric_start = _NUMERIC_START
        resolve_number = _resolve_number
        new = tuple.__new__

        file_path = self.path
        bom = self.bom
        max_depth = self.max_depth
        last_line = self.last_line
        stack: list[_Frame] = []
        anchors: dict[str, _Anchor] = {}
        alias_total = 0  # nodes added by expanding aliases
        written = 0  # nodes written in the file
        first_root: YNode | None = None
        documents = 0
        doc_nodes: list[YNode] = []  # what the document holds at its top (one node)
        doc_span: Span | None = None
        multiple_reported = False
        children = doc_nodes  # where the next node goes: the open collection's children
        end_line = end_column = 1  # 1-based end of the node completed last
        get_event = loader.get_event

        while True:
            event = get_event()
            if event is None:
                return first_root
            cls = event.__class__
            if cls is scalar_event:
                mark = event.start_mark
                sl = mark.line
                sc = mark.column
                mark = event.end_mark
                el = mark.line
                ec = mark.column
                if bom:
                    sc += sl == 0
                    ec += el == 0
                if el > last_line:
                    el, ec = self.end_of_text
                    if sl > last_line:
                        sl, sc = el, ec
                if event.tag is None and event.anchor is None:
                    value_text: str = event.value
                    style: str = event.style
                    value: str | int | float | bool | None
                    if style:
                        value = value_text
                        if style in ("|", ">"):
                            el, ec = self.trim_end(event)
                    else:
                        style = ""
                        if value_text in special:
                            value = special[value_text]
                        elif value_text[0] in numeric_start:
                            value = resolve_number(value_text)
                        else:
                            value = value_text
                    end_line = el + 1
                    end_column = ec + 1
                    # tuple.__new__ is what the NamedTuples' __new__ calls: a third of the cost
                    node: YNode = new(
                        YScalar,
                        (
                            value,
                            value_text,
                            style,
                            None,
                            new(Span, (sl + 1, sc + 1, end_line, end_column)),
                            file_path,
                        ),
                    )
                else:
                    node = self.tagged_scalar(event, sl, sc, el, ec)
                    end_line, end_column = node.span.end_line, node.span.end_column
                    if event.anchor is not None:
                        anchors[event.anchor] = (node, 1, 0)
                written += 1
                children.append(node)
            elif cls is mapping_start or cls is sequence_start:
                mark = event.start_mark
                sl = mark.line
                sc = mark.column
                if bom:
                    sc += sl == 0
                if len(stack) >= max_depth:
                    raise self.fatal(
                        "too-deep",
                        f"the file nests deeper than {max_depth} levels; it was not read",
                        self.point(sl, sc),
                    )
                tag = event.tag
                anchor = event.anchor
                if tag is not None:
                    tag = _short_tag(tag)
                if anchor is not None or tag is not None:
                    sl, sc = self.after_properties(event.start_mark, None)
                steps: tuple[str | int, ...] = ()
                if stack:
                    parent = stack[-1]
                    if not parent.is_map:
                        steps = (*parent.steps, len(children))
                    elif len(children) % 2:
                        key = children[-1]
                        steps = (*parent.steps, key.text if type(key) is YScalar else "?")
                    else:
                        steps = (*parent.steps, "?")
                if anchor is not None:
                    anchors[anchor] = (None, 0, 0)
                frame = _Frame(
                    cls is mapping_start, anchor, tag, sl + 1, sc + 1, bool(event.flow_style), steps
                )
                stack.append(frame)
                children = frame.children
            elif cls is mapping_end or cls is sequence_end:
                frame = stack.pop()
                if frame.flow:
                    mark = event.end_mark
                    end_line = mark.line + 1
                    end_column = mark.column + 1 + (bom and mark.line == 0)
                span = Span(frame.line, frame.column, end_line, end_column)
                if frame.is_map:
                    node = YMap(self.mapping_items(frame), frame.tag, span, file_path)
                else:
                    node = YSeq(tuple(frame.children), frame.tag, span, file_path)
                size = 1 + len(frame.children) + frame.extra
                height = frame.height
                if frame.anchor is not None:
                    anchors[frame.anchor] = (node, size, height)
                written += 1
                if stack:
                    parent = stack[-1]
                    children = parent.children
                    parent.extra += size - 1
                    if height >= parent.height:
                        parent.height = height + 1
                else:
                    children = doc_nodes
                children.append(node)
            elif cls is alias_event:
                name = event.anchor
                mark = event.start_mark
                sl = mark.line
                sc = mark.column
                mark = event.end_mark
                el = mark.line
                ec = mark.column
                if bom:
                    sc += sl == 0
                    ec += el == 0
                alias_span = Span(sl + 1, sc + 1, el + 1, ec + 1)
                anchored = anchors.get(name)
                if anchored is None:
                    raise self.fatal(
                        "syntax",
                        f"the alias *{name} refers to no anchor: "
                        f"&{name} is not defined before it in this document",
                        alias_span,
                    )
                target, target_size, target_height = anchored
                if target is None:
                    raise self.fatal(
                        "syntax",
                        f"the alias *{name} is used inside the value "
                        f"anchored as &{name}, which would make it infinite",
                        alias_span,
                    )
                alias_total += target_size
                if alias_total > self.max_nodes and alias_total > written * _ALIAS_RATIO:
                    budget = max(self.max_nodes, written * _ALIAS_RATIO)
                    raise self.fatal(
                        "too-many-aliases",
                        f"with *{name} the aliases expand to "
                        f"more than {budget} nodes (an 'alias bomb'); the file "
                        "was not read",
                        alias_span,
                    )
                if len(stack) + target_height > max_depth:
                    raise self.fatal(
                        "too-deep",
                        f"the alias *{name} makes the file nest "
                        f"deeper than {max_depth} levels; it was not read",
                        alias_span,
                    )
                end_line = el + 1
                end_column = ec + 1
                if stack:
                    parent = stack[-1]
                    parent.extra += target_size - 1
                    if target_height >= parent.height:
                        parent.height = target_height + 1
                children.append(target)
            elif cls is document_start:
                anchors = {}
                doc_nodes = children = []
                doc_span = None
                if event.explicit:  # the "---" line
                    mark = event.start_mark
                    sl = mark.line
                    sc = mark.column
                    mark = event.end_mark
                    el = mark.line
                    ec = mark.column
                    if bom:
                        sc += sl == 0
                        ec += el == 0
                    doc_span = Span(sl + 1, sc + 1, el + 1, ec + 1)
            elif cls is document_end:
                documents += 1
                doc_root = doc_nodes[-1] if doc_nodes else None
                if documents == 1:
                    first_root = doc_root
                elif not multiple_reported and doc_root is not None:
                    multiple_reported = True
                    if type(doc_root) is YScalar and doc_root.value is None:
                        message = (
                            "an empty YAML document follows the first one (a stray '---'); "
                            "Compose refuses the file: 'top-level object must be a mapping'"
                        )
                    else:
                        message = (
                            "this file holds more than one YAML document; Compose merges each "
                            "later document over the first, but mllint checks only the first"
                        )
                    self.problems.append(
                        YamlProblem(
                            "multiple-documents", message, doc_span or doc_root.span, file_path
                        )
                    )
            elif cls is stream_end:
                return first_root

    def tagged_scalar(self, event: Any, sl: int, sc: int, el: int, ec: int) -> YScalar:
        """A scalar with an anchor or a tag (0-based positions of the event, BOM-adjusted)."""
        value_text: str = event.value
        style: str = event.style or ""
        tag: str | None = event.tag
        if tag is not None:
            tag = _short_tag(tag)
        fits = True
        value: str | int | float | bool | None
        if tag is None or tag == "!":
            value = value_text if style else (_resolve_plain(value_text) if value_text else None)
        else:
            value, fits = _resolve_tagged(tag, value_text)
        sl, sc = self.after_properties(event.start_mark, event.end_mark)
        if style in ("|", ">"):
            el, ec = self.trim_end(event)
        span = Span(sl + 1, sc + 1, el + 1, ec + 1)
        if not fits:
            self.problems.append(
                YamlProblem(
                    "bad-tag",
                    f"the value {value_text!r} is tagged {tag} but is not "
                    f"{_TYPED_TAGS[str(tag)]}; Compose rejects the file",
                    span,
                    self.path,
                )
            )
        return YScalar(value, value_text, style, tag, span, self.path)

    def mapping_items(self, frame: _Frame) -> tuple[tuple[YScalar, YNode], ...]:
        """The entries of a finished mapping: duplicates dropped, ``<<`` merges applied."""
        children = frame.children
        keys = children[0::2]
        values = children[1::2]
        if all(type(k) is YScalar for k in keys):
            names = {k.text for k in keys}  # type: ignore[union-attr]
            if len(names) == len(keys) and "<<" not in names:  # the common case
                return tuple(zip(keys, values, strict=True))  # type: ignore[arg-type]
        items: list[tuple[YScalar, YNode]] = []
        seen: dict[str, YScalar] = {}
        merge: tuple[int, YScalar, YNode] | None = None
        for i in range(0, len(children), 2):
            key, value = children[i], children[i + 1]
            if not isinstance(key, YScalar):
                self.problems.append(
                    YamlProblem(
                        "bad-key",
                        f"{_kind_name(key)} is used as a key {_where(frame.steps)}; "
                        "Compose keys must be strings",
                        key.span,
                        self.path,
                    )
                )
                continue
            name = key.text
            first = seen.get(name)
            if first is not None:
                self.problems.append(self.duplicate(frame, first, key))
                continue
            seen[name] = key
            if name == "<<" and (
                key.tag == "!!merge" or (not key.style and key.tag in (None, "!"))
            ):
                merge = (len(items), key, value)
            else:
                items.append((key, value))
        if merge is None:
            return tuple(items)
        at, merge_key, source = merge
        sources: list[YMap] = []
        if isinstance(source, YMap):
            sources.append(source)
        elif isinstance(source, YSeq):
            for n, element in enumerate(source.items, 1):
                if isinstance(element, YMap):
                    sources.append(element)
                else:
                    self.problems.append(
                        YamlProblem(
                            "bad-merge",
                            f"the merge key '<<' {_where(frame.steps)} lists "
                            f"{_kind_name(element)} as item {n}; only mappings can be merged",
                            merge_key.span,
                            self.path,
                        )
                    )
        else:
            self.problems.append(
                YamlProblem(
                    "bad-merge",
                    f"the merge key '<<' {_where(frame.steps)} needs a mapping or a "
                    f"list of mappings, not {_kind_name(source)}",
                    merge_key.span,
                    self.path,
                )
            )
        taken = set(seen)
        merged: list[tuple[YScalar, YNode]] = []
        for mapping in sources:
            for key, value in mapping.items:
                if key.text not in taken:
                    taken.add(key.text)
                    merged.append((key, value))
        items[at:at] = merged
        return tuple(items)

    def duplicate(self, frame: _Frame, first: YScalar, key: YScalar) -> YamlProblem:
        where = f"line {first.span.line}"
        if first.span.line == key.span.line:
            where += f", column {first.span.column}"
        if key.text == "<<":
            message = (
                f"more than one merge key '<<' {_where(frame.steps)} (the first on "
                f"{where}); Compose rejects this: merge several mappings with one key, "
                "'<<: [*a, *b]'"
            )
        else:
            message = (
                f"duplicate key {key.text!r} {_where(frame.steps)} (first defined on "
                f"{where}); Compose rejects the file"
            )
        return YamlProblem("duplicate-key", message, key.span, self.path)

    # ---- errors --------------------------------------------------------------------

    def error_problem(self, exc: Exception) -> YamlProblem:
        """A PyYAML error (or an unencodable character) as a readable "syntax" problem."""
        import yaml

        bad = (
            _first_unprintable(self.text)
            if isinstance(exc, (UnicodeError, yaml.reader.ReaderError))
            else None
        )
        if bad is not None:
            line, column = self.position(bad)
            char = self.text[bad]
            return YamlProblem(
                "syntax",
                f"the character U+{ord(char):04X} is not allowed in "
                "YAML (control characters and lone surrogates cannot appear "
                "even in quotes)",
                self.point(line, column),
                self.path,
            )
        if not isinstance(exc, yaml.MarkedYAMLError):
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return YamlProblem("syntax", f"not valid YAML: {message}", Span(1, 1, 1, 1), self.path)
        kind, message, mark = self.describe(exc)
        return YamlProblem(kind, message, self.mark_point(mark), self.path)

    def describe(self, exc: Any) -> tuple[str, str, Any]:
        """(kind, message, mark to point at) for a MarkedYAMLError."""
        problem: str = exc.problem or ""
        context: str = exc.context or ""
        mark = exc.problem_mark
        cmark = exc.context_mark
        here = self.char_at(mark)
        since = (
            f" (the {_strip_while(context)} that starts on line {cmark.line + 1})"
            if (cmark is not None and context)
            else ""
        )
        if "maximum nesting depth" in problem:
            depth = min(self.max_depth, 1000)  # libyaml's own limit is 1000
            return "too-deep", f"the file nests deeper than {depth} levels; it was not read", mark
        if here == "\t" or "tab character" in problem:
            if self.indentation_only(mark):
                return (
                    "syntax",
                    "a tab character is used for indentation; YAML allows only spaces there",
                    mark,
                )
            return "syntax", "a tab character cannot appear here; use spaces", mark
        if "quoted scalar" in context and "end of stream" in problem and cmark is not None:
            quote = self.char_at(cmark) or "quote"
            return (
                "syntax",
                f"the string opened with {quote} on line {cmark.line + 1} is never closed",
                cmark,
            )
        if "mapping values are not allowed" in problem:
            return (
                "syntax",
                "unexpected ':' — a value containing ': ' must be quoted, or the "
                "indentation is wrong",
                mark,
            )
        if "could not find expected ':'" in problem:
            line = cmark.line + 1 if cmark is not None else mark.line + 1
            return (
                "syntax",
                f"the key on line {line} is not followed by ':' (check the "
                "indentation, or quote a value that spans lines)",
                mark,
            )
        if "block mapping" in context and ("expected key" in problem or "<block end>" in problem):
            return (
                "syntax",
                "bad indentation: this line does not line up with the mapping "
                f"that starts on line {cmark.line + 1 if cmark else '?'}",
                mark,
            )
        if "block collection" in context or "expected '-' indicator" in problem:
            return (
                "syntax",
                "bad indentation: this line does not line up with the list "
                f"that starts on line {cmark.line + 1 if cmark else '?'}",
                mark,
            )
        if "flow" in context and any(
            s in problem for s in ("end of stream", "expected ','", "<stream end>")
        ):
            opening = self.char_at(cmark) if cmark is not None else ""
            at_end = mark is not None and self.offset(
                mark.line, mark.column + (self.bom and mark.line == 0)
            ) >= len(self.text.rstrip())
            if opening in ("[", "{") and at_end:
                return (
                    "syntax",
                    f"the {opening!r} on line {cmark.line + 1} is never closed",
                    cmark,
                )
            return ("syntax", f"an unclosed bracket or brace{since}", mark)
        if "<document start>" in problem:
            return (
                "syntax",
                "unexpected text after the end of the document (a stray bracket, "
                "or a line indented less than the first one)",
                mark,
            )
        if "cannot start any token" in problem:
            shown = repr(here) if here else "this character"
            return ("syntax", f"a value cannot start with {shown}; quote the value", mark)
        if "alias" in context or "anchor" in context:
            return "syntax", f"a bad anchor or alias name: {problem}", mark
        return "syntax", f"not valid YAML: {problem or context}{since}", mark

    def indentation_only(self, mark: Any) -> bool:
        """Whether only blanks precede ``mark`` on its line."""
        i = self.offset(mark.line, mark.column + (self.bom and mark.line == 0))
        start = self.line_starts()[min(max(mark.line, 0), len(self.line_starts()) - 1)]
        return self.text[start:i].strip(" \t\ufeff") == ""

    def char_at(self, mark: Any) -> str:
        if mark is None:
            return ""
        column = mark.column + 1 if self.bom and mark.line == 0 else mark.column
        i = self.offset(mark.line, column)
        return self.text[i] if i < len(self.text) else ""


def _strip_while(context: str) -> str:
    words = context.split()
    if words[:2] in (["while", "scanning"], ["while", "parsing"]):
        words = words[2:]
    if words[:1] in (["a"], ["an"]):
        words = words[1:]
    return " ".join(words) or "value"


def _first_unprintable(text: str) -> int | None:
    """Index of the first character YAML forbids (PyYAML's Reader.NON_PRINTABLE), or None."""
    import yaml

    match = yaml.reader.Reader.NON_PRINTABLE.search(text)
    return match.start() if match else None
