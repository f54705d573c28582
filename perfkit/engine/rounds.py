"""The rounds of a measurement: every cell sampled once per round, in a shuffled order.

A cell is one kernel (compare, bench) or one kernel at one input size (sweep): `timing.measure`
calls, calibrates and warms the cells up, then `run_rounds` samples them all in every round, so
that a slow period of the machine (a burst of load, a lower clock) hits every cell alike, and
the cells compared with each other (a `group`: the kernels at one n) stay paired round by round.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .sampling import KernelRunner, empty_loop, stolen_share
from .stats import N_BOOTSTRAP, median_estimate, paired_ratio

PRECISION = 0.02  # stop early once every interval is within +-2%
MIN_ROUNDS = 10
MIN_ROUNDS_SLOW = 3  # when a single round eats much of the budget
# A round is taken again (up to RETAKES times) when a sample lost more than DISTURBED of
# its wall time to other processes, beyond what that kernel usually spends off the CPU.
RETAKES = 2
DISTURBED = 0.05
# A look first computes its intervals from SCREEN bootstrap resamples, and stops there when one
# is wider than SCREEN_MARGIN x PRECISION (the Monte Carlo error of 400 resamples is a few %).
SCREEN = 400
SCREEN_MARGIN = 1.25


@dataclass
class Rounds:
    """What the rounds gave: seconds per call of each cell (loop overhead not yet subtracted)."""

    raw: list[list[float]]
    overheads: list[float]  # seconds per iteration of the empty loop, one per round
    rounds: int
    retaken: int
    stopped_early: bool


def run_rounds(
    runners: Sequence[KernelRunner],
    numbers: Sequence[int],
    overhead_number: int,
    *,
    budget: float,
    start: float,
    round_cost: float,
    stolen: list[list[float]],
    disable_gc: bool,
    groups: Sequence[Sequence[int]],
    seed: int | None = None,
    on_round: Callable[[float], None] | None = None,
) -> Rounds:
    """Sample every runner once per round, in a shuffled order, until the budget is spent or
    every interval is within +-PRECISION.

    `stolen[i]` holds runner i's share of wall time off the CPU so far (its warm-up sample),
    `groups` the indices of runners whose ratios are taken (each one's first is the reference),
    and `on_round` receives the share of the budget spent after each round.
    """
    retakes_allowed = RETAKES if round_cost * MIN_ROUNDS * 2 < budget else 0
    min_rounds = MIN_ROUNDS if round_cost * MIN_ROUNDS < budget else MIN_ROUNDS_SLOW
    raw: list[list[float]] = [[] for _ in runners]
    overheads: list[float] = []
    rng = random.Random(seed)
    order = list(range(len(runners)))
    stop = EarlyStop(groups, min_rounds)
    stopped_early = False
    rounds = retaken = 0
    while True:
        round_start = time.perf_counter()
        limits = [_usual(st) + DISTURBED for st in stolen]  # fixed within a round: once, not per attempt
        for attempt in range(retakes_allowed + 1):
            rng.shuffle(order)
            taken = [(0, 0)] * len(runners)
            for i in order:
                taken[i] = runners[i].sample(numbers[i], disable_gc)
            ov_wall, ov_cpu = empty_loop(overhead_number)
            shares = [stolen_share(*t) for t in taken]
            disturbed = any(share > limit for share, limit in zip(shares, limits))
            disturbed |= stolen_share(ov_wall, ov_cpu) > DISTURBED
            if not disturbed or attempt == retakes_allowed:
                break
            retaken += 1
        for i, (wall, _) in enumerate(taken):
            raw[i].append(wall / 1e9 / numbers[i])
            stolen[i].append(shares[i])
        overheads.append(ov_wall / 1e9 / overhead_number)
        rounds += 1
        now = time.perf_counter()
        if on_round is not None:
            on_round(min(1.0, (now - start) / budget))
        if stop(raw, overheads):
            stopped_early = True
            break
        if rounds >= min_rounds and now - start + (now - round_start) > budget:
            break
    return Rounds(raw, overheads, rounds, retaken, stopped_early)


class EarlyStop:
    """Decides after each round whether every interval is precise enough to stop measuring.

    It looks at round `min_rounds`, then every max(5, rounds/4) rounds, and 5 rounds after a
    narrow look (every interval within +-PRECISION); it stops at the second narrow look.
    Stopping at the first one is optional stopping: an interval from 10-25 rounds is narrow
    partly because its spread happened to come out small, and stopping on that picks the runs
    whose spread was underestimated. Replayed on 200 A/A runs measured to the end on a quiet
    machine, the full runs missed the true ratio 0 times, stopping at the first narrow look 6
    times (3%), stopping at the second 3 times (1.5%), for 5 more rounds at the median (on 200
    runs with a core busy: 4, 4 and 4 misses). A look that is not narrow does not start the
    count again: in those replays that missed no more often than two narrow looks in a row.
    """

    CONFIRM_AFTER = 5  # rounds between a narrow look and the look that confirms it

    def __init__(self, groups: Sequence[Sequence[int]] | None = None, min_rounds: int = MIN_ROUNDS,
                 confirmations: int = 2) -> None:
        self.groups = groups
        self.next_look = min_rounds
        self.confirmations = confirmations
        self.narrow_looks = 0

    def __call__(self, raw: list[list[float]], overheads: list[float]) -> bool:
        rounds = len(raw[0])
        if rounds < self.next_look:
            return False
        if _precise_enough(raw, float(np.median(overheads)), self.groups):
            self.narrow_looks += 1
            self.next_look = rounds + self.CONFIRM_AFTER
        else:
            self.next_look = rounds + max(5, rounds // 4)
        return self.narrow_looks >= self.confirmations


def _usual(shares: list[float]) -> float:
    """A kernel's usual share of time off the CPU (an `await asyncio.sleep` is mostly off).

    The lower quartile of its last 200 samples, not the median of the last 20: with the
    median, a kernel whose warm-up and first rounds the scheduler happened to interrupt learnt
    that interruptions were usual for it, so its interrupted rounds were kept while its twin's
    were taken again. With more processes than cores (over half the samples interrupted),
    that one-sided selection made a kernel look 1.3-8x slower than an identical one, with an
    interval that missed 1 (A/A runs beside three busy processes: 7 false verdicts of 200;
    with the lower quartile, 1 of 200).
    """
    if not shares:
        return 0.0
    # np.quantile's linear interpolation, in plain Python: a sixth of its cost on 200 values
    ordered = sorted(shares[-200:])
    position = 0.25 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _precise_enough(raw: list[list[float]], overhead: float,
                    groups: Sequence[Sequence[int]] | None = None) -> bool:
    """True when every cell's median and every ratio to the first cell of its group are within
    +-PRECISION.

    Most looks come out wide, and a full look (2,000 resamples per interval) costs as much as a
    round or two, so quick tests go first and the first wide interval ends the look: each
    ratio's interval without its bootstrap (never wider than the full one), then every interval
    from SCREEN resamples, wide past SCREEN_MARGIN; only a look that passes both computes the
    full intervals, which alone decide "narrow". The quick tests can only say "not yet".
    """
    arrays = [np.maximum(np.asarray(r) - overhead, 1e-12) for r in raw]
    pairs = [(i, first) for first, *others in (groups if groups is not None else [range(len(arrays))])
             for i in others]
    if any(paired_ratio(arrays[i], arrays[j], n_boot=0).relative_half_width > PRECISION for i, j in pairs):
        return False
    for n_boot, limit in ((SCREEN, PRECISION * SCREEN_MARGIN), (N_BOOTSTRAP, PRECISION)):
        if any(median_estimate(a, seed=1, n_boot=n_boot).relative_half_width > limit for a in arrays):
            return False
        if any(paired_ratio(arrays[i], arrays[j], seed=1, n_boot=n_boot).relative_half_width > limit
               for i, j in pairs):
            return False
    return True
