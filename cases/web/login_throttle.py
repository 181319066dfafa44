"""Login throttling for the back office and the admin (SPEC section 9).

Failed sign-ins are counted per (username, client address) in the cache, in a fixed window that
starts at the first failure. Past `settings.LOGIN_THROTTLE` ("10/15m": 10 failures in 15 minutes)
every attempt for that pair is refused, the right password included, until the window ends.
The client address is REMOTE_ADDR: a proxy in front must set it (X-Forwarded-For is not trusted).
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/15m' -> (10 failures, 900 seconds). A bad setting is a configuration error."""
    match = _RATE.match(rate or "")
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"LOGIN_THROTTLE must look like '10/15m', not {rate!r}.")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNIT_SECONDS[unit]


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _key(username: str, address: str) -> str:
    # Hashed: usernames typed at a login form may hold anything, cache keys may not.
    digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def seconds_locked(username: str, address: str) -> int:
    """How long this pair is still refused; 0 when it may try."""
    limit, window = parse_rate(settings.LOGIN_THROTTLE)
    key = _key(username, address)
    if (cache.get(key) or 0) < limit:
        return 0
    started = cache.get(f"{key}:since") or time.time()
    return max(1, int(window - (time.time() - started)))


def record_failure(username: str, address: str) -> None:
    _, window = parse_rate(settings.LOGIN_THROTTLE)
    key = _key(username, address)
    cache.add(f"{key}:since", time.time(), window)
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: this failure opens a new window
        cache.set(key, 1, window)


def reset(username: str, address: str) -> None:
    key = _key(username, address)
    cache.delete_many([key, f"{key}:since"])
