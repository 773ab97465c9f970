"""Package installs and downloads recognised among the commands of a parsed RUN script.

Rules ask "which packages does this install, with which flags" and "what is downloaded, and
is it run straight away", independently of how the command was spelled (``python3.11 -m pip``,
``sudo -E apt-get -y install``, ``-fsSLk``). Everything here is pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from mllint.identity_cache import by_identity
from mllint.model.span import Span
from mllint.parsers.shell import Command, ShellScript, Word, effective_argv, shell_operand
from mllint.patterns import lazy_pattern


class PackageInstall(NamedTuple):
    """One package-manager install, with its packages separated from flag values."""

    manager: str
    tool: str
    command: Command
    packages: tuple[Word, ...]
    requirement_files: tuple[Word, ...]
    constraint_files: tuple[Word, ...]
    editables: tuple[Word, ...]
    options: dict[str, Word | None]

    def has(self, *flags: str) -> bool:
        """Whether any of ``flags`` was given, in any spelling the manager accepts."""
        aliases = _SPECS[self.manager].aliases
        return any(f in self.options or aliases.get(f, f) in self.options for f in flags)


class Download(NamedTuple):
    """A command that fetches something from the network."""

    tool: str
    command: Command
    urls: tuple[Word, ...]
    output: Word | None
    to_stdout: bool
    insecure: bool


# --------------------------------------------------------------------------- option specs


class _Spec(NamedTuple):
    """How a tool's options are spelled: which take a value, which spellings are the same."""

    values: frozenset[str]  # canonical options that take a value
    aliases: dict[str, str]  # any accepted spelling -> canonical option
    roles: dict[str, str]  # canonical option -> what its values are ("requirement", ...)
    single_dash_long: bool  # Go: -ldflags is one flag, not -l -d -f ...
    multi_value: frozenset[str]  # argparse nargs="*": values run until the next flag


def _spec(
    values: str,
    aliases: str,
    roles: dict[str, str] | None = None,
    yes: str | None = None,
    single_dash_long: bool = False,
    multi_value: str = "",
) -> _Spec:
    """Build a spec from space-separated tables; ``yes`` is the manager's assume-yes flag."""
    alias_map = dict(pair.split("=", 1) for pair in aliases.split())
    if yes is not None:
        for spelling in ("-y", "--yes", "--assume-yes", "--assumeyes"):
            alias_map.setdefault(spelling, yes)
    return _Spec(
        frozenset(values.split()),
        alias_map,
        roles or {},
        single_dash_long,
        frozenset(multi_value.split()),
    )


_PIP_ROLES = {
    "--requirement": "requirement",
    "--constraint": "constraint",
    "--editable": "editable",
}
_PIP_VALUES = (
    "--requirement --constraint --editable --target --platform --python-version --implementation"
    " --abi --root --prefix --src --upgrade-strategy --config-settings --global-option"
    " --install-option --build-option --report --index-url --extra-index-url --find-links"
    " --trusted-host --proxy --retries --timeout --exists-action --cert --client-cert --cache-dir"
    " --log --log-file --local-log --progress-bar --keyring-provider --python --no-binary"
    " --only-binary --use-feature --use-deprecated --root-user-action --group --build"
    " --resume-retries"
)
_PIP_ALIASES = (
    "-r=--requirement -c=--constraint -e=--editable -t=--target -i=--index-url -f=--find-links"
    " -U=--upgrade -q=--quiet -v=--verbose -I=--ignore-installed -C=--config-settings -b=--build"
    " -V=--version -h=--help"
)

