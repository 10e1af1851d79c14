"""Publication dates: parse what pages declare, and choose the original publish date.

Order of trust (each step measured on the extraction dev set, see benchmarks/README.md):
a publish date the page declares in specific structured data (article:published_time,
JSON-LD/microdata datePublished, ...; a date-only one takes its time of day from another
that gives the same day with one); a generic date meta tag (``date``, ``dc.date``),
unless the date the article's header shows next to its headline (or a ``<time datetime>``
after it) disagrees; a full year/month/day in the URL; that header date; a date a label
introduces in the visible text ("Veröffentlicht am 16.08.2019", "Published: ...");
htmldate's markup heuristics; the first plausible date in the visible text; the declared
modified date when nothing else. Dates labelled as updates ("Aktualisiert", "Updated")
are never taken for the header date. Visible dates are read in the forms news pages
use ("16.08.2019", "16 August 2019", "August 16, 2019", "15 августа 2016", "17/02/2022"
when one number is over 12, and next to the headline "28.09.19").

Every result is a tz-aware UTC datetime: a declared offset is applied, a date without a
time becomes midnight UTC, and a time without an offset is taken to be UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple

from htmldate import find_date
from lxml.etree import iterwalk
from lxml.html import HtmlElement

from .metadata import PageMeta

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

_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
# a few hours of slack for pages published "tomorrow" in a timezone east of ours
_FUTURE_SLACK = timedelta(days=1)

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


def _valid(dt: datetime, now: datetime) -> datetime | None:
    return dt if _EARLIEST <= dt <= now + _FUTURE_SLACK else None


def parse_date(value: Any, *, now: datetime | None = None) -> datetime | None:
    """A declared date/time as UTC, or None when it is not a plausible publish date.

    Accepts ISO 8601 (with or without separators, offset or 'Z'), RFC 2822 and unix
    timestamps (seconds or milliseconds).
    """
    now = now or datetime.now(UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return _valid(datetime.fromtimestamp(seconds, tz=UTC), now)
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
        return _valid(dt.astimezone(UTC), now)
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return _valid(dt.astimezone(UTC), now)


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
            if _valid(dt, now):
                return dt
    m = _URL_DATE_YEAR_LAST.search(path)
    if m:
        a, b = int(m[1]), int(m[3])
        if (a > 12) != (b > 12):
            day, month = (a, b) if a > 12 else (b, a)
            try:
                return _valid(datetime(int(m[4]), month, day, tzinfo=UTC), now)
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
        return strong
    text, h1s, times = page_text(tree)
    shown, _kind = header_date(text, h1s, headline, now=now)
    shown_source = "text:header"
    # a <time datetime> after the headline says the same in machine-readable form, often
    # with the time of day and offset: it refines a header date of the same day and stands
    # in for a missing one
    stamp = header_time(text, h1s, times, headline, now=now)
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
    labelled, first = text_dates(text, now=now)
    if labelled is not None:
        return labelled, "text:label"
    # htmldate without its extensive search: that search calls dateparser, whose first
    # calls in a process cost seconds. On the 222 dev pages that get this far, the
    # extensive search finds 177 right dates; label, fast htmldate, first date: 177 too.
    found = find_date(
        tree,
        extensive_search=False,
        original_date=True,
        # the URL was tried above; an empty string keeps htmldate from probing it again
        url="",
        max_date=(now + _FUTURE_SLACK).strftime("%Y-%m-%d"),
    )
    if found:
        dt = parse_date(found, now=now)
        if dt is not None:
            return dt, "htmldate"
    if first is not None:
        return first, "text"
    # a page that says only when it was modified: that is the best date it has
    return modified_date(pm, now=now)


# ---------------------------------------------------------------- dates in the visible text

_MONTHS = {
    # en, de, fr, es, it, pt, nl; abbreviations are the first letters of these
    1: "january januar janvier enero gennaio janeiro januari jänner",
    2: "february februar février fevrier febrero febbraio fevereiro februari feber",
    3: "march märz maerz mars marzo março maart",
    4: "april avril abril aprile",
    5: "may mai mayo maggio maio mei",
    6: "june juni juin junio giugno junho",
    7: "july juli juillet julio luglio julho",
    8: "august août aout agosto augustus",
    9: "september septembre septiembre settembre setembro",
    10: "october oktober octobre octubre ottobre outubro",
    11: "november novembre noviembre novembro",
    12: "december dezember décembre decembre diciembre dicembre dezembro",
}
#: full names only (their abbreviations collide across languages: Czech "lis" is November,
#: Croatian "listopad" October): ru, uk, pl, cs, sv/da/no, tr, ro, ca, el; genitive forms
#: as they stand in dates ("15 августа 2016", "3 października 2020")
_MONTHS_FULL_ONLY = {
    1: "января січня stycznia ledna januari januar ocak ianuarie gener ιανουαρίου",
    2: "февраля лютого lutego února februari februar şubat februarie febrer φεβρουαρίου",
    3: "марта березня marca března mars marts mart martie març μαρτίου",
    4: "апреля квітня kwietnia dubna april nisan aprilie abril απριλίου",
    5: "мая травня maja května maj mai mayıs maig μαΐου",
    6: "июня червня czerwca června juni haziran iunie juny ιουνίου",
    7: "июля липня lipca července juli temmuz iulie juliol ιουλίου",
    8: "августа серпня sierpnia srpna augusti august ağustos agost αυγούστου",
    9: "сентября вересня września září september eylül septembrie setembre σεπτεμβρίου",
    10: "октября жовтня października října oktober ekim octombrie octubre οκτωβρίου",
    11: "ноября листопада listopada listopadu november kasım noiembrie novembre νοεμβρίου",
    12: "декабря грудня grudnia prosince december desember aralık decembrie desembre δεκεμβρίου",
}
_MONTH_OF = {name: num for num, names in _MONTHS.items() for name in names.split()}
for _name, _num in list(_MONTH_OF.items()):
    _MONTH_OF.setdefault(_name[:3], _num)
    _MONTH_OF.setdefault(_name[:4], _num)
for _num, _names in _MONTHS_FULL_ONLY.items():
    for _name in _names.split():
        _MONTH_OF.setdefault(_name, _num)
_Y = r"((?:19|20)\d\d)"
_WORDY = r"[^\W\d_]{3,12}"  # a month name, checked against _MONTH_OF after matching
_TEXT_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<d1>[0-3]?\d)\.\s?(?P<m1>[01]?\d)\.\s?(?P<y1>(?:19|20)\d\d)"
    r"|(?P<y2>(?:19|20)\d\d)-(?P<m2>[01]\d)-(?P<d2>[0-3]\d)"
    rf"|(?P<d3>[0-3]?\d)(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?(?P<mn3>{_WORDY})\.?,?\s+(?:de\s+)?(?P<y3>(?:19|20)\d\d)"
    rf"|(?P<mn4>{_WORDY})\.?\s+(?P<d4>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y4>(?:19|20)\d\d)"
    # "28.09.19": two-digit year, day and month with their zeros (not a version number "1.2.19")
    # "17/02/2022" or "02/17/2022": kept only when one number is over 12 (see _match_date)
    r"|(?P<a6>[0-3]?\d)/(?P<b6>[0-3]?\d)/(?P<y6>(?:19|20)\d\d)"
    r"|(?<!\d\.)(?P<d5>[0-3]\d)\.(?P<m5>[01]\d)\.(?P<y5>\d\d)(?!\.?\d)"
    r")(?!\d)"
)
#: words that introduce the publish date in a byline
_PUBLISH_LABEL = re.compile(
    r"(?:veröffentlicht|erschienen|erscheinungsdatum|publiziert|erstellt|published|posted|"
    r"publié|publicado|pubblicato|gepubliceerd|written|datum|date|"
    r"опубликовано|опубліковано|opublikowano|publikováno|publicerad|udgivet|publisert|julkaistu|"
    r"yayınlanma(?:\s+tarihi)?|publicat)\s*(?:am|on|le|el|il|op|den)?\s*:?\s*$",
    re.IGNORECASE,
)


def _century(yy: int) -> int:
    """A two-digit year in this century unless that lies in the future."""
    year = 2000 + yy
    return year if year <= datetime.now(UTC).year else year - 100


def _match_date(m: re.Match[str]) -> datetime | None:
    try:
        if m["y1"]:
            y, mo, d = int(m["y1"]), int(m["m1"]), int(m["d1"])
        elif m["y2"]:
            y, mo, d = int(m["y2"]), int(m["m2"]), int(m["d2"])
        elif m["y6"]:
            a, b = int(m["a6"]), int(m["b6"])
            if (a > 12) == (b > 12):
                return None  # 03/04/2022: the 3rd of April in Europe, March 4th in the US
            y, mo, d = int(m["y6"]), min(a, b), max(a, b)
        elif m["y5"]:
            y, mo, d = _century(int(m["y5"])), int(m["m5"]), int(m["d5"])
        elif m["y3"]:
            y, mo, d = int(m["y3"]), _MONTH_OF[m["mn3"].lower()], int(m["d3"])
        else:
            y, mo, d = int(m["y4"]), _MONTH_OF[m["mn4"].lower()], int(m["d4"])
        return datetime(y, mo, d, tzinfo=UTC)
    except (ValueError, KeyError):
        return None


_SKIP_TEXT = frozenset({"script", "style", "noscript", "template"})


def visible_text(tree: HtmlElement, limit: int = 60_000) -> str:
    """The page's text (navigation included, scripts not), space-joined, up to about ``limit`` characters."""
    return page_text(tree, limit)[0]


