"""ML4xx: credentials, downloads and anything an attacker could use."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mllint.checks.compose_walk import environment, ports
from mllint.checks.dockerfile_walk import runs
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Severity
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject
from mllint.model.dockerfile import Dockerfile, KeyValue
from mllint.model.yaml import YScalar
from mllint.parsers.commands import piped_to_interpreter
from mllint.parsers.shell import effective_argv

#: Names that hold a credential whatever their prefix.
_SECRET_NAMES = frozenset(
    "HF_TOKEN HUGGING_FACE_HUB_TOKEN HUGGINGFACE_HUB_TOKEN HUGGINGFACEHUB_API_TOKEN HF_API_TOKEN "
    "WANDB_API_KEY OPENAI_API_KEY ANTHROPIC_API_KEY COHERE_API_KEY MISTRAL_API_KEY "
    "GROQ_API_KEY REPLICATE_API_TOKEN AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN GITHUB_TOKEN "
    "GH_TOKEN GITLAB_TOKEN KAGGLE_KEY COMET_API_KEY NEPTUNE_API_TOKEN CLEARML_API_SECRET_KEY "
    "MLFLOW_TRACKING_PASSWORD MLFLOW_TRACKING_TOKEN AZURE_CLIENT_SECRET GOOGLE_API_KEY "
    "NGC_API_KEY NVIDIA_API_KEY PASSWORD PASSWD SECRET SECRET_KEY TOKEN API_KEY APIKEY "
    "ACCESS_TOKEN AUTH_TOKEN PRIVATE_KEY DATABASE_PASSWORD".split()
)
_SECRET_SUFFIXES = (
    "_TOKEN",
    "_SECRET",
    "_SECRET_KEY",
    "_API_KEY",
    "_APIKEY",
    "_PASSWORD",
    "_PASSWD",
    "_PRIVATE_KEY",
    "_ACCESS_KEY",
    "_AUTH_KEY",
    "_CLIENT_SECRET",
)
#: Names that look like credentials but are not: token counts, tokenizer settings, paths.
_NOT_SECRET = re.compile(
    r"TOKENIZER|_TOKENS$|^MAX_.*TOKEN|TOKEN_(LIMIT|COUNT|LEN|LENGTH|SIZE)$|PUBLIC_KEY$"
    r"|(^|_)(REQUIRE|USE|ENABLE|DISABLE|NO|SKIP|VERIFY|ALLOW)_"  # a setting about a key
)
#: Values that switch something on or off: never a credential.
_FLAG_VALUES = frozenset({"0", "1", "true", "false", "yes", "no", "on", "off", "none", "null"})
#: Values shaped like real tokens of the services ML projects use.
_TOKEN_VALUES = (
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}")),
    ("an Anthropic key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("an OpenAI key", re.compile(r"\bsk-(proj-)?[A-Za-z0-9_-]{20,}")),
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a GitHub token",
        re.compile(r"\b(ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_\w{30,}"),
    ),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}")),
)


def secret_name(name: str) -> bool:
    upper = name.upper()
    if _NOT_SECRET.search(upper):
        return False
    return upper in _SECRET_NAMES or upper.endswith(_SECRET_SUFFIXES)


def token_kind(value: str) -> str | None:
    for kind, pattern in _TOKEN_VALUES:
        if pattern.search(value):
            return kind
    return None


_FIX = (
    "pass it at build time with RUN --mount=type=secret,id=hf_token (docker build "
    "--secret id=hf_token,env=HF_TOKEN) or at run time through the environment"
)


def _pair_finding(keyword: str, kv: KeyValue, ctx: RuleContext[None]) -> Hit | None:
    name = kv.key.text
    raw = kv.value.text if kv.value is not None else None
    if raw is not None:
        kind = token_kind(kv.resolved or raw)
        if kind is not None:
            return ctx.finding(
                kv.value.span if kv.value else kv.key.span,
                f"{keyword} {name} holds {kind}: it is stored in the image and visible to "
                "anyone who can pull it",
                fix=_FIX,
            )
    if not secret_name(name):
        return None
    if raw is not None and raw.strip("'\"").lower() in ("", *_FLAG_VALUES):
        return None  # ENV HF_TOKEN="" clears it; =0/=false is a switch, not a key
    if raw is not None and raw.strip("'\"").startswith("/run/secrets/"):
        return None  # a path to a mounted secret, not the secret
    if keyword == "ARG" and raw is None:
        message = (
            f"ARG {name} carries a credential: build arguments are recorded in the "
            "image history (docker history shows them)"
        )
    elif raw is not None and "$" in raw:
        message = (
            f"{keyword} {name} copies a credential into the image; its value "
            "is stored in the image config and visible to anyone who can pull it"
        )
    else:
        message = (
            f"{keyword} {name} sets a credential in the image; it is stored in the "
            "image and visible to anyone who can pull it"
        )
    return ctx.finding(kv.key.span, message, fix=_FIX)


@rule("ML401")
def secret_in_image(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        if target.keyword not in ("ENV", "ARG"):
            continue
        for kv in target.pairs:
            hit = _pair_finding(target.keyword, kv, ctx)
            if hit is not None:
                yield hit


@rule("ML402")
def remote_script_piped_to_shell(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for script in instr.scripts:
            for download, interpreter in piped_to_interpreter(script):
                url = download.urls[0].value if download.urls else "a remote script"
                argv = effective_argv(interpreter) or interpreter.argv
                runner = argv[0].value.rsplit("/", 1)[-1] if argv else interpreter.name
                yield ctx.finding(
                    download.command.argv[0].span,
                    f"{download.tool} output from {url} is run by {runner} unchecked: "
                    "a compromised or changed server runs code in your build; download to a "
                    "file, verify a pinned checksum, then run it",
                    fix="curl -fsSLo install.sh URL && echo '<sha256>  install.sh' | "
                    "sha256sum -c - && sh install.sh",
                )


#: Published ports of notebooks, dashboards and management APIs: on all interfaces they hand
#: code execution or model control to anyone who can reach the host.
SENSITIVE_PORTS = {
    "8888": "Jupyter",
    "8889": "Jupyter",
    "6006": "TensorBoard",
    "8265": "the Ray dashboard",
    "5000": "MLflow",
    "7860": "Gradio",
    "8501": "Streamlit",
    "8081": "TorchServe management",
    "8082": "TorchServe metrics",
    "11434": "Ollama",
    "9090": "Prometheus",
    "3000": "Grafana",
    "2375": "the Docker API",
    "2376": "the Docker API",
    "22": "SSH",
}
_ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})  # noqa: S104 - what we look for


@rule("ML204")
def port_on_all_interfaces(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for p in ports(service):
            if p.published is None:
                continue  # container side only: Docker picks a host port (see the notes)
            if p.host_ip is not None and p.host_ip not in _ALL_INTERFACES:
                continue  # a specific interface, or "${BIND}:8000:8000": we cannot tell
            if "$" in p.target:
                continue
            target = p.target.split("-", 1)[0]
            what = SENSITIVE_PORTS.get(target)
            label = f" ({what})" if what else ""
            yield ctx.finding(
                p.node.span,
                f"services.{service.name} publishes port {p.published or target}{label} on "
                "all interfaces, and Docker's iptables rules bypass ufw/firewalld; bind it to "
                f'127.0.0.1 ("127.0.0.1:{p.published or target}:{p.target}") or put a proxy '
                "with authentication in front",
                fix=f'"127.0.0.1:{p.published or target}:{p.target}"',
                path=p.node.path,
                severity=Severity.ERROR if what else None,
            )


@rule("ML403")
def secret_in_compose(project: ComposeProject, ctx: RuleContext[None]) -> Iterator[Hit]:
    for service in project.services:
        for key, value in environment(service):
            if not isinstance(value, YScalar) or value.value is None:
                continue
            raw = value.text
            if "$" in raw or raw.strip() == "" or raw.startswith("/run/secrets/"):
                continue  # a reference to the deploy environment, empty, or a secret's path
            kind = token_kind(raw)
            if kind is not None:
                yield ctx.finding(
                    value.span,
                    f"services.{service.name}.environment.{key.text} holds {kind} written in "
                    "the compose file; anyone with the repository has it",
                    fix=f"{key.text}: ${{{key.text}}}  (set it in the deploy environment or "
                    "an untracked .env), or use secrets:",
                    path=value.path,
                )
            elif secret_name(key.text):
                yield ctx.finding(
                    key.span,
                    f"services.{service.name}.environment.{key.text} is a credential written "
                    "in the compose file; anyone with the repository has it",
                    fix=f"{key.text}: ${{{key.text}}}  (set it in the deploy environment or "
                    "an untracked .env), or use secrets:",
                    path=key.path,
                )
