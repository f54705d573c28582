"""Tests for the N+1 lesson's lab code: the blog service (blog_app), the databases a lesson opens
(databases) and verdicts from two load tests (loadverdicts). SQLite only: fast, and everywhere."""

from __future__ import annotations

import time
from contextlib import closing

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

import perfkit as pk  # noqa: E402
from perfkit.engine.stats import Estimate  # noqa: E402
from perfkit.lessons.lab import databases  # noqa: E402
from perfkit.lessons.lab.blog_app import HANDLERS, serve_blog  # noqa: E402
from perfkit.lessons.lab.dburl import ENV  # noqa: E402
from perfkit.lessons.lab.loadverdicts import latency_ratio, latency_verdict  # noqa: E402

ROWS = {"users": 30, "posts_per_user": 3, "comments_per_post": 0, "orders_per_user": 0, "wide_rows": 0}


@pytest.fixture
def lite():
    db = databases.open_seeded("sqlite://", **ROWS)
    yield db
    db.close()


# -- databases -----------------------------------------------------------------------------------
def test_postgres_url_is_the_environment_s_only_when_it_names_postgresql(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert databases.postgres_url() is None
    monkeypatch.setenv(ENV, "sqlite:////tmp/somewhere.db")
    assert databases.postgres_url() is None
    monkeypatch.setenv(ENV, " postgresql+psycopg://me@127.0.0.1:5432/test ")
    assert databases.postgres_url() == "postgresql+psycopg://me@127.0.0.1:5432/test"
    monkeypatch.setenv(ENV, "mysql://me@host/db")
    with pytest.raises(ValueError, match=ENV):
        databases.postgres_url()


def test_not_run_names_the_variable_to_set():
    assert ENV in databases.not_run() and databases.not_run("asyncpg").startswith("asyncpg: not run")


def test_open_seeded_gives_an_open_seeded_database_and_names_it(lite):
    with lite.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM posts").scalar() == 90
    assert databases.display_name(lite) == "SQLite"
    assert databases.latency_note(lite) == "no simulated latency"
    lite.simulated_rtt = 0.001
    assert "slept per statement" in databases.latency_note(lite)


def test_open_seeded_closes_the_database_when_seeding_fails(monkeypatch):
    closed, close = [], pk.Database.close
    monkeypatch.setattr(pk.Database, "close", lambda self: closed.append(self) or close(self))
    with pytest.raises(ValueError, match="users must be an int >= 0"):
        databases.open_seeded("sqlite://", users=-1)
    assert len(closed) == 1


# -- the blog app's handlers, in this process ------------------------------------------------------
async def _run(db, handler, n):
    engine = db.async_engine()
    try:
        async with AsyncSession(engine) as session:
            return await handler(session, n)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("how, statements", [("n-plus-one", 11), ("selectinload", 2), ("join", 1)])
def test_each_handler_gives_the_same_page_with_its_own_statement_count(lite, how, statements):
    expected = pk.run_async(_run(lite, HANDLERS["join"], 10))
    with lite.count_statements() as sql:
        page = pk.run_async(_run(lite, HANDLERS[how], 10))
    assert page == expected
    assert [user["name"] for user in page] == [f"user {i}" for i in range(1, 11)]
    assert sum(len(user["posts"]) for user in pk.run_async(_run(lite, HANDLERS[how], 30))) == 90
    assert sql.count == statements


# -- the service ----------------------------------------------------------------------------------------
def test_the_service_serves_each_way_and_counts_its_statements(lite):
    with serve_blog(lite) as svc:
        pages = {how: svc.get(f"/users/{how}?n=5") for how in HANDLERS}
        assert pages["n-plus-one"] == pages["selectinload"] == pages["join"]
        per_request = {}
        for how in HANDLERS:
            svc.reset_stats()
            svc.get(f"/users/{how}?n=7")
            svc.get(f"/users/{how}?n=7")
            per_request[how] = svc.statements_per_request()
        assert per_request == {"n-plus-one": 8, "selectinload": 2, "join": 1}
        assert svc.stats() == {"requests": 2, "statements": 2}
        svc.reset_stats()
        with pytest.raises(RuntimeError, match="no page was requested"):
            svc.statements_per_request()
        with pytest.raises(Exception, match="404"):
            svc.get("/users/lazily")
        assert "blog service at http://127.0.0.1:" in svc.describe()
    assert not svc.service.running


def test_the_service_sleeps_a_sqlite_database_s_simulated_round_trip_per_statement():
    with closing(databases.open_seeded("sqlite://", rtt=0.005, **ROWS)) as db, serve_blog(db) as svc:
        svc.get("/users/n-plus-one?n=10")  # the first request also opens a connection
        start = time.perf_counter()
        svc.get("/users/n-plus-one?n=10")
        assert time.perf_counter() - start >= 11 * 0.005


def test_serve_blog_refuses_what_is_not_a_database():
    with pytest.raises(TypeError, match="db must be an open Database"):
        serve_blog("sqlite://")


# -- verdicts from two load tests -------------------------------------------------------------------
class _Load:
    """Stands in for a LoadResult: only its latency percentiles."""

    def __init__(self, **percentiles: Estimate) -> None:
        self.percentiles = percentiles

    def latency(self, percentile: str = "p50") -> Estimate:
        return self.percentiles[percentile]


FAST = _Load(p50=Estimate(0.004, 0.003, 0.005, "s"), p99=Estimate(0.01, 0.008, 0.02, "s"))
SLOW = _Load(p50=Estimate(0.080, 0.060, 0.100, "s"), p99=Estimate(0.1, 0.09, 0.2, "s"))


def test_the_ratio_s_interval_takes_the_far_ends_of_both_intervals():
    ratio = latency_ratio(FAST, SLOW)
    assert ratio.value == pytest.approx(20) and ratio.unit == "x"
    assert ratio.low == pytest.approx(0.060 / 0.005) and ratio.high == pytest.approx(0.100 / 0.003)
    assert latency_ratio(FAST, SLOW, "p99").value == pytest.approx(10)


def test_latency_verdicts_follow_the_verdict_rule_and_carry_the_claim():
    assert latency_verdict(FAST, SLOW, "join", "n+1", by=10).status == "holds"       # low 12 >= 10
    assert latency_verdict(FAST, SLOW, "join", "n+1", by=40).status == "refuted"     # high 33 < 40
    verdict = latency_verdict(FAST, SLOW, "join", "n+1", claim="nplus1.join-20x")
    assert verdict.status == "inconclusive" and verdict.by == 20 and verdict.claim == "nplus1.join-20x"
    assert "join (p50)" in str(verdict) and "n+1 (p50)" in str(verdict)


def test_latency_verdict_refuses_what_is_not_a_load_result():
    with pytest.raises(TypeError, match="slow must be a LoadResult"):
        latency_verdict(FAST, 0.08, "join", "n+1")
