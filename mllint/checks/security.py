"""ML4xx: credentials, downloads and anything an attacker could use."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from mllint.checks.compose_walk import environment, ports
from mllint.checks.dockerfile_walk import pipelines, runs
from mllint.checks.edits import fix, replace_scalar
from mllint.checks.package_managers import (
    FAMILIES,
    scan,
    shell_commands,
    written,
)
from mllint.checks.resources import (
    APT_CONF,
    RPM_CONF,
)
from mllint.engine.context import Hit, RuleContext
from mllint.engine.finding import Autofix, Severity
from mllint.engine.registry import rule
from mllint.model.compose import ComposeProject, Port, Service, items, text
from mllint.model.dockerfile import Dockerfile, KeyValue
from mllint.model.shell import Command, Word
from mllint.model.span import Span
from mllint.model.yaml import YScalar, YSeq
from mllint.parsers.commands import piped_to_interpreter
from mllint.parsers.shell import effective_argv
from mllint.patterns import lazy_pattern

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
_NOT_SECRET = lazy_pattern(
    r"TOKENIZER|_TOKENS$|^MAX_.*TOKEN|TOKEN_(LIMIT|COUNT|LEN|LENGTH|SIZE)$|PUBLIC_KEY$"
    r"|(^|_)(REQUIRE|USE|ENABLE|DISABLE|NO|SKIP|VERIFY|ALLOW)_"  # a setting about a key
)
#: Values that switch something on or off: never a credential.
_FLAG_VALUES = frozenset({"0", "1", "true", "false", "yes", "no", "on", "off", "none", "null"})
#: Values shaped like real tokens of the services ML projects use.
_TOKEN_VALUES = (
    ("a Hugging Face token", lazy_pattern(r"\bhf_[A-Za-z0-9]{30,}")),
    ("an Anthropic key", lazy_pattern(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("an OpenAI key", lazy_pattern(r"\bsk-(proj-)?[A-Za-z0-9_-]{20,}")),
    ("an AWS access key id", lazy_pattern(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a GitHub token",
        lazy_pattern(r"\b(ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_\w{30,}"),
    ),
    ("a GitLab token", lazy_pattern(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", lazy_pattern(r"\bxox[baprs]-[A-Za-z0-9-]{10,}")),
)


def secret_name(name: str) -> bool:
    upper = name.upper()
    if _NOT_SECRET.search(upper):
        return False
    return upper in _SECRET_NAMES or upper.endswith(_SECRET_SUFFIXES)


#: All of _TOKEN_VALUES in one pattern (one scan per value): group ``t<i>`` is kind ``i``.
_ANY_TOKEN = lazy_pattern(
    "|".join(f"(?P<t{i}>{pattern.pattern})" for i, (_, pattern) in enumerate(_TOKEN_VALUES))
)
#: The shortest value any of them matches (a Slack token: xoxb- and ten characters).
_SHORTEST_TOKEN = 14


def token_kind(value: str) -> str | None:
    if len(value) < _SHORTEST_TOKEN:
        return None
    match = _ANY_TOKEN.search(value)
    if match is None or match.lastgroup is None:
        return None
    return _TOKEN_VALUES[int(match.lastgroup[1:])][0]


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
#: Ports whose number alone says what listens: reported as errors.
SENSITIVE_PORTS = {
    "8888": "Jupyter",
    "8889": "Jupyter",
    "6006": "TensorBoard",
    "8265": "the Ray dashboard",
    "8081": "TorchServe management",
    "8082": "TorchServe metrics",
    "11434": "Ollama",
    "2375": "the Docker API",
    "2376": "the Docker API",
    "22": "SSH",
}
#: Ports many other programs use too (Flask on 5000, any web app on 3000): an error only when
#: the service's image or command names the tool; a plain warning otherwise.
SHARED_PORTS = {
    "5000": ("MLflow", ("mlflow",)),
    "7860": ("Gradio", ("gradio", "stable-diffusion", "webui", "comfyui")),
    "8501": ("Streamlit", ("streamlit",)),
    "9090": ("Prometheus", ("prometheus",)),
    "3000": ("Grafana", ("grafana",)),
}
_ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})  # noqa: S104 - what we look for
#: Tools recognised by a service's command or image (``mllint.ml.roles``), for ports moved off
#: their well-known number (``jupyter lab --port 9999``).
_TOOL_LABELS = {
    "jupyter": "Jupyter",
    "tensorboard": "TensorBoard",
    "ray": "Ray",
    "mlflow": "MLflow",
    "gradio": "Gradio",
    "streamlit": "Streamlit",
    "ollama": "Ollama",
}


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
            what = SENSITIVE_PORTS.get(target) or _shared_port(service, target)
            if what is None:
                from mllint.ml.roles import service_role

                what = _TOOL_LABELS.get(service_role(service).kind or "")
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
                autofix=_bind_to_loopback(p),
            )


def _shared_port(service: Service, target: str) -> str | None:
    """The tool on a shared port number, when the service's image or command names it."""
    if target not in SHARED_PORTS:
        return None
    label, names = SHARED_PORTS[target]
    words = [text(service.get("image")) or ""]
    for key in ("command", "entrypoint"):
        node = service.get(key)
        words += (
            [text(n) or "" for n in items(node)] if isinstance(node, YSeq) else [text(node) or ""]
        )
    said = " ".join(words).lower()
    return label if any(name in said for name in names) else None


