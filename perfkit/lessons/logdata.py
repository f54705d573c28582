"""Web-server log lines that name a user, generated in memory: seeded, the same on every machine.

    users = make_users(1_000)                 # 1,000 distinct names, e.g. "maria.okafor7"
    lines = make_log_lines(200_000, users)    # one request per line, a few from unknown clients

A line reads `2024-05-06T14:03:27Z INFO user=maria.okafor7 GET /api/orders 200 41ms`.
"""

from __future__ import annotations

import random
from typing import Sequence

import numpy as np

from ..engine.checks import check_int, check_number

FIRST_NAMES = ["maria", "james", "wei", "fatima", "olga", "juan", "aiko", "noah", "amara", "lars",
               "priya", "omar", "sofia", "kofi", "elena", "david", "mei", "ivan", "lucia", "tariq",
               "anna", "hugo", "zara", "liam", "nadia", "pedro", "yuki", "samir", "ines", "tom"]
LAST_NAMES = ["okafor", "smith", "chen", "haddad", "petrova", "garcia", "tanaka", "muller", "silva",
              "nguyen", "kowalski", "rossi", "kim", "mensah", "jensen", "dubois", "patel", "novak",
              "costa", "ali", "berg", "moreau", "sato", "ivanova", "lopez", "brown", "khan", "weber"]
LEVELS = ["INFO"] * 6 + ["DEBUG", "WARNING"]
REQUESTS = ["GET /api/orders", "GET /api/items", "POST /api/orders", "GET /api/search",
            "GET /api/users/me", "PUT /api/cart", "GET /health", "POST /login"]
STATUSES = [200] * 12 + [201, 204, 304, 400, 401, 404, 500]


def make_users(n: int, seed: int = 0) -> list[str]:
    """`n` distinct user names such as "maria.okafor7", in a seeded random order.

    Names are drawn one by one, so with the same seed a longer list starts with a shorter one:
    `make_users(100) == make_users(1_000)[:100]`.

    Args:
        n: how many names, an int >= 0 (at most 84,000, the number of distinct names).
        seed: seeds the draw.

    Raises:
        TypeError: `n` or `seed` is not an int.
        ValueError: `n` is negative or more than the distinct names there are.
    """
    most = len(FIRST_NAMES) * len(LAST_NAMES) * 100
    check_int(n, "n", low=0, high=most, hint="(the distinct names there are)")
    check_int(seed, "seed")
    rng = random.Random(seed)
    names: dict[str, None] = {}  # a dict keeps the order of the draws
    while len(names) < n:
        names[f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}{rng.randrange(100)}"] = None
    return list(names)


def make_log_lines(n: int, users: Sequence[str], unknown_share: float = 0.05, seed: int = 0,
                   date: str = "2024-05-06") -> list[str]:
    """`n` log lines, one request each, in time order over one day.

    Each line names a user drawn uniformly from `users`; a share `unknown_share` of the lines
    comes instead from clients that are not in `users` ("bot-1234", "guest-567").

    Args:
        n: how many lines, an int >= 0.
        users: the user names the lines draw from (not empty unless `unknown_share` is 1).
        unknown_share: the share of lines from unknown clients, in [0, 1].
        seed: seeds every random field, so the same arguments give the same lines.
        date: the day every timestamp falls on, "YYYY-MM-DD".

    Raises:
        TypeError: `n` or `seed` is not an int, or `users` is a single string.
        ValueError: `n` is negative, `unknown_share` is outside [0, 1], or `users` is empty.
    """
    check_int(n, "n", low=0)
    check_int(seed, "seed")
    if isinstance(users, (str, bytes)):
        raise TypeError("users must be a sequence of names, got a single string")
    check_number(unknown_share, "unknown_share", low=0, high=1)
    if not users and unknown_share < 1:
        raise ValueError("users is empty: give at least one name, or unknown_share=1")
    rng = np.random.default_rng(seed)
    seconds = np.sort(rng.integers(0, 24 * 3600, n)).tolist()
    who = rng.integers(0, max(len(users), 1), n).tolist()
    unknown = (rng.random(n) < unknown_share).tolist()
    client = rng.integers(1, 10_000, n).tolist()
    level = rng.integers(0, len(LEVELS), n).tolist()
    request = rng.integers(0, len(REQUESTS), n).tolist()
    status = rng.integers(0, len(STATUSES), n).tolist()
    millis = (rng.gamma(2.0, 30.0, n).astype(np.int64) + 1).tolist()
    return [f"{date}T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z {LEVELS[lv]} "
            f"user={(('bot-' if c % 3 else 'guest-') + str(c)) if u else users[w]} "
            f"{REQUESTS[rq]} {STATUSES[st]} {ms}ms"
            for s, w, u, c, lv, rq, st, ms in zip(seconds, who, unknown, client, level, request, status, millis)]

