"""The SSRF guard for webhook URLs (SPEC section 11).

In production an endpoint URL must be `https` and its host must resolve only to public addresses:
not loopback, private, link-local, shared (CGNAT), reserved or multicast, and not a cloud
metadata address. The check runs when an endpoint is created or edited, and again for every
connection the sender opens (the sender connects to the very address it checked, so a DNS answer
that changes between check and connect, "DNS rebinding", reaches nothing private).

`WEBHOOK_ALLOW_PRIVATE_URLS=1` (development, tests, on-premises receivers) allows `http` and
private addresses; the metadata addresses stay refused even then.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

MAX_URL_LENGTH = 2048
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


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal address is itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]")).compressed]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to; BlockedAddress if any address `host` has is refused."""
    try:
        addresses = resolve(host, port)
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
        checked_addresses(host, port or (443 if parts.scheme == "https" else 80))
    except BlockedAddress as exc:
        if "does not resolve" in str(exc):
            return None
        return f"Must not point at {str(exc).split(' resolves to ', 1)[-1]}."
    return None
