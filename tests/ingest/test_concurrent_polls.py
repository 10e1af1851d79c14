"""Slow sources must not hold up the others (issue 17): sources due together are fetched at once,
within the per-host limits, while one thread ingests and writes."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsdesk.ingest.fetch import Fetcher
from newsdesk.ingest.scheduler import Scheduler
from newsdesk.settings import load_settings

from .test_scheduler import Store, page, rss

DEADLINE = 3.0


class InFlight:
    """Counts requests in flight per Host header, and the most seen at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.most: Counter[str] = Counter()

    def slow_page(self, body: str, seconds: float) -> Callable[[Any], Any]:
        def handler(request: Any) -> Any:
            host = request.headers.get("Host", "")
            with self.lock:
                self.now[host] += 1
                self.most[host] = max(self.most[host], self.now[host])
            time.sleep(seconds)
            with self.lock:
                self.now[host] -= 1
            return request.server_site.Response(200, body.encode(), {"Content-Type": "text/html"})

        return handler


def test_two_slow_drip_sources_and_a_fast_one_take_one_deadline_not_the_sum(
    site: Any, make_fetcher: Callable[..., Fetcher], tmp_path: Path
) -> None:
    # Each source on its own host name (all served here): the fetcher's per-host limits apply per name.
    fetcher = make_fetcher(
        resolver=lambda host, port: ["127.0.0.1"],
        total_timeout=DEADLINE,
        read_timeout=1.0,  # each drip arrives well within it: only the total deadline ends them
        retries=0,
        domain_concurrency=1,
    )
    port = site.port
    drip_body = rss([(f"s{i}", f"/slow/{i}.html", f"slow {i}") for i in range(40)])
    site.add("/slow.xml", drip_body, ctype="application/rss+xml", drip=0.2)  # 16 bytes / 0.2 s
    inflight = InFlight()
    for i in range(4):
        site.routes[f"/fast/{i}.html"] = inflight.slow_page(page(i), 0.1)
    fast_feed = rss([(f"f{i}", f"/fast/{i}.html", f"fast {i}") for i in range(4)])
    site.add("/fast.xml", fast_feed, ctype="application/rss+xml")
    site.server.RequestHandlerClass.server_site = site  # type: ignore[attr-defined]

    store = Store(tmp_path / "live.db")
    try:
        store.add_source(f"http://slow-a.test:{port}/slow.xml", "feed", interval=600)
        store.add_source(f"http://slow-b.test:{port}/slow.xml", "feed", interval=600)
        store.add_source(f"http://fast.test:{port}/fast.xml", "feed", interval=600)
        scheduler = Scheduler(store, fetcher, min_interval=60, max_interval=86400, concurrency=8)
        in_poll: dict[str, float] = {}  # seconds this thread spent on each source's poll
        poll = scheduler.poll

        def timed_poll(source: Any, **kw: Any) -> Any:
            t = time.monotonic()
            try:
                return poll(source, **kw)
            finally:
                in_poll[source.url] = time.monotonic() - t

        scheduler.poll = timed_poll  # type: ignore[method-assign]
        started = time.monotonic()
        report = scheduler.run(once=True)
        elapsed = time.monotonic() - started
    finally:
        store.close()

    slow_a, slow_b, fast = report.polls  # in the sources' order, whichever finished first
    assert "took over 3 s" in slow_a.error and "took over 3 s" in slow_b.error
    assert not fast.error and fast.added == 4
    # One by one, the run is at least both slow deadlines plus the fast source's poll (its pages
    # and their ingest, slow on a loaded machine); at once, the deadlines run while it is ingested.
    work = in_poll[fast.source]
    assert elapsed < DEADLINE + work + 1.5, f"{elapsed:.1f} s: deadline {DEADLINE} s, fast poll {work:.1f} s"
    # the fast feed's pages were fetched ahead, but never more than one at a time on its host
    assert inflight.most[f"fast.test:{port}"] == 1


def test_one_by_one_when_asked_and_the_setting_is_declared(
    site: Any, fetcher: Fetcher, tmp_path: Path
) -> None:
    settings = load_settings({"db": str(tmp_path / "x.db")}, env={})
    assert settings.poll_concurrency == 8
    site.add("/a.html", page(1))
    site.add("/feed.xml", rss([("a", "a.html", "a")]), ctype="application/rss+xml")
    store = Store(tmp_path / "one.db")
    try:
        store.add_source(site.url("/feed.xml"), "feed")
        one = Scheduler(store, fetcher, concurrency=1)
        report = one.run(once=True)
    finally:
        store.close()
    assert [p.added for p in report.polls] == [1]


def test_pages_fetched_ahead_give_the_same_store_with_and_without_an_engine(
    site: Any, make_fetcher: Callable[..., Fetcher], tmp_path: Path
) -> None:
    """Concurrent polls (pages fetched ahead in the pool, an engine preparing them in batches)
    store what one-by-one polling stores, the feed-summary fallback for a missing page included."""
    from newsdesk.pipeline import Enricher, LocalEngine

    fetcher = make_fetcher(resolver=lambda host, port: ["127.0.0.1"])
    for i in range(5):
        site.add(f"/news/{i}.html", page(i))
    # item 5 has no page (404): the feed's own summary stands in
    site.add(
        "/a.xml",
        rss([(f"a{i}", f"/news/{i}.html", f"a {i}") for i in (0, 1, 5)]),
        ctype="application/rss+xml",
    )
    site.add(
        "/b.xml",
        rss([(f"b{i}", f"/news/{i}.html", f"b {i}") for i in (2, 3, 4)]),
        ctype="application/rss+xml",
    )
    seen = {}
    for name, concurrency, engine in (("one", 1, None), ("ahead", 8, None), ("engine", 8, "local")):
        store = Store(tmp_path / f"{name}.db")
        try:
            for host in ("a", "b"):
                store.add_source(f"http://{host}.test:{site.port}/{host}.xml", "feed", interval=600)
            enricher = Enricher()
            scheduler = Scheduler(
                store,
                fetcher,
                enricher=enricher,
                concurrency=concurrency,
                engine=LocalEngine(enricher) if engine else None,
            )
            report = scheduler.run(once=True)
            assert [p.added for p in report.polls] == [3, 3] and not any(p.error for p in report.polls)
            seen[name] = sorted((a.title, "from_feed_summary" in a.info) for a in store.iter_articles())
        finally:
            store.close()
    assert seen["ahead"] == seen["one"] == seen["engine"]
    assert [summary for _, summary in seen["one"]].count(True) == 1
