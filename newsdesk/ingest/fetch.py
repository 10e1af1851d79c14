"""A polite, safe HTTP fetcher for live ingestion (feeds, sitemaps, pages, images).

Every request goes through the same checks, on the first URL and on every
redirect hop (redirects are followed here, not by httpx, for that reason):

* SSRF guard: the host is resolved and *every* address it resolves to must be
  public; loopback, private, link-local, multicast, reserved, unspecified and
  cloud-metadata addresses are refused unless allow-listed. The connection is
  then pinned to the checked address (Host header and TLS SNI keep the name),
  so a DNS answer that changes between the check and the connect (rebinding)
  cannot redirect the request.
* robots.txt (RFC 9309) per origin, cached for a day; ``ignore_robots`` is the
  explicit override.
* Per-host politeness: at most ``domain_concurrency`` requests in flight and at
  least ``domain_delay`` seconds (or the site's Crawl-delay) between starts.
* Retries on 429/5xx and failed connections, exponential backoff with jitter,
  Retry-After honoured up to a cap.
* Limits: connect/read timeouts plus a total deadline (slow-drip servers),
  a body limit counted on the *decoded* bytes while streaming, with our own
  bounded decompression (gzip bombs), content-type checks.

Failures raise subclasses of :class:`newsdesk.errors.FetchError`, each naming the URL::

    FetchError
    ├── FetchRefused          policy said no before any connection
    │   ├── BlockedAddress    SSRF guard: a non-public address
    │   ├── RobotsDisallowed  robots.txt disallows the URL
    │   └── BadURL            not http(s), no host, credentials in the URL
    ├── FetchTimeout          connect/read timeout or the total deadline
    ├── FetchConnectError     DNS failure, refused or reset connection
    ├── HTTPStatusError       a 4xx/5xx answer (``status``, ``retry_after``)
    ├── TooManyRedirects      redirect limit or loop
    ├── BodyTooLarge          over the body limit (declared or decoded)
    └── BadContent            wrong content type, corrupt compression
"""

from __future__ import annotations

import codecs
import ipaddress
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ..errors import FetchError
from ..extract.decode import decode_bytes
from ..model import RawDocument
from .fetch_deadline import deadline_expired, deadline_transport, request_deadline
from .fetch_policy import (
    _CHUNK as _CHUNK,
)
from .fetch_policy import (
    _RETRY_STATUSES as _RETRY_STATUSES,
)
from .fetch_policy import (
    _ROBOTS_MAX_BYTES as _ROBOTS_MAX_BYTES,
)
from .fetch_policy import (
    _ROBOTS_RETRY as _ROBOTS_RETRY,
)
from .fetch_policy import (
    _ROBOTS_TTL as _ROBOTS_TTL,
)
from .fetch_policy import (
    DEFAULT_USER_AGENT as DEFAULT_USER_AGENT,
)
from .fetch_policy import (
    FEED_TYPES as FEED_TYPES,
)
from .fetch_policy import (
    HTML_TYPES as HTML_TYPES,
)
from .fetch_policy import (
    IMAGE_TYPES as IMAGE_TYPES,
)
from .fetch_policy import (
    METADATA_ADDRESSES as METADATA_ADDRESSES,
)
from .fetch_policy import (
    PROJECT_URL as PROJECT_URL,
)
from .fetch_policy import (
    BadContent as BadContent,
)
from .fetch_policy import (
    BadURL as BadURL,
)
from .fetch_policy import (
    BlockedAddress as BlockedAddress,
)
from .fetch_policy import (
    BodyTooLarge as BodyTooLarge,
)
from .fetch_policy import (
    FetchConnectError as FetchConnectError,
)
from .fetch_policy import (
    FetchErrorWithURL as FetchErrorWithURL,
)
from .fetch_policy import (
    FetchPolicy as FetchPolicy,
)
from .fetch_policy import (
    FetchRefused as FetchRefused,
)
from .fetch_policy import (
    FetchTimeout as FetchTimeout,
)
from .fetch_policy import (
    HTTPStatusError as HTTPStatusError,
)
from .fetch_policy import (
    IPAddress as IPAddress,
)
from .fetch_policy import (
    IPNetwork as IPNetwork,
)
from .fetch_policy import (
    Resolver as Resolver,
)
from .fetch_policy import (
    RobotsDisallowed as RobotsDisallowed,
)
from .fetch_policy import (
    TooManyRedirects as TooManyRedirects,
)
from .fetch_policy import (
    blocked_reason as blocked_reason,
)
from .fetch_policy import (
    parse_networks as parse_networks,
)
from .fetch_policy import (
    system_resolver as system_resolver,
)
from .fetch_policy import (
    url_target as url_target,
)


