"""pk.database(): a real database for the lab, SQLite by default and PostgreSQL when configured.

    with pk.database() as db:                  # PERFKIT_DATABASE_URL, or a temporary SQLite file
        db.seed(users=100)                     # users, posts, comments, orders, wide: in bulk
        with db.session() as session, db.count_statements() as sql:
            ...                                # the code under test
        sql.count                              # how many SQL statements it sent

With no URL and no PERFKIT_DATABASE_URL the database is a SQLite file in a fresh temporary
folder, removed on exit. With a PostgreSQL URL, each Database works in a schema of its own,
perfkit_<random>, created on entry and dropped on exit: runs never collide and leave nothing.

Latency, simulated: `rtt=0.002` adds 2 ms to every round trip. On PostgreSQL a LatencyProxy
(a TCP proxy on 127.0.0.1) stands between the driver and the server, so each message really
waits; SQLite has no network, so each statement and commit sleeps `rtt` and each new
connection 2 x `rtt` (TCP handshake and startup), inside the driver's call (awaited in async
code). Either way `describe()` says the latency was simulated, and how.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import warnings
from typing import Any

from ...engine.errors import PerfkitError
from ...engine.units import format_seconds
from .dburl import Target, dispose_async, prepare, reason, resolve, unavailable, with_search_path
from .proxy import LatencyProxy, check_rtt
from .statements import CONNECT_ROUND_TRIPS, EngineHooks, Counting

# after .dburl, whose import names the extra to install when sqlalchemy is missing
from sqlalchemy import create_engine  # noqa: I001
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

_CONNECT_TIMEOUT = 3  # seconds a connection attempt may take (libpq's minimum is 2)


class DatabaseUnavailable(PerfkitError, ConnectionError):
    """The database could not be reached or opened: the message says where, what failed and
    what to do."""


class Database:
    """A database for the lab; open it with `with pk.database(...) as db:`. See pk.database."""

    def __init__(self, url: str | URL | None = None, *, rtt: float | None = None, seed: int = 0,
                 echo: bool = False) -> None:
        self._target: Target = resolve(url)
        self._rtt = None if rtt is None else check_rtt(rtt)
        if rtt is not None and self._target.dialect == "postgresql" and not self._target.sync_url.host:
            raise ValueError("rtt needs a PostgreSQL URL with a TCP host (the latency proxy connects "
                             f"to host:port), got one with none: {self._target.sync_url!r}")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise TypeError(f"seed must be an int (the default random seed of db.seed), got {seed!r}")
        self.random_seed = seed
        self._echo = bool(echo)
        self._hooks = EngineHooks()
        self._engine: Engine | None = None
        self._async_engines: list[Any] = []
        self._more_engines: list[Engine] = []  # new_engine()'s
        self._proxy: LatencyProxy | None = None
        self._tempdir: str | None = None
        self._sync_url: URL | None = None
        self._async_url: URL | None = None
        self.schema: str | None = None
        self._schema_created = False
        self._version = ""

    # -- opening and closing -------------------------------------------------------------------
    def open(self) -> Database:
        """Connects (and creates the temporary file or schema); `with` calls it for you.

        Raises:
            DatabaseUnavailable: the server did not answer within a few seconds, refused the
                login, or the SQLite file cannot be opened.
        """
        if self._engine is not None:
            raise RuntimeError("this Database is already open")
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def _open(self) -> None:
        target = self._target
        if target.dialect == "sqlite":
            sync = target.sync_url
            if sync is None:
                self._tempdir = tempfile.mkdtemp(prefix="perfkit-db-")
                sync = URL.create("sqlite+pysqlite", database=os.path.join(self._tempdir, "lab.sqlite"))
            self._sync_url, self._async_url = sync, sync.set(drivername="sqlite+aiosqlite")
            self._hooks.delay = self._rtt or 0.0
            connect_args: dict[str, Any] = {}
        else:
            sync, asynchronous = target.sync_url, target.async_url
            assert sync is not None and asynchronous is not None
            if self._rtt is not None:
                self._proxy = LatencyProxy(sync.host, sync.port or 5432, rtt=self._rtt, check=False).start()
                sync = sync.set(host=self._proxy.host, port=self._proxy.port)
                asynchronous = asynchronous.set(host=self._proxy.host, port=self._proxy.port)
            self.schema = f"perfkit_{secrets.token_hex(4)}"
            self._sync_url, self._async_url = with_search_path(sync, self.schema), asynchronous
            connect_args = {"connect_timeout": _CONNECT_TIMEOUT}
        self._engine = create_engine(self._sync_url, connect_args=connect_args, echo=self._echo)
        self._hooks.attach(self._engine)
        try:
            connection = self._engine.connect()
        except (SQLAlchemyError, OSError) as exc:
            proxy = self._proxy
            raise DatabaseUnavailable(unavailable(target, exc, proxy.port if proxy else None,
                                                  proxy.errors[-1] if proxy and proxy.errors else None)) from None
        with connection:
            try:
                self._version = prepare(connection, self.schema)
                self._schema_created = self.schema is not None
            except SQLAlchemyError as exc:
                raise DatabaseUnavailable(f"connected to {target.where}, but could not set it up "
                                          f"for the lab: {reason(exc)}") from None

    def close(self) -> None:
        """Disposes the engines, drops the schema or removes the temporary folder. Idempotent."""
        engines, self._async_engines = self._async_engines, []
        for engine in engines:
            dispose_async(engine)
        for extra in self._more_engines:
            extra.dispose()
        self._more_engines = []
        engine, self._engine = self._engine, None
        if engine is not None:
            if self._schema_created:
                try:
                    with engine.begin() as connection:
                        connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                        connection.exec_driver_sql(f'DROP SCHEMA "{self.schema}" CASCADE')
                    self._schema_created = False
                except SQLAlchemyError as exc:
                    warnings.warn(f"could not drop the lab's schema {self.schema}: {reason(exc)}; "
                                  f'drop it by hand: DROP SCHEMA "{self.schema}" CASCADE', stacklevel=2)
            engine.dispose()
        self._hooks.detach()
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            proxy.stop()
        tempdir, self._tempdir = self._tempdir, None
        if tempdir is not None:
            shutil.rmtree(tempdir, ignore_errors=True)
            if os.path.exists(tempdir):
                warnings.warn(f"could not remove the temporary database folder {tempdir}", stacklevel=2)

    def __enter__(self) -> Database:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- what a lesson uses ----------------------------------------------------------------------
    def _check_open(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the Database is not open: use `with pk.database() as db:`")
        return self._engine

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy 2.x (sync) Engine: psycopg for PostgreSQL, sqlite3 for SQLite."""
        return self._check_open()

    @property
    def url(self) -> URL:
        """The sync driver's URL (its repr hides the password). On PostgreSQL it carries the
        schema (libpq options), so `create_engine(db.url)` in any process sees the lab's tables."""
        self._check_open()
        assert self._sync_url is not None
        return self._sync_url

    @property
    def async_url(self) -> URL:
        """The async driver's URL: aiosqlite or asyncpg. For asyncpg pass `async_connect_args` too."""
        self._check_open()
        assert self._async_url is not None
        return self._async_url

    @property
    def async_connect_args(self) -> dict[str, Any]:
        """connect_args for create_async_engine(db.async_url, ...): asyncpg's search_path."""
        if self.dialect == "sqlite":
            return {}
        return {"server_settings": {"search_path": str(self.schema)}, "timeout": _CONNECT_TIMEOUT + 2}

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self._target.dialect

    @property
    def simulated_rtt(self) -> float | None:
        """Seconds of simulated latency per round trip, None if none; settable for a sweep."""
        if self._proxy is not None:
            return self._proxy.rtt
        return self._rtt if self.dialect == "sqlite" and self._rtt is not None else None

    @simulated_rtt.setter
    def simulated_rtt(self, rtt: float) -> None:
        if self._proxy is not None:
            self._proxy.rtt = rtt
        elif self.dialect == "sqlite":
            self._rtt = self._hooks.delay = check_rtt(rtt, "simulated_rtt")
        else:
            raise ValueError("open the PostgreSQL database with rtt= (rtt=0 will do) to change the "
                             "simulated round trip later: the latency proxy is started on open")

    @property
    def latency_mode(self) -> str | None:
        """How latency is simulated: "proxy" (PostgreSQL), "sleep" (SQLite) or None."""
        if self._proxy is not None:
            return "proxy"
        return "sleep" if self.dialect == "sqlite" and self._rtt is not None else None

    @property
    def proxy(self) -> LatencyProxy | None:
        """The LatencyProxy in front of PostgreSQL, when rtt= was given."""
        return self._proxy

    def session(self, **kwargs: Any) -> Session:
        """A new ORM Session on the engine: `with db.session() as session:`."""
        return Session(self.engine, **kwargs)

    def new_engine(self, **kwargs: Any) -> Engine:
        """A new sync Engine on this database, counted and delayed like `engine`, disposed on close;
        e.g. `db.new_engine(poolclass=NullPool)` opens a new connection at every checkout."""
        connect_args = {**({"connect_timeout": _CONNECT_TIMEOUT} if self.dialect == "postgresql" else {}),
                        **kwargs.pop("connect_args", {})}
        engine = create_engine(self.url, connect_args=connect_args, **{"echo": self._echo, **kwargs})
        self._hooks.attach(engine)
        self._more_engines.append(engine)
        return engine

    def async_engine(self, **kwargs: Any) -> Any:
        """A new SQLAlchemy AsyncEngine on this database (aiosqlite or asyncpg), counted and delayed
        like the sync one.

        Pooled connections belong to the event loop that opened them, and pk.run_async gives
        each call a loop of its own: create the engine and `await engine.dispose()` inside the
        coroutine that uses it. Engines left undisposed are disposed on close, as well as can be.
        """
        from sqlalchemy.ext.asyncio import create_async_engine

        kwargs.setdefault("echo", self._echo)
        connect_args = {**self.async_connect_args, **kwargs.pop("connect_args", {})}
        engine = create_async_engine(self.async_url, connect_args=connect_args, **kwargs)
        self._hooks.attach(engine.sync_engine, asynchronous=True)
        self._async_engines.append(engine)
        return engine

    def count_statements(self) -> Counting:
        """`with db.count_statements() as sql:` counts the SQL statements sent meanwhile, from
        this Database's engines (sync and async): `sql.count`, `sql.statements`. An executemany
        counts as one statement; BEGIN and COMMIT are not counted (see StatementCount)."""
        return self._hooks.counting()

    def seed(self, users: int = 100, **kwargs: Any) -> dict[str, int]:
        """Creates the lab's tables and fills them in bulk: see perfkit.lessons.lab.schema.seed."""
        from .schema import seed

        kwargs.setdefault("seed", self.random_seed)
        return seed(self, users=users, **kwargs)

    def describe(self) -> str:
        """One line: server and version, where it is, and whether latency is simulated."""
        self._check_open()
        if self.dialect == "sqlite":
            where = f"{'temporary ' if self._tempdir else ''}file {self._sync_url.database}"
        else:
            url = self._target.sync_url
            where = f"{self._target.where}, database {url.database}, schema {self.schema}"
        text = f"{self._version}, {where}"
        rtt = self.simulated_rtt
        if self.latency_mode == "proxy":
            text += f"; simulated round trip {format_seconds(rtt)} added by a TCP proxy (proxy)"
        elif self.latency_mode == "sleep":
            text += (f"; simulated round trip {format_seconds(rtt)} per statement and commit, "
                     f"{CONNECT_ROUND_TRIPS} per new connection (sleep)")
        return text

    def __repr__(self) -> str:
        if self._engine is None:
            return f"Database({self._target.where}, closed)"
        return f"Database({self.describe()})"


def database(url: str | URL | None = None, *, rtt: float | None = None, seed: int = 0,
             echo: bool = False) -> Database:
    """A database for the lab, to open with `with pk.database() as db:`.

    Args:
        url: A SQLAlchemy URL: postgresql+psycopg://user@127.0.0.1:5432/test (asyncpg and plain
            postgresql:// work too), or sqlite:///path.db. None: PERFKIT_DATABASE_URL if set,
            else a SQLite file in a temporary folder removed on exit; sqlite:// (no path) asks
            for that temporary file whatever PERFKIT_DATABASE_URL says.
        rtt: Simulated latency: seconds added to each round trip. On PostgreSQL a TCP proxy
            adds it; on SQLite a sleep per statement, commit and (2x) new connection. None: none.
        seed: The random seed db.seed() uses unless told otherwise.
        echo: Log every statement (SQLAlchemy's echo).

    Raises:
        ValueError: The URL cannot be parsed or names another database.
        DatabaseUnavailable: (on entering) the database did not answer or could not be opened.
    """
    return Database(url, rtt=rtt, seed=seed, echo=echo)
