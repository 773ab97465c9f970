"""Source positions shared by every model node.

Lines and columns are 1-based; ``end_column`` is exclusive (the column after the last
character), the convention SARIF uses, so a span converts to any output without arithmetic.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple


class Span(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)

    def cover(self, other: Span) -> Span:
        """The smallest span holding both spans."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(start[0], start[1], end[0], end[1])


class Located(NamedTuple):
    """A piece of source text with its position: a keyword, a flag, an image name, a value."""

    text: str
    span: Span


class SourceMap:
    """Maps offsets in a logical string (joined from several physical lines) back to positions.

    A Dockerfile instruction spread over continuation lines is analysed as one string; every
    finding must still point at the physical line and column. The map stores one segment per
    physical piece, so lookups are ``O(log pieces)`` and memory stays linear in lines, not chars.
    """

    __slots__ = ("_ends", "_offsets", "_positions")

    def __init__(self) -> None:
        self._offsets: list[int] = []  # logical offset where each segment starts
        self._positions: list[tuple[int, int]] = []  # (line, column) of that start
        self._ends: list[int] = []  # logical offset one past each segment

    def add(self, offset: int, line: int, column: int, length: int) -> None:
        self._offsets.append(offset)
        self._positions.append((line, column))
        self._ends.append(offset + length)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of the character at ``offset`` in the logical string."""
        offsets = self._offsets
        if len(offsets) == 1:  # most instructions are one physical line
            line, column = self._positions[0]
            return line, column + (offset - offsets[0])
        if not offsets:
            return (1, 1)
        i = bisect_right(offsets, offset) - 1
        i = max(i, 0)
        line, column = self._positions[i]
        return line, column + (offset - offsets[i])

    def end_position(self, end: int) -> tuple[int, int]:
        """(line, exclusive column) for a range ending just before logical offset ``end``."""
        if end <= 0:
            return self.position(0)
        line, column = self.position(end - 1)
        return line, column + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        if end <= start:
            return Span(line, column, line, column)
        end_line, end_column = self.position(end - 1)
        return Span(line, column, end_line, end_column + 1)

    def shifted(self, delta: int) -> SourceMap:
        """The map of a substring that starts at logical offset ``delta``."""
        out = SourceMap()
        for off, (line, col), end in zip(self._offsets, self._positions, self._ends, strict=True):
            if end <= delta:
                continue
            if off < delta:
                out.add(0, line, col + (delta - off), end - delta)
            else:
                out.add(off - delta, line, col, end - off)
        return out
