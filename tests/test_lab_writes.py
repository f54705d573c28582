"""Tests for perfkit.lessons.lab.writes: the four writers and what they send (counted exactly).

SQLite always; PostgreSQL when one answers (see test_lab_db.postgres_url). Times are not tested:
the counts are the part that holds on every machine.
"""

from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import func, select  # noqa: E402

import perfkit as pk  # noqa: E402
from perfkit.lessons.lab.databases import open_seeded  # noqa: E402
from perfkit.lessons.lab.schema import User  # noqa: E402
from perfkit.lessons.lab.writes import (BATCH, UPDATERS, WRITERS, RoundTrips, count_round_trips,  # noqa: E402
                                      email_changes, user_rows)

from test_lab_db import postgres_url  # noqa: E402

EMPTY = dict(users=3, posts_per_user=0, comments_per_post=0, orders_per_user=0, wide_rows=0)
EXPECTED = {"commit per row": (25, 25), "one transaction, a statement per row": (25, 1),
            "executemany": (1, 1), "multi-row VALUES": (1, 1)}


def _urls():
    urls = ["sqlite://"]
    if postgres_url():
        urls.append(postgres_url())
    return urls


@pytest.fixture(params=_urls(), ids=lambda u: u.split(":")[0])
def db(request):
    database = open_seeded(request.param, **EMPTY)
    yield database
    database.close()


def _users(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User)).scalar_one()


@pytest.mark.parametrize("name", list(WRITERS))
def test_each_writer_writes_every_row_and_sends_what_it_says(db, name):
    rows = user_rows(25, seed=1)
    before = _users(db)
    with count_round_trips(db) as sent:
        written = WRITERS[name](db.engine, rows)
    assert written == 25
    assert _users(db) == before + 25
    assert (sent.statements, sent.commits) == EXPECTED[name]
    assert sent.executemany == (1 if name == "executemany" else 0)
    assert sent.examples and sent.examples[0].startswith("INSERT INTO users")


def test_multi_row_values_sends_one_statement_per_batch(db):
    rows = user_rows(BATCH + 5)
    with count_round_trips(db) as sent:
        WRITERS["multi-row VALUES"](db.engine, rows)
    assert (sent.statements, sent.commits) == (2, 1)


def test_nothing_to_write_writes_nothing(db):
    before = _users(db)
    with count_round_trips(db) as sent:
        for write in WRITERS.values():
            assert write(db.engine, []) == 0
    assert sent.statements == 0  # not even Core's INSERT ... DEFAULT VALUES for an empty list
    assert _users(db) == before


def test_counting_stops_at_the_end_of_the_block(db):
    with count_round_trips(db) as sent:
        WRITERS["commit per row"](db.engine, user_rows(2))
    WRITERS["commit per row"](db.engine, user_rows(3))
    assert (sent.statements, sent.commits) == (2, 2)


def test_user_rows_are_seeded_and_checked():
    assert user_rows(5, seed=3) == user_rows(5, seed=3)
    assert user_rows(5, seed=3) != user_rows(5, seed=4)
    assert [r["name"] for r in user_rows(2)] == ["signup 0", "signup 1"]
    assert user_rows(0) == []
    with pytest.raises(ValueError, match="n must be"):
        user_rows(-1)
    with pytest.raises(TypeError):
        user_rows(2.5)


def test_round_trips_read_as_a_sentence():
    assert str(RoundTrips(1, 1, 1)) == "1 statement (1 an executemany), 1 commit"
    assert str(RoundTrips(100, 0, 100)) == "100 statements, 100 commits"
    assert str(RoundTrips(1_000, 0, 1)) == "1,000 statements, 1 commit"


def test_writers_agree_as_kernels_of_a_comparison():
    db = open_seeded("sqlite://", **EMPTY)
    try:
        kernels = {name: (lambda rows, write=write: write(db.engine, rows)) for name, write in WRITERS.items()}
        c = pk.compare(kernels, setup=lambda: user_rows(5), budget=0.2)
    finally:
        db.close()
    assert sorted(c.names) == sorted(WRITERS)
    assert all(c[name].per_call.value > 0 for name in WRITERS)


UPDATE_COUNTS = {"UPDATE per row": 25, "UPDATE executemany": 1, "temp table + UPDATE FROM": 4}


def _emails(db) -> list[tuple[int, str]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(User.id, User.email).order_by(User.id))]


@pytest.mark.parametrize("name", list(UPDATERS))
def test_each_updater_changes_the_same_rows_and_sends_what_it_says(db, name):
    WRITERS["executemany"](db.engine, user_rows(30, seed=2))
    before = _emails(db)
    ids = [user_id for user_id, _ in before][:25]
    with count_round_trips(db) as sent:
        assert UPDATERS[name](db.engine, email_changes(ids)) == 25
    after = _emails(db)
    assert after == [(i, f"user{i}@example.org" if i in ids else email) for i, email in before]
    assert (sent.statements, sent.commits) == (UPDATE_COUNTS[name], 1)
    UPDATERS[name](db.engine, email_changes(ids, "example.net"))  # again: the temporary table was dropped
    assert _emails(db)[0][1] == f"user{ids[0]}@example.net"


def test_email_changes_refuses_an_empty_domain():
    assert email_changes([3]) == [{"id": 3, "email": "user3@example.org"}]
    with pytest.raises(ValueError, match="domain must be"):
        email_changes([3], "")
