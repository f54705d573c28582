"""Tests of perfkit.lessons.logdata: seeded log lines that name users."""

from __future__ import annotations

import re

import pytest

from perfkit.lessons.logdata import make_log_lines, make_users

LINE = re.compile(r"2024-05-06T(?P<hour>\d\d):\d\d:\d\dZ (?P<level>[A-Z]+) user=(?P<user>\S+) "
                  r"(?P<method>[A-Z]+) (?P<path>/\S*) (?P<status>\d{3}) (?P<ms>\d+)ms")


def test_users_are_distinct_seeded_and_a_longer_list_starts_with_a_shorter_one():
    users = make_users(2_000)
    assert len(users) == len(set(users)) == 2_000
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+\d{1,2}", u) for u in users)
    assert make_users(2_000) == users
    assert make_users(300) == users[:300]
    assert make_users(300, seed=1) != users[:300]
    assert make_users(0) == []


def test_log_lines_parse_and_name_known_users_except_the_unknown_share():
    users = make_users(500)
    lines = make_log_lines(20_000, users, unknown_share=0.1, seed=3)
    assert len(lines) == 20_000
    matches = [LINE.fullmatch(line) for line in lines]
    assert all(matches)
    known = set(users)
    unknown = sum(m["user"] not in known for m in matches)
    assert 0.08 < unknown / len(lines) < 0.12
    assert all(re.fullmatch(r"(bot|guest)-\d+", m["user"]) for m in matches if m["user"] not in known)
    hours = [m["hour"] for m in matches]
    assert hours == sorted(hours) and hours[0] == "00" and hours[-1] == "23"
    assert len({m["user"] for m in matches if m["user"] in known}) > 450  # users drawn across the list


def test_log_lines_are_reproducible_per_seed():
    users = make_users(50)
    assert make_log_lines(1_000, users, seed=7) == make_log_lines(1_000, users, seed=7)
    assert make_log_lines(1_000, users, seed=7) != make_log_lines(1_000, users, seed=8)
    assert make_log_lines(0, users) == []
    assert all("user=" in line and "bot-" not in line and "guest-" not in line
               for line in make_log_lines(500, users, unknown_share=0))


@pytest.mark.parametrize("call, error, message", [
    (lambda: make_users(-1), ValueError, r"n must be an int in \[0, 84,000\] \(the distinct names there are\), got -1"),
    (lambda: make_users(10**6), ValueError, "distinct names"),
    (lambda: make_users(2.5), TypeError, "n must be an int"),
    (lambda: make_log_lines(10, "alice"), TypeError, "single string"),
    (lambda: make_log_lines(10, []), ValueError, "users is empty"),
    (lambda: make_log_lines(-1, ["a"]), ValueError, "n must be an int >= 0, got -1"),
    (lambda: make_log_lines(10, ["a"], unknown_share="5%"), TypeError, "unknown_share must be a number"),
    (lambda: make_log_lines(10, ["a"], unknown_share=1.5), ValueError, "unknown_share"),
    (lambda: make_log_lines(10, ["a"], seed="x"), TypeError, "seed must be an int"),
])
def test_bad_arguments_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
