"""The live loop: poll each source when it is due, ingest what is new, link it, repeat.

* Each source has its own interval, adapted to how busy it is: a poll that
  finds new items moves the interval toward "about two new items per poll",
  an idle poll (or a 304) stretches it by half; always within
  [``poll_min_interval``, ``poll_max_interval``].
* A failing source is recorded (last error, consecutive failures) and backed
  off exponentially, honouring Retry-After; the others go on.
* Sources due together are fetched at once (``poll_concurrency`` requests in flight, within
  the fetcher's per-host limits), and each poll's pages a few ahead of the one in hand; this
  thread alone parses, ingests and writes, source by source as their fetches complete, so
  a slow source (each request ends at ``fetch_total_timeout``) holds up only itself.
* SIGINT/SIGTERM finish the item in hand, link and save, and return: exit 0.
* After a ``kill -9`` nothing committed is lost and nothing is doubled: every
  article commits in its own transaction, an item is marked done only after
  its article committed, and re-ingesting an unmarked item is idempotent
  (content hash, then the article's identity). Pages fetched ahead but not yet
  committed (at most ``PAGES_AHEAD`` a source) are fetched again on restart.
"""

from __future__ import annotations

import contextlib
import math
import random
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from ..errors import FetchError, InputError, NewsdeskError, StoreError
from ..link.linker import Linker
from ..model import Article, RawDocument, now_utc
from ..pipeline import BATCH_SIZE, Engine, Enricher, Prepared, commit, ingest_document, link_new
from ..store.base import IdentityKeys, Store, StoredInput
from ..store.desk import DeskStore
from ..store.sources import Source, SourceStore
from .feeds import Feed, FeedEntry, parse_feed, summary_document
from .fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchResult, HTTPStatusError
from .images import ImageCache
from .sitemaps import SitemapEntry, parse_sitemap

#: a poll handles at most this many new items; the rest wait for the next poll (politeness, latency)
MAX_ITEMS_PER_POLL = 100
MAX_CHILD_SITEMAPS = 20
_TARGET_PER_POLL = 2.0
#: pages of a poll fetched ahead of the one being ingested (bounded: each holds a body in memory)
PAGES_AHEAD = 4

Log = Callable[[str], None]


@dataclass
class PollReport:
    source: str
    listed: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    error: str = ""
    not_modified: bool = False


@dataclass
class RunReport:
    polls: list[PollReport] = field(default_factory=list)
    stopped_by_signal: bool = False

    @property
    def added(self) -> int:
        return sum(p.added for p in self.polls)


def adapt_interval(current: float, new_items: int, since_last: float | None, lo: float, hi: float) -> float:
    """The next interval: toward ~2 new items a poll when busy, 1.5x longer when idle."""
    if new_items <= 0:
        target = current * 1.5
    elif since_last is None or since_last <= 0:
        target = current  # the first poll lists a backlog: no rate to learn from
    else:
        rate = new_items / since_last
        # geometric mean: move halfway (in log terms) so one burst does not swing the interval
        target = math.sqrt(current * (_TARGET_PER_POLL / rate))
    return min(hi, max(lo, target))


def failure_delay(source: Source, failures: int, lo: float, hi: float, retry_after: float | None) -> float:
    """Exponential backoff after ``failures`` failures in a row, with jitter, honouring Retry-After."""
    base = max(lo, min(source.interval, hi))
    delay = min(hi, base * (2 ** min(failures - 1, 16))) * (0.9 + 0.2 * random.random())
    return max(delay, retry_after or 0.0)


class _Annotate:
    """The store as ``ingest_document`` sees it, with facts about the input added before saving.

    Lets the scheduler say where an article came from (a feed's own summary, a
    feed's date for an undated page) without reaching into the pipeline.
    """

    def __init__(self, store: SourceStore, info: dict[str, Any], published: datetime | None):
        self._store = store
        self._info = info
        self._published = published

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save(self, article: Article, keys: IdentityKeys, new_input: StoredInput) -> bool:
        for target in (article, new_input.article):
            target.info.update(self._info)
            if target.published is None and self._published is not None:
                target.published, target.published_source = self._published, "feed"
        return self._store.save(article, keys, new_input)


