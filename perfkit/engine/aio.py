"""Running coroutines from a script and from a running Jupyter kernel alike; loop lag.

A Jupyter kernel already runs an event loop in its main thread, so `asyncio.run` fails
there. perfkit never patches that loop (no nest_asyncio): it runs coroutines on a loop of
its own, in a thread of its own, and stops both when done.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from typing import Any, Awaitable, Coroutine, TypeVar

from .checks import check_seconds
from .errors import BudgetExceededError

T = TypeVar("T")


class LoopThread:
    """An event loop in a background thread, for running coroutines to completion.

    Use as a context manager; the loop and thread are stopped on exit, even on errors
    and KeyboardInterrupt.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "LoopThread":
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            ready.set()
            try:
                loop.run_forever()
            finally:
                _cancel_pending(loop)
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=serve, name="perfkit-loop", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None, what: str = "coroutine") -> T:
        """Run `coro` on the loop; raise BudgetExceededError if it takes longer than `timeout`."""
        assert self._loop is not None, "LoopThread used outside its with-block"
        future = asyncio.run_coroutine_threadsafe(_carry_interrupts(coro), self._loop)
        try:
            # past TIMEOUT_MAX the wait itself overflows, which must not pass for the coroutine's error
            return future.result(None if timeout is None else min(timeout, threading.TIMEOUT_MAX))
        except _Interrupted as carrier:
            raise carrier.original from None
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise BudgetExceededError(
                f"{what} did not finish within {timeout:.3g} s; it was cancelled. "
                "Check that the coroutine can finish, or pass a larger timeout= (or budget=)."
            ) from None
        except BaseException:
            future.cancel()
            raise

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._thread is not None:
            if not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop = None
        self._thread = None


class _Interrupted(Exception):
    """Carries a KeyboardInterrupt / SystemExit raised inside a coroutine back to the caller.

    Raised bare inside a task, asyncio lets those escape run_forever() and kill the loop
    thread; wrapped, they travel like any exception and are raised again in the caller.
    """

    def __init__(self, original: BaseException) -> None:
        super().__init__(repr(original))
        self.original = original


async def _carry_interrupts(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return await coro
    except (KeyboardInterrupt, SystemExit) as exc:
        raise _Interrupted(exc) from None


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def run_async(coro: Awaitable[T], timeout: float | None = None) -> T:
    """Run a coroutine to completion, from a script or inside a running notebook.

    Args:
        coro: the coroutine (an awaitable) to run.
        timeout: seconds after which it is cancelled and BudgetExceededError raised.
    """
    if not asyncio.iscoroutine(coro):
        raise TypeError(f"run_async needs a coroutine, got {type(coro).__name__}")

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    with LoopThread() as runner:
        return runner.run(bounded() if timeout is None else coro, timeout=timeout)


class LoopLag:
    """How late the event loop ran a ticker that wanted to run every `interval` seconds.

    A loop that a blocking call holds up runs the ticker late; `max` is the longest such
    delay, i.e. the longest time nothing else could run on the loop.
    """

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = check_seconds(interval, "interval")
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._expected = 0.0

    async def _tick(self) -> None:
        while True:
            now = time.perf_counter()
            self.lags.append(max(0.0, now - self._expected))
            self._expected = now + self.interval
            await asyncio.sleep(self.interval)

    def __enter__(self) -> "LoopLag":
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "loop_lag() measures the running event loop: enter it inside an async "
                "function (with pk.loop_lag() as lag: ... within `async def`)"
            ) from None
        self._expected = time.perf_counter()  # the ticker should start at once
        self._task = loop.create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        # the loop may have been blocked right up to here: count that stretch too
        self.lags.append(max(0.0, time.perf_counter() - self._expected))
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def __aenter__(self) -> "LoopLag":
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> None:
        self.__exit__(*exc)
        await asyncio.sleep(0)

    @property
    def max(self) -> float:
        """Longest delay seen, in seconds."""
        return max(self.lags, default=0.0)

    @property
    def total(self) -> float:
        """Sum of the delays, in seconds: roughly how long the loop was blocked in all."""
        return sum(self.lags)

    def __repr__(self) -> str:
        from .units import format_seconds

        return (f"LoopLag(max={format_seconds(self.max)}, total={format_seconds(self.total)}, "
                f"ticks={len(self.lags)})")


def loop_lag(interval: float = 0.001) -> LoopLag:
    """Measure how long the running event loop is blocked: `with pk.loop_lag() as lag:`."""
    return LoopLag(interval)
