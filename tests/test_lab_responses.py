"""Tests for the responses lesson: responses_app, wire (fetch, server_usage), compression and endpoints.

Against the real service only what holds on any machine (bytes, headers, which variant answers
what, memory an order of magnitude apart); the statistics and verdicts on made-up results.
"""

from __future__ import annotations

import json
import math
import zlib

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("orjson")
pytest.importorskip("psutil")

import perfkit as pk  # noqa: E402
from perfkit.lessons.lab import responses_app as app_module  # noqa: E402
from perfkit.lessons.lab.compression import Compression, gzip_in_process, wire_sizes  # noqa: E402
from perfkit.lessons.lab.endpoints import EndpointComparison, compare_endpoints  # noqa: E402
from perfkit.lessons.lab.loadresult import LoadResult  # noqa: E402
from perfkit.lessons.lab.wire import fetch, server_cpu_per_request, server_usage  # noqa: E402

APP = "perfkit.lessons.lab.responses_app:responses_app"


@pytest.fixture(scope="module")
def svc():
    with pk.serve(APP, factory=True) as service:
        yield service


# --- the app ----------------------------------------------------------------------------------

def test_records_and_tokens_are_seeded_and_sized():
    assert app_module.records(5) == app_module.records(5, seed=0) and len(app_module.records(5)) == 5
    assert app_module.records(3, seed=1) != app_module.records(3, seed=0)
    assert all(len(t) == 32 and int(t, 16) >= 0 for t in app_module.tokens(10))
    rows = list(app_module.user_rows(3))
    assert app_module.csv_line(rows[0]) == "0,Ada Adason,user0@example.com,2024-01-01\n"


def test_json_app_refuses_an_unknown_cache_order():
    with pytest.raises(ValueError, match="cache must be None, 'after-gzip'"):
        app_module.json_app(cache="inside")


def test_every_json_variant_sends_the_same_records(svc):
    paths = ["items", "items/model", "items/compact", "items/orjson", "items/orjson-direct"]
    bodies = [fetch(f"{svc.url}/plain/{p}?n=20").json() for p in paths]
    assert all(b == bodies[0] for b in bodies) and len(bodies[0]) == 20
    assert bodies[0][0]["created_at"] == app_module.records(20)[0]["created_at"].isoformat()


def test_a_request_out_of_range_is_refused(svc):
    assert fetch(f"{svc.url}/plain/items?n=-1").status == 400
    assert fetch(f"{svc.url}/export/stream?n=10&rows_per_chunk=0").status == 400


def test_gzip_mount_compresses_only_what_is_asked_and_large_enough(svc):
    big = fetch(svc.url + "/gzip/items?n=100", gzip=True)
    assert big.encoding == "gzip" and big.wire_bytes < len(big.body) / 3
    assert fetch(svc.url + "/gzip/items?n=100").encoding == "identity"  # not accepted: not compressed
    small = fetch(svc.url + "/gzip/items?n=1", gzip=True)  # 164 bytes, under minimum_size=1000
    assert small.encoding == "identity" and small.wire_bytes == len(small.body)


def test_a_cache_after_gzip_replays_gzip_bytes_without_their_header(svc):
    url = svc.url + "/cache-after-gzip/items?n=50"
    assert fetch(url, gzip=True).encoding == "gzip"
    second = fetch(url, gzip=True)
    assert second.encoding == "identity" and second.body[:2] == b"\x1f\x8b"
    with pytest.raises(ValueError):
        second.json()
    assert len(json.loads(zlib.decompress(second.body, wbits=31))) == 50  # gzip of the JSON, undeclared


@pytest.mark.parametrize("mount", ["cache-before-gzip", "cache-by-encoding"])
def test_the_fixed_caches_answer_every_client_readably(svc, mount):
    url = f"{svc.url}/{mount}/items?n=50"
    for gzip in (True, True, False, False, True):
        got = fetch(url, gzip=gzip)
        assert got.encoding == ("gzip" if gzip else "identity") and len(got.json()) == 50


def test_streaming_and_whole_exports_send_the_same_csv(svc):
    whole = fetch(svc.url + "/export/whole?n=2500")
    chunked = fetch(svc.url + "/export/stream?n=2500&rows_per_chunk=1000")
    assert whole.body == chunked.body and whole.body.count(b"\n") == 2501
    assert chunked.headers.get("transfer-encoding") == "chunked"


