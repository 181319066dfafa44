"""The SSRF guard for webhook URLs (SPEC section 11).

In production an endpoint URL must be `https` and its host must resolve only to public addresses:
not loopback, private, link-local, shared (CGNAT), reserved or multicast, and not a cloud
metadata address. The check runs when an endpoint is created or edited, and again for every
connection the sender opens (the sender connects to the very address it checked, so a DNS answer
that changes between check and connect, "DNS rebinding", reaches nothing private).

`WEBHOOK_ALLOW_PRIVATE_URLS=1` (development, tests, on-premises receivers) allows `http` and
private addresses; the metadata addresses stay refused even then.

The check at create and edit waits at most RESOLVE_SECONDS for DNS: a resolver that drops a query
makes the C library wait five seconds before it asks again, and a request must not wait for that.
A host without an answer in time is treated as one that does not resolve yet: accepted, and
checked at every send.
"""

import ipaddress
import os
import socket
import threading
from concurrent import futures
from urllib.parse import urlsplit

from django.conf import settings

MAX_URL_LENGTH = 2048
RESOLVE_SECONDS = 2.0
RESOLVE_THREADS = 4
# AWS/GCP/Azure/OpenStack (169.254.169.254), AWS IPv6 (fd00:ec2::254), Alibaba (100.100.100.200).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254",
                                                                  "100.100.100.200"))


class BlockedAddress(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_URLS", False))


def address_refusal(address: str) -> str | None:
    """Why webhooks may not reach `address`, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if allow_private() or ip.is_global:
        return None
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    return "not a public address"


_resolvers: dict[int, futures.ThreadPoolExecutor] = {}
_resolvers_lock = threading.Lock()


def _resolver() -> futures.ThreadPoolExecutor:
    """This process's threads for bounded lookups (made on first use; a forked child makes its own)."""
    with _resolvers_lock:
        pid = os.getpid()
        if pid not in _resolvers:
            _resolvers.clear()
            _resolvers[pid] = futures.ThreadPoolExecutor(max_workers=RESOLVE_THREADS, thread_name_prefix="url-dns")
        return _resolvers[pid]


def resolve(host: str, port: int, timeout: float | None = None) -> list[str]:
    """Every address `host` resolves to (a literal address is itself). With `timeout`, OSError when
    DNS has not answered in that many seconds (the lookup finishes on its own thread)."""
    try:
        return [ipaddress.ip_address(host.strip("[]")).compressed]
    except ValueError:
        pass
    if timeout is None:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    else:
        lookup = _resolver().submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        try:
            infos = lookup.result(timeout=timeout)
        except futures.TimeoutError:
            raise OSError(f"no answer from DNS within {timeout:g} s") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_addresses(host: str, port: int, timeout: float | None = None) -> list[str]:
    """The addresses to connect to; BlockedAddress if any address `host` has is refused (or, with
    `timeout`, if DNS has not answered in time: "does not resolve")."""
    try:
        addresses = resolve(host, port, timeout)
    except (OSError, UnicodeError) as exc:
        raise BlockedAddress(f"{host} does not resolve") from exc
    for address in addresses:
        reason = address_refusal(address)
        if reason:
            raise BlockedAddress(f"{host} resolves to {reason}")
    return addresses


def url_problem(url: str) -> str | None:
    """What is wrong with `url` as an endpoint URL, or None. A host that does not resolve (yet) is
    accepted: it is checked again at every send."""
    if len(url) > MAX_URL_LENGTH:
        return f"At most {MAX_URL_LENGTH} characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Not a valid URL."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Must be an absolute https URL."
    if parts.scheme != "https" and not allow_private():
        return "Must use https."
    if parts.username or parts.password:
        return "Must not carry a user name or password."
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "Must not contain spaces or control characters."
    host = parts.hostname
    if not allow_private() and (host == "localhost" or host.endswith((".localhost", ".local", ".internal"))):
        return "Must not point at this machine or a private network."
    try:
        checked_addresses(host, port or (443 if parts.scheme == "https" else 80), RESOLVE_SECONDS)
    except BlockedAddress as exc:
        if "does not resolve" in str(exc):
            return None
        return f"Must not point at {str(exc).split(' resolves to ', 1)[-1]}."
    return None
