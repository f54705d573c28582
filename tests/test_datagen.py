"""Tests of perfkit.lessons.datagen: generated files are deterministic, seeded and of the asked size."""

from __future__ import annotations

import hashlib
import re

import pytest

from perfkit.lessons.datagen import write_log_file

LINE = re.compile(r"^2024-05-01T\d\d:\d\d:\d\d\.\d{3}Z (INFO|DEBUG|WARNING|ERROR) +/\S+/\d+ "
                  r"status=\d{3} latency_ms=\d+ agent=\"[^\"]+\"$")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = write_log_file(tmp_path / "a.log", size_mb=1, seed=3)
    b = write_log_file(tmp_path / "b.log", size_mb=1, seed=3)
    c = write_log_file(tmp_path / "c.log", size_mb=1, seed=4)
    assert digest(a) == digest(b)
    assert digest(a) != digest(c)


def test_size_is_met_within_one_line_and_ends_on_a_line(tmp_path):
    for size_mb in (0.25, 3):
        path = write_log_file(tmp_path / f"{size_mb}.log", size_mb=size_mb)
        target = int(size_mb * 2**20)
        data = path.read_bytes()
        assert target - 200 < len(data) <= target
        assert data.endswith(b"\n")


def test_lines_are_well_formed_and_levels_vary(tmp_path):
    path = write_log_file(tmp_path / "x.log", size_mb=0.5, seed=1)
    lines = path.read_text().splitlines()
    assert len(lines) > 2_000
    assert all(LINE.match(line) for line in lines)
    levels = {line.split()[1] for line in lines}
    assert levels == {"INFO", "DEBUG", "WARNING", "ERROR"}
    stamps = [line[:24] for line in lines]
    assert stamps == sorted(stamps)


def test_a_smaller_file_is_the_start_of_a_larger_one(tmp_path):
    small = write_log_file(tmp_path / "s.log", size_mb=0.1, seed=9).read_bytes()
    large = write_log_file(tmp_path / "l.log", size_mb=1, seed=9).read_bytes()
    assert large.startswith(small)


def test_bad_arguments_raise(tmp_path):
    with pytest.raises(ValueError, match="size_mb must be"):
        write_log_file(tmp_path / "x.log", size_mb=0)
    with pytest.raises(TypeError, match="size_mb must be a number of MiB > 0, got str '1'"):
        write_log_file(tmp_path / "x.log", size_mb="1")
    with pytest.raises(TypeError, match="seed must be an int"):
        write_log_file(tmp_path / "x.log", seed="a")