class Scheduler:
    def __init__(
        self,
        store: DeskStore,
        fetcher: Fetcher,
        *,
        enricher: Enricher | None = None,
        linker: Linker | None = None,
        images: ImageCache | None = None,
        min_interval: float = 300.0,
        max_interval: float = 86400.0,
        log: Log | None = None,
        engine: Engine | None = None,
        concurrency: int = 8,
    ):
        #: with an engine (Ray), a poll fetches its new pages first and hands them to the
        #: engine's workers in batches; without, each page is ingested as it is fetched
        self.engine = engine
        self.store = store
        self.fetcher = fetcher
        self.enricher = enricher or Enricher()
        self.linker = linker
        self.images = images
        self.min_interval = min_interval
        self.max_interval = max_interval
        self.log = log or (lambda message: None)
        self.stop = threading.Event()
        #: requests in flight at once across sources; 1 polls one source after another
        self.concurrency = max(1, concurrency)
        self._pool: ThreadPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings: Any, store: DeskStore, fetcher: Fetcher, **kwargs: Any) -> Scheduler:
        return cls(
            store,
            fetcher,
            min_interval=settings.poll_min_interval,
            max_interval=settings.poll_max_interval,
            concurrency=settings.poll_concurrency,
            **kwargs,
        )

    # -- the loop ---------------------------------------------------------
    def run(self, *, once: bool = False, idle_wait: float = 60.0) -> RunReport:
        """Poll due sources until stopped (or, with ``once``, until none is due)."""
        report = RunReport()
        while not self.stop.is_set():
            due = self.store.due_sources()
            report.polls += self.poll_all(due)
            if once:
                break
            if not due:
                upcoming = self.store.next_due()
                wait = idle_wait if upcoming is None else (upcoming - now_utc()).total_seconds()
                self.stop.wait(min(max(wait, 0.5), idle_wait))
        report.stopped_by_signal = self.stop.is_set()
        return report

    @contextlib.contextmanager
    def signals(self) -> Iterator[None]:
        """SIGINT/SIGTERM ask the loop to stop after the item in hand (main thread only)."""

        def handler(signum: int, frame: object) -> None:
            self.log(f"{signal.Signals(signum).name}: finishing the current item, then stopping")
            self.stop.set()

        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for s, h in previous.items():
                signal.signal(s, h)

    def poll_all(self, sources: list[Source]) -> list[PollReport]:
        """Poll ``sources``, their fetches at once in worker threads; reports in ``sources`` order.

        The workers only fetch (the fetcher is thread-safe and keeps the per-host limits);
        this thread polls each source as soon as its fetch is done: one writer, no store
        connection shared across threads.
        """
        if self.concurrency == 1 or len(sources) < 2:
            reports = []
            for source in sources:
                if self.stop.is_set():
                    break
                reports.append(self.poll(source))
            return reports
        done: dict[int, PollReport] = {}
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="newsdesk-fetch")
        self._pool = pool
        try:
            pending: dict[Future[FetchResult | Exception], int] = {
                pool.submit(self._fetch_source, source): i for i, source in enumerate(sources)
            }
            while pending and not self.stop.is_set():
                # a timeout, so that a signal's stop is seen while every fetch is still out
                finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    if self.stop.is_set():
                        break
                    i = pending.pop(future)
                    done[i] = self.poll(sources[i], fetched=future.result())
        finally:
            self._pool = None
            # stopping: requests still out end on their own deadline; nothing waits for them
            pool.shutdown(wait=not self.stop.is_set(), cancel_futures=True)
        return [done[i] for i in sorted(done)]

    def _fetch_source(self, source: Source) -> FetchResult | Exception:
        """The source's own document (feed, sitemap, page), or why not (raised later, in ``poll``)."""
        try:
            return self.fetcher.fetch(
                source.url,
                accept=FEED_TYPES if source.kind != "url" else HTML_TYPES,
                etag=source.etag,
                last_modified=source.last_modified,
            )
        except Exception as exc:
            return exc

    def _page(self, url: str) -> RawDocument | str:
        """An item's page, or why it could not be had."""
        try:
            return self.fetcher.fetch(url).html_document()
        except FetchError as exc:
            return str(exc)

    # -- one source -------------------------------------------------------
    def poll(self, source: Source, *, fetched: FetchResult | Exception | None = None) -> PollReport:
        """Poll one source; ``fetched``: its document, already fetched (or the failure to)."""
        report = PollReport(source.url)
        started = now_utc()
        try:
            result = self._fetch_source(source) if fetched is None else fetched
            if isinstance(result, Exception):
                raise result
            title: str | None = None
            if result.not_modified:
                report.not_modified = True
            elif source.kind == "feed":
                feed = parse_feed(result.content, result.url)
                title = feed.title or None
                self._entries(source, feed.entries, report, feed)
            elif source.kind == "sitemap":
                self._sitemap(source, result.content, result.url, report)
            else:
                _, error = self._ingest(source, source.url, result.html_document(), report, {}, None)
                if error:
                    raise InputError(error)
        except StoreError:
            raise  # the store itself failed: every later source would fail the same way
        except NewsdeskError as exc:
            return self._failed(source, report, exc)
        except Exception as exc:  # a bug on one source's data must not stop the desk
            return self._failed(source, report, exc)
        if report.added and self.linker is not None:
            link_new(self.store, self.linker)
        since = (started - source.last_polled).total_seconds() if source.last_polled else None
        interval = adapt_interval(source.interval, report.added, since, self.min_interval, self.max_interval)
        self.store.record_success(
            source.id,
            interval=interval,
            next_due=started + timedelta(seconds=interval),
            etag=result.etag,
            last_modified=result.last_modified,
            added=report.added,
            title=title,
        )
        self.log(
            f"{source.url}: {report.added} added, {report.updated} updated, {len(report.failed)} failed"
            + (" (not modified)" if report.not_modified else "")
        )
        return report

    def _failed(self, source: Source, report: PollReport, exc: Exception) -> PollReport:
        internal = not isinstance(exc, NewsdeskError)
        report.error = f"internal error: {type(exc).__name__}: {exc}" if internal else str(exc)
        retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        delay = failure_delay(
            source, source.consecutive_failures + 1, self.min_interval, self.max_interval, retry_after
        )
        self.store.record_failure(source.id, report.error, next_due=now_utc() + timedelta(seconds=delay))
        self.log(f"{source.url}: failed ({report.error}); next try in {delay:.0f} s")
        return report

    def _entries(self, source: Source, entries: list[FeedEntry], report: PollReport, feed: Feed) -> None:
        report.listed = len(entries)
        by_key = {e.id: e for e in entries}
        pending = self.store.pending_items(source.id, list(by_key))
        # feeds list newest first; oldest first keeps a story's order when a backlog is caught up
        keys = list(reversed(pending))[-MAX_ITEMS_PER_POLL:]
        pages, prepared = self._prefetch([(key, by_key[key].url) for key in keys])
        try:
            for key in keys:
                if self.stop.is_set():
                    return
                self._entry(source, key, by_key[key], feed, report, pages.take(key), prepared.get(key))
        finally:
            pages.cancel()

    def _prefetch(self, items: list[tuple[str, str]]) -> tuple[_Pages, dict[str, Prepared]]:
        """The items' pages, fetched ahead in the worker threads when polling concurrently;
        with an engine, every page first, then prepared by the engine in batches."""
        pages = _Pages(self._pool, self._page, [(k, u) for k, u in items if u], PAGES_AHEAD)
        if self.engine is None:
            return pages, {}
        docs: list[tuple[str, RawDocument]] = []
        for key, url in items:
            if self.stop.is_set():
                break
            if url:
                page = pages.take(key)
                if page is None:
                    page = self._page(url)
                pages.keep(key, page)
                if isinstance(page, RawDocument):
                    docs.append((key, page))
        batches = [docs[i : i + BATCH_SIZE] for i in range(0, len(docs), BATCH_SIZE)]
        prepared: dict[str, Prepared] = {}
        for batch, done in zip(batches, self.engine.prepare([d for _, d in b] for b in batches), strict=True):
            prepared.update((key, item) for (key, _), item in zip(batch, done, strict=True))
        return pages, prepared

    def _entry(
        self,
        source: Source,
        key: str,
        entry: FeedEntry,
        feed: Feed,
        report: PollReport,
        fetched: RawDocument | str | None = None,
        prepared: Prepared | None = None,
    ) -> None:
        """The entry's page; when it cannot be had (or yields no article), the feed's own text."""
        if entry.url:
            if fetched is None:
                fetched = self._page(entry.url)
            if isinstance(fetched, str):
                reason = fetched
            else:
                page = fetched
                article_id, error = self._ingest(source, key, page, report, {}, entry.published, prepared)
                if article_id is not None:
                    return
                reason = error or "no article"
        else:
            reason = "the entry links to no page"
        if entry.title and (entry.content or entry.summary):
            doc = summary_document(entry, feed)
            info = {"from_feed_summary": reason}
            article_id, error = self._ingest(source, key, doc, report, info, entry.published)
            if article_id is not None:
                return
            reason = f"{reason}; feed summary: {error}"
        self._item_failed(source, key, reason, report)

    def _sitemap(self, source: Source, content: bytes, url: str, report: PollReport) -> None:
        sitemap = parse_sitemap(content, url, max_bytes=self.fetcher.policy.max_bytes)
        entries: list[SitemapEntry] = list(sitemap.entries)
        if sitemap.kind == "index":
            children = sorted(sitemap.children, key=lambda c: c.lastmod.timestamp() if c.lastmod else 0)
            for child in children[-MAX_CHILD_SITEMAPS:]:
                try:
                    fetched = self.fetcher.fetch(child.url, accept=FEED_TYPES)
                    entries.extend(parse_sitemap(fetched.content, fetched.url).entries)
                except (FetchError, InputError) as exc:
                    report.failed.append(str(exc))

        # by the news date, else lastmod, undated first: the newest are kept when over the limit
        def when(e: SitemapEntry) -> float:
            d = e.published or e.lastmod
            return d.timestamp() if d else 0.0

        entries.sort(key=when)
        report.listed = len(entries)
        by_key = {e.url: e for e in entries}
        pending = self.store.pending_items(source.id, list(by_key))
        keys = pending[-MAX_ITEMS_PER_POLL:]
        pages, prepared = self._prefetch([(key, by_key[key].url) for key in keys])
        try:
            for key in keys:
                if self.stop.is_set():
                    return
                entry = by_key[key]
                page = pages.take(key)
                if page is None:
                    page = self._page(entry.url)
                if isinstance(page, str):
                    self._item_failed(source, key, page, report)
                    continue
                article_id, error = self._ingest(
                    source, key, page, report, {}, entry.published, prepared.get(key)
                )
                if article_id is None:
                    self._item_failed(source, key, error, report)
        finally:
            pages.cancel()

    # -- one item ---------------------------------------------------------
    def _ingest(
        self,
        source: Source,
        key: str,
        doc: RawDocument,
        report: PollReport,
        info: dict[str, Any],
        published: datetime | None,
        prepared: Prepared | None = None,
    ) -> tuple[str | None, str]:
        """(article id, "") once committed and marked done; (None, why) when it yields no article."""
        store = cast(Store, _Annotate(self.store, {**info, "live_source": source.url}, published))
        try:
            if prepared is not None:  # extracted and enriched by the engine's workers
                article_id, outcome = commit(prepared, store, self.enricher)
            else:
                article_id, outcome = ingest_document(doc, store, self.enricher)
        except StoreError:
            raise
        except NewsdeskError as exc:
            return None, str(exc)
        except Exception as exc:  # one bad page must not stop the poll
            return None, f"{doc.source}: internal error: {type(exc).__name__}: {exc}"
        setattr(report, outcome, getattr(report, outcome) + 1)
        if source.kind != "url":
            self.store.item_done(source.id, key, article_id or None)
        if outcome == "added" and self.images is not None and article_id:
            self._cache_images(article_id)
        return article_id, ""

    def _item_failed(self, source: Source, key: str, error: str, report: PollReport) -> None:
        report.failed.append(error)
        if source.kind != "url":
            self.store.item_failed(source.id, key, error)

    def _cache_images(self, article_id: str) -> None:
        assert self.images is not None
        article = self.store.get(article_id)
        images, info = self.images.cache_article(article)
        self.store.set_article_images(article_id, images, info)


