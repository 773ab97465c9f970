"""The rule functions behind an organisation's policies (see ``mllint.policies``).

Policies are declared in a config file, so their functions are made per run by
``policy_rule`` instead of being registered with ``@rule`` at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mllint.checks.dockerfile_walk import runs, scope_before
from mllint.checks.package_managers import shipped_stages
from mllint.engine.context import Hit, RuleContext
from mllint.engine.registry import RegisteredRule, RuleFunction
from mllint.model.compose import ComposeProject
from mllint.model.dockerfile import Dockerfile, ImageRef, Stage
from mllint.parsers.commands import package_installs
from mllint.parsers.variables import substitute
from mllint.patterns import lazy_pattern

if TYPE_CHECKING:
    from mllint.policies import Policy


def image_glob(glob: str) -> re.Pattern[str]:
    """``*`` within a path segment, ``**`` across segments, ``?`` one character."""
    if not glob or any(c.isspace() for c in glob):
        raise ValueError("an image glob is a non-empty reference without spaces")
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out), re.IGNORECASE)


_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")


def _image_forms(ref: ImageRef) -> tuple[list[str], list[str]]:
    """Names of the image (``python``, ``library/python``, ``docker.io/library/python`` are one
    image) and the same with tag and digest, for globs that name a tag."""
    repository = ref.repository or ""
    if ref.registry is None or ref.registry.lower() in _HUB:
        full = repository if "/" in repository else f"library/{repository}"
        short = full.removeprefix("library/")
        names = list(dict.fromkeys([short, full, f"docker.io/{full}"]))
    else:
        names = [ref.name or repository]
    suffix = (f":{ref.tag}" if ref.tag else "") + (f"@{ref.digest}" if ref.digest else "")
    return names, [n + suffix for n in names]


def _allowed_base_images(policy: Policy) -> RuleFunction:
    globs = [(image_glob(g), ":" in g or "@" in g) for g in policy.values]
    allowed = ", ".join(policy.values)

    def check(df: Dockerfile, ctx: RuleContext[Any]) -> Iterator[Hit]:
        for stage in df.stages:
            ref = stage.image
            if ref.is_stage or ref.is_scratch or ref.is_unresolved or not ref.repository:
                continue
            names, full = _image_forms(ref)
            if any(any(g.fullmatch(n) for n in (full if whole else names)) for g, whole in globs):
                continue
            yield ctx.finding(
                ref.text.span,
                _message(policy, f"base image '{ref.resolved}' is not allowed here ({allowed})"),
            )

    return check


def _label_keys(df: Dockerfile, stages: list[Stage]) -> set[str] | None:
    """The label keys the stages set; None when one depends on a variable."""
    keys: set[str] = set()
    for stage in stages:
        for instr in stage.of("LABEL"):
            for pair in instr.pairs:
                key = pair.key.text.strip("'\"")
                if "$" in key:
                    return None
                keys.add(key)
    return keys


def _required_labels(policy: Policy) -> RuleFunction:
    def check(df: Dockerfile, ctx: RuleContext[Any]) -> Iterator[Hit]:
        final = df.final_stage
        if final is None:
            return
        keys = _label_keys(df, df.stage_chain(final))
        if keys is None:
            return
        missing = [label for label in policy.values if label not in keys]
        if missing:
            yield ctx.finding(
                final.from_.keyword_span,
                _message(
                    policy,
                    f"the image sets no LABEL {', '.join(missing)} (labels of the base image "
                    "are not visible here)",
                ),
                fix=" ".join(f'LABEL {m}="…"' for m in missing),
            )

    return check


_NAME = lazy_pattern(r"(@?[A-Za-z0-9][A-Za-z0-9._+/-]*)")


def package_name(manager: str, word: str) -> str | None:
    """The package a requirement word names: ``torch==2.4.1`` -> ``torch``, ``curl=8.5*`` ->
    ``curl``, ``conda-forge::numpy`` -> ``numpy``; pip names are normalised (PEP 503)."""
    text = word.strip("'\"")
    if text.startswith(("-", ".", "/", "~")) or "://" in text:
        return None
    text = text.split("::", 1)[-1]
    match = _NAME.match(text)
    if match is None:
        return None
    name = match.group(1)
    if manager not in ("npm", "go"):
        name = name.split("/", 1)[0] if manager != "conda" else name.rsplit("/", 1)[-1]
    if manager in ("pip", "uv"):
        return re.sub(r"[-_.]+", "-", name).lower()
    if manager == "npm" and name.startswith("@"):
        return name.rsplit("@", 1)[0] if name.count("@") > 1 else name
    return name.split("@", 1)[0].lower() if manager == "npm" else name.lower()


def _wanted(policy: Policy) -> dict[str, str]:
    """The policy's packages by normalised name."""
    return {re.sub(r"[-_.]+", "-", p).lower(): p for p in policy.values}


