"""Per-call time: perfkit vs timeit (autorange, best of 5), side by side, 20 ns .. 1 ms.

timeit times `fn()` in a bare loop and keeps the best of 5 repeats; perfkit subtracts the empty
loop's own cost and reports the median. So perfkit/timeit sits a little below 1 for the fastest
kernels (the loop's ~5 ns is gone) and near 1 elsewhere; far from 1 means one of them is wrong.

    python benchmarks/accuracy_vs_timeit.py
"""

import timeit

import perfkit as pk
from _machine import describe
from perfkit.units import format_seconds

small_set = set(range(1000))
items = list(range(1000))
shuffled = items[::-1]

KERNELS = {
    "empty call": lambda: None,
    "x in set": lambda: 500 in small_set,
    "sum(range(10))": lambda: sum(range(10)),
    "sum(range(100))": lambda: sum(range(100)),
    "sorted(1,000 ints)": lambda: sorted(shuffled),
    "x in list (1,000)": lambda: -1 in items,
    "sum(range(30,000))": lambda: sum(range(30_000)),
}


def timeit_best(fn) -> float:
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=5, number=number)) / number


def main() -> None:
    print(describe())
    print(f"{'kernel':<20} {'perfkit (median, 95%)':>36} {'timeit best of 5':>17} {'perfkit/timeit':>15}")
    for name, fn in KERNELS.items():
        t = pk.bench(fn, budget=1.0, name=name).per_call
        best = timeit_best(fn)
        interval = f"{format_seconds(t.value)} ({format_seconds(t.low)}-{format_seconds(t.high)})"
        print(f"{name:<20} {interval:>36} {format_seconds(best):>17} {t.value / best:>15.3f}")


if __name__ == "__main__":
    main()
