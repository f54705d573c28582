"""Tests for perfkit.lessons.lab.service: pk.serve starts a uvicorn process, and stops it always.

They serve `apps.hello` (a plain ASGI app, no FastAPI): its process starts in a fraction of a second.
"""

from __future__ import annotations

import gc
import os
import socket
import sys
import urllib.request

import pytest

pytest.importorskip("uvicorn")

import perfkit as pk
from perfkit.lessons.lab import apps
from perfkit.lessons.lab.service import PortInUseError, ServiceError

HELLO = "perfkit.lessons.lab.apps:hello"


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _port_free(port: int) -> bool:
    with socket.socket() as sock:  # binds only if no one listens there any more
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
    return True


def test_serve_answers_then_stops_process_and_port():
    with pk.serve(apps.hello) as svc:  # an app object from a module: found by import
        assert svc.app == HELLO
        assert svc.running and svc.url == f"http://127.0.0.1:{svc.port}"
        assert _get(svc.url + "/anything") == b"hello"
        pid, port = svc.pid, svc.port
        assert pid != os.getpid()  # a process of its own
    assert not svc.running
    assert _gone(pid)
    assert _port_free(port)


def test_serving_a_taken_port_again_stops_this_process_s_earlier_service():
    # a notebook cell `svc = pk.serve(app, port=P)` run twice must not fail or leak the first
    first = pk.serve(HELLO)
    second = pk.serve(HELLO, port=first.port)
    try:
        assert not first.running and _gone(first.pid)
        assert _get(second.url) == b"hello"
    finally:
        second.stop()
    assert _port_free(second.port)


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_stops_when_the_with_block_raises(error):
    with pytest.raises(error):
        with pk.serve(HELLO) as svc:
            pid = svc.pid
            raise error("inside the block")
    assert _gone(pid)
    assert _port_free(svc.port)


def test_a_forgotten_service_stops_when_garbage_collected():
    svc = pk.serve(HELLO)
    pid = svc.pid
    del svc
    gc.collect()
    assert _gone(pid)


def test_port_in_use_names_the_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} .*in use.*pid {os.getpid()}"):
            pk.serve(HELLO, port=port)


def test_non_asgi_apps_are_refused_naming_them():
    with pytest.raises(TypeError, match=r"42 \(int\) is not an ASGI app"):
        pk.serve(42)

    def handler(request):  # a view function, not an ASGI app
        return request

    with pytest.raises(TypeError, match="function .*handler is not an ASGI app"):
        pk.serve(handler)
    with pytest.raises(TypeError, match="delay_app.*factory=True"):
        pk.serve(apps.delay_app)  # it builds the app: the message says so
    with pytest.raises(ValueError, match="import string"):
        pk.serve("not an import string")


def test_a_non_asgi_object_found_by_import_string_is_a_type_error():
    with pytest.raises(TypeError, match="os:getcwd.*not an ASGI app"):
        pk.serve("os:getcwd")


def test_an_import_that_fails_shows_the_child_s_traceback():
    with pytest.raises(ServiceError, match=r"(?s)exited with status 1.*Traceback.*No module named 'no_such_module_x'"):
        pk.serve("no_such_module_x:app")


def test_an_app_from_main_says_what_to_do(monkeypatch):
    async def cell_app(scope, receive, send):  # as if defined in a notebook cell
        pass

    cell_app.__module__ = "__main__"
    monkeypatch.setattr(sys.modules["__main__"], "cell_app", cell_app, raising=False)
    with pytest.raises(ValueError, match=r"(?s)'cell_app' is defined in __main__.*%%writefile.*myapp:cell_app"):
        pk.serve(cell_app)


@pytest.mark.parametrize("kwargs, argument", [({"port": -1}, "port"), ({"workers": 0}, "workers"),
                                              ({"ready_timeout": 0}, "ready_timeout"),
                                              ({"log_level": "loud"}, "log_level")])
def test_bad_arguments_name_themselves(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        pk.serve(HELLO, **kwargs)
