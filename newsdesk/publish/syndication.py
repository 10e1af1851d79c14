"""Atom 1.0 (RFC 4287) and JSON Feed 1.1 documents for a topic feed or a story.

Everything an article carries is untrusted text from the web, so:

* Atom is built with ElementTree, which escapes every text and attribute value;
  characters XML 1.0 cannot carry at all (most C0 controls) are dropped first,
  or the document would not parse.
* Content is sent as ``type="text"``, never ``html``: a reader must not render
  an outlet's markup as ours.
* Links are kept only for http(s) URLs, so a ``javascript:`` URL never
  becomes a clickable link in a feed reader.
* An article's date is its own: an undated article never gets the time it was
  ingested as its date (a 2021 report would look like today's news). JSON Feed
  omits ``date_published`` and says so under ``_newsdesk`` (the spec's extension
  form); Atom, which requires ``updated`` on every entry, gets the date of the
  development the article's story places it in (``estimated``), else the epoch,
  so a reader sorting by date puts it last, never first; both say
  ``date_unknown``.
* An article with no (safe) URL links to newsdesk's own article page.
* The JSON Feed is serialised with ``<``, ``>`` and ``&`` as ``\\u`` escapes, so
  even a client that sniffs it as HTML finds no markup in it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from ..model import Article, now_utc
from ..records import format_datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
#: newsdesk's Atom extension namespace (RFC 4287 section 6: foreign markup)
NEWSDESK_NS = "https://newsdesk.invalid/ns/feed"
#: an undated entry's Atom `updated` when no date can be estimated: sorts last, never "today"
UNKNOWN_DATE = datetime(1970, 1, 1, tzinfo=UTC)
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What describes the feed itself; URLs are absolute (the server knows its base URL)."""

    id: str
    title: str
    self_url: str
    home_url: str
    subtitle: str = ""
    #: newsdesk's own root URL: an article with no URL links to its page there
    base_url: str = ""


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids (escaping is ElementTree's job)."""
    return _XML_INVALID.sub("", value)


def safe_link(url: str) -> str:
    """``url`` when it is an absolute http(s) URL, else "" (no javascript:, data:, ...)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def article_link(article: Article, base_url: str = "") -> str:
    """The article's own (safe) URL, else its page on newsdesk (when the base URL is known)."""
    own = safe_link(article.web_url) or safe_link(article.url)
    if own or not base_url or not article.id:
        return own
    return safe_link(f"{base_url.rstrip('/')}/articles/{quote(article.id, safe='')}")


def entry_id(article: Article) -> str:
    """A stable IRI per article: its newsdesk id does not change when its URL does."""
    return f"urn:newsdesk:article:{article.id}"


def _updated(articles: Sequence[Article]) -> datetime:
    dates = [a.published for a in articles if a.published is not None]
    return max(dates) if dates else now_utc()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def atom_feed(
    info: FeedInfo, articles: Sequence[Article], estimated: Mapping[str, datetime] | None = None
) -> str:
    """An Atom 1.0 document with one entry per article, in the order given.

    ``estimated`` maps an undated article's id to the date its story places it at.
    """
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("newsdesk", NEWSDESK_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", info.id)
    _sub(feed, "title", info.title, type="text")
    if info.subtitle:
        _sub(feed, "subtitle", info.subtitle, type="text")
    _sub(feed, "updated", format_datetime(_updated(articles)))
    _sub(feed, "link", rel="self", href=info.self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=info.home_url, type="text/html")
    # RFC 4287 wants an author on every entry; the feed-level one covers entries without a byline.
    _sub(_sub(feed, "author"), "name", "newsdesk")
    _sub(feed, "generator", "newsdesk")
    for article in articles:
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(article))
        _sub(entry, "title", article.title or "(untitled)", type="text")
        if article.published is not None:
            _sub(entry, "updated", format_datetime(article.published))
            _sub(entry, "published", format_datetime(article.published))
        else:
            guess = (estimated or {}).get(article.id)
            _sub(entry, "updated", format_datetime(guess or UNKNOWN_DATE))
            unknown = ET.SubElement(entry, f"{{{NEWSDESK_NS}}}date_unknown")
            unknown.text = "estimated from its story" if guess else "true"
        link = article_link(article, info.base_url)
        if link:
            _sub(entry, "link", rel="alternate", href=link, type="text/html")
        for name in article.authors:
            _sub(_sub(entry, "author"), "name", name)
        for topic in article.topics:
            _sub(entry, "category", term=topic)
        if article.excerpt:
            _sub(entry, "summary", article.excerpt, type="text")
        _sub(entry, "content", article.text, type="text")
        source = article.provider.name or article.provider.domain
        if source:
            _sub(_sub(entry, "source"), "title", source, type="text")
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def json_feed(
    info: FeedInfo, articles: Sequence[Article], estimated: Mapping[str, datetime] | None = None
) -> dict[str, Any]:
    """A JSON Feed 1.1 object with one item per article, in the order given.

    ``estimated`` maps an undated article's id to the date its story places it at.
    """
    items = []
    for article in articles:
        item: dict[str, Any] = {
            "id": entry_id(article),
            "url": article_link(article, info.base_url),
            "title": article.title,
            "content_text": article.text,
        }
        if article.published is not None:
            item["date_published"] = format_datetime(article.published)
        else:  # date_published is optional: no date rather than the ingest time
            guess = (estimated or {}).get(article.id)
            item["_newsdesk"] = {
                "date_unknown": True,
                "estimated_date": format_datetime(guess) if guess else None,
                "ingested_at": format_datetime(article.ingested_at) if article.ingested_at else None,
            }
        if article.excerpt:
            item["summary"] = article.excerpt
        if article.authors:
            item["authors"] = [{"name": name} for name in article.authors]
        if article.topics:
            item["tags"] = list(article.topics)
        if article.language:
            item["language"] = article.language
        if not item["url"]:
            del item["url"]  # JSON Feed: url is optional, and an unsafe one is worse than none
        items.append(item)
    doc: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
        "items": items,
    }
    if info.subtitle:
        doc["description"] = info.subtitle
    return doc


def dump_json_feed(doc: dict[str, Any]) -> str:
    """The JSON text, with markup characters escaped as ``\\u`` sequences."""
    text = json.dumps(doc, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
