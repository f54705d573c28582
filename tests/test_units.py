from perfkit.engine.units import format_bytes, format_ratio, format_seconds, format_value


def test_seconds_pick_the_readable_unit():
    assert format_seconds(2.5e-8) == "25.0 ns"
    assert format_seconds(4.2e-5) == "42.0 µs"
    assert format_seconds(0.0123) == "12.3 ms"
    assert format_seconds(2.0) == "2.00 s"


def test_bytes_are_binary_units():
    assert format_bytes(56) == "56 B"
    assert format_bytes(1536) == "1.50 KiB"
    assert format_bytes(3 * 2**20) == "3.00 MiB"


def test_ratio_and_other_units():
    assert format_ratio(2134.5) == "2,134x"
    assert format_ratio(1.234) == "1.23x"
    assert format_value(0.98, "slope") == "0.980 slope"


def test_rates_are_whole_requests_per_second_from_ten_up():
    assert format_value(1234.5, "req/s") == "1,234 req/s"
    assert format_value(50.0, "req/s") == "50 req/s"
    assert format_value(2.5, "req/s") == "2.50 req/s"
