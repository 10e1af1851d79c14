"""The live loop against the local fixture site: feeds, sitemaps, failures, backoff, kill -9, SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from newsdesk.ingest.fetch import Fetcher
from newsdesk.ingest.scheduler import Scheduler, adapt_interval
from newsdesk.model import now_utc
from newsdesk.store.sources import SourcesMixin
from newsdesk.store.sqlite import SQLiteStore

PLACES = ["Alderford", "Brightwater", "Cobham Vale", "Dunmore", "Eastleigh Cross", "Farrow", "Glenmere"]


class Store(SQLiteStore, SourcesMixin):
    pass


def page(i: int, *, dated: bool = True) -> str:
    place = PLACES[i % len(PLACES)]
    when = (
        f'<meta property="article:published_time" content="2024-09-{1 + i % 28:02d}T08:00:00Z">'
        if dated
        else ""
    )
    paragraphs = "".join(
        f"<p>In {place}, item {i} of the fixture desk: the council counted {i * 13 + k} new lamps on street "
        f"{k}, and residents of ward {i}-{k} said the light made the walk home feel safer than before.</p>"
        for k in range(5)
    )
    return (
        f"<html><head><title>Lamp count {i} in {place}</title>{when}</head><body><nav>Home | News</nav>"
        f"<article><h1>Lamp count {i} in {place}</h1>{paragraphs}</article><footer>(c) Desk</footer>"
        "</body></html>"
    )


def rss(items: list[tuple[str, str, str]]) -> str:
    """items: (guid, link, title)."""
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>{link}</link>"
        f"<description>Summary of {t}: the feed's own words about it, long enough to read.</description>"
        "</item>"
        for g, link, t in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fixture Desk</title>{body}</channel></rss>'
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "live.db")
    yield s
    s.close()


@pytest.fixture
def scheduler(store: Store, fetcher: Fetcher) -> Scheduler:
    return Scheduler(store, fetcher, min_interval=60, max_interval=86400)


def test_feed_entries_pages_and_summary_fallbacks(site: Any, store: Store, scheduler: Scheduler) -> None:
    site.add("/news/1.html", page(1))
    feed = rss(
        [
            ("g1", "1.html", "Lamp count 1"),  # relative to the feed URL
            ("g2", "missing.html", "Lamp count 2 goes missing"),  # 404: the feed's summary stands in
            ("g3", "http://10.0.0.1/internal", "Lamp count 3 behind a wall"),  # SSRF: refused, not fetched
            ("g4", "/private/4.html", "Lamp count 4 forbidden"),  # robots.txt disallows
        ]
    )
    site.add("/news/feed.xml", feed, ctype="application/rss+xml", headers={"ETag": '"f1"'})
    source, _ = store.add_source(site.url("/news/feed.xml"), "feed", interval=600)
    report = scheduler.poll(source)
    assert report.added == 4 and not report.failed and not report.error
    by_title = {a.title: a for a in store.iter_articles()}
    fetched = by_title["Lamp count 1 in Brightwater"]
    assert "from_feed_summary" not in fetched.info and fetched.web_url == site.url("/news/1.html")
    assert "HTTP 404" in by_title["Lamp count 2 goes missing"].info["from_feed_summary"]
    refused = by_title["Lamp count 3 behind a wall"].info["from_feed_summary"]
    assert "10.0.0.1" in refused and "private address" in refused
    assert "robots.txt" in by_title["Lamp count 4 forbidden"].info["from_feed_summary"]
    assert site.hits("/private/4.html") == 0
    health = store.get_source(source.id)
    assert health.last_success and health.consecutive_failures == 0 and health.title == "Fixture Desk"
    assert (health.items_seen, health.items_added, health.etag) == (4, 4, '"f1"')

    # nothing new the second time: conditional GET answered in full, all four already done
    again = scheduler.poll(store.get_source(source.id))
    assert again.added == 0 and store.count() == 4 and site.hits("/news/1.html") == 1
    assert store.get_source(source.id).interval == 900  # idle: 1.5x


def test_undated_entry_takes_the_feed_date(site: Any, store: Store, scheduler: Scheduler) -> None:
    site.add("/u/1.html", page(5, dated=False))
    feed = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>a</id>'
        "<updated>2024-09-20T10:00:00Z</updated>"
        '<entry><title>Undated page</title><id>u1</id><link href="1.html"/>'
        "<updated>2024-09-20T09:00:00Z</updated><summary>s</summary></entry>"
        "<entry><title>No date anywhere</title><id>u2</id><summary>Only the feed knows this one, "
        "and it says nothing of when.</summary></entry></feed>"
    )
    site.add("/u/atom.xml", feed, ctype="application/atom+xml")
    source, _ = store.add_source(site.url("/u/atom.xml"), "feed")
    assert scheduler.poll(source).added == 2
    arts = {a.title: a for a in store.iter_articles()}
    dated = arts["Lamp count 5 in Farrow"]
    assert dated.published and dated.published.isoformat().startswith("2024-09-20T09:00")
    assert dated.published_source == "feed"
    nodate = arts["No date anywhere"]
    assert nodate.published is None and nodate.info["from_feed_summary"] == "the entry links to no page"


def test_one_failing_source_does_not_stop_the_others(site: Any, store: Store, scheduler: Scheduler) -> None:
    site.add("/down.xml", "boom", status=500)
    site.add("/notafeed.xml", "<html><body>hello</body></html>", ctype="text/xml")
    site.add("/ok/1.html", page(2))
    site.add("/ok/feed.xml", rss([("o1", "1.html", "ok")]), ctype="application/rss+xml")
    down, _ = store.add_source(site.url("/down.xml"), "feed", interval=600)
    bad, _ = store.add_source(site.url("/notafeed.xml"), "feed", interval=600)
    store.add_source(site.url("/ok/feed.xml"), "feed", interval=600)
    report = scheduler.run(once=True)
    assert [bool(p.error) for p in report.polls] == [True, True, False] and report.added == 1
    down_now = store.get_source(down.id)
    assert down_now.consecutive_failures == 1 and "HTTP 500" in (down_now.last_error or "")
    assert down_now.next_due > now_utc() + timedelta(seconds=500)  # backed off, not retried at once
    assert "not a feed" in (store.get_source(bad.id).last_error or "")
    # a second failure doubles the wait
    scheduler.poll(store.get_source(down.id))
    twice = store.get_source(down.id)
    assert twice.consecutive_failures == 2 and twice.next_due > now_utc() + timedelta(seconds=1000)


def test_retry_after_sets_the_next_poll(site: Any, store: Store, scheduler: Scheduler) -> None:
    site.add("/limited.xml", "later", status=429, headers={"Retry-After": "7200"})
    source, _ = store.add_source(site.url("/limited.xml"), "feed", interval=600)
    scheduler.poll(source)
    assert store.get_source(source.id).next_due > now_utc() + timedelta(seconds=7000)


def test_news_sitemap_source(site: Any, store: Store, scheduler: Scheduler) -> None:
    for i in (10, 11):
        site.add(f"/s/{i}.html", page(i))
    urls = "".join(
        f"<url><loc>{site.url(f'/s/{i}.html')}</loc><lastmod>2024-09-0{i - 9}</lastmod></url>"
        for i in (10, 11)
    )
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/s/part.xml')}</loc></sitemap></sitemapindex>"
    )
    site.add(
        "/s/part.xml",
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        ctype="application/xml",
    )
    site.add("/s/index.xml", index, ctype="application/xml")
    source, _ = store.add_source(site.url("/s/index.xml"), "sitemap")
    assert scheduler.poll(source).added == 2
    assert store.get_source(source.id).items_seen == 2


def test_adapt_interval_bounds() -> None:
    assert adapt_interval(3600, 0, 3600, 300, 86400) == 5400
    assert adapt_interval(80000, 0, 3600, 300, 86400) == 86400
    busy = adapt_interval(3600, 20, 3600, 300, 86400)  # 20 new in an hour: poll more often
    assert 300 <= busy < 3600
    assert adapt_interval(3600, 1000, 3600, 300, 86400) == 300
    assert adapt_interval(3600, 50, None, 300, 86400) == 3600  # first poll: a backlog, no rate


# -- the real command: kill -9, then resume; SIGTERM ---------------------------

N_ITEMS = 24


def _live_site(site: Any) -> str:
    Response = site.Response

    def slow_page(i: int) -> Callable[[Any], Any]:
        return lambda req: Response(200, page(i).encode(), {"Content-Type": "text/html"}, delay=0.15)

    for i in range(N_ITEMS):
        site.routes[f"/live/{i}.html"] = slow_page(100 + i)
    items = [(f"live-{i}", f"{i}.html", f"Lamp count {100 + i}") for i in range(N_ITEMS)]
    return site.add("/live/feed.xml", rss(items), ctype="application/rss+xml")


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSDESK_DB": str(db),
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.1",
        "NEWSDESK_FETCH_DOMAIN_DELAY": "0",
        "NEWSDESK_FETCH_RETRIES": "0",
    }


def _committed(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


#: the real command, with topics left out: loading the topic models takes ~40 s on this machine and
#: would dominate the test; topics have their own tests, and enrichment's other stages still run
_CLI = (
    "import sys, newsdesk.cli, newsdesk.pipeline as p; "
    "p.Enricher.from_settings = classmethod(lambda cls, s: p.Enricher()); "
    "sys.argv[0] = 'newsdesk'; newsdesk.cli.main()"
)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", _CLI, *args]


def _start(db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _cli("run", "--no-images", *args),
        env=_env(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(db: Path, proc: subprocess.Popen[str], n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _committed(db) < n and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, f"run ended before it could be stopped: {proc.communicate()}"


def test_kill_9_then_resume_loses_nothing_and_doubles_nothing(site: Any, tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    feed_url = _live_site(site)
    subprocess.run(
        _cli("sources", "add", feed_url),
        env=_env(db),
        check=True,
        capture_output=True,
    )
    proc = _start(db)
    _wait_for(db, proc, 4)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    before = _committed(db)
    assert 4 <= before < N_ITEMS

    resumed = subprocess.run(
        _cli("run", "--once", "--no-images"),
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    with Store(db) as store:
        assert store.integrity_ok()
        articles = list(store.iter_articles())
        titles = sorted(a.title for a in articles)
        assert len(articles) == N_ITEMS == len(set(titles))
        assert len({a.web_url for a in articles}) == N_ITEMS
        assert store.count_inputs() == N_ITEMS  # no page was stored twice
        [source] = store.list_sources()
        assert source.items_seen == N_ITEMS and source.consecutive_failures == 0
    # only the items not committed before the kill were fetched again (at most one in flight)
    refetched = sum(site.hits(f"/live/{i}.html") for i in range(N_ITEMS)) - N_ITEMS
    assert refetched <= 1


def test_sigterm_finishes_the_item_and_exits_0(site: Any, tmp_path: Path) -> None:
    db = tmp_path / "term.db"
    feed_url = _live_site(site)
    with Store(db) as store:
        store.add_source(feed_url, "feed")
    proc = _start(db)
    _wait_for(db, proc, 2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped by signal" in out
    done = _committed(db)
    assert 2 <= done < N_ITEMS
    with Store(db) as store:
        assert len(store.list_sources()) == 1
        marked = store._db.execute("SELECT COUNT(*) FROM source_items WHERE done=1").fetchone()[0]
        assert marked == done  # every committed article is marked, none marked without its article


def test_sources_commands(tmp_path: Path) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from newsdesk.cli_sources import sources_app

    app = typer.Typer()
    app.add_typer(sources_app, name="sources")
    runner = CliRunner()
    db = ["--db", str(tmp_path / "cli.db")]

    def call(*args: str) -> Any:
        return runner.invoke(app, ["sources", *args, *db])

    assert (
        "added: 1 feed https://gazette.example/feed.xml"
        in call("add", "https://gazette.example/feed.xml").output
    )
    assert "already a source" in call("add", "https://gazette.example/feed.xml").output
    refused = call("add", "file:///etc/passwd")
    assert refused.exit_code == 2 and "not fetched" in refused.output
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Maps" type="sitemap" xmlUrl="https://gazette.example/sm.xml"/>'
        '<outline text="G" xmlUrl="https://gazette.example/feed.xml"/></body></opml>'
    )
    assert "1 added, 1 already sources" in call("import-opml", str(opml)).output
    rows = [json.loads(line) for line in call("list", "--json").output.splitlines()]
    assert [(r["kind"], r["consecutive_failures"], r["last_success"]) for r in rows] == [
        ("feed", 0, None),
        ("sitemap", 0, None),
    ]
    assert {"next_due", "last_error", "items_seen"} <= set(rows[0])
    exported = tmp_path / "out.opml"
    call("export-opml", "--out", str(exported))
    assert exported.read_bytes().count(b"<outline") == 2
    assert "removed: 2" in call("remove", "2").output
    assert call("remove", "2").exit_code == 1
    table = call("list").output
    assert "feed.xml" in table and "sm.xml" not in table  # wrapped to the terminal, never cut


def test_run_once_fails_when_all_polls_failed_and_retry_clears_backoff(site: Any, tmp_path: Path) -> None:
    """Issue #14: `run --once` says so when nothing was reached; a fixed source is retried at once."""
    db = tmp_path / "retry.db"
    site.add("/feed.xml", "down for maintenance", status=500)
    site.add("/1.html", page(3))

    def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            _cli(*args), env=env or _env(db), capture_output=True, text=True, timeout=120
        )

    assert cli("sources", "add", site.url("/feed.xml")).returncode == 0
    failed = cli("run", "--once", "--no-images")
    assert failed.returncode == 1 and "every poll failed" in failed.stderr, failed
    site.add("/feed.xml", rss([("g1", "1.html", "Lamp count 3")]), ctype="application/rss+xml")
    backed_off = cli("run", "--once", "--no-images")
    assert backed_off.returncode == 0 and "0 polls" in backed_off.stdout  # still waiting out its backoff
    retried = cli("sources", "retry", "1")
    assert retried.returncode == 0 and "due now: 1" in retried.stdout and "had 1 failures" in retried.stdout
    fixed = cli("run", "--once", "--no-images")
    assert fixed.returncode == 0 and "1 polls, 1 added, 0 failed" in fixed.stdout, fixed
    assert "0 polls" not in cli("run", "--once", "--now", "--no-images").stdout  # --now polls regardless
    assert cli("sources", "retry").returncode == 2  # neither a source nor --all
    # without the allow-list the refusal says how to allow the address
    no_allow = {**_env(db), "NEWSDESK_FETCH_ALLOW_NETWORKS": ""}
    refused = cli("run", "--once", "--now", "--no-images", env=no_allow)
    assert refused.returncode == 1 and "NEWSDESK_FETCH_ALLOW_NETWORKS=127.0.0.1" in refused.stderr, refused
