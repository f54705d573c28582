"""Seconds of measuring for a decisive verdict on `x in set` vs `x in list` (n=10,000),
against what IPython's %timeit spends on the same two kernels. Run side by side, 3 times.

    python benchmarks/time_to_verdict.py
"""

import time

from IPython.core.interactiveshell import InteractiveShell

import perfkit as pk

N = 10_000


def main() -> None:
    print(f"# measured on {pk.describe_machine()}")
    shell = InteractiveShell.instance()
    shell.user_ns.update(items=list(range(N)), item_set=set(range(N)))
    kernels = {"list": lambda: N - 1 in shell.user_ns["items"], "set": lambda: N - 1 in shell.user_ns["item_set"]}
    for attempt in range(3):
        start = time.perf_counter()
        c = pk.compare(kernels, budget=1.0)
        v = c.verdict("set", faster_than="list", by=10)
        perfkit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        shell.run_line_magic("timeit", f"-o -q {N - 1} in items")
        shell.run_line_magic("timeit", f"-o -q {N - 1} in item_set")
        timeit_seconds = time.perf_counter() - start
        print(f"run {attempt + 1}: perfkit {perfkit_seconds:.2f} s ({c.rounds} rounds, "
              f"{'stopped early' if c.stopped_early else 'budget spent'}) -> {v.status}; "
              f"%timeit on both kernels {timeit_seconds:.2f} s; ratio perfkit/%timeit "
              f"{perfkit_seconds / timeit_seconds:.2f}")
    print(f"last verdict: {v}")


if __name__ == "__main__":
    main()
