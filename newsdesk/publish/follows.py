"""Follows: what is new in a followed story, topic or topic feed, announced once.

A check compares what the store and the linker hold now with the events a
follow has recorded (``FollowStore``): a story's developments (one per day of
its timeline, keyed by that day), a topic's or a feed's matching articles
(keyed by article id). What is new is recorded, which makes it appear in the
follow's Atom/JSON feed, and is POSTed as JSON to the follow's webhook, if it
has one, through :meth:`newsdesk.ingest.fetch.Fetcher.post_json` (the same
address checks as every fetch: private and loopback addresses are refused
unless allow-listed). A delivery that fails is retried at the next check, up
to ``MAX_ATTEMPTS`` times.

The first check of a follow records what exists already as *initial* events:
the feed starts with the story so far, the webhook only hears of what comes
after.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import quote

from ..errors import FetchError, NewsdeskError, NotFound
from ..ingest.fetch import Fetcher
from ..link.linker import Linker
from ..model import Article, now_utc
from ..records import format_datetime
from ..store.base import ArticleQuery
from ..store.follows import Follow, FollowEvent, FollowStore, NewFollowEvent, event_to_json, follow_to_json
from .feeds import Feed, decide
from .syndication import ATOM_NS, JSON_FEED_VERSION, FeedInfo, dump_json_feed, xml_text

#: webhook attempts per event before it is given up (it stays in the follow's feed)
MAX_ATTEMPTS = 5
#: articles a topic or feed follow looks at per check, newest first
SCAN = 300
#: articles a new topic/feed follow records as its starting point
INITIAL_ARTICLES = 20


@dataclass(slots=True)
class CheckReport:
    follows: int = 0
    new_events: int = 0
    delivered: int = 0
    failed: list[str] = field(default_factory=list)


def story_events(
    linker: Linker, store: FollowStore, story_id: int, known: set[str] | None = None
) -> list[NewFollowEvent]:
    """One event per development of the story's timeline, oldest first, then one per article
    that joined a development already announced (``known`` holds the keys recorded before):
    a new development is one announcement, not one per article in it."""
    try:
        members = linker.story_articles(story_id) if story_id >= 0 else []
    except IndexError:
        members = []
    if not members:
        raise NotFound(f"no story {story_id}")
    known = known or set()
    devs = linker.timeline(story_id, store)
    events, joined = [], []
    for dev in devs:
        day = dev.date.isoformat() if dev.date else f"undated-{dev.event_id}"
        n = len(dev.article_ids)
        key = f"dev:{day}"
        events.append(
            NewFollowEvent(
                key=key,
                kind="development",
                title=dev.headline,
                summary=f"{n} article{'s' if n != 1 else ''} from {dev.outlets} "
                f"outlet{'s' if dev.outlets != 1 else ''}",
                article_id=dev.article_ids[0] if dev.article_ids else None,
                happened_at=datetime.combine(dev.date, time(), UTC) if dev.date else None,
            )
        )
        if key in known:
            joined += [aid for aid in dev.article_ids if f"article:{aid}" not in known]
        else:  # announced with its development, so marked seen: never announced on its own
            events += [NewFollowEvent(f"article:{aid}", "seen", "", "", aid) for aid in dev.article_ids]
    placed = {aid for dev in devs for aid in dev.article_ids}
    joined += [aid for aid in members if aid not in placed and f"article:{aid}" not in known]
    events += [_article_event(a) for a in store.get_many(joined)]
    return events


def follow_title(
    kind: str, target: str, store: FollowStore, linker: Linker, feeds: Mapping[str, Feed]
) -> str:
    """What a follow of ``kind``/``target`` is called; raises NotFound when there is no such thing."""
    if kind == "story":
        if not target.isdigit():
            raise NotFound(f"a story is followed by its number, not {target!r}")
        members = story_events(linker, store, int(target))  # raises NotFound
        return next((e.title for e in members if e.kind == "development"), f"Story {target}")
    if kind == "feed":
        if target not in feeds:
            raise NotFound(f"no feed {target!r} is configured")
        return feeds[target].title or target
    from ..enrich.taxonomy import load_taxonomy

    try:
        return load_taxonomy().by_name(target).name
    except KeyError:
        stored = {name.casefold(): name for name in store.topic_counts()}
        if target.casefold() in stored:
            return stored[target.casefold()]
    raise NotFound(f"no topic {target!r} in the taxonomy or the store")


def _article_event(a: Article) -> NewFollowEvent:
    outlet = a.provider.name or a.provider.domain
    return NewFollowEvent(
        key=f"article:{a.id}",
        kind="article",
        title=a.title or "(untitled)",
        summary=(f"{outlet}: " if outlet else "") + a.excerpt[:300],
        article_id=a.id,
        happened_at=a.published,
    )


def matching_articles(
    follow: Follow, store: FollowStore, linker: Linker, feeds: Mapping[str, Feed], now: datetime
) -> list[Article]:
    """A topic or feed follow's matching articles, newest first."""
    if follow.kind == "topic":
        return store.query(ArticleQuery(topic=follow.target), limit=SCAN)
    feed = feeds.get(follow.target)
    if feed is None:
        raise NotFound(f"no feed {follow.target!r} is configured")
    return [
        a
        for a in store.recent(limit=SCAN)
        if decide(a, feed, now=now, copy_of=linker.original_of(a.id)).published
    ]


