"""Dates that an English news text *mentions*, resolved against its publication date.

Timeline summarisation ranks a story's days by how often its coverage refers
to them (Gholipour Ghalandari & Ifrim 2020: mention counts beat publication
counts), so "the rig exploded on April 20" and "BP said on Friday" must become
calendar days. Rule-based, no model; what is recognised:

* explicit days: ``April 20``, ``April 20th, 2010``, ``20 April 2010``,
  ``Sept. 3``, ``2010-04-20``, ``4/20/2010`` (US order: the data is US/UK news
  and UK writers spell dates out). A missing year is the one that puts the day
  closest to the publication date (an article of 3 January 2011 saying
  "December 30" means 2010);
* weekdays, with optional ``on/last/since/by/next/this``: the latest such
  weekday on or before the publication day, because news reports the past
  ("BP said on Friday"); the next one after it with ``next`` or when the clause
  reads as future (``will``, ``is expected``, ``scheduled``, ``plans``...);
* ``today/tonight/this morning`` (the publication day), ``yesterday`` and
  ``last night`` (the day before), ``tomorrow`` (the day after);
* coarse references (``last week``, ``this month``, ``April 2010``) come back
  with granularity ``week``/``month`` and are not day mentions.

Penn-Treebank tokenised text (``May 15 , 2010``) is matched as well: spaces
before commas are allowed everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Granularity = Literal["day", "week", "month"]

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

# Month names must be capitalised: "may", "march" and "august" are common words.
_MONTH = r"(?P<mon>(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?|January|February|March|April|May|June|July|August|September|October|November|December)"  # noqa: E501
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:\s*,?\s*(?P<year>(?:19|20)\d\d))?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("us", re.compile(r"\b(?P<mon>[01]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b")),
    ("md", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:-|:|\d|%|percent|per cent|million|billion)){_YEAR}")),
    ("dm", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}")),
    ("my", re.compile(rf"\b{_MONTH}\s*,?\s+(?P<year>(?:19|20)\d\d)\b")),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<mod>(?i:on|last|since|by|until|next|this|early|late))\s+)?"
            r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b"
        ),
    ),
    (
        "rel",
        re.compile(
            # "today's most volatile regions" names no day: the possessive is left out.
            r"\b(?P<rel>today|tonight|this (?:morning|afternoon|evening)|yesterday|last night|tomorrow"
            r"|(?:last|this|next) (?:week|month)|earlier this (?:week|month))\b(?!\s?['’]s\b)",
            re.IGNORECASE,
        ),
    ),
]
_FUTURE = re.compile(
    r"\b(?:will|would|shall|is expected|are expected|expected to|scheduled|due to|plans?|planning|set to|"
    r"going to|aims? to|intends? to|next)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.;!?\n]")


@dataclass(frozen=True, slots=True)
class DateMention:
    """One resolved reference: ``day`` is the first day of a week or month for coarse ones."""

    day: date
    granularity: Granularity
    start: int
    end: int
    text: str


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _closest_year(month: int, day: int, published: date) -> date | None:
    years = (published.year - 1, published.year, published.year + 1)
    options = [d for y in years if (d := _safe_date(y, month, day))]
    if not options:
        return None
    # Closest to the publication day; on a tie the past one (news reports the past).
    return min(options, key=lambda d: (abs((d - published).days), d > published))


def _future_clause(text: str, start: int) -> bool:
    head = text[max(0, start - 80) : start]
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(head)), default=0)
    return bool(_FUTURE.search(head[cut:]))


def _month_number(token: str) -> int | None:
    return _MONTHS.get(token.rstrip(".").lower())


def date_mentions(text: str, published: date) -> list[DateMention]:
    """All date references of ``text``, in text order, resolved against ``published``."""
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if not free(a, b):
                continue
            found = _resolve(kind, m, text, published)
            if found is None:
                continue
            day, gran = found
            taken.append((a, b))
            out.append(DateMention(day, gran, a, b, m.group(0)))
    out.sort(key=lambda x: x.start)
    return out


def _resolve(kind: str, m: re.Match[str], text: str, published: date) -> tuple[date, Granularity] | None:
    g = m.groupdict()
    if kind in ("iso", "us"):
        d = _safe_date(int(g["year"]), int(g["mon"]), int(g["day"]))
        return (d, "day") if d else None
    if kind in ("md", "dm"):
        month = _month_number(g["mon"])
        if month is None:
            return None
        if g.get("year"):
            d = _safe_date(int(g["year"]), month, int(g["day"]))
        else:
            d = _closest_year(month, int(g["day"]), published)
        return (d, "day") if d else None
    if kind == "my":
        month = _month_number(g["mon"])
        return (date(int(g["year"]), month, 1), "month") if month else None
    if kind == "weekday":
        target = _WEEKDAYS[g["wd"].lower()]
        mod = (g.get("mod") or "").lower()
        back = (published.weekday() - target) % 7
        if mod == "next" or (mod not in ("last", "since") and _future_clause(text, m.start())):
            ahead = (target - published.weekday()) % 7 or 7
            return published + timedelta(days=ahead), "day"
        if mod == "last" and back == 0:
            back = 7
        return published - timedelta(days=back), "day"
    rel = g["rel"].lower()
    if rel in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return published, "day"
    if rel in ("yesterday", "last night"):
        return published - timedelta(days=1), "day"
    if rel == "tomorrow":
        return published + timedelta(days=1), "day"
    monday = published - timedelta(days=published.weekday())
    if rel.endswith("week"):
        shift = {"last": -7, "next": 7}.get(rel.split()[0], 0)
        return monday + timedelta(days=shift), "week"
    first = published.replace(day=1)
    if rel.startswith("last"):
        return (first - timedelta(days=1)).replace(day=1), "month"
    if rel.startswith("next"):
        return (first + timedelta(days=32)).replace(day=1), "month"
    return first, "month"


def mentioned_days(text: str, published: date) -> list[date]:
    """Only the day-granular mentions' days, in text order (repeats kept)."""
    return [m.day for m in date_mentions(text, published) if m.granularity == "day"]


