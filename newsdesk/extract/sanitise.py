"""Nothing invalid reaches the store: the last check on an article before it is saved.

Every extractor tries to produce valid values, but inputs reach the store by many
paths (pages, captures, records, JSON Lines, feeds) and a value one of them lets
through poisons every later read (a year-999 date made `serve` fail at start). So
each article is checked here, field by field, in one place:

* strings are valid UTF-8: lone surrogates (from JSON ``\\udfff`` escapes or
  undecodable file names) become U+FFFD, NUL characters are removed;
* dates outside 1800-01-01 .. now + 2 days are dropped, with the reason noted;
* URLs are parsed and normalised (scheme and host in lower case, http/https only,
  a valid port) or dropped, with the reason noted.

What was changed is returned as notes (and kept in ``info["sanitised"]``), so the
caller can say so; the article itself is changed in place.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..model import Article, Image, Provider, RelatedItem, TopicScore, now_utc

EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)
#: how far ahead of now a date may be (time zones, embargoed pieces scheduled ahead)
FUTURE_SLACK = timedelta(days=2)

_BAD_CHARS = re.compile("[\ud800-\udfff\x00]")
_URL_SPACE = re.compile(r"[\x00-\x20\x7f]")


def clean_str(value: str) -> str:
    """``value`` as valid UTF-8 text: surrogates replaced by U+FFFD, NULs removed."""
    if not _BAD_CHARS.search(value):
        return value
    return _BAD_CHARS.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def clean_value(value: Any) -> Any:
    """``clean_str`` applied through lists, tuples, dicts (keys too) and the model's small records."""
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(clean_value(v) for v in value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, (Provider, Image, TopicScore)):
        return replace(value, **{f.name: clean_value(getattr(value, f.name)) for f in fields(value)})
    if isinstance(value, RelatedItem):
        for f in fields(value):
            setattr(value, f.name, clean_value(getattr(value, f.name)))
        return value
    return value


def date_problem(when: datetime | None, *, now: datetime | None = None) -> str:
    """Why ``when`` cannot be an article's date ("" when it can)."""
    if when is None:
        return ""
    try:
        aware = when if when.tzinfo else when.replace(tzinfo=UTC)
        if aware < EARLIEST:
            return "before 1800"
        if aware > (now or now_utc()) + FUTURE_SLACK:
            return "more than 2 days in the future"
    except (OverflowError, ValueError) as exc:
        return f"not a usable date ({exc})"
    return ""


def normalise_url(url: str) -> str:
    """``url`` parsed and put in normal form; ValueError when it is not a usable http(s) URL.

    Conservative on purpose: only what cannot change which page is meant is
    normalised (surrounding space, case of scheme and host, a default port), so
    a URL that is already fine comes back unchanged.
    """
    url = url.strip()
    if not url:
        return ""
    if _URL_SPACE.search(url):
        raise ValueError("contains spaces or control characters")
    parts = urlsplit(url)  # ValueError on e.g. an unclosed IPv6 bracket
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"scheme {parts.scheme or '(none)'!r} is not http or https")
    host = parts.hostname
    if not host:
        raise ValueError("no host")
    port = parts.port  # ValueError when out of range or not a number
    try:
        host.encode("idna")
    except UnicodeError as exc:
        raise ValueError(f"host {host!r} is not a valid name") from exc
    netloc = parts.netloc
    if netloc != netloc.lower() or (port == 80 and scheme == "http") or (port == 443 and scheme == "https"):
        userinfo = netloc.rpartition("@")[0]
        shown = f"[{host}]" if ":" in host else host
        netloc = (userinfo + "@" if userinfo else "") + shown
        if port is not None and not (
            (port == 80 and scheme == "http") or (port == 443 and scheme == "https")
        ):
            netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))


def _url(value: str, where: str, notes: list[str]) -> str:
    try:
        return normalise_url(value)
    except ValueError as exc:
        notes.append(f"{where} {value[:80]!r} dropped: {exc}")
        return ""


def _date(value: datetime | None, where: str, notes: list[str], now: datetime) -> datetime | None:
    problem = date_problem(value, now=now)
    if problem:
        notes.append(f"{where} {value!s} dropped: {problem}")
        return None
    return value


def sanitise_article(article: Article, *, now: datetime | None = None) -> list[str]:
    """Make ``article`` safe to store, in place; returns what was dropped or changed and why."""
    now = now or now_utc()
    notes: list[str] = []
    for f in fields(article):
        value = getattr(article, f.name)
        cleaned = clean_value(value)
        if cleaned is not value and cleaned != value:
            notes.append(f"{f.name}: invalid characters replaced")
        setattr(article, f.name, cleaned)
    article.published = _date(article.published, "publishedDateTime", notes, now)
    if article.published is None:
        article.published_source = ""
    for name in ("url", "web_url", "original_url"):
        setattr(article, name, _url(getattr(article, name), name, notes))
    images = []
    for n, image in enumerate(article.images):
        fixed = _url(image.url, f"images[{n}].url", notes)
        if fixed:
            images.append(image if fixed == image.url else replace(image, url=fixed))
    article.images = images
    for n, item in enumerate(article.related):
        item.published = _date(item.published, f"related[{n}].publishedDateTime", notes, now)
        item.web_url = _url(item.web_url, f"related[{n}].webUrl", notes)
        item.images = [
            img if u == img.url else replace(img, url=u)
            for img in item.images
            if (u := _url(img.url, f"related[{n}].images.url", notes))
        ]
        item.copies = [u for c in item.copies if (u := _url(c, f"related[{n}].copies", notes))]
    if notes:
        article.info["sanitised"] = list(dict.fromkeys([*article.info.get("sanitised", []), *notes]))
    return notes
