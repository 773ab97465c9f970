"""Config files: discovery, every key's effect through the real CLI, precedence, one-line
errors that name file, line and the nearest valid name, ``mllint init``, globs, the schema."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path, PurePath
from typing import Any, NamedTuple

import pytest

from mllint.catalog import Catalog, load_catalog
from mllint.config import (
    KEYS,
    Config,
    ConfigError,
    GlobError,
    PathMatcher,
    apply_config,
    compile_glob,
    find_config,
    load_config,
    option_type_error,
    schema_path,
    starter,
)
from mllint.engine.finding import Severity
from mllint.engine.registry import REGISTRY, RegisteredRule
from mllint.lint import Settings
from tests.helpers import ROOT, run_cli, write

BAD = "FROM python\nRUN pip install requests\n"  # ML201, ML101, ML301 (info), ML102
INFO_ONLY = "FROM python:3.11\nRUN pip install x==1\nUSER 1\n"  # only ML301 (info)
COMPOSE = "services:\n  web:\n    image: nginx\n"  # ML302, ML103


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository root: the upward search stops here."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def rules_reported(result: Any) -> list[tuple[str, str]]:
    """(path, rule id) of each finding in a concise report (paths normalised: a walk of '.'
    reports './Dockerfile')."""
    out = []
    for line in result.stdout.splitlines():
        match = re.match(r"(.+?):\d+:\d+: (ML\d{3}) ", line)
        if match:
            out.append((os.path.normpath(match.group(1)), match.group(2)))
    return out


def ids(result: Any) -> set[str]:
    return {rule for _, rule in rules_reported(result)}


def lint(project: Path, *args: str) -> Any:
    return run_cli("--format", "concise", *args, cwd=project)


def one_error(result: Any) -> str:
    """The single stderr line of a config error, after checking exit 2 and no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mllint: error: ")
    return lines[0].removeprefix("mllint: error: ")


# --------------------------------------------------------------------------- discovery


def test_found_upwards_from_a_file_and_from_a_folder(project: Path) -> None:
    config = write(project, ".mllint.yaml", "ignore: [ML101]\n")
    dockerfile = write(project, "a/b/Dockerfile", BAD)
    assert find_config(dockerfile) == config
    assert find_config(dockerfile.parent) == config
    assert find_config(project) == config
    result = lint(project, "a/b/Dockerfile")
    assert result.returncode == 1
    assert "ML101" not in ids(result) and "ML102" in ids(result)


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path, ".mllint.yaml", "ignore: [ML101]\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    dockerfile = write(repo, "svc/Dockerfile", BAD)
    assert find_config(dockerfile) is None
    assert "ML101" in ids(lint(repo, "svc"))
    # A .git file (a worktree or a submodule) is a boundary too.
    (repo / ".git").rmdir()
    write(repo, ".git", "gitdir: ../elsewhere\n")
    assert find_config(dockerfile) is None
    (repo / ".git").unlink()
    assert find_config(dockerfile) == tmp_path / ".mllint.yaml"


def test_yaml_wins_over_pyproject_and_yaml_over_yml(project: Path) -> None:
    write(project, "pyproject.toml", '[tool.mllint]\nignore = ["ML102"]\n')
    assert find_config(project) == project / "pyproject.toml"
    write(project, ".mllint.yml", "ignore: [ML201]\n")
    assert find_config(project) == project / ".mllint.yml"
    write(project, ".mllint.yaml", "ignore: [ML101]\n")
    assert find_config(project) == project / ".mllint.yaml"
    write(project, "Dockerfile", BAD)
    found = ids(lint(project))
    assert "ML101" not in found and {"ML102", "ML201"} <= found


def test_pyproject_without_table_is_passed_over(project: Path) -> None:
    write(project, ".mllint.yaml", "ignore: [ML101]\n")
    write(project, "svc/pyproject.toml", '[project]\nname = "svc"\n[tool.ruff]\nline-length = 99\n')
    assert find_config(project / "svc") == project / ".mllint.yaml"
    # Someone else's broken pyproject.toml is not ours to judge...
    write(project, "svc/pyproject.toml", "[project\nname = 'mllint-docker'\n")
    assert find_config(project / "svc") == project / ".mllint.yaml"
    # ...but a broken [tool.mllint] table is.
    write(project, "svc/pyproject.toml", "[tool.mllint]\nselect = [\n")
    write(project, "svc/Dockerfile", BAD)
    message = one_error(lint(project, "svc"))
    assert message.startswith(f"{Path('svc', 'pyproject.toml')}:") and "not valid TOML" in message


