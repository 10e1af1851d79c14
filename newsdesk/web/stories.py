"""Stories as the pages and the API show them: the front page by heat, one story in full.

Two things are expensive to derive: which articles a story holds (a pass over
every event of the linker) and a story's timeline (every member's text, scanned
for dates). Both change only when the linker's state changes, so a
:class:`StoryBoard` computes them once per linker state and every request
shares it. Heat changes with the clock as well, so the front-page listing is
recomputed when it is older than ``LISTING_TTL_SECONDS``; a story page keeps
its articles, coverage and related items for ``STORY_TTL_SECONDS`` and
recomputes its heat on every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..link.heat import HeatResult
from ..link.linker import Linker
from ..link.timeline import Development, story_timeline
from ..model import Article
from ..records import format_datetime
from ..store.base import ArticleBrief, Store
from .story_view import countries, coverage_chart, heat_words, seen

#: how long the front page's heat ranking is reused before it is recomputed
LISTING_TTL_SECONDS = 30.0
#: how long a story page's articles, coverage and related items are reused (heat is always fresh)
STORY_TTL_SECONDS = 60.0
#: articles a story page lists at once (the coverage table still counts them all)
STORY_PAGE_ARTICLES = 50
#: articles shown under one development of a timeline (copies folded under their original)
DEVELOPMENT_ARTICLES = 10
#: articles whose place names are read for the countries a story covers
COUNTRY_SAMPLE = 300


class StoryNotFound(LookupError):
    """No story has this id (or it was merged into another)."""


def _newest_first(published: datetime | None) -> tuple[bool, float]:
    return (published is None, -(published.timestamp() if published else 0.0))


def article_summary(article: Article) -> dict[str, Any]:
    """An article as listings show it (the same fields as :func:`brief_summary`)."""
    return brief_summary(
        ArticleBrief(
            id=article.id,
            title=article.title,
            published=article.published,
            provider_name=article.provider.name,
            provider_domain=article.provider.domain,
            quality=article.quality,
            external_id=article.external_id,
            excerpt=article.excerpt,
            url=article.url,
            web_url=article.web_url,
            language=article.language,
            topics=tuple(article.topics),
        )
    )


def brief_summary(b: ArticleBrief) -> dict[str, Any]:
    """An article as listings show it, from a brief (no need to load the whole article)."""
    return {
        "id": b.id,
        "external_id": b.external_id,
        "title": b.title,
        "excerpt": b.excerpt,
        "url": b.url,
        "web_url": b.web_url,
        "published": format_datetime(b.published),
        "provider": {"name": b.provider_name, "domain": b.provider_domain},
        "language": b.language,
        "topics": list(b.topics),
        "quality": b.quality,
    }


def _brief_json(b: ArticleBrief) -> dict[str, Any]:
    return {
        "id": b.id,
        "title": b.title,
        "published": format_datetime(b.published),
        "provider": {"name": b.provider_name, "domain": b.provider_domain},
    }


class StoryBoard:
    """Story membership and timelines for one linker state; build a new one when it changes."""

    def __init__(self, linker: Linker):
        self.linker = linker
        engine = linker.engine
        members: dict[int, list[str]] = {}
        for event, ids in engine.events().items():
            members.setdefault(engine.story_of_event(event), []).extend(ids)
        self.members = members
        self._timelines: dict[int, list[Development]] = {}
        self._listing: tuple[float, list[dict[str, Any]]] | None = None
        self._statics: dict[int, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _heat(self, briefs: Sequence[ArticleBrief], now: datetime) -> HeatResult:
        return self.linker.heat_of(((b.published, b.outlet, b.quality) for b in briefs), now)

    def article_ids(self, story_id: int) -> list[str]:
        try:
            return self.members[story_id]
        except KeyError:
            raise StoryNotFound(f"no story {story_id}") from None

    def timeline(self, story_id: int, store: Store) -> list[Development]:
        with self._lock:
            cached = self._timelines.get(story_id)
        if cached is not None:
            return cached
        texts = {a.id: (a.title, a.text) for a in store.get_many(self.article_ids(story_id))}
        devs = story_timeline(self.linker.engine, story_id, texts.__getitem__)
        with self._lock:
            self._timelines[story_id] = devs
        return devs

    def listing(self, store: Store, *, now: datetime) -> list[dict[str, Any]]:
        """Every story, hottest first; stories with no recent heat after them, latest first."""
        with self._lock:
            if self._listing is not None and time.monotonic() - self._listing[0] < LISTING_TTL_SECONDS:
                return self._listing[1]
        every = {b.id: b for b in store.briefs([aid for ids in self.members.values() for aid in ids])}
        stories: list[dict[str, Any]] = []
        for story_id, ids in self.members.items():
            briefs = [every[aid] for aid in ids if aid in every]
            if not briefs:
                continue
            newest = min(briefs, key=lambda b: _newest_first(b.published))
            lead = self.linker.lead_of(briefs)  # the best, most original, most central article
            stories.append(
                {
                    "id": story_id,
                    "headline": lead.title,
                    "heat": self._heat(briefs, now).heat,
                    "articles": len(briefs),
                    "outlets": len({b.outlet for b in briefs} - {""}),
                    "latest": format_datetime(newest.published),
                    "lead_article": lead.id,
                    "topics": list(lead.topics),
                }
            )
        stories.sort(key=lambda s: s["latest"] or "", reverse=True)
        stories.sort(key=lambda s: (s["heat"] < 0, -s["heat"]))  # stable: ties keep the date order
        with self._lock:
            self._listing = (time.monotonic(), stories)
        return stories

    def _folded(self, article_ids: Sequence[str], by_id: dict[str, ArticleBrief]) -> dict[str, Any]:
        """A development's coverage, newest first, each copy folded under its original when the
        original is in the same development (one wire story, many outlets, one line)."""
        members = set(article_ids)
        copies: dict[str, list[ArticleBrief]] = {}
        originals: list[ArticleBrief] = []
        for aid in article_ids:
            brief = by_id.get(aid)
            if brief is None:
                continue
            original = self.linker.original_of(aid)
            if original is not None and original in members and original != aid:
                copies.setdefault(original, []).append(brief)
            else:
                originals.append(brief)
        originals.sort(key=lambda b: _newest_first(b.published))
        items = [
            dict(_brief_json(b), copies=[_brief_json(c) for c in copies.get(b.id, [])]) for b in originals
        ]
        return {
            "items": items[:DEVELOPMENT_ARTICLES],
            "rest": items[DEVELOPMENT_ARTICLES:],
            "more": max(0, len(originals) - DEVELOPMENT_ARTICLES),
        }

    def _static(self, story_id: int, store: Store) -> dict[str, Any]:
        """What a story page shows that changes only with the linker's state or the articles:
        computed once and reused for ``STORY_TTL_SECONDS`` (so an article edited without
        being linked again shows its new title within that time)."""
        with self._lock:
            cached = self._statics.get(story_id)
            if cached is not None and time.monotonic() - cached[0] < STORY_TTL_SECONDS:
                return cached[1]
        briefs = sorted(store.briefs(self.article_ids(story_id)), key=lambda b: _newest_first(b.published))
        coverage: dict[str, int] = {}
        for b in briefs:
            outlet = b.provider_name or b.provider_domain or "unknown"
            coverage[outlet] = coverage.get(outlet, 0) + 1
        by_id = {b.id: b for b in briefs}
        related = self.linker.related_items(store.get(briefs[0].id), store) if briefs else []
        lead = self.linker.lead_of(briefs) if briefs else None
        timeline = [
            dict(dev.to_json(), **self._folded(dev.article_ids, by_id))
            for dev in self.timeline(story_id, store)
        ]
        placed = {aid for dev in timeline for aid in dev["articles"]}
        sample = store.get_many([b.id for b in briefs[:COUNTRY_SAMPLE]])
        first_seen, last_seen = seen(briefs)
        lead_ids = [b.id for b in sorted(briefs, key=lambda b: -b.quality)[:12]]
        static = {
            "briefs": briefs,
            "headline": lead.title if lead else "",
            "lead_article": lead.id if lead else None,
            "excerpt": lead.excerpt if lead else "",
            "timeline": timeline,
            # articles no development took (undated, or far from every chosen day): listed once, apart
            "others": self._folded([b.id for b in briefs if b.id not in placed], by_id),
            "chart": coverage_chart(briefs),
            "countries": countries(sample),
            "first_seen": first_seen,
            "last_seen": last_seen,
            # the lead first: its picture fronts the story when it has one
            "lead_ids": ([lead.id] if lead else []) + [i for i in lead_ids if not lead or i != lead.id],
            "coverage": dict(sorted(coverage.items(), key=lambda kv: (-kv[1], kv[0]))),
            "related": [
                {
                    "title": r.title,
                    "web_url": r.web_url,
                    "published": format_datetime(r.published),
                    "provider": r.provider.name or r.provider.domain,
                    "copies": list(r.copies),
                }
                for r in related
            ],
        }
        with self._lock:
            self._statics[story_id] = (time.monotonic(), static)
        return static

    def detail(
        self,
        story_id: int,
        store: Store,
        *,
        now: datetime,
        limit: int = STORY_PAGE_ARTICLES,
        offset: int = 0,
    ) -> dict[str, Any]:
        """One story: heat, timeline, coverage by outlet, a page of its articles, related coverage."""
        static = self._static(story_id, store)
        briefs: list[ArticleBrief] = static["briefs"]
        heat = self._heat(briefs, now).to_json()  # moves with the clock: every request
        return {
            "id": story_id,
            "headline": static["headline"],
            "lead_article": static["lead_article"],
            "excerpt": static["excerpt"],
            "heat": heat,
            "timeline": static["timeline"],
            "coverage": static["coverage"],
            "total_articles": len(briefs),
            "limit": limit,
            "offset": offset,
            "articles": [brief_summary(b) for b in briefs[offset : offset + limit]],
            "related": static["related"],
            "others": static["others"],
            "chart": static["chart"],
            "countries": static["countries"],
            "first_seen": static["first_seen"],
            "last_seen": static["last_seen"],
            "heat_words": heat_words(briefs, heat, now),
            "lead_ids": static["lead_ids"],
        }