def _installs(df: Dockerfile, policy: Policy) -> Iterator[tuple[str, Any, str]]:
    """(normalised name, word, manager) of every package a shipped stage installs."""
    shipped = shipped_stages(df)
    for instr in runs(df):
        if instr.stage not in shipped:
            continue
        scope = None
        for script in instr.scripts:
            for install in package_installs(script):
                if policy.managers and install.manager not in policy.managers:
                    continue
                for word in install.packages:
                    value: str | None = word.value
                    if word.dynamic:
                        scope = scope if scope is not None else scope_before(df, instr)
                        value = substitute(word.value, scope, quotes=False)
                    if value is None:
                        continue
                    name = package_name(install.manager, value)
                    if name is not None:
                        yield re.sub(r"[-_.]+", "-", name), word, install.manager


def _banned_packages(policy: Policy) -> RuleFunction:
    banned = _wanted(policy)

    def check(df: Dockerfile, ctx: RuleContext[Any]) -> Iterator[Hit]:
        for name, word, manager in _installs(df, policy):
            if name in banned:
                yield ctx.finding(
                    word.span,
                    _message(policy, f"{manager} installs '{banned[name]}', which is banned here"),
                )

    return check


def _required_packages(policy: Policy) -> RuleFunction:
    required = _wanted(policy)

    def check(df: Dockerfile, ctx: RuleContext[Any]) -> Iterator[Hit]:
        final = df.final_stage
        if final is None:
            return
        found = {name for name, _, _ in _installs(df, policy)}
        missing = [original for name, original in required.items() if name not in found]
        if missing:
            yield ctx.finding(
                final.from_.keyword_span,
                _message(
                    policy,
                    f"the image does not install {', '.join(missing)} (packages of the base "
                    "image are not visible here)",
                ),
            )

    return check


def _required_service_keys(policy: Policy) -> RuleFunction:
    specs = [[alt.strip().split(".") for alt in spec.split("|")] for spec in policy.values]

    def check(project: ComposeProject, ctx: RuleContext[Any]) -> Iterator[Hit]:
        for service in project.services:
            missing = [
                policy.values[i]
                for i, alternatives in enumerate(specs)
                if all(service.at(*path) is None for path in alternatives)
            ]
            if missing:
                yield ctx.finding(
                    service.key.span,
                    _message(
                        policy,
                        f"services.{service.name} does not set "
                        + ", ".join(m.replace("|", " or ") for m in missing),
                    ),
                    path=service.key.path,
                )

    return check


def _message(policy: Policy, text: str) -> str:
    return f"{text} [policy {policy.id}]" + (f": {policy.message}" if policy.message else "")


_FACTORIES = {
    "allowed-base-images": _allowed_base_images,
    "required-labels": _required_labels,
    "banned-packages": _banned_packages,
    "required-packages": _required_packages,
    "required-service-keys": _required_service_keys,
}


def policy_rule(policy: Policy) -> RegisteredRule:
    """The rule that checks ``policy``, as the engine runs registered rules."""
    return RegisteredRule(policy.id, policy.name, _FACTORIES[policy.kind](policy), None)
