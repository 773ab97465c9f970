"""Package installs and downloads recognised in RUN scripts, including the look-alikes."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from mllint.model.span import Span
from mllint.parsers.commands import (
    Download,
    PackageInstall,
    downloads,
    package_installs,
    piped_to_interpreter,
)
from mllint.parsers.shell import Word, parse_shell


def installs(text: str) -> list[PackageInstall]:
    return list(package_installs(parse_shell(text)))


def install(text: str) -> PackageInstall:
    found = installs(text)
    assert len(found) == 1, text
    return found[0]


def values(words: Iterable[Word]) -> list[str]:
    return [w.value for w in words]


def download(text: str) -> Download:
    found = list(downloads(parse_shell(text)))
    assert len(found) == 1, text
    return found[0]


def piped(text: str) -> list[tuple[str, str]]:
    return [(d.tool, c.name) for d, c in piped_to_interpreter(parse_shell(text))]


# ----------------------------------------------------------------------------- pip


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("pip install torch", "pip"),
        ("pip3 install torch", "pip3"),
        ("pip3.11 install torch", "pip3.11"),
        ("python -m pip install torch", "python"),
        ("python3 -m pip install torch", "python3"),
        ("python3.11 -u -m pip install torch", "python3.11"),
        ("python3 -mpip install torch", "python3"),
        ("/opt/conda/bin/pip install torch", "pip"),
        ("sudo -H pip install torch", "pip"),
        ("env PIP_NO_CACHE_DIR=1 nice -n 5 time pip install torch", "pip"),
        ("sh -c 'pip install torch'", "pip"),
    ],
)
def test_pip_spellings(text: str, tool: str) -> None:
    found = install(text)
    assert (found.manager, found.tool) == ("pip", tool)
    assert values(found.packages) == ["torch"]


def test_pip_requirement_files_are_not_packages() -> None:
    found = install("pip install -r requirements.txt -rdev.txt --requirement=ci.txt -c pins.txt")
    assert found.packages == ()
    assert values(found.requirement_files) == ["requirements.txt", "dev.txt", "ci.txt"]
    assert values(found.constraint_files) == ["pins.txt"]
    assert all(found.has(f) for f in ("-r", "--requirement", "--constraint"))


def test_flag_values_are_not_packages() -> None:
    text = (
        "pip install --index-url https://download.pytorch.org/whl/cu121 -i https://mirror"
        " --extra-index-url=https://x -f ./wheels --trusted-host x --target /opt/t"
        " --python-version 3.11 --platform manylinux2014_x86_64 --progress-bar off"
        " --root / --prefix /usr --src /src torch torchvision"
    )
    found = install(text)
    assert values(found.packages) == ["torch", "torchvision"]
    assert found.options["--index-url"] is not None
    assert found.options["--index-url"].value == "https://mirror"  # the last one given
    assert found.options["-i"] is not None
    extra = found.options["--extra-index-url"]
    assert extra is not None
    assert extra.value == "https://x"
    assert extra.text == "https://x"
    assert extra.span.column == text.index("https://x\x20") + 1  # narrowed to the value


def test_editable_installs() -> None:
    found = install("python -m pip install -e . --editable=./lib")
    assert found.packages == ()
    assert values(found.editables) == [".", "./lib"]


def test_pip_option_normalisation() -> None:
    found = install("pip --no-cache-dir install -qU --user numpy")
    assert set(found.options) == {"--no-cache-dir", "-q", "--quiet", "-U", "--upgrade", "--user"}
    assert found.options["-U"] is None
    assert all(found.has(f) for f in ("--upgrade", "-U", "--quiet"))
    assert not found.has("--force-reinstall")
    assert values(found.packages) == ["numpy"]


def test_combined_short_flag_with_attached_value() -> None:
    found = install("pip install -qihttps://mirror torch")
    assert values(found.packages) == ["torch"]
    index = found.options["--index-url"]
    assert index is not None
    assert index.value == "https://mirror"
    assert index.span == Span(1, 16, 1, 30)


def test_quoted_packages_keep_their_words() -> None:
    found = install("pip install 'torch==2.3.*' \"numpy<2\" transformers[torch]")
    assert values(found.packages) == ["torch==2.3.*", "numpy<2", "transformers[torch]"]
    assert found.packages[0].text == "'torch==2.3.*'"
    assert found.packages[0].span == Span(1, 13, 1, 27)


@pytest.mark.parametrize(
    "text",
    [
        "pipx install black",
        "pipenv install",
        "pip download torch",
        "pip uninstall -y torch",
        "pip wheel -r requirements.txt",
        "pip --version",
        "python -m venv /venv",
        "python -c 'import pip'",
        "python script.py install",
        "echo pip install torch",
        "npm ci",
        "conda env create -f environment.yml",
        "uv venv",
        "uv tool install ruff",
        "apt-get update",
        "apt-get remove -y x",
        "command -v pip",
    ],
)
def test_not_an_install(text: str) -> None:
    assert installs(text) == []


# ----------------------------------------------------------------------------- uv


def test_uv() -> None:
    found = install("uv pip install --system torch==2.3")
    assert (found.manager, found.tool) == ("uv", "uv")
    assert values(found.packages) == ["torch==2.3"]
    assert found.has("--system")
    add = install("uv add -p 3.11 fastapi --extra-index-url https://x")
    assert values(add.packages) == ["fastapi"]
    assert add.options["--python"] is not None
    sync = install("uv sync --frozen --no-dev")
    assert (sync.manager, sync.packages) == ("uv", ())
    assert sync.has("--frozen")
    reqs = install("uv pip install -r requirements.txt --index-strategy unsafe-best-match")
    assert values(reqs.requirement_files) == ["requirements.txt"]
    assert reqs.packages == ()


# ----------------------------------------------------------------------------- system managers


def test_apt_get_flag_values() -> None:
    found = install("apt-get install -y --no-install-recommends -t bookworm-backports pkg")
    assert found.manager == "apt-get"
    assert values(found.packages) == ["pkg"]
    assert all(found.has(f) for f in ("-y", "--yes", "--assume-yes"))
    assert found.has("--no-install-recommends")
    release = found.options["--target-release"]
    assert release is not None
    assert release.value == "bookworm-backports"


def test_apt_flags_before_the_subcommand() -> None:
    found = install(
        "DEBIAN_FRONTEND=noninteractive apt-get -qq -o Dpkg::Use-Pty=0 -y install a b=1.2"
    )
    assert values(found.packages) == ["a", "b=1.2"]
    assert all(found.has(f) for f in ("--quiet", "--option"))
    apt = install("apt install --assume-yes curl")
    assert (apt.manager, values(apt.packages)) == ("apt", ["curl"])
    assert apt.has("-y")


def test_apk() -> None:
    found = install("apk add --no-cache --virtual .build-deps -X https://repo gcc musl-dev")
    assert found.manager == "apk"
    assert values(found.packages) == ["gcc", "musl-dev"]
    assert all(found.has(f) for f in ("--no-cache", "-t", "--virtual"))


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("conda install -y -c conda-forge -n base numpy=1.26", "conda"),
        ("mamba create -p /env --channel conda-forge numpy=1.26", "mamba"),
        ("micromamba install -y -r /opt/mamba -c pytorch numpy=1.26", "micromamba"),
    ],
)
def test_conda_family(text: str, tool: str) -> None:
    found = install(text)
    assert (found.manager, found.tool) == ("conda", tool)
    assert values(found.packages) == ["numpy=1.26"]
    assert found.has("--channel")


def test_conda_file_is_a_requirement_file() -> None:
    found = install("micromamba install -y -n base -f /tmp/env.yaml")
    assert found.packages == ()
    assert values(found.requirement_files) == ["/tmp/env.yaml"]


@pytest.mark.parametrize(
    ("text", "manager"),
    [
        ("yum -y install httpd", "yum"),
        ("dnf install -y --setopt=install_weak_deps=False --nodocs httpd", "dnf"),
        ("microdnf install --enablerepo epel -y httpd", "microdnf"),
        ("zypper --non-interactive install -y httpd", "zypper"),
        ("zypper -n in --no-recommends -r repo httpd", "zypper"),
        ("npm install -g --registry https://r --loglevel warn httpd", "npm"),
        ("npm i -D httpd", "npm"),
        ("npm add httpd", "npm"),
        ("gem install httpd -v 2.4 --no-document", "gem"),
        ("go install -ldflags '-s -w' -tags netgo httpd", "go"),
        ("go get -u httpd", "go"),
    ],
)
def test_other_managers(text: str, manager: str) -> None:
    found = install(text)
    assert found.manager == manager
    assert values(found.packages) == ["httpd"]


def test_yes_flags_across_managers() -> None:
    assert install("yum -y install x").has("--yes", "--assumeyes")
    assert install("dnf --assumeyes install x").has("-y")
    assert install("zypper install --no-confirm x").has("-y")
    assert not install("apk add x").has("-y")


def test_npm_install_without_packages() -> None:
    found = install("npm install --omit=dev")
    assert found.packages == ()
    omit = found.options["--omit"]
    assert omit is not None
    assert omit.value == "dev"


def test_go_flags_are_single_dash_words() -> None:
    found = install("go install -v -ldflags=-s golang.org/x/tools/cmd/goimports@latest")
    assert values(found.packages) == ["golang.org/x/tools/cmd/goimports@latest"]
    assert set(found.options) == {"-v", "-ldflags"}


def test_nested_and_chained_installs_in_order() -> None:
    text = "apt-get update && apt-get install -y python3-pip && bash -c 'pip3 install x'"
    assert [(i.manager, values(i.packages)) for i in installs(text)] == [
        ("apt-get", ["python3-pip"]),
        ("pip", ["x"]),
    ]


# ----------------------------------------------------------------------------- downloads


@pytest.mark.parametrize(
    ("text", "to_stdout", "output"),
    [
        ("curl -fsSL https://x/a.sh", True, None),
        ("curl -o out https://x/a", False, "out"),
        ("curl -sSLo out https://x/a", False, "out"),
        ("curl --output=out https://x/a", False, "out"),
        ("curl -O https://x/a", False, None),
        ("curl -fsSLO https://x/a", False, None),
        ("curl --remote-name https://x/a", False, None),
        ("curl -o - https://x/a", True, "-"),
        ("curl -H 'Accept: x' -d @data https://x/a", True, None),
        ("wget https://x/a", False, None),
        ("wget -q https://x/a -O a.tgz", False, "a.tgz"),
        ("wget -O- https://x/a", True, "-"),
        ("wget -O - https://x/a", True, "-"),
        ("wget -qO- https://x/a", True, "-"),
        ("wget -qO - https://x/a", True, "-"),
        ("wget -nv -O /dev/stdout https://x/a", True, "/dev/stdout"),
        ("wget --output-document=- https://x/a", True, "-"),
        ("wget -qO a https://x/a", False, "a"),
    ],
)
def test_curl_and_wget_outputs(text: str, to_stdout: bool, output: str | None) -> None:
    found = download(text)
    assert found.tool == text.split(maxsplit=1)[0]
    assert values(found.urls) == ["https://x/a" if "a.sh" not in text else "https://x/a.sh"]
    assert found.to_stdout is to_stdout
    assert (found.output.value if found.output else None) == output


def test_insecure_downloads() -> None:
    assert download("curl -fsSLk https://x").insecure
    assert download("curl --insecure https://x").insecure
    assert not download("curl -fsSL https://x").insecure
    assert download("wget --no-check-certificate https://x").insecure
    assert download("aria2c --check-certificate=false https://x").insecure
    assert download("git -c http.sslVerify=false clone https://x/r.git").insecure
    assert download("GIT_SSL_NO_VERIFY=1 git clone https://x/r.git").insecure


def test_curl_values_are_not_urls() -> None:
    found = download("curl -H 'X-Url: https://evil' -u me:pw --url https://x/a ftp://y/b")
    assert values(found.urls) == ["ftp://y/b", "https://x/a"]


def test_other_download_tools() -> None:
    hf = download("huggingface-cli download org/model --include '*.json' '*.bin' --local-dir /m")
    assert (hf.tool, values(hf.urls), hf.to_stdout) == ("huggingface-cli", ["org/model"], False)
    assert hf.output is not None
    assert hf.output.value == "/m"
    assert values(download("hf download org/model").urls) == ["org/model"]
    git = download("git clone --depth 1 -b v1 https://github.com/o/r.git /src")
    assert (git.tool, values(git.urls), git.output and git.output.value) == (
        "git", ["https://github.com/o/r.git"], "/src",
    )  # fmt: skip
    aria = download("aria2c -x 16 -o m.bin https://x/m.bin")
    assert (values(aria.urls), aria.output and aria.output.value) == (["https://x/m.bin"], "m.bin")


@pytest.mark.parametrize(
    "text",
    ["git pull", "git checkout main", "hf upload org/model .", "huggingface-cli login",
     "curl --version", "wget --help", "echo curl https://x"],
)  # fmt: skip
def test_not_a_download(text: str) -> None:
    assert list(downloads(parse_shell(text))) == []


# ----------------------------------------------------------------------------- piped to interpreter


@pytest.mark.parametrize(
    ("text", "tool", "interpreter"),
    [
        ("curl -fsSL https://x | sh", "curl", "sh"),
        ("curl -sSL https://x | bash -s -- --yes", "curl", "bash"),
        ("wget -qO- https://x | bash", "wget", "bash"),
        ("wget -O - https://x | sudo -E bash -", "wget", "sudo"),
        ("curl -fsSL https://x | sudo sh", "curl", "sudo"),
        ("curl -fsSL https://x | python3 -", "curl", "python3"),
        ("curl https://x | python3.11", "curl", "python3.11"),
        ("curl https://x | perl", "curl", "perl"),
        ("curl https://x | ruby", "curl", "ruby"),
        ("curl https://x | node", "curl", "node"),
        ("curl https://x | zsh", "curl", "zsh"),
        ("curl https://x |& ksh", "curl", "ksh"),
        ('sh -c "$(curl -fsSL https://x)"', "curl", "sh"),
        ('bash -c "$(wget -qO- https://x)"', "wget", "bash"),
        ("bash <(curl -fsSL https://x)", "curl", "bash"),
        ("bash -x <(curl -fsSL https://x) --yes", "curl", "bash"),
        ("source <(curl -fsSL https://x)", "curl", "source"),
        ("sudo bash -c '$(curl -fsSL https://x)'", "curl", "sudo"),
        ('eval "$(curl -fsSL https://x)"', "curl", "eval"),
        ("apt-get update && curl -fsSL https://x | bash - && echo ok", "curl", "bash"),
    ],
)
def test_piped_to_interpreter(text: str, tool: str, interpreter: str) -> None:
    assert piped(text) == [(tool, interpreter)]


@pytest.mark.parametrize(
    "text",
    [
        "curl -fsSL https://x -o install.sh && sh install.sh",
        "curl -fsSLO https://x/install.sh | sh",
        "curl -s https://api | python3 -c 'import json,sys; print(json.load(sys.stdin))'",
        "curl -s https://api | python3 -m json.tool",
        "curl -s https://x | perl -ne 'print if /v/'",
        "curl -s https://x | node -e 'process.stdin.pipe(process.stdout)'",
        "curl -s https://x | bash -c 'cat > f'",
        "curl -s https://x | bash script.sh",
        "curl -fsSL https://x | tar xz",
        "curl -fsSL https://x | tee install.sh | sh",
        "curl -fsSL https://x | gpg --dearmor -o /k.gpg",
        "wget -q https://x | sh",
        "curl https://x || sh",
        'sh -c "echo $(curl -fsSL https://x)"',
        'bash install.sh "$(curl -fsSL https://x)"',
        "bash -c 'cat $1' _ <(curl -fsSL https://x)",
        "diff <(curl -fsSL https://x) a",
        'echo "$(curl -fsSL https://x)"',
    ],
)
def test_not_piped_to_interpreter(text: str) -> None:
    assert piped(text) == []


def test_piped_pair_points_at_both_commands() -> None:
    script = parse_shell("curl -fsSL https://get.docker.com | sh")
    ((dl, sh),) = list(piped_to_interpreter(script))
    assert dl.command is script.commands[0]
    assert sh is script.commands[1]
    assert values(dl.urls) == ["https://get.docker.com"]