def current_events(
    follow: Follow, store: FollowStore, linker: Linker, feeds: Mapping[str, Feed], now: datetime
) -> list[NewFollowEvent]:
    if follow.kind == "story":
        return story_events(linker, store, int(follow.target), store.follow_event_keys(follow.id))
    articles = matching_articles(follow, store, linker, feeds, now)
    if follow.last_checked is None:
        articles = articles[:INITIAL_ARTICLES]
    return [_article_event(a) for a in reversed(articles)]


def webhook_body(follow: Follow, event: FollowEvent) -> bytes:
    data = {
        "follow": follow_to_json(follow),
        "event": event_to_json(event),
        "links": {
            "article": f"/articles/{event.article_id}" if event.article_id else None,
            "story": f"/stories/{follow.target}" if follow.kind == "story" else None,
            "feed": f"/follows/{follow.id}.json",
        },
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def deliver(follow: Follow, store: FollowStore, fetcher: Fetcher) -> tuple[int, list[str]]:
    """POST each undelivered event to the follow's webhook; (delivered, errors)."""
    if not follow.webhook_url:
        return 0, []
    done, errors = 0, []
    for event in store.undelivered_follow_events(follow.id, max_attempts=MAX_ATTEMPTS):
        try:
            fetcher.post_json(follow.webhook_url, webhook_body(follow, event))
        except FetchError as exc:
            store.follow_event_delivered(event.id, error=str(exc))
            errors.append(f"follow {follow.id}: webhook: {exc}")
            break  # the endpoint is down or refused: the rest waits for the next check
        store.follow_event_delivered(event.id)
        done += 1
    return done, errors


def check_follows(
    store: FollowStore,
    linker: Linker,
    *,
    feeds: Mapping[str, Feed] | None = None,
    fetcher: Fetcher | None = None,
    follows: Iterable[Follow] | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Record what is new for each follow and post it to the webhooks (when ``fetcher`` is given).

    A follow that cannot be checked (its story or feed is gone) keeps its error in the
    store and the others go on.
    """
    report = CheckReport()
    now = now or now_utc()
    for follow in list(follows if follows is not None else store.list_follows()):
        report.follows += 1
        try:
            events = current_events(follow, store, linker, feeds or {}, now)
            added = store.record_follow_events(follow.id, events, initial=follow.last_checked is None)
            announced = [e for e in added if e.kind != "seen"]
            report.new_events += 0 if follow.last_checked is None else len(announced)
            error = None
            if fetcher is not None:
                delivered, errors = deliver(follow, store, fetcher)
                report.delivered += delivered
                report.failed += errors
                error = errors[-1] if errors else None
            store.follow_checked(follow.id, error=error)
        except (NewsdeskError, ValueError) as exc:
            report.failed.append(f"follow {follow.id} ({follow.kind} {follow.target}): {exc}")
            store.follow_checked(follow.id, error=str(exc))
    return report


# --------------------------------------------------------------------------- the follow's own feed


def event_link(follow: Follow, event: FollowEvent, base: str) -> str:
    """Where a reader of the feed goes for the event: newsdesk's own pages."""
    if event.kind == "development" and follow.kind == "story":
        return f"{base}/stories/{follow.target}"
    if event.article_id:
        return f"{base}/articles/{quote(event.article_id, safe='')}"
    return f"{base}/follows/{follow.id}"


def follow_atom(info: FeedInfo, follow: Follow, events: Sequence[FollowEvent], base: str) -> str:
    """An Atom 1.0 document of the follow's events, newest first (escaped by ElementTree)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", info.id)
    sub(feed, "title", info.title, type="text")
    updated = max((e.created_at for e in events), default=follow.created_at)
    sub(feed, "updated", format_datetime(updated))
    sub(feed, "link", rel="self", href=info.self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=info.home_url, type="text/html")
    sub(sub(feed, "author"), "name", "newsdesk")
    for event in events:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:newsdesk:follow:{follow.id}:{event.key}")
        sub(entry, "title", event.title or "(untitled)", type="text")
        sub(entry, "updated", format_datetime(event.created_at))
        if event.happened_at is not None:
            sub(entry, "published", format_datetime(event.happened_at))
        sub(entry, "link", rel="alternate", href=event_link(follow, event, base), type="text/html")
        sub(entry, "category", term=event.kind)
        if event.summary:
            sub(entry, "summary", event.summary, type="text")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def follow_json(info: FeedInfo, follow: Follow, events: Sequence[FollowEvent], base: str) -> str:
    """A JSON Feed 1.1 document of the follow's events, newest first."""
    items = []
    for event in events:
        item: dict[str, Any] = {
            "id": f"urn:newsdesk:follow:{follow.id}:{event.key}",
            "url": event_link(follow, event, base),
            "title": event.title,
            "content_text": event.summary or event.title,
            "date_published": format_datetime(event.happened_at or event.created_at),
            "date_modified": format_datetime(event.created_at),
            "tags": [event.kind],
        }
        items.append(item)
    doc = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
        "items": items,
    }
    return dump_json_feed(doc)
