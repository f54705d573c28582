"""Per-call time: perfkit vs timeit (autorange, best of 5), side by side, 20 ns .. 1 ms.

timeit times `fn()` in a bare loop and keeps the best of 5 repeats of ~0.2 s; perfkit subtracts
the empty loop's own cost (~5 ns) and reports the median of many short samples, retaking those
the scheduler interrupted. On a quiet machine perfkit/timeit sits near 1 (a little below for the
fastest kernels); on a noisy one timeit's long repeats rarely run undisturbed, and its "best"
drifts up with the load, so the spread of each column is printed too.

    python benchmarks/accuracy_vs_timeit.py
"""

import timeit

import perfkit as pk
from perfkit.engine.units import format_seconds

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


ALTERNATIONS = 5


def main() -> None:
    print(f"# measured on {pk.describe_machine()}")
    print(f"each kernel: {ALTERNATIONS} alternations of (timeit best of 5, perfkit median, budget 0.5 s);"
          " medians of the alternations shown, spread in brackets")
    print(f"{'kernel':<20} {'perfkit':>26} {'timeit best of 5':>26} {'perfkit/timeit':>15}")
    ratios = []
    for name, fn in KERNELS.items():
        ours, theirs = [], []
        for _ in range(ALTERNATIONS):  # side by side: drift of the machine hits both
            theirs.append(timeit_best(fn))
            ours.append(pk.bench(fn, budget=0.5, name=name).per_call.value)
        ours.sort()
        theirs.sort()
        mid = ALTERNATIONS // 2
        ratio = ours[mid] / theirs[mid]
        ratios.append(ratio)
        print(f"{name:<20} {_spread(ours):>26} {_spread(theirs):>26} {ratio:>15.3f}")
    ratios.sort()
    print(f"perfkit/timeit over all kernels: median {ratios[len(ratios) // 2]:.3f}, "
          f"range {ratios[0]:.3f} - {ratios[-1]:.3f}")


def _spread(values: list) -> str:
    return f"{format_seconds(values[len(values) // 2])} [{format_seconds(values[0])}-{format_seconds(values[-1])}]"


if __name__ == "__main__":
    main()
