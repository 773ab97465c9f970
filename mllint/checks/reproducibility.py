"""ML1xx: builds that give the same image tomorrow as today."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from mllint.checks.dockerfile_walk import manager_calls, runs, scope_before
from mllint.checks.package_managers import FAMILIES, invocation, scan
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, is_unknown, text
from mllint.model.dockerfile import Dockerfile
from mllint.model.shell import Command, Word
from mllint.model.span import Located
from mllint.parsers.commands import package_installs
from mllint.parsers.dockerfile import split_reference
from mllint.parsers.shell import effective_argv
from mllint.parsers.variables import substitute
from mllint.patterns import lazy_pattern


class UnpinnedBaseImageOptions(NamedTuple):
    require_digest: bool = False  # a version tag is not enough: tags are rebuilt in place


@rule("ML101", options=UnpinnedBaseImageOptions)
def unpinned_base_image(
    df: Dockerfile, ctx: RuleContext[UnpinnedBaseImageOptions]
) -> Iterator[Hit]:
    for stage in df.stages:
        ref = stage.image
        if ref.is_unresolved or ref.is_scratch or ref.is_stage or ref.digest:
            continue
        if ref.tag is not None and ref.tag != "latest":
            if ctx.options.require_digest:
                yield ctx.finding(
                    ref.text.span,
                    f"base image '{ref.resolved}' is pinned by tag only, and tags are rebuilt "
                    "in place (CUDA and framework images every few weeks); add its digest "
                    "(require-digest is on)",
                    fix=f"FROM {ref.name}:{ref.tag}@sha256:<digest>  "
                    f"(docker buildx imagetools inspect {ref.name}:{ref.tag})",
                )
            continue
        via = f" (resolved from '{ref.text.text}')" if ref.text.text != ref.resolved else ""
        problem = "has no tag, so it means ':latest'" if ref.tag is None else "uses ':latest'"
        yield ctx.finding(
            ref.text.span,
            f"base image '{ref.resolved}'{via} {problem}: every build may get a different "
            "image; pin a version tag",
            fix=f"FROM {ref.name}:<version> (or add @sha256:<digest> to freeze it)",
        )


_SPECIFIER = lazy_pattern(r"(===|==|>=|<=|~=|!=|<|>)")
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


_REMOTE = lazy_pattern(r"https?://", re.IGNORECASE)


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


# --------------------------------------------------------------------------- ML107

#: Subcommands that install named packages, per family of :mod:`package_managers`.
_INSTALL_VERBS = {
    "apt": frozenset({"install"}),
    "apk": frozenset({"add"}),
    "rpm": frozenset({"install", "in"}),
    "zypper": frozenset({"install", "in"}),
}
_PACKAGE_FILES = (".deb", ".rpm", ".apk")
_RPM_VERSION_PART = lazy_pattern(r"^\d[A-Za-z0-9.~^_:+]*$")
_GEM_VALUES = frozenset(
    "-i --install-dir -n --bindir -s --source --platform -P --trust-policy -g --file"
    " --build-root --document -N".split()
)
_GO_VALUES = frozenset(
    "-o -p -C -tags -ldflags -gcflags -asmflags -mod -modfile -pkgdir -buildmode -compiler"
    " -gccgoflags -installsuffix -overlay -pgo -toolexec -exec -covermode -coverpkg".split()
)
_FIXES = {
    "apt": "{pkg}=<version>",
    "apk": "{pkg}=<version>",
    "rpm": "{pkg}-<version>",
    "zypper": "{pkg}=<version>",
    "npm": "{pkg}@<version>",
    "gem": "{pkg}:<version>",
    "go": "{pkg}@<version>",
}


def _not_a_name(value: str) -> bool:
    """A file, a path or a URL: installed as it is, not a version question."""
    return (
        value.startswith((".", "/", "~"))
        or "://" in value
        or value.lower().endswith(_PACKAGE_FILES)
    )


def _system_unpinned(family: str, value: str) -> bool:
    if family == "apt":
        return "=" not in value and "/" not in value  # pkg/release picks a release: deliberate
    if family == "apk":
        return not any(c in value for c in "=~<>")
    if family == "zypper":
        return not any(c in value for c in "=<>")
    # rpm: name-version (python3-3.11.5), or a comparison; @group and globs are not packages
    if value.startswith("@") or any(c in value for c in "=<>*?["):
        return False
    return not any(_RPM_VERSION_PART.match(p) for p in value.split("-")[1:])


def _option_values(words: tuple[Word, ...], takes_value: frozenset[str]) -> list[Word]:
    """The positionals of ``words``, skipping options and the value of those that take one."""
    out: list[Word] = []
    skip = False
    for w in words:
        if skip:
            skip = False
        elif w.value.startswith("-") and len(w.value) > 1:
            skip = w.value in takes_value
        else:
            out.append(w)
    return out


def _unpinned_packages(command: Command) -> Iterator[tuple[str, str, Word]]:
    """(family, tool, package word) for each package ``command`` installs without a version."""
    argv = effective_argv(command)
    if not argv:
        return
    tool = argv[0].value.rpartition("/")[2]
    if tool in FAMILIES:
        inv = invocation(command)
        if inv is None or inv.family not in _INSTALL_VERBS or not inv.positionals:
            return
        if inv.positionals[0].value not in _INSTALL_VERBS[inv.family]:
            return  # dnf module install, yum groupinstall, apt-get upgrade …
        if inv.family == "zypper" and any(
            o.name in ("-t", "--type") and o.value not in (None, "package") for o in inv.options
        ):
            return  # patterns, patches and products have no versions to pin
        for w in inv.positionals[1:]:
            if not (w.dynamic or _not_a_name(w.value)) and _system_unpinned(inv.family, w.value):
                yield inv.family, tool, w
    elif tool == "npm":
        inv = scan(command, "npm", argv=argv)
        if inv.verb() not in ("install", "i", "add", "isntall", "in"):
            return
        for w in inv.positionals[1:]:
            v = w.value
            name = v[1:] if v.startswith("@") else v
            if w.dynamic or _not_a_name(v) or ":" in v or v.endswith((".tgz", ".tar", ".gz")):
                continue
            if "@" not in name:
                yield "npm", tool, w
    elif tool == "gem":
        args = argv[1:]
        if not args or args[0].value not in ("install", "i"):
            return
        if any(w.value in ("-v", "--version") or w.value.startswith("--version=") for w in args):
            return
        for w in _option_values(args[1:], _GEM_VALUES):
            if not (w.dynamic or _not_a_name(w.value) or ":" in w.value):
                yield "gem", tool, w
    elif tool == "go":
        args = argv[1:]
        if not args or args[0].value not in ("install", "get"):
            return
        for w in _option_values(args[1:], _GO_VALUES):
            v = w.value
            if w.dynamic or _not_a_name(v) or "/" not in v.split("@", 1)[0]:
                continue  # a variable, a path, or a word that is no module path (std, all)
            version = v.rpartition("@")[2] if "@" in v else ""
            if version in ("", "latest", "upgrade", "patch"):
                yield "go", tool, w


@rule("ML107")
def unpinned_system_package(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for script in instr.scripts:
            for command in script.commands:
                for family, tool, word in _unpinned_packages(command):
                    value = word.value
                    fix = _FIXES[family].format(
                        pkg=value.split("@")[0] if family == "go" else value
                    )
                    moving = "'@latest'" if value.endswith("@latest") else "no version"
                    yield ctx.finding(
                        word.span,
                        f"'{value}' is installed by {tool} with {moving}: the build gets "
                        "whatever the repository serves that day, so two builds of one "
                        f"commit may differ; pin it ({fix}) if the image must be rebuilt "
                        "identically, or rely on a pinned base image tag",
                        fix=fix,
                    )


# --------------------------------------------------------------------------- ML108, ML109

_VARIABLE = lazy_pattern(r"\$(?:\{([A-Za-z_]\w*)([^}]*)\}|([A-Za-z_]\w*))")
_TARGETPLATFORM = lazy_pattern(r"^\$(?:TARGETPLATFORM|\{TARGETPLATFORM\})$")


@rule("ML108")
def from_platform(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    final = df.final_stage
    shipped = {s.number for s in df.stage_chain(final)} if final is not None else set()
    for stage in df.stages:
        flag = stage.from_.flag("platform")
        if flag is None or not flag.value:
            continue
        value = flag.value.strip()
        alias = f" AS {stage.name.text}" if stage.name is not None else ""
        plain = f"FROM {stage.image.text.text}{alias}"
        if _TARGETPLATFORM.match(value):
            yield ctx.finding(
                flag.span,
                f"--platform={value} is redundant: a stage is built for the target platform "
                "by default; remove the flag",
                fix=plain,
            )
        elif "$" not in value and stage.number in shipped:
            # Only the image that is built (the final stage and the stages it builds FROM): a
            # multi-arch Dockerfile pins helper stages to one platform on purpose
            # (per-architecture stages picked by FROM runtime-$TARGETARCH).
            yield ctx.finding(
                flag.span,
                f"--platform={value} pins this stage to one architecture whatever platform "
                "the build asks for: on an arm64 Mac an amd64 CUDA or PyTorch image is "
                "emulated (hours slower, and the GPU is unusable in it), and a multi-platform "
                "build gets the same architecture in every variant; leave the flag out, or use "
                "--platform=$BUILDPLATFORM for a stage that only cross-compiles, and choose the "
                "platform with 'docker build --platform'",
                fix=f"{plain}  # and: docker build --platform={value} .",
            )


#: ARGs BuildKit defines in the global scope without a declaration.
_PLATFORM_ARGS = frozenset(
    "BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT "
    "TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT".split()
)


@rule("ML109")
def undefined_arg_in_from(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    declared = {kv.key.text for kv in df.global_args}
    for stage in df.stages:
        flag = stage.from_.flag("platform")
        places = [(stage.image.text.text, "image")]
        if flag is not None and flag.value:
            places.append((flag.value, "--platform"))
        reported: set[str] = set()
        for written, where in places:
            for m in _VARIABLE.finditer(written):
                name = m.group(1) or m.group(3)
                if (m.group(2) or "").lstrip(":")[:1] in ("-", "+", "?"):
                    continue  # ${X:-default}: a default (or an alternative) is given
                if name in declared or name in _PLATFORM_ARGS or name in reported:
                    continue
                reported.add(name)
                similar = next((d for d in declared if d.lower() == name.lower()), None)
                hint = f" (did you mean '{similar}'?)" if similar else ""
                yield ctx.finding(
                    stage.image.text.span,
                    f"'${name}' in the FROM {where} is not declared by an ARG before the first "
                    f"FROM{hint}: BuildKit replaces it with an empty string, so the build pulls "
                    "another image (often ':latest' or an image without its CUDA tag) or fails "
                    f"on an invalid reference; declare it with a default at the top "
                    f"(ARG {name}=<value>) or use ${{{name}:-<default>}}",
                    fix=f"ARG {name}=<value>  # before the first FROM",
                )
