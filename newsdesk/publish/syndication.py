"""Atom 1.0 (RFC 4287) and JSON Feed 1.1 documents for a topic feed or a story.

Everything an article carries is untrusted text from the web, so:

* Atom is built with ElementTree, which escapes every text and attribute value;
  characters XML 1.0 cannot carry at all (most C0 controls) are dropped first,
  or the document would not parse.
* Content is sent as ``type="text"``, never ``html``: a reader must not render
  an outlet's markup as ours.
* Links are kept only for http(s) URLs, so a ``javascript:`` URL never
  becomes a clickable link in a feed reader.
* The JSON Feed is serialised with ``<``, ``>`` and ``&`` as ``\\u`` escapes, so
  even a client that sniffs it as HTML finds no markup in it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..model import Article, now_utc
from ..records import format_datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
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


def article_link(article: Article) -> str:
    return safe_link(article.web_url) or safe_link(article.url)


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


def atom_feed(info: FeedInfo, articles: Sequence[Article]) -> str:
    """An Atom 1.0 document with one entry per article, in the order given."""
    ET.register_namespace("", ATOM_NS)
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
        when = article.published or article.ingested_at or now_utc()
        _sub(entry, "updated", format_datetime(when))
        if article.published is not None:
            _sub(entry, "published", format_datetime(article.published))
        link = article_link(article)
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


def json_feed(info: FeedInfo, articles: Sequence[Article]) -> dict[str, Any]:
    """A JSON Feed 1.1 object with one item per article, in the order given."""
    items = []
    for article in articles:
        item: dict[str, Any] = {
            "id": entry_id(article),
            "url": article_link(article),
            "title": article.title,
            "content_text": article.text,
            "date_published": format_datetime(article.published or article.ingested_at or now_utc()),
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
