"""What notebook 12 needs around its queries: the plan a database chooses, copies of a table at
several sizes with and without an index, and how many bytes a result holds.

    plan = explain(db, "SELECT id FROM orders WHERE user_id = :user_id", {"user_id": 42})
    plan.index         # "ix_orders_user_id": the plan reads through that index (None: it does not)
    plan.full_scan     # True when it reads the whole table
    print(plan)        # the database's own words: EXPLAIN QUERY PLAN (SQLite), EXPLAIN (PostgreSQL)

    table_of_size(db, "orders", 1_000, index_on="user_id")   # "orders_1000": its first 1,000 rows
    table_of_size(db, "orders", 1_000)                       # "orders_1000_unindexed": no index
    payload_bytes(rows)              # what the values of fetched rows weigh
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Iterable, Mapping

from ...engine.checks import check_choice, check_int
from .schema import Base

# the lab's tables are known before sqlalchemy is needed: schema.py, imported above, names the extra
from sqlalchemy import text  # noqa: E402

__all__ = ["QueryPlan", "explain", "table_of_size", "payload_bytes"]

# How each database says it reads a table: through an index, or the whole table.
_INDEX = {
    "sqlite": re.compile(r"USING (?:COVERING )?INDEX (\w+)|USING (INTEGER PRIMARY KEY)"),
    "postgresql": re.compile(r"(?:Index Scan|Index Only Scan) using (\w+)|Bitmap Index Scan on (\w+)"),
}
_SCAN = {
    "sqlite": re.compile(r"^\s*SCAN (\w+)(?! USING)(?:\s|$)"),
    "postgresql": re.compile(r"Seq Scan on (\w+)"),
}


@dataclass(frozen=True)
class QueryPlan:
    """The plan a database chose for one query, in its own words, and what it reads.

    Attributes:
        dialect: "sqlite" or "postgresql".
        sql: the query explained.
        lines: the plan, one line per step (SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's
            EXPLAIN text).
    """

    dialect: str
    sql: str
    lines: tuple[str, ...]

    @property
    def index(self) -> str | None:
        """The first index the plan reads through ("INTEGER PRIMARY KEY" for SQLite's rowid), or None."""
        for line in self.lines:
            match = _INDEX[self.dialect].search(line)
            if match:
                return next(group for group in match.groups() if group)
        return None

    @property
    def full_scan(self) -> bool:
        """Whether the plan reads a whole table, row by row (SQLite's SCAN, PostgreSQL's Seq Scan)."""
        return any(_SCAN[self.dialect].search(line) for line in self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        reads = f"index {self.index}" if self.index else "a full scan" if self.full_scan else "neither"
        return f"QueryPlan({self.dialect}, reads {reads}: {' | '.join(self.lines)})"


def explain(db: Any, sql: str, params: Mapping[str, Any] | None = None) -> QueryPlan:
    """The plan `db` chooses for `sql` (with `:name` parameters), without running the query.

    SQLite answers EXPLAIN QUERY PLAN with one row per step (the `detail` column, indented here
    by depth); PostgreSQL answers EXPLAIN with lines of text, costs included.
    """
    if not isinstance(sql, str) or not sql.strip():
        raise ValueError(f"sql must be the text of one query, got {sql!r:.60}")
    dialect = check_choice(db.dialect, "db.dialect", ["postgresql", "sqlite"])
    with db.engine.connect() as conn:
        if dialect == "sqlite":
            rows = conn.execute(text("EXPLAIN QUERY PLAN " + sql), dict(params or {})).all()
            depth = {0: -1}
            lines = []
            for node, parent, _, detail in rows:  # id, parent, notused, detail
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
        else:
            lines = [row[0] for row in conn.execute(text("EXPLAIN " + sql), dict(params or {}))]
    return QueryPlan(dialect, " ".join(sql.split()), tuple(lines))


def table_of_size(db: Any, table: str, rows: int, *, index_on: str | None = None) -> str:
    """Copies the first `rows` rows (by id) of one of the lab's tables to a table of its own, with
    no index at all (not even a primary key) or with one index, on `index_on`; returns its name.

    The copy is `<table>_<rows>` with the index `ix_<table>_<rows>_<index_on>`, or
    `<table>_<rows>_unindexed` without; an earlier copy of that name is replaced. Copies of
    several sizes live side by side, so a sweep can make them all before it times any.

    Raises:
        ValueError: `table` or `index_on` is not one of the lab's, or the table has fewer rows.
    """
    check_choice(table, "table", sorted(Base.metadata.tables))
    check_int(rows, "rows", low=1)
    if index_on is not None:
        check_choice(index_on, "index_on", list(Base.metadata.tables[table].c.keys()))
    name = f"{table}_{rows}" + ("" if index_on else "_unindexed")
    with db.engine.begin() as conn:
        have = conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{table}" WHERE id <= {rows}').scalar_one()
        if have < rows:
            raise ValueError(f"rows must be at most the {have:,} rows {table} holds with ids up to {rows:,}, "
                             f"got {rows:,}: seed more first")
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE TABLE "{name}" AS SELECT * FROM "{table}" WHERE id <= {rows}')
        if index_on:
            conn.exec_driver_sql(f'CREATE INDEX "ix_{name}_{index_on}" ON "{name}" ("{index_on}")')
        conn.exec_driver_sql(f'ANALYZE "{name}"')  # planner statistics, as the original has
    return name


def _value_bytes(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return len(value)
    if isinstance(value, (bool, int, float, datetime, date, time)):
        return 8  # what the databases store them in
    raise TypeError(f"payload_bytes counts str, bytes, numbers, dates and None, got {type(value).__name__}")


def payload_bytes(rows: Iterable[Iterable[Any]]) -> int:
    """The bytes the values of `rows` hold: text as UTF-8, numbers and dates as 8 bytes, NULL as 0.

    A floor for what the database reads and sends: each protocol adds its own framing per row
    and per value.
    """
    return sum(_value_bytes(value) for row in rows for value in row)