_SPECS: dict[str, _Spec] = {
    "pip": _spec(_PIP_VALUES, _PIP_ALIASES, _PIP_ROLES),
    "uv": _spec(
        _PIP_VALUES
        + " --index --default-index --index-strategy --python-platform --resolution --prerelease"
        " --exclude-newer --link-mode --config-setting --directory --project --config-file --color"
        " --torch-backend --extra --package --script --tag --branch --rev --marker"
        " --build-constraint --override --overrides --optional --only-group --no-group"
        " --upgrade-package --reinstall-package --refresh-package --no-build-package"
        " --no-binary-package --allow-insecure-host --fork-strategy --bounds --python-preference"
        " --with-requirements",
        _PIP_ALIASES.replace("-C=--config-settings", "-C=--config-setting")
        + " -p=--python -P=--upgrade-package -n=--no-cache -b=--build-constraint"
        " --requirements=--requirement",
        _PIP_ROLES,
    ),
    "apt-get": _spec(
        "--target-release --option --config-file --host-architecture",
        "-t=--target-release --default-release=--target-release -o=--option -c=--config-file"
        " -a=--host-architecture -q=--quiet -f=--fix-broken -s=--simulate -d=--download-only"
        " -V=--verbose-versions -m=--ignore-missing -u=--show-upgraded -b=--compile -h=--help",
        yes="--yes",
    ),
    "apk": _spec(
        "--virtual --repository --repositories-file --root --arch --cache-dir --keys-dir --wait"
        " --progress-fd",
        "-t=--virtual -X=--repository -p=--root -U=--update-cache -q=--quiet -v=--verbose"
        " -u=--upgrade -l=--latest -i=--interactive -f=--force -s=--simulate -h=--help",
    ),
    "conda": _spec(
        "--channel --name --prefix --file --solver --repodata-fn --platform --subdir --clone"
        " --root-prefix --category --experimental-solver --channel-priority --rc-file --log-level",
        "-c=--channel -n=--name -p=--prefix -f=--file -q=--quiet -d=--dry-run -r=--root-prefix"
        " -S=--satisfied-skip-solve -k=--insecure -v=--verbose -h=--help",
        {"--file": "requirement"},
        yes="--yes",
    ),
    "yum": _spec(
        "--setopt --enablerepo --disablerepo --repo --repoid --installroot --releasever --config"
        " --exclude --forcearch --downloaddir --destdir --disableplugin --enableplugin"
        " --repofrompath --errorlevel --debuglevel --rpmverbosity --comment",
        "-q=--quiet -c=--config -x=--exclude -v=--verbose -C=--cacheonly -e=--errorlevel"
        " -d=--debuglevel -b=--best -h=--help",
        yes="--assumeyes",
    ),
    "zypper": _spec(
        "--repo --type --from --download --root --releasever --reposd-dir --cache-dir --config",
        "-n=--non-interactive -r=--repo -t=--type -l=--auto-agree-with-licenses -q=--quiet"
        " -f=--force -d=--download-only -D=--dry-run -R=--root -c=--config -C=--cache-dir"
        " -v=--verbose -h=--help",
        yes="--no-confirm",
    ),
    "npm": _spec(
        "--registry --loglevel --prefix --cache --tag --userconfig --globalconfig --omit --include"
        " --install-strategy --workspace --before --location --save-prefix --fetch-retries"
        " --fetch-timeout --proxy --https-proxy --noproxy --cafile --scope --otp --script-shell"
        " --node-options --audit-level",
        "-g=--global -D=--save-dev -P=--save-prod -O=--save-optional -E=--save-exact"
        " -B=--save-bundle -S=--save -f=--force -w=--workspace -q=--quiet -s=--silent"
        " -C=--prefix -h=--help",
        yes="--yes",
    ),
    "gem": _spec(
        "--version --install-dir --bindir --source --http-proxy --platform --trust-policy"
        " --document --build-root --target-rbconfig",
        "-v=--version -i=--install-dir -n=--bindir -s=--source -p=--http-proxy -P=--trust-policy"
        " -N=--no-document --no-doc=--no-document -f=--force -E=--env-shebang -q=--quiet"
        " -V=--verbose -w=--wrappers -u=--update-sources -l=--local -r=--remote -b=--both"
        " -h=--help",
    ),
    "go": _spec(
        "-tags -ldflags -gcflags -asmflags -mod -modfile -o -p -overlay -pgo -pkgdir -toolexec -C"
        " -compiler -gccgoflags -installsuffix -buildmode -exec -coverpkg",
        "",
        single_dash_long=True,
    ),
}
_SPECS["apt"] = _SPECS["apt-get"]
_SPECS["dnf"] = _SPECS["microdnf"] = _SPECS["yum"]

