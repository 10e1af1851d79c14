"""The fetcher against a local fixture site: politeness, limits, redirects, robots, SSRF."""

from __future__ import annotations

import gzip
import ipaddress
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from newsdesk.errors import FetchError, NewsdeskError
from newsdesk.ingest.fetch import (
    DEFAULT_USER_AGENT,
    IMAGE_TYPES,
    BadContent,
    BadURL,
    BlockedAddress,
    BodyTooLarge,
    Fetcher,
    FetchTimeout,
    HTTPStatusError,
    RobotsDisallowed,
    TooManyRedirects,
    blocked_reason,
    parse_networks,
)

PAGE = "<html><head><title>Harbour opens</title></head><body><p>The harbour opened today.</p></body></html>"


def test_plain_fetch_sends_an_honest_user_agent(site: Any, fetcher: Fetcher) -> None:
    url = site.add("/a.html", PAGE, ctype="text/html; charset=utf-8")
    result = fetcher.fetch(url)
    assert result.status == 200 and result.url == url
    assert result.content_type == "text/html" and result.charset == "utf-8"
    assert "Harbour opens" in result.text()
    agent = next(h["User-Agent"] for p, h in site.log if p == "/a.html")
    assert agent == DEFAULT_USER_AGENT and agent.startswith("newsdesk/") and "(+http" in agent


