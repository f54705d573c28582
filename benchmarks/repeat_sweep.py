"""Run-to-run spread: one 4-size list/set membership sweep, repeated 5 times in one process.

A per-call interval is this run's: it says where the median of *this run's* samples lies. A
second run on the same machine has its own slow periods, clock and cache state, and its median
can fall outside the first run's interval. This script repeats a sweep and prints, for each
size and kernel, every run's median and 95% interval, and how often another run's median
falls inside each run's interval (coverage), next to what the interval claims.

What the interval claims for another run's median: were runs alike but for the noise within
each, another run's median would fall inside a 95% interval about 83% of the time (the two
medians differ by sqrt(2) of one's standard error: P(|Z| < 1.96 / sqrt 2) = 0.83). Coverage far
below that is spread from run to run that no single run can see.

    python benchmarks/repeat_sweep.py [--runs 5] [--budget 2.0]
"""

from __future__ import annotations

import argparse
import math
import time

import perfkit as pk
from perfkit.engine.units import format_seconds

SIZES = [10, 100, 1_000, 10_000]
KERNELS = {"list": lambda d: -1 in d[0], "set": lambda d: -1 in d[1]}
CLAIM_OTHER_RUN = math.erf(1.959964 / 2)  # P(|Z| < 1.96/sqrt(2)) = 0.83


def setup(n: int) -> tuple[list[int], set[int]]:
    return list(range(n)), set(range(n))


def coverage(estimates: list[pk.Estimate]) -> tuple[int, int]:
    """(how many (i, j != i) pairs have run j's value inside run i's interval, how many pairs)."""
    pairs = [(i, j) for i in range(len(estimates)) for j in range(len(estimates)) if i != j]
    return sum(estimates[i].contains(estimates[j].value) for i, j in pairs), len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="sweeps to run (default 5)")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per sweep (default 2.0)")
    args = parser.parse_args()
    print(f"# measured on {pk.describe_machine()}")
    print(f"{args.runs} sweeps of {list(KERNELS)} at n={SIZES}, budget {args.budget} s each, in one process")
    start = time.perf_counter()
    sweeps = [pk.sweep(KERNELS, setup=setup, n=SIZES, budget=args.budget, progress=False)
              for _ in range(args.runs)]
    print(f"measured in {time.perf_counter() - start:.1f} s\n")

    hits = pairs = 0
    print("median per call, this run's 95% interval, run by run; coverage: another run's median "
          "inside this run's interval")
    for name in KERNELS:
        for k, n in enumerate(SIZES):
            estimates = [s.per_call[name][k] for s in sweeps]
            h, p = coverage(estimates)
            hits, pairs = hits + h, pairs + p
            runs = "  ".join(f"{format_seconds(e.value)} ({format_seconds(e.low)}-{format_seconds(e.high)})"
                             for e in estimates)
            drifts = " ".join(f"±{s[n][name].drift:.1%}" for s in sweeps)
            print(f"  {name:<4} n={n:<6,} {runs}")
            print(f"  {'':<4} {'':<8} coverage {h}/{p} = {h / p:.0%}; drift in each run {drifts}")
    print(f"per-call intervals: another run's median inside {hits}/{pairs} = {hits / pairs:.0%} "
          f"(claims 95% of this run's own median; {CLAIM_OTHER_RUN:.0%} for another run's if runs "
          "differed only by their own noise)\n")

    hits = pairs = 0
    for k, n in enumerate(SIZES):
        ratios = [s.ratio("list", "set")[k] for s in sweeps]
        h, p = coverage(ratios)
        hits, pairs = hits + h, pairs + p
        shown = "  ".join(f"{e.value:,.2f}x ({e.low:,.2f}-{e.high:,.2f})" for e in ratios)
        print(f"  list/set n={n:<6,} {shown}  coverage {h}/{p}")
    print(f"paired ratios: another run's ratio inside {hits}/{pairs} = {hits / pairs:.0%} "
          f"(the ratio's interval carries a 1% floor for run-to-run differences)")


if __name__ == "__main__":
    main()