_CURL = _spec(
    "--output --user-agent --header --data --data-binary --data-raw --data-urlencode --data-ascii"
    " --request --user --referer --cookie --cookie-jar --form --form-string --upload-file --proxy"
    " --write-out --max-time --range --continue-at --cert --cacert --capath --key --pass --retry"
    " --retry-delay --retry-max-time --connect-timeout --output-dir --time-cond --config"
    " --dump-header --url --proto --proto-redir --limit-rate --speed-time --speed-limit --resolve"
    " --interface --quote --telnet-option --ftp-port --ciphers --proxy-user --oauth2-bearer"
    " --stderr --trace --trace-ascii --variable --json --max-filesize --max-redirs --noproxy"
    " --netrc-file --proxy-header --connect-to --unix-socket --cert-type --key-type --url-query"
    " --create-file-mode --tls-max --socks5 --socks5-hostname --preproxy --local-port",
    "-o=--output -O=--remote-name -A=--user-agent -H=--header -d=--data -X=--request -u=--user"
    " -e=--referer -b=--cookie -c=--cookie-jar -F=--form -T=--upload-file -x=--proxy"
    " -w=--write-out -m=--max-time -r=--range -C=--continue-at -E=--cert -K=--config"
    " -D=--dump-header -z=--time-cond -y=--speed-time -Y=--speed-limit -Q=--quote"
    " -t=--telnet-option -P=--ftp-port -U=--proxy-user -k=--insecure -L=--location -s=--silent"
    " -S=--show-error -f=--fail -I=--head -i=--include -v=--verbose -#=--progress-bar"
    " -g=--globoff -J=--remote-header-name -N=--no-buffer -Z=--parallel -R=--remote-time"
    " -n=--netrc -G=--get -V=--version -h=--help",
)
_WGET = _spec(
    "--output-document --output-file --append-output --directory-prefix --tries --timeout"
    " --user-agent --header --user --password --input-file --execute --wait --limit-rate"
    " --progress --level --accept --reject --domains --exclude-domains --waitretry --post-data"
    " --post-file --referer --ca-certificate --ca-directory --certificate --private-key --method"
    " --body-data --body-file --max-redirect --compression --quota --bind-address --dns-timeout"
    " --connect-timeout --read-timeout --http-user --http-password --proxy-user --proxy-password"
    " --load-cookies --save-cookies --base --config --restrict-file-names --default-page"
    " --cut-dirs --include-directories --exclude-directories --secure-protocol --ciphers"
    " --hsts-file --warc-file --accept-regex --reject-regex",
    "-O=--output-document -o=--output-file -a=--append-output -P=--directory-prefix -t=--tries"
    " -T=--timeout -U=--user-agent -i=--input-file -e=--execute -w=--wait -l=--level -A=--accept"
    " -R=--reject -D=--domains -B=--base -I=--include-directories -X=--exclude-directories"
    " -Q=--quota -q=--quiet -c=--continue -N=--timestamping -r=--recursive -S=--server-response"
    " -v=--verbose -x=--force-directories -b=--background -k=--convert-links -m=--mirror"
    " -p=--page-requisites -H=--span-hosts -np=--no-parent -nv=--no-verbose -nc=--no-clobber"
    " -nd=--no-directories -nH=--no-host-directories -E=--adjust-extension -V=--version"
    " -h=--help",
)
_ARIA2 = _spec(
    "--out --dir --split --max-connection-per-server --min-split-size --max-concurrent-downloads"
    " --input-file --log --checksum --header --user-agent --max-tries --retry-wait --timeout"
    " --connect-timeout --check-certificate --ca-certificate --torrent-file --metalink-file",
    "-o=--out -d=--dir -s=--split -x=--max-connection-per-server -k=--min-split-size"
    " -j=--max-concurrent-downloads -i=--input-file -l=--log -U=--user-agent -t=--timeout"
    " -m=--max-tries -T=--torrent-file -M=--metalink-file -c=--continue -q=--quiet"
    " -Z=--force-sequential -V=--check-integrity -v=--version",
)
_HF = _spec(
    "--repo-type --revision --include --exclude --cache-dir --local-dir --local-dir-use-symlinks"
    " --token --max-workers",
    "-h=--help",
    multi_value="--include --exclude",
)
_GIT = _spec(
    "--branch --depth --origin --upload-pack --reference --reference-if-able --separate-git-dir"
    " --config --shallow-since --shallow-exclude --filter --jobs --template --server-option"
    " --bundle-uri --git-dir --work-tree --namespace --exec-path -C",
    "-b=--branch -o=--origin -u=--upload-pack -c=--config -j=--jobs -q=--quiet -v=--verbose"
    " -n=--no-checkout -l=--local -s=--shared",
    {"--config": "config"},
)


class _Parsed(NamedTuple):
    positionals: list[Word]
    options: dict[str, Word | None]
    roles: dict[str, list[Word]]


