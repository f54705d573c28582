"""Tests for the lab database (perfkit.lessons.lab.db, schema, statements, dburl).

SQLite is always tested. PostgreSQL is tested when one answers: PERFKIT_DATABASE_URL if it
names PostgreSQL, else 127.0.0.1:5432, database `test`, user postgres / root / this user.
Times are checked with lower bounds only.
"""

from __future__ import annotations

import asyncio
import functools
import getpass
import os
import socket
import threading
import time
from datetime import datetime

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import create_engine, func, insert, inspect, select, text  # noqa: E402
from sqlalchemy.orm import joinedload, selectinload  # noqa: E402

import perfkit as pk  # noqa: E402
from perfkit.lessons.lab.dburl import ENV, resolve  # noqa: E402
from perfkit.lessons.lab.schema import Order, Post, add_index, drop_index  # noqa: E402

NO_POSTGRES = "no PostgreSQL answered at 127.0.0.1:5432 (set PERFKIT_DATABASE_URL to a PostgreSQL URL to test that path)"
SMALL = {"users": 30, "posts_per_user": 4, "comments_per_post": 2, "orders_per_user": 3, "wide_rows": 50}


@functools.lru_cache(maxsize=None)
def postgres_url() -> str | None:
    """A PostgreSQL URL that answers here, or None."""
    env = os.environ.get(ENV, "")
    if env.startswith("postgres"):
        candidates = [env]
    else:
        try:
            socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        except OSError:
            return None
        users = dict.fromkeys(["postgres", "root", getpass.getuser()])
        candidates = [f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in users]
    for url in candidates:
        try:
            with pk.database(url):
                return url
        except pk.DatabaseUnavailable:
            continue
    return None


def require_postgres() -> str:
    url = postgres_url()
    if url is None:
        pytest.skip(NO_POSTGRES if not os.environ.get(ENV, "").startswith("postgres")
                    else f"the PostgreSQL at {ENV} ({resolve(None).where}) did not answer")
    return url


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, monkeypatch):
    """An open, seeded (SMALL) database of each kind."""
    if request.param == "sqlite":
        monkeypatch.delenv(ENV, raising=False)
        url = None
    else:
        url = require_postgres()
    with pk.database(url) as database:
        database.seed(**SMALL)
        yield database


# -- seeding ---------------------------------------------------------------------------------------
def test_seed_writes_the_rows_asked_for(db):
    counts = db.seed(**SMALL)
    assert counts == {"users": 30, "posts": 120, "comments": 240, "orders": 90, "wide": 50}
    with db.engine.connect() as connection:
        for table, n in counts.items():
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == n
        assert len(connection.execute(text("SELECT * FROM wide LIMIT 1")).keys()) == 30


def test_seed_is_deterministic_and_depends_on_the_seed(no_env):
    def rows(seed: int) -> list[tuple]:
        with pk.database() as database:
            database.seed(**SMALL, seed=seed)
            with database.engine.connect() as connection:
                return connection.execute(text(
                    "SELECT p.user_id, o.status, o.amount FROM posts p JOIN orders o ON o.id = p.id ORDER BY p.id"
                )).all()

    assert rows(1) == rows(1)
    assert rows(1) != rows(2)


def test_seed_writes_each_table_in_one_executemany_not_row_by_row(db):
    with db.count_statements() as sql:
        db.seed(users=200, posts_per_user=10, comments_per_post=2)
    inserts = [s for s in sql.statements if s.startswith("INSERT")]
    assert len(inserts) == 5  # one per table, for 200 + 2,000 + 4,000 + 1,000 + 1,000 rows


def test_later_inserts_get_fresh_ids(db):
    with db.session() as session:
        session.add(Order(user_id=1, amount=1.0, status="new", created_at=datetime(2024, 6, 1)))
        session.commit()
        assert session.scalar(select(func.max(Order.id))) == 91


