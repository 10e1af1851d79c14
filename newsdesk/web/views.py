"""Server-rendered pages: front page by heat, story, article, feeds, search.

Everything on a page comes from the web, so the templates run with
autoescape on and never mark article content ``|safe``. The two places
that build markup in Python, :func:`highlight` (search snippets) and
:func:`paragraphs`, escape the text first and add only fixed tags. Links
to outlets go through :func:`safe_url`: escaping does not stop a
``javascript:`` URL from running when clicked, only dropping it does.

Pages carry no scripts; the Content-Security-Policy the app adds to every
HTML response (:data:`CSP`) forbids them, inline or not.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..extract.text_tables import table_rows
from ..ingest.identity import title_key, url_key
from ..link.linker import Linker, decorate
from ..model import Article, now_utc
from ..publish.syndication import safe_link
from ..records import format_datetime
from ..store.base import IdentityKeys, Store
from ..store.follows import follow_to_json
from .api import feed_decisions, resolve_article
from .front import front_page
from .stories import STORY_PAGE_ARTICLES, article_summary

if TYPE_CHECKING:
    from .api import Desk

HERE = Path(__file__).resolve().parent

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    # Explicitly on for every template, whatever its extension.
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def safe_url(url: str) -> str:
    """Absolute http(s) URLs only; anything else (javascript:, data:, relative tricks) becomes ""."""
    return safe_link(url)


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blank-line separated; line-separated when it has no blank lines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return []
    parts = re.split(r"\n\s*\n", text)
    if len(parts) == 1:
        parts = text.split("\n")
    return [p.strip() for p in parts if p.strip()]


def _fold(s: str) -> str:
    # FTS5's unicode61 tokenizer folds case and drops diacritics; compare terms the same way.
    decomposed = unicodedata.normalize("NFKD", s.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_MARKED = re.compile(r"\[([^\[\]]{1,200})\]")


def highlight(snippet: str, query: str) -> Markup:
    """The FTS snippet, escaped, with its ``[term]`` highlights as ``<mark>``.

    The store marks hits with ``[``/``]``, which the article text may contain
    too; only a bracketed span holding a query term is taken as a highlight,
    other brackets stay as text. Every piece is escaped before joining.
    """
    terms = {_fold(w) for w in re.findall(r"\w+", query)}
    out: list[Markup] = []
    pos = 0
    for m in _MARKED.finditer(snippet):
        inner = m.group(1)
        if not {_fold(w) for w in re.findall(r"\w+", inner)} & terms:
            continue
        out.append(escape(snippet[pos : m.start()]))
        out.append(Markup("<mark>") + escape(inner) + Markup("</mark>"))
        pos = m.end()
    out.append(escape(snippet[pos:]))
    return Markup("").join(out)


def _date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:10]
    return (format_datetime(value) or "")[:10]


_env.filters["safe_url"] = safe_url
_env.filters["day"] = _date
_env.globals["paragraphs"] = paragraphs
_env.globals["table_rows"] = table_rows  # a paragraph that is a table (extract/text_tables.py)


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(template).render(**context), status_code=status_code)


def is_page(path: str) -> bool:
    """Whether ``path`` is one of the HTML pages (errors there are shown as a page, not JSON)."""
    if path.startswith(("/api/", "/static/", "/images/")) or path in ("/api", "/openapi.json"):
        return False
    return not path.endswith((".atom", ".json"))


def error_page(request: Request, status: int, code: str, message: str) -> HTMLResponse:
    return render("error.html", status, status=status, code=code, message=message, title=f"Error {status}")


def stored_id(store: Store, url: str) -> str | None:
    """The id of the stored article found at ``url``, if the store holds one."""
    key = url_key(url) if safe_url(url) else ""
    found = store.find_article(IdentityKeys(url_keys=(key,))) if key else None
    return found.id if found is not None else None


def original_in_store(store: Store, linker: Linker, a: Article) -> str | None:
    """The stored article a repost or rewrite names as its original: by its URL, its headline,
    else the earliest article of the same story from the outlet it credits."""
    found = stored_id(store, a.original_url)
    if found is None and a.original_title:
        match = store.find_article(IdentityKeys(title_key=title_key(a.original_title)))
        found = match.id if match is not None else None
    story = linker.story_of(a.id)
    if found is None and a.original_provider and story is not None:
        outlet = a.original_provider.casefold()
        briefs = store.briefs(linker.story_articles(story))
        same = [
            b
            for b in briefs
            if b.id != a.id and outlet in (b.provider_name.casefold(), b.provider_domain.casefold())
        ]
        same.sort(key=lambda b: (b.published is None, b.published.timestamp() if b.published else 0))
        found = same[0].id if same else None
    return found if found != a.id else None


def provenance(a: Article, original_id: str | None) -> dict[str, Any]:
    """What the article is (original, copy, repost, rewrite) and of what, for the page's header."""
    detected = a.info.get("provenance") or {}
    kind = detected.get("kind") or ("repost" if a.is_repost else "original")
    if a.info.get("copy_of"):
        kind = "copy"
    return {
        "kind": kind,
        "of_title": a.original_title,
        "of_outlet": a.original_provider,
        "of_url": safe_url(a.original_url),
        "of_id": original_id if original_id != a.id else None,
        "reasons": list(detected.get("reasons") or []),
    }