def _tail(word: Word, k: int) -> Word:
    """The part of ``word`` after its first ``k`` value characters (``--opt=VALUE``, ``-rFILE``).

    The span is narrowed only when the prefix was written literally on one line; otherwise the
    whole word's span stays, which is still the right place to point at.
    """
    value = word.value[k:]
    span = word.span
    if word.text[:k] != word.value[:k] or span.line != span.end_line:
        return Word(word.text, value, span, word.dynamic, word.quoted)
    text = word.text[k:]
    return Word(
        text,
        value,
        Span(span.line, span.column + k, span.end_line, span.end_column),
        word.dynamic and ("$" in text or "`" in text),
        word.quoted and any(q in text for q in "'\"\\"),
    )


def _parse_options(words: Sequence[Word], spec: _Spec) -> _Parsed:
    """Split words into positionals and options (short clusters decoded, values attached)."""
    parsed = _Parsed([], {}, {})

    def record(spelling: str, value: Word | None) -> None:
        canonical = spec.aliases.get(spelling, spelling)
        parsed.options[spelling] = value
        parsed.options[canonical] = value
        role = spec.roles.get(canonical)
        if role is not None and value is not None:
            parsed.roles.setdefault(role, []).append(value)

    i = 0
    while i < len(words):
        word = words[i]
        v = word.value
        i += 1
        if v == "--":
            parsed.positionals.extend(words[i:])
            break
        if len(v) < 2 or v[0] != "-":
            parsed.positionals.append(word)
            continue
        if v.startswith("--") or spec.single_dash_long:
            name, eq, _ = v.partition("=")
            if spec.single_dash_long:
                name = "-" + name.lstrip("-")
            canonical = spec.aliases.get(name, name)
            if eq:
                record(name, _tail(word, v.index("=") + 1))
            elif canonical in spec.multi_value:
                while i < len(words) and not words[i].value.startswith("-"):
                    record(name, words[i])
                    i += 1
            elif canonical in spec.values and i < len(words):
                record(name, words[i])
                i += 1
            else:
                record(name, None)
            continue
        j = 1
        while j < len(v):
            letter = v[j]
            spelling = "-" + letter
            if letter == "n" and j + 1 < len(v) and "-n" + v[j + 1] in spec.aliases:
                spelling = "-n" + v[j + 1]  # wget's two-letter short options: -nv, -nc, ...
                j += 1
            j += 1
            if spec.aliases.get(spelling, spelling) not in spec.values:
                record(spelling, None)
                continue
            if j < len(v):
                record(spelling, _tail(word, j + (v[j] == "=")))
            elif i < len(words):
                record(spelling, words[i])
                i += 1
            else:
                record(spelling, None)
            break
    return parsed


# --------------------------------------------------------------------------- installs

_PIP = lazy_pattern(r"pip(?:\d+(?:\.\d+)*)?")
_PYTHON = lazy_pattern(r"python(?:\d+(?:\.\d+)*)?")
_MANAGERS = {
    "uv": "uv",
    "apt-get": "apt-get",
    "apt": "apt",
    "apk": "apk",
    "conda": "conda",
    "mamba": "conda",
    "micromamba": "conda",
    "yum": "yum",
    "dnf": "dnf",
    "dnf5": "dnf",
    "microdnf": "microdnf",
    "zypper": "zypper",
    "npm": "npm",
    "gem": "gem",
    "go": "go",
}
_INSTALL_VERBS = {
    "pip": "install",
    "apt-get": "install",
    "apt": "install",
    "apk": "add",
    "conda": "install create",
    "yum": "install",
    "dnf": "install",
    "microdnf": "install",
    "zypper": "install in",
    "npm": "install i add in ins inst insta instal isnt isnta isntal isntall",
    "gem": "install",
    "go": "install get",
}  # manager -> space-separated subcommands that install


def _basename(word: Word) -> str:
    return word.value.rpartition("/")[2]


def _python_module(argv: Sequence[Word]) -> tuple[str, int] | None:
    """For ``python [options] -m MODULE ...``: the module and the index of its first argument."""
    i = 1
    while i < len(argv):
        v = argv[i].value
        i += 1
        if len(v) < 2 or v[0] != "-" or v.startswith("--"):
            return None
        for j in range(1, len(v)):
            letter = v[j]
            if letter == "c":
                return None
            if letter in "mWX":
                if j + 1 < len(v):
                    value = v[j + 1 :]
                elif i < len(argv):
                    value = argv[i].value
                    i += 1
                else:
                    return None
                if letter == "m":
                    return value, i
                break
    return None