# -- statement counting ----------------------------------------------------------------------------
def test_lazy_loading_sends_one_query_per_distinct_author(db):
    with db.session() as session:
        authors = set(session.scalars(select(Post.user_id).order_by(Post.id).limit(20)))
    assert 1 < len(authors) <= 20
    with db.session() as session, db.count_statements() as sql:
        for post in session.scalars(select(Post).order_by(Post.id).limit(20)):
            post.author.name  # not loaded yet: a SELECT, unless this author is in the session
    assert sql.count == 1 + len(authors)
    assert sum(s.startswith("SELECT users.") for s in sql.statements) == len(authors)


@pytest.mark.parametrize("loader, statements", [(selectinload, 2), (joinedload, 1)])
def test_eager_loading_sends_a_fixed_number_of_queries(db, loader, statements):
    with db.session() as session, db.count_statements() as sql:
        posts = session.scalars(select(Post).options(loader(Post.author)).order_by(Post.id).limit(20)).all()
        names = [post.author.name for post in posts]
    assert len(names) == 20
    assert sql.count == statements


def test_an_executemany_counts_as_one_statement(db):
    rows = [{"user_id": 1, "amount": 2.5, "status": "paid", "created_at": datetime(2024, 1, 2)}
            for _ in range(500)]
    with db.engine.begin() as connection, db.count_statements() as sql:
        connection.execute(insert(Order), rows)
        connection.execute(select(func.count()).select_from(Order)).scalar()
    assert sql.count == 2
    assert sql.executemany == 1


def test_only_statements_inside_the_block_are_counted(db):
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        with db.count_statements() as outer:
            connection.execute(text("SELECT 2"))
            with db.count_statements() as inner:
                connection.execute(text("SELECT 3"))
        connection.execute(text("SELECT 4"))
    assert outer.statements == ["SELECT 2", "SELECT 3"]
    assert inner.statements == ["SELECT 3"]
    assert repr(outer).startswith("StatementCount(count=2: 1 x SELECT 2")


def test_statements_of_an_async_engine_are_counted(db):
    async def run() -> int:
        engine = db.async_engine()
        try:
            async with engine.connect() as connection:
                result = await connection.execute(select(func.count()).select_from(Post))
                return result.scalar_one()
        finally:
            await engine.dispose()

    with db.count_statements() as sql:
        assert pk.run_async(run(), timeout=30) == 120
    assert sql.count == 1


# -- indexes ---------------------------------------------------------------------------------------
def test_add_index_and_drop_index(db):
    def indexed() -> set[str]:
        return {ix["name"] for ix in inspect(db.engine).get_indexes("orders")}

    assert "ix_orders_status" not in indexed()  # left out on purpose
    assert add_index(db, "orders", "status") == "ix_orders_status"
    assert "ix_orders_status" in indexed()
    drop_index(db, "orders", "status")
    assert "ix_orders_status" not in indexed()
    with pytest.raises(ValueError, match="column must be one of orders"):
        add_index(db, "orders", "nope")


# -- lifecycle and errors --------------------------------------------------------------------------
def test_the_temporary_sqlite_folder_is_removed_on_exit_also_after_an_error(no_env):
    with pk.database() as database:
        folder = os.path.dirname(database.url.database)
        assert os.path.isdir(folder) and database.dialect == "sqlite"
    assert not os.path.exists(folder)
    with pytest.raises(ZeroDivisionError):
        with pk.database() as database:
            folder = os.path.dirname(database.url.database)
            1 / 0
    assert not os.path.exists(folder)
    with pytest.raises(RuntimeError, match="not open"):
        database.engine


@pytest.mark.parametrize("url", ["not a url", "postgresql://u:secret@host:port/test", "mysql://u@h/db",
                                 "sqlite:///:memory:", ""])
def test_a_malformed_url_raises_value_error_with_an_example(url):
    with pytest.raises(ValueError, match=r"url must be .*postgresql\+psycopg://user@127.0.0.1:5432/test") as info:
        pk.database(url)
    assert "secret" not in str(info.value)


def test_a_malformed_environment_variable_is_named(monkeypatch):
    monkeypatch.setenv(ENV, "garbage")
    with pytest.raises(ValueError, match=f"{ENV} must be .*unset {ENV}"):
        pk.database()


