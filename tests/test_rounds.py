"""The early stop's looks (engine/rounds.py), on made-up samples."""

import numpy as np
import pytest

from perfkit.engine import rounds, stats
from perfkit.engine.stats import median_estimate, paired_ratio


def _full_look(raw):
    """The look as it was before its quick tests: every interval from all the resamples."""
    arrays = [np.asarray(r) for r in raw]
    return (all(median_estimate(a, seed=1).relative_half_width <= rounds.PRECISION for a in arrays)
            and all(paired_ratio(a, arrays[0], seed=1).relative_half_width <= rounds.PRECISION
                    for a in arrays[1:]))


@pytest.mark.parametrize("n", [10, 20, 40])
def test_a_look_says_narrow_only_when_every_full_interval_is(n):
    rng = np.random.default_rng(n)
    agree = 0
    for _ in range(60):
        spread = rng.uniform(0.002, 0.06)
        raw = [list(1e-6 * rng.lognormal(0, spread, n)), list(3e-6 * rng.lognormal(0, spread, n))]
        quick, full = rounds._precise_enough(raw, 0.0), _full_look(raw)
        assert not quick or full  # the quick tests can only say "not yet"
        agree += quick == full
    assert agree >= 57  # and rarely say it when the full look would have stopped


def test_a_wide_look_draws_no_bootstrap_resample(monkeypatch):
    def no_resampling(*args):
        raise AssertionError("a look whose ratio is wide on Yuen's error alone resampled")

    monkeypatch.setattr(stats, "block_indices", no_resampling)
    rng = np.random.default_rng(0)
    wide = [list(rng.lognormal(0, 0.3, 30)), list(rng.lognormal(0, 0.3, 30))]
    assert rounds._precise_enough(wide, 0.0) is False


def test_a_narrow_look_is_narrow():
    rng = np.random.default_rng(1)
    steady = [list(1e-6 * rng.lognormal(0, 0.002, 20)), list(2e-6 * rng.lognormal(0, 0.002, 20))]
    assert rounds._precise_enough(steady, 0.0) is True


@pytest.mark.parametrize("count", [1, 2, 5, 37, 200, 450])
def test_a_kernels_usual_time_off_the_cpu_is_the_lower_quartile_of_its_last_200(count):
    shares = list(np.random.default_rng(count).random(count) * 0.2)
    assert rounds._usual(shares) == pytest.approx(float(np.quantile(shares[-200:], 0.25)), abs=1e-15)
    assert rounds._usual([]) == 0.0


def test_nothing_is_imported_between_rounds_in_a_fresh_process():
    # numpy imports numpy.ma at its first median and numpy.random at its first bootstrap (~30 ms);
    # mid-measurement, at the first look, the first measurement of a process needed more rounds
    import subprocess
    import sys

    script = """
import sys
import perfkit as pk
from perfkit.engine import rounds, timing
inner = timing.run_rounds
def watched(*args, **kwargs):
    before = set(sys.modules)
    done = inner(*args, **kwargs)
    print(sorted(set(sys.modules) - before))
    return done
timing.run_rounds = watched
pk.compare({"a": lambda: sum(range(100)), "b": lambda: sum(range(100))}, budget=0.2)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