def _install(command: Command) -> PackageInstall | None:
    argv = effective_argv(command)
    if not argv:
        return None
    tool = _basename(argv[0])
    rest: Sequence[Word] = argv[1:]
    if _PIP.fullmatch(tool):
        manager = "pip"
    elif _PYTHON.fullmatch(tool):
        module = _python_module(argv)
        if module is None or module[0] != "pip":
            return None
        manager, rest = "pip", argv[module[1] :]
    else:
        manager = _MANAGERS.get(tool, "")
        if not manager:
            return None
    parsed = _parse_options(rest, _SPECS[manager])
    verbs = [w.value for w in parsed.positionals[:2]]
    if manager == "uv":
        if verbs[:2] == ["pip", "install"]:
            packages = parsed.positionals[2:]
        elif verbs[:1] == ["add"]:
            packages = parsed.positionals[1:]
        elif verbs[:1] == ["sync"]:
            packages = []
        else:
            return None
    elif verbs[:1] and verbs[0] in _INSTALL_VERBS[manager].split():
        packages = parsed.positionals[1:]
    else:
        return None
    roles = parsed.roles
    return PackageInstall(
        manager,
        tool,
        command,
        tuple(packages),
        tuple(roles.get("requirement", ())),
        tuple(roles.get("constraint", ())),
        tuple(roles.get("editable", ())),
        parsed.options,
    )


def package_installs(script: ShellScript) -> Iterator[PackageInstall]:
    """Every package install in ``script``, nested ones included, in command order."""
    return iter(_installs_of(script))


@by_identity(4096)
def _installs_of(script: ShellScript) -> tuple[PackageInstall, ...]:
    return tuple(i for c in script.commands if (i := _install(c)) is not None)


# --------------------------------------------------------------------------- downloads

_URL = lazy_pattern(r"(?:https?|ftps?)://", re.IGNORECASE)
_STDOUT = frozenset({"-", "/dev/stdout"})
_SSL_VERIFY_OFF = lazy_pattern(r"http\.sslverify\s*=\s*(?:false|no|off|0)\s*$", re.IGNORECASE)


def _urls(words: Sequence[Word]) -> tuple[Word, ...]:
    return tuple(w for w in words if _URL.match(w.value))


def _download(command: Command) -> Download | None:
    argv = effective_argv(command)
    if not argv:
        return None
    tool = _basename(argv[0])
    rest = argv[1:]
    if tool == "curl":
        p = _parse_options(rest, _CURL)
        if "--version" in p.options or "--help" in p.options:
            return None
        output = p.options.get("--output")
        url_option = p.options.get("--url")
        to_stdout = (output is None or output.value in _STDOUT) and "--remote-name" not in p.options
        to_stdout = to_stdout and "--remote-name-all" not in p.options
        urls = _urls(p.positionals) + ((url_option,) if url_option is not None else ())
        insecure = "--insecure" in p.options
        return Download(tool, command, urls, output, to_stdout, insecure)
    if tool == "wget":
        p = _parse_options(rest, _WGET)
        if "--version" in p.options or "--help" in p.options:
            return None
        output = p.options.get("--output-document")
        to_stdout = output is not None and output.value in _STDOUT
        insecure = "--no-check-certificate" in p.options
        return Download(tool, command, _urls(p.positionals), output, to_stdout, insecure)
    if tool == "aria2c":
        p = _parse_options(rest, _ARIA2)
        check = p.options.get("--check-certificate")
        insecure = check is not None and check.value.lower() == "false"
        return Download(
            tool, command, _urls(p.positionals), p.options.get("--out"), False, insecure
        )
    if tool in ("huggingface-cli", "hf"):
        p = _parse_options(rest, _HF)
        if len(p.positionals) < 2 or p.positionals[0].value != "download":
            return None
        return Download(
            tool, command, (p.positionals[1],), p.options.get("--local-dir"), False, False
        )
    if tool == "git":
        p = _parse_options(rest, _GIT)
        if len(p.positionals) < 2 or p.positionals[0].value != "clone":
            return None
        insecure = any(_SSL_VERIFY_OFF.match(w.value) for w in p.roles.get("config", ())) or any(
            w.value.startswith("GIT_SSL_NO_VERIFY=") and w.value != "GIT_SSL_NO_VERIFY="
            for w in (*command.assignments, *argv)
        )
        output = p.positionals[2] if len(p.positionals) > 2 else None
        return Download(tool, command, (p.positionals[1],), output, False, insecure)
    return None


