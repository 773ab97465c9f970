"""ML1xx: builds that give the same image tomorrow as today."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mllint.checks.dockerfile_walk import manager_calls, runs, scope_before
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, is_unknown, text
from mllint.model.dockerfile import Dockerfile
from mllint.model.shell import Command
from mllint.model.span import Located
from mllint.parsers.commands import package_installs
from mllint.parsers.dockerfile import split_reference
from mllint.parsers.variables import substitute


@rule("ML101")
def unpinned_base_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for stage in df.stages:
        ref = stage.image
        if ref.is_unresolved or ref.is_scratch or ref.is_stage or ref.digest:
            continue
        if ref.tag is not None and ref.tag != "latest":
            continue
        via = f" (resolved from '{ref.text.text}')" if ref.text.text != ref.resolved else ""
        problem = "has no tag, so it means ':latest'" if ref.tag is None else "uses ':latest'"
        yield ctx.finding(
            ref.text.span,
            f"base image '{ref.resolved}'{via} {problem}: every build may get a different "
            "image; pin a version tag",
            fix=f"FROM {ref.name}:<version> (or add @sha256:<digest> to freeze it)",
        )


_SPECIFIER = re.compile(r"(===|==|>=|<=|~=|!=|<|>)")
_ARCHIVE = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip", ".tar")
_VCS = ("git+", "hg+", "svn+", "bzr+")
#: Refs that name a branch: a VCS requirement at one of these moves with every push.
_MOVING_REFS = frozenset({"main", "master", "head", "develop", "dev", "trunk", "latest"})


def _vcs_ref(url: str) -> str | None:
    """The ``@ref`` of ``git+https://host/repo.git@ref#egg=x`` (not the ``git@`` of ssh URLs)."""
    rest = url.split("#", 1)[0].split("://", 1)[-1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    return path.rsplit("@", 1)[1] if "@" in path else None


def pip_requirement_problem(value: str) -> str | None:
    """What is unpinned about one pip argument, or None when it is pinned or not ours to judge
    (a local path, a wheel, a URL to an archive)."""
    value = value.strip()
    if not value:
        return None
    url = value.split(" @ ", 1)[1].strip() if " @ " in value else value
    if url.lower().startswith(_VCS):
        ref = _vcs_ref(url)
        if ref is None:
            return (
                "is a VCS requirement without a ref: it installs whatever the default branch holds"
            )
        if ref.lower() in _MOVING_REFS:
            return f"follows the branch '{ref}', which moves with every push"
        return None
    if "@" in value or "://" in value or value.startswith((".", "/", "~")):
        return None  # direct reference, URL or local path: not a version question
    if "/" in value or value.lower().endswith(_ARCHIVE):
        return None
    if _SPECIFIER.search(value.split(";", 1)[0]):
        return None
    return "has no version"


def _split_by_redirect(command: Command) -> set[tuple[int, int]]:
    """Ends of words cut by an unquoted ``>``/``<`` (``pkg>=1.0`` is ``pkg`` and a redirect)."""
    cut = set()
    reds = command.redirects
    for i, red in enumerate(reds[:-1]):
        if red.text in (">", "<", ">>") and reds[i + 1].value.startswith("="):
            cut.add((red.span.line, red.span.column))
    return cut


@rule("ML102")
def unpinned_pip_package(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        scope = None
        for script in instr.scripts:
            for install in package_installs(script):
                if (
                    install.manager == "uv"
                    and install.command.args()[:1]
                    and (install.command.args()[0].value != "pip")
                ):
                    continue  # uv add / uv sync work from pyproject.toml and uv.lock
                if install.manager not in ("pip", "uv"):
                    continue
                cut = _split_by_redirect(install.command)
                for word in install.packages:
                    value: str | None = word.value
                    if word.dynamic:
                        scope = scope if scope is not None else scope_before(df, instr)
                        value = substitute(word.value, scope, quotes=False)
                        if value is None:
                            continue  # depends on a build argument: unknown, not unpinned
                    assert value is not None
                    problem = pip_requirement_problem(value)
                    if problem is None:
                        continue
                    shown = value if value == word.value else f"{word.value}' ('{value}"
                    fix = f"{value.split(';', 1)[0]}==<version>"
                    if problem != "has no version":  # a VCS requirement
                        message = (
                            f"pip package '{shown}' {problem}; pin a tag or a commit "
                            "(…@v1.2.3 or …@<sha>)"
                        )
                        fix = f"{value.split('#', 1)[0].split('@')[0]}@<tag or commit>"
                    elif (word.span.end_line, word.span.end_column) in cut:
                        message = (
                            f"'{word.value}' is cut by an unquoted '>' or '<', which the "
                            "shell reads as a redirection: pip installs it unpinned and "
                            "writes a file; quote the requirement "
                            f"('{word.value}>=…')"
                        )
                    else:
                        message = (
                            f"pip package '{shown}' {problem}: the next build may install "
                            f"a different release; pin it ({fix}) or install from a "
                            "requirements/constraints file"
                        )
                    yield ctx.finding(word.span, message, fix=fix)


#: Tags that name a branch or a channel, not a release: they move.
MOVING_TAGS = frozenset(
    "latest main master nightly edge dev develop canary unstable rolling stable".split()
)


@rule("ML103")
def compose_image_unpinned(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        node = service.get("image")
        if service.get("build") is not None or is_unknown(node):
            continue
        image = text(node)
        if not image or node is None:
            continue
        ref = split_reference(Located(image, node.span), image)
        if ref.digest:
            continue
        if ref.tag is None:
            problem = "has no tag, so it means ':latest'"
        elif ref.tag.lower() in MOVING_TAGS:
            problem = f"uses the moving tag ':{ref.tag}'"
        else:
            continue
        yield ctx.finding(
            node.span,
            f"services.{service.name}.image '{image}' {problem}: each pull may run a different "
            "image; pin a version tag (and a digest for production)",
            fix=f"image: {ref.name}:<version>",
            path=node.path,
        )


#: Subcommands that upgrade every installed package when given no package names.
_UPGRADE_VERBS = {
    "apt-get": frozenset({"upgrade", "dist-upgrade", "full-upgrade"}),
    "apt": frozenset({"upgrade", "dist-upgrade", "full-upgrade"}),
    "apk": frozenset({"upgrade"}),
    "yum": frozenset({"update", "upgrade", "update-minimal", "upgrade-minimal", "distro-sync"}),
    "dnf": frozenset(
        {
            "update",
            "upgrade",
            "up",
            "update-minimal",
            "upgrade-minimal",
            "up-min",
            "distro-sync",
            "dsync",
            "dist-upgrade",
        }
    ),
    "microdnf": frozenset({"update", "upgrade"}),
    "zypper": frozenset({"update", "up", "dist-upgrade", "dup"}),
}
_UPGRADE_VERBS["dnf5"] = _UPGRADE_VERBS["tdnf"] = _UPGRADE_VERBS["dnf"]
#: Options that make the command a rehearsal: nothing is installed.
_DRY_RUN = frozenset(
    {"--simulate", "--dry-run", "--just-print", "--no-act", "--recon", "--assumeno"}
)
_TARGETED = {
    "apt-get": "apt-get install -y --only-upgrade <package>",
    "apt": "apt-get install -y --only-upgrade <package>",
    "apk": "apk add --no-cache --upgrade <package>",
    "zypper": "zypper --non-interactive update <package>",
}


@rule("ML105")
def package_upgrade_in_build(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for script in instr.scripts:
            for call in manager_calls(script):
                verbs = _UPGRADE_VERBS.get(call.manager, frozenset())
                if call.verb.value not in verbs or call.operands:
                    continue  # another subcommand, or a targeted update of named packages
                if any(o in call.options for o in _DRY_RUN):
                    continue
                what = f"{call.manager} {call.verb.value}"
                targeted = _TARGETED.get(call.manager, f"{call.manager} upgrade -y <package>")
                yield ctx.finding(
                    call.verb.span,
                    f"'{what}' moves every package of the base image to whatever the mirror "
                    "serves on the day of the build: two builds of the same commit get "
                    "different system libraries (glibc, OpenSSL, the CUDA and NCCL packages of "
                    "a GPU base) and the replaced files stay in the base layer as well; pull a "
                    f"newer base image tag instead, or upgrade only what you need ({targeted})",
                    fix=f"FROM <image>:<newer patch tag>  # or: {targeted}",
                )


_REMOTE = re.compile(r"https?://", re.IGNORECASE)


def _remote_source(raw: str, value: str | None) -> bool:
    """Whether an ADD source is an http(s) download that is not a git repository.

    An unknown value counts only when its scheme is written literally (``https://host/${V}``);
    BuildKit treats an http(s) URL whose path ends in ``.git`` as a git repository."""
    text = value if value is not None else raw.split("$", 1)[0]
    if not _REMOTE.match(text):
        return False
    path = (value if value is not None else raw).split("#", 1)[0].split("?", 1)[0]
    return not path.rstrip("/").endswith(".git")


@rule("ML106")
def remote_add_without_checksum(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for top in df.instructions:
        instr = top.trigger if top.trigger is not None else top
        if instr.keyword != "ADD" or instr.flag("checksum") is not None:
            continue
        if instr.flag("keep-git-dir") is not None:
            continue  # a git source
        words = instr.exec_form if instr.exec_form is not None else instr.words
        scope = None
        for src in words[:-1]:
            raw = src.text if instr.exec_form is not None else src.text.strip("'\"")
            if raw.startswith("<<"):
                continue  # a heredoc source: the file is in the Dockerfile
            value: str | None = raw
            if "$" in raw:
                scope = scope if scope is not None else scope_before(df, top)
                value = substitute(raw, scope)
            if not _remote_source(raw, value):
                continue
            url = value or raw
            dest = words[-1].text if words else "<dest>"
            yield ctx.finding(
                src.span,
                f"ADD downloads {url} without --checksum: whatever the server returns on the "
                "day of the build goes into the image unverified, so a re-uploaded checkpoint, "
                "dataset or release file changes the image (and the model's results) without "
                "any change to the Dockerfile; pin its digest with "
                "ADD --checksum=sha256:<hex> (Dockerfile syntax 1.6 or later)",
                fix=f"ADD --checksum=sha256:<sha256 of the file> {url} {dest}",
            )
