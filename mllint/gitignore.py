"""Git's ignore rules, so an audit skips what the repository itself does not track.

Semantics of ``gitignore(5)``: blank lines and ``#`` comments are skipped (``\\#`` is a literal
hash), trailing spaces are dropped unless escaped, ``!`` re-includes, a trailing ``/`` matches
only directories, a pattern with a ``/`` at its start or in its middle is relative to the
folder of its ``.gitignore`` while one without matches a name at any depth, ``*`` and ``?`` and
``[...]`` stay within a path segment, and ``**`` spans segments (``**/x``, ``x/**``, ``a/**/b``).
The last matching pattern wins, and a deeper ``.gitignore`` comes after the ones above it. A
file inside an ignored folder stays ignored whatever a later pattern says, because the walk
never enters that folder (as git).
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

MAX_BYTES = 1024 * 1024


class Pattern(NamedTuple):
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool


def _segment(text: str) -> str:
    """A glob without ``**`` as a regex within one path segment."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = text.find("]", i + 2 if text[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = text[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def compile_pattern(line: str) -> Pattern | None:
    """One line of a .gitignore; None for blanks and comments."""
    text = line.rstrip("\n").rstrip("\r")
    stripped = text.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(text):
        stripped += " "  # an escaped trailing space stays
    text = stripped
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated or text.startswith(("\\!", "\\#")):
        text = text[1:]
    directory_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    parts = text.split("/")
    regex = []
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        if part == "**":
            regex.append(".*" if last else "(?:.*/)?")
        else:
            regex.append(_segment(part) + ("" if last else "/"))
    body = "".join(regex)
    prefix = "" if anchored else "(?:.*/)?"
    return Pattern(re.compile(f"{prefix}{body}", re.DOTALL), negated, directory_only)


def read_patterns(path: str) -> list[Pattern]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES)
    except OSError:
        return []
    out = []
    for line in data.decode("utf-8", "replace").splitlines():
        pattern = compile_pattern(line)
        if pattern is not None:
            out.append(pattern)
    return out


class IgnoreStack:
    """The .gitignore files in effect while walking down a tree: (folder, its patterns)."""

    def __init__(self) -> None:
        self.levels: list[tuple[str, list[Pattern]]] = []

    def enter(self, folder: str) -> None:
        """Called for each folder the walk enters, parents before children."""
        while self.levels and not _below(folder, self.levels[-1][0]):
            self.levels.pop()
        patterns = read_patterns(os.path.join(folder, ".gitignore"))
        if patterns:
            self.levels.append((folder, patterns))

    def ignored(self, path: str, is_dir: bool) -> bool:
        verdict = False
        for folder, patterns in self.levels:
            if not _below(path, folder) or path == folder:
                continue
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            for pattern in patterns:
                if pattern.directory_only and not is_dir:
                    continue
                if pattern.regex.fullmatch(relative):
                    verdict = not pattern.negated
        return verdict


def _below(path: str, folder: str) -> bool:
    if folder == os.curdir:  # the walk of "." yields relative paths without "./"
        return not os.path.isabs(path) and not path.startswith(os.pardir)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def git_ignores(path: str) -> bool | None:
    """Whether the repository ``path`` is in ignores it (its ``.gitignore`` files from the
    root down, and ``.git/info/exclude``); None outside a repository. A user's global
    excludes file is not read: what matters is what a teammate's ``git add .`` would do."""
    absolute = os.path.abspath(path)
    folder = os.path.dirname(absolute)
    root = folder
    while not os.path.exists(os.path.join(root, ".git")):
        parent = os.path.dirname(root)
        if parent == root:
            return None
        root = parent
    stack = IgnoreStack()
    exclude = read_patterns(os.path.join(root, ".git", "info", "exclude"))
    chain = [folder]
    while chain[-1] != root:
        chain.append(os.path.dirname(chain[-1]))
    for step in reversed(chain):
        stack.enter(step)
        if step == root and exclude:
            stack.levels.insert(0, (root, exclude))
        relative = os.path.relpath(step, root)
        if relative != "." and stack.ignored(step, True):
            return True  # a folder above it is ignored: git never sees the file
    return stack.ignored(absolute, False)