def test_nearer_pyproject_wins_over_farther_yaml(project: Path) -> None:
    write(project, ".mllint.yaml", "ignore: [ML101]\n")
    write(project, "svc/pyproject.toml", '[tool.mllint]\nignore = ["ML102"]\n')
    write(project, "svc/Dockerfile", BAD)
    found = ids(lint(project, "svc/Dockerfile"))
    assert "ML101" in found and "ML102" not in found


def test_config_option_and_isolated(project: Path) -> None:
    write(project, ".mllint.yaml", "ignore: [ML101]\n")
    write(project, "other.yaml", "ignore: [ML102]\n")
    write(project, "ci.toml", 'ignore = ["ML201"]\n')  # not pyproject.toml: top-level keys
    write(project, "Dockerfile", BAD)
    assert "ML101" not in ids(lint(project))
    named = ids(lint(project, "--config", "other.yaml"))
    assert "ML101" in named and "ML102" not in named
    assert "ML201" not in ids(lint(project, "--config", "ci.toml"))
    assert {"ML101", "ML102", "ML201"} <= ids(lint(project, "--isolated"))
    assert "--isolated" in one_error(lint(project, "--isolated", "--config", "other.yaml"))
    assert one_error(lint(project, "--config", "nope.yaml")) == "nope.yaml: no such config file"


def test_stdin_uses_the_working_directory(project: Path) -> None:
    write(project, ".mllint.yaml", "ignore: [ML101]\n")
    result = run_cli("--format", "concise", "-", stdin=BAD, cwd=project)
    assert result.returncode == 1
    assert "ML101" not in ids(result) and "ML102" in ids(result)


def test_compose_files_named_with_f_find_the_config(project: Path) -> None:
    write(project, "deploy/.mllint.yaml", "ignore: [ML103]\n")
    write(project, "deploy/compose.yaml", COMPOSE)
    found = ids(lint(project, "-f", "deploy/compose.yaml"))
    assert "ML302" in found and "ML103" not in found


# --------------------------------------------------------------------------- keys


def test_select_extend_select_ignore(project: Path) -> None:
    write(project, "Dockerfile", BAD)
    write(
        project, ".mllint.yaml", "select: [ML1]\nextend-select: [runs-as-root]\nignore: [ML102]\n"
    )
    assert ids(lint(project)) == {"ML101", "ML201"}
    write(project, ".mllint.yaml", "select: [reproducibility]\n")
    assert ids(lint(project)) == {"ML101", "ML102"}
    write(project, ".mllint.yaml", "select: []\n")
    assert ids(lint(project)) == set()


def test_per_file_ignores(project: Path) -> None:
    write(project, "services/api/Dockerfile", BAD)
    write(project, "legacy/old/Dockerfile", BAD)
    write(project, "deploy/compose.yaml", COMPOSE)
    write(
        project,
        ".mllint.yaml",
        'per-file-ignores:\n  "legacy/**": [ALL]\n  "**/compose.yaml": [ML302]\n'
        '  "Dockerfile": [ML301, unpinned-base-image]\n',
    )
    found = set(rules_reported(lint(project)))
    assert not any(path.startswith("legacy") for path, _ in found)
    assert ("deploy/compose.yaml", "ML103") in found
    assert ("deploy/compose.yaml", "ML302") not in found
    api = {rule for path, rule in found if path == "services/api/Dockerfile"}
    assert api == {"ML102", "ML201"}  # a glob without '/' matches the name anywhere


def test_per_file_ignores_are_relative_to_the_config_file(project: Path) -> None:
    write(project, "repo/.mllint.yaml", 'per-file-ignores:\n  "svc/*": [ML101]\n')
    write(project, "repo/svc/Dockerfile", BAD)
    # Run from elsewhere: the glob is still read from the config file's folder.
    result = run_cli("--format", "concise", str(project / "repo"), cwd=project.parent)
    found = ids(result)
    assert "ML101" not in found and "ML102" in found


def test_severity_override_changes_what_fails(project: Path) -> None:
    write(project, "Dockerfile", INFO_ONLY)
    assert lint(project).returncode == 0
    write(project, ".mllint.yaml", "severity:\n  pip-cache-in-layer: warning\n")
    assert lint(project).returncode == 1
    document = json.loads(run_cli("--format", "json", cwd=project).stdout)
    assert [(f["rule"], f["severity"]) for f in document["findings"]] == [("ML301", "warning")]


def test_fail_on_and_its_cli_override(project: Path) -> None:
    write(project, "Dockerfile", INFO_ONLY)
    write(project, "pyproject.toml", '[tool.mllint]\nfail-on = "info"\n')
    assert lint(project).returncode == 1
    assert lint(project, "--fail-on", "warning").returncode == 0
    write(project, "Dockerfile", BAD)
    write(project, "pyproject.toml", '[tool.mllint]\nfail-on = "error"\n')
    assert lint(project).returncode == 0
    assert lint(project, "--fail-on", "warning").returncode == 1


