"""The read-only JSON API, the feed documents and the one write endpoint (JSONL ingest).

``create_app(settings)`` builds the whole site: this module's API and feed
routes plus the server-rendered pages of :mod:`newsdesk.web.views`.

Decisions:

* A SQLite connection belongs to the thread that opened it and FastAPI runs
  sync endpoints in a thread pool, so each request opens its own store
  (cheap: one file open and a migrations check) inside the endpoint itself.
* The linker's state is loaded once and reloaded when its file changes (an
  ``newsdesk ingest`` beside the server); it is not thread-safe, so every use
  holds one lock. A self-hosted desk serves few readers; clarity wins.
* Every error, from our code, from routing or from validation, has one shape,
  ``{"error": {"code", "message"}}``; the HTML pages show the same code and
  message in a page instead (see :mod:`newsdesk.web.views`).
* Writes need ``Authorization: Bearer <api_token>``; with no token configured
  they are refused outright (403), so a fresh install is read-only.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..enrich.embed import Embedder, EmbeddingError, load_static_embedder
from ..errors import NewsdeskError, NotFound, UnreadableArticle
from ..ingest.fetch import Fetcher
from ..link.linker import Linker, decorate
from ..model import Article, now_utc
from ..pipeline import Enricher, ingest_paths, link_new
from ..publish.export import export_json
from ..publish.feeds import Decision, Feed, decide, load_feeds
from ..publish.follows import check_follows, deliver
from ..publish.syndication import (
    ATOM_TYPE,
    JSON_FEED_TYPE,
    FeedInfo,
    atom_feed,
    dump_json_feed,
    json_feed,
)
from ..records import article_to_json, dump_record
from ..secured import Keyring
from ..settings import Settings, load_settings
from ..store.base import ArticleQuery
from ..store.desk import DeskStore
from ..store.semantic import SemanticSearch
from ..store.target import open_target
from .catalog import require_token
from .guard import RequestGuard
from .pictures import Pictures
from .stories import STORY_PAGE_ARTICLES, StoryBoard, StoryNotFound, article_summary

log = logging.getLogger(__name__)
#: PostgreSQL connections a server process keeps open between requests
IDLE_CONNECTIONS = 8
#: How many of the newest articles a feed considers, and how many it publishes.
FEED_SCAN = 500
FEED_ITEMS = 50
#: Filtered listings read the store newest first in batches of this size.
MAX_LIMIT = 200

# Module level, not inside create_app: with postponed annotations FastAPI resolves them by name.
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
#: SQLite's OFFSET is a signed 64-bit integer; no listing is anywhere near this long
MAX_OFFSET = 1_000_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
#: the dates a filter may name: any instant that is a valid date in UTC
EARLIEST_FILTER = datetime(1, 1, 2, tzinfo=UTC)
LATEST_FILTER = datetime(9999, 12, 30, tzinfo=UTC)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid_request",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class Desk:
    """What every request shares: settings, feeds, the enricher and the linker."""

    def __init__(
        self, settings: Settings, *, enricher: Enricher | None = None, embedder: Embedder | None = None
    ):
        self.settings = settings
        self.feeds: dict[str, Feed] = {f.name: f for f in load_feeds(settings)}
        self._enricher = enricher
        self._embedder = embedder
        self._semantic: SemanticSearch | None = None
        self._semantic_stamp: float | None = None
        self._lock = threading.RLock()
        self._linker: Linker | None = None
        self._linker_stamp: float | None = None
        self._board: StoryBoard | None = None
        self._background: dict[str, threading.Thread] = {}
        self._idle: list[DeskStore] = []
        self.pictures = Pictures(settings.data_path / "images")

    @contextmanager
    def store(self) -> Iterator[DeskStore]:
        """A store for one request. PostgreSQL connections are kept for the next request (a
        connection costs a round trip and a backend process); SQLite's are opened per use, as a
        sqlite3 connection belongs to the thread that made it."""
        try:
            store = self._idle.pop()  # list.pop/append are atomic: no lock needed
        except IndexError:
            # The server may start a new store (it is a writer: POST /api/ingest), as `serve` does.
            store = open_target(
                self.settings.db_target, create=True, default_location=self.settings.db_is_default
            )
        ok = False
        try:
            yield store
            ok = True
        finally:
            if ok and store.backend == "postgresql" and len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append(store)
            else:
                store.close()  # an error may have left the connection unusable: never reused

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()

    def _state_stamp(self) -> float | None:
        """The generation of the story state saved in the store (any process may save one)."""
        with self.store() as store:
            return float(store.link_generation())

    @contextmanager
    def linker(self) -> Iterator[Linker]:
        """The linker in memory, held under the lock for the request.

        A newer state saved by another process (``newsdesk run`` links every poll) is
        loaded in the background with its story board warmed, while requests go on with
        the state in memory: loading a large state and ranking every story takes seconds,
        and no reader should wait for it. The first load happens at once, and so does the
        reload after this process's own ingest (``POST /api/ingest`` reads its writes).
        """
        with self._lock:
            stamp = self._state_stamp()
            if self._linker is None:
                with self.store() as store:
                    self._linker = Linker.open(store, heat=self.settings.heat)
                self._linker_stamp, self._board = float(self._linker.generation), None
            elif stamp != self._linker_stamp:
                self._refresh_in_background()
            yield self._linker

    def _in_background(self, name: str, work: Callable[[], None]) -> None:
        """Run ``work`` in a thread of its own, unless one of that name is still running."""
        running = self._background.get(name)
        if running is not None and running.is_alive():
            return
        thread = self._background[name] = threading.Thread(target=work, name=name, daemon=True)
        thread.start()

    def _refresh_in_background(self) -> None:
        started_from = self._linker_stamp

        def work() -> None:
            try:
                with self.store() as store:
                    linker = Linker.open(store, heat=self.settings.heat)
                    stamp = float(linker.generation)
                    board = StoryBoard(linker)
                    board.listing(store, now=now_utc())  # the front page's ranking, warm
            except (NewsdeskError, OSError, ValueError) as exc:
                log.warning("reloading the story state failed, serving the previous one: %s", exc)
                return
            with self._lock:
                if self._linker_stamp == started_from:  # not replaced meanwhile (own ingest)
                    self._linker, self._linker_stamp, self._board = linker, stamp, board
            self.check_follows_in_background()

        self._in_background("newsdesk-story-refresh", work)

    def check_follows_in_background(self) -> None:
        """Announce what is new to the follows: events recorded under the lock (they need the
        linker), webhooks posted outside it (a slow endpoint must not hold up readers)."""

        def work() -> None:
            try:
                with self.store() as store:
                    with self.linker() as linker:
                        report = check_follows(store, linker, feeds=self.feeds)
                    if report.follows:
                        with Fetcher.from_settings(self.settings) as fetcher:
                            for follow in store.list_follows():
                                deliver(follow, store, fetcher)
                for problem in report.failed:
                    log.warning("%s", problem)
            except (NewsdeskError, OSError) as exc:
                log.warning("checking follows failed: %s", exc)

        self._in_background("newsdesk-follows", work)

    def wait_for_refresh(self, timeout: float = 120.0) -> bool:
        """Wait (outside any request's lock) for background reloads; True if one was running."""
        running = [t for t in list(self._background.values()) if t.is_alive()]
        for thread in running:
            thread.join(timeout)
        return bool(running)

    def story_detail(self, story_id: int, *, limit: int, offset: int = 0) -> dict[str, Any]:
        """One story's page; a story too new for the state in memory waits for the reload."""
        for _ in range(2):
            with self.store() as store, self.board() as board:
                try:
                    return board.detail(story_id, store, now=now_utc(), limit=limit, offset=offset)
                except StoryNotFound as exc:
                    missing = exc
            if not self.wait_for_refresh():
                break
        raise ApiError(404, "not_found", str(missing))

    @contextmanager
    def board(self) -> Iterator[StoryBoard]:
        """Stories as pages show them, for the current linker state; held under the lock."""
        with self.linker() as linker:
            if self._board is None:
                self._board = StoryBoard(linker)
            yield self._board

    def semantic(self, store: DeskStore) -> SemanticSearch:
        """The semantic searcher, caught up with the store when first used. When the linker's
        state moves on (each ingest links what it added), the new articles are embedded in the
        background while queries go on over the vectors already loaded."""
        with self._lock:
            stamp = self._state_stamp()
            if self._semantic is None:
                try:
                    searcher = SemanticSearch(
                        self._embedder or load_static_embedder(self.settings.models_path)
                    )
                    searcher.catch_up(store)
                except EmbeddingError as exc:
                    raise ApiError(503, "unavailable", f"semantic search is unavailable: {exc}") from exc
                self._semantic, self._semantic_stamp = searcher, stamp
            elif stamp != self._semantic_stamp:
                self._semantic_stamp = stamp
                self._in_background("newsdesk-embed", self._embed_new)
            return self._semantic

    def _embed_new(self) -> None:
        searcher = self._semantic
        if searcher is None:
            return
        try:
            with self.store() as store:
                searcher.catch_up(store)
        except NewsdeskError as exc:
            log.warning("embedding new articles for semantic search failed: %s", exc)

    def search(self, store: DeskStore, q: str, mode: str, limit: int) -> list[dict[str, Any]]:
        """Hits of ``mode`` (``fts``: ranked words; ``semantic``: closest in meaning)."""
        if mode == "fts":
            return [
                {"article": article_summary(h.article), "snippet": h.snippet, "rank": h.rank}
                for h in store.search(q, limit=limit)
            ]
        if mode == "semantic":
            return [
                {"article": article_summary(h.article), "snippet": h.snippet, "score": round(h.score, 4)}
                for h in self.semantic(store).search(store, q, limit=limit)
            ]
        raise ApiError(400, "bad_request", f"unsupported search mode {mode!r} (use fts or semantic)")

    def enricher(self) -> Enricher:
        if self._enricher is None:
            self._enricher = Enricher.from_settings(self.settings)
        return self._enricher

    def feed(self, name: str) -> Feed:
        feed = self.feeds.get(name)
        if feed is None:
            raise ApiError(404, "not_found", f"no feed {name!r}")
        return feed

    def ingest(self, body: bytes) -> dict[str, Any]:
        """Ingest a JSONL body through the normal pipeline and link what is new."""
        with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as tmp:
            path = Path(tmp) / "body.jsonl"
            path.write_bytes(body)
            with self.store() as store, self.linker() as linker:
                report = ingest_paths(
                    [path],
                    store,
                    max_bytes=self.settings.max_input_bytes,
                    enricher=self.enricher(),
                    linker=linker,
                )
                self._linker_stamp = float(linker.generation)
                self._board = None
                if self._semantic is not None:
                    self._semantic.catch_up(store)  # the client searches what it just posted
                    self._semantic_stamp = self._linker_stamp
        self.check_follows_in_background()
        # The temporary path means nothing to the client; its line numbers do.
        failed = [msg.replace(str(path), "body") for msg in report.failed]
        return {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failed": failed,
            "ids": report.article_ids,
        }


# --------------------------------------------------------------------------- shared views of data


def article_detail(article: Article, store: DeskStore, linker: Linker) -> dict[str, Any]:
    """Every stored field, with related coverage, heat and story/event ids from the linker."""
    full = decorate(article, store, linker)
    data = article_to_json(full)
    data.update(
        story_id=full.info.get("story_id"),
        event_id=full.info.get("event_id"),
        copy_of=full.info.get("copy_of"),
        heat_parts=full.info.get("heat_parts", {}),
    )
    return data


def feed_decisions(
    desk: Desk, feed: Feed, *, now: datetime, scan: int = FEED_SCAN
) -> list[tuple[Article, Decision]]:
    """The newest ``scan`` articles with the feed's decision on each."""
    with desk.store() as store, desk.linker() as linker:
        articles = store.recent(limit=scan)
        return [(a, decide(a, feed, now=now, copy_of=linker.original_of(a.id))) for a in articles]


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every API route, into included routers (FastAPI 0.165 keeps those nested, unprefixed here)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (inner := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(inner.routes)


def _no_bare_number(value: Any) -> Any:
    # pydantic reads "0.5" as a Unix time; the schema says an ISO-8601 date-time, so a bare number
    # is refused (422) rather than taken as 1970 (schemathesis: a schema-violating request accepted)
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and re.fullmatch(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", value)
    ):
        raise ValueError("expected an ISO-8601 date-time, not a number")
    return value


FilterDate = Annotated[datetime | None, BeforeValidator(_no_bare_number)]


def _filter_date(name: str, value: datetime | None) -> datetime | None:
    """A listing filter date in UTC; 422 for one that has no UTC equivalent (year 1 at +14:00)."""
    if value is None:
        return None
    problem = f"{name}: {value.isoformat()} is outside the range of dates"
    try:
        when = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except (OverflowError, ValueError) as exc:
        raise ApiError(422, "invalid_request", problem) from exc
    if not EARLIEST_FILTER <= when <= LATEST_FILTER:
        raise ApiError(422, "invalid_request", problem)
    return when


def resolve_article(store: DeskStore, ref: str) -> Article:
    try:
        return store.resolve(ref)
    except NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    except UnreadableArticle as exc:  # a row written past the checks: this article only is lost
        raise ApiError(404, "unreadable", f"article {ref!r} is stored but cannot be read ({exc})") from exc


def _base(request: Request) -> str:
    """The server's public URL for links and ids in feeds: the ``base_url`` setting, else the
    address the server listens on. Never the Host header: a client could put any origin there
    and have it written into every link and Atom id a reader's feed client then trusts."""
    configured = request.app.state.desk.settings.base_url
    if configured:
        return str(configured).rstrip("/")
    host, port = request.scope.get("server") or ("localhost", None)
    scheme = request.scope.get("scheme", "http")
    shown = f"[{host}]" if ":" in str(host) else str(host)
    default = (scheme == "http" and port == 80) or (scheme == "https" and port == 443) or port is None
    return f"{scheme}://{shown}" + ("" if default else f":{port}")


# --------------------------------------------------------------------------- the app


def create_app(
    settings: Settings, *, enricher: Enricher | None = None, embedder: Embedder | None = None
) -> FastAPI:
    """The whole site for the store ``settings`` names; ``enricher`` (for ingest) and ``embedder``
    (for semantic search) replace the configured ones (tests, tuning)."""
    from . import catalog, follow_pages, views  # the pages build on this module's helpers

    desk = Desk(settings, enricher=enricher, embedder=embedder)
    # Swagger/ReDoc pages load scripts from a CDN and inline, which the CSP forbids; the
    # OpenAPI document itself stays at /openapi.json.
    app = FastAPI(title="newsdesk", docs_url=None, redoc_url=None)
    app.state.desk = desk

    def wants_html(request: Request) -> bool:
        return views.is_page(request.url.path)

    def error_response(request: Request, status: int, code: str, message: str) -> Response:
        if wants_html(request):
            return views.error_page(request, status, code, message)
        return JSONResponse(error_body(code, message), status_code=status)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        response = error_response(request, exc.status, exc.code, exc.message)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _CODES.get(exc.status_code, "error")
        response = error_response(request, exc.status_code, code, str(exc.detail))
        for name, value in (exc.headers or {}).items():  # 405's Allow, 401's WWW-Authenticate
            response.headers[name] = value
        if exc.status_code == 405:
            # Starlette's Allow names the methods of the first route matching the path; a path
            # served by several routes (GET and POST /api/follows) allows all of theirs
            matching = [r for r in _api_routes(app.routes) if r.path_regex.match(request.url.path)]
            allowed = {m for r in matching for m in r.methods or ()}
            if allowed:
                response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The last resort keeps the one error shape (never a plain-text 500) and logs the cause.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal_error", f"internal error: {type(exc).__name__}")

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()
        )
        return error_response(request, 422, "invalid_request", problems or "invalid request")

    @app.exception_handler(NewsdeskError)
    async def _newsdesk_error(request: Request, exc: NewsdeskError) -> Response:
        if isinstance(exc, NotFound):
            return error_response(request, 404, "not_found", str(exc))
        if isinstance(exc, UnreadableArticle):
            return error_response(request, 404, "unreadable", str(exc))
        return error_response(request, 500, "internal_error", f"{type(exc).__name__}: {exc}")

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = views.CSP
            response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.get("/api/articles")
    def articles(
        limit: Limit = 50,
        offset: Offset = 0,
        topic: str | None = None,
        since: FilterDate = None,
        until: FilterDate = None,
        outlet: str | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        since, until = _filter_date("since", since), _filter_date("until", until)
        where = ArticleQuery(topic, since, until, outlet, language)
        with desk.store() as store:
            # One row more than the page says whether there is a next one; a filtered total
            # would cost a scan of every match, so it is only given unfiltered.
            items = store.query(where, limit=limit + 1, offset=offset)
            total = None if where.active() else store.count()
        more = len(items) > limit
        return {
            "items": [article_summary(a) for a in items[:limit]],
            "limit": limit,
            "offset": offset,
            "total": total,
            "next_offset": offset + limit if more else None,
        }

    @app.get("/api/articles/{ref}")
    def article(ref: str) -> dict[str, Any]:
        with desk.store() as store, desk.linker() as linker:
            return article_detail(resolve_article(store, ref), store, linker)

    @app.get("/api/articles/{ref}/record", response_class=Response)
    def record(ref: str, format: Literal["md", "json"] = "md") -> Response:
        """The article as `newsdesk export` writes it: a seed-format record, or its JSON form."""
        with desk.store() as store, desk.linker() as linker:
            full = decorate(resolve_article(store, ref), store, linker)
        keyring = Keyring.from_settings(settings)
        if format == "json":  # as `newsdesk export --format json` writes it
            return JSONResponse(export_json(full, keyring=keyring))
        text = dump_record(full, keyring=keyring)
        return Response(text, media_type="text/markdown; charset=utf-8")

    @app.get("/api/stories")
    def stories(limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        with desk.store() as store, desk.board() as board:
            listed = board.listing(store, now=now_utc())
        return {
            "items": listed[offset : offset + limit],
            "limit": limit,
            "offset": offset,
            "total": len(listed),
        }

    @app.get("/api/stories/{story_id}")
    def story(story_id: int, limit: Limit = STORY_PAGE_ARTICLES, offset: Offset = 0) -> dict[str, Any]:
        detail = dict(desk.story_detail(story_id, limit=limit, offset=offset))
        if detail.get("chart"):  # the page's SVG stays on the page; the API gives the counts behind it
            detail["chart"] = {k: v for k, v in detail["chart"].items() if k != "svg"}
        return detail

    @app.get("/api/search")
    def search(
        q: Annotated[str, Query(min_length=1, max_length=500)],
        mode: Annotated[
            Literal["fts", "semantic"], Query(description="fts (words, ranked) or semantic (meaning)")
        ] = "fts",
        limit: Limit = 20,
    ) -> dict[str, Any]:
        with desk.store() as store:
            items = desk.search(store, q, mode, limit)
            total = store.count_search(q) if mode == "fts" else None
        return {"query": q, "mode": mode, "total": total, "items": items}

    @app.get("/api/feeds")
    def feeds(request: Request) -> dict[str, Any]:
        base = _base(request)
        return {
            "items": [
                dict(
                    f.to_json(),
                    atom=f"{base}/feeds/{f.name}.atom",
                    json_feed=f"{base}/feeds/{f.name}.json",
                )
                for f in desk.feeds.values()
            ]
        }

    @app.get("/api/feeds/{name}")
    def feed(name: str, published_only: bool = False, limit: Limit = 50) -> dict[str, Any]:
        f = desk.feed(name)
        decided = feed_decisions(desk, f, now=now_utc())
        if published_only:
            decided = [(a, d) for a, d in decided if d.published]
        return {
            "feed": f.to_json(),
            "items": [dict(article_summary(a), decision=d.to_json()) for a, d in decided[:limit]],
        }

    def feed_info(request: Request, f: Feed, ext: str) -> FeedInfo:
        base = _base(request)
        return FeedInfo(
            id=f"{base}/feeds/{f.name}",
            title=f.title or f.name,
            self_url=f"{base}/feeds/{f.name}.{ext}",
            home_url=f"{base}/feeds/{f.name}",
            base_url=base,
        )

    def estimates(articles: list[Article]) -> dict[str, datetime]:
        """Undated articles' dates as their stories place them (never their ingest time)."""
        if all(a.published is not None for a in articles):
            return {}
        with desk.linker() as linker:
            return linker.estimates(articles)

    def published(f: Feed) -> tuple[list[Article], dict[str, datetime]]:
        items = [a for a, d in feed_decisions(desk, f, now=now_utc()) if d.published][:FEED_ITEMS]
        return items, estimates(items)

    @app.get("/feeds/{name}.atom", response_class=Response)
    def feed_atom(request: Request, name: str) -> Response:
        f = desk.feed(name)
        return Response(atom_feed(feed_info(request, f, "atom"), *published(f)), media_type=ATOM_TYPE)

    @app.get("/feeds/{name}.json", response_class=Response)
    def feed_json(request: Request, name: str) -> Response:
        f = desk.feed(name)
        doc = json_feed(feed_info(request, f, "json"), *published(f))
        return Response(dump_json_feed(doc), media_type=JSON_FEED_TYPE)

    def story_feed(
        request: Request, story_id: int, ext: str
    ) -> tuple[FeedInfo, list[Article], dict[str, datetime]]:
        detail = desk.story_detail(story_id, limit=FEED_ITEMS)
        with desk.store() as store:
            articles = store.get_many([a["id"] for a in detail["articles"]])
        base = _base(request)
        info = FeedInfo(
            id=f"{base}/stories/{story_id}",
            title=detail["headline"] or f"story {story_id}",
            self_url=f"{base}/stories/{story_id}.{ext}",
            home_url=f"{base}/stories/{story_id}",
            base_url=base,
        )
        return info, articles, estimates(articles)

    @app.get("/stories/{story_id}.atom", response_class=Response)
    def story_atom(request: Request, story_id: int) -> Response:
        return Response(atom_feed(*story_feed(request, story_id, "atom")), media_type=ATOM_TYPE)

    @app.get("/stories/{story_id}.json", response_class=Response)
    def story_json(request: Request, story_id: int) -> Response:
        doc = json_feed(*story_feed(request, story_id, "json"))
        return Response(dump_json_feed(doc), media_type=JSON_FEED_TYPE)

    @app.post("/api/ingest", status_code=200)
    async def ingest(request: Request) -> dict[str, Any]:
        require_token(request, settings)
        body = await request.body()
        if len(body) > settings.max_input_bytes:
            raise ApiError(413, "too_large", f"body over {settings.max_input_bytes} bytes")
        if not body.strip():
            raise ApiError(400, "bad_request", "empty body: post JSON Lines, one article a line")
        return await run_in_threadpool(desk.ingest, body)

    app.include_router(catalog.router(desk))
    app.include_router(follow_pages.router(desk))
    app.include_router(desk.pictures.router())
    app.include_router(views.router(desk))
    app.mount("/static", views.static_files(), name="static")
    declare_error_responses(app)
    app.add_middleware(RequestGuard, settings=settings)
    return app


def app_from_environment() -> FastAPI:
    """The app of one `newsdesk serve --workers N` process, from the config file and environment."""
    return create_app(load_settings())


_READ_ERRORS = (404, 422)
_WRITE_ERRORS = (400, 401, 403, 404, 413, 422)
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def declare_error_responses(app: FastAPI) -> None:
    """Declare in the OpenAPI document every error status an operation can answer, with the one
    error shape: a client generated from /openapi.json (or schemathesis) must find each status it
    meets. Done on the document (not the routes) so included routers are covered alike."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        if schema.get("x-newsdesk-errors"):
            return schema
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = _ERROR_SCHEMA
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                statuses = _WRITE_ERRORS if method in ("post", "put", "patch", "delete") else _READ_ERRORS
                for status in statuses:
                    operation["responses"].setdefault(
                        str(status),
                        {
                            "description": _CODES.get(status, "error").replace("_", " "),
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                            },
                        },
                    )
        schema["x-newsdesk-errors"] = True
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def link_on_start(settings: Settings, *, progress: Callable[[str], None] | None = None) -> Embedder | None:
    """Link what the store holds and the saved state lacks, and embed what semantic search
    lacks, so the server starts consistent and its first requests are not the slow ones.
    Returns the embedder it loaded (None when semantic search is unavailable): the app gets it,
    or its first semantic query would load the model again."""
    # The server is a writer (POST /api/ingest): it may start on a new store.
    with open_target(settings.db_target, create=True, default_location=settings.db_is_default) as store:
        link_new(store, Linker.open(store))
        try:
            embedder = load_static_embedder(settings.models_path)
        except EmbeddingError as exc:
            if progress:
                progress(f"semantic search unavailable: {exc}")
            return None
        done = SemanticSearch(embedder).catch_up(store)
        if progress and done:
            progress(f"semantic search: {done} articles embedded")
    return embedder
