"""pk.serve(app): an ASGI app (FastAPI) under uvicorn, in a process of its own, on 127.0.0.1.

    with pk.serve("myapp:app") as svc:            # or pk.serve(app), app imported from a module
        httpx.get(svc.url + "/items/1")

Why a process of its own: a server in the notebook's process would share its GIL with the load
driver, and a load test would measure the two of them fighting over it.

How the app gets there: by import, in the new process. Give an import string "package.module:attr"
(with factory=True, attr is called to build the app), or the app object itself when it lives in
a module (its module and name are looked up). An app defined in a notebook cell lives in
`__main__`, which the new process cannot import: put it in a file (`%%writefile myapp.py`) and
pass "myapp:app". The child's sys.path is this process's, so what imports here imports there.
(Why not multiprocessing: a FastAPI app, with its routes' closures, does not pickle reliably.)

Lifecycle: this process binds the socket (127.0.0.1, a free port or `port=`) and hands it to the
child (runner.py), then sends `GET /` until any HTTP answer comes back. `stop()` sends SIGTERM to
the child's process group (uvicorn lets in-flight requests finish, 2 s at most), SIGKILL after
`STOP_TIMEOUT`. A Service stops on leaving its `with` block (errors and KeyboardInterrupt too),
when it is garbage-collected, and at interpreter exit; the child also stops when its parent dies.
Running `serve(..., port=P)` again stops this process's earlier service on port P first, so
re-running a cell leaks neither a process nor a port.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from typing import Any, BinaryIO

from ...engine.errors import PerfkitError
from ...engine.optional import require
from .appspec import import_string
from .ports import holder
from .runner import NOT_ASGI

STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
_POSIX = os.name == "posix"
_by_port: "weakref.WeakValueDictionary[int, Service]" = weakref.WeakValueDictionary()


class ServiceError(PerfkitError):
    """The service process did not start, or did not answer within `ready_timeout`."""


class PortInUseError(ServiceError):
    """The port asked for is taken by another process."""


def _check(port: Any, workers: Any, ready_timeout: Any, log_level: Any) -> None:
    def is_int(x: Any) -> bool:
        return isinstance(x, int) and not isinstance(x, bool)

    if port is not None and not (is_int(port) and 0 <= port <= 65535):
        raise ValueError(f"port must be None or 0 (a free port), or an int up to 65535, got {port!r}")
    if not (is_int(workers) and workers >= 1):
        raise ValueError(f"workers must be an int >= 1 (uvicorn processes), got {workers!r}")
    if isinstance(ready_timeout, bool) or not isinstance(ready_timeout, (int, float)) or not ready_timeout > 0:
        raise ValueError(f"ready_timeout must be a number of seconds > 0, got {ready_timeout!r}")
    if log_level not in _LOG_LEVELS:
        raise ValueError(f"log_level must be one of {list(_LOG_LEVELS)}, got {log_level!r}")


def _listen(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port (0: a free one), or PortInUseError naming the holder."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # SO_REUSEADDR: a port whose last connections are in TIME_WAIT (a service just stopped) can be
    # bound again at once; a port with a live listener still cannot.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise
        raise PortInUseError(
            f"port {port} on 127.0.0.1 is in use{holder(port)}: stop what holds it, or pass "
            f"port=None for a free port (`ss -ltnp 'sport = :{port}'` or `lsof -i :{port}` names the holder)"
        ) from None
    return sock


def _terminate(process: subprocess.Popen, log: BinaryIO, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to the process group, SIGKILL after `timeout`; then reap it and close its log."""
    try:
        if process.poll() is None:
            _signal(process, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL if _POSIX else signal.SIGTERM)
                process.wait()
        # what the group still holds (multiprocessing's resource tracker, with workers > 1, ignores
        # SIGTERM and leaves on its own soon): a short wait, then SIGKILL. The group's id cannot be
        # taken by another process while any member lives.
        deadline = time.monotonic() + 1.0
        while _POSIX and _signal(process, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        _signal(process, signal.SIGKILL if _POSIX else signal.SIGTERM)
    finally:
        log.close()


def _signal(process: subprocess.Popen, sig: int) -> bool:
    """Send `sig` to the process's group (uvicorn's workers too); False if none of it is left."""
    try:
        if _POSIX:
            os.killpg(process.pid, sig)
        elif process.poll() is None:
            process.send_signal(sig)
        return True
    except (ProcessLookupError, PermissionError, OSError):
        return False


class Service:
    """An ASGI app served by uvicorn in a process of its own; see `serve`.

    Attributes:
        app: the import string the process serves, e.g. "perfkit.lessons.lab.apps:delay_app".
        port: the TCP port on 127.0.0.1.
        url: "http://127.0.0.1:PORT" (no trailing slash: `svc.url + "/items/1"`).
        pid: the process id of the service process (uvicorn's supervisor when workers > 1).
    """

    def __init__(self, app: Any, *, port: int | None = None, workers: int = 1, ready_timeout: float = 10,
                 log_level: str = "warning", factory: bool = False) -> None:
        _check(port, workers, ready_timeout, log_level)
        self.app = import_string(app, factory)
        self.factory, self.workers = bool(factory), workers
        self.ready_timeout, self.log_level = float(ready_timeout), log_level
        self.port: int = port or 0
        self._process: subprocess.Popen | None = None
        self._log: BinaryIO | None = None
        self._finalizer: weakref.finalize | None = None

    @property
    def url(self) -> str:
        if not self.running:
            raise RuntimeError(f"the service for {self.app} is not running: use `with pk.serve(app) as svc:`")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether the service process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def logs(self) -> str:
        """What the service process wrote to stdout and stderr so far."""
        if self._log is None or self._log.closed:
            return ""
        fd = self._log.fileno()
        # pread leaves the offset the child writes at alone (the file description is shared)
        data = os.pread(fd, os.fstat(fd).st_size, 0) if hasattr(os, "pread") else b""
        return data.decode(errors="replace")

    def start(self) -> "Service":
        """Start the process and wait until it answers HTTP; returns self.

        Raises:
            PortInUseError: `port` is taken by another process.
            TypeError: the imported object is not an ASGI app.
            ServiceError: the process exited before answering (its output's end is in the
                message), or did not answer within `ready_timeout` seconds.
        """
        require("uvicorn", "pk.serve", "lab")
        if self.running:
            raise RuntimeError(f"the service is already running at {self.url}; stop() it first")
        earlier = _by_port.get(self.port) if self.port else None
        if earlier is not None:
            earlier.stop()  # this process's own leftover, e.g. from the cell now run again
        sock = _listen(self.port)
        self.port = sock.getsockname()[1]
        command = [sys.executable, "-m", "perfkit.lessons.lab.runner", "--app", self.app,
                   "--workers", str(self.workers), "--log-level", self.log_level, "--parent", str(os.getpid())]
        command += ["--factory"] if self.factory else []
        paths = [p or os.getcwd() for p in sys.path if not p or os.path.exists(p)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
        self._log = tempfile.TemporaryFile(prefix="perfkit-service-")
        try:
            if _POSIX:
                command += ["--fd", str(sock.fileno())]
                self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log,
                                                 stderr=subprocess.STDOUT, pass_fds=(sock.fileno(),),
                                                 start_new_session=True, env=env)
            else:  # no descriptors to hand over: free the port and let the child bind it
                sock.close()
                command += ["--port", str(self.port)]
                self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log,
                                                 stderr=subprocess.STDOUT, env=env,
                                                 creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)
        except BaseException:
            self._log.close()
            raise
        finally:
            sock.close()  # the child holds the socket now
        self._finalizer = weakref.finalize(self, _terminate, self._process, self._log)
        _by_port[self.port] = self
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while True:
            code = self._process.poll()
            if code is not None:
                raise self._exited(code)
            if time.monotonic() > deadline:
                raise ServiceError(f"the service for {self.app} did not answer GET / within "
                                   f"{self.ready_timeout:g} s (ready_timeout); its output ends with:\n{self._tail()}")
            if self._answers(min(0.5, max(deadline - time.monotonic(), 0.01))):
                return

    def _answers(self, wait: float) -> bool:
        """Whether `GET /` gets any HTTP answer within `wait` seconds (404 and 500 count)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as conn:
                conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                return conn.recv(5) == b"HTTP/"
        except OSError:  # refused, reset or timed out: not yet
            time.sleep(0.02)
            return False

    def _tail(self, lines: int = 25) -> str:
        text = self.logs.rstrip().splitlines()[-lines:]
        return "\n".join(f"    {line}" for line in text) or "    (nothing)"

    def _exited(self, code: int) -> Exception:
        last = self.logs.rstrip().splitlines()[-1:] or [""]
        if code == NOT_ASGI and last[0].startswith("TypeError: "):
            return TypeError(last[0][len("TypeError: "):])
        return ServiceError(f"the service process for {self.app} exited with status {code} before it "
                            f"answered; its output ends with:\n{self._tail()}")

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after STOP_TIMEOUT s); calling it again does nothing."""
        if self._finalizer is not None:
            self._finalizer()  # runs _terminate once; at GC and exit it runs by itself
        if _by_port.get(self.port) is self:
            del _by_port[self.port]

    def __enter__(self) -> "Service":
        return self if self.running else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()  # also when the block raised, KeyboardInterrupt included

    def __repr__(self) -> str:
        where = f"url={self.url!r}, pid={self.pid}" if self.running else "stopped"
        return f"Service({self.app!r}, {where}, workers={self.workers})"


def serve(app: Any, *, port: int | None = None, workers: int = 1, ready_timeout: float = 10,
          log_level: str = "warning", factory: bool = False) -> Service:
    """Serve an ASGI app with uvicorn in a process of its own on 127.0.0.1; returns the running Service.

    Args:
        app: an import string "package.module:attr", or an ASGI app object defined in a module
            (a FastAPI() instance, `async def app(scope, receive, send)`); not one from a notebook cell.
        port: the TCP port; None picks a free one.
        workers: uvicorn worker processes (more than 1 only helps CPU-bound endpoints).
        ready_timeout: seconds to wait for the first HTTP answer.
        log_level: uvicorn's log level; the output is in `svc.logs`.
        factory: `app` builds the app when called with no arguments (e.g. apps.delay_app).

    Example:
        >>> with pk.serve("perfkit.lessons.lab.apps:delay_app", factory=True) as svc:
        ...     pk.load_test(svc.url + "/sleep?ms=20", rate=100)
    """
    return Service(app, port=port, workers=workers, ready_timeout=ready_timeout,
                   log_level=log_level, factory=factory).start()
