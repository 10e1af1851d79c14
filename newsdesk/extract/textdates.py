"""Dates in a page's visible text: the forms news pages write them in, their labels
(published, updated, a profile's "Registriert"), the date the article's header shows next
to its headline, and the page's text walked once for all of it.

:mod:`.dates` decides between these and what the page declares in its markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from lxml.etree import iterwalk
from lxml.html import HtmlElement

_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
#: a few hours of slack for pages published "tomorrow" in a timezone east of ours
FUTURE_SLACK = timedelta(days=1)


def plausible(dt: datetime, now: datetime) -> datetime | None:
    """``dt`` when it can be a web page's publish date (1995 up to a day after ``now``)."""
    return dt if _EARLIEST <= dt <= now + FUTURE_SLACK else None


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


#: words that say a date is an update, not the publication
_UPDATE_LABEL = re.compile(
    r"(?:aktualisiert|zuletzt\s+geändert|geändert|(?:letzte\s+)?änderung|editiert|bearbeitet|"
    r"updated?|modified|last\s+edited|"
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
#: words that introduce a date of a person, not of the page: a forum post's author box
#: ("Registriert: 18.09.2008", "Mitglied seit", "Joined") stands between headline and post
_PROFILE_LABEL = re.compile(
    r"(?:registriert(?:\s+seit)?|angemeldet\s+seit|mitglied\s+seit|dabei\s+seit|registered|"
    r"joined|member\s+since|inscrit\s+(?:le|depuis)|inscription|miembro\s+desde|registrado|"
    r"iscritto\s+(?:il|dal)|lid\s+sinds)\s*(?:am|on|:)?\s*:?\s*$",
    re.IGNORECASE,
)
#: a time of day between a label and its date: "Updated 2010 GMT (0410 HKT) March 14, 2021",
#: "Published 10:42 a.m. ET, May 3, 2021"
_TIME_TAIL = re.compile(
    r"\s*\d{1,2}[:.]?\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?(?:\s*\([^()]{0,20}\))?\s*,?\s*$",
    re.IGNORECASE,
)


def _label_window(text: str, start: int) -> str:
    """The 40 characters before a date, less a time of day standing between label and date."""
    window = text[max(0, start - 60) : start]
    m = _TIME_TAIL.search(window)
    if m is not None:
        window = window[: m.start()]
    return window[-40:]


#: a date that opens the article's text as its dateline: "29.11.2022 – Mehrfach hatte ...",
#: "BERLIN, 3 May 2021 — The ..." (a dash, then words; not a range "1.2.2022 – 3.2.2022")
_DATELINE_DASH = re.compile(r"\s?[–—-]\s+[^\W\d_]")


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


def _is_hatom_updated(el: HtmlElement) -> bool:
    """An element the hAtom microformat marks as the entry's update time (``class="updated"``,
    often hidden for rich snippets next to the visible publish date). WordPress themes mark
    the one date of a never-updated post ``class="published updated"``: that one stays."""
    cls = el.get("class")
    if not cls or "updated" not in cls:
        return False
    tokens = cls.split()
    return "updated" in tokens and "published" not in tokens


def page_text(tree: HtmlElement, limit: int = 60_000) -> PageText:
    """:func:`visible_text`, where each <h1> starts in it, and its <time> elements."""
    body = tree.find("body")
    out: list[str] = []
    h1s: list[int] = []
    times: list[tuple[int, str]] = []
    size = 0
    skipping: Any = None  # the element whose subtree is left out, until its end
    # iterwalk keeps document order (text, children, tail) at C speed
    for event, el in iterwalk(body if body is not None else tree, events=("start", "end")):
        if skipping is not None:
            if el is not skipping or event == "start":
                continue
            skipping = None
        piece = el.text if event == "start" else el.tail
        if event == "start":
            if not isinstance(el.tag, str) or el.tag in _SKIP_TEXT:
                continue
            if _is_hatom_updated(el):
                skipping = el
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


class TextDates(NamedTuple):
    #: the first date a publish label (or a dateline dash) introduces
    labelled: datetime | None
    #: the first plausible date
    first: datetime | None
    #: the first date an update label introduces ("Aktualisiert am 17.01.2021")
    updated: datetime | None


def text_dates(text: str, *, now: datetime | None = None) -> TextDates:
    """The labelled, first and update-labelled dates in visible text."""
    now = now or datetime.now(UTC)
    first = updated = None
    # every date form here contains a four-digit year: look only around years
    seen_end = -1
    for year in _YEAR.finditer(text):
        window_start = max(seen_end, year.start() - 30)
        m = _TEXT_DATE.search(text, window_start, year.end())
        if m is None or m.end() < year.end():
            continue
        seen_end = m.end()
        found = _labelled(text, m, now)
        if found is None:
            continue
        dt, kind = found
        if kind == "upd":
            updated = updated or dt
        elif kind == "pub" or _DATELINE_DASH.match(text, m.end()):
            return TextDates(dt, first or dt, updated)
        first = first or dt
    return TextDates(None, first, updated)


#: how far after the start of the headline, and before it, the article's header reaches
HEADER_AFTER = 300
HEADER_BEFORE = 150
#: a date that ends this close above the headline belongs to it
ADJACENT = 40


def _dates_in(text: str, start: int, end: int, now: datetime) -> list[tuple[int, datetime, str]]:
    """(offset, date, 'pub'/'upd'/'') for each date in text[start:end]."""
    found = []
    for m in _TEXT_DATE.finditer(text, max(0, start), end):
        if (labelled := _labelled(text, m, now)) is not None:
            found.append((m.start(), *labelled))
    return found


def _labelled(text: str, m: re.Match[str], now: datetime) -> tuple[datetime, str] | None:
    """A matched date and its label ('upd', 'pub' or ''); None when implausible or a profile's date."""
    dt = _match_date(m)
    if dt is None or plausible(dt, now) is None:
        return None
    before = _label_window(text, m.start())
    if _PROFILE_LABEL.search(before):
        return None
    return dt, "upd" if _UPDATE_LABEL.search(before) else "pub" if _PUBLISH_LABEL.search(before) else ""


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
    text: str,
    h1_offsets: list[int],
    times: list[tuple[int, str]],
    headline: str,
    *,
    parse: Callable[[str], datetime | None],
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
        dt = parse(value)
        if dt is None:
            continue
        if _UPDATE_LABEL.search(_label_window(text, offset)) or _UPDATE_START.match(text, offset):
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