def _bind_to_loopback(p: Port) -> Autofix | None:
    """Bind a short-syntax port without host IP to 127.0.0.1: unsafe, since whatever reached
    it from other machines stops working."""
    node = p.node
    if p.host_ip is not None or not isinstance(node, YScalar) or not p.known:
        return None
    quote = node.style if node.style in ("'", '"') else ""
    new = f"{quote}127.0.0.1:{node.text}{quote}"
    return fix("bind the port to 127.0.0.1", replace_scalar(node, new), safe=False)


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


# --------------------------------------------------------------------------- ML404 / ML405

_FALSE = frozenset({"false", "0", "no", "off"})
_PIP = lazy_pattern(r"pip(?:\d+(?:\.\d+)*)?")
_PYTHON = lazy_pattern(r"python(?:\d+(?:\.\d+)*)?")
_APT_SOURCES = lazy_pattern(r"^/etc/apt/sources\.list(?:\.d(?:/|$)|$)")
_SSLVERIFY_OFF = lazy_pattern(r"(?<![\w-])sslverify\s*=\s*[\"']?(?:0|false|no|off)\b", re.I)
_GPGCHECK_OFF = lazy_pattern(r"(?<![\w-])gpgcheck\s*=\s*[\"']?(?:0|false|no|off)\b", re.I)
_GIT_SSL_KEY = lazy_pattern(r"^http\.(?:.+\.)?sslverify$", re.I)
_APT_TLS_OFF = lazy_pattern(
    r"Acquire::https::(?:[^:\s\"]+::)?Verify-(?:Peer|Host)\s*(?:=|\s)\s*\"?(?:false|0|no|off)\b",
    re.I,
)
_APT_UNSIGNED = lazy_pattern(
    r"(?:APT::Get::AllowUnauthenticated|APT::Get::Force-Yes|Acquire::AllowInsecureRepositories"
    r"|Acquire::AllowDowngradeToInsecureRepositories)\s*(?:=|\s)\s*\"?(?:true|1|yes|on)\b",
    re.I,
)
_TRUSTED = (
    lazy_pattern(r"\[[^\]\n]*?(?<![\w-])(trusted=(?:yes|true|1))\b", re.I),
    lazy_pattern(r"^\s*(Trusted:\s*(?:yes|true))\b", re.I | re.M),
)

