"""Counting the SQL statements a piece of code sends, and a simulated delay per round trip.

Both hang on SQLAlchemy's engine events, so they see every statement an ORM lazy load, a
Core query or raw SQL sends, from sync and async engines alike:

    with db.count_statements() as sql:
        for post in session.scalars(select(Post).limit(20)):
            post.author.name
    sql.count        # 1 + the number of distinct authors: the "N + 1" counted, not guessed
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from typing import Any

from ...engine.optional import require

require("sqlalchemy", "counting SQL statements", "lab")

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.util import await_only  # noqa: E402

_SHOWN = 300  # characters of each statement kept in StatementCount.statements
# A new connection over a network costs at least two round trips before its first query:
# the TCP handshake, then PostgreSQL's startup message and its answer (more with TLS or
# password auth). The sleep that simulates latency on SQLite charges that many.
CONNECT_ROUND_TRIPS = 2


class StatementCount:
    """The SQL statements sent while a `db.count_statements()` block ran.

    Attributes:
        count: How many statements were sent to the database. An executemany (one statement
            with a list of parameter sets, as `conn.execute(insert(t), rows)` sends) counts
            as one, whatever the number of rows; SQLAlchemy may split a large one into
            batches ("insertmanyvalues"), and then each batch counts. Transaction control
            (BEGIN, COMMIT, ROLLBACK) is not counted.
        statements: Their SQL text, in order, each cut at 300 characters.
        executemany: How many of them were an executemany.
    """

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.executemany = 0
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        return len(self.statements)

    def _add(self, statement: str, many: bool) -> None:
        text = " ".join(statement.split())
        with self._lock:
            self.statements.append(text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "...")
            self.executemany += bool(many)

    def by_statement(self) -> list[tuple[str, int]]:
        """Distinct statements with how often each ran, the most frequent first."""
        return Counter(self.statements).most_common()

    def __repr__(self) -> str:
        common = self.by_statement()[:3]
        shown = "; ".join(f"{n} x {sql[:60]}{'...' if len(sql) > 60 else ''}" for sql, n in common)
        more = "; ..." if len(self.by_statement()) > 3 else ""
        return f"StatementCount(count={self.count}: {shown}{more})" if common else "StatementCount(count=0)"


class EngineHooks:
    """The event listeners a Database puts on each of its engines (sync, and async's sync_engine).

    `delay` is the simulated round trip, slept once per statement, once per commit and
    CONNECT_ROUND_TRIPS times per new connection. For an async engine it is awaited (inside
    SQLAlchemy's greenlet), so the event loop keeps running other tasks meanwhile, as it
    would while a real network answers.
    """

    def __init__(self) -> None:
        self.delay = 0.0
        self._counters: list[StatementCount] = []
        self._lock = threading.Lock()
        self._attached: list[tuple[Engine, str, Any]] = []

    def attach(self, engine: Engine, *, asynchronous: bool = False) -> None:
        def before_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any,
                                  context: Any, executemany: bool) -> None:
            with self._lock:
                counters = list(self._counters)
            for counter in counters:
                counter._add(statement, executemany)
            self._pause(1, asynchronous)

        def on_commit(conn: Any) -> None:
            self._pause(1, asynchronous)

        def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
            self._pause(CONNECT_ROUND_TRIPS, asynchronous)

        for target, name, fn in ((engine, "before_cursor_execute", before_cursor_execute),
                                 (engine, "commit", on_commit), (engine, "connect", on_connect)):
            event.listen(target, name, fn)
            self._attached.append((target, name, fn))

    def detach(self) -> None:
        for target, name, fn in self._attached:
            if event.contains(target, name, fn):
                event.remove(target, name, fn)
        self._attached.clear()

    def _pause(self, round_trips: int, asynchronous: bool) -> None:
        seconds = self.delay * round_trips
        if seconds <= 0:
            return
        if asynchronous:
            await_only(asyncio.sleep(seconds))
        else:
            time.sleep(seconds)

    def counting(self) -> Counting:
        return Counting(self)


class Counting:
    """The context manager db.count_statements() returns; entering it gives a StatementCount."""

    def __init__(self, hooks: EngineHooks) -> None:
        self._hooks = hooks
        self.result = StatementCount()

    def __enter__(self) -> StatementCount:
        with self._hooks._lock:
            self._hooks._counters.append(self.result)
        return self.result

    def __exit__(self, *exc_info: object) -> None:
        with self._hooks._lock:
            self._hooks._counters.remove(self.result)