def test_exclude_applies_while_walking_only(project: Path) -> None:
    write(project, "third_party/x/Dockerfile", BAD)
    write(project, "vendor/Dockerfile", BAD)
    write(project, "app/Dockerfile.legacy", BAD)
    write(project, "app/Dockerfile", INFO_ONLY)
    write(project, ".mllint.yaml", 'exclude: ["third_party/**", vendor, "*.legacy"]\n')
    walked = {path for path, _ in rules_reported(lint(project, "--fail-on", "info"))}
    assert walked == {"app/Dockerfile"}
    # Named on the command line, a file is linted; so is what is below a named folder.
    assert {p for p, _ in rules_reported(lint(project, "vendor/Dockerfile"))} == {
        "vendor/Dockerfile"
    }
    assert {p for p, _ in rules_reported(lint(project, "vendor"))} == {"vendor/Dockerfile"}
    # (The folder named is not judged, what is below it is: 'third_party/**' matches
    # 'third_party/x/Dockerfile' itself, as in ruff.)
    assert rules_reported(lint(project, "third_party/x")) == []


def test_exclude_covers_dockerfiles_a_compose_service_builds(project: Path) -> None:
    write(project, "compose.yaml", "services:\n  train:\n    build: ./train\n")
    write(project, "train/Dockerfile", BAD)
    assert any(p == "train/Dockerfile" for p, _ in rules_reported(lint(project, "compose.yaml")))
    write(project, ".mllint.yaml", "exclude: [train]\n")
    assert not any(p.startswith("train") for p, _ in rules_reported(lint(project, "compose.yaml")))


# --------------------------------------------------------------------------- precedence


def test_cli_select_starts_over(project: Path) -> None:
    write(project, "Dockerfile", BAD)
    write(project, ".mllint.yaml", "select: [ML1]\nextend-select: [ML301]\nignore: [ML101]\n")
    assert ids(lint(project)) == {"ML102", "ML301"}
    # As in ruff: the command line's --select replaces the file's whole selection...
    assert ids(lint(project, "--select", "ML101")) == {"ML101"}
    # ...while --extend-select and --ignore adjust it.
    assert ids(lint(project, "--extend-select", "ML101,ML201")) == {
        "ML101",
        "ML102",
        "ML201",
        "ML301",
    }
    assert ids(lint(project, "--ignore", "ML102")) == {"ML301"}