def router(desk: Desk) -> APIRouter:
    """The pages, bound to ``desk``."""
    r = APIRouter(include_in_schema=False)

    @r.get("/", response_class=HTMLResponse)
    def front(limit: Annotated[int, Query(ge=1, le=200)] = 50) -> HTMLResponse:
        with desk.store() as store, desk.board() as board:
            stories = board.listing(store, now=now_utc())[:limit]
            page = front_page(stories, board, store, desk.pictures)
            loose = [a for a in store.recent(limit=20) if board.linker.story_of(a.id) is None]
            follows = [follow_to_json(f) for f in store.list_follows()]
        return render(
            "index.html",
            title="Stories",
            **page,
            hot=any(s["heat"] >= 0 for s in stories),
            loose=[article_summary(a) for a in loose[:10]],
            follows=follows,
        )

    @r.get("/stories/{story_id}", response_class=HTMLResponse)
    def story(story_id: int, offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
        detail = desk.story_detail(story_id, limit=STORY_PAGE_ARTICLES, offset=offset)
        with desk.store() as store:
            picture = desk.pictures.first(store.get_many(detail["lead_ids"]))
            follows = store.list_follows()
        following = [f.id for f in follows if f.kind == "story" and f.target == str(story_id)]
        return render(
            "story.html",
            title=detail["headline"] or f"Story {story_id}",
            story=detail,
            picture=picture,
            following=following[0] if following else None,
            writable=bool(desk.settings.api_token),
        )

    @r.get("/articles/{ref}", response_class=HTMLResponse)
    def article(ref: str) -> HTMLResponse:
        with desk.store() as store, desk.linker() as linker:
            full = decorate(resolve_article(store, ref), store, linker)
            related = [(r, stored_id(store, r.web_url)) for r in full.related]
            original_id = full.info.get("copy_of") or original_in_store(store, linker, full)
        return render(
            "article.html",
            title=full.title or "Article",
            a=full,
            info=full.info,
            picture=desk.pictures.lead(full),
            provenance=provenance(full, original_id),
            related=related,
        )

    @r.get("/feeds", response_class=HTMLResponse)
    def feeds() -> HTMLResponse:
        return render("feeds.html", title="Feeds", feeds=[f.to_json() for f in desk.feeds.values()])

    @r.get("/feeds/{name}", response_class=HTMLResponse)
    def feed(name: str, show: str = "published") -> HTMLResponse:
        f = desk.feed(name)
        decided = feed_decisions(desk, f, now=now_utc())
        if show != "all":
            decided = [(a, d) for a, d in decided if d.published]
        items = [(article_summary(a), d) for a, d in decided[:100]]
        return render(
            "feed.html",
            title=f.title or f.name,
            feed=f.to_json(),
            items=items,
            show=show,
            writable=bool(desk.settings.api_token),
        )

    @r.get("/search", response_class=HTMLResponse)
    def search(
        q: Annotated[str, Query(max_length=500)] = "",
        mode: Annotated[Literal["fts", "semantic"], Query()] = "fts",
    ) -> HTMLResponse:
        hits = []
        if q.strip():
            with desk.store() as store:
                found = desk.search(store, q, mode, 20)
            for hit in found:
                snippet = highlight(hit["snippet"], q) if mode == "fts" else escape(hit["snippet"])
                hits.append((hit["article"], snippet))
        return render("search.html", title="Search", q=q, mode=mode, hits=hits)

    return r


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")