def test_conditional_get_gets_304(site: Any, fetcher: Fetcher) -> None:
    def handler(req: Any) -> Any:
        Response = site.Response
        if req.headers.get("If-None-Match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(
            200,
            PAGE.encode(),
            {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT", "Content-Type": "text/html"},
        )

    site.routes["/c.html"] = handler
    first = fetcher.fetch(site.url("/c.html"))
    assert first.etag == '"v1"' and first.last_modified and not first.not_modified
    again = fetcher.fetch(site.url("/c.html"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b""
    headers = [h for p, h in site.log if p == "/c.html"][-1]
    assert headers["If-Modified-Since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_redirect_chain_is_followed_hop_by_hop(site: Any, fetcher: Fetcher) -> None:
    site.add("/r1", status=301, headers={"Location": "/r2"})
    site.add("/r2", status=302, headers={"Location": site.url("/final.html")})
    site.add("/final.html", PAGE)
    result = fetcher.fetch(site.url("/r1"))
    assert result.url == site.url("/final.html") and result.requested_url == site.url("/r1")
    assert result.redirects == [site.url("/r2"), site.url("/final.html")]


def test_redirect_loop_and_limit(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    site.add("/loop1", status=302, headers={"Location": "/loop2"})
    site.add("/loop2", status=302, headers={"Location": "/loop1"})
    for i in range(6):
        site.add(f"/hop{i}", status=301, headers={"Location": f"/hop{i + 1}"})
    site.add("/hop6", PAGE)
    f = make_fetcher(max_redirects=3)
    with pytest.raises(TooManyRedirects, match="loop"):
        f.fetch(site.url("/loop1"))
    with pytest.raises(TooManyRedirects, match="more than 3") as info:
        f.fetch(site.url("/hop0"))
    assert site.url("/hop0") in str(info.value)
    assert site.hits("/hop4") == 0


@pytest.mark.parametrize("status", [404, 410, 403])
def test_client_errors_are_not_retried(site: Any, fetcher: Fetcher, status: int) -> None:
    url = site.add(f"/gone{status}", "no", status=status)
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(url)
    assert info.value.status == status and url in str(info.value)
    assert isinstance(info.value, FetchError) and isinstance(info.value, NewsdeskError)
    assert site.hits(f"/gone{status}") == 1


def test_429_then_success_honours_retry_after(site: Any, fetcher: Fetcher) -> None:
    Response = site.Response
    calls = iter([Response(429, b"slow down", {"Retry-After": "0"}), Response(200, PAGE.encode())])
    site.routes["/busy.html"] = lambda req: next(calls)
    assert fetcher.fetch(site.url("/busy.html")).status == 200
    assert site.hits("/busy.html") == 2


def test_5xx_retried_then_given_up(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    url = site.add("/down", "oops", status=503)
    with pytest.raises(HTTPStatusError) as info:
        make_fetcher(retries=2).fetch(url)
    assert info.value.status == 503 and site.hits("/down") == 3


def test_long_retry_after_ends_the_fetch(site: Any, fetcher: Fetcher) -> None:
    url = site.add("/later", "later", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(url)
    assert info.value.retry_after == 3600 and site.hits("/later") == 1


def test_slow_server_times_out(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    url = site.add("/slow.html", PAGE, delay=1.0)
    start = time.monotonic()
    with pytest.raises(FetchTimeout) as info:
        make_fetcher(read_timeout=0.3).fetch(url)
    assert url in str(info.value) and time.monotonic() - start < 0.9


def test_slow_drip_hits_the_total_deadline(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    url = site.add("/drip.html", PAGE * 4, drip=0.05)
    with pytest.raises(FetchTimeout, match="took over"):
        make_fetcher(total_timeout=0.4).fetch(url)


def test_declared_huge_body_refused(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    url = site.add("/huge.html", b"x" * 300_000)
    with pytest.raises(BodyTooLarge, match="declares 300,000 bytes"):
        make_fetcher(max_bytes=100_000).fetch(url)


def test_gzip_bomb_refused_while_decoding(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    url = site.add("/bomb.html", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(BodyTooLarge, match="decompresses to over"):
        make_fetcher(max_bytes=1_000_000).fetch(url)


def test_gzip_and_corrupt_gzip(site: Any, fetcher: Fetcher) -> None:
    ok = site.add("/z.html", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    assert fetcher.fetch(ok).content == PAGE.encode()
    bad = site.add("/zbad.html", b"\x1f\x8b\x08\x00garbage", headers={"Content-Encoding": "gzip"})
    with pytest.raises(BadContent, match="gzip"):
        fetcher.fetch(bad)


def test_content_type_checked(site: Any, fetcher: Fetcher) -> None:
    url = site.add("/pic", b"\x89PNG....", ctype="image/png")
    with pytest.raises(BadContent, match="image/png"):
        fetcher.fetch(url)
    assert fetcher.fetch(url, accept=IMAGE_TYPES).content_type == "image/png"


def test_charsets_header_wrong_and_missing(site: Any, fetcher: Fetcher) -> None:
    text = "<html><body><p>Café à la crème</p></body></html>"
    latin = site.add("/latin.html", text.encode("latin-1"), ctype="text/html; charset=iso-8859-1")
    assert "Café à la crème" in fetcher.fetch(latin).text()
    # the header claims UTF-8 but the bytes are cp1252: the claim is dropped, not trusted into mojibake
    wrong = site.add("/wrong.html", text.encode("cp1252"), ctype="text/html; charset=utf-8")
    assert "Café à la crème" in fetcher.fetch(wrong).text()
    meta = "<html><head><meta charset='windows-1252'></head><body><p>Café à la crème</p></body></html>"
    missing = site.add("/meta.html", meta.encode("cp1252"), ctype="text/html")
    assert "Café à la crème" in fetcher.fetch(missing).text()
    # the HTTP charset outranks a page's wrong <meta> once the page is handed to extraction
    lying = "<html><head><meta charset='utf-8'></head><body><p>Café à la crème</p></body></html>"
    url = site.add("/lying.html", lying.encode("latin-1"), ctype="text/html; charset=iso-8859-1")
    doc = fetcher.fetch(url).html_document()
    assert doc.content.decode("utf-8-sig").count("Café à la crème") == 1


def test_robots_disallow_and_override(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    url = site.add("/private/secret.html", PAGE)
    with pytest.raises(RobotsDisallowed) as info:
        make_fetcher().fetch(url)
    assert url in str(info.value) and site.hits("/private/secret.html") == 0
    assert make_fetcher(ignore_robots=True).fetch(url).status == 200


def test_robots_missing_allows_unreachable_disallows(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    url = site.add("/open.html", PAGE)
    site.add("/robots.txt", "none", status=404)
    assert make_fetcher().fetch(url).status == 200
    site.add("/robots.txt", "broken", status=500)
    with pytest.raises(RobotsDisallowed):
        make_fetcher(retries=0).fetch(url)


def test_per_host_concurrency_and_spacing(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    Response = site.Response
    active, peak, lock = [0], [0], threading.Lock()

    def handler(req: Any) -> Any:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.1)
        with lock:
            active[0] -= 1
        return Response(200, PAGE.encode(), {"Content-Type": "text/html"})

    site.routes["/c1"] = handler
    f = make_fetcher(domain_concurrency=2)
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda _: f.fetch(site.url("/c1")), range(6)))
    assert peak[0] == 2
    spaced = make_fetcher(domain_delay=0.15)
    start = time.monotonic()
    url = site.add("/open2.html", PAGE)
    for _ in range(3):
        spaced.fetch(url)
    assert time.monotonic() - start >= 0.3


# -- SSRF -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.1", "private"),
        ("192.168.1.5", "private"),
        ("172.16.0.9", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-global"),
        ("::ffff:10.0.0.1", "private"),
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_blocked_addresses(address: str, reason: str | None) -> None:
    got = blocked_reason(ipaddress.ip_address(address))
    assert (got is None) if reason is None else (got is not None and reason in got)


def test_allow_list_exempts_exactly_what_it_names() -> None:
    allow = parse_networks("127.0.0.1, 10.1.0.0/16")
    assert blocked_reason(ipaddress.ip_address("127.0.0.1"), allow) is None
    assert blocked_reason(ipaddress.ip_address("10.1.2.3"), allow) is None
    assert blocked_reason(ipaddress.ip_address("127.0.0.2"), allow) is not None
    assert blocked_reason(ipaddress.ip_address("10.2.0.1"), allow) is not None


def test_loopback_refused_unless_allow_listed(site: Any, make_fetcher: Callable[..., Fetcher]) -> None:
    url = site.add("/a.html", PAGE)
    with pytest.raises(BlockedAddress, match="loopback") as info:
        make_fetcher(allow_networks=()).fetch(url)
    assert url in str(info.value)
    assert site.log == []  # refused before connecting: not even robots.txt was asked


def _public(mapping: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver for invented names; nothing here is ever connected to (the transport records)."""

    def resolve(host: str, port: int) -> list[str]:
        if host in mapping:
            return mapping[host]
        ipaddress.ip_address(host)  # IP literals resolve to themselves
        return [host]

    return resolve


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[fd00:ec2::254]/",
        "http://inside.example/",
    ],
)
def test_redirect_to_internal_address_refused_without_connecting(
    make_fetcher: Callable[..., Fetcher], recording: Any, target: str
) -> None:
    transport = recording({"news.example/story": httpx.Response(302, headers={"Location": target})})
    resolver = _public({"news.example": ["93.184.216.34"], "inside.example": ["192.168.0.10"]})
    f = make_fetcher(transport=transport, resolver=resolver, allow_networks=(), ignore_robots=True)
    with pytest.raises(BlockedAddress):
        f.fetch("http://news.example/story")
    assert [r.url.host for r in transport.sent] == ["93.184.216.34"]


def test_connection_is_pinned_to_the_checked_address(
    make_fetcher: Callable[..., Fetcher], recording: Any
) -> None:
    transport = recording(
        {"news.example/a": httpx.Response(200, text=PAGE, headers={"Content-Type": "text/html"})}
    )
    f = make_fetcher(
        transport=transport,
        resolver=_public({"news.example": ["93.184.216.34"]}),
        allow_networks=(),
        ignore_robots=True,
    )
    assert f.fetch("http://news.example/a").url == "http://news.example/a"
    sent = transport.sent[0]
    assert sent.url.host == "93.184.216.34" and sent.headers["host"] == "news.example"


def test_any_internal_answer_refuses_the_host(make_fetcher: Callable[..., Fetcher], recording: Any) -> None:
    transport = recording()
    f = make_fetcher(
        transport=transport,
        resolver=_public({"mixed.example": ["93.184.216.34", "10.0.0.1"]}),
        allow_networks=(),
        ignore_robots=True,
    )
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.1"):
        f.fetch("http://mixed.example/")
    assert transport.sent == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://news.example/x",
        "http://user:pw@news.example/",
        "http:///nohost",
        "gopher://127.0.0.1:70/",
    ],
)
def test_bad_urls_refused(make_fetcher: Callable[..., Fetcher], recording: Any, url: str) -> None:
    transport = recording()
    with pytest.raises(BadURL) as info:
        make_fetcher(transport=transport, ignore_robots=True).fetch(url)
    assert url in str(info.value) and transport.sent == []