#: (what the text turns off, pattern, file it must be written to) for configuration files.
_TLS_FILES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("Acquire::https::Verify-Peer/Verify-Host false for apt", _APT_TLS_OFF, APT_CONF),
    ("sslverify=0 for yum/dnf repositories", _SSLVERIFY_OFF, RPM_CONF),
    (
        "trusted-host in pip.conf",
        lazy_pattern(r"(?<![\w-])trusted-host\s*[=:]", re.I),
        lazy_pattern(r"pip\.(?:conf|ini)$"),
    ),
    (
        "ssl_verify: false in .condarc",
        lazy_pattern(r"(?<![\w-])ssl_verify\s*:\s*[\"']?(?:false|no|0)\b", re.I),
        lazy_pattern(r"condarc$"),
    ),
    (
        "strict-ssl=false in .npmrc",
        lazy_pattern(r"(?<![\w-])strict-ssl\s*=\s*false\b", re.I),
        lazy_pattern(r"npmrc$"),
    ),
    (
        "strict-ssl false in .yarnrc",
        lazy_pattern(r"(?<![\w-])(?:strict-ssl\s+[\"']?false|enableStrictSsl:\s*false)\b", re.I),
        lazy_pattern(r"\.yarnrc(?:\.yml)?$"),
    ),
    (
        "insecure in .curlrc",
        lazy_pattern(r"^[ \t]*(?:-k|--insecure|insecure)[ \t]*$", re.M),
        lazy_pattern(r"curlrc$"),
    ),
    (
        "check_certificate = off in .wgetrc",
        lazy_pattern(r"(?<![\w-])check_certificate\s*=\s*off\b", re.I),
        lazy_pattern(r"wgetrc$"),
    ),
    (
        "http.sslVerify = false in .gitconfig",
        lazy_pattern(r"(?<![\w-])sslverify\s*=\s*false\b", re.I),
        lazy_pattern(r"gitconfig$"),
    ),
)
_SIGNATURE_FILES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("[trusted=yes] in an apt source", _TRUSTED[0], _APT_SOURCES),
    ("Trusted: yes in an apt source", _TRUSTED[1], _APT_SOURCES),
    (
        "AllowUnauthenticated, Force-Yes or AllowInsecureRepositories for apt",
        _APT_UNSIGNED,
        APT_CONF,
    ),
    ("gpgcheck=0 for yum/dnf/zypper repositories", _GPGCHECK_OFF, RPM_CONF),
)

_TLS_WHY = (
    "anyone on the network path (a proxy, a compromised mirror) can swap what is downloaded, "
    "and the swapped wheels, weights or scripts run in every job built from this image"
)
_TLS_FIX = (
    "keep verification on; for a private mirror or proxy with its own CA, add the CA "
    "(COPY ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates, or "
    "PIP_CERT / REQUESTS_CA_BUNDLE / NODE_EXTRA_CA_CERTS / git http.sslCAInfo)"
)
_SIG_WHY = (
    "a mirror or anyone on the network path can serve tampered packages, which then run as "
    "root in the build and ship in the image that trains and serves your models"
)
_SIG_FIX = (
    "import the repository's signing key (signed-by=/usr/share/keyrings/…gpg, rpm --import) "
    "and keep signature checks on"
)


def _loopback(hosts: str) -> bool:
    """Whether every host named (``localhost:3141 127.0.0.1``) is this machine: a local
    wheel server in the build crosses no network."""
    names = [h.rsplit(":", 1)[0] if h.count(":") == 1 else h for h in hosts.split()]
    return bool(names) and all(n.strip("[]") in ("localhost", "127.0.0.1", "::1") for n in names)


def _tls_env(name: str, value: str | None) -> tuple[str, Severity | None] | None:
    """Why setting ``name`` (to ``value``, None when unknown) turns TLS verification off."""
    if name == "GIT_SSL_NO_VERIFY":
        return "git skips certificate checks whenever GIT_SSL_NO_VERIFY is set, to any value", None
    if value is None:
        return None
    v = value.strip().lower()
    if name == "PYTHONHTTPSVERIFY" and v == "0":
        return "PYTHONHTTPSVERIFY=0 turns off certificate checks in Python's HTTPS clients", None
    if name == "NODE_TLS_REJECT_UNAUTHORIZED" and v == "0":
        return "NODE_TLS_REJECT_UNAUTHORIZED=0 makes Node.js accept any certificate", None
    if name.upper() == "NPM_CONFIG_STRICT_SSL" and v in ("false", "0"):
        return f"{name}={value} turns off npm's certificate checks", None
    if name == "YARN_ENABLE_STRICT_SSL" and v in _FALSE:
        return f"{name}={value} turns off yarn's certificate checks", None
    if name == "CONDA_SSL_VERIFY" and v in _FALSE:
        return f"{name}={value} turns off conda's certificate checks", None
    if name in ("PIP_TRUSTED_HOST", "UV_INSECURE_HOST") and v and not _loopback(v):
        return f"{name} makes pip/uv accept any certificate (or plain HTTP) from {value}", None
    if name == "GOINSECURE" and v:
        return f"GOINSECURE lets go fetch {value} without certificate checks", None
    if name == "CURL_CA_BUNDLE" and v == "":
        return (
            'CURL_CA_BUNDLE="" turns off certificate checks in requests before 2.28 (and in '
            "libraries that pin it, such as older huggingface_hub setups)",
            Severity.WARNING,
        )
    return None