class _Pages:
    """A poll's item pages, fetched in the worker pool up to ``window`` ahead of the one taken.

    Without a pool (one source at a time) nothing is fetched ahead: :meth:`take` answers
    None and the caller fetches the page itself, as it needs it.
    """

    def __init__(
        self,
        pool: ThreadPoolExecutor | None,
        fetch: Callable[[str], RawDocument | str],
        items: list[tuple[str, str]],
        window: int,
    ):
        self._pool, self._fetch, self._items, self._window = pool, fetch, items, window
        self._next = 0
        self._ahead: dict[str, Future[RawDocument | str]] = {}
        self._kept: dict[str, RawDocument | str] = {}
        self._fill()

    def _fill(self) -> None:
        if self._pool is None:
            return
        while self._next < len(self._items) and len(self._ahead) < self._window:
            key, url = self._items[self._next]
            self._next += 1
            self._ahead[key] = self._pool.submit(self._fetch, url)

    def take(self, key: str) -> RawDocument | str | None:
        """The page of ``key`` (waiting for its fetch), or None: not fetched ahead."""
        if key in self._kept:
            return self._kept.pop(key)
        future = self._ahead.pop(key, None)
        if future is None:
            if self._pool is None:
                return None
            # taken out of order (or past the window): fetched now, in this thread
            url = next((u for k, u in self._items if k == key), "")
            return self._fetch(url) if url else None
        try:
            return future.result()
        finally:
            self._fill()

    def keep(self, key: str, page: RawDocument | str) -> None:
        """Hold a taken page for a later :meth:`take` (an engine prepares pages first)."""
        self._kept[key] = page

    def cancel(self) -> None:
        for future in self._ahead.values():
            future.cancel()
        self._ahead.clear()
