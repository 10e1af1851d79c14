"""Sitemaps: URL sets (with Google News extensions), sitemap indexes, text sitemaps, gzipped ones.

Parsed with defusedxml (entity declarations and external references refused)
and no network access: a sitemap index only *names* its child sitemaps; the
caller fetches them, each through the fetcher's own checks. Per the sitemaps
protocol a sitemap may list only URLs on its own host; others are dropped
(and counted), so one host cannot aim newsdesk's fetches at another.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import MalformedInput
from ..extract.dates import parse_date
from .fetch import gunzip_limited

_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
_IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the protocol's own limit, uncompressed


@dataclass(slots=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None = None
    #: from <news:news>: the article's headline, date and publication
    title: str = ""
    published: datetime | None = None
    publication: str = ""
    images: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Sitemap:
    url: str
    kind: str  # "urlset", "index" or "text"
    entries: list[SitemapEntry] = field(default_factory=list)  # pages (urlset/text)
    children: list[SitemapEntry] = field(default_factory=list)  # sitemaps (index)
    #: entries dropped for naming another host, or a non-http(s) URL
    foreign: int = 0

    @property
    def is_news(self) -> bool:
        return any(e.title or e.published for e in self.entries)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(node: ET.Element, name: str) -> str:
    for child in node:
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return ""


def parse_sitemap(data: bytes, url: str, *, max_bytes: int = MAX_SITEMAP_BYTES) -> Sitemap:
    """A sitemap from its bytes (gzipped or not); raises MalformedInput when it is none."""
    if data[:2] == b"\x1f\x8b":
        data = gunzip_limited(data, max_bytes, url)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return _parse_text(stripped, url)
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MalformedInput(f"sitemap refused: {exc}", source=url) from exc
    except ET.ParseError as exc:
        raise MalformedInput(f"invalid sitemap XML: {exc}", source=url) from exc
    kind = _local(root.tag)
    if kind == "sitemapindex":
        result = Sitemap(url, "index")
        target = result.children
        item_tag = "sitemap"
    elif kind == "urlset":
        result = Sitemap(url, "urlset")
        target = result.entries
        item_tag = "url"
    else:
        raise MalformedInput(f"not a sitemap: root element is <{kind}>", source=url)
    host = (urlsplit(url).hostname or "").lower()
    for node in root:
        if _local(node.tag) != item_tag:
            continue
        try:
            loc = urljoin(url, _child_text(node, "loc"))
            parts = urlsplit(loc)
            usable = parts.scheme in ("http", "https") and (parts.hostname or "").lower() == host
        except ValueError:  # found by fuzzing: "http://[::1/x" (an unclosed IPv6 bracket)
            usable = False
        if not usable:
            result.foreign += 1  # another site's URL, or none at all: not followed
            continue
        entry = SitemapEntry(loc, lastmod=parse_date(_child_text(node, "lastmod")))
        news = node.find(f"{_NEWS}news")
        if news is not None:
            entry.title = " ".join((news.findtext(f"{_NEWS}title") or "").split())
            entry.published = parse_date(news.findtext(f"{_NEWS}publication_date") or "")
            entry.publication = (news.findtext(f"{_NEWS}publication/{_NEWS}name") or "").strip()
        for image in node.iter(f"{_IMAGE}loc"):
            if image.text and image.text.strip():
                try:
                    entry.images.append(urljoin(loc, image.text.strip()))
                except ValueError:
                    continue
        target.append(entry)
    return result


def _parse_text(data: bytes, url: str) -> Sitemap:
    """A text sitemap: one URL a line, UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedInput("text sitemap is not UTF-8", source=url) from exc
    result = Sitemap(url, "text")
    host = (urlsplit(url).hostname or "").lower()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            parts = urlsplit(line)
            if parts.scheme not in ("http", "https"):
                raise ValueError("not http(s)")
            parts.hostname  # noqa: B018 - raises on an unclosed IPv6 bracket
        except ValueError as exc:
            raise MalformedInput(f"not a sitemap: {line[:60]!r} is not a URL", source=url) from exc
        if (parts.hostname or "").lower() != host:
            result.foreign += 1
            continue
        result.entries.append(SitemapEntry(line))
    return result
