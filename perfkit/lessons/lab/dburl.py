"""Which database pk.database() opens: its URL read, checked and turned into the URLs of a sync
and an async driver; what an error says when it cannot be reached; its first setup.

No URL and no PERFKIT_DATABASE_URL means a SQLite file in a fresh temporary folder, so a
fresh machine needs nothing more. A PostgreSQL URL may name any of the drivers the lab
installs: the sync engine always uses psycopg (3), the async one asyncpg, as the guideline
documents do; `postgresql://` and `postgres://` mean the same.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from ...engine.aio import run_async
from ...engine.optional import require

require("sqlalchemy", "the lab database (pk.database)", "lab")

from sqlalchemy.engine import URL, Connection, make_url  # noqa: E402 (after the check naming the extra)
from sqlalchemy.exc import ArgumentError, NoSuchModuleError  # noqa: E402

ENV = "PERFKIT_DATABASE_URL"
EXAMPLE = "postgresql+psycopg://user@127.0.0.1:5432/test"
_START_POSTGRES = ("start PostgreSQL there (e.g. `sudo service postgresql start`, or `docker run -d "
                   "-p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres`)")
_PG_DRIVERS = {None, "psycopg", "asyncpg", "psycopg_async"}


@dataclass(frozen=True)
class Target:
    """A database to open: the sync and async URLs (without the temporary parts yet)."""

    dialect: str                 # "sqlite" | "postgresql"
    sync_url: URL | None         # None: a temporary SQLite file, made when the Database opens
    async_url: URL | None
    source: str                  # "the url argument" | ENV | "the default"

    @property
    def where(self) -> str:
        """host:port for a server, the file for SQLite: what an error message should name."""
        url = self.sync_url
        if url is None:
            return "a temporary SQLite file"
        if self.dialect == "sqlite":
            return f"the SQLite file {url.database}"
        return f"{url.host}:{url.port or 5432}" if url.host else "the local socket"


def _bad(name: str, value: Any, why: str) -> ValueError:
    shown = re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", value)  # never print a password
    return ValueError(
        f"{name} must be a SQLite or PostgreSQL URL such as {EXAMPLE} or sqlite:///path/to/file.db "
        f"({why}), got {shown!r}"
        + (f"; unset {ENV} to use a temporary SQLite file" if name == ENV else "")
    )


def resolve(url: str | URL | None) -> Target:
    """The Target that `url` (or PERFKIT_DATABASE_URL, or the default) names.

    Raises:
        TypeError: url is neither None, a string nor a SQLAlchemy URL.
        ValueError: the URL cannot be parsed, or names neither SQLite nor PostgreSQL.
    """
    if url is None:
        env = os.environ.get(ENV, "").strip()
        if not env:
            return Target("sqlite", None, None, "the default")
        return _parse(env, ENV, "PERFKIT_DATABASE_URL")
    if isinstance(url, URL):
        url = url.render_as_string(hide_password=False)
    if not isinstance(url, str):
        raise TypeError(f"url must be a database URL string (e.g. {EXAMPLE}) or None, "
                        f"got {type(url).__name__}")
    return _parse(url, "url", "the url argument")


def _parse(text: str, name: str, source: str) -> Target:
    if not text.strip():
        raise _bad(name, text, "it is empty")
    if text.startswith("postgres://"):  # the scheme Heroku and libpq accept, SQLAlchemy does not
        text = "postgresql://" + text[len("postgres://"):]
    try:
        url = make_url(text)
        backend, driver = url.get_backend_name(), url.drivername.partition("+")[2] or None
        port = url.port  # parsed lazily: a bad port only fails here
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise _bad(name, text, f"it does not parse: {exc}") from None
    if backend == "sqlite":
        if url.database in (None, "", ":memory:") or "mode=memory" in text:
            if url.database in (None, ""):  # sqlite:// names no file: the temporary one
                return Target("sqlite", None, None, source)
            raise _bad(name, text, "an in-memory SQLite database lives in one connection, and the lab "
                                   "opens many (pools, async engines, a service process); use a file")
        sync = url.set(drivername="sqlite+pysqlite")
        return Target("sqlite", sync, sync.set(drivername="sqlite+aiosqlite"), source)
    if backend == "postgresql":
        if driver not in _PG_DRIVERS:
            raise _bad(name, text, f"driver {driver!r} is not one the lab uses: "
                                   "write postgresql+psycopg:// or postgresql+asyncpg://")
        if port is not None and not 1 <= port <= 65535:
            raise _bad(name, text, f"port {port} is not from 1 to 65535")
        sync = url.set(drivername="postgresql+psycopg")
        return Target("postgresql", sync, url.set(drivername="postgresql+asyncpg"), source)
    raise _bad(name, text, f"{backend!r} is not a database the lab supports")


def with_search_path(url: URL, schema: str) -> URL:
    """A psycopg URL whose connections put `schema` first on the search_path (libpq `options`),
    so any engine made from it, in any process, sees the lab's tables without a schema prefix."""
    options = url.query.get("options")
    extra = f"-csearch_path={schema}"
    options = f"{options} {extra}" if isinstance(options, str) and options else extra
    return url.update_query_dict({"options": options})


