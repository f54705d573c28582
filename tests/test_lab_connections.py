"""Tests for the connection-reuse lesson's lab code: ResidentLoop and asyncpg_params
(connections.py), Database.new_engine, and databases.at_simulated_rtt. SQLite, plus asyncpg
against PostgreSQL when one answers (see test_lab_db.postgres_url)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

import perfkit as pk  # noqa: E402
from perfkit.lessons.lab.connections import ResidentLoop, asyncpg_params  # noqa: E402
from perfkit.lessons.lab.databases import at_simulated_rtt, open_seeded  # noqa: E402

from test_lab_db import require_postgres  # noqa: E402

ROWS = {"users": 10, "posts_per_user": 0, "comments_per_post": 0, "orders_per_user": 0, "wide_rows": 0}
QUERY = text("SELECT name FROM users WHERE id = :id")


def _query(engine):
    with engine.connect() as conn:
        return conn.execute(QUERY, {"id": 3}).scalar_one()


# -- ResidentLoop ------------------------------------------------------------------------------------
def test_what_a_call_makes_stays_on_one_loop_between_calls():
    async def make():
        return {"loop": asyncio.get_running_loop(), "thread": threading.get_ident()}

    async def same(made):
        return asyncio.get_running_loop() is made["loop"] and threading.get_ident() == made["thread"]

    with ResidentLoop() as loop:
        made = loop.call(make)
        kernel = loop.kernel(same, made)
        assert kernel() and kernel() and kernel.__name__ == "same"
        assert made["thread"] != threading.get_ident()


def test_call_calls_the_function_on_the_loop_s_thread_not_only_awaits_there():
    seen = []

    def not_a_coroutine_function():  # like asyncpg.create_pool: takes the running loop when called
        seen.append(asyncio.get_running_loop())
        return asyncio.sleep(0, result="done")

    with ResidentLoop() as loop:
        assert loop.call(not_a_coroutine_function) == "done"
    assert len(seen) == 1


def test_errors_reach_the_caller_and_a_stopped_loop_says_how_to_start_it():
    async def fail(message):
        raise ValueError(message)

    with ResidentLoop() as loop:
        with pytest.raises(ValueError, match="boom"):
            loop.call(fail, "boom")
        kernel = loop.kernel(asyncio.sleep, 0)
    with pytest.raises(RuntimeError, match="with ResidentLoop"):
        kernel()
    with pytest.raises(TypeError):
        ResidentLoop().kernel(42)


# -- Database.new_engine and at_simulated_rtt -------------------------------------------------------
def test_new_engine_is_counted_and_delayed_like_the_database_s_own():
    db = open_seeded("sqlite://", rtt=0.0, **ROWS)
    try:
        per_query = db.new_engine(poolclass=NullPool)
        assert isinstance(per_query.pool, NullPool)
        with db.count_statements() as sql:
            assert _query(per_query) == _query(db.engine) == "user 3"
        assert sql.count == 2
        db.simulated_rtt = 0.01
        _query(db.engine)  # the pooled engine has its connection open by now
        start = time.perf_counter()
        _query(db.engine)
        pooled = time.perf_counter() - start
        start = time.perf_counter()
        _query(per_query)
        connecting = time.perf_counter() - start
        assert pooled >= 0.01 and connecting >= 0.03  # a new connection sleeps 2 round trips more
    finally:
        db.close()
    with pytest.raises(RuntimeError, match="not open"):
        db.new_engine()


def test_at_simulated_rtt_sets_the_round_trip_before_each_call():
    db = open_seeded("sqlite://", **ROWS)
    try:
        seen = []
        kernel = at_simulated_rtt(db, lambda: seen.append(db.simulated_rtt) or len(seen))
        assert kernel(2_000) == 1 and kernel(500) == 2
        assert seen == [0.002, 0.0005]
        sweep = pk.sweep({"query": at_simulated_rtt(db, _query, db.engine)}, n=[100, 3_000], budget=0.4,
                         progress=False)
        low, high = (e.value for e in sweep.per_call["query"])
        assert low < 0.003 <= high
    finally:
        db.close()
    with pytest.raises(TypeError, match="fn must be callable"):
        at_simulated_rtt(db, "SELECT 1")


# -- asyncpg_params -------------------------------------------------------------------------------------
def test_asyncpg_params_refuse_sqlite():
    db = open_seeded("sqlite://", **ROWS)
    try:
        with pytest.raises(ValueError, match="asyncpg needs a PostgreSQL database"):
            asyncpg_params(db)
    finally:
        db.close()


def test_asyncpg_params_reach_the_lab_schema_through_the_proxy():
    asyncpg = pytest.importorskip("asyncpg")
    db = open_seeded(require_postgres(), rtt=0.0, **ROWS)
    try:
        params = asyncpg_params(db)
        assert params["dsn"].startswith("postgresql://") and f":{db.proxy.port}/" in params["dsn"]

        async def name():
            conn = await asyncpg.connect(**params)
            try:
                return await conn.fetchval("SELECT name FROM users WHERE id = $1", 4)
            finally:
                await conn.close()

        served = db.proxy.connections_served
        with ResidentLoop() as loop:
            assert loop.call(name) == "user 4"
        assert db.proxy.connections_served == served + 1
    finally:
        db.close()