@dataclass
class FetchResult:
    url: str  # final URL, after redirects
    requested_url: str
    status: int
    content: bytes = b""
    content_type: str = ""  # mime type, lower case, no parameters
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text: BOM, then the declared charset when it decodes, then detection."""
        return decode_bytes(self.content, source=self.url, declared=self.charset)

    def html_document(self, *, external_id: str | None = None) -> RawDocument:
        """The page as a RawDocument, decoded with the HTTP charset in mind.

        The text is handed on as UTF-8 with a byte-order mark, which the extractor
        trusts over a ``<meta charset>``: the HTTP header outranks the page's own claim.
        """
        body = codecs.BOM_UTF8 + self.text().encode("utf-8")
        return RawDocument(source=self.url, kind="html", content=body, url=self.url, external_id=external_id)


class _HostGate:
    """Per-host concurrency and spacing of request starts."""

    def __init__(self, concurrency: int, delay: float):
        self.slots = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.delay = delay
        self.next_start = 0.0

    @contextmanager
    def hold(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> Iterator[None]:
        self.slots.acquire()
        try:
            with self.lock:
                now = clock()
                start = max(now, self.next_start)
                self.next_start = start + self.delay
            if start > now:
                sleep(start - now)
            yield
        finally:
            self.slots.release()


class _BoundedDecoder:
    """Content-Encoding decoding that never produces more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int, url: str):
        self.url = url
        self.limit = limit
        self.produced = 0
        self.encoding = encoding
        self._z: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(wbits=31)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(wbits=15)
            self._raw_fallback = True
        elif encoding not in ("", "identity"):
            raise BadContent(url, f"unsupported content encoding {encoding!r}")

    def _count(self, out: bytes) -> bytes:
        self.produced += len(out)
        if self.produced > self.limit:
            raise BodyTooLarge(self.url, f"body over the {self.limit:,}-byte limit")
        return out

    def feed(self, chunk: bytes) -> bytes:
        if self._z is None:
            return self._count(chunk)
        try:
            # max_length caps what one chunk may expand to, so a bomb never reaches memory
            out = self._z.decompress(chunk, self.limit - self.produced + 1)
        except zlib.error as exc:
            if self.encoding == "deflate" and self.produced == 0 and getattr(self, "_raw_fallback", False):
                # "deflate" is often sent raw, without the zlib header
                self._raw_fallback = False
                self._z = zlib.decompressobj(wbits=-15)
                return self.feed(chunk)
            raise BadContent(self.url, f"corrupt {self.encoding} data: {exc}") from exc
        if self._z.unconsumed_tail:
            raise BodyTooLarge(self.url, f"body decompresses to over the {self.limit:,}-byte limit")
        return self._count(out)

    def finish(self) -> bytes:
        if self._z is None:
            return b""
        if not self._z.eof:
            raise BadContent(self.url, f"truncated {self.encoding} data")
        return b""


def gunzip_limited(data: bytes, limit: int, url: str) -> bytes:
    """Gunzip a body that is itself a .gz file (sitemap.xml.gz), never past ``limit``."""
    decoder = _BoundedDecoder("gzip", limit, url)
    out = decoder.feed(data)
    decoder.finish()
    return out


def _parse_retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _split_content_type(value: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in value.split(";")]
    mime = parts[0].lower()
    charset = None
    for p in parts[1:]:
        if p.lower().startswith("charset="):
            charset = p.split("=", 1)[1].strip().strip("'\"") or None
    return mime, charset


def _type_ok(mime: str, accept: tuple[str, ...]) -> bool:
    for pattern in accept:
        if pattern.endswith("/*") and mime.startswith(pattern[:-1]):
            return True
        if mime == pattern:
            return True
    # structured syntax suffixes: application/vnd.foo+xml is XML
    return any(p in ("application/xml", "text/xml") for p in accept) and mime.endswith("+xml")


