"""Publication dates: parse what pages declare, and choose the original publish date.

Order of trust (each step measured on the extraction dev set, see benchmarks/README.md):
a publish date the page declares in specific structured data (article:published_time,
JSON-LD/microdata datePublished, ...; a date-only one takes its time of day from another
that gives the same day with one); a
generic date meta tag (``date``, ``dc.date``), unless the date the article's header shows
next to its headline (or a ``<time datetime>`` after it) disagrees; a full
year/month/day in the URL; that header date; a date a label or a dateline dash
introduces in the visible text ("Veröffentlicht am 16.08.2019", "Published: ...",
"29.11.2022 – Text"); a date labelled as an update there ("Aktualisiert am ...");
htmldate's markup heuristics; the first plausible date in the visible text; the declared
modified date when nothing else. Published is published: a later update never replaces
a publication date the page gives; :func:`updated_date` keeps it as its own field. Dates
labelled as updates ("Aktualisiert", "Updated") are never taken for the header date, nor
are a profile's dates ("Registriert: ...").
Visible dates are read by :mod:`.textdates`.

Every result is a tz-aware UTC datetime: a declared offset is applied, a date without a
time becomes midnight UTC, and a time without an offset is taken to be UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement

from .metadata import PageMeta
from .textdates import FUTURE_SLACK, header_date, header_time, page_text, plausible, text_dates

#: meta tags (property/name/itemprop, lower case) that state the original publish date,
#: most specific first
META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "citation_publication_date",
    "citation_date",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "date",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "datecreated",
)

_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)"
    r"(?:[T ]+(?P<H>[0-2]\d):?(?P<M>[0-5]\d)(?::?(?P<S>[0-5]\d)(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-][01]\d(?::?[0-5]\d)?)?)?",
    re.IGNORECASE,
)
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_.-]([01]?\d)[/_.-]([0-3]?\d)(?!\d)")
_URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d\d)([01]\d)([0-3]\d)/")
#: day and month before the year ("/meldungen/29-10-2021"): read only when one of the two
#: numbers is over 12, so it cannot be both the European and the US order
_URL_DATE_YEAR_LAST = re.compile(r"(?<![\d.])([0-3]?\d)([/_.-])([0-3]?\d)\2((?:19|20)\d\d)(?![\d])")
#: "2022-5-5 22:17:36": ISO order without the zeros
_UNPADDED = re.compile(r"^((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?!\d)")


def parse_date(value: Any, *, now: datetime | None = None) -> datetime | None:
    """A declared date/time as UTC, or None when it is not a plausible publish date.

    Accepts ISO 8601 (with or without separators, offset or 'Z'), RFC 2822 and unix
    timestamps (seconds or milliseconds).
    """
    now = now or datetime.now(UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return plausible(datetime.fromtimestamp(seconds, tz=UTC), now)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (10, 13):
        return parse_date(int(text), now=now)
    text = _UNPADDED.sub(lambda u: f"{u[1]}-{int(u[2]):02d}-{int(u[3]):02d}", text)
    m = _ISO.search(text)
    if m:
        try:
            dt = datetime(int(m["y"]), int(m["m"]), int(m["d"]))
            if m["H"] is not None:
                dt = dt.replace(hour=int(m["H"]) % 24, minute=int(m["M"]), second=int(m["S"] or 0))
        except ValueError:
            return None
        tz = (m["tz"] or "").upper()
        if tz and tz not in ("Z", "UTC", "GMT"):
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            dt = dt.replace(tzinfo=timezone(sign * offset))
        else:
            dt = dt.replace(tzinfo=UTC)
        return plausible(dt.astimezone(UTC), now)
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return plausible(dt.astimezone(UTC), now)


def date_from_url(url: str | None, *, now: datetime | None = None) -> datetime | None:
    """A full year/month/day in a URL path (``/2019/08/02/``, ``2019-08-02``), as midnight UTC."""
    if not url:
        return None
    now = now or datetime.now(UTC)
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "/" in path else ""
    for pattern in (_URL_DATE, _URL_DATE_COMPACT):
        m = pattern.search(path)
        if m:
            try:
                dt = datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC)
            except ValueError:
                continue
            if plausible(dt, now):
                return dt
    m = _URL_DATE_YEAR_LAST.search(path)
    if m:
        a, b = int(m[1]), int(m[3])
        if (a > 12) != (b > 12):
            day, month = (a, b) if a > 12 else (b, a)
            try:
                return plausible(datetime(int(m[4]), month, day, tzinfo=UTC), now)
            except ValueError:
                return None
    return None


def _ld_dates(pm: PageMeta) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for obj in pm.articles():
        for key in ("datePublished", "dateCreated"):
            if obj.get(key):
                out.append((f"jsonld:{key}", obj[key]))
    return out


def structured_candidates(pm: PageMeta) -> list[tuple[str, Any]]:
    """(source, raw value) pairs for the publish date, in order of trust.

    Open Graph's article:published_time comes first: on the dev set, where it and
    JSON-LD's datePublished disagree, it matches the gold date more often (645 vs 643
    of 728 right overall); then JSON-LD, the other meta tags, microdata.
    """
    cands: list[tuple[str, Any]] = []
    for key in META_PUBLISHED[:3]:
        cands += [(f"meta:{key}", v) for v in pm.meta.get(key, ())]
    cands += _ld_dates(pm)
    for key in META_PUBLISHED[3:]:
        cands += [(f"meta:{key}", v) for v in pm.meta.get(key, ())]
    for key in ("datePublished", "dateCreated"):
        cands += [(f"microdata:{key}", v) for v in pm.itemprops.get(key, ())]
    return cands


#: meta tags that name "a date" of the page, not specifically its publication: a date the
#: article's header shows beats them when the two disagree
WEAK_META = frozenset(
    f"meta:{k}"
    for k in ("date", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created", "datecreated")
)
#: where pages declare when they were last modified
META_MODIFIED = (
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
)
STRONG_OVERRIDE = True
HEADER_BEFORE_URL = False


def _date_only(dt: datetime) -> bool:
    """A date without a time of day (stored as midnight UTC)."""
    return (dt.hour, dt.minute, dt.second, dt.microsecond) == (0, 0, 0, 0)


def _with_time(day: datetime, cands: list[tuple[str, Any]], now: datetime) -> tuple[datetime, str] | None:
    """The first specific publish declaration that gives ``day`` with its time of day."""
    for source, raw in cands:
        if source in WEAK_META:
            continue
        dt = parse_date(raw, now=now)
        if dt is not None and not _date_only(dt) and _on_day(dt, day):
            return dt, source
    return None


def _same_day(a: datetime, b: datetime) -> bool:
    """Whether two dates can name the same calendar day: two dates without a time must be
    equal; an instant must lie on the other's day in some real offset."""
    if _date_only(a) and _date_only(b):
        return a == b
    if _date_only(a):
        return _on_day(b, a)
    if _date_only(b):
        return _on_day(a, b)
    return abs(a - b) < timedelta(days=1)


