"""The CI formats through the real CLI: SARIF, GitHub workflow commands, GitLab, JUnit.

SARIF is also checked by Microsoft's SARIF Multitool with GitHub's rules (``validate
--rule-kind Gh;Sarif``) and against the SARIF 2.1.0 JSON schema the Multitool ships, when the
Multitool is installed (``.ci/run`` installs it into the venv with npm); otherwise those tests
skip and say why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from mllint import __version__
from mllint.catalog import load_catalog
from tests.helpers import ROOT, run_cli, write

# Every severity, both security rules of Dockerfiles, two identical findings (lines 4 and 5)
# and a finding with a related location (ML201 points at the USER of stage 'base').
DOCKERFILE = """\
FROM python AS base
USER root
ENV HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz123456
RUN pip install requests
RUN pip install requests
RUN curl -fsSL https://example.com/install.sh | sh
FROM base
"""
COMPOSE = """\
services:
  train:
    image: pytorch/pytorch
    environment:
      HF_TOKEN: hf_abcdefghijklmnopqrstuvwxyz123456
    ports: ["8888:8888"]
"""
GOOD = "FROM python:3.11-slim\nRUN pip install --no-cache-dir requests==2.32.3\nUSER 10001\n"
# A service name with every character the formats must escape: it is quoted in messages.
NASTY_COMPOSE = 'services:\n  "x%y:z,w\\r\\nq":\n    image: vllm/vllm-openai:v0.6.3\n'

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
GITLAB = {"error": "major", "warning": "minor", "info": "info"}
GITHUB = {"error": "error", "warning": "warning", "info": "notice"}


def project(root: Path) -> Path:
    write(root, "Dockerfile", DOCKERFILE)
    write(root, "compose.yaml", COMPOSE)
    write(root, "clean/Dockerfile", GOOD)
    return root


def lint_json(*args: str, cwd: Path) -> list[dict[str, Any]]:
    """The findings as the json format has them, with paths normalised (no './')."""
    result = run_cli("--format", "json", *args, cwd=cwd)
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    for f in findings:
        f["path"] = os.path.normpath(f["path"])
    return findings


def sarif(*args: str, cwd: Path) -> dict[str, Any]:
    result = run_cli("--format", "sarif", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


# --- SARIF -----------------------------------------------------------------------------------


def test_sarif_run_tool_and_rules(tmp_path: Path) -> None:
    log = sarif(".", cwd=project(tmp_path))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert driver["name"] == "mllint"
    assert driver["informationUri"] == pyproject["project"]["urls"]["Homepage"]
    assert driver["semanticVersion"] == __version__
    catalog = load_catalog()
    assert [r["id"] for r in driver["rules"]] == list(catalog)  # every rule, fired or not
    for rule in driver["rules"]:
        entry = catalog[rule["id"]]
        assert rule["name"] == entry.name
        assert rule["shortDescription"]["text"].startswith(entry.summary)
        assert rule["fullDescription"]["text"]
        assert "\n\n" not in rule["fullDescription"]["text"]  # the first paragraph only
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert "Fix" in rule["help"]["markdown"]
        assert rule["helpUri"] == entry.help_url
        assert rule["defaultConfiguration"]["level"] == LEVELS[str(entry.severity)]
        props = rule["properties"]
        assert props["tags"][0] == entry.category and props["precision"] == "high"
        if entry.category == "security":
            expected = {"error": "8.0", "warning": "5.0", "info": "2.0"}[str(entry.severity)]
            assert props["security-severity"] == expected
            float(props["security-severity"])
        else:
            assert "security-severity" not in props
    by_id = {r["id"]: r for r in driver["rules"]}
    assert by_id["ML401"]["properties"]["security-severity"] == "8.0"  # error
    assert by_id["ML402"]["properties"]["security-severity"] == "5.0"  # warning
    assert "security" in by_id["ML401"]["properties"]["tags"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_results_match_the_findings(tmp_path: Path) -> None:
    project(tmp_path)
    findings = lint_json(".", cwd=tmp_path)
    run = sarif(".", cwd=tmp_path)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(findings) and {f["rule"] for f in findings} >= {
        "ML101", "ML102", "ML201", "ML301", "ML401", "ML402", "ML403", "ML204", "ML302",
    }  # fmt: skip
    for result, f in zip(results, findings, strict=True):
        assert result["ruleId"] == f["rule"]
        assert rules[result["ruleIndex"]]["id"] == f["rule"]
        assert result["level"] == LEVELS[f["severity"]]
        assert result["message"]["text"].startswith(f["message"])
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": f["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {
            "startLine": f["line"],
            "startColumn": f["column"],
            "endLine": f["end_line"],
            "endColumn": f["end_column"],
        }
        assert len(result["partialFingerprints"]["primaryLocationLineHash"]) == 64
        if f["fix"]:
            assert result["properties"]["fix"] == f["fix"]
    inherited = next(r for r in results if r["ruleId"] == "ML201")
    (related,) = inherited["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == 2
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"
    assert related["message"]["text"] == "USER root set here."


def test_sarif_paths_with_spaces_and_outside_the_current_directory(tmp_path: Path) -> None:
    inside = write(tmp_path, "my project/sub dir/Dockerfile", DOCKERFILE)
    run = sarif("my project", cwd=tmp_path)["runs"][0]
    locations = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    uris = {location["artifactLocation"]["uri"] for location in locations}
    assert uris == {"my%20project/sub%20dir/Dockerfile"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = sarif(str(inside), cwd=elsewhere)["runs"][0]
    artifacts = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert artifacts and all(a == {"uri": inside.resolve().as_uri()} for a in artifacts)
    assert "%20" in artifacts[0]["uri"]


def test_sarif_clean_run(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", GOOD)
    result = run_cli("--format", "sarif", ".", cwd=tmp_path)
    assert result.returncode == 0
    run = json.loads(result.stdout)["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(load_catalog())


def test_sarif_lint_errors_fail_the_execution(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", GOOD)
    result = run_cli("--format", "sarif", "Dockerfile", "missing/Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    (invocation,) = json.loads(result.stdout)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "missing/Dockerfile" in invocation["toolExecutionNotifications"][0]["message"]["text"]


_MULTITOOL = Path("sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")


def multitool() -> Path | None:
    """The SARIF Multitool binary: $SARIF_MULTITOOL, beside the venv (as .ci/run puts it), PATH."""
    candidates = [Path(os.environ["SARIF_MULTITOOL"])] if os.environ.get("SARIF_MULTITOOL") else []
    candidates += [Path(sys.prefix) / _MULTITOOL, ROOT / ".venv" / _MULTITOOL]
    found = shutil.which("Sarif.Multitool")
    candidates += [Path(found)] if found else []
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def needs_multitool() -> Path:
    tool = multitool()
    if tool is None:
        pytest.skip(
            "SARIF Multitool not installed: npm install --prefix .venv/sarif-multitool "
            "@microsoft/sarif-multitool (as .ci/run does), or set SARIF_MULTITOOL"
        )
    return tool


def sarif_cases(tmp_path: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """(cwd, arguments) of mllint runs whose SARIF is validated."""
    project(tmp_path / "findings")
    write(tmp_path / "clean", "Dockerfile", GOOD)
    write(tmp_path / "spaces", "my project/sub dir/Dockerfile", DOCKERFILE)
    write(tmp_path / "spaces", "my project/compose.yaml", COMPOSE)
    outside = write(tmp_path / "outside", "Dockerfile", DOCKERFILE)
    (tmp_path / "cwd").mkdir()
    write(tmp_path / "nasty", "compose.yaml", NASTY_COMPOSE)
    return {
        "dockerfile-and-compose": (tmp_path / "findings", (".",)),
        "clean": (tmp_path / "clean", (".",)),
        "paths-with-spaces": (tmp_path / "spaces", (".",)),
        "outside-cwd": (tmp_path / "cwd", (str(outside),)),
        "escapes": (tmp_path / "nasty", (".",)),
        "lint-error": (tmp_path / "clean", ("Dockerfile", "missing")),
    }


def test_sarif_passes_the_multitool_with_github_rules(tmp_path: Path) -> None:
    tool = needs_multitool()
    problems = {}
    for name, (cwd, args) in sarif_cases(tmp_path).items():
        log = tmp_path / f"{name}.sarif"
        result = run_cli("--format", "sarif", "-o", str(log), *args, cwd=cwd)
        assert result.returncode in (0, 1, 2) and log.stat().st_size, result.stderr
        out = tmp_path / f"{name}.validation.sarif"
        checked = subprocess.run(
            [str(tool), "validate", "--rule-kind", "Gh;Sarif", "--log", "ForceOverwrite",
             "-o", str(out), str(log)],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert checked.returncode == 0, checked.stdout + checked.stderr
        findings = json.loads(out.read_text(encoding="utf-8"))["runs"][0].get("results", [])
        # A result without a level is a warning (SARIF 3.27.10); notes are suggestions only.
        bad = [r for r in findings if r.get("level", "warning") in ("error", "warning")]
        if bad:
            problems[name] = [(r["ruleId"], r["message"].get("arguments")) for r in bad]
    assert problems == {}


def test_sarif_matches_the_json_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    tool = needs_multitool()
    schema_path = tool.parent / "sarif-2.1.0.json"
    if not schema_path.is_file():
        pytest.skip(f"the Multitool package ships no schema at {schema_path}")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for name, (cwd, args) in sarif_cases(tmp_path).items():
        document = json.loads(run_cli("--format", "sarif", *args, cwd=cwd).stdout)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == [], name


# --- fingerprints (SARIF and GitLab share them) ---------------------------------------------


def gitlab(*args: str, cwd: Path) -> list[dict[str, Any]]:
    result = run_cli("--format", "gitlab", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    issues: list[dict[str, Any]] = json.loads(result.stdout)
    return issues


def test_fingerprints_survive_inserted_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    before = gitlab("Dockerfile", cwd=tmp_path)
    header = "".join("\n" if i % 3 else f"# note {i}\n" for i in range(10))
    path.write_text(header + DOCKERFILE, encoding="utf-8")
    after = gitlab("Dockerfile", cwd=tmp_path)
    assert [i["location"]["lines"]["begin"] for i in after] == [
        i["location"]["lines"]["begin"] + 10 for i in before
    ]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    sarif_prints = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in sarif("Dockerfile", cwd=tmp_path)["runs"][0]["results"]
    ]
    assert sarif_prints == [i["fingerprint"] for i in after]


def test_identical_findings_get_different_fingerprints(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", DOCKERFILE)
    issues = gitlab("Dockerfile", cwd=tmp_path)
    unpinned = [i for i in issues if i["check_name"] == "ML102"]
    assert [i["location"]["lines"]["begin"] for i in unpinned] == [4, 5]  # same text
    assert unpinned[0]["fingerprint"] != unpinned[1]["fingerprint"]
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)


def test_fingerprints_do_not_depend_on_how_the_path_is_written(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    spellings = ("Dockerfile", "./Dockerfile", str(path), f"../{tmp_path.name}/Dockerfile")
    prints = {tuple(i["fingerprint"] for i in gitlab(p, cwd=tmp_path)) for p in spellings}
    assert len(prints) == 1


def test_fingerprints_change_with_the_offending_line(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    before = {i["check_name"]: i["fingerprint"] for i in gitlab("Dockerfile", cwd=tmp_path)}
    path.write_text(DOCKERFILE.replace("FROM python AS", "FROM  python   AS"), encoding="utf-8")
    spaced = {i["check_name"]: i["fingerprint"] for i in gitlab("Dockerfile", cwd=tmp_path)}
    assert spaced["ML101"] == before["ML101"]  # whitespace is normalised
    path.write_text(DOCKERFILE.replace("FROM python AS", "FROM ubuntu AS"), encoding="utf-8")
    changed = {i["check_name"]: i["fingerprint"] for i in gitlab("Dockerfile", cwd=tmp_path)}
    assert changed["ML101"] != before["ML101"]
    assert changed["ML401"] == before["ML401"]


# --- GitLab Code Quality ---------------------------------------------------------------------


def test_gitlab_issues(tmp_path: Path) -> None:
    project(tmp_path)
    findings = lint_json(".", cwd=tmp_path)
    issues = gitlab(".", cwd=tmp_path)
    assert len(issues) == len(findings)
    for issue, f in zip(issues, findings, strict=True):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == f["rule"]
        assert f["message"] in issue["description"] and f["rule"] in issue["description"]
        assert issue["severity"] == GITLAB[f["severity"]]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"] == {
            "path": f["path"],
            "lines": {"begin": f["line"], "end": f["end_line"]},
        }
        int(issue["fingerprint"], 16)
    assert {i["location"]["path"] for i in issues} == {"Dockerfile", "compose.yaml"}
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}


def test_gitlab_clean_run_and_paths(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", GOOD)
    result = run_cli("--format", "gitlab", ".", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout) == []
    write(tmp_path, "sub dir/Dockerfile", DOCKERFILE)
    issues = gitlab(str(tmp_path / "sub dir"), cwd=tmp_path)
    assert {i["location"]["path"] for i in issues} == {"sub dir/Dockerfile"}


# --- GitHub workflow commands ----------------------------------------------------------------


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    assert line.startswith("::")
    head, _, data = line[2:].partition("::")
    name, _, props = head.partition(" ")
    pairs = dict(p.split("=", 1) for p in props.split(","))
    assert all("\n" not in v and ":" not in v and "," not in v for v in pairs.values())
    return name, {k: unescape(v) for k, v in pairs.items()}, unescape(data)


def test_github_commands(tmp_path: Path) -> None:
    project(tmp_path)
    findings = lint_json(".", cwd=tmp_path)
    result = run_cli("--format", "github", ".", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == len(findings) + 1
    assert lines[-1] == (
        "Found 12 problems (3 errors, 7 warnings, 2 info) in 4 files; "
        "2 fixable with --fix, 1 more with --unsafe-fixes."
    )
    for line, f in zip(lines, findings, strict=False):
        name, props, data = parse_command(line)
        assert name == GITHUB[f["severity"]]
        assert props["file"] == f["path"]
        assert props["title"] == f"{f['rule']} {f['name']}"
        assert (props["line"], props["col"]) == (str(f["line"]), str(f["column"]))
        assert (props["endLine"], props["endColumn"]) == (str(f["end_line"]), str(f["end_column"]))
        assert data.startswith(f["message"]) and f["help_url"] in data


def test_github_escaping(tmp_path: Path) -> None:
    folder = tmp_path / "a,b:c%d"
    write(folder, "compose.yaml", NASTY_COMPOSE)
    findings = lint_json(str(folder.name), cwd=tmp_path)
    assert any("x%y:z,w\r\nq" in f["message"] for f in findings)
    result = run_cli("--format", "github", str(folder.name), cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert len(lines) == len(findings) + 1  # a newline in a message never splits a command
    assert "file=a%2Cb%3Ac%25d/compose.yaml," in lines[0]
    assert "x%25y:z,w%0D%0Aq" in lines[0]  # data escapes only %, CR and LF
    for line, f in zip(lines, findings, strict=False):
        _, props, data = parse_command(line)
        assert props["file"] == "a,b:c%d/compose.yaml"
        assert data.startswith(f["message"])


def test_github_clean_run(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", GOOD)
    result = run_cli("--format", "github", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "No problems found in 1 file.\n"


def test_github_format_is_the_default_in_github_actions(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", DOCKERFILE)
    in_actions = run_cli(".", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert in_actions.stdout.startswith("::warning file=Dockerfile,line=1,col=6,")
    elsewhere = run_cli(".", cwd=tmp_path, env={"GITHUB_ACTIONS": "false"})
    assert "::" not in elsewhere.stdout and "^^^" in elsewhere.stdout  # text, with code frames
    chosen = run_cli("--format", "concise", ".", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert chosen.stdout.startswith("./Dockerfile:1:6: ML101 ")


# --- JUnit -----------------------------------------------------------------------------------


def test_junit_report(tmp_path: Path) -> None:
    project(tmp_path)
    findings = lint_json(".", cwd=tmp_path)
    result = run_cli("--format", "junit", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.get("name") == "mllint"
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    assert sorted(names) == ["Dockerfile", "clean/Dockerfile", "compose.yaml"]
    assert suite.get("tests") == root.get("tests") == "3"
    assert suite.get("failures") == root.get("failures") == "2"  # files with findings
    for case in cases:
        assert case.get("classname") == "mllint"
        expected = [f for f in findings if f["path"] == case.get("name")]
        failures = case.findall("failure")
        assert len(failures) == len(expected)
        for failure, f in zip(failures, expected, strict=True):
            assert failure.get("type") == f["rule"]
            assert failure.get("message") == f"{f['severity']}: {f['message']}"
            assert (failure.text or "").startswith(
                f"{f['path']}:{f['line']}:{f['column']}: {f['rule']} {f['message']}"
            )


def test_junit_escaping(tmp_path: Path) -> None:
    folder = tmp_path / "a&b <c> \"d' e"
    write(folder, "compose.yaml", NASTY_COMPOSE)
    findings = lint_json(str(folder.name), cwd=tmp_path)
    result = run_cli("--format", "junit", str(folder.name), cwd=tmp_path)
    root = ET.fromstring(result.stdout)
    (case,) = root.iter("testcase")
    assert case.get("name") == f"{folder.name}/compose.yaml"
    messages = [f.get("message") for f in case.findall("failure")]
    assert messages == [f"{f['severity']}: {f['message']}" for f in findings]
    assert any("x%y:z,w\r\nq" in (m or "") for m in messages)  # attributes keep CR and LF


def test_junit_clean_run_and_errors(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", GOOD)
    clean = ET.fromstring(run_cli("--format", "junit", ".", cwd=tmp_path).stdout)
    assert (clean.get("tests"), clean.get("failures"), clean.get("errors")) == ("1", "0", "0")
    (case,) = clean.iter("testcase")
    assert case.get("name") == "Dockerfile" and len(case) == 0
    result = run_cli("--format", "junit", "Dockerfile", "missing", cwd=tmp_path)
    assert result.returncode == 2
    root = ET.fromstring(result.stdout)
    assert root.get("errors") == "1"
    assert "missing" in (root.find(".//error").get("message") or "")  # type: ignore[union-attr]


def test_junit_drops_characters_xml_cannot_hold() -> None:
    from mllint.engine.finding import Finding, Severity
    from mllint.lint import Report
    from mllint.model.span import Span
    from mllint.reporters.junit_format import build

    finding = Finding(
        "ML001", "parse-error", "validity", Severity.ERROR, "Dockerfile",
        Span(1, 1, 1, 2), "bad byte \x01 and \x1b[31m", "https://example.com",
    )  # fmt: skip
    report = Report([finding], ["Dockerfile"], ["ML001"])
    parsed = ET.fromstring(ET.tostring(build(report), encoding="unicode"))
    message = parsed.find(".//failure").get("message")  # type: ignore[union-attr]
    assert message == "error: bad byte \\x01 and \\x1b[31m"