class Fetcher:
    """Thread-safe; one per run. ``transport`` and ``resolver`` are injectable for tests."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.policy = policy or FetchPolicy()
        self._resolve = resolver or system_resolver
        self._sleep = sleep
        self._clock = clock
        p = self.policy
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=40)
        self._client = httpx.Client(
            # every socket wait capped by what is left of the request's total (fetch_deadline)
            transport=transport or deadline_transport(limits),
            follow_redirects=False,
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            headers={"User-Agent": p.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,  # a proxy from the environment would bypass the address checks
            limits=limits,
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, tuple[float, RobotFileParser | None, bool]] = {}
        self._lock = threading.Lock()
        self._robots_locks: dict[str, threading.Lock] = {}

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> Fetcher:
        return cls(FetchPolicy.from_settings(settings), **kwargs)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- checks ---------------------------------------------------------
    def check_url(self, url: str) -> str:
        """The address to connect to for ``url``; raises FetchRefused/FetchConnectError."""
        host, port = url_target(url)
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchConnectError(url, f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise FetchConnectError(url, f"{host} has no address")
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            reason = blocked_reason(ip, self.policy.allow_networks)
            if reason:
                raise BlockedAddress(
                    url,
                    f"{host} resolves to {ip}, a {reason}: refused (to allow it, set "
                    f"NEWSDESK_FETCH_ALLOW_NETWORKS={ip} or fetch_allow_networks in the config file)",
                )
        return addresses[0]

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(self.policy.domain_concurrency, self.policy.domain_delay)
            return gate

    def robots_allows(self, url: str) -> bool:
        if self.policy.ignore_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            cached = self._robots.get(origin)
            if cached is None or self._clock() > cached[0]:
                parser, allow_all = self._load_robots(origin)
                # an unreachable robots.txt is asked again soon, not trusted as "disallow" for a day
                ttl = _ROBOTS_TTL if parser is not None or allow_all else _ROBOTS_RETRY
                cached = (self._clock() + ttl, parser, allow_all)
                self._robots[origin] = cached
        _, parser, allow_all = cached
        if parser is None:
            return allow_all
        return parser.can_fetch(self.policy.user_agent, url)

    def _load_robots(self, origin: str) -> tuple[RobotFileParser | None, bool]:
        """(parser, allow_all): RFC 9309 — a 4xx means no rules, an unreachable file means none allowed."""
        try:
            result = self._fetch(f"{origin}/robots.txt", None, None, None, _ROBOTS_MAX_BYTES, robots=False)
        except HTTPStatusError as exc:
            return None, 400 <= exc.status < 500
        except FetchError:
            # unreachable, refused (a redirect to a blocked address) or unreadable: assume nothing allowed
            return None, False
        parser = RobotFileParser()
        parser.parse(result.content.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(self.policy.user_agent)
        if delay:
            # a site's Crawl-delay slows us down, never speeds us up; capped so one file cannot stall a run
            gate = self._gate(urlsplit(origin).netloc.lower())
            gate.delay = max(gate.delay, min(float(delay), 60.0))
        return parser, True

    # -- fetching -------------------------------------------------------
    def fetch(
        self,
        url: str,
        *,
        accept: tuple[str, ...] | None = HTML_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` through every check; a 304 comes back as a result with ``not_modified``."""
        return self._fetch(url, accept, etag, last_modified, max_bytes or self.policy.max_bytes, robots=True)

    def post_json(self, url: str, body: bytes) -> int:
        """POST a JSON body (a follow's webhook) through the same address checks; the status.

        No redirect is followed (a webhook that moves is a misconfiguration to report, and
        following it would resend the body somewhere unchecked); 4xx/5xx raise HTTPStatusError.
        """
        address = self.check_url(url)
        logical = httpx.URL(url)
        request = self._client.build_request(
            "POST",
            logical.copy_with(host=address),
            content=body,
            headers={"Host": logical.netloc.decode("ascii"), "Content-Type": "application/json"},
            extensions={"sni_hostname": logical.host},
        )
        with self._gate(logical.netloc.decode("ascii").lower()).hold(self._clock, self._sleep):
            try:
                response = self._client.send(request)
            except httpx.TimeoutException as exc:
                raise FetchTimeout(url, f"timed out ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise FetchConnectError(url, f"connection failed: {exc or type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise HTTPStatusError(url, response.status_code)
        return response.status_code

    def _fetch(
        self,
        url: str,
        accept: tuple[str, ...] | None,
        etag: str | None,
        last_modified: str | None,
        max_bytes: int,
        *,
        robots: bool,
    ) -> FetchResult:
        current = url
        seen = {url}
        redirects: list[str] = []
        deadline = self._clock() + self.policy.total_timeout
        for _ in range(self.policy.max_redirects + 1):
            address = self.check_url(current)
            if robots and not self.robots_allows(current):
                raise RobotsDisallowed(current, "disallowed by robots.txt")
            headers: dict[str, str] = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            result = self._attempts(current, address, headers, accept, max_bytes, deadline)
            if isinstance(result, FetchResult):
                result.requested_url = url
                result.redirects = redirects
                return result
            target = urljoin(current, result)
            if target in seen:
                raise TooManyRedirects(url, f"redirect loop at {target}")
            seen.add(target)
            redirects.append(target)
            current = target
        raise TooManyRedirects(url, f"more than {self.policy.max_redirects} redirects")

    def _attempts(
        self,
        url: str,
        address: str,
        headers: dict[str, str],
        accept: tuple[str, ...] | None,
        max_bytes: int,
        deadline: float,
    ) -> FetchResult | str:
        """One hop with its retries: a result, or the Location to go to next."""
        p = self.policy
        attempt = 0
        while True:
            wait: float | None = None
            try:
                return self._once(url, address, headers, accept, max_bytes, deadline)
            except HTTPStatusError as exc:
                if exc.status not in _RETRY_STATUSES or attempt >= p.retries:
                    raise
                wait = exc.retry_after
                if wait is not None and wait > p.max_retry_after:
                    raise
            except FetchConnectError:
                # A timeout is not retried: a slow server is only made slower by more requests.
                if attempt >= p.retries:
                    raise
            if wait is None:
                wait = p.backoff * (2**attempt) * (0.5 + random.random())
            if self._clock() + wait > deadline:
                raise FetchTimeout(url, "retries would run past the total timeout")
            self._sleep(wait)
            attempt += 1

    def _once(
        self,
        url: str,
        address: str,
        headers: dict[str, str],
        accept: tuple[str, ...] | None,
        max_bytes: int,
        deadline: float,
    ) -> FetchResult | str:
        logical = httpx.URL(url)
        # connect to the address we checked, name the host in Host and SNI
        request = self._client.build_request(
            "GET",
            logical.copy_with(host=address),
            headers={**headers, "Host": logical.netloc.decode("ascii")},
            extensions={"sni_hostname": logical.host},
        )
        gate = self._gate(logical.netloc.decode("ascii").lower())
        with gate.hold(self._clock, self._sleep):
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise FetchTimeout(url, f"response took over {self.policy.total_timeout:g} s")
            # No wait may outlast what is left of the total, on a new or a reused connection,
            # while headers or body drip in byte by byte (fetch_deadline).
            p = self.policy
            request.extensions["timeout"] = httpx.Timeout(
                min(p.read_timeout, remaining), connect=min(p.connect_timeout, remaining), pool=remaining
            ).as_dict()
            with request_deadline(lambda: deadline - self._clock()):
                try:
                    response = self._client.send(request, stream=True)
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    if deadline_expired():
                        raise FetchTimeout(url, f"response took over {p.total_timeout:g} s") from exc
                    if isinstance(exc, httpx.TimeoutException):
                        raise FetchTimeout(url, f"timed out ({type(exc).__name__})") from exc
                    raise FetchConnectError(url, f"connection failed: {exc or type(exc).__name__}") from exc
                try:
                    return self._read(url, response, accept, max_bytes, deadline)
                finally:
                    response.close()

    def _read(
        self,
        url: str,
        response: httpx.Response,
        accept: tuple[str, ...] | None,
        max_bytes: int,
        deadline: float,
    ) -> FetchResult | str:
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            if not location:
                raise BadContent(url, f"HTTP {status} without a Location")
            return location
        if status >= 400:
            raise HTTPStatusError(
                url, status, _parse_retry_after(response.headers.get("Retry-After"), time.time())
            )
        mime, charset = _split_content_type(response.headers.get("Content-Type", ""))
        result = FetchResult(
            url=url,
            requested_url=url,
            status=status,
            content_type=mime,
            charset=charset,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            headers=dict(response.headers),
        )
        if status == 304:
            return result
        if status not in (200, 203):
            raise HTTPStatusError(url, status)
        if accept is not None and mime and not _type_ok(mime, accept):
            raise BadContent(url, f"content type {mime!r} is not one of {', '.join(accept)}")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise BodyTooLarge(url, f"declares {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
        decoder = _BoundedDecoder(
            response.headers.get("Content-Encoding", "").strip().lower(), max_bytes, url
        )
        parts: list[bytes] = []
        try:
            # each piece as it arrives (no chunk size: httpx would gather 64 KB before yielding,
            # and a slow drip would never reach the deadline check)
            for chunk in response.iter_raw():
                parts.append(decoder.feed(chunk))
                if self._clock() > deadline:
                    raise FetchTimeout(url, f"response took over {self.policy.total_timeout:g} s")
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            if deadline_expired() or self._clock() > deadline:
                raise FetchTimeout(url, f"response took over {self.policy.total_timeout:g} s") from exc
            if isinstance(exc, httpx.TimeoutException):
                raise FetchTimeout(url, f"timed out reading the body ({type(exc).__name__})") from exc
            raise FetchConnectError(url, f"connection broke while reading: {exc}") from exc
        parts.append(decoder.finish())
        result.content = b"".join(parts)
        return result
