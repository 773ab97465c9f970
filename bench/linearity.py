"""Time growth of the parsers on adversarial and very long inputs: 8x the input must take far
less than 64x the time (what a quadratic step would cost). A report, not a test: the unit
tests check these inputs for correctness only, never for time.

    python bench/linearity.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mllint.parsers.interpolation import interpolate
from mllint.parsers.shell import parse_shell

SHELL_UNITS = ["$(", "((", "(( a)", "$((a) ", "${", "`", "a=(", "cat <<E\n", "$(case x in a) ",
               "sh -c '", "if ", "[[ ", "f() { ", '"$(', "\\\n",
               "apt-get install -y pkg && echo 1\n"]  # fmt: skip


def best(function: Callable[[str], object], text: str, reps: int = 3) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    worst = 0.0
    rows = []
    cases: list[tuple[str, Callable[[str], object], str]] = [
        (f"shell {u!r}", parse_shell, u) for u in SHELL_UNITS
    ]
    cases.append(("interpolation ${A:-x}", lambda t: interpolate(t, {}), "${A:-x}"))
    for name, function, unit in cases:
        small = best(function, unit * 1000)
        large = best(function, unit * 8000)
        growth = large / small if small > 0 else 0.0
        worst = max(worst, growth)
        rows.append((name, small, large, growth))
    print(f"{'input':40} {'1,000x (ms)':>12} {'8,000x (ms)':>12} {'growth':>7}")
    for name, small, large, growth in rows:
        flag = "  <- quadratic?" if growth > 30 else ""
        print(f"{name:40} {small * 1000:12.1f} {large * 1000:12.1f} {growth:7.1f}{flag}")
    print(f"worst growth for 8x the input: {worst:.1f}x (linear: ~8x, quadratic: ~64x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
