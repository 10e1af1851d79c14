"""The fetcher's rules: what may be fetched, from where, and how failures are named.

Kept apart from the fetcher itself (fetch.py) so the policy — errors, limits,
the SSRF address checks — can be read on its own.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..errors import FetchError

PROJECT_URL = "https://github.com/newsdesk/newsdesk"
DEFAULT_USER_AGENT = f"newsdesk/{__version__} (+{PROJECT_URL})"

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
    "text/plain",  # many servers label feeds and sitemaps so; the parser decides
    "application/x-gzip",
    "application/gzip",
    "application/octet-stream",
)
IMAGE_TYPES = ("image/*",)

#: Cloud metadata endpoints: named even though the ranges cover them, so the refusal says why.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt is not used for longer than a day
_ROBOTS_RETRY = 600.0
_ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB
_CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


class FetchErrorWithURL(FetchError):
    """Base of the fetcher's errors: ``url`` is the URL that failed, always in the message."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class FetchRefused(FetchErrorWithURL):
    """Policy refused the URL before any connection was made."""


class BlockedAddress(FetchRefused):
    """The host resolves to an address the SSRF guard does not allow."""


class RobotsDisallowed(FetchRefused):
    """robots.txt disallows this URL for our user agent."""


class BadURL(FetchRefused):
    """Not an http(s) URL newsdesk will fetch."""


class FetchTimeout(FetchErrorWithURL):
    """A connect/read timeout, or the whole response took too long."""


class FetchConnectError(FetchErrorWithURL):
    """The host could not be resolved or reached."""


class HTTPStatusError(FetchErrorWithURL):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int, retry_after: float | None = None):
        self.status = status
        self.retry_after = retry_after
        super().__init__(url, f"HTTP {status}")


class TooManyRedirects(FetchErrorWithURL):
    """Too many redirect hops, or a redirect loop."""


class BodyTooLarge(FetchErrorWithURL):
    """The body is over the limit (declared, or counted while decoding)."""


class BadContent(FetchErrorWithURL):
    """The body is not what was asked for (content type) or cannot be decoded."""


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    domain_concurrency: int = 2
    domain_delay: float = 1.0
    ignore_robots: bool = False
    allow_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> FetchPolicy:
        return cls(
            user_agent=settings.fetch_user_agent or DEFAULT_USER_AGENT,
            connect_timeout=settings.fetch_connect_timeout,
            read_timeout=settings.fetch_read_timeout,
            total_timeout=settings.fetch_total_timeout,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            retries=settings.fetch_retries,
            backoff=settings.fetch_backoff,
            max_retry_after=settings.fetch_max_retry_after,
            domain_concurrency=settings.fetch_domain_concurrency,
            domain_delay=settings.fetch_domain_delay,
            ignore_robots=settings.fetch_ignore_robots,
            allow_networks=parse_networks(settings.fetch_allow_networks or ""),
        )


def parse_networks(spec: str | Iterable[str]) -> tuple[IPNetwork, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks; a bad entry is a configuration error."""
    from ..errors import ConfigError

    items = spec.split(",") if isinstance(spec, str) else list(spec)
    nets = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(f"fetch_allow_networks: {item!r} is not an address or network") from exc
    return tuple(nets)


#: IANA IPv4 Special-Purpose Address Registry (2024), every entry. All are refused, even the few
#: marked globally reachable (PCP/TURN anycast, AS112, AMT): a news fetcher never needs them,
#: and Python's own tables lag the registry (192.88.99.0/24 counts as global there).
IPV4_SPECIAL = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32",
        "192.0.0.170/31", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
        "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
    )
)  # fmt: skip
#: IANA IPv6 Special-Purpose Address Registry (2024) plus multicast and old site-local; the three
#: translation prefixes are not refused as such: the IPv4 address they carry is judged instead.
IPV6_SPECIAL = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001::/32",
        "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:2::/48", "2001:3::/32",
        "2001:4:112::/48", "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:db8::/32",
        "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        "::/96",
    )
)  # fmt: skip
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
#: wrappers whose meaning is the IPv4 address inside: that address alone is judged
_TRANSPARENT = (_MAPPED, _NAT64, _SIXTOFOUR)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, with the name of each wrapping.

    IPv4-mapped, IPv4-compatible, IPv4-translated (SIIT), 6to4, Teredo (server and
    de-obfuscated client) and NAT64 (64:ff9b::/96, and the local-use 64:ff9b:1::/48
    with the RFC 6052 /48 layout). A connection to any of them may reach that IPv4 host.
    """
    n = int(ip)
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    low = ipaddress.IPv4Address(n & 0xFFFFFFFF)
    if ip in _MAPPED:
        found.append(("IPv4-mapped", low))
    elif ip in _TRANSLATED:
        found.append(("IPv4-translated", low))
    elif ip in _COMPATIBLE and n > 1:
        found.append(("IPv4-compatible", low))
    if ip in _NAT64:
        found.append(("NAT64", low))
    if ip in _NAT64_LOCAL:  # /48 prefix: v4 bits 48-63 and 72-87 (bits 64-71 are the zero "u" octet)
        found.append(("NAT64", ipaddress.IPv4Address(((n >> 64) & 0xFFFF) << 16 | ((n >> 40) & 0xFFFF))))
    if ip in _SIXTOFOUR and ip.sixtofour is not None:
        found.append(("6to4", ip.sixtofour))
    if ip in _TEREDO and ip.teredo is not None:
        server, client = ip.teredo
        found += [("Teredo", server), ("Teredo", client)]
    return found


def _judge(ip: IPAddress) -> str | None:
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    for attr, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
    ):
        if getattr(ip, attr):
            return f"{label} address"
    if not ip.is_global:  # shared (CGNAT), documentation, benchmarking ranges, ...
        return "non-global address"
    table: tuple[IPNetwork, ...] = IPV4_SPECIAL if ip.version == 4 else IPV6_SPECIAL
    if any(ip in net for net in table):  # what Python's tables lag behind the registries on
        return "special-purpose address"
    return None


def blocked_reason(ip: IPAddress, allow: Iterable[IPNetwork] = ()) -> str | None:
    """Why the SSRF guard refuses ``ip``, or None when it may be contacted.

    An IPv6 address that wraps an IPv4 one (mapped, 6to4, Teredo, NAT64, ...) is
    unwrapped first and every address inside is judged: 2002:7f00:1:: reaches
    127.0.0.1 through a 6to4 relay.
    """
    inner = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
    candidates: list[IPAddress] = [ip, *(v4 for _, v4 in inner)]
    for net in allow:
        if any(c.version == net.version and c in net for c in candidates):
            return None
    for kind, v4 in inner:
        reason = _judge(v4)
        if reason is not None:
            return f"{reason} {v4} wrapped in {kind} {ip}"
    if isinstance(ip, ipaddress.IPv6Address) and inner and any(ip in net for net in _TRANSPARENT):
        return None  # the IPv4 host inside is public, and that is the host reached
    return _judge(ip)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def url_target(url: str) -> tuple[str, int]:
    """(host, port) of a URL newsdesk may fetch; raises BadURL. Resolves nothing."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BadURL(url, f"scheme {parts.scheme or '(none)'!r} is not fetched")
    if parts.username or parts.password:
        raise BadURL(url, "credentials in URLs are not sent")
    if not parts.hostname:
        raise BadURL(url, "no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise BadURL(url, "invalid port") from exc
    return parts.hostname, port