def reason(exc: BaseException) -> str:
    """The first line of what the driver said (SQLAlchemy wraps it in .orig)."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


def unavailable(target: Target, exc: BaseException, proxy_port: int | None = None,
                proxy_error: str | None = None) -> str:
    """The message of DatabaseUnavailable: where, what failed, and what to do about it."""
    why = f"the latency proxy {proxy_error}" if proxy_error else reason(exc)
    if target.dialect == "sqlite":
        return (f"could not open {target.where}: {why}. Check that its folder exists and is "
                "writable, or call pk.database() without a URL for a temporary file.")
    url = target.sync_url
    assert url is not None
    via = f" through the latency proxy on 127.0.0.1:{proxy_port}" if proxy_port else ""
    instead = (f"unset {ENV}" if target.source == ENV
               else f"call pk.database() without a URL (and without {ENV})")
    said = str(getattr(exc, "orig", None) or exc)
    if not proxy_error and ("FATAL:" in said or getattr(getattr(exc, "orig", None), "sqlstate", None)):
        # the server answered and said no: it runs, the user, password or database is wrong
        fix = ("check the user, password and database name in the URL (a missing database: "
               f"createdb -h {url.host or 'localhost'} -U <user> {url.database})")
    elif not proxy_error and ("resolve host" in said or "translate host" in said):
        fix = "check the host name in the URL"
    else:
        fix = _START_POSTGRES
    return (f"could not connect to PostgreSQL at {target.where}{via} (database {url.database!r}, "
            f"user {url.username!r}, URL from {target.source}): {why}. To fix it, {fix}, "
            f"or {instead} to use a temporary SQLite file.")


def prepare(connection: Connection, schema: str | None) -> str:
    """Readies a new database for the lab and returns its name and version, e.g. "SQLite 3.40.1".

    On PostgreSQL, creates `schema`; on SQLite, turns on WAL, so that readers (a service
    process, say) do not wait for a writer.
    """
    if schema is None:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        version = f"SQLite {sqlite3.sqlite_version}"
    else:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        version = f"PostgreSQL {connection.exec_driver_sql('SHOW server_version').scalar()}"
    connection.commit()
    return version


def dispose_async(engine: Any) -> None:
    """Disposes an AsyncEngine left undisposed, from outside any event loop."""
    if engine.dialect.name == "sqlite":
        try:  # aiosqlite's connections run in threads of their own: any loop can close them
            run_async(engine.dispose(), timeout=5)
            return
        except Exception:
            pass
    # asyncpg's connections belong to the loop that opened them, gone by now or busy running
    # this very code: let them go without a goodbye (the server sees the socket close)
    engine.sync_engine.dispose(close=False)
