"""Tests for perfkit.lessons.lab.proxy.LatencyProxy, in front of a small echo server.

Times are checked as lower bounds, and one upper bound that only a proxy which delays chunk
after chunk (instead of pipelining them) would break, by a factor of ten.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Iterator

import pytest

import perfkit as pk
from perfkit.lessons.lab.proxy import ProxyTargetUnavailable


@pytest.fixture
def echo_port() -> Iterator[int]:
    """A TCP echo server on 127.0.0.1; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    handlers: list[threading.Thread] = []

    def handle(connection: socket.socket) -> None:
        with connection:
            try:
                while data := connection.recv(65536):
                    connection.sendall(data)
            except OSError:
                pass

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            thread = threading.Thread(target=handle, args=(connection,), daemon=True)
            handlers.append(thread)
            thread.start()

    acceptor = threading.Thread(target=serve, daemon=True)
    acceptor.start()
    yield server.getsockname()[1]
    server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (close alone does not, on Linux)
    server.close()
    acceptor.join(timeout=5)


def _connect(proxy: pk.LatencyProxy) -> socket.socket:
    client = socket.create_connection((proxy.host, proxy.port), timeout=10)
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client


def _round_trip(client: socket.socket, message: bytes = b"ping") -> float:
    start = time.perf_counter()
    client.sendall(message)
    received = b""
    while len(received) < len(message):
        received += client.recv(65536)
    assert received == message
    return time.perf_counter() - start


def _proxy_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "perfkit-proxy"]


def test_bytes_arrive_intact_and_in_order(echo_port):
    payload = os.urandom(1 << 20)
    with pk.latency_proxy("127.0.0.1", echo_port, rtt=0.002) as proxy, _connect(proxy) as client:
        sender = threading.Thread(target=client.sendall, args=(payload,))
        sender.start()
        received = bytearray()
        while len(received) < len(payload):
            chunk = client.recv(1 << 16)
            assert chunk, "the proxy closed the connection early"
            received += chunk
        sender.join()
    assert bytes(received) == payload
    assert proxy.connections_served == 1


def test_each_round_trip_takes_at_least_rtt_longer(echo_port):
    rtt = 0.02
    with pk.latency_proxy("127.0.0.1", echo_port, rtt=rtt) as proxy, _connect(proxy) as client:
        first = _round_trip(client)
        later = [_round_trip(client) for _ in range(5)]
        proxy.rtt = 0.0
        undelayed = min(_round_trip(client) for _ in range(5))
    assert first >= 2 * rtt * 0.98  # the simulated TCP handshake adds a round trip of its own
    assert min(later) >= rtt * 0.98
    assert undelayed < min(later)


def test_chunks_are_pipelined_not_delayed_one_after_another(echo_port):
    rtt, messages = 0.05, 20
    with pk.latency_proxy("127.0.0.1", echo_port, rtt=rtt, handshake=False) as proxy, _connect(proxy) as client:
        _round_trip(client)
        start = time.perf_counter()
        received = b""
        for i in range(messages):  # sent apart, so that each is a chunk of its own
            client.sendall(b"%02d" % i)
            time.sleep(0.001)
        while len(received) < 2 * messages:
            received += client.recv(1024)
        elapsed = time.perf_counter() - start
    assert received == b"".join(b"%02d" % i for i in range(messages))
    assert rtt * 0.98 <= elapsed < messages * rtt / 2  # one after another would take messages x rtt


def test_no_thread_or_connection_is_left_after_stop_even_after_an_error(echo_port):
    before = set(threading.enumerate())
    with pytest.raises(ZeroDivisionError):
        with pk.latency_proxy("127.0.0.1", echo_port, rtt=0.001) as proxy:
            client = _connect(proxy)
            _round_trip(client)
            port = proxy.port
            1 / 0
    with client:
        client.settimeout(5)
        try:
            assert client.recv(10) == b""  # the proxy closed the connection
        except ConnectionResetError:
            pass
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()
            and not t.daemon or t.name == "perfkit-proxy"] == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert not proxy.running
    with pytest.raises(RuntimeError, match="not running"):
        proxy.port
    proxy.stop()  # a second stop does nothing


def test_a_closed_target_is_a_clear_error_on_start():
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]  # free once closed: nothing listens there
    with pytest.raises(ProxyTargetUnavailable, match=f"127.0.0.1:{port}") as info:
        pk.latency_proxy("127.0.0.1", port).start()
    assert isinstance(info.value, pk.PerfkitError) and isinstance(info.value, ConnectionError)
    assert not _proxy_threads()


def test_a_closed_target_without_check_resets_the_client_and_says_why():
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    with pk.latency_proxy("127.0.0.1", port, check=False) as proxy, _connect(proxy) as client:
        client.sendall(b"hello")
        try:
            assert client.recv(10) == b""
        except ConnectionResetError:
            pass
        deadline = time.monotonic() + 5
        while not proxy.errors and time.monotonic() < deadline:
            time.sleep(0.01)
    assert proxy.errors and f"127.0.0.1:{port}" in proxy.errors[0]


def test_url_for_points_a_url_through_the_proxy(echo_port):
    with pk.latency_proxy("127.0.0.1", echo_port, rtt=0) as proxy:
        url = proxy.url_for("postgresql+psycopg://user:pw@127.0.0.1:5432/test?sslmode=disable")
        assert url == f"postgresql+psycopg://user:pw@127.0.0.1:{proxy.port}/test?sslmode=disable"
        assert proxy.url_for("redis://localhost:6379/0") == f"redis://127.0.0.1:{proxy.port}/0"
        with pytest.raises(ValueError, match="scheme://"):
            proxy.url_for("localhost:5432")


@pytest.mark.parametrize("kwargs, message", [
    ({"rtt": -0.001}, "rtt must be"), ({"rtt": float("inf")}, "rtt must be"),
    ({"target_port": 0}, "target_port must be"), ({"target_host": ""}, "target_host must be"),
])
def test_bad_arguments_are_refused(kwargs, message):
    arguments = {"target_host": "127.0.0.1", "target_port": 5432, **kwargs}
    with pytest.raises(ValueError, match=message):
        pk.latency_proxy(arguments.pop("target_host"), arguments.pop("target_port"), **arguments)