def _on_day(instant: datetime, day: datetime) -> bool:
    """Whether ``instant`` lies on the calendar ``day`` in some real UTC offset (-12h..+14h)."""
    return day - timedelta(hours=14) <= instant < day + timedelta(days=1, hours=12)


def modified_date(pm: PageMeta, *, now: datetime) -> tuple[datetime | None, str]:
    """The declared last-modified date and its source, (None, '') when none."""
    for key in META_MODIFIED:
        for raw in pm.meta.get(key, ()):
            dt = parse_date(raw, now=now)
            if dt is not None:
                return dt, f"meta:{key}"
    for obj in pm.articles():
        dt = parse_date(obj.get("dateModified"), now=now)
        if dt is not None:
            return dt, "jsonld:dateModified"
    return None, ""


def updated_date(
    pm: PageMeta, published: datetime | None, *, now: datetime | None = None
) -> tuple[datetime | None, str]:
    """The declared last update, when it is later than the publication; (None, '') else.

    Kept beside ``published`` (never instead of it): a reader wants to know both that a
    report is from March and that it was corrected in May.
    """
    modified, source = modified_date(pm, now=now or datetime.now(UTC))
    if modified is None or published is None or modified <= published:
        return None, ""
    if (_date_only(modified) or _date_only(published)) and _same_day(modified, published):
        # a day without a time cannot say which of the two came later
        return None, ""
    return modified, source


def published_date(
    tree: HtmlElement, pm: PageMeta, url: str | None, *, headline: str = "", now: datetime | None = None
) -> tuple[datetime | None, str]:
    """The original publish date of a page and where it came from ('' when none)."""
    now = now or datetime.now(UTC)
    strong: tuple[datetime, str] | None = None
    weak: tuple[datetime, str] | None = None
    cands = structured_candidates(pm)
    for i, (source, raw) in enumerate(cands):
        dt = parse_date(raw, now=now)
        if dt is None:
            continue
        if source in WEAK_META:
            weak = weak or (dt, source)
        else:
            strong = (dt, source)
            if _date_only(dt):
                # "2022-05-03" in one place, "2022-05-03 13:32:45" in another: the same date, more precisely
                strong = _with_time(dt, cands[i + 1 :], now) or strong
            break
    if strong is not None:
        # published is published: a later update, even one the header shows in its place, is
        # `updated` (updated_date); measured both ways in benchmarks/README.md
        return strong
    text, h1s, times = page_text(tree)
    shown, _kind = header_date(text, h1s, headline, now=now)
    shown_source = "text:header"
    # a <time datetime> after the headline says the same in machine-readable form, often
    # with the time of day and offset: it refines a header date of the same day and stands
    # in for a missing one
    stamp = header_time(text, h1s, times, headline, parse=lambda value: parse_date(value, now=now))
    if stamp is not None and (shown is None or _same_day(stamp, shown)):
        shown, shown_source = stamp, "time:header"
    if weak is not None:
        if shown is not None and not _same_day(weak[0], shown):
            return shown, shown_source
        return weak
    for candidate in (url, pm.canonical):
        dt = date_from_url(candidate, now=now)
        if dt is not None:
            return dt, "url"
    if shown is not None:
        return shown, shown_source
    labelled, first, updated = text_dates(text, now=now)
    if labelled is not None:
        return labelled, "text:label"
    if updated is not None:
        return updated, "text:updated"
    # htmldate without its extensive search: that search calls dateparser, whose first
    # calls in a process cost seconds. On the 222 dev pages that get this far, the
    # extensive search finds 177 right dates; label, fast htmldate, first date: 177 too.
    found = find_date(
        tree,
        extensive_search=False,
        original_date=True,
        # the URL was tried above; an empty string keeps htmldate from probing it again
        url="",
        max_date=(now + FUTURE_SLACK).strftime("%Y-%m-%d"),
    )
    if found:
        dt = parse_date(found, now=now)
        if dt is not None:
            return dt, "htmldate"
    if first is not None:
        return first, "text"
    # a page that says only when it was modified: that is the best date it has
    return modified_date(pm, now=now)
