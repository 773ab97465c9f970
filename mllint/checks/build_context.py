"""Rules on a Dockerfile together with its build context: the requirements files it installs,
the .dockerignore that decides what the builder sees, and what ``COPY .`` drags into the image.

The loader (``mllint.parsers.context``) has read everything beforehand; nothing here touches
the disk. A context the loader could not list (``entries is None``) makes these rules silent.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from mllint.checks.dockerfile_walk import base_image, env_before, runs
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Autofix, Edit, Related
from mllint.engine.registry import rule
from mllint.model.context import BuildContext, ImageBuild, Install, RequirementsFile
from mllint.model.dockerfile import Dockerfile, Instruction
from mllint.model.shell import Word
from mllint.model.span import Located, Span
from mllint.parsers.commands import package_installs
from mllint.parsers.dockerignore import DockerIgnore
from mllint.parsers.shell import effective_argv
from mllint.patterns import lazy_pattern

#: ML frameworks whose releases change numerics, CUDA builds and APIs (PEP 503 names; the
#: conda package names too).
ML_FRAMEWORKS = frozenset(
    "torch pytorch torchvision torchaudio tensorflow tensorflow-gpu tensorflow-cpu jax jaxlib "
    "transformers diffusers accelerate peft vllm xformers flash-attn bitsandbytes triton "
    "deepspeed onnxruntime onnxruntime-gpu tensorrt sentence-transformers lightning "
    "pytorch-lightning".split()
)

#: Keys of ML and cloud services whose value is a credential.
ML_TOKEN_KEYS = frozenset(
    "HF_TOKEN HUGGING_FACE_HUB_TOKEN HUGGINGFACE_HUB_TOKEN HUGGINGFACEHUB_API_TOKEN HF_API_TOKEN "
    "HUGGINGFACE_TOKEN WANDB_API_KEY OPENAI_API_KEY AZURE_OPENAI_API_KEY ANTHROPIC_API_KEY "
    "COHERE_API_KEY MISTRAL_API_KEY GROQ_API_KEY REPLICATE_API_TOKEN TOGETHER_API_KEY "
    "GOOGLE_API_KEY GEMINI_API_KEY DEEPSEEK_API_KEY COMET_API_KEY NEPTUNE_API_TOKEN KAGGLE_KEY "
    "CLEARML_API_SECRET_KEY MLFLOW_TRACKING_PASSWORD MLFLOW_TRACKING_TOKEN LANGCHAIN_API_KEY "
    "LANGSMITH_API_KEY PINECONE_API_KEY NGC_API_KEY NVIDIA_API_KEY AWS_SECRET_ACCESS_KEY".split()
)

#: Top-level folders and files of an ML project that do not belong in an image.
_ARTIFACT_DIRS = (
    "data datasets checkpoints wandb mlruns lightning_logs outputs runs .ipynb_checkpoints .git "
    ".venv .cache".split()
)
_ARTIFACT_FILES = ("mlflow.db", ".env")
_ARTIFACT_GLOBS = ("*.ckpt", "*.pt", "*.pth", "*.safetensors", "*.gguf")

#: Lock files: a build from one of them installs exactly what was resolved.
LOCK_FILES = frozenset(
    "uv.lock poetry.lock pdm.lock Pipfile.lock conda-lock.yml pixi.lock requirements.lock".split()
)


def _ignore(context: BuildContext) -> DockerIgnore:
    return DockerIgnore.from_lines(context.dockerignore_lines)


def _not_excluded(context: BuildContext, what: str) -> str:
    """ "there is no .dockerignore to keep out X" / ".dockerignore does not exclude X"."""
    if context.dockerignore_path is None:
        return (
            "there is no .dockerignore"
            if what == "it"
            else (f"there is no .dockerignore to keep out {what}")
        )
    return f"{posixpath.basename(context.dockerignore_path)} does not exclude {what}"


def _reachable(context: BuildContext, path: str) -> list[RequirementsFile]:
    """The file at ``path`` and every file it includes with -r (each once)."""
    out: list[RequirementsFile] = []
    todo = [path]
    seen: set[str] = set()
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        found = context.requirements_file(current)
        if found is not None:
            out.append(found)
            todo.extend(found.includes)
    return out


def _pinned_by_constraints(context: BuildContext, paths: list[str]) -> set[str]:
    """Names a constraints file pins to one release (``-c`` files and what they include)."""
    pinned: set[str] = set()
    for path in paths:
        for f in _reachable(context, path):
            pinned.update(r.name for r in f.requirements if r.name and r.pinned)
            for more in f.constraints:
                if more not in paths:
                    paths.append(more)
    return pinned


#: Base images that ship a framework at the version their tag names: an unpinned requirement
#: for it is already satisfied there, and pip leaves it alone (without --upgrade).
_SHIPPED_BY_IMAGE = (
    (
        ("pytorch/pytorch", "nvcr.io/nvidia/pytorch", "rocm/pytorch"),
        frozenset({"torch", "torchvision", "torchaudio", "triton"}),
    ),
    (("tensorflow/tensorflow", "nvcr.io/nvidia/tensorflow"), frozenset({"tensorflow"})),
    (("nvcr.io/nvidia/jax",), frozenset({"jax", "jaxlib"})),
    (("vllm/vllm-openai",), frozenset({"vllm", "torch", "xformers", "transformers"})),
)
_PIN = lazy_pattern(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*[^*,;]+$")


def _installed_before(df: Dockerfile, install: Install) -> set[str]:
    """Frameworks already fixed when ``install`` runs: pinned by an earlier ``pip install
    name==X`` in the stage chain, or shipped by the base image. pip does not replace an
    installed package that satisfies an unpinned requirement, unless told to upgrade."""
    instr = _install_instruction(df, install)
    if instr is None or instr.stage < 0:
        return set()
    fixed: set[str] = set()
    image = (base_image(df, instr) or "").split("@", 1)[0].rsplit(":", 1)[0]
    for prefixes, names in _SHIPPED_BY_IMAGE:
        if image.startswith(prefixes):
            fixed |= names
    chain = {s.number for s in df.stage_chain(df.stages[instr.stage])}
    for earlier in runs(df):
        if earlier.stage not in chain or earlier.line > install.command.line:
            continue
        for script in earlier.scripts:
            for pip in package_installs(script):
                if pip.manager not in ("pip", "uv") or pip.command.span.line > install.command.line:
                    continue
                if pip.command.span == install.command:
                    break
                for word in pip.packages:
                    m = _PIN.match(word.value)
                    if m and not word.dynamic:
                        fixed.add(re.sub(r"[-_.]+", "-", m.group(1)).lower())
    return fixed


def _upgrades(df: Dockerfile, install: Install) -> bool:
    instr = _install_instruction(df, install)
    for script in instr.scripts if instr is not None else ():
        for pip in package_installs(script):
            if pip.command.span == install.command:
                return pip.has("--upgrade", "--force-reinstall", "--upgrade-package")
    return False


def _extras(word: str) -> set[str]:
    """The extras of ``.[train,serve]``, normalised."""
    inside = word.partition("[")[2].partition("]")[0]
    return {re.sub(r"[-_.]+", "-", e.strip()).lower() for e in inside.split(",") if e.strip()}


def _install_instruction(df: Dockerfile, install: Install) -> Instruction | None:
    line = install.command.line
    return next(
        (i for i in df.instructions if i.keyword == "RUN" and i.line <= line <= i.span.end_line),
        None,
    )


@rule("ML116")
def ml_framework_unpinned(build: ImageBuild, ctx: RuleContext[None]) -> Iterator[Hit]:
    context = build.context
    reported: set[tuple[str, int, int]] = set()
    for install in context.installs:
        if install.path is None or install.kind not in ("requirement", "environment", "project"):
            continue
        extras = _extras(install.word.text) if install.kind == "project" else set()
        files = _reachable(context, install.path)
        constraint_paths = list(install.constraints)
        for f in files:
            constraint_paths.extend(c for c in f.constraints if c not in constraint_paths)
        pinned_elsewhere = _pinned_by_constraints(context, constraint_paths)
        if install.tool in ("pip", "uv") and not _upgrades(build.dockerfile, install):
            pinned_elsewhere |= _installed_before(build.dockerfile, install)
        for f in files:
            for req in f.requirements:
                if (
                    (req.group is not None and req.group not in extras)
                    or req.name not in ML_FRAMEWORKS
                    or req.pinned
                    or req.url is not None
                    or req.editable
                    or req.name in pinned_elsewhere
                    or "$" in req.specifier
                ):
                    continue
                key = (req.path, req.span.line, req.span.column)
                if key in reported:
                    continue
                reported.add(key)
                how = "is not pinned to one release" if req.specifier else "has no version"
                conda = req.conda
                where = "" if conda else " or in a constraints file"
                pin = f"{req.name}={'<version>' if conda else '=<version>'}"
                yield ctx.finding(
                    req.span,
                    f"'{req.text}' {how}: {req.name} is an ML framework whose releases "
                    "change numerics, defaults and the CUDA build they need, so a rebuild of "
                    "the same Dockerfile can train or serve differently or stop matching the "
                    f"image's CUDA; pin it here ({pin}){where}",
                    fix=pin,
                    path=req.path,
                    related=(
                        Related(
                            build.dockerfile.path,
                            install.word.span,
                            f"installed by this {install.tool} command",
                        ),
                    ),
                )
    yield from _unpinned_in_runs(build.dockerfile, ctx)


#: A version specifier that names one release: ``==2.4.1``, ``===2.4.1`` (not ``==2.4.*``).
_EXACT_PIN = lazy_pattern(r"===?\s*[^,;*\s]+(\s*;.*)?$")


def _unpinned_in_runs(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    """ML frameworks a RUN installs with a range (``torch>=2.3``), and conda installs of them
    without a version. A bare ``pip install torch`` is ML102's (generic) finding."""
    from mllint.checks.dockerfile_walk import scope_before
    from mllint.checks.policies import package_name
    from mllint.parsers.variables import substitute

    for instr in runs(df):
        scope = None
        for script in instr.scripts:
            for install in package_installs(script):
                if install.manager not in ("pip", "uv", "conda") or install.constraint_files:
                    continue  # a constraints file may pin what the command leaves open
                if install.manager == "uv" and [w.value for w in install.command.args()[:1]] != [
                    "pip"
                ]:
                    continue  # uv add / uv sync resolve from pyproject.toml and uv.lock
                for word in install.packages:
                    value: str | None = word.value
                    if word.dynamic:
                        scope = scope if scope is not None else scope_before(df, instr)
                        value = substitute(word.value, scope, quotes=False)
                    if value is None or "$" in value:
                        continue
                    name = package_name(install.manager, value)
                    if name is None or name not in ML_FRAMEWORKS:
                        continue
                    rest = value.split("::", 1)[-1][len(name) :].split("]", 1)[-1].strip()
                    if install.manager == "conda":
                        if "=" in rest:
                            continue
                        problem = "has no version"
                        pin = f"{name}=<version>"
                    else:
                        if not rest or rest.startswith(("@", ";")) or _EXACT_PIN.match(rest):
                            continue  # bare: ML102; a URL or an exact pin: fine
                        problem = "is not pinned to one release"
                        pin = f"{name}==<version>"
                    yield ctx.finding(
                        word.span,
                        f"'{value}' {problem}: {name} is an ML framework whose releases "
                        "change numerics, defaults and the CUDA build they need, so a rebuild "
                        "of this Dockerfile can train or serve differently or stop matching "
                        f"the image's CUDA; pin it ({pin})",
                        fix=pin,
                    )


