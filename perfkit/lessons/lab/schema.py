"""The lab's tables as SQLAlchemy 2.x ORM models, a seeded generator that fills them in bulk,
and indexes a lesson can add and drop.

    users ─< posts ─< comments >─ users        users ─< orders        wide (30 columns)

Relationships load lazily with the default, lazy="select": touching `post.author` for a post
whose author is not loaded yet sends one SELECT. A loop over N posts therefore sends up to N
more queries, the "N + 1" the lessons count; `selectinload` / `joinedload` are the cures.

Indexed: every primary key, posts.user_id, comments.post_id, orders.user_id. Not indexed, on
purpose, so a lesson can add an index and compare: orders.status, comments.user_id, and the
wide table's columns.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ...engine.optional import require

require("sqlalchemy", "the lab's tables (perfkit.lessons.lab.schema)", "lab")

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text, insert  # noqa: E402
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship  # noqa: E402

if TYPE_CHECKING:
    from .db import Database

STATUSES = ("paid", "shipped", "pending", "cancelled", "refunded")
_STATUS_WEIGHTS = (50, 30, 12, 6, 2)  # skewed, as real order states are
_START = datetime(2024, 1, 1)
_YEAR = 365 * 24 * 3600
_WORDS = ("latency throughput index query cache pool session commit row column table join "
          "select insert update async await loop thread process memory budget verdict claim "
          "measure profile server client request response network proxy sample median").split()


class Base(DeclarativeBase):
    """The lab's declarative base; `Base.metadata` holds every table."""


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    posts: Mapped[list[Post]] = relationship(back_populates="author")
    orders: Mapped[list[Order]] = relationship(back_populates="user")

    def __repr__(self) -> str:
        return f"User(id={self.id}, name={self.name!r})"


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    author: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list[Comment]] = relationship(back_populates="post")

    def __repr__(self) -> str:
        return f"Post(id={self.id}, user_id={self.user_id}, title={self.title!r})"


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # not indexed, on purpose
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"Comment(id={self.id}, post_id={self.post_id}, user_id={self.user_id})"


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount: Mapped[float] = mapped_column(Float)  # a float is enough for a lab; money wants Numeric
    status: Mapped[str] = mapped_column(String(16))  # not indexed, on purpose: see add_index
    created_at: Mapped[datetime]
    user: Mapped[User] = relationship(back_populates="orders")

    def __repr__(self) -> str:
        return f"Order(id={self.id}, user_id={self.user_id}, amount={self.amount}, status={self.status!r})"


# 30 columns: id, 10 integers, 10 floats, 9 texts of ~120 characters. SELECT * moves ~1.2 kB a
# row where a query that needs two columns moves a few bytes.
WIDE_COLUMNS = ([f"int_{i:02d}" for i in range(1, 11)] + [f"num_{i:02d}" for i in range(1, 11)]
                + [f"text_{i:02d}" for i in range(1, 10)])


class Wide(Base):
    __table__ = Table(
        "wide", Base.metadata, Column("id", Integer, primary_key=True),
        *(Column(name, Integer if name.startswith("int") else Float if name.startswith("num") else Text)
          for name in WIDE_COLUMNS),
    )

    def __repr__(self) -> str:
        return f"Wide(id={self.id})"


