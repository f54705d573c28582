"""A/A: a kernel compared with itself at by=1, quiet and with a core busy. How often does the
verdict say "holds" or "refuted" (a false verdict) instead of "inconclusive"?

A 95% interval promises that two runs of the same code are called different at most 5% of the
time, on a quiet machine and on a busy one. Target: at most 5% in each condition; the rate is
printed with its binomial 95% interval (Wilson's), which for 200 runs spans about +-3 points.
"Loaded" starts a second Python process spinning in a loop (one core busy) for the duration
and stops it afterwards, on Ctrl-C too.

    python benchmarks/aa_false_positives.py [--runs 200] [--budget 0.5] [--only quiet|loaded]
"""

import argparse
import collections
import math
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import perfkit as pk

TARGET = 0.05
SPIN = "while True: pass"


def work() -> int:
    return sum(range(300))


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson's 95% interval of a binomial rate k/n (sound at k = 0, unlike k/n +- 2 SE)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@contextmanager
def busy_core() -> Iterator[int]:
    """A second Python process spinning on a core for as long as the block runs; yields its pid."""
    spinner = subprocess.Popen([sys.executable, "-c", SPIN])
    try:
        time.sleep(0.3)  # let it start spinning before anything is measured
        yield spinner.pid
    finally:
        spinner.kill()
        spinner.wait()


def run(condition: str, runs: int, budget: float) -> None:
    counts: collections.Counter = collections.Counter()
    rounds, stopped_early = [], 0
    start = time.perf_counter()
    for i in range(runs):
        c = pk.compare({"a": work, "b": work}, budget=budget)
        v = c.verdict("a", faster_than="b", by=1)
        counts[v.status] += 1
        rounds.append(c.rounds)
        stopped_early += c.stopped_early
        if v.status != "inconclusive":
            how = "stopped early" if c.stopped_early else "budget spent"
            print(f"  {condition} run {i}: {v} ({c.rounds} rounds, {how})")
    false = counts["holds"] + counts["refuted"]
    low, high = wilson(false, runs)
    rounds.sort()
    print(f"{condition}: {runs} A/A comparisons in {time.perf_counter() - start:.1f} s "
          f"(budget {budget} s each; {rounds[len(rounds) // 2]} rounds at the median, "
          f"{stopped_early} stopped early): {counts['inconclusive']} inconclusive, "
          f"{counts['holds']} holds, {counts['refuted']} refuted")
    print(f"{condition}: false verdicts {false}/{runs} = {false / runs:.1%} (95% interval "
          f"{low:.1%} - {high:.1%}); target: at most {TARGET:.0%} -> "
          f"{'met' if false / runs <= TARGET else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="A/A comparisons per condition (default 200)")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds per comparison (default 0.5)")
    parser.add_argument("--only", choices=["quiet", "loaded"], help="run one condition only")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error(f"--runs must be >= 1, got {args.runs}")
    # Ctrl-C and a plain `kill` end the script through its finally blocks, so no spinner is left
    # behind (SIGINT is set too: a shell starting the script in the background ignores it)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"# measured on {pk.describe_machine()}")
    if args.only in (None, "quiet"):
        run("quiet", args.runs, args.budget)
    if args.only in (None, "loaded"):
        with busy_core() as pid:
            print(f"# loaded: a second Python process (pid {pid}) spins on one core meanwhile")
            run("loaded", args.runs, args.budget)


if __name__ == "__main__":
    main()
