"""ML2xx: containers that keep to themselves (users, privileges, host access)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Related
from mllint.engine.registry import rule
from mllint.model.dockerfile import Dockerfile, ImageRef, Instruction

#: Base images whose default user is not root: a final stage without USER is fine on them.
_NON_ROOT_BASES = (
    re.compile(r"^(quay\.io/)?jupyter/"),  # jovyan
    re.compile(r"^gcr\.io/distroless/.*:(.*-)?nonroot$"),
    re.compile(r"^cgr\.dev/chainguard/"),
    re.compile(r"^nginxinc/nginx-unprivileged"),
    re.compile(r"^bitnami/"),
    re.compile(r"^(ghcr\.io/mamba-org/|mambaorg/)micromamba"),  # mambauser
)


_FIX = "RUN useradd --create-home --uid 10001 app\nUSER 10001"


def _is_root(user: str) -> bool:
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0")


def _non_root_base(image: ImageRef) -> bool:
    return image.resolved is not None and any(p.search(image.resolved) for p in _NON_ROOT_BASES)


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