def _count(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return value


def seed(db: Database, users: int = 100, posts_per_user: int = 5, comments_per_post: int = 3,
         orders_per_user: int = 5, wide_rows: int = 1_000, seed: int = 0) -> dict[str, int]:
    """(Re)creates the lab's tables and fills them in bulk, the same rows for the same seed.

    The tables are dropped first (with any index add_index made). Each table is written with
    one executemany (Core insert with a list of rows), not row by row: 10,000 rows take well
    under a second on SQLite. Authors of posts, comments and orders are drawn at random, so
    `posts_per_user` and the like are averages.

    Args:
        db: An open Database.
        users: Rows in users.
        posts_per_user: posts has users * posts_per_user rows, each by a random user.
        comments_per_post: comments has (posts) * comments_per_post rows, on random posts.
        orders_per_user: orders has users * orders_per_user rows.
        wide_rows: Rows in the 30-column table `wide`.
        seed: Random seed.

    Returns:
        Rows written per table, e.g. {"users": 100, "posts": 500, ...}.
    """
    users = _count("users", users)
    n_posts = users * _count("posts_per_user", posts_per_user)
    n_comments = n_posts * _count("comments_per_post", comments_per_post)
    n_orders = users * _count("orders_per_user", orders_per_user)
    wide_rows = _count("wide_rows", wide_rows)
    rng = random.Random(seed)

    def when(k: int) -> list[datetime]:
        return [_START + timedelta(seconds=s) for s in (rng.randrange(_YEAR) for _ in range(k))]

    def words(k: int, n_words: int) -> list[str]:
        return [" ".join(rng.choices(_WORDS, k=n_words)) for _ in range(k)]

    tables: dict[str, list[dict[str, Any]]] = {
        "users": [{"id": i, "name": f"user {i}", "email": f"user{i}@example.com", "created_at": t}
                  for i, t in enumerate(when(users), 1)],
        "posts": [{"id": i, "user_id": u, "title": title, "body": body, "created_at": t}
                  for i, u, title, body, t in zip(range(1, n_posts + 1), _ids(rng, users, n_posts),
                                                   words(n_posts, 5), words(n_posts, 40), when(n_posts))],
        "comments": [{"id": i, "post_id": p, "user_id": u, "body": body, "created_at": t}
                     for i, p, u, body, t in zip(range(1, n_comments + 1), _ids(rng, n_posts, n_comments),
                                                  _ids(rng, users, n_comments), words(n_comments, 12),
                                                  when(n_comments))],
        "orders": [{"id": i, "user_id": u, "amount": round(rng.uniform(5, 500), 2), "status": s,
                    "created_at": t}
                   for i, u, s, t in zip(range(1, n_orders + 1), _ids(rng, users, n_orders),
                                         rng.choices(STATUSES, _STATUS_WEIGHTS, k=n_orders), when(n_orders))],
        "wide": [_wide_row(rng, i) for i in range(1, wide_rows + 1)],
    }
    engine = db.engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        for name, rows in tables.items():
            if rows:
                connection.execute(insert(Base.metadata.tables[name]), rows)
        if db.dialect == "postgresql":
            for name, rows in tables.items():
                # the ids were given, so the id sequences must catch up for later inserts
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {max(len(rows), 1)}, {bool(rows)})")
        connection.exec_driver_sql("ANALYZE")  # planner statistics, as a real database would have
    return {name: len(rows) for name, rows in tables.items()}


def _ids(rng: random.Random, high: int, k: int) -> list[int]:
    if k and not high:
        raise ValueError("rows that point to users or posts need at least one of those: raise users=")
    return [rng.randint(1, high) for _ in range(k)]


def _wide_row(rng: random.Random, i: int) -> dict[str, Any]:
    row: dict[str, Any] = {"id": i}
    for name in WIDE_COLUMNS:
        if name.startswith("int"):
            row[name] = rng.randrange(1_000_000)
        elif name.startswith("num"):
            row[name] = rng.random() * 1000
        else:
            row[name] = " ".join(rng.choices(_WORDS, k=16))
    return row


def _column(table: str, column: str) -> tuple[str, str]:
    tables = Base.metadata.tables
    if table not in tables:
        raise ValueError(f"table must be one of the lab's tables {sorted(tables)}, got {table!r}")
    if column not in tables[table].c:
        raise ValueError(f"column must be one of {table}'s columns {list(tables[table].c.keys())}, got {column!r}")
    return table, column


def add_index(db: Database, table: str, column: str) -> str:
    """Creates the index ix_<table>_<column> (if missing) and refreshes statistics; returns its name."""
    table, column = _column(table, column)
    name = f"ix_{table}_{column}"
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')
        connection.exec_driver_sql(f'ANALYZE "{table}"')
    return name


def drop_index(db: Database, table: str, column: str) -> str:
    """Drops the index add_index(db, table, column) made, if it is there; returns its name."""
    table, column = _column(table, column)
    name = f"ix_{table}_{column}"
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{name}"')
        connection.exec_driver_sql(f'ANALYZE "{table}"')
    return name
