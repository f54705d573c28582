"""Tests for perfkit.lessons.lab.ratesweep (RateSweep, rate_sweep) and targets_app.

Where a target breaks is decided on made-up load results; against the real service only what
holds on any machine (answers, and a light load that meets generous targets).
"""

from __future__ import annotations

import json
import urllib.request

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")

import perfkit as pk  # noqa: E402
from perfkit.lessons.lab.loadresult import LoadResult  # noqa: E402
from perfkit.lessons.lab.ratesweep import RateSweep  # noqa: E402
from perfkit.lessons.lab.targets_app import serve_targets_app  # noqa: E402


def _result(rate: float, latencies: list[list[float]], cpu: float = 0.1) -> LoadResult:
    """A LoadResult at `rate` whose repeat i answered its requests after latencies[i] seconds."""
    runs = []
    for lat in latencies:
        due = np.arange(len(lat)) / rate
        runs.append({"due": due, "start": due, "end": due + np.asarray(lat), "status": [200] * len(lat),
                     "error": [""] * len(lat), "elapsed": len(lat) / rate, "cpu": cpu * len(lat) / rate, "waits": 0})
    return LoadResult(["GET http://127.0.0.1:1/x"], "open", rate, None, len(latencies[0]) / rate, runs)


def _sweep(per_rate: dict[float, list[float]], target: float = 0.1, **cpu: float) -> RateSweep:
    """A RateSweep whose repeats at each rate have these p95s (each repeat: 40 equal latencies)."""
    results = {rate: _result(rate, [[p] * 40 for p in p95s], cpu.get(f"r{int(rate)}", 0.1))
               for rate, p95s in per_rate.items()}
    return RateSweep("GET /x", "p95", target, sorted(per_rate), results, "api.get-under-100ms")


def test_a_target_that_breaks():
    s = _sweep({50: [0.002, 0.003, 0.002], 100: [0.004, 0.003, 0.005], 200: [0.3, 0.35, 0.4]})
    assert [v.status for v in s.verdicts.values()] == ["holds", "holds", "refuted"]
    assert (s.broke_at, s.held_up_to, s.over_at) == (200, 100, 200)
    assert s.outcome == "broke at 200 req/s"
    assert "broke at 200 req/s (p95: 350 ms, 95% interval" in s.conclusion
    assert "it held up to 100 req/s" in s.conclusion
    assert s.verdict(100).claim == "api.get-under-100ms"


def test_a_target_that_does_not_break():
    s = _sweep({50: [0.002] * 3, 100: [0.003] * 3})
    assert (s.broke_at, s.over_at, s.held_up_to) == (None, None, 100)
    assert s.outcome == "did not break"
    assert s.conclusion == "GET /x: p95 < 100 ms did not break within the rates tried (up to 100 req/s)."


def test_a_median_over_the_target_with_runs_that_disagree_is_inconclusive():
    s = _sweep({50: [0.002] * 3, 100: [0.01, 0.15, 0.3]})
    assert s.verdict(100).status == "inconclusive"
    assert (s.broke_at, s.over_at) == (None, 100)
    assert s.outcome == "over the target at 100 req/s (inconclusive)"
    assert "was not refuted within the rates tried" in s.conclusion and "runs disagree" in s.conclusion


def test_rates_where_the_client_was_the_limit_are_named():
    s = _sweep({50: [0.002] * 3, 100: [0.003] * 3}, r100=0.95)
    assert s.client_limited == [100]
    assert "The client was the limit at 100 req/s" in s.conclusion
    assert "client-limited" in repr(s)


def test_a_rate_not_tried_is_named_in_the_error():
    s = _sweep({50: [0.002] * 3})
    with pytest.raises(KeyError, match="rate 400"):
        s[400]


def test_saved_and_loaded_it_judges_and_draws_again(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    s = _sweep({50: [0.002, 0.003, 0.002], 100: [0.3, 0.35, 0.4]})
    back = pk.load(s.save(tmp_path / "sweep.json"))
    assert isinstance(back, RateSweep)
    assert (back.broke_at, back.conclusion, back.names) == (s.broke_at, s.conclusion, s.names)
    ax = back.plot()
    assert ax.get_title() == "GET /x: broke at 100 req/s"
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert any(line.get_ydata()[0] == pytest.approx(0.1) for line in ax.get_lines() if len(line.get_ydata()) == 2)


@pytest.mark.parametrize("kwargs, match", [
    ({"rates": []}, "rates must be"), ({"rates": [0, 10]}, "each rate"), ({"rates": [10], "below": -1}, "below"),
    ({"rates": [10], "repeats": 0}, "repeats"),
])
def test_bad_arguments_name_themselves(kwargs, match):
    kwargs.setdefault("below", 0.1)
    with pytest.raises(ValueError, match=match):
        pk.rate_sweep("http://127.0.0.1:1/", **kwargs)


def test_the_service_answers_each_endpoint_and_meets_generous_targets_at_a_light_load():
    with pk.database("sqlite://") as db:
        db.seed(users=20, posts_per_user=0, comments_per_post=0, orders_per_user=0, wide_rows=0)
        with serve_targets_app(db) as svc:
            def get(path):
                with urllib.request.urlopen(svc.url + path, timeout=5) as answer:
                    return json.loads(answer.read())

            assert get("/") == {"app": "targets", "database": "sqlite"}
            assert get("/items/3")["id"] == 3
            assert get("/users/7") == {"id": 7, "name": "user 7", "email": "user7@example.com"}
            assert get("/cached/users/7") == get("/cached/users/7") == get("/users/7")
            with pytest.raises(urllib.error.HTTPError, match="404"):
                get("/users/999")
            s = pk.rate_sweep(svc.url + "/cached/users/7", [20, 40], below=1.0, duration=0.2, repeats=2,
                              warmup=0.05)
    assert s.tried == [20.0, 40.0] and s.name == "GET /cached/users/7"
    assert s.broke_at is None and all(r.errors == {} for r in s.results.values())


def test_serve_targets_app_wants_a_database():
    with pytest.raises(TypeError, match="db must be an open Database"):
        serve_targets_app("sqlite://")
