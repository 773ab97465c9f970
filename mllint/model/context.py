"""What a build sees besides its Dockerfile, and what a compose project builds.

A ``build`` rule receives an ``ImageBuild`` (a Dockerfile with its build context: the folder
``docker build`` sends, its ``.dockerignore``, the requirements files it installs from); a
``project`` rule receives a ``Project`` (a compose project with, for each service that builds a
local Dockerfile, that Dockerfile parsed as the service builds it). Rules never read files: the
loaders in ``mllint.parsers.context`` read everything a rule may look at beforehand.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from mllint.model.compose import ComposeProject, Service
from mllint.model.dockerfile import Dockerfile
from mllint.model.span import Located, Span


class Requirement(NamedTuple):
    """One requirement line of a requirements or constraints file (or a conda dependency)."""

    name: str | None  # normalised (PEP 503: lower case, runs of -_. as -); None for a path/URL
    text: str  # the requirement as written, without its options and comment
    span: Span  # of ``text`` in ``path``
    path: str  # the file it was written in
    extras: tuple[str, ...] = ()
    specifier: str = ""  # "==2.4.1", ">=2,<3"; "" without one
    marker: str | None = None  # the environment marker after ";"
    url: str | None = None  # a direct reference, VCS URL, archive or local path
    hashes: tuple[str, ...] = ()  # --hash=sha256:... values
    editable: bool = False
    conda: bool = False  # a conda MatchSpec (environment.yml), not a pip requirement
    group: str | None = None  # pyproject.toml: the optional-dependencies extra; None for the base

    @property
    def pinned(self) -> bool:
        """Exactly one release: ``==X`` without a wildcard, ``===X``, or a hash pin."""
        if self.hashes:
            return True
        for raw in self.specifier.split(","):
            clause = raw.strip()
            if clause.startswith("===") or (clause.startswith("==") and "*" not in clause):
                return True
        return False


class FileOption(NamedTuple):
    """A pip option line of a requirements file: ``--index-url URL``, ``-f DIR``, ..."""

    name: str  # canonical long spelling: "--index-url", "--extra-index-url", "--find-links"
    value: str | None
    span: Span


class RequirementsFile(NamedTuple):
    """A requirements/constraints file (or environment.yml) a build installs from."""

    path: str  # on disk
    kind: str  # "requirements" | "constraints" | "conda" | "pyproject"
    requirements: tuple[Requirement, ...]
    includes: tuple[str, ...] = ()  # on-disk paths of the -r files it names (inside the context)
    constraints: tuple[str, ...] = ()  # on-disk paths of the -c files it names
    options: tuple[FileOption, ...] = ()
    generated_by: str | None = None  # "pip-compile", "uv": a compiled (locked) file
    truncated: bool = False  # larger than the loader reads: judge nothing absent


class Install(NamedTuple):
    """A file a RUN's pip/uv install reads (``-r``/``-c``), mapped back to the context."""

    word: Located  # the file argument as written in the Dockerfile
    kind: str  # "requirement" | "constraint" | "environment" (conda -f) | "project" (pip install .)
    container_path: str  # where pip reads it in the image, "" when unknown (a variable)
    path: str | None  # the file on disk it was copied from; None when not known
    tool: str  # "pip" | "uv"
    require_hashes: bool  # --require-hashes on the command line
    command: Span  # the install command in the Dockerfile
    constraints: tuple[str, ...] = ()  # on-disk paths of the command's -c files


class EnvFile(NamedTuple):
    """A dotenv file at the context's top level: the keys it sets to a non-empty value
    (never the values themselves)."""

    path: str
    name: str  # relative to the context
    keys: tuple[Located, ...]  # key names with their spans in ``path``


class BuildContext(NamedTuple):
    """The folder a Dockerfile is built from."""

    directory: str  # the context folder on disk
    dockerignore_path: str | None  # the .dockerignore in effect (Dockerfile-specific first)
    dockerignore_lines: tuple[str, ...]  # its lines as written; () without one
    #: Top-level entries of the context, folders with a trailing "/"; None when not listed
    #: (unreadable, or more than the loader lists).
    entries: tuple[str, ...] | None = None
    requirements: tuple[RequirementsFile, ...] = ()  # every file loaded, includes too
    installs: tuple[Install, ...] = ()  # what the Dockerfile's RUNs install from files
    env_files: tuple[EnvFile, ...] = ()  # top-level .env / *.env files with values set
    #: Top-level folders named like data (data/, datasets/ ...) that are Python packages.
    python_packages: tuple[str, ...] = ()

    def requirements_file(self, path: str) -> RequirementsFile | None:
        return next((f for f in self.requirements if f.path == path), None)

    def relative(self, path: str) -> str:
        """``path`` (on disk) relative to the context, ``/``-separated."""
        return os.path.relpath(path, self.directory).replace(os.sep, "/")


class ImageBuild(NamedTuple):
    """A Dockerfile together with its build context: the model of a ``build`` rule."""

    dockerfile: Dockerfile
    context: BuildContext


class ServiceBuild(NamedTuple):
    """A compose service that builds a local Dockerfile, parsed with the service's build args
    and target."""

    service: Service
    image: ImageBuild


class Project(NamedTuple):
    """A compose project with the images its services build: the model of a ``project`` rule."""

    compose: ComposeProject
    builds: tuple[ServiceBuild, ...]
    # Whether Git ignores each dotenv file the project reads (.env, env_file entries); a
    # file outside any repository is absent.
    git_ignored: Mapping[str, bool] = {}

    def build_of(self, service: str) -> ImageBuild | None:
        return next((b.image for b in self.builds if b.service.name == service), None)
