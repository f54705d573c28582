"""A blog service with an N+1 endpoint and endpoints that are not: the N+1 lesson under load.

    db = open_seeded(rtt=0.001, users=200)                  # see databases.py
    with serve_blog(db) as svc:
        pk.load_test(svc.url + "/users/n-plus-one?n=20", rate=40)   # 1 + 20 statements a request
        pk.load_test(svc.url + "/users/join?n=20", rate=40)         # 1 statement a request
        svc.stats()            # {"requests": r, "statements": s} since the start or reset_stats()

The app (`blog_app`, served by pk.serve in a process of its own, async SQLAlchemy) answers:

    GET /                       {"app": "blog"}
    GET /users/n-plus-one?n=20  the first n users with their posts' titles: `users_n_plus_one`
    GET /users/selectinload?n=  the same page with `users_selectinload` (2 statements)
    GET /users/join?n=20        the same page with `users_join` (1 statement)
    GET /stats                  {"requests": r, "statements": s}; POST /stats/reset zeroes them

The handlers' work is in the module-level functions, so a lesson can print their source. Async
SQLAlchemy cannot load lazily (touching `user.posts` raises MissingGreenlet), so the N+1 endpoint
sends its per-user queries explicitly, as N+1 code written for async does.

The database travels to the service process in the environment variable `PERFKIT_BLOG_APP`, set
only while the process starts: the async URL (through the latency proxy, if the Database has
one) and, for SQLite with a simulated round trip, the delay to sleep per statement.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any, AsyncIterator

from ...engine.optional import require

require("sqlalchemy", "the blog app (perfkit.lessons.lab.blog_app)", "lab")

from sqlalchemy import event, select  # noqa: E402 (after the check naming the extra)
from sqlalchemy.orm import selectinload  # noqa: E402

from .apps import add_counters  # noqa: E402
from .running import RunningApp, serve_configured  # noqa: E402
from .schema import Post, User  # noqa: E402

CONFIG_ENV = "PERFKIT_BLOG_APP"
MAX_N = 1_000  # users a page may ask for

__all__ = ["blog_app", "serve_blog", "BlogService", "users_n_plus_one", "users_selectinload", "users_join"]


async def users_n_plus_one(session: Any, n: int) -> list[dict[str, Any]]:
    """The first n users, then one query per user for their posts: 1 + n statements."""
    users = (await session.scalars(select(User).where(User.id <= n).order_by(User.id))).all()
    page = []
    for user in users:
        posts = await session.scalars(select(Post).where(Post.user_id == user.id).order_by(Post.id))
        page.append({"name": user.name, "posts": [post.title for post in posts]})
    return page


async def users_selectinload(session: Any, n: int) -> list[dict[str, Any]]:
    """The first n users, then all their posts in one more query (WHERE user_id IN ...): 2 statements."""
    query = select(User).where(User.id <= n).order_by(User.id).options(selectinload(User.posts))
    users = (await session.scalars(query)).all()
    return [{"name": user.name, "posts": [post.title for post in sorted(user.posts, key=lambda p: p.id)]}
            for user in users]


async def users_join(session: Any, n: int) -> list[dict[str, Any]]:
    """The first n users and their posts' titles in one query with a JOIN: 1 statement."""
    query = (select(User.id, User.name, Post.title).outerjoin(Post, Post.user_id == User.id)
             .where(User.id <= n).order_by(User.id, Post.id))
    page: dict[int, dict[str, Any]] = {}
    for user_id, name, title in await session.execute(query):
        posts = page.setdefault(user_id, {"name": name, "posts": []})["posts"]
        if title is not None:  # a user without posts comes back once, with NULLs (outer join)
            posts.append(title)
    return list(page.values())


HANDLERS = {"n-plus-one": users_n_plus_one, "selectinload": users_selectinload, "join": users_join}


def blog_app() -> Any:
    """The FastAPI app, configured from PERFKIT_BLOG_APP (see serve_blog)."""
    from fastapi import FastAPI, HTTPException
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    from .statements import EngineHooks

    config = json.loads(os.environ[CONFIG_ENV])
    counts = {"requests": 0, "statements": 0}
    state: dict[str, Any] = {}

    def count(*args: Any) -> None:
        counts["statements"] += 1

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        engine = create_async_engine(config["db_url"], connect_args=config["connect_args"])
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        hooks = EngineHooks()
        if config["rtt"]:  # SQLite has no network: sleep the simulated round trip per statement
            hooks.delay = config["rtt"]
            hooks.attach(engine.sync_engine, asynchronous=True)
        state["engine"] = engine
        try:
            yield
        finally:
            hooks.detach()
            await engine.dispose()

    app = FastAPI(title="perfkit blog app", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"app": "blog"}

    @app.get("/users/{how}")
    async def users(how: str, n: int = 20) -> Any:
        handler = HANDLERS.get(how)
        if handler is None:
            raise HTTPException(404, f"how must be one of {sorted(HANDLERS)}, got {how!r}")
        if not 1 <= n <= MAX_N:
            raise HTTPException(400, f"n must be from 1 to {MAX_N:,}, got {n}")
        counts["requests"] += 1
        async with AsyncSession(state["engine"]) as session:
            return await handler(session, n)

    add_counters(app, counts)

    return app


class BlogService(RunningApp):
    """The running blog service: `url`, `get(path)`, `stats()`; stop it with `stop()` or `with`."""

    def __init__(self, service: Any, db_text: str) -> None:
        super().__init__(service)
        self._db_text = db_text

    def stats(self) -> dict[str, int]:
        """{"requests": r, "statements": s}: page requests served and SQL statements they sent."""
        return super().stats()

    def statements_per_request(self) -> float:
        """Statements sent per page request since the last reset_stats()."""
        counts = self.stats()
        if not counts["requests"]:
            raise RuntimeError("no page was requested since the last reset_stats()")
        return counts["statements"] / counts["requests"]

    def describe(self) -> str:
        return f"blog service at {self.url}; database: {self._db_text}"


def serve_blog(db: Any) -> BlogService:
    """Serve `blog_app` on 127.0.0.1 in a process of its own, on `db`; returns the running BlogService.

    Args:
        db: an open, seeded Database from pk.database(). Its simulated round trip goes with it:
            on PostgreSQL the service connects through the latency proxy, on SQLite it sleeps
            the same delay per statement.

    Raises:
        TypeError: `db` is not an open Database.
    """
    if not all(hasattr(type(db), a) for a in ("async_url", "async_connect_args", "latency_mode")):
        raise TypeError(f"db must be an open Database from pk.database(), got {type(db).__name__}")
    config = {"db_url": db.async_url.render_as_string(hide_password=False),
              "connect_args": db.async_connect_args,
              "rtt": db.simulated_rtt if db.latency_mode == "sleep" else None}
    service = serve_configured(f"{__name__}:blog_app", CONFIG_ENV, config)
    return BlogService(service, db.describe())