def _assignments(command: Command) -> list[Word]:
    """``NAME=value`` words that set a variable for ``command`` or the rest of the script:
    leading assignments, ``env NAME=value cmd``, ``export NAME=value``."""
    words = list(command.assignments)
    argv = command.argv
    start = len(argv) - len(effective_argv(command))
    words += [w for w in argv[:start] if "=" in w.value and not w.value.startswith("-")]
    if command.name in ("export", "declare", "typeset", "readonly", "local"):
        words += [w for w in argv[1:] if "=" in w.value and not w.value.startswith("-")]
    return words


def _pip_argv(argv: tuple[Word, ...]) -> tuple[Word, ...] | None:
    """The argv of pip (``pip3 …``, ``python -m pip …``, ``uv pip …``), from the pip word."""
    name = argv[0].value.rpartition("/")[2]
    if _PIP.fullmatch(name) or name == "uv":
        return argv
    if _PYTHON.fullmatch(name):
        for k in range(1, len(argv) - 1):
            if argv[k].value == "-m" and argv[k + 1].value == "pip":
                return argv[k + 1 :]
            if argv[k].value == "-mpip":
                return argv[k:]
            if not argv[k].value.startswith("-"):
                return None
    return None


def _setting(words: Sequence[Word], key: re.Pattern[str]) -> tuple[Word, str] | None:
    """For ``tool config [set] KEY VALUE`` (or ``KEY=VALUE``): the key word and the value."""
    for k, w in enumerate(words):
        name, eq, value = w.value.partition("=")
        if not key.search(name):
            continue
        if eq:
            return w, value
        if k + 1 < len(words):
            return w, words[k + 1].value
    return None


def _tls_commands(command: Command) -> Iterator[tuple[Span, str]]:
    """(where, what) for each way ``command`` turns TLS verification off."""
    argv = effective_argv(command)
    if not argv:
        return
    tool = argv[0].value.rpartition("/")[2]
    if tool == "curl":
        inv = scan(command, "curl", argv=argv)
        for o in inv.options:
            if o.name in ("-k", "--insecure", "--proxy-insecure", "--doh-insecure"):
                yield o.word.span, f"curl {o.name}"
    elif tool == "wget":
        inv = scan(command, "wget", argv=argv)
        for o in inv.options:
            if (
                len(o.name) >= len("--no-check-c") and "--no-check-certificate".startswith(o.name)
            ) or (
                o.name == "--check-certificate" and (o.value or "").lower() in (*_FALSE, "quiet")
            ):
                yield o.word.span, f"wget {o.word.value}"
    elif tool == "aria2c":
        inv = scan(command, "aria2c", argv=argv)
        for o in inv.options:
            if o.name == "--check-certificate" and (o.value or "").lower() in _FALSE:
                yield o.word.span, f"aria2c {o.word.value}"
    elif tool == "git":
        inv = scan(command, "git", argv=argv)
        for o in inv.options:
            if o.name in ("-c", "--config") and o.value is not None:
                key, _, value = o.value.partition("=")
                if _GIT_SSL_KEY.match(key) and value.strip().lower() in _FALSE:
                    yield o.word.span, f"git {o.name} {o.value}"
        if inv.verb() == "config":
            found = _setting(inv.positionals[1:], _GIT_SSL_KEY)
            if found is not None and found[1].strip().lower() in _FALSE:
                yield found[0].span, f"git config {found[0].value} {found[1]}"
    elif tool in ("npm", "yarn", "pnpm"):
        inv = scan(command, "npm", argv=argv)
        for o in inv.options:
            if o.name == "--no-strict-ssl" or (
                o.name == "--strict-ssl" and (o.value or "").lower() == "false"
            ):
                yield o.word.span, f"{tool} {o.word.value}"
        if inv.verb() in ("config", "c", "set"):
            found = _setting(
                inv.positionals[1:], lazy_pattern(r"^(?:strict-ssl|enableStrictSsl)$", re.I)
            )
            if found is not None and found[1].strip("'\"").lower() in ("false", "0"):
                yield found[0].span, f"{tool} config set {found[0].value.split('=')[0]} false"
    elif FAMILIES.get(tool) == "conda":
        inv = scan(command, "conda", argv=argv)
        for o in inv.options:
            if o.name in ("-k", "--insecure") or (
                o.name == "--ssl-verify" and (o.value or "").lower() in _FALSE
            ):
                yield o.word.span, f"{tool} {o.word.value}"
        if inv.verb() == "config":
            found = _setting(argv[2:], lazy_pattern(r"^ssl_verify$"))
            if found is not None and found[1].strip("'\"").lower() in _FALSE:
                yield found[0].span, f"{tool} config ssl_verify {found[1]}"
    elif FAMILIES.get(tool) == "rpm":
        inv = scan(command, "rpm", argv=argv)
        for o in inv.options:
            if o.name == "--setopt" and o.value and _SSLVERIFY_OFF.search(o.value):
                yield o.word.span, f"{tool} --setopt={o.value}"
    elif tool == "zypper":
        inv = scan(command, "zypper", argv=argv)
        if inv.verb() in ("ar", "addrepo"):
            for w in inv.positionals[1:]:
                if re.search(r"[?&]ssl_verify=no\b", w.value, re.I):
                    yield w.span, "a zypper repository URL with ssl_verify=no"
    elif FAMILIES.get(tool) == "apt":
        inv = scan(command, "apt", argv=argv)
        for o in inv.options:
            if o.name in ("-o", "--option") and o.value and _APT_TLS_OFF.search(o.value):
                yield o.word.span, f"{tool} -o {o.value}"
    pip = _pip_argv(argv)
    if pip is not None:
        inv = scan(command, "pip", argv=pip)
        for o in inv.options:
            if (
                (len(o.name) >= len("--trus") and "--trusted-host".startswith(o.name))
                or o.name == "--allow-insecure-host"
            ) and not _loopback(o.value or ""):
                yield o.word.span, f"{inv.tool} {o.name}"
        if inv.verb() == "config":
            found = _setting(inv.positionals[1:], lazy_pattern(r"^[\w-]+\.trusted-host$"))
            if found is not None:
                yield found[0].span, f"pip config set {found[0].value.split('=')[0]}"