# "late July", "mid-September", "early August", "in May" (capitalised, no year after it).
_MONTH_ALONE = re.compile(
    rf"\b(?:(?P<part>(?i:early|mid|late|the end of|end of|the beginning of|beginning of))[\s-]+)?{_MONTH}\b"
    r"(?!\s*,?\s*(?:19|20)\d\d)"
)
_PART_DAY = {"early": 5, "beginning of": 5, "the beginning of": 5, "mid": 15, "late": 25}


def yearless_mentions(text: str) -> list[tuple[int, int]]:
    """``(month, day)`` of the dates a text names without a year, future clauses left out.

    "September 17" gives (9, 17); "late July" (7, 25), "mid-July" (7, 15),
    "early August" (8, 5), a bare "August" (8, 15). Such a mention reads as
    the recent past of the unknown publication day, which is what lets an
    undated report be told from the developments of its story it cannot be
    from (see :func:`recent_past_share`).
    """
    out: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []
    for kind in ("md", "dm"):
        for m in dict(_PATTERNS)[kind].finditer(text):
            taken.append(m.span())
            month = _month_number(m.group("mon"))
            if m.group("year") or month is None or _future_clause(text, m.start()):
                continue
            out.append((month, int(m.group("day"))))
    for m in _MONTH_ALONE.finditer(text):
        a, b = m.span()
        if any(not (b <= s or a >= e) for s, e in taken) or _future_clause(text, a):
            continue
        month = _month_number(m.group("mon"))
        if month is None or (m.group("mon") == "May" and not m.group("part")):
            continue  # "may" the verb, capitalised at a sentence start
        part = (m.group("part") or "").lower()
        out.append((month, _PART_DAY.get(part, 28 if "end" in part else 15)))
    return out


def recent_past_share(mentions: list[tuple[int, int]], published: date, *, within: int = 120) -> float:
    """Share of yearless ``mentions`` that fall in the ``within`` days up to ``published`` (3 days' slack).

    Each is placed in the year that puts it closest to ``published``; news
    reports the past, so "late July" fits an article of 27 September but not
    one of 6 July.
    """
    if not mentions:
        return 1.0
    fits = 0
    for month, day in mentions:
        d = _closest_year(month, day, published)
        if d is not None and -3 <= (published - d).days <= within:
            fits += 1
    return fits / len(mentions)
