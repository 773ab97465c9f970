"""mllint: a linter for the Dockerfiles and compose files of machine-learning projects."""

__version__ = "0.1.0"
