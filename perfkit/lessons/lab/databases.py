"""The databases a lesson compares: seeded alike, PostgreSQL only when it is configured.

    lite = open_seeded("sqlite://", users=200)      # always: a SQLite file in a temporary folder
    url = postgres_url()                            # PERFKIT_DATABASE_URL if it names PostgreSQL
    pg = open_seeded(url, users=200) if url else None
    far = open_seeded(rtt=0.001, users=200)         # the default database, 1 ms (simulated) away

A lesson that judges a claim "on SQLite and on PostgreSQL" runs on SQLite everywhere and on
PostgreSQL where one is configured, and says which it did (`not_run`).
"""

from __future__ import annotations

import os
from typing import Any

from .db import Database, database
from .dburl import ENV, resolve


def postgres_url() -> str | None:
    """PERFKIT_DATABASE_URL when it names PostgreSQL; None when it is unset or names SQLite.

    Raises:
        ValueError: PERFKIT_DATABASE_URL is set but is not a URL the lab can use.
    """
    if resolve(None).dialect != "postgresql":
        return None
    return os.environ[ENV].strip()


def not_run(what: str = "PostgreSQL") -> str:
    """What a lesson prints in place of a PostgreSQL measurement that it could not make."""
    return (f"{what}: not run, as {ENV} is not set to a PostgreSQL URL "
            f"(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")


def open_seeded(url: str | None = None, *, rtt: float | None = None, seed: int = 0, **rows: Any) -> Database:
    """An open Database (pk.database(url, rtt=..., seed=...)) with the lab's tables seeded.

    Args:
        url: as for pk.database: None for PERFKIT_DATABASE_URL or a temporary SQLite file,
            "sqlite://" for a temporary SQLite file whatever the environment says.
        rtt: simulated round trip in seconds (a latency proxy on PostgreSQL, a sleep on SQLite).
        seed: random seed of the rows.
        **rows: row counts for `db.seed` (users=, posts_per_user=, comments_per_post=, ...).

    Close it with `db.close()` when done: it removes the temporary file or schema.
    """
    db = database(url, rtt=rtt, seed=seed).open()
    try:
        db.seed(**rows)
    except BaseException:
        db.close()
        raise
    return db


def display_name(db: Database) -> str:
    """"SQLite" or "PostgreSQL": how a chart names the database."""
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(db.dialect, db.dialect)


def latency_note(db: Database) -> str:
    """How a chart says whether the latency was simulated, and how (not how much: that may vary)."""
    mode = db.latency_mode
    if mode == "proxy":
        return "simulated round trip, added by a TCP proxy"
    if mode == "sleep":
        return "simulated round trip, slept per statement"
    return "no simulated latency"


def at_simulated_rtt(db: Database, fn: Any, /, *args: Any) -> Any:
    """A kernel for pk.sweep over simulated round trips, n in microseconds: each call sets
    `db.simulated_rtt` to n µs, then returns fn(*args).

    pk.sweep measures every size in the same interleaved rounds, so the round trip cannot be set
    once per size by `setup`: each call sets its own (an attribute write, nothing more).

        pk.sweep({"pool": at_simulated_rtt(db, query, db.engine)}, n=[200, 1_000, 5_000])
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")

    def kernel(microseconds: float) -> Any:
        db.simulated_rtt = microseconds / 1e6
        return fn(*args)

    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel
