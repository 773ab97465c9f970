"""Compose's short syntaxes, read into the long forms the rules work with.

Ports ``[HOST_IP:][HOST[-range]:]CONTAINER[-range][/proto]`` (IPv6 host IPs in brackets),
volumes ``SRC:DST[:ro|rw|z|Z|...]``, sizes (``16gb``, ``512m``) and durations (``1m30s``).
"""

from __future__ import annotations

import re

from mllint.model.compose import Port, Volume, is_unknown, text
from mllint.model.yaml import YMap, YNode, YScalar

_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_size(value: object) -> int | None:
    """Bytes from ``16gb``, ``2g``, ``512m``, ``1024`` (Compose uses powers of 1024)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    m = _SIZE.match(value)
    if not m:
        return None
    unit = (m.group(2) or "").lower().replace("i", "").rstrip("b") or ""
    if unit not in _SIZE_UNITS:
        return None
    return int(float(m.group(1)) * _SIZE_UNITS[unit])


def parse_duration(value: object) -> float | None:
    """Seconds from ``1m30s``, ``500ms``, ``30s`` (Go duration syntax, as Compose reads it)."""
    if not isinstance(value, str) or not value.strip():
        return None
    pos = 0
    total = 0.0
    s = value.strip()
    for m in _DURATION.finditer(s):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _DURATION_UNITS[m.group(2)]
        pos = m.end()
    return total if pos == len(s) else None


def port(node: YNode) -> Port | None:
    """One entry of ``ports:``; None for something that is not a port at all."""
    if isinstance(node, YMap):
        target = text(node.get("target"))
        published = text(node.get("published"))
        known = not any(is_unknown(v) for _, v in node.items)
        return Port(
            target or "",
            published,
            text(node.get("host_ip")),
            text(node.get("protocol")) or "tcp",
            node,
            known,
        )
    if not isinstance(node, YScalar):
        return None
    known = not is_unknown(node)
    # An unknown port is read as written: "${PORT}:8000" still publishes on all interfaces.
    spec = text(node) if known else node.text
    if spec is None:
        return None
    spec, _, protocol = spec.partition("/")
    host_ip = None
    if spec.startswith("["):  # [::1]:8080:80
        end = spec.find("]")
        host_ip = spec[1:end]
        spec = spec[end + 2 :] if end >= 0 else ""
    parts = spec.rsplit(":", 2) if host_ip is None else spec.split(":")
    if len(parts) == 3:
        host_ip, published, target = parts
    elif len(parts) == 2:
        published, target = parts
    else:
        published, target = None, parts[0]
    return Port(target, published or None, host_ip or None, protocol or "tcp", node, known)


def volume(node: YNode) -> Volume | None:
    """One entry of a service's ``volumes:``."""
    if isinstance(node, YMap):
        source = text(node.get("source"))
        read_only = text(node.get("read_only")) == "true"
        bind = node.get("bind")
        propagation = text(bind.get("propagation")) if isinstance(bind, YMap) else None
        known = not any(is_unknown(v) for _, v in node.items)
        return Volume(
            text(node.get("type")) or "volume",
            source,
            text(node.get("target")) or "",
            read_only,
            propagation,
            node,
            known,
        )
    if not isinstance(node, YScalar):
        return None
    if is_unknown(node):
        return Volume("volume", None, "", False, None, node, False)
    spec = text(node)
    if spec is None:
        return None
    parts = _split_volume(spec)
    if len(parts) == 1:
        return Volume("volume", None, parts[0], False, None, node, True)  # anonymous volume
    source, target = parts[0], parts[1]
    options = parts[2].split(",") if len(parts) > 2 else []
    kind = "bind" if _is_path(source) else "volume"
    propagation = next(
        (
            o
            for o in options
            if o in ("shared", "rshared", "slave", "rslave", "private", "rprivate")
        ),
        None,
    )
    return Volume(kind, source, target, "ro" in options, propagation, node, True)


def _is_path(source: str) -> bool:
    """compose-go's test: a source is a host path when it starts with ``.``, ``/``, ``~`` or
    ``\\``, or with a Windows drive (``C:``); anything else names a volume (``a/b`` too)."""
    if source.startswith((".", "/", "~", "\\")):
        return True
    return len(source) >= 2 and source[1] == ":" and source[0].isalpha()


def _split_volume(spec: str) -> list[str]:
    """Split on ``:`` but keep a Windows drive (``C:\\data:/data``, ``C:\\data``) in one piece."""
    parts = spec.split(":")
    if len(parts) < 2 or len(parts[0]) != 1 or not parts[0].isalpha():
        return parts
    # ``a:/data`` is the volume ``a``; ``C:/data:/data`` and ``C:\\data`` start with a drive.
    if parts[1].startswith("\\") or (
        parts[1].startswith("/") and len(parts) >= 3 and parts[2].startswith(("/", "\\"))
    ):
        parts = [parts[0] + ":" + parts[1], *parts[2:]]
    return parts