def test_apply_config_layers_settings_over_the_file(tmp_path: Path) -> None:
    config = Config(
        path=tmp_path / ".mllint.yaml",
        select=("ML1",),
        ignore=("ML101",),
        severity={"ML101": Severity.ERROR, "ML102": Severity.INFO},
        per_file_ignores=(("a/*", ("ML102",)),),
        exclude=("x",),
    )
    cli = Settings(extend_select=["ML201"], severities={"ML102": Severity.WARNING})
    merged = apply_config(config, cli)
    from mllint.catalog import load_catalog

    every_ml1 = sorted(i for i in load_catalog() if i.startswith("ML1"))
    assert list(merged.select or ()) == [i for i in every_ml1 if i != "ML101"]
    assert list(merged.extend_select) == ["ML201"]
    assert merged.severities == {"ML101": Severity.ERROR, "ML102": Severity.WARNING}
    assert merged.per_file_ignores == (("a/*", ("ML102",)),)
    assert merged.exclude == ("x",) and merged.root == str(tmp_path)
    assert apply_config(None, cli) is cli


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "pyproject.toml",
            '[project]\nname = "x"\n\n[tool.mllint]\nselect = ["ML1"]\nselct = ["ML2"]\n',
            "pyproject.toml:6: unknown key 'selct' in [tool.mllint] (did you mean 'select'?)",
        ),
        (
            ".mllint.yaml",
            "# comment\nselect: [ML1]\nper-file-ignore:\n  a: [ML1]\n",
            ".mllint.yaml:3: unknown key 'per-file-ignore' (did you mean 'per-file-ignores'?)",
        ),
        (
            ".mllint.yaml",
            "select:\n  - ML1\n  - securty\n",
            ".mllint.yaml:3: unknown rule, prefix or category 'securty' (did you mean 'security'?)",
        ),
        (
            "pyproject.toml",
            '[tool.mllint]\nignore = [\n  "ML101",\n  "ML1O2",\n]\n',
            "pyproject.toml:4: unknown rule, prefix or category 'ML1O2' (did you mean 'ML102'?)",
        ),
        (
            "pyproject.toml",
            '[tool.mllint.per-file-ignores]\n"tests/**" = ["ML101"]\n"a[b" = ["ML101"]\n',
            "pyproject.toml:3: bad glob 'a[b' in 'per-file-ignores': '[' without a closing ']'",
        ),
        (
            ".mllint.yaml",
            "exclude:\n  - ok/**\n  - a**b\n",
            ".mllint.yaml:3: bad glob 'a**b' in 'exclude': '**' must be a whole path segment, "
            "as in 'a/**/b'",
        ),
        (
            "pyproject.toml",
            "[tool.mllint.severity]\nML101 = \"error\"\nunpinned-base-imag = 'info'\n",
            "pyproject.toml:3: unknown rule 'unpinned-base-imag' in 'severity': a rule id or "
            "name (did you mean 'unpinned-base-image'?)",
        ),
        (
            ".mllint.yaml",
            "severity:\n  ML1: error\n",
            ".mllint.yaml:2: 'severity' takes one rule id or name, not the prefix or category "
            "'ML1'",
        ),
        (
            ".mllint.yaml",
            "severity:\n  ML101: eror\n",
            ".mllint.yaml:2: the severity of 'ML101' must be error, warning or info, not 'eror' "
            "(did you mean 'error'?)",
        ),
        (
            "pyproject.toml",
            "[tool.mllint]\nfail-on = 2\n",
            "pyproject.toml:2: 'fail-on' must be error, warning or info, not the integer 2",
        ),
        (
            ".mllint.yaml",
            "select: ML101\n",
            ".mllint.yaml:1: 'select' must be a list of rule ids, prefixes, names or "
            "categories, not the string 'ML101'",
        ),
        (
            ".mllint.yaml",
            "ignore:\n  - ML101\n  - 102\n",
            ".mllint.yaml:3: 'ignore' must hold strings, not the integer 102",
        ),
        (
            "pyproject.toml",
            '[tool.mllint]\nseverity = ["ML101"]\n',
            "pyproject.toml:2: 'severity' must be a table of rules to severities, not a list",
        ),
        (
            ".mllint.yaml",
            "options:\n  ML102:\n    registries: [a]\n",
            ".mllint.yaml:3: rule ML102 (unpinned-pip-package) has no options",
        ),
        (
            ".mllint.yaml",
            "options:\n  ML101:\n    require-digests: true\n",
            ".mllint.yaml:3: unknown option 'require-digests' of ML101 "
            "(did you mean 'require-digest'?)",
        ),
        (
            ".mllint.yaml",
            "options:\n  runs-as-roo: {}\n",
            ".mllint.yaml:2: unknown rule 'runs-as-roo' in 'options': a rule id or name "
            "(did you mean 'runs-as-root'?)",
        ),
        (
            ".mllint.yaml",
            "severity:\n  ML101: error\n  unpinned-base-image: info\n",
            ".mllint.yaml:3: ML101 is given twice in 'severity' ('ML101' and "
            "'unpinned-base-image')",
        ),
        (
            ".mllint.yaml",
            "select: [ML1]\nselect: [ML2]\n",
            ".mllint.yaml:2: duplicate key 'select' at the top level (first defined on line 1)",
        ),
        (".mllint.yaml", "- ML101\n", ".mllint.yaml:1: the config must be a mapping of keys"),
        (
            "pyproject.toml",
            '[tool.mllint]\nselect = ["ML1"\n',
            "pyproject.toml:3: not valid TOML: Unclosed array",
        ),
        (
            "pyproject.toml",
            "[tool]\nmllint = 3\n",
            "pyproject.toml:2: [tool.mllint] must be a table",
        ),
    ],
)
def test_errors_are_one_line_with_file_line_and_nearest_name(
    project: Path, name: str, text: str, expected: str
) -> None:
    write(project, name, text)
    write(project, "Dockerfile", BAD)
    assert one_error(lint(project)) == expected
    with pytest.raises(ConfigError) as caught:
        load_config(project / name)
    assert str(caught.value).endswith(expected.split(":", 1)[1])


def test_unknown_rule_without_a_close_name_points_to_the_rules_list(project: Path) -> None:
    write(project, ".mllint.yaml", "select: [zzzzzz]\n")
    write(project, "Dockerfile", BAD)
    assert one_error(lint(project)) == (
        ".mllint.yaml:1: unknown rule, prefix or category 'zzzzzz' (see 'mllint rules')"
    )


def test_error_path_is_absolute_outside_the_working_directory(project: Path) -> None:
    write(project, "repo/.mllint.yaml", "selct: []\n")
    write(project, "repo/Dockerfile", BAD)
    result = run_cli(str(project / "repo"), cwd=ROOT)
    assert one_error(result).startswith(f"{project / 'repo' / '.mllint.yaml'}:1: unknown key")


# --------------------------------------------------------------------------- options


