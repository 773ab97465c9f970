"""What a build sees besides its Dockerfile, and what a compose project builds.

A ``build`` rule receives an ``ImageBuild`` (a Dockerfile with its build context: the folder
``docker build`` sends, its ``.dockerignore``, the requirements files it installs from); a
``project`` rule receives a ``Project`` (a compose project with, for each service that builds a
local Dockerfile, that Dockerfile parsed as the service builds it). Rules never read files: the
loaders in ``mllint.parsers.context`` read everything a rule may look at beforehand.
"""

from __future__ import annotations

from typing import NamedTuple

from mllint.model.compose import ComposeProject, Service
from mllint.model.dockerfile import Dockerfile


class BuildContext(NamedTuple):
    """The folder a Dockerfile is built from."""

    directory: str  # the context folder on disk
    dockerignore_path: str | None  # the .dockerignore in effect (Dockerfile-specific first)
    dockerignore_lines: tuple[str, ...]  # its lines as written; () without one


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

    def build_of(self, service: str) -> ImageBuild | None:
        return next((b.image for b in self.builds if b.service.name == service), None)
