"""ML408: compose settings that cost a team security or operations trouble (host ports)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mllint.checks.compose_walk import ports, repository
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, Service, is_unknown, text
from mllint.model.context import Project
from mllint.model.span import Span
from mllint.patterns import lazy_pattern

#: Reverse proxies: publishing 80 and 443 is what they are for.
_PROXY = lazy_pattern(r"(^|[-_.])(nginx|traefik|caddy|haproxy|envoy|openresty)([-_.]|$)")
_WEB_PORTS = frozenset({80, 443})
#: What commonly listens on a privileged port of a Linux host already.
_HOST_SERVICES = {
    22: "sshd",
    25: "a mail server",
    53: "the DNS resolver",
    80: "a web server",
    443: "a web server",
}


def reverse_proxy(service: Service) -> bool | None:
    """Whether the service is a reverse proxy: by image, else by its name for a local build;
    None when the image is a variable we do not know."""
    node = service.get("image")
    if is_unknown(node):
        return None
    image = text(node)
    names = repository(image).split("/") if image else []
    if not image:
        names = [service.name.lower()]
    return any(_PROXY.search(n) or n.endswith("proxy") for n in names)


def _low_port(published: str) -> int | None:
    first = published.split("-", 1)[0].strip()
    return int(first) if first.isdigit() else None


@rule("ML408")
def privileged_host_port(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        proxy: bool | None = False
        checked_proxy = False
        for p in ports(service):
            if p.published is None or "$" in p.published:
                continue  # a random host port, or one chosen at deploy time
            low = _low_port(p.published)
            if low is None or not 0 < low < 1024:
                continue
            if low in _WEB_PORTS and "-" not in p.published:
                if not checked_proxy:
                    proxy, checked_proxy = reverse_proxy(service), True
                if proxy is not False:
                    continue  # a reverse proxy (or an image we cannot see) on 80/443
            host = f"{p.host_ip}:" if p.host_ip and "$" not in p.host_ip else ""
            suggested = 8000 + low if low not in _WEB_PORTS else (8080 if low == 80 else 8443)
            clash = _HOST_SERVICES.get(low)
            on_host = f", and it is where {clash} listens on many hosts" if clash else ""
            yield ctx.finding(
                p.node.span,
                f"services.{service.name} publishes the privileged host port {p.published} "
                "(below 1024): rootless Docker and Podman cannot bind it unless the host "
                "lowers net.ipv4.ip_unprivileged_port_start, so `compose up` fails on "
                f"workstations and shared GPU boxes that run rootless{on_host}; publish an "
                f'unprivileged port such as "{host}{suggested}:{p.target}" and leave the low '
                "ports to a reverse proxy",
                fix=f'"{host}{suggested}:{p.target}"',
                path=p.node.path,
            )


#: Values that stand for a secret rather than being one.
_PLACEHOLDER = lazy_pattern(
    r"your|change.?me|replace|example|dummy|placeholder|xxx|<|\.\.\.|^\*+$|^(none|null|todo)$",
    re.IGNORECASE,
)


def _secret_lines(lines: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    """(line, key, value) of the dotenv lines that set a credential to a real-looking value."""
    from mllint.checks.security import secret_name, token_kind

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip().strip("'\"")
        if not value or value.startswith("$") or _PLACEHOLDER.search(value):
            continue
        if token_kind(value) or (secret_name(key) and len(value) >= 8):
            yield number, key, value


@rule("ML409")
def env_file_not_gitignored(project: Project, ctx: RuleContext[None]) -> Iterator[Hit]:
    """A dotenv file the project reads holds credentials and Git would commit it."""
    for path, ignored in sorted(project.git_ignored.items()):
        if ignored:
            continue
        found = list(_secret_lines(project.compose.sources.get(path, ())))
        if not found:
            continue
        number, key, _ = found[0]
        keys = ", ".join(dict.fromkeys(k for _, k, _ in found))
        name = path.rsplit("/", 1)[-1]
        yield ctx.finding(
            Span(number, 1, number, len(key) + 1),
            f"{name} sets {keys} and the repository's .gitignore does not exclude it: one "
            "`git add .` publishes the credentials with the code; add it to .gitignore (and "
            "keep a .env.example with empty values)",
            fix=f"echo '{name}' >> .gitignore",
            path=path,
        )
