"""The HTTP side of a webhook attempt (SPEC section 11): one POST, 15 s at most, no redirects.

Connections go through `GuardedBackend`, which resolves the host, refuses it when any address is
private (cases/webhooks/urlguard.py) and connects to the address it checked, so a DNS answer that
changes after the check cannot point the request inside the network. TLS still verifies the
certificate against the host name. Redirects are not followed (a 3xx is a failed attempt): a
redirect could lead anywhere. One connection pool per worker process keeps connections alive.
"""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpcore

from cases.webhooks import urlguard

TIMEOUT_SECONDS = 15.0  # Svix: a 2xx within 15 s counts (REFERENCE section 7)
EXCERPT_BYTES = 1024
USER_AGENT = "Disputes-Webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    excerpt: str = ""
    error: str = ""
    retry_after: float | None = None  # seconds, from a 429/503 answer's Retry-After

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class GuardedBackend(httpcore.SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = urlguard.checked_addresses(host, port)
        failure = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure


_pool: httpcore.ConnectionPool | None = None
_pool_lock = threading.Lock()


def pool() -> httpcore.ConnectionPool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = httpcore.ConnectionPool(max_connections=100, keepalive_expiry=30.0,
                                            network_backend=GuardedBackend())
        return _pool


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 10**7))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _excerpt(data: bytes) -> str:
    return data[:EXCERPT_BYTES].decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def post(url: str, headers: dict[str, str], body: bytes) -> Outcome:
    started = time.monotonic()
    timeouts = {"connect": TIMEOUT_SECONDS, "read": TIMEOUT_SECONDS, "write": TIMEOUT_SECONDS,
                "pool": TIMEOUT_SECONDS}
    request_headers = [("content-type", "application/json"), ("user-agent", USER_AGENT), *headers.items()]

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with pool().stream("POST", url, headers=request_headers, content=body,
                           extensions={"timeout": timeouts}) as response:
            received = b""
            for chunk in response.iter_stream():
                received += chunk
                if len(received) >= EXCERPT_BYTES or time.monotonic() - started > TIMEOUT_SECONDS:
                    break
            status = response.status
            retry_after = None
            if status in (429, 503):
                retry_after = retry_after_seconds(dict(
                    (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers).get("retry-after"))
    except urlguard.BlockedAddress as exc:
        return Outcome(None, elapsed_ms(), error=f"refused: {exc}"[:200])
    except httpcore.TimeoutException:
        return Outcome(None, elapsed_ms(), error=f"no answer within {TIMEOUT_SECONDS:.0f} s")
    except httpcore.RemoteProtocolError:
        return Outcome(None, elapsed_ms(), error="the receiver closed the connection")
    except httpcore.ConnectError as exc:
        return Outcome(None, elapsed_ms(), error=f"cannot connect ({exc.__class__.__name__})")
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
        return Outcome(None, elapsed_ms(), error=f"network error ({exc.__class__.__name__})")
    if time.monotonic() - started > TIMEOUT_SECONDS:
        return Outcome(None, elapsed_ms(), error=f"no answer within {TIMEOUT_SECONDS:.0f} s")
    return Outcome(status, elapsed_ms(), excerpt=_excerpt(received), retry_after=retry_after)