def _signature_commands(command: Command) -> Iterator[tuple[Span, str]]:
    """(where, what) for each way ``command`` skips package signature checks."""
    argv = effective_argv(command)
    if not argv:
        return
    tool = argv[0].value.rpartition("/")[2]
    family = FAMILIES.get(tool)
    if family == "apt":
        inv = scan(command, "apt", argv=argv)
        for o in inv.options:
            if o.name in (
                "--allow-unauthenticated",
                "--allow-insecure-repositories",
                "--allow-downgrade-to-insecure-repositories",
                "--force-yes",
            ) or (o.name in ("-o", "--option") and o.value and _APT_UNSIGNED.search(o.value)):
                yield o.word.span, f"{tool} {o.word.value}"
    elif family == "apk":
        inv = scan(command, "apk", argv=argv)
        for o in inv.options:
            if o.name == "--allow-untrusted":
                yield o.word.span, "apk --allow-untrusted"
    elif family == "rpm":
        inv = scan(command, "rpm", argv=argv)
        for o in inv.options:
            if o.name in ("--nogpgcheck", "--no-gpgchecks") or (
                o.name == "--setopt" and o.value and _GPGCHECK_OFF.search(o.value)
            ):
                yield o.word.span, f"{tool} {o.word.value}"
    elif family == "zypper":
        inv = scan(command, "zypper", argv=argv)
        repo = inv.verb() in ("ar", "addrepo", "mr", "modifyrepo")
        for o in inv.options:
            if o.name in ("--no-gpg-checks", "--allow-unsigned-rpm") or (
                repo
                and not o.before_verb
                and (o.name in ("-G", "--no-gpgcheck") or o.name.startswith("--gpgcheck-allow"))
            ):
                yield o.word.span, f"zypper {o.word.value}"
    elif tool == "rpm":
        inv = scan(command, "rpm-tool", argv=argv)
        if inv.has("-i", "-U", "-F", "--install", "--upgrade", "--freshen", "--reinstall"):
            for o in inv.options:
                if o.name in ("--nosignature", "--nodigest", "--noverify", "--nofiledigest"):
                    yield o.word.span, f"rpm {o.name}"


def _file_hits(
    df: Dockerfile, table: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]
) -> Iterator[tuple[Span, str, str]]:
    """(where, what, file) for configuration text written into a file of the kind that reads
    it. A file only known at build time is not judged."""
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        if target.keyword not in ("RUN", "COPY", "ADD"):
            continue
        for w in written(df, target):
            if "$" in w.target:
                continue
            for what, pattern, files in table:
                if not files.search(w.target):
                    continue
                for m in pattern.finditer(w.text):
                    start, end = m.span(m.lastindex or 0)
                    yield w.span(start, end), what, w.target


