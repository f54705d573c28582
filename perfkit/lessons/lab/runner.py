"""What the service's own process runs: import the app, check that it is ASGI, serve it with uvicorn.

service.py starts it as `python -m perfkit.lessons.lab.runner --app module:attr --fd N ...`; a
reader never calls it. The listening socket is bound by the parent and inherited as file
descriptor N, so the port is known before this process starts and nothing can take it in between.
uvicorn's own `--fd` wraps such a socket as a Unix socket, and asyncio then never sets TCP_NODELAY
on its connections: with Nagle's algorithm on, a response written in two pieces waits for the
client's delayed ACK, ~40 ms a request. Here it is wrapped as the TCP socket it is.

The process stops itself when its parent goes away (a killed kernel), so it cannot outlive it.
"""

from __future__ import annotations

import argparse
import inspect
import os
import signal
import socket
import sys
import threading
import time

from .appspec import asgi_problem, load_app

NOT_ASGI = 3  # exit status when the imported object is not an ASGI app: service.py raises TypeError
GRACE = 2  # seconds uvicorn lets in-flight requests finish after SIGTERM


def _watch_parent(parent: int) -> None:
    """Stop this process (gracefully, then for good) once the process that started it is gone."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(GRACE + 3)
        os._exit(1)

    threading.Thread(target=watch, name="perfkit-parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m perfkit.lessons.lab.runner")
    parser.add_argument("--app", required=True, help="import string module:attr")
    parser.add_argument("--factory", action="store_true", help="call module:attr to build the app")
    parser.add_argument("--fd", type=int, help="an inherited listening TCP socket")
    parser.add_argument("--port", type=int, help="bind 127.0.0.1:PORT instead (no --fd)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--parent", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    if args.parent:
        _watch_parent(args.parent)

    app = load_app(args.app, args.factory)  # an import error prints its traceback for the parent
    problem = asgi_problem(app)
    if problem:
        print(f"TypeError: {args.app}{' (called)' if args.factory else ''}: {problem}", file=sys.stderr)
        sys.exit(NOT_ASGI)

    import uvicorn

    many = args.workers > 1  # then every worker imports the app itself: uvicorn needs the string
    config = uvicorn.Config(args.app if many else app, factory=args.factory and many,
                            workers=args.workers, log_level=args.log_level, access_log=False,
                            timeout_graceful_shutdown=GRACE, host="127.0.0.1", port=args.port or 8000)
    server = uvicorn.Server(config)
    if args.fd is None:
        server.run()
        return
    sock = socket.socket(fileno=args.fd)  # family and type read from the descriptor: AF_INET
    if not many:
        server.run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.31
        Multiprocess(config, target=server.run, sockets=[sock]).run()
    else:
        Multiprocess(config, sockets=[sock]).run()


if __name__ == "__main__":
    main()
