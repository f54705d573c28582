"""A service with one endpoint per latency target of the documents: a simple GET, a database query,
a cached response.

    with pk.database() as db:
        db.seed(users=1_000)
        with serve_targets_app(db) as svc:
            pk.load_test(svc.url + "/items/7", rate=200)            # "< 100 ms for simple GET requests"
            pk.load_test(svc.url + "/users/7", rate=200)            # "< 200 ms for database queries"
            pk.load_test(svc.url + "/cached/users/7", rate=200)     # "< 50 ms for cached responses"

The app (`targets_app`, served by pk.serve in a process of its own) answers:

    GET /                      {"app": "targets", "database": "sqlite" | "postgresql"}
    GET /items/{id}            a small JSON object built in the handler: no I/O at all
    GET /users/{id}            one query by primary key (`USER_BY_ID`), on an async engine
                               (aiosqlite or asyncpg) with SQLAlchemy's default pool
    GET /cached/users/{id}     the same row through a dict in the service's process: the first
                               request for an id queries and stores it, every later one is a hit

Its configuration (the database's async URL and connect arguments) travels to the service process
in the environment variable `PERFKIT_TARGETS_APP`, set only while the process starts.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any, AsyncIterator

from .running import serve_configured
from .service import Service

CONFIG_ENV = "PERFKIT_TARGETS_APP"
USER_BY_ID = "SELECT id, name, email FROM users WHERE id = :id"

__all__ = ["targets_app", "serve_targets_app", "USER_BY_ID"]


def targets_app() -> Any:
    """The FastAPI app, configured from PERFKIT_TARGETS_APP (see serve_targets_app)."""
    from fastapi import FastAPI, HTTPException
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    config = json.loads(os.environ[CONFIG_ENV])
    query = text(USER_BY_ID)
    state: dict[str, Any] = {}
    cache: dict[int, dict[str, Any]] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        state["engine"] = create_async_engine(config["db_url"], connect_args=config["connect_args"])
        try:
            yield
        finally:
            await state["engine"].dispose()

    app = FastAPI(title="perfkit latency targets", lifespan=lifespan, openapi_url=None, docs_url=None,
                  redoc_url=None)

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"app": "targets", "database": config["dialect"]}

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, Any]:
        return {"id": item_id, "name": f"item {item_id}", "price": round(item_id * 1.25, 2)}

    async def user_row(user_id: int) -> dict[str, Any]:
        async with state["engine"].connect() as conn:
            row = (await conn.execute(query, {"id": user_id})).mappings().first()
        if row is None:
            raise HTTPException(404, f"no user {user_id}")
        return dict(row)

    @app.get("/users/{user_id}")
    async def user(user_id: int) -> dict[str, Any]:
        return await user_row(user_id)

    @app.get("/cached/users/{user_id}")
    async def cached_user(user_id: int) -> dict[str, Any]:
        if user_id not in cache:  # a miss: the first request for this id
            cache[user_id] = await user_row(user_id)
        return cache[user_id]

    return app


def serve_targets_app(db: Any, **serve_options: Any) -> Service:
    """Serve `targets_app` on 127.0.0.1 in a process of its own, reading `db`; returns the Service.

    Args:
        db: an open, seeded Database from pk.database() (the app reads its `users` table).
        **serve_options: passed to pk.serve (port=, workers=, ready_timeout=, log_level=).

    Raises:
        TypeError: `db` is not an open Database.
    """
    if not all(hasattr(type(db), a) for a in ("async_url", "async_connect_args", "dialect")):
        raise TypeError(f"db must be an open Database from pk.database(), got {type(db).__name__}")
    config = {"db_url": db.async_url.render_as_string(hide_password=False),
              "connect_args": db.async_connect_args, "dialect": db.dialect}
    return serve_configured(f"{__name__}:targets_app", CONFIG_ENV, config, **serve_options)