class PageText(NamedTuple):
    text: str
    #: offsets in ``text`` where each <h1> starts
    h1s: list[int]
    #: (offset, datetime attribute) of each <time datetime="..."> element
    times: list[tuple[int, str]]


def page_text(tree: HtmlElement, limit: int = 60_000) -> PageText:
    """:func:`visible_text`, where each <h1> starts in it, and its <time> elements."""
    body = tree.find("body")
    out: list[str] = []
    h1s: list[int] = []
    times: list[tuple[int, str]] = []
    size = 0
    # iterwalk keeps document order (text, children, tail) at C speed
    for event, el in iterwalk(body if body is not None else tree, events=("start", "end")):
        piece = el.text if event == "start" else el.tail
        if event == "start":
            if not isinstance(el.tag, str) or el.tag in _SKIP_TEXT:
                continue
            if el.tag == "h1":
                h1s.append(size + len(out))  # joined with one space per piece
            elif el.tag == "time" and el.get("datetime"):
                times.append((size + len(out), el.get("datetime", "")))
        if piece and not piece.isspace():
            # one plain space for any run of whitespace (tabs, newlines, no-break spaces),
            # as in the headline it is searched for
            out.append(" ".join(piece.split()))
            size += len(out[-1])
            if size >= limit:
                break
    return PageText(" ".join(out), h1s, times)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def text_dates(text: str, *, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(the first date a publish label introduces, the first plausible date) in visible text."""
    now = now or datetime.now(UTC)
    first = None
    # every date form here contains a four-digit year: look only around years
    seen_end = -1
    for year in _YEAR.finditer(text):
        window_start = max(seen_end, year.start() - 30)
        m = _TEXT_DATE.search(text, window_start, year.end())
        if m is None or m.end() < year.end():
            continue
        seen_end = m.end()
        dt = _match_date(m)
        if dt is None or _valid(dt, now) is None:
            continue
        if _PUBLISH_LABEL.search(text[max(0, m.start() - 40) : m.start()]):
            return dt, first or dt
        first = first or dt
    return None, first


#: words that say a date is an update, not the publication
_UPDATE_LABEL = re.compile(
    r"(?:aktualisiert|zuletzt\s+geändert|geändert|editiert|bearbeitet|updated?|modified|last\s+edited|"
    r"mis\s+à\s+jour|modifié|actualizado|actualización|aggiornato|bijgewerkt|päivitetty|"
    r"обновлено|оновлено|zaktualizowano|aktualizováno|uppdaterad|opdateret|oppdatert|"
    r"güncelle(?:n)?me(?:\s+tarihi)?|güncellendi|actualizat)"
    r"\s*(?:am|on|le|el|il|op|at)?\s*:?\s*$",
    re.IGNORECASE,
)
#: an element whose own text starts with an update label ("<time>Aktualisiert: 11.04.2020</time>")
_UPDATE_START = re.compile(
    r"\s*(?:aktualisiert|geändert|updated?|modified|mis\s+à\s+jour|actualizado|aggiornato|bijgewerkt)\b",
    re.IGNORECASE,
)
#: how far after the start of the headline, and before it, the article's header reaches
HEADER_AFTER = 300
HEADER_BEFORE = 150
#: a date that ends this close above the headline belongs to it
ADJACENT = 40


def _dates_in(text: str, start: int, end: int, now: datetime) -> list[tuple[int, datetime, str]]:
    """(offset, date, 'pub'/'upd'/'') for each date in text[start:end]."""
    found = []
    for m in _TEXT_DATE.finditer(text, max(0, start), end):
        dt = _match_date(m)
        if dt is None or _valid(dt, now) is None:
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        kind = "upd" if _UPDATE_LABEL.search(before) else "pub" if _PUBLISH_LABEL.search(before) else ""
        found.append((m.start(), dt, kind))
    return found


def _headline_at(text: str, h1_offsets: list[int], headline: str) -> int:
    """Where the headline starts in the visible text: its own text, else the first <h1>; -1 when neither."""
    pos = -1
    key = headline[:40]
    if key:
        pos = next((o for o in h1_offsets if text.startswith(key, o)), -1)
        if pos < 0:
            pos = text.find(key)
    if pos < 0 and h1_offsets:
        pos = h1_offsets[0]
    return pos


#: how far after the headline a <time datetime> element still belongs to the article's header
TIME_AFTER = 1500


def header_time(
    text: str, h1_offsets: list[int], times: list[tuple[int, str]], headline: str, *, now: datetime
) -> datetime | None:
    """The first machine-readable <time datetime> after the headline, unless labelled as an update."""
    pos = _headline_at(text, h1_offsets, headline)
    if pos < 0:
        return None
    for offset, value in times:
        if offset < pos:
            continue
        if offset > pos + TIME_AFTER:
            break
        dt = parse_date(value, now=now)
        if dt is None:
            continue
        if _UPDATE_LABEL.search(text[max(0, offset - 40) : offset]) or _UPDATE_START.match(text, offset):
            continue
        return dt
    return None


def header_date(
    text: str, h1_offsets: list[int], headline: str, *, now: datetime
) -> tuple[datetime | None, str]:
    """The date the article's header shows next to its headline, and its label ('pub', '').

    The header is the headline (where the headline's own text is, else the first <h1>)
    and what follows it for HEADER_AFTER characters, else the HEADER_BEFORE characters
    before it. Dates labelled as updates are passed over.
    """
    key = headline[:40]
    pos = _headline_at(text, h1_offsets, headline)
    if pos < 0:
        return None, ""
    before = [d for d in _dates_in(text, pos - HEADER_BEFORE, pos, now) if d[2] != "upd"]
    # dates inside the headline ("Conference, 26-27 Feb 2015") are its subject, not its date
    start = pos + len(headline) if text.startswith(key, pos) else pos
    after = [d for d in _dates_in(text, start, start + HEADER_AFTER, now) if d[2] != "upd"]
    labelled = [d for d in before + after if d[2] == "pub"]
    if labelled:
        return labelled[0][1], "pub"
    # a date right above the headline ("03.02.2022 Headline") is the header's own
    if before and pos - before[-1][0] <= ADJACENT:
        return before[-1][1], ""
    if after:
        return after[0][1], ""
    if before:
        return before[-1][1], ""
    return None, ""
