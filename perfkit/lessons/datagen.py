"""Generated inputs for the notebooks: deterministic, seeded, written to a path the caller owns.

Nothing generated here is committed: a notebook writes it into a temporary directory and
removes the directory when it is done.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..engine.checks import check_int, check_number

LEVELS = ["INFO", "INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARNING", "ERROR"]
ROUTES = ["/api/items", "/api/users", "/api/orders", "/api/search", "/health", "/login"]
STATUSES = [200, 200, 200, 200, 201, 304, 404, 500]
AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "python-httpx/0.27.0",
    "curl/8.7.1",
]
_LINES_PER_CHUNK = 20_000


def _chunk(rng: np.random.Generator, start_ms: int) -> tuple[str, int]:
    """`_LINES_PER_CHUNK` log lines as one string, and the timestamp (ms) after the last."""
    k = _LINES_PER_CHUNK
    stamps = start_ms + np.cumsum(rng.integers(0, 40, k))
    level = rng.integers(0, len(LEVELS), k).tolist()
    route = rng.integers(0, len(ROUTES), k).tolist()
    item = rng.integers(1, 100_000, k).tolist()
    status = rng.integers(0, len(STATUSES), k).tolist()
    latency = rng.gamma(2.0, 25.0, k).astype(np.int64).tolist()
    agent = rng.integers(0, len(AGENTS), k).tolist()
    ms = (stamps % 1000).tolist()
    secs = stamps // 1000
    sec, mins, hours = (secs % 60).tolist(), (secs // 60 % 60).tolist(), (secs // 3600 % 24).tolist()
    text = "".join(
        f"2024-05-01T{h:02d}:{m:02d}:{s:02d}.{f:03d}Z {LEVELS[lv]:<7} {ROUTES[r]}/{i} "
        f"status={STATUSES[st]} latency_ms={lat} agent=\"{AGENTS[a]}\"\n"
        for h, m, s, f, lv, r, i, st, lat, a in zip(hours, mins, sec, ms, level, route, item, status, latency,
                                                   agent)
    )
    return text, int(stamps[-1])


def write_log_file(path: str | os.PathLike[str], size_mb: float = 20.0, seed: int = 0) -> Path:
    """Write a web-server-like log of about `size_mb` MiB to `path`; the same seed, the same bytes.

    Each line reads like
    `2024-05-01T00:00:00.017Z INFO    /api/items/4711 status=200 latency_ms=38 agent="curl/8.7.1"`,
    about 130 bytes on average.
    The file ends on a whole line and is at most `size_mb` MiB, short of it by less than a line.

    Args:
        path: the file to write (overwritten if it exists); its directory must exist.
        size_mb: the size in MiB (2**20 bytes), a number > 0.
        seed: seeds every random field, so the file is reproducible.

    Returns:
        The path written, as a Path.
    """
    check_number(size_mb, "size_mb", low=0, low_open=True, unit="MiB")
    check_int(seed, "seed")
    path = Path(path)
    target = int(size_mb * 2**20)
    rng = np.random.default_rng(seed)
    written, clock = 0, 0
    # ASCII and "\n" only, so characters and bytes agree and the size is the same on every OS
    with open(path, "w", encoding="ascii", newline="\n") as f:
        while written < target:
            text, clock = _chunk(rng, clock)
            room = target - written
            if len(text) > room:
                text = text[: text.rfind("\n", 0, room) + 1]
                if not text:
                    break
            f.write(text)
            written += len(text)
    return path