def _indexed_downloads(script: ShellScript) -> Iterator[tuple[int, Download]]:
    for index, command in enumerate(script.commands):
        download = _download(command)
        if download is not None:
            yield index, download


def downloads(script: ShellScript) -> Iterator[Download]:
    """Every curl, wget, aria2c, ``hf download`` and ``git clone`` in ``script``."""
    for _, download in _indexed_downloads(script):
        yield download


# --------------------------------------------------------------------------- piped to interpreter

_SHELL_INTERPRETERS = frozenset({"sh", "bash", "zsh", "ash", "dash", "ksh", "mksh"})
_EVAL_FLAGS = {"perl": "eE", "ruby": "e", "node": "ep"}
_NODE_LONG = frozenset({"--eval", "--print"})


def _reads_script_from_stdin(command: Command) -> bool:
    """Whether ``command`` is an interpreter that executes what arrives on its stdin.

    ``python3 -c '...json.load(sys.stdin)...'`` or ``bash script.sh`` only read data, so
    ``curl ... | python3 -c ...`` is not running downloaded code.
    """
    argv = effective_argv(command)
    if not argv:
        return False
    name = _basename(argv[0])
    if name in _SHELL_INTERPRETERS:
        code_flags, value_flags = "c", "oO"
    elif _PYTHON.fullmatch(name):
        code_flags, value_flags = "cm", "WX"
    elif name in _EVAL_FLAGS:
        code_flags, value_flags = _EVAL_FLAGS[name], "r" if name == "node" else ""
    else:
        return False
    i = 1
    while i < len(argv):
        v = argv[i].value
        i += 1
        if v == "-":
            return True
        if len(v) < 2 or v[0] not in "-+":
            return False  # a script file
        if v.startswith("--"):
            if v in _NODE_LONG:
                return False
            continue
        letters = v[1:]
        for j, letter in enumerate(letters):
            if letter in code_flags:
                return False
            if letter == "s" and name in _SHELL_INTERPRETERS:
                return True  # sh -s: the script is stdin
            if letter in value_flags:
                i += j == len(letters) - 1  # the value is the next word unless attached
                break
    return True


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def _is_substitution(word: Word) -> bool:
    """Whether the whole word is one command substitution: its output is the word."""
    value = word.value.strip()
    return (value.startswith("$(") and value.endswith(")")) or (
        len(value) > 1 and value[0] == value[-1] == "`"
    )


def _substituted_scripts(command: Command) -> list[Word]:
    """Words whose expansion ``command`` runs as code: ``sh -c "$(...)"``, ``bash <(...)``,
    ``eval "$(...)"``, ``source <(...)``."""
    argv = effective_argv(command)
    if len(argv) < 2:
        return []
    name = _basename(argv[0])
    if name == "eval":
        return [w for w in argv[1:] if _is_substitution(w)]
    if name in ("source", "."):
        return [argv[1]] if argv[1].value.startswith("<(") else []
    if name not in _SHELL_INTERPRETERS:
        return []
    index, seen_c = shell_operand(argv)
    if index >= len(argv):
        return []
    script = argv[index]
    runs = _is_substitution(script) if seen_c else script.value.startswith("<(")
    return [script] if runs else []


def piped_to_interpreter(script: ShellScript) -> Iterator[tuple[Download, Command]]:
    """Downloads whose content is executed right away, with the interpreter running it.

    Covers ``curl ... | sh`` (the very next command of the pipeline, through ``sudo``),
    ``sh -c "$(curl ...)"``, ``eval "$(curl ...)"`` and ``bash <(curl ...)``.
    """
    commands = script.commands
    found = {i: d for i, d in _indexed_downloads(script) if d.to_stdout}
    for index, download in found.items():
        command = download.command
        if not command.pipe_out:
            continue
        for following in commands[index + 1 :]:
            if following.depth > command.depth:
                continue  # commands nested in the download's own words
            if (
                following.depth == command.depth
                and following.pipe_in
                and _reads_script_from_stdin(following)
            ):
                yield download, following
            break
    for index, command in enumerate(commands):
        words = _substituted_scripts(command)
        j = index + 1
        while words and j < len(commands) and commands[j].depth > command.depth:
            nested = found.get(j)
            if nested is not None and any(_within(nested.command.span, w.span) for w in words):
                yield nested, command
            j += 1