def _copies(df: Dockerfile) -> Iterator[tuple[Instruction, list[Located]]]:
    """COPY/ADD from the build context (no --from, no heredoc), with their source words."""
    for instr in df.instructions:
        if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None:
            continue
        if instr.heredocs:
            continue
        words = list(instr.exec_form if instr.exec_form is not None else instr.words)
        if len(words) >= 2:
            yield instr, words[:-1]


def _unquoted(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _clean(source: str) -> str:
    return posixpath.normpath("/" + source).lstrip("/") or "."


def _literal(source: str) -> bool:
    return not any(c in source for c in "$*?[") and "://" not in source and "@" not in source


@rule("ML117")
def copy_of_dockerignored_path(build: ImageBuild, ctx: RuleContext[None]) -> Iterator[Hit]:
    context = build.context
    if not context.dockerignore_lines:
        return
    ignore = _ignore(context)
    name = posixpath.basename(context.dockerignore_path or ".dockerignore")
    for instr, sources in _copies(build.dockerfile):
        for word in sources:
            source = _unquoted(word.text)
            if not _literal(source):
                continue
            path = _clean(source)
            if path == ".":
                continue
            match = ignore.match(path)
            if match is None:
                continue
            if ignore.may_include_below(path):
                effect = (
                    "only the files its '!' exceptions re-include are sent, so the copy is "
                    "partial and the image misses the rest"
                )
            else:
                effect = (
                    "the builder never receives it and the build fails with "
                    f"'\"/{path}\": not found'"
                )
            yield ctx.finding(
                word.span,
                f"{instr.keyword} source '{source}' is excluded by {name} line {match.line} "
                f"('{'!' if match.exclusion else ''}{match.pattern}'): {effect}; remove the "
                f"pattern, add an exception ('!{path}') after it, or stop copying it",
                fix=f"!{path}",
                related=(
                    Related(
                        context.dockerignore_path or name,
                        _line_span(context, match.line),
                        "excluded here",
                    ),
                ),
            )


def _line_span(context: BuildContext, line: int) -> Span:
    text = context.dockerignore_lines[line - 1] if line <= len(context.dockerignore_lines) else ""
    return Span(line, 1, line, len(text) + 1)


def _root_copies(df: Dockerfile) -> Iterator[tuple[Instruction, Located, list[str]]]:
    """``COPY . dest`` / ``ADD . dest`` from the context: the ``.`` word and the instruction's
    ``--exclude`` patterns."""
    for instr, sources in _copies(df):
        for word in sources:
            if _clean(_unquoted(word.text)) == ".":
                excludes = [f.value for f in instr.flags if f.name == "exclude" and f.value]
                yield instr, word, excludes
                break


def _sent(ignore: DockerIgnore, name: str, excludes: list[str], folder: bool) -> bool:
    """Whether the top-level entry ``name`` reaches the image: not excluded by .dockerignore,
    not by ``COPY --exclude``, and not handled by a pattern below it (``data/*``)."""
    if ignore.excludes(name) or any(fnmatch.fnmatchcase(name, e.strip("/")) for e in excludes):
        return False
    if folder:
        for p in ignore.patterns:
            if not p.exclusion and (
                p.pattern.startswith(name + "/") or p.pattern.startswith(f"**/{name}")
            ):
                return False  # the author thought about this folder's content
    return True


@rule("ML512")
def dockerignore_missing_ml_artifacts(build: ImageBuild, ctx: RuleContext[None]) -> Iterator[Hit]:
    context = build.context
    if context.entries is None:
        return
    first = next(_root_copies(build.dockerfile), None)
    if first is None:
        return
    instr, word, excludes = first
    ignore = _ignore(context)
    packages = set(context.python_packages)
    found: list[str] = []
    for entry in context.entries:
        folder = entry.endswith("/")
        name = entry.rstrip("/")
        if folder:
            wanted = name in _ARTIFACT_DIRS and name not in packages
        else:
            wanted = name in _ARTIFACT_FILES or any(
                fnmatch.fnmatchcase(name, g) for g in _ARTIFACT_GLOBS
            )
        if wanted and _sent(ignore, name, excludes, folder):
            found.append(entry)
    if not found:
        return
    shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
    yield ctx.finding(
        word.span,
        f"'{instr.keyword} .' copies the whole build context, and "
        f"{_not_excluded(context, shown)}: datasets, checkpoints, experiment logs and the git "
        "history are uploaded on every build, bloat an image layer (slow pulls, full disks on "
        "GPU nodes) and ship whatever private data they hold; list them in .dockerignore",
        fix="\n".join(e.rstrip("/") for e in found),
        autofix=_append_ignores(context, [e.rstrip("/") for e in found]),
    )


def _append_ignores(context: BuildContext, patterns: list[str]) -> Autofix:
    """The patterns appended to the .dockerignore in effect, or written to a new
    ``.dockerignore`` at the context root. Safe: excluding these changes no file the build
    names (a COPY of one of them is ML117's finding, and the fixer re-lints)."""
    import os

    text = "".join(f"{p}\n" for p in patterns)
    if context.dockerignore_path is None:
        path = os.path.join(context.directory, ".dockerignore")
        edit = Edit(Span(1, 1, 1, 1), "", text, path)
    else:
        line = len(context.dockerignore_lines) + 1  # placed only when the file ends in \n
        edit = Edit(Span(line, 1, line, 1), "", text, context.dockerignore_path)
    return Autofix((edit,), True, "add them to .dockerignore")


def _unlocked_uv_syncs(df: Dockerfile) -> Iterator[Word]:
    """``uv sync`` without ``--locked``/``--frozen``: it may rewrite uv.lock and install what
    the new resolution says, not what was reviewed."""
    for instr in runs(df):
        for script in instr.scripts:
            for command in script.commands:
                argv = effective_argv(command)
                values = [w.value for w in argv]
                if values[:2] != ["uv", "sync"] and values[:3] != ["uv", "--no-cache", "sync"]:
                    continue
                env = env_before(df, instr)
                locked = env.get("UV_LOCKED") or env.get("UV_FROZEN")
                if locked is not None and locked.lower() in ("1", "true", "yes", "on"):
                    continue
                if not {"--locked", "--frozen"} & set(values):
                    yield argv[1] if values[1] == "sync" else argv[2]


@rule("ML118")
def no_lock_or_hashes(build: ImageBuild, ctx: RuleContext[None]) -> Iterator[Hit]:
    context = build.context
    df = build.dockerfile
    for word in _unlocked_uv_syncs(df):
        yield ctx.finding(
            word.span,
            "uv sync without --locked or --frozen resolves again when pyproject.toml and "
            "uv.lock disagree, and installs the new resolution instead of failing: the image "
            "gets versions nobody reviewed; add --locked (fail on a stale lock) or --frozen",
            fix="uv sync --locked",
        )
    if context.entries is None or any(e in LOCK_FILES for e in context.entries):
        return
    for install in context.installs:
        if install.kind != "requirement" or install.path is None or install.require_hashes:
            continue
        files = _reachable(context, install.path)
        if not files or any(f.truncated or f.generated_by for f in files):
            continue
        if any(r.hashes for f in files for r in f.requirements):
            continue  # one --hash turns on pip's hash-checking mode for every requirement
        if any(o.name == "--require-hashes" for f in files for o in f.options):
            continue
        instr = _install_instruction(df, install)
        if instr is not None:
            value = env_before(df, instr).get("PIP_REQUIRE_HASHES")
            if value is not None and value.lower() in ("1", "true", "yes", "on"):
                continue
        requirements = [r for f in files for r in f.requirements if r.name]
        if not requirements:
            continue
        pinned = sum(r.pinned for r in requirements)
        detail = (
            "every requirement is pinned, but their dependencies are not"
            if pinned == len(requirements)
            else f"{len(requirements) - pinned} of {len(requirements)} requirements are not "
            "pinned, nor are their dependencies"
        )
        yield ctx.finding(
            install.word.span,
            f"{install.tool} installs '{install.word.text}' without hashes and the context has "
            f"no lock file: {detail}, so two builds a week apart resolve different versions "
            "of numpy, CUDA wheels and the rest; compile a lock (uv pip compile "
            "--generate-hashes, pip-compile --generate-hashes) and install it with "
            "--require-hashes",
        )


@rule("ML419")
def env_file_in_build_context(build: ImageBuild, ctx: RuleContext[None]) -> Iterator[Hit]:
    context = build.context
    df = build.dockerfile
    final = df.final_stage
    if final is None or not context.env_files:
        return
    shipped = {s.number for s in df.stage_chain(final)}  # what ends up in the image
    first = next((c for c in _root_copies(df) if c[0].stage in shipped), None)
    if first is None:
        return
    instr, word, excludes = first
    ignore = _ignore(context)
    for env in context.env_files:
        if env.name.endswith((".example", ".sample", ".template", ".dist")):
            continue
        if not _sent(ignore, env.name, excludes, folder=False):
            continue
        keys = [k for k in env.keys if k.text in ML_TOKEN_KEYS]
        if not keys:
            continue
        names = ", ".join(dict.fromkeys(k.text for k in keys))
        yield ctx.finding(
            keys[0].span,
            f"{env.name} sets {names}, and {_not_excluded(context, 'it')}: '{instr.keyword} .' on "
            f"line {instr.line} of {posixpath.basename(build.dockerfile.path)} copies it into "
            "an image layer, where anyone who can pull the image reads the token (deleting it "
            f"in a later layer does not help); add '{env.name}' to .dockerignore and pass "
            "tokens at run time (env_file:, secrets:)",
            path=env.path,
            fix=env.name,
            related=(Related(build.dockerfile.path, word.span, "copied into the image here"),),
        )