def test_an_unreachable_server_raises_database_unavailable_quickly():
    start = time.monotonic()
    with pytest.raises(pk.DatabaseUnavailable) as info:
        with pk.database("postgresql+psycopg://u@127.0.0.1:1/test"):
            pass
    assert time.monotonic() - start < 5
    message = str(info.value)
    assert "127.0.0.1:1" in message and "start PostgreSQL" in message
    assert isinstance(info.value, pk.PerfkitError)


@pytest.mark.parametrize("rtt", [-1, float("nan"), "2ms", True])
def test_a_bad_rtt_is_refused(rtt):
    with pytest.raises(ValueError, match="rtt must be"):
        pk.database(rtt=rtt)


# -- simulated latency -----------------------------------------------------------------------------
def test_simulated_rtt_on_sqlite_delays_every_statement(no_env):
    with pk.database(rtt=0.005) as database:
        assert database.latency_mode == "sleep" and database.simulated_rtt == 0.005
        assert "simulated round trip 5.00 ms" in database.describe()
        with database.engine.connect() as connection:
            start = time.perf_counter()
            for _ in range(20):
                connection.execute(text("SELECT 1"))
            elapsed = time.perf_counter() - start
            database.simulated_rtt = 0
            start = time.perf_counter()
            for _ in range(20):
                connection.execute(text("SELECT 1"))
            without = time.perf_counter() - start
    assert elapsed >= 20 * 0.005
    assert elapsed > without


def test_simulated_rtt_on_sqlite_is_awaited_in_async_code(no_env):
    async def run(database) -> tuple[float, float]:
        engine = database.async_engine()
        try:
            async with engine.connect() as connection:  # connected before timing
                start = time.perf_counter()
                for _ in range(5):
                    await connection.execute(text("SELECT 1"))
                sequential = time.perf_counter() - start
                ticks = 0

                async def tick() -> None:
                    nonlocal ticks
                    while True:
                        ticks += 1
                        await asyncio.sleep(0.001)

                ticker = asyncio.create_task(tick())
                await connection.execute(text("SELECT 1"))
                ticker.cancel()
                return sequential, ticks
        finally:
            await engine.dispose()

    with pk.database(rtt=0.05) as database:
        sequential, ticks = pk.run_async(run(database), timeout=30)
    assert sequential >= 5 * 0.05
    # the loop ran a 1 ms ticker while the statement "travelled" for 50 ms (about 25-50 ticks);
    # a delay that blocked the loop would leave room for 3 at most
    assert ticks >= 8


# -- PostgreSQL only -------------------------------------------------------------------------------
def test_postgres_schema_is_private_and_dropped_on_exit():
    url = require_postgres()
    with pk.database(url) as database:
        schema = database.schema
        assert schema.startswith("perfkit_") and schema in database.describe()
        database.seed(**SMALL)
        other = create_engine(database.url)  # db.url carries the schema: another engine sees the tables
        with other.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 30
        other.dispose()
    check = create_engine(resolve(url).sync_url)  # psycopg, whichever driver the URL named
    with check.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema})
        assert left.scalar() == 0
    check.dispose()


def test_postgres_through_the_latency_proxy_is_slower_by_the_round_trip():
    url = require_postgres()
    with pk.database(url, rtt=0.01) as database:
        assert database.latency_mode == "proxy" and "simulated round trip 10.0 ms" in database.describe()
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))  # connected and in a transaction before timing
            start = time.perf_counter()
            for _ in range(10):
                connection.execute(text("SELECT 1"))
            elapsed = time.perf_counter() - start
    assert elapsed >= 10 * 0.01
    assert database.proxy is None  # stopped with the database, its thread too
    assert not [t for t in threading.enumerate() if t.name == "perfkit-proxy"]


def test_postgres_rtt_needs_a_tcp_host():
    with pytest.raises(ValueError, match="TCP host"):
        pk.database("postgresql+psycopg://postgres@/test", rtt=0.01)
