"""LatencyProxy: a TCP proxy on 127.0.0.1 that adds a set round-trip time, to simulate a network.

On loopback a database round trip costs tens of microseconds, so advice written for a server
"50 ms away" cannot be seen here. Put this proxy in front of PostgreSQL (or any TCP service)
and every round trip through it takes `rtt` seconds longer: half on the way there, half on
the way back. The latency is simulated; charts and verdicts built on it should say so.

    with pk.latency_proxy("127.0.0.1", 5432, rtt=0.002) as proxy:
        engine = create_engine(proxy.url_for("postgresql+psycopg://postgres@127.0.0.1:5432/test"))

Bytes keep their order and are pipelined: a chunk that arrives at time t leaves at t + rtt/2,
however many chunks are in flight, so a stream is delayed, not slowed chunk by chunk. The
TCP handshake is simulated too: a new connection's bytes wait one extra round trip, as they
would for a client connecting over a real network (on loopback, connect() returns at once).

The proxy's own hop through Python costs about 0.1-0.5 ms a round trip on top of `rtt`: compare
round-trip times through the proxy with each other (rtt=0 included), not with a direct connection.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import selectors
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ...engine.errors import PerfkitError

_CHUNK = 65536
_CONNECT_TIMEOUT = 5.0  # seconds the proxy waits for its target when a client connects
_STOP_TIMEOUT = 5.0


class ProxyTargetUnavailable(PerfkitError, ConnectionError):
    """The service behind a LatencyProxy does not accept connections."""


def check_rtt(rtt: Any, name: str = "rtt") -> float:
    """`rtt` as a float, or ValueError naming `name` if it is not a finite number of seconds >= 0."""
    ok = isinstance(rtt, (int, float)) and not isinstance(rtt, bool)
    if not ok or not math.isfinite(rtt) or rtt < 0:
        raise ValueError(f"{name} must be a finite number of seconds >= 0 (the round trip added), got {rtt!r}")
    return float(rtt)


class _ProxyThread:
    """The proxy's event loop, in a thread of its own, waiting on select() rather than epoll.

    epoll (asyncio's default on Linux) waits in whole milliseconds, rounded up, so a 0.25 ms
    delay would last 1 ms; select() waits in microseconds. A proxy has a few sockets, far
    below select's limit of 1,024.
    """

    def __init__(self) -> None:
        self.loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
        self.thread = threading.Thread(target=self.loop.run_forever, name="perfkit-proxy", daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float, what: str) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"{what} did not finish within {timeout:g} s") from None

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(_STOP_TIMEOUT)
        if not self.thread.is_alive():
            self.loop.close()


class LatencyProxy:
    """A TCP proxy on 127.0.0.1 (a free port) that adds `rtt` seconds to every round trip.

    Use it as a context manager, or `start()` and `stop()`. After stop (also after an error in
    the with-block) every connection is closed and its thread has ended. `rtt` may be changed
    while it runs, for a sweep; the change applies to bytes arriving from then on.

    Args:
        target_host: Host of the service to forward to, e.g. "127.0.0.1".
        target_port: Its TCP port, e.g. 5432 for PostgreSQL.
        rtt: Seconds added to each round trip (rtt/2 each way), a number >= 0.
        handshake: Also hold a new connection's first bytes for one round trip, as the TCP
            handshake over a real network would.
        check: On start, connect to the target once and raise ProxyTargetUnavailable if
            nothing answers. Without it, a refused target resets each client's connection and
            the reason is appended to `errors` (a list of strings).
    """

    host = "127.0.0.1"

    def __init__(self, target_host: str, target_port: int, *, rtt: float = 0.002,
                 handshake: bool = True, check: bool = True) -> None:
        if not isinstance(target_host, str) or not target_host:
            raise ValueError(f"target_host must be a host name or address, got {target_host!r}")
        if not (isinstance(target_port, int) and not isinstance(target_port, bool)
                and 1 <= target_port <= 65535):
            raise ValueError(f"target_port must be an int from 1 to 65535, got {target_port!r}")
        self.target_host = target_host
        self.target_port = target_port
        self._rtt = check_rtt(rtt)
        self.handshake = bool(handshake)
        self.check = bool(check)
        self.errors: list[str] = []
        self.connections_served = 0
        self._port: int | None = None
        self._runner: _ProxyThread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def rtt(self) -> float:
        """Seconds added to each round trip; settable while running."""
        return self._rtt

    @rtt.setter
    def rtt(self, value: float) -> None:
        self._rtt = check_rtt(value)

    @property
    def port(self) -> int:
        """The port the proxy listens on (127.0.0.1), while running."""
        if self._port is None:
            raise RuntimeError("LatencyProxy is not running: use `with pk.latency_proxy(host, port) as proxy:`")
        return self._port

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def target(self) -> str:
        return f"{self.target_host}:{self.target_port}"

    def url_for(self, url: str) -> str:
        """`url` with its host:port replaced by the proxy's, so a client connects through it.

        Works for any URL with a network location: postgresql+psycopg://user:pw@host:5432/db?x=1
        keeps its user, password, database and query.
        """
        parts = urlsplit(url)
        if not parts.scheme or "://" not in url:
            raise ValueError(f"url must look like scheme://user@host:port/..., got {url!r}")
        userinfo, _, _ = parts.netloc.rpartition("@")
        netloc = f"{userinfo}@" if userinfo else ""
        return urlunsplit(parts._replace(netloc=f"{netloc}{self.host}:{self.port}"))

    def start(self) -> LatencyProxy:
        """Listens on a free port of 127.0.0.1 and forwards from a background thread."""
        if self._runner is not None:
            raise RuntimeError(f"LatencyProxy is already running on port {self._port}; stop() it first")
        runner = _ProxyThread()
        try:
            runner.run(self._start(), timeout=_CONNECT_TIMEOUT + 5, what="starting the proxy")
        except BaseException:
            runner.close()
            raise
        self._runner = runner
        return self

    def stop(self) -> None:
        """Closes the listening socket and every connection, and ends the thread. Idempotent."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        try:
            runner.run(self._stop(), timeout=_STOP_TIMEOUT, what="stopping the proxy")
        finally:
            runner.close()
            self._port = None

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"127.0.0.1:{self._port}" if self._port else "stopped"
        return (f"LatencyProxy({where} -> {self.target}, rtt={self._rtt * 1e3:g} ms simulated, "
                f"connections_served={self.connections_served})")

    async def _start(self) -> None:
        if self.check:
            try:
                _, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.target_host, self.target_port), _CONNECT_TIMEOUT)
            except (OSError, asyncio.TimeoutError) as exc:
                raise ProxyTargetUnavailable(self._unreachable(exc)) from None
            writer.close()
        self._server = await asyncio.start_server(self._handle, self.host, 0)
        self._port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        await asyncio.sleep(0)  # let the aborted transports report connection_lost and let go

    def _unreachable(self, exc: BaseException) -> str:
        reason = str(exc) or type(exc).__name__
        return (f"nothing accepted a connection at {self.target} (the proxy's target): {reason}. "
                "Start the service there first, or point the proxy at the right host and port.")

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        # The work runs in a task of its own that stop() cancels: cancelling the task asyncio
        # gave this callback makes Python 3.11 log a spurious "Exception in callback".
        work = asyncio.create_task(self._forward(client_reader, client_writer))
        self._handlers.add(work)
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            work.cancel()
        finally:
            await asyncio.gather(work, return_exceptions=True)
            self._handlers.discard(work)

    async def _forward(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        # nothing may reach either side before the simulated handshake's round trip is over
        opened = loop.time() + (self._rtt if self.handshake else 0.0)
        self._writers.add(client_writer)
        upstream: asyncio.StreamWriter | None = None
        try:
            try:
                up_reader, upstream = await asyncio.wait_for(
                    asyncio.open_connection(self.target_host, self.target_port), _CONNECT_TIMEOUT)
            except (OSError, asyncio.TimeoutError) as exc:
                self.errors.append(f"could not connect to {self.target}: {exc or type(exc).__name__}")
                client_writer.transport.abort()  # the client sees its connection reset
                return
            self._writers.add(upstream)
            self.connections_served += 1
            # asyncio sets TCP_NODELAY on both sockets: no Nagle wait is added to our delay
            await asyncio.gather(self._pipe(client_reader, upstream, opened, (client_writer, upstream)),
                                 self._pipe(up_reader, client_writer, opened, (client_writer, upstream)))
        finally:
            for writer in (client_writer, upstream):
                if writer is not None:
                    self._writers.discard(writer)
                    writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, opened: float,
                    both: tuple[asyncio.StreamWriter, asyncio.StreamWriter]) -> None:
        """Forwards reader -> writer, each chunk rtt/2 after it arrived (and not before `opened`)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def receive() -> None:
            # read on while earlier chunks wait out their delay: chunks are pipelined
            while True:
                try:
                    data = await reader.read(_CHUNK)
                except OSError:
                    data = b""  # a reset ends the stream like an EOF
                queue.put_nowait((loop.time(), data))
                if not data:
                    return

        receiving = asyncio.create_task(receive())
        try:
            while True:
                arrived, data = await queue.get()
                due = max(arrived, opened) + self._rtt / 2
                while (wait := due - loop.time()) > 0:  # never early: sleep may wake a hair soon
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof() and not writer.is_closing():
                        writer.write_eof()  # half-close: the other direction may still flow
                    return
                writer.write(data)
                await writer.drain()
        except OSError:
            for w in both:  # one side is gone: end the other direction too
                w.transport.abort()
        finally:
            receiving.cancel()
            await asyncio.gather(receiving, return_exceptions=True)


def latency_proxy(target_host: str, target_port: int, *, rtt: float = 0.002,
                  handshake: bool = True, check: bool = True) -> LatencyProxy:
    """A LatencyProxy in front of target_host:target_port; use it as `with pk.latency_proxy(...) as p:`.

    Every round trip through `p.host:p.port` takes `rtt` seconds longer (simulated latency).
    See LatencyProxy for the arguments.
    """
    return LatencyProxy(target_host, target_port, rtt=rtt, handshake=handshake, check=check)
