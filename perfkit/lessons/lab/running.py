"""RunningApp: what a lesson's running service offers the notebook, shared by the lab's apps.

A lesson app (the blog, the cache-aside service, ...) runs under pk.serve in a process of its own;
the notebook talks to it over HTTP: `get(path)` for JSON, `stats()` and `reset_stats()` for the
counters the app keeps, `stop()` or a `with` block to end it.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any


def serve_configured(app: str, env: str, config: dict[str, Any], **serve_options: Any) -> Any:
    """pk.serve(app, factory=True) with `config` as JSON in the environment variable `env`.

    The service's process copies the environment when it starts, and its app factory reads its
    configuration from there; the variable is put back as it was as soon as the process has started.
    """
    from .service import serve

    before = os.environ.get(env)
    os.environ[env] = json.dumps(config)
    try:
        return serve(app, factory=True, **serve_options)
    finally:
        if before is None:
            del os.environ[env]
        else:
            os.environ[env] = before


class RunningApp:
    """A served lesson app: `url`, `get(path)`, `stats()`, `reset_stats()`, `stop()`, `with`."""

    timeout = 10.0  # seconds one helper request may take

    def __init__(self, service: Any) -> None:
        self.service = service

    @property
    def url(self) -> str:
        return self.service.url

    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:
            return json.loads(answer.read())

    def get(self, path: str) -> Any:
        """GET `path` (e.g. "/users/7") and return the decoded JSON."""
        return self._call("GET", path)

    def stats(self) -> dict[str, int]:
        """The counters the app keeps (GET /stats), since it started or was reset."""
        return self._call("GET", "/stats")

    def reset_stats(self) -> None:
        self._call("POST", "/stats/reset")

    def describe(self) -> str:
        return f"{type(self).__name__} at {self.url}"

    def stop(self) -> None:
        self.service.stop()

    def __enter__(self) -> "RunningApp":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.service!r}; {self.describe()})"
