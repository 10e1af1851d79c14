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


def blocked_reason(ip: IPAddress, allow: Iterable[IPNetwork] = ()) -> str | None:
    """Why the SSRF guard refuses ``ip``, or None when it may be contacted."""
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    candidates = [ip] if mapped is None else [ip, mapped]
    for net in allow:
        if any(c.version == net.version and c in net for c in candidates):
            return None
    # An IPv4-mapped IPv6 address reaches the IPv4 host: judge that one.
    check = mapped or ip
    if check in METADATA_ADDRESSES:
        return "cloud metadata address"
    for attr, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
    ):
        if getattr(check, attr):
            return f"{label} address"
    if not check.is_global:  # shared (CGNAT), documentation, benchmarking ranges, ...
        return "non-global address"
    return None


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
