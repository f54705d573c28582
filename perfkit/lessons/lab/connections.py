"""The plumbing of the connection-reuse lesson: an event loop that outlives single calls, and
asyncpg's connection parameters for a lab database.

An asyncpg pool (or an httpx.AsyncClient) belongs to the event loop that made it, and
pk.compare runs async kernels on a loop of its own that ends with the comparison. To time
"a query from a pool made once", the pool lives on a `ResidentLoop`, and each kernel is a plain
function that runs its coroutine there:

    with ResidentLoop() as loop:
        pool = loop.call(asyncpg.create_pool, **asyncpg_params(db))
        pk.compare({"pool": loop.kernel(queries_from_pool, pool),
                    "connect per query": loop.kernel(queries_connecting, asyncpg_params(db))})
        loop.call(pool.close)

`call` calls the function on the loop's thread, not only awaits there what it returns: asyncpg's
`create_pool()` takes the running loop when it is called, before anything is awaited.

Handing each call to the loop's thread costs tens of microseconds, the same for every kernel;
a kernel that sends several queries per call makes it small beside them.
"""

from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable

from ...engine.aio import LoopThread
from ...engine.checks import check_callable

__all__ = ["ResidentLoop", "asyncpg_params"]


class ResidentLoop:
    """An event loop in a thread of its own, for as long as the `with` block lasts.

    `call(fn, *args, **kwargs)` calls `fn` on the loop's thread, awaits what it returns and gives
    back the result (from a script or a notebook alike); `kernel(async_fn, *args)` is a plain
    function that does that, to give pk.compare. What the calls make (pools, clients) stays
    usable from one call to the next, until the `with` block ends.
    """

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._thread: LoopThread | None = None

    def __enter__(self) -> "ResidentLoop":
        self._thread = LoopThread().__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.__exit__(*exc)

    def call(self, fn: Callable[..., Awaitable[Any]], /, *args: Any, **kwargs: Any) -> Any:
        """`await fn(*args, **kwargs)` on the resident loop; returns its result or raises its error."""
        check_callable(fn, "fn")
        if self._thread is None:
            raise RuntimeError("the ResidentLoop is not running: use `with ResidentLoop() as loop:`")

        async def there() -> Any:
            return await fn(*args, **kwargs)

        return self._thread.run(there(), timeout=self.timeout, what=f"{getattr(fn, '__name__', 'a call')} "
                                                                    "on the resident loop")

    def kernel(self, async_fn: Callable[..., Awaitable[Any]], *args: Any) -> Callable[[], Any]:
        """A plain function that runs `async_fn(*args)` on this loop: a kernel for pk.compare."""
        check_callable(async_fn, "async_fn")

        @functools.wraps(async_fn)
        def run_there() -> Any:
            return self.call(async_fn, *args)

        return run_there


def asyncpg_params(db: Any) -> dict[str, Any]:
    """Keyword arguments for asyncpg.connect / asyncpg.create_pool that reach the lab database `db`
    (through its latency proxy, if it has one) with the lab's schema on the search_path.

    Raises:
        ValueError: `db` is not a PostgreSQL database.
    """
    if getattr(db, "dialect", None) != "postgresql":
        raise ValueError(f"asyncpg needs a PostgreSQL database, got {getattr(db, 'dialect', type(db).__name__)!r}")
    url = db.async_url.set(drivername="postgresql").render_as_string(hide_password=False)
    return {"dsn": url, "server_settings": {"search_path": str(db.schema)}}