class _Opts(NamedTuple):
    trusted_registries: tuple[str, ...] = ("docker.io",)
    max_layers: int = 50
    strict: bool = False


def _catalog_with_options() -> Catalog:
    """The real catalog plus a rule that declares options (no real rule does yet)."""
    real = list(load_catalog().values())
    declared = {
        "trusted-registries": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["docker.io"],
            "description": "Registries base images may come from.",
        },
        "max-layers": {"type": "integer", "default": 50, "description": "At most this many."},
        "strict": {"type": "boolean", "default": False, "description": "Be strict."},
    }
    fake = real[0]._replace(id="ML999", name="fake-rule-with-options", options=declared)
    return Catalog([*real, fake])


def test_options_are_validated_against_the_catalog(tmp_path: Path) -> None:
    catalog = _catalog_with_options()
    good = write(
        tmp_path,
        ".mllint.yaml",
        "options:\n  fake-rule-with-options:\n    trusted-registries: [ghcr.io, nvcr.io]\n"
        "    max-layers: 20\n",
    )
    config = load_config(good, catalog)
    assert config.options == {
        "ML999": {"trusted-registries": ("ghcr.io", "nvcr.io"), "max-layers": 20}
    }
    cases = {
        "    trusted-registry: [a]\n": ".mllint.yaml:3: unknown option 'trusted-registry' of "
        "ML999 (did you mean 'trusted-registries'?)",
        "    zzz: 1\n": ".mllint.yaml:3: unknown option 'zzz' of ML999 (its options: "
        "trusted-registries, max-layers, strict)",
        "    max-layers: many\n": ".mllint.yaml:3: option 'max-layers' of ML999 must be an "
        "integer, not the string 'many'",
        "    strict: yes\n": ".mllint.yaml:3: option 'strict' of ML999 must be a boolean, not "
        "the string 'yes'",
        "    trusted-registries: [a, 1]\n": ".mllint.yaml:3: option 'trusted-registries' of "
        "ML999 must be a list of strings, not a list holding the integer 1",
        "    trusted-registries: a\n": ".mllint.yaml:3: option 'trusted-registries' of ML999 "
        "must be a list, not the string 'a'",
    }
    for body, expected in cases.items():
        path = write(tmp_path, ".mllint.yaml", "options:\n  ML999:\n" + body)
        with pytest.raises(ConfigError) as caught:
            load_config(path, catalog)
        assert str(caught.value) == str(tmp_path / expected), body
    path = write(tmp_path, "pyproject.toml", "[tool.mllint.options.ML999]\nmax-layers = true\n")
    with pytest.raises(
        ConfigError,
        match=r"pyproject.toml:2: option 'max-layers' of ML999 must be an integer, not the "
        "boolean true",
    ):
        load_config(path, catalog)


def test_option_type_error_directly() -> None:
    assert option_type_error({"type": "integer"}, 3) == ""
    assert option_type_error({"type": "integer"}, True) == "an integer, not the boolean true"
    assert option_type_error({"type": "array"}, []) == ""
    assert option_type_error({"type": "array", "items": {"type": "boolean"}}, [True]) == ""
    assert option_type_error({"type": "string"}, None) == "a string, not null"


