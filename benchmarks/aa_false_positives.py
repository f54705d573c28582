"""A/A: 40 comparisons of a kernel with itself at by=1. How many say "holds" or "refuted"?

A sound interval calls two runs of the same code different about 5% of the time (2 of 40);
target: at most 2.

    python benchmarks/aa_false_positives.py
"""

import collections
import time

import perfkit as pk
from _machine import describe

RUNS = 40


def work() -> int:
    return sum(range(300))


def main() -> None:
    print(describe())
    counts = collections.Counter()
    start = time.perf_counter()
    for i in range(RUNS):
        v = pk.compare({"a": work, "b": work}, budget=0.5).verdict("a", faster_than="b", by=1)
        counts[v.status] += 1
        if v.status != "inconclusive":
            print(f"  run {i}: {v}")
    print(f"{RUNS} A/A comparisons in {time.perf_counter() - start:.1f} s: "
          f"{counts['inconclusive']} inconclusive, {counts['holds']} holds, {counts['refuted']} refuted")
    print(f"false positives: {counts['holds'] + counts['refuted']} of {RUNS} (target: at most 2)")


if __name__ == "__main__":
    main()
