"""ML014-ML016: compose files that Compose warns about or that clash when their services run
together (an obsolete ``version``, a container name or a host port used twice)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from mllint.checks.compose_walk import once, ports
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related, Severity
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, Service, is_unknown, text
from mllint.model.yaml import YMap, YNode
from mllint.patterns import lazy_pattern


@rule("ML014")
def obsolete_version_field(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    if project.root is None:
        return
    key = project.root.key_node("version")
    if key is None:
        return
    value = project.root.get("version")
    shown = f" '{text(value)}'" if text(value) else ""
    yield ctx.finding(
        key.span,
        f"the top-level version{shown} is obsolete: Compose v2 ignores it and warns on every "
        "command ('the attribute `version` is obsolete'); it selects no file format or "
        "feature set (GPU reservations, runtime, profiles work without it), so remove it",
        fix="delete the `version:` line",
        path=key.path,
    )


def _together(a: Service, b: Service) -> bool:
    """Whether two services can be active at once: a service without profiles is always
    active; two with disjoint profiles are alternatives."""
    return not a.profiles or not b.profiles or bool(set(a.profiles) & set(b.profiles))


def _needs_profile(a: Service, b: Service) -> Severity | None:
    """Error when both always run; warning when the clash needs a profile turned on."""
    return Severity.WARNING if a.profiles or b.profiles else None


def _when(a: Service, b: Service) -> str:
    if not a.profiles or not b.profiles:
        profiles = sorted(set(a.profiles) | set(b.profiles))
    else:
        profiles = sorted(set(a.profiles) & set(b.profiles))
    if not profiles:
        return ""
    if len(profiles) == 1:
        either = f"profile {profiles[0]}"
    else:
        either = "any of profiles " + ", ".join(profiles)
    return f" (when {either} is active)"


@rule("ML015")
def duplicate_container_name(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    seen: list[tuple[str, Service, YNode]] = []
    reported: set[tuple[str, int, int]] = set()
    for service in project.services:
        node = service.get("container_name")
        name = text(node)
        if node is None or name is None or is_unknown(node):
            continue
        first = next((x for x in seen if x[0] == name and _together(x[1], service)), None)
        seen.append((name, service, node))
        if first is None or not once(reported, node):
            continue
        _, other, other_node = first
        yield ctx.finding(
            node.span,
            f"services.{service.name}.container_name '{name}' is also the container name of "
            f"services.{other.name} (line {other_node.span.line}){_when(other, service)}: "
            "Docker names are unique, so Compose refuses the project ('container name is "
            "already in use'); remove container_name (Compose names containers "
            "<project>-<service>-1) or make it unique",
            fix=f"container_name: {name}-{service.name}  # or remove it",
            path=node.path,
            related=(Related(other_node.path, other_node.span, "first use of the name"),),
            severity=_needs_profile(other, service),
        )


_RANGE = lazy_pattern(r"^(\d+)(?:-(\d+))?$")
_ANY_HOST = frozenset({None, "", "0.0.0.0"})  # noqa: S104 - a value compared, not bound to


class Published(NamedTuple):
    host_ip: str
    protocol: str
    low: int
    high: int
    node: YNode


def _published(service: Service) -> list[Published]:
    mode = text(service.get("network_mode")) or ""
    if mode.startswith(("host", "service:", "container:", "none")):
        return []  # ports are not published in these network modes
    out = []
    for p in ports(service):
        if not p.known or p.published is None:
            continue
        m = _RANGE.match(p.published.strip())
        if m is None:
            continue
        low = int(m.group(1))
        high = int(m.group(2)) if m.group(2) else low
        host_ip = "0.0.0.0" if p.host_ip in _ANY_HOST else str(p.host_ip)  # noqa: S104
        node = p.node.get("published") if isinstance(p.node, YMap) else None
        out.append(Published(host_ip, p.protocol.lower(), low, high, node or p.node))
    return out


def _shown(p: Published) -> str:
    port = str(p.low) if p.low == p.high else f"{p.low}-{p.high}"
    return f"{p.host_ip}:{port}/{p.protocol}"


@rule("ML016")
def duplicate_published_port(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    earlier: list[tuple[Service, Published]] = []
    reported: set[tuple[str, int, int]] = set()
    for service in project.services:
        mine = _published(service)
        for p in mine:
            clash = next(
                (
                    (s, q)
                    for s, q in earlier
                    if q.host_ip == p.host_ip
                    and q.protocol == p.protocol
                    and q.low <= p.high
                    and p.low <= q.high
                    and _together(s, service)
                ),
                None,
            )
            if clash is None or not once(reported, p.node):
                continue
            other, q = clash
            yield ctx.finding(
                p.node.span,
                f"services.{service.name} publishes host port {_shown(p)}, which "
                f"services.{other.name} publishes too ({_shown(q)}, line {q.node.span.line})"
                f"{_when(other, service)}: the second container fails to start ('port is "
                "already allocated'); give one of them another host port",
                fix='ports:\n  - "127.0.0.1:<free port>:<container port>"',
                path=p.node.path,
                related=(Related(q.node.path, q.node.span, f"published by {other.name}"),),
                severity=_needs_profile(other, service),
            )
        earlier.extend((service, p) for p in mine)