@rule("ML404")
def tls_verification_disabled(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in df.instructions:
        target = instr.trigger if instr.trigger is not None else instr
        if target.keyword not in ("ENV", "ARG"):
            continue
        for kv in target.pairs:
            if kv.value is None:
                continue  # ARG without a default: unset unless passed
            why = _tls_env(kv.key.text, kv.resolved)
            if why is not None:
                yield ctx.finding(
                    kv.key.span,
                    f"{why[0]} ({target.keyword}: for every later RUN"
                    f"{' and in the running container' if target.keyword == 'ENV' else ''}): "
                    f"{_TLS_WHY}",
                    fix=_TLS_FIX,
                    severity=why[1],
                )
    for instr in runs(df):
        commands = shell_commands(instr)
        for command in commands or ():
            for word in _assignments(command):
                name, _, value = word.value.partition("=")
                why = _tls_env(name, None if word.dynamic else value)
                if why is not None:
                    yield ctx.finding(
                        word.span, f"{why[0]}: {_TLS_WHY}", fix=_TLS_FIX, severity=why[1]
                    )
            for span, what in _tls_commands(command):
                yield ctx.finding(
                    span,
                    f"{what} turns off TLS certificate verification: {_TLS_WHY}",
                    fix=_TLS_FIX,
                )
    for span, what, path in _file_hits(df, _TLS_FILES):
        yield ctx.finding(
            span,
            f"{what} (written to {path}) turns off TLS certificate verification: {_TLS_WHY}",
            fix=_TLS_FIX,
        )


@rule("ML405")
def package_signature_disabled(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        for command in shell_commands(instr) or ():
            for span, what in _signature_commands(command):
                yield ctx.finding(
                    span,
                    f"{what} turns off package signature checks: {_SIG_WHY}",
                    fix=_SIG_FIX,
                )
    for span, what, path in _file_hits(df, _SIGNATURE_FILES):
        yield ctx.finding(
            span,
            f"{what} (written to {path}) turns off package signature checks: {_SIG_WHY}",
            fix=_SIG_FIX,
        )


# --------------------------------------------------------------------------- ML406

#: ``usermod``/``useradd -p`` values that lock the account or leave it to be set later.
_LOCKED = lazy_pattern(r"^(?:|\*|x|!.*)$")
_PW_WHY = (
    "the password (or its hash) is stored in the image layer and in docker history, so "
    "anyone who can pull the image can read or crack it and log in to every container "
    "started from it"
)
_PW_FIX = (
    "do not set passwords in the image: use key-based access or set the password at run "
    "time; if the build needs it, read it from RUN --mount=type=secret,id=pw "
    "(chpasswd < /run/secrets/pw)"
)


def _literal_feed(source: Command, colon: bool) -> bool:
    """Whether ``source`` (the command piped into chpasswd/passwd) is an echo/printf of text
    written in the Dockerfile (``user:password`` for chpasswd)."""
    argv = effective_argv(source)
    if not argv or argv[0].value.rpartition("/")[2] not in ("echo", "printf"):
        return False
    words = [w for w in argv[1:] if not w.value.startswith("-")]
    if not words or any(w.dynamic for w in words):
        return False
    return not colon or any(":" in w.value for w in words)


def _password_option(argv: Sequence[Word]) -> Word | None:
    """The literal value of ``usermod|useradd -p VALUE`` / ``--password VALUE``."""
    for k, w in enumerate(argv[1:], start=1):
        value: Word | None = None
        if w.value in ("-p", "--password") and k + 1 < len(argv):
            value = argv[k + 1]
        elif w.value.startswith("--password="):
            value = w._replace(value=w.value.partition("=")[2])
        elif w.value.startswith("-p") and len(w.value) > 2 and not w.value.startswith("--"):
            value = w._replace(value=w.value[2:])
        if value is not None:
            if value.dynamic or _LOCKED.match(value.value):
                return None
            return w
    return None


@rule("ML406")
def password_set_in_build(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for instr in runs(df):
        if any(not s.complete for s in instr.scripts):
            continue
        for script in instr.scripts:
            for _, pipeline in pipelines(script):
                for source, sink in itertools.pairwise(pipeline):
                    argv = effective_argv(sink)
                    if not argv:
                        continue
                    tool = argv[0].value.rpartition("/")[2]
                    if tool == "chpasswd" and _literal_feed(source, colon=True):
                        what = "chpasswd is fed a password written in the Dockerfile"
                    elif (
                        tool == "passwd"
                        and any(w.value == "--stdin" for w in argv[1:])
                        and _literal_feed(source, colon=False)
                    ):
                        what = "passwd --stdin is fed a password written in the Dockerfile"
                    else:
                        continue
                    yield ctx.finding(argv[0].span, f"{what}: {_PW_WHY}", fix=_PW_FIX)
            for command in script.commands:
                argv = effective_argv(command)
                if not argv or argv[0].value.rpartition("/")[2] not in ("usermod", "useradd"):
                    continue
                if _password_option(argv) is not None:
                    tool = argv[0].value.rpartition("/")[2]
                    yield ctx.finding(
                        argv[0].span,
                        f"{tool} -p sets a password hash written in the Dockerfile: {_PW_WHY}",
                        fix=_PW_FIX,
                    )


# --------------------------------------------------------------------------- ML407

#: File names that hold a credential, whatever folder they are copied from.
_CREDENTIAL_NAMES = {
    ".netrc": "a .netrc (login and password for hosts pip, curl and git talk to)",
    "_netrc": "a .netrc (login and password for hosts pip, curl and git talk to)",
    ".npmrc": "an .npmrc (npm registry tokens)",
    ".pypirc": "a .pypirc (PyPI upload credentials)",
    ".git-credentials": "a .git-credentials file (git passwords and tokens)",
    ".dockercfg": "a .dockercfg (registry logins)",
    "kaggle.json": "a kaggle.json (Kaggle API key)",
    "application_default_credentials.json": "Google Cloud application default credentials",
    ".env": "a .env file (the deploy environment's secrets)",
}
#: Path endings that hold a credential.
_CREDENTIAL_PATHS = (
    (".docker/config.json", "a Docker config.json (registry logins)"),
    (".aws/credentials", "AWS credentials"),
    (".kube/config", "a kubeconfig (cluster credentials)"),
    ("huggingface/token", "a Hugging Face token (huggingface-cli login)"),
    (".huggingface/token", "a Hugging Face token (huggingface-cli login)"),
)
_PRIVATE_KEY = lazy_pattern(r"^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$|.\.key$")
_ENV_TEMPLATE = lazy_pattern(r"^\.env\.(?:example|sample|template|dist|defaults?|tpl)$", re.I)


def credential_file(source: str) -> str | None:
    """What credential the build-context path ``source`` names, or None."""
    if source.endswith("/") or "://" in source or "$" in source:
        return None  # a directory, a URL, or only known at build time
    path = source.removeprefix("./")
    name = path.rpartition("/")[2]
    if name in _CREDENTIAL_NAMES:
        return _CREDENTIAL_NAMES[name]
    if name.startswith(".env.") and not _ENV_TEMPLATE.match(name):
        return "a .env file (the deploy environment's secrets)"
    for suffix, what in _CREDENTIAL_PATHS:
        if path == suffix or path.endswith("/" + suffix) or path == suffix.lstrip("."):
            return what
    if _PRIVATE_KEY.search(name):
        return "a private key"
    return None


@rule("ML407")
def credential_file_copied(df: Dockerfile, ctx: RuleContext[None]) -> Iterator[Hit]:
    for top in df.instructions:
        instr = top.trigger if top.trigger is not None else top
        if instr.keyword not in ("COPY", "ADD"):
            continue
        words = instr.exec_form if instr.exec_form is not None else instr.words
        for src in words[:-1]:
            raw = src.text if instr.exec_form is not None else src.text.strip("'\"")
            if raw.startswith("<<"):
                continue  # a heredoc: the text is in the Dockerfile
            what = credential_file(raw)
            if what is None:
                continue
            yield ctx.finding(
                src.span,
                f"{instr.keyword} {raw} puts {what} into an image layer: anyone who can pull "
                "the image (or its build cache) can read it, even if a later RUN deletes it; "
                "mount it for the RUN that needs it instead",
                fix="RUN --mount=type=secret,id=netrc,target=/root/.netrc pip install … "
                "(docker build --secret id=netrc,src=$HOME/.netrc)",
            )
