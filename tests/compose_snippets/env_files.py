"""ML409 env-file-not-gitignored: dotenv files with credentials that Git would commit. Each
project is a Git repository (a .git folder), as the rule judges nothing outside one."""

from __future__ import annotations

_GIT = {".git/HEAD": "ref: refs/heads/main\n"}
_COMPOSE = "services:\n  app:\n    image: python:3.12-slim\n    env_file: app.env\n"
_TOKEN = "HF_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n"

CASES: list = [
    ({**_GIT, "compose.yaml": _COMPOSE, "app.env": _TOKEN}, "ML409", ["app.env:1"]),
    ({**_GIT, "compose.yaml": _COMPOSE, "app.env": "A=1\n", ".env": "X=2\n" + _TOKEN},
     "ML409", [".env:2"]),
    ({**_GIT, "compose.yaml": _COMPOSE, "app.env": "DB_PASSWORD=s3cr3t-passw0rd\n",
      ".gitignore": ".env\n"}, "ML409", ["app.env:1"]),
    ({**_GIT, "compose.yaml": _COMPOSE, "app.env": _TOKEN, ".gitignore": "*.env\n"},
     "ML409", []),
    ({**_GIT, "compose.yaml": _COMPOSE, "app.env": _TOKEN, ".gitignore": "app.env\n"},
     "ML409", []),
    ({"compose.yaml": _COMPOSE, "app.env": _TOKEN}, "ML409", []),  # not a repository
    ({**_GIT, "compose.yaml": _COMPOSE, "app.env": "HF_TOKEN=\nAPI_KEY=${API_KEY}\n"},
     "ML409", []),
    ({**_GIT, "compose.yaml": _COMPOSE, "app.env": "OPENAI_API_KEY=<your key>\n"},
     "ML409", []),
]  # fmt: skip