# --- wire: fetch, server_usage, server_cpu_per_request -----------------------------------------

def test_fetch_times_are_ordered_and_a_slow_link_is_slow(svc):
    fast = fetch(svc.url + "/plain/items?n=100")
    assert 0 < fast.first_byte <= fast.first_body <= fast.total
    slow = fetch(svc.url + "/plain/items?n=100", bandwidth=100_000)  # ~14.6 KB at 100 KB/s
    assert slow.total >= 0.9 * slow.wire_bytes / 100_000 and slow.body == fast.body


@pytest.mark.parametrize("kwargs, match", [({"bandwidth": 0}, "bandwidth"), ({"timeout": -1}, "timeout")])
def test_fetch_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fetch("http://127.0.0.1:1/", **kwargs)
    with pytest.raises(ValueError, match="http://"):
        fetch("https://example.com/")


def test_server_usage_sees_a_whole_body_peak_that_streaming_does_not_have(svc):
    with server_usage(svc) as whole:
        fetch(svc.url + "/export/whole?n=200000")
    with server_usage(svc) as streamed:
        fetch(svc.url + "/export/stream?n=200000")
    assert whole.cpu > 0 and whole.peak_growth > 20 * 2**20  # ~11 MB of CSV, held twice and more
    assert streamed.peak_growth < whole.peak_growth / 10
    assert "peak growth" in repr(whole)


def test_server_usage_and_cpu_per_request_want_a_running_service(svc):
    with pytest.raises(ValueError, match="running Service"):
        server_usage(object())
    with pytest.raises(ValueError, match="n must be"):
        server_cpu_per_request(svc, svc.url + "/plain/items", n=0)
    cpu = server_cpu_per_request(svc, svc.url + "/plain/items?n=300", n=40, repeats=2)
    assert cpu.unit == "s" and 1e-5 < cpu.value < 0.5


# --- Compression ------------------------------------------------------------------------------

def test_wire_sizes_counts_bytes_and_judges_them(svc):
    sizes = wire_sizes(svc.url + "/gzip/items?n={n}", [1, 100], level=6, minimum_size=1000, unit="record")
    assert sizes.labels == ["1 record", "100 records"]
    plain, sent = sizes["100 records"]
    assert plain > 10_000 and sent < plain / 3 and sizes.saved("100 records") == pytest.approx(1 - sent / plain)
    assert sizes["1 record"][0] == sizes["1 record"][1]
    v = sizes.verdict("100 records", by=3.33, claim="api.gzip-70-90")
    assert v.holds and v.claim == "api.gzip-70-90" and v.relation == "smaller"
    with pytest.raises(ValueError, match="\\{n\\}"):
        wire_sizes(svc.url + "/gzip/items", [1])
    with pytest.raises(KeyError, match="not among"):
        sizes["2 records"]


def test_gzip_in_process_runs_starlettes_middleware_and_times_it():
    body = json.dumps(app_module.records(200), default=str).encode()
    c = gzip_in_process({"small": b"x" * 50, "json": body}, level=1, minimum_size=100, budget=0.02)
    assert c["small"] == (50, 50) and c["json"][1] < len(body) / 3  # under minimum_size: as is
    assert len(c.seconds) == 2 and c.seconds[1].value > 0 and c.identity_seconds[1].value > 0
    assert gzip_in_process({"json": body}, level=9, time=False)["json"][1] <= c["json"][1]
    with pytest.raises(ValueError, match="level"):
        gzip_in_process({"json": body}, level=10)
    with pytest.raises(TypeError, match="must be bytes"):
        gzip_in_process({"json": "text"})
    with pytest.raises(ValueError, match="at least one"):
        gzip_in_process({})


def test_compression_saves_loads_and_draws(tmp_path):
    c = Compression(["a", "b"], [1000, 100_000], [1000, 12_000], 6, 1000, "service")
    c.save(tmp_path / "c.json")
    back = pk.load(tmp_path / "c.json")
    assert back.gzip_bytes == c.gzip_bytes and back.ratio("b").value == pytest.approx(100_000 / 12_000)
    assert back.plot().get_yscale() == "log"
    with pytest.raises(ValueError, match="no times"):
        back.plot(what="time")
    with pytest.raises(ValueError, match="equal length"):
        Compression(["a"], [1, 2], [1])


