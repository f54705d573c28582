"""LatencyServer: a real HTTP/1.1 server on 127.0.0.1 that answers every GET after a set latency.

It stands in for a slow remote service, so a notebook can compare awaiting requests one by one
with `asyncio.gather`, over real sockets, without touching the network:

    with LatencyServer(latency=0.05) as server:
        httpx.get(server.url)                 # about 0.05 s
        httpx.get(server.url + "?latency=0.2")  # this request only: 0.2 s
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..engine.checks import check_int, check_number

_STOP_TIMEOUT = 5.0  # seconds stop() waits for each thread; they are daemons if it runs out


def _check_latency(latency: Any, name: str = "latency") -> float:
    return check_number(latency, name, low=0, unit="seconds")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections
    # TCP_NODELAY: headers and body go out in two writes; with Nagle on, the body waits for
    # the client's delayed ACK, adding ~40 ms to every request after the first on a connection.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (name fixed by http.server)
        owner = self.server.owner
        latency = owner.latency
        values = parse_qs(urlsplit(self.path).query).get("latency")
        if values:
            try:
                latency = _check_latency(float(values[-1]), "the latency query parameter")
            except ValueError as exc:
                self._send(400, {"error": str(exc)})
                return
        if not owner._serve(latency):
            self.close_connection = True  # stopping: drop the request, answer nothing
            return
        self._send(200, {"path": self.path, "latency": latency})

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # one line per request would flood a notebook's output


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a burst of concurrent connects must not be refused

    def __init__(self, owner: LatencyServer, port: int) -> None:
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        super().__init__(("127.0.0.1", port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Tracked rather than left to ThreadingMixIn, so stop() can close idle keep-alive
        # connections and join their threads with a timeout.
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address),
            name="perfkit-LatencyServer-request", daemon=True,
        )
        with self.owner._cond:
            self.connections.add(request)
            self.handler_threads.add(thread)
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.owner._cond:
                self.connections.discard(request)
                self.handler_threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (or stop() closing its socket) is routine, not a traceback.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class LatencyServer:
    """A local HTTP/1.1 server that answers every GET with a small JSON body after `latency`.

    Use it as a context manager: it starts on entry and stops on exit, also when the body
    raises or is interrupted. `start()` and `stop()` do the same by hand. After stop, no thread
    it started is alive and its socket is closed. A GET to `url + "?latency=0.2"` overrides
    the latency for that request only. The response body is `{"path": ..., "latency": ...}`.

    Args:
        latency: Seconds each request waits before it is answered (a number >= 0).
        max_concurrency: How many requests may be served (waiting out their latency) at once;
            the others queue, as on a server with limited capacity. None means unlimited.
        port: TCP port on 127.0.0.1; 0 picks a free one.

    Example:
        >>> with LatencyServer(latency=0.05) as server:
        ...     response = httpx.get(server.url)
    """

    def __init__(
        self, latency: float = 0.05, max_concurrency: int | None = None, port: int = 0
    ) -> None:
        self.latency = _check_latency(latency)
        if max_concurrency is not None:
            check_int(max_concurrency, "max_concurrency", low=1, hint="or None")
        check_int(port, "port", low=0, high=65535, hint="(0: a free port)")
        self.max_concurrency = max_concurrency
        self.port = port
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self._in_flight = 0
        self._max_in_flight = 0
        self._requests_served = 0

    @property
    def url(self) -> str:
        """The base URL, `http://127.0.0.1:PORT/`, while the server is running."""
        if self._url is None or not self.running:
            raise RuntimeError("LatencyServer is not running: use `with LatencyServer() as s:`")
        return self._url

    @property
    def running(self) -> bool:
        """Whether the server is accepting requests."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def requests_served(self) -> int:
        """Requests answered since the last start()."""
        with self._cond:
            return self._requests_served

    @property
    def max_in_flight(self) -> int:
        """The most requests that were being served at the same moment since the last start()."""
        with self._cond:
            return self._max_in_flight

    def start(self) -> LatencyServer:
        """Binds the socket and serves from a background thread; returns self.

        Raises:
            RuntimeError: The server is already running.
        """
        if self._server is not None:
            raise RuntimeError(f"LatencyServer is already running at {self._url}; stop() it first")
        self._stopping.clear()
        self._in_flight = self._max_in_flight = self._requests_served = 0
        server = _Server(self, self.port)
        self._url = f"http://127.0.0.1:{server.server_address[1]}/"
        self._thread = threading.Thread(  # a short poll_interval lets shutdown() return soon
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name="perfkit-LatencyServer", daemon=True,
        )
        self._server = server
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving, wakes requests still waiting, closes every socket, joins the threads.

        Requests still in progress are dropped. Calling stop() again does nothing.
        """
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()  # requests queued for a slot
        try:
            server.shutdown()  # no new connections once this returns
        finally:
            server.server_close()
            with self._cond:
                connections, handlers = list(server.connections), list(server.handler_threads)
            for connection in connections:  # idle keep-alive readers see EOF and exit
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            for t in [thread, *handlers]:
                t.join(_STOP_TIMEOUT)
            self._server = self._thread = None

    def _serve(self, latency: float) -> bool:
        """Waits for a slot, then for `latency`; False if the server stopped meanwhile."""
        with self._cond:
            while self.max_concurrency is not None and self._in_flight >= self.max_concurrency:
                if self._stopping.is_set():
                    return False
                self._cond.wait()
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        stopped = self._stopping.wait(latency)
        with self._cond:
            self._in_flight -= 1
            if not stopped:
                self._requests_served += 1  # counted before the answer, so a client sees it
            self._cond.notify()
        return not stopped

    def __enter__(self) -> LatencyServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()  # also when the body raised, KeyboardInterrupt included

    def __repr__(self) -> str:
        url = self._url if self.running else None
        return (
            f"LatencyServer(url={url!r}, latency={self.latency!r}, "
            f"max_concurrency={self.max_concurrency!r}, running={self.running})"
        )
