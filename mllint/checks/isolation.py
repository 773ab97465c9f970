"""ML2xx: containers that keep to themselves (users, privileges, host access)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mllint.checks.compose_walk import volumes
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, truthy
from mllint.model.dockerfile import Dockerfile, ImageRef, Instruction

#: Base images whose default user is not root: a final stage without USER is fine on them.
_NON_ROOT_BASES = (
    re.compile(r"^(quay\.io/)?jupyter/"),  # jovyan
    re.compile(r"^gcr\.io/distroless/.*:(.*-)?nonroot$"),
    re.compile(r"^cgr\.dev/chainguard/"),
    re.compile(r"^nginxinc/nginx-unprivileged"),
    re.compile(r"^bitnami/"),
    re.compile(r"^(ghcr\.io/mamba-org/|mambaorg/)micromamba"),  # mambauser
    re.compile(r"^rayproject/"),  # ray (uid 1000)
)
_HUB_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/")


_FIX = "RUN useradd --create-home --uid 10001 app\nUSER 10001"


def _is_root(user: str) -> bool:
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0")


def _non_root_base(image: ImageRef) -> bool:
    if image.resolved is None:
        return False
    name = image.resolved
    for prefix in _HUB_PREFIXES:
        name = name.removeprefix(prefix)
    return any(p.search(name) for p in _NON_ROOT_BASES)


@rule("ML201")
def runs_as_root(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    final = df.final_stage
    if final is None:
        return
    last_user: Instruction | None = None
    for stage in df.stage_chain(final):  # nearest first: the final stage, then its parents
        users = [i for i in stage.instructions if i.keyword == "USER" and i.words]
        if users:
            last_user = users[-1]
            break
    if last_user is not None:
        value = last_user.value
        if value is None or not _is_root(value):
            return  # a named user, or USER ${APP_USER} known only at build time
        shown = last_user.arguments.text
        via = f" ('{shown}')" if shown != value else ""
        if last_user.stage == final.number:
            yield ctx.finding(
                last_user.arguments.span,
                f"the image runs as '{value}'{via}: a process that escapes the model server or "
                "notebook owns the container; switch to an unprivileged user at the end",
                fix=_FIX,
            )
            return
        parent = df.stages[last_user.stage]
        yield ctx.finding(
            final.from_.keyword_span,
            f"the final stage inherits USER {value} from stage "
            f"'{parent.name.text if parent.name else parent.number}' (line "
            f"{last_user.span.line}) and never switches away; add a non-root USER",
            fix=_FIX,
            related=(Related(ctx.path, last_user.arguments.span, f"USER {value} set here"),),
        )
        return
    root_stage = df.stage_chain(final)[-1]
    if root_stage.image.is_scratch or root_stage.image.is_unresolved:
        return  # scratch has no users; an unknown base may set its own
    if _non_root_base(root_stage.image):
        return
    yield ctx.finding(
        final.from_.keyword_span,
        f"the final stage sets no USER: the container runs as the default user of "
        f"'{root_stage.image.resolved}', root for most images; add a non-root USER after the "
        "installs",
        fix=_FIX,
    )


@rule("ML202")
def privileged_container(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        node = service.get("privileged")
        if node is not None and truthy(node):
            yield ctx.finding(
                node.span,
                f"services.{service.name} runs privileged: every host device and kernel "
                "capability is open to it; for GPUs reserve them with "
                "deploy.resources.reservations.devices (or gpus:), for one capability use cap_add",
                fix="deploy:\n  resources:\n    reservations:\n      devices:\n"
                "        - driver: nvidia\n          count: all\n          capabilities: [gpu]",
                path=node.path,
            )


#: Sockets of container engines: a container that can reach one controls the host.
ENGINE_SOCKETS = frozenset(
    {
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/var/run/podman/podman.sock",
        "/run/podman/podman.sock",
        "/run/containerd/containerd.sock",
        "/var/run/containerd/containerd.sock",
        "/run/user/1000/docker.sock",
    }
)


@rule("ML203")
def engine_socket_mounted(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for v in volumes(service):
            source = "/" + v.source.strip("/") if v.source else None  # //var/run/… on Windows
            if source is not None and source in ENGINE_SOCKETS:
                yield ctx.finding(
                    v.node.span,
                    f"services.{service.name} mounts the container engine socket {v.source}: "
                    "the service can start privileged containers and so controls the host "
                    "(read-only does not help); remove it or put a filtering proxy in front",
                    path=v.node.path,
                )
        api = service.get("use_api_socket")
        if api is not None and truthy(api):
            yield ctx.finding(
                api.span,
                f"services.{service.name} sets use_api_socket: it gets the engine socket and "
                "your registry credentials; remove it unless the service builds images",
                path=api.path,
            )