def test_options_become_the_rules_options_tuple(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mllint.checks import load

    load()  # the real rules first, then the fake one

    catalog = _catalog_with_options()
    monkeypatch.setitem(
        REGISTRY,
        "ML999",
        RegisteredRule("ML999", "fake-rule-with-options", lambda m, c: iter(()), _Opts),
    )
    path = write(
        tmp_path, ".mllint.yaml", "options:\n  ML999:\n    trusted-registries: [nvcr.io]\n"
    )
    settings = apply_config(load_config(path, catalog), Settings(), catalog)
    assert settings.options["ML999"] == _Opts(trusted_registries=("nvcr.io",))
    # Options given through the API win over the file's.
    mine = _Opts(strict=True)
    assert (
        apply_config(
            load_config(path, catalog), Settings(options={"ML999": mine}), catalog
        ).options["ML999"]
        is mine
    )


# --------------------------------------------------------------------------- mllint init


def _uncomment(text: str) -> str:
    """Turn every setting line ('#' then the setting, which may be indented) into a setting;
    explanations ('# ' then text) stay comments."""
    lines = [
        line[1:] if line.startswith("#") and not re.match(r"# \S|#$", line) else line
        for line in text.splitlines()
    ]
    return "\n".join(lines) + "\n"


def test_init_yaml_writes_a_valid_commented_config(project: Path) -> None:
    result = run_cli("init", cwd=project)
    assert result.returncode == 0, result.stderr
    text = (project / ".mllint.yaml").read_text()
    assert all(f"#{key}:" in text for key in KEYS)
    assert "security (ML4xx)" in text and "volumes (ML5xx)" in text
    assert load_config(project / ".mllint.yaml") == Config(path=project / ".mllint.yaml")
    live = write(project, "live/.mllint.yaml", _uncomment(text))
    config = load_config(live, schema=True)
    assert config.select == ("ML1", "security") and config.fail_on is Severity.WARNING
    assert config.per_file_ignores and config.severity and config.exclude
    again = run_cli("init", cwd=project)
    assert one_error(again) == ".mllint.yaml already exists; not overwritten"
    assert one_error(run_cli("init", "--format", "toml", cwd=project)) == (
        ".mllint.yaml already exists; not overwritten"
    )


def test_init_toml_appends_to_pyproject(project: Path) -> None:
    write(project, "pyproject.toml", '[project]\nname = "demo"')  # no final newline
    result = run_cli("init", "--format", "toml", str(project), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    text = (project / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "demo"\n\n[tool.mllint]\n')
    assert all(
        f"#{key} = " in text
        or f"#[tool.mllint.{key}]" in text
        or f"#[tool.mllint.{key}." in text
        or f"#[[tool.mllint.{key}]]" in text
        for key in KEYS
    )
    assert tomllib.loads(text)["project"] == {"name": "demo"}
    assert load_config(project / "pyproject.toml") == Config(path=project / "pyproject.toml")
    assert find_config(project) == project / "pyproject.toml"
    live = write(project, "live/pyproject.toml", _uncomment(text))
    assert load_config(live, schema=True).exclude == ("third_party/**",)
    assert one_error(run_cli("init", "--format", "toml", cwd=project)) == (
        "pyproject.toml already has a [tool.mllint] table; not overwritten"
    )
    assert one_error(run_cli("init", cwd=project)) == (
        "pyproject.toml already has a [tool.mllint] table; not overwritten"
    )


def test_init_creates_pyproject_and_lists_option_examples(project: Path) -> None:
    assert run_cli("init", "--format", "toml", cwd=project).returncode == 0
    assert (project / "pyproject.toml").read_text().startswith("[tool.mllint]\n")
    assert one_error(run_cli("init", "missing", cwd=project)) == "missing: no such directory"
    for fmt in ("yaml", "toml"):
        text = _uncomment(starter(fmt, _catalog_with_options()))
        name = ".mllint.yaml" if fmt == "yaml" else "pyproject.toml"
        live = write(project, f"{fmt}/{name}", text)
        options = load_config(live, _catalog_with_options()).options
        assert options == {
            "ML101": {"require-digest": False},
            "ML999": {"trusted-registries": ("docker.io",), "max-layers": 50, "strict": False},
        }


# --------------------------------------------------------------------------- globs


@pytest.mark.parametrize(
    ("glob", "matches", "misses"),
    [
        ("**", ["a", "a/b/c"], []),
        ("a/**", ["a", "a/b", "a/b/c"], ["b/a", "ab"]),
        ("**/b", ["b", "a/b", "x/y/b"], ["b/c", "ab"]),
        ("a/**/b", ["a/b", "a/x/b", "a/x/y/b"], ["a/xb", "b", "x/a/b"]),
        ("a/**/**/b", ["a/b", "a/x/b"], ["b"]),
        ("*.yaml", ["c.yaml"], ["d/c.yaml", "c.yml"]),
        ("d/*", ["d/x"], ["d/x/y", "d"]),
        ("d/?.txt", ["d/a.txt"], ["d/ab.txt", "d//.txt"]),
        ("[ab]c", ["ac", "bc"], ["cc"]),
        ("[!ab]c", ["cc"], ["ac", "/c"]),
        ("[]]x", ["]x"], ["x"]),
        ("a+(b)", ["a+(b)"], ["aab"]),
        ("legacy/", ["legacy", "legacy/x"], ["legacyx"]),
        ("./a/b", ["a/b"], ["x/a/b"]),
    ],
)
def test_glob_translation(glob: str, matches: list[str], misses: list[str]) -> None:
    pattern, _ = compile_glob(glob)
    for path in matches:
        assert pattern.fullmatch(path), (glob, path)
    for path in misses:
        assert not pattern.fullmatch(path), (glob, path)


@pytest.mark.parametrize("glob", ["a[b", "x/[!", "", "a**", "**b/c", "../x", "[z-a]", "/"])
def test_bad_globs(glob: str) -> None:
    with pytest.raises(GlobError):
        compile_glob(glob)


@pytest.mark.skipif(not hasattr(PurePath, "full_match"), reason="PurePath.full_match: 3.13+")
def test_globs_agree_with_full_match() -> None:
    paths = ["a", "a/b", "a/b/c", "b", "x/a/b", "a.yaml", "d/a.yaml", "d/e/a.yaml"]
    for glob in ["**", "a/**", "**/b", "a/**/b", "*.yaml", "*/*.yaml", "d/**/*.yaml", "?/b"]:
        pattern, _ = compile_glob(glob)
        for path in paths:
            expected = PurePath(path).full_match(glob)  # type: ignore[attr-defined]
            assert bool(pattern.fullmatch(path)) == expected, (glob, path)


def test_path_matcher_names_folders_and_roots(tmp_path: Path) -> None:
    match = PathMatcher(["legacy", "/top.Dockerfile", "svc/*.dev"], tmp_path)
    assert match(str(tmp_path / "a/legacy/Dockerfile"))  # a folder's name, anywhere
    assert match(str(tmp_path / "top.Dockerfile"))
    assert not match(str(tmp_path / "sub/top.Dockerfile"))  # '/...' is anchored
    assert match(str(tmp_path / "svc/Dockerfile.dev"))
    assert not match(str(tmp_path / "x/svc/Dockerfile.dev"))  # a '/' anchors too
    # Outside the config's folder only the file's own name counts.
    assert match(str(tmp_path.parent / "elsewhere/legacy"))
    assert not match(str(tmp_path.parent / "elsewhere/legacy/Dockerfile"))
    assert not match(str(tmp_path.parent / "svc/Dockerfile.dev"))
    # Below a folder named on the command line, that folder itself does not count.
    assert not match(str(tmp_path / "legacy/Dockerfile"), str(tmp_path / "legacy"))
    assert match(str(tmp_path / "legacy/legacy/Dockerfile"), str(tmp_path / "legacy"))


# --------------------------------------------------------------------------- TOML lines


def test_toml_lines_for_dotted_quoted_and_inline_keys(tmp_path: Path) -> None:
    text = (
        '[project]\nname = "x"\n'  # 1-2
        "[tool]\n"  # 3
        'mllint.select = ["ML1"]\n'  # 4
        'mllint.per-file-ignores = { "a/*" = ["ML101"], "b[" = ["ML101"] }\n'  # 5
        "[tool.'mllint'.severity]\n"  # 6
        '"ML101" = "error"\n'  # 7
        'ML102 = "fatal"\n'  # 8
    )
    path = write(tmp_path, "pyproject.toml", text)
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: bad glob 'b\['"):
        load_config(path)
    write(tmp_path, "pyproject.toml", text.replace('"b["', '"b"'))
    with pytest.raises(ConfigError, match=r"pyproject.toml:8: the severity of 'ML102'"):
        load_config(path)


def test_multiline_strings_do_not_confuse_the_line_finder(tmp_path: Path) -> None:
    text = (
        '[project]\ndescription = """\nselct = 1\n"""\n'  # 1-4: not a key
        "[tool.mllint]\n"  # 5
        "selct = []\n"  # 6
    )
    path = write(tmp_path, "pyproject.toml", text)
    with pytest.raises(ConfigError, match=r"pyproject.toml:6: unknown key 'selct'"):
        load_config(path)


# --------------------------------------------------------------------------- the schema


def _schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text())


def test_schema_keys_are_the_keys_the_loader_handles() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert list(schema["properties"]) == list(KEYS)
    assert schema["additionalProperties"] is False
    assert set(Config._fields) - {"path"} == {k.replace("-", "_") for k in KEYS}
    assert schema["$defs"]["severity"]["enum"] == [str(s) for s in sorted(Severity, reverse=True)]


#: Files both the schema and the loader accept.
GOOD = [
    {},
    {"select": ["ALL"], "extend-select": ["ML1"], "ignore": ["unpinned-base-image", "security"]},
    {"per-file-ignores": {"tests/**": ["ML101"]}, "exclude": ["a/**", "b"]},
    {"severity": {"ML101": "error", "runs-as-root": "info"}, "fail-on": "info"},
    {"options": {}},
    {
        "policies": [
            {"id": "ORG001", "kind": "allowed-base-images", "allow": ["nvcr.io/**"]},
            {
                "id": "ACME010",
                "kind": "banned-packages",
                "packages": ["telnet"],
                "managers": ["apt"],
            },
            {"id": "ORG002", "kind": "required-service-keys", "keys": ["healthcheck"]},
        ],
        "ignore": ["ORG002"],
    },
]
#: Files both reject: shapes and types, which is all the schema can know.
BAD_SHAPES = [
    {"selct": []},
    {"select": "ML101"},
    {"select": [1]},
    {"extend-select": [""]},
    {"ignore": {"ML101": True}},
    {"per-file-ignores": ["a"]},
    {"per-file-ignores": {"": ["ML101"]}},
    {"per-file-ignores": {"a": "ML101"}},
    {"severity": {"ML101": "fatal"}},
    {"severity": {"ML101": 3}},
    {"severity": []},
    {"fail-on": "never"},
    {"fail-on": None},
    {"options": []},
    {"options": {"ML101": []}},
    {"exclude": "a"},
    {"exclude": [""]},
    {"exclude": [None]},
    {"policies": {"id": "ORG001"}},
    {"policies": [{"id": "ORG001", "kind": "required-labels"}]},
    {"policies": [{"id": "ML900", "kind": "required-labels", "labels": ["a"]}]},
    {"policies": [{"id": "ORG001", "kind": "required-label", "labels": ["a"]}]},
    {"policies": [{"id": "ORG001", "kind": "required-labels", "labels": ["a"], "allow": ["x"]}]},
    {"policies": [{"id": "ORG001", "kind": "required-labels", "labels": []}]},
    {"policies": [{"id": "ORG001", "kind": "required-labels", "labels": ["a"], "severity": "x"}]},
]
#: Files only the loader rejects: it knows the rules, their options and what a glob is.
BAD_NAMES = [
    {"select": ["ML1O1"]},
    {"severity": {"ML1": "error"}},
    {"severity": {"ML101": "error", "unpinned-base-image": "info"}},
    {"options": {"ML101": {"registries": ["a"]}}},
    {"exclude": ["a["]},
    {
        "policies": [
            {"id": "ORG001", "kind": "banned-packages", "packages": ["a"], "managers": ["pipx"]}
        ]
    },
    {
        "policies": [
            {"id": "ORG001", "kind": "required-labels", "labels": ["a"]},
            {"id": "ORG001", "kind": "required-labels", "labels": ["b"]},
        ]
    },
]


def _accepted_by_loader(tmp_path: Path, data: dict[str, Any]) -> bool:
    path = tmp_path / ".mllint.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    try:
        load_config(path)
    except ConfigError:
        return False
    return True


def test_schema_and_loader_agree(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(_schema())
    for data in GOOD:
        assert validator.is_valid(data) and _accepted_by_loader(tmp_path, data), data
    for data in BAD_SHAPES:
        assert not validator.is_valid(data), data
        assert not _accepted_by_loader(tmp_path, data), data
    for data in BAD_NAMES:
        assert validator.is_valid(data), data
        assert not _accepted_by_loader(tmp_path, data), data


def test_schema_validation_on_request(tmp_path: Path) -> None:
    pytest.importorskip("jsonschema")
    path = write(tmp_path, ".mllint.yaml", "select: [ML1]\nexclude: [a/**]\n")
    assert load_config(path, schema=True).exclude == ("a/**",)


def test_schema_ships_in_the_wheel() -> None:
    """The wheel maps the schema where ``schema_path`` looks first (test_packaging builds it)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["schemas/config.schema.json"] == "mllint/_schemas/config.schema.json"
    assert schema_path() == ROOT / "schemas" / "config.schema.json"


def test_readme_examples_are_valid_configs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(yaml|toml)\n(.*?)```", section, re.DOTALL)
    assert [kind for kind, _ in blocks] == ["yaml", "toml", "yaml"]
    for kind, text in blocks[:2]:
        name = ".mllint.yaml" if kind == "yaml" else "pyproject.toml"
        config = load_config(write(tmp_path / kind, name, text))
        assert config.select == ("ML1", "security") and config.per_file_ignores
    policies = load_config(write(tmp_path / "policies", ".mllint.yaml", blocks[2][1])).policies
    assert [p.id for p in policies] == ["ORG001", "ORG002", "ORG003", "ORG004", "ORG005"]


def test_ml101_require_digest_option(tmp_path: Path) -> None:
    write(tmp_path, ".mllint.yaml", "options:\n  unpinned-base-image:\n    require-digest: true\n")
    digest = "a" * 64
    write(tmp_path, "Dockerfile", f"FROM python:3.11-slim\nFROM python:3.11-slim@sha256:{digest}\n")
    result = run_cli("--format", "concise", "--select", "ML101", "Dockerfile", cwd=tmp_path)
    assert result.stdout.splitlines()[0].startswith("Dockerfile:1:6: ML101 base image")
    assert len(result.stdout.splitlines()) == 1
    plain = run_cli("--isolated", "--select", "ML101", "Dockerfile", cwd=tmp_path)
    assert plain.returncode == 0  # off by default: a version tag passes
    bad = write(tmp_path, "bad/.mllint.yaml", "options:\n  ML101:\n    require-digest: yes\n")
    write(tmp_path, "bad/Dockerfile", "FROM python:3.11\n")
    wrong = run_cli("Dockerfile", cwd=bad.parent)
    assert wrong.returncode == 2 and "require-digest" in wrong.stderr