# --- EndpointComparison -----------------------------------------------------------------------

def _load(latency: float, n: int = 50, rounds: int = 3) -> LoadResult:
    runs = []
    for k in range(rounds):
        due = np.arange(n) * 0.01
        lat = np.full(n, latency * (1 + 0.01 * k))
        runs.append({"due": due, "start": due, "end": due + lat, "status": [200] * n, "error": [""] * n,
                     "elapsed": 0.5, "cpu": 0.1, "waits": 0})
    return LoadResult(["GET http://127.0.0.1:1/x"], "closed", None, 4, 0.5, runs)


def _made_up() -> EndpointComparison:
    return EndpointComparison({"fast": "/f", "slow": "/s"}, {"fast": _load(0.001), "slow": _load(0.010)},
                              {"fast": [0.0010, 0.0011, 0.0012], "slow": [0.010, 0.011, 0.012]},
                              {"fast": [0.001] * 3, "slow": [0.02] * 3})


def test_endpoint_verdicts_on_made_up_rounds():
    e = _made_up()
    assert e.cpu["fast"].value == pytest.approx(0.0011)
    assert e.ratio("fast", "slow", on="cpu").value == pytest.approx(10.0)
    assert e.verdict("fast", faster_than="slow", by=5).holds
    assert e.verdict("fast", faster_than="slow", by=5, on="p50").holds
    assert e.verdict("slow", faster_than="fast").status == "refuted"
    with pytest.raises(ValueError, match="on must be one of"):
        e.ratio("fast", "slow", on="p75")
    with pytest.raises(KeyError, match="not among"):
        e.verdict("fats", faster_than="slow")
    assert "loop blocked" in repr(e) and "server CPU per request" in e._repr_html_()


def test_endpoint_comparison_saves_loads_and_draws(tmp_path):
    e = _made_up()
    e.save(tmp_path / "e.json")
    back = pk.load(tmp_path / "e.json")
    assert back.cpu_samples == e.cpu_samples and back.lag["slow"].value == pytest.approx(0.02)
    for what in ("cpu", "throughput", "p50", "lag"):
        assert back.plot(what=what).get_title()
    with pytest.raises(ValueError, match="what must be"):
        back.plot(what="memory")


def test_compare_endpoints_against_the_service(svc):
    calls = []
    e = compare_endpoints(svc, {"dicts": "/plain/items?n=300", "orjson": "/plain/items/orjson-direct?n=300"},
                          concurrency=2, duration=0.15, rounds=3, before={"dicts": lambda: calls.append(1)},
                          after=lambda: calls.append(2), lag=lambda: 0.0)
    assert set(e.names) == {"dicts", "orjson"} and len(e["dicts"].runs) == 3 and not e["orjson"].errors
    assert calls.count(1) == 4 and calls.count(2) == 8  # the warm-up round too
    assert e.verdict("orjson", faster_than="dicts", on="cpu").status != "refuted"  # jsonable_encoder is slow
    assert pk.compare_endpoints is compare_endpoints


@pytest.mark.parametrize("kwargs, match", [
    ({"paths": {}}, "at least one"), ({"paths": {"x": "items"}}, "starting with '/'"),
    ({"paths": {"x": "/"}, "rounds": 0}, "rounds"),
    ({"paths": {"x": "/"}, "before": {"y": print}}, "not in paths"),
])
def test_compare_endpoints_refuses_bad_arguments(svc, kwargs, match):
    options = {"concurrency": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        compare_endpoints(svc, **options)


def test_transfers_chart_names_each_response(svc):
    from perfkit.display.plots import plot_transfers

    got = {"a": fetch(svc.url + "/plain/items?n=10"), "b": fetch(svc.url + "/export/stream?n=100")}
    ax = plot_transfers(got, memory={"a": 4096})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    with pytest.raises(ValueError, match="at least one"):
        plot_transfers({})
    assert math.isfinite(got["b"].first_body)
