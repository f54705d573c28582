"""Four ways to write N rows to the lab's `users` table, and what each sends to the database.

    rows = user_rows(100)
    with count_round_trips(db) as sent:
        WRITERS["one transaction, a statement per row"](db.engine, rows)
    sent.statements, sent.commits                     # 100 statements, 1 commit

The writers are the code under test of notebook 11 (printed there with inspect.getsource):

    commit per row                        an INSERT and a COMMIT for every row
    one transaction, a statement per row  every INSERT inside one BEGIN ... COMMIT: document 004's
                                          "Optimized batch user creation", which awaits one
                                          INSERT ... RETURNING per row inside `db.transaction()`
    executemany                           one INSERT with a list of parameter sets (Core
                                          `conn.execute(insert(User), rows)`): the driver's
                                          executemany, 004's `conn.executemany(query, batch)`
    multi-row VALUES                      one INSERT ... VALUES (...), (...), ... per 1,000 rows

Each takes a SQLAlchemy Engine and a list of row dicts, writes them, and returns how many rows it
wrote, so that perfkit can check that they agree before it times them. The table keeps growing
while they are timed: appending to a B-tree costs the same at 10,000 rows as at 100,000.

Three ways to change the email of N existing users (UPDATERS; `email_changes(ids)` makes the
changes), each in one transaction, each returning how many changes it sent:

    UPDATE per row              one UPDATE ... WHERE id = ... per row
    UPDATE executemany          the same UPDATE with a list of parameter sets
    temp table + UPDATE FROM    004's "Optimized bulk update.": the changes go to a temporary
                                table (CREATE, one executemany INSERT), then one UPDATE ... FROM
                                joins it to users; the table is dropped after (004's never is)
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

from ...engine.checks import check_int
from .schema import User

# sqlalchemy is there: schema.py, imported above, names the extra to install when it is not
from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

BATCH = 1_000  # rows per multi-row INSERT: 004's batch_size, and far below any driver's parameter limit

__all__ = ["WRITERS", "commit_per_row", "one_transaction", "executemany", "multi_row_values",
           "user_rows", "count_round_trips", "RoundTrips", "UPDATERS", "update_per_row",
           "update_executemany", "update_from_temp_table", "email_changes"]


def commit_per_row(engine: Engine, rows: list[dict[str, Any]]) -> int:
    for row in rows:
        with engine.begin() as conn:  # BEGIN, INSERT, COMMIT: the commit waits for the disk
            conn.execute(insert(User), row)
    return len(rows)


def one_transaction(engine: Engine, rows: list[dict[str, Any]]) -> int:
    with engine.begin() as conn:  # one COMMIT, but still one INSERT (one round trip) per row
        for row in rows:
            conn.execute(insert(User), row)
    return len(rows)


def executemany(engine: Engine, rows: list[dict[str, Any]]) -> int:
    with engine.begin() as conn:  # a list of parameter sets: the driver's executemany
        if rows:  # an empty list would mean INSERT ... DEFAULT VALUES: one row of defaults
            conn.execute(insert(User), rows)
    return len(rows)


def multi_row_values(engine: Engine, rows: list[dict[str, Any]]) -> int:
    with engine.begin() as conn:  # INSERT ... VALUES (...), (...), ...: one statement per batch
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(User).values(rows[start:start + BATCH]))
    return len(rows)


WRITERS: dict[str, Callable[[Engine, list[dict[str, Any]]], int]] = {
    "commit per row": commit_per_row,
    "one transaction, a statement per row": one_transaction,
    "executemany": executemany,
    "multi-row VALUES": multi_row_values,
}


_SET_EMAIL = text("UPDATE users SET email = :email WHERE id = :id")


def update_per_row(engine: Engine, changes: list[dict[str, Any]]) -> int:
    with engine.begin() as conn:  # one COMMIT, one UPDATE (one round trip) per row
        for change in changes:
            conn.execute(_SET_EMAIL, change)
    return len(changes)


def update_executemany(engine: Engine, changes: list[dict[str, Any]]) -> int:
    with engine.begin() as conn:  # one UPDATE with a list of parameter sets
        if changes:
            conn.execute(_SET_EMAIL, changes)
    return len(changes)


def update_from_temp_table(engine: Engine, changes: list[dict[str, Any]]) -> int:
    with engine.begin() as conn:  # the changes go to a table, then one UPDATE joins it
        conn.exec_driver_sql("CREATE TEMPORARY TABLE email_changes (id INTEGER PRIMARY KEY, email VARCHAR(128))")
        if changes:
            conn.execute(text("INSERT INTO email_changes (id, email) VALUES (:id, :email)"), changes)
        conn.exec_driver_sql("UPDATE users SET email = email_changes.email FROM email_changes "
                             "WHERE users.id = email_changes.id")  # SQLite: 3.33 or later
        conn.exec_driver_sql("DROP TABLE email_changes")  # else it lives as long as the connection
    return len(changes)


UPDATERS: dict[str, Callable[[Engine, list[dict[str, Any]]], int]] = {
    "UPDATE per row": update_per_row,
    "UPDATE executemany": update_executemany,
    "temp table + UPDATE FROM": update_from_temp_table,
}


def email_changes(ids: list[int], domain: str = "example.org") -> list[dict[str, Any]]:
    """A new email for each user id: `{"id": 7, "email": "user7@example.org"}`."""
    if not isinstance(domain, str) or not domain:
        raise ValueError(f"domain must be a non-empty str, got {domain!r}")
    return [{"id": int(i), "email": f"user{int(i)}@{domain}"} for i in ids]


def user_rows(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` new users for the `users` table (name, email, created_at; the id is left to the
    database), the same ones for the same seed."""
    check_int(n, "n", low=0)
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    return [{"name": f"signup {i}", "email": f"signup{i}@example.com",
             "created_at": start + timedelta(seconds=rng.randrange(365 * 24 * 3600))} for i in range(n)]


@dataclass
class RoundTrips:
    """What a block of code sent: SQL statements (an executemany counts once) and commits."""

    statements: int = 0
    executemany: int = 0
    commits: int = 0
    examples: list[str] = field(default_factory=list)  # the distinct statements, at most three

    def __str__(self) -> str:
        many = f" ({self.executemany} an executemany)" if self.executemany else ""
        return (f"{self.statements:,} statement{'s' * (self.statements != 1)}{many}, "
                f"{self.commits:,} commit{'s' * (self.commits != 1)}")


@contextlib.contextmanager
def count_round_trips(db: Any) -> Iterator[RoundTrips]:
    """`with count_round_trips(db) as sent:` counts the statements (db.count_statements) and the
    COMMITs that db's engine sent meanwhile; `sent` is filled in when the block ends."""
    sent = RoundTrips()
    engine = db.engine

    def on_commit(conn: Any) -> None:
        sent.commits += 1

    event.listen(engine, "commit", on_commit)
    try:
        with db.count_statements() as sql:
            yield sent
    finally:
        event.remove(engine, "commit", on_commit)
    sent.statements, sent.executemany = sql.count, sql.executemany
    sent.examples = [text for text, _ in sql.by_statement()[:3]]
