"""A story's developments in date order, each with a date, a summary sentence and its articles.

Dates are chosen the way Gholipour Ghalandari & Ifrim (2020) found to work
for news timeline summarisation: a day is important when the coverage keeps
**referring** to it. Every article of the story votes once for each day it
mentions (:mod:`newsdesk.link.dates` resolves "April 20", "on Friday",
"yesterday" against its publication day) and ``PUB_WEIGHT`` for the day it
was published; days outside the story's coverage (before its first article
less ``LOOKBACK_DAYS``, after its last) are history or speculation and do not
count. The ``limit`` best days are kept (the evaluation passes the gold
timeline's length, as theirs does); without a limit, one day per event of
the story.

Each article is attached to the kept day it mentions most, else to the latest
kept day at most ``ATTACH_DAYS`` before its publication (a report of the
next morning). The **summary** of a day is extractive: among the sentences of
its articles that mention the day (titles and leads of articles published
on it when none do), the one closest to the centroid of those candidates: the
sentence the coverage agrees on. Its ``event_id`` is its articles' most common
event.

:func:`date_f1` and :func:`rouge1_concat` are the usual timeline-summarisation
metrics (Martschat & Markert 2017): date F1 compares the sets of dates;
concat ROUGE-1 F1 compares the multisets of lower-cased word unigrams of all
summaries of each timeline taken together (no stemming, no stop-word removal).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from .cluster import StoryEngine
from .dates import mentioned_days
from .features import FeatureSource, clean_text, headline, sentences, words
from .items import EPOCH

#: A publication counts this much, a mention 1: mentions carry more signal
#: (Ghalandari & Ifrim), publications mostly break ties and date text without mentions.
PUB_WEIGHT = 0.25
LOOKBACK_DAYS = 7
ATTACH_DAYS = 2
#: Candidate sentences per day embedded for the centroid (the most date-specific first).
MAX_CANDIDATES = 200


@dataclass(slots=True)
class Development:
    date: date | None
    headline: str
    article_ids: list[str] = field(default_factory=list)
    event_id: int = -1
    outlets: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "headline": self.headline,
            "articles": list(self.article_ids),
            "event": self.event_id,
            "outlets": self.outlets,
        }


def _day(days: float) -> date | None:
    if math.isnan(days):
        return None
    return (EPOCH + timedelta(days=days)).astimezone(UTC).date()


def event_date(days: Iterable[float]) -> date | None:
    """The modal publication day (earliest on ties); None when no member is dated."""
    counts = Counter(d for d in (_day(x) for x in days) if d is not None)
    if not counts:
        return None
    top = max(counts.values())
    return min(d for d, c in counts.items() if c == top)


@dataclass(slots=True)
class _Doc:
    aid: str
    row: int
    published: date | None
    title: str
    sents: list[str]
    sent_days: list[list[date]]


def rank_days(docs: Iterable[tuple[date | None, Iterable[date]]]) -> list[tuple[date, float]]:
    """Days by score (mentions + ``PUB_WEIGHT`` * publications), best first; earliest on ties."""
    docs = list(docs)
    published = [p for p, _ in docs if p is not None]
    if not published:
        return []
    lo, hi = min(published) - timedelta(days=LOOKBACK_DAYS), max(published)
    score: dict[date, float] = {}
    for pub, mentioned in docs:
        for d in set(mentioned):
            if lo <= d <= hi:
                score[d] = score.get(d, 0.0) + 1.0
        if pub is not None:
            score[pub] = score.get(pub, 0.0) + PUB_WEIGHT
    return sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))


def story_timeline(
    engine: StoryEngine,
    story_id: int,
    texts: Callable[[str], tuple[str, str]],
    *,
    limit: int | None = None,
    source: FeatureSource | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Development]:
    """The story's developments, date order; ``texts(article_id) -> (title, text)``.

    ``start``/``end`` bound the days a timeline may list (a timeline of one
    phase of a story; the benchmark passes the gold timeline's range, the
    usual protocol of timeline-summarisation evaluations).
    """
    source = source or engine.source
    root = engine.shown_story(story_id)
    events = [e for e in engine.members if engine.story_of_event(e) == root]
    docs: list[_Doc] = []
    for e in events:
        for r in engine.members[e]:
            aid = engine.table.ids[r]
            title, text = texts(aid)
            pub = _day(float(engine.table.days[r]))
            sents = sentences(text)
            sent_days = [mentioned_days(s, pub) if pub else [] for s in sents]
            docs.append(_Doc(aid, r, pub, clean_text(title), sents, sent_days))

    def best_days(group: list[_Doc]) -> list[date]:
        return [
            day
            for day, _ in rank_days((d.published, (x for ds in d.sent_days for x in ds)) for d in group)
            if (start is None or day >= start) and (end is None or day <= end)
        ]

    if limit is None:
        # Every development of the story: one per dated event, on that event's best day.
        # Ranking the whole story's days instead lets one long article that names many
        # days of its own week crowd out a later development with few mentions.
        per_event: dict[int, list[_Doc]] = {}
        for d in docs:
            per_event.setdefault(engine.event_of_row(d.row), []).append(d)
        chosen = sorted({days[0] for group in per_event.values() if (days := best_days(group))})
    else:
        chosen = sorted(best_days(docs)[:limit])
    attached: dict[date | None, list[_Doc]] = {day: [] for day in chosen}
    for doc in docs:
        attached.setdefault(_attach(doc, chosen), []).append(doc)
    # An undated article joins the development most of its event's dated articles went to:
    # the event is the evidence of when it happened (seed 003 reports the 2025 recognition).
    by_event: dict[int, Counter[date]] = {}
    for day, members in attached.items():
        for d in members:
            if day is not None:
                by_event.setdefault(engine.event_of_row(d.row), Counter())[day] += 1
    for d in list(attached.get(None, [])):
        votes = by_event.get(engine.event_of_row(d.row))
        if votes:
            attached[None].remove(d)
            attached[votes.most_common(1)[0][0]].append(d)
    devs: list[Development] = []
    for day in chosen:
        members = attached[day]
        rows = [d.row for d in members]
        ev = Counter(engine.event_of_row(r) for r in rows).most_common(1)
        outlets = len({int(engine.table.outlet[r]) for r in rows})
        summary = _summary(day, members, source)
        devs.append(Development(day, summary, [d.aid for d in members], ev[0][0] if ev else -1, outlets))
    if limit is None and attached.get(None):
        # Undated coverage still belongs to the story: one entry, listed last.
        members = attached[None]
        rows = [d.row for d in members]
        ev = Counter(engine.event_of_row(r) for r in rows).most_common(1)
        head = next((h for d in members if (h := headline(d.title, " ".join(d.sents[:1])))), "")
        devs.append(Development(None, head, [d.aid for d in members], ev[0][0], len(rows)))
    return devs


def _attach(doc: _Doc, chosen: list[date]) -> date | None:
    if not chosen:
        return None
    votes = Counter(d for ds in doc.sent_days for d in ds if d in chosen)
    if votes:
        return max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    if doc.published is None:
        return None
    before = [d for d in chosen if timedelta(0) <= doc.published - d <= timedelta(days=ATTACH_DAYS)]
    if before:
        return before[-1]
    return min(chosen, key=lambda d: abs((d - doc.published).days))  # type: ignore[operator]


def _summary(day: date, members: list[_Doc], source: FeatureSource | None) -> str:
    mentioning: list[str] = []
    for doc in members:
        for sent, days in zip(doc.sents, doc.sent_days, strict=True):
            if day in days:
                mentioning.append(sent)
    if not mentioning:
        for doc in members:
            head = headline(doc.title, " ".join(doc.sents[:1]))
            mentioning.extend([head, *doc.sents[1:3]])
    return _central(mentioning[:MAX_CANDIDATES], source)


def _central(candidates: list[str], source: FeatureSource | None) -> str:
    candidates = [c for c in dict.fromkeys(c.strip() for c in candidates) if 20 <= len(c) <= 400]
    if not candidates:
        return ""
    if source is None or len(candidates) <= 2:
        return candidates[0]
    vecs = source.embed(candidates)
    centroid = vecs.mean(axis=0)
    return candidates[int(np.argmax(vecs @ centroid))]


# --------------------------------------------------------------------------- metrics


def date_f1(predicted: Iterable[date | str], gold: Iterable[date | str]) -> tuple[float, float, float]:
    """Precision, recall, F1 of the predicted set of dates against the gold set."""
    p = {d if isinstance(d, date) else datetime.fromisoformat(str(d)).date() for d in predicted}
    g = {d if isinstance(d, date) else datetime.fromisoformat(str(d)).date() for d in gold}
    if not p or not g:
        return 0.0, 0.0, 0.0
    hit = len(p & g)
    prec, rec = hit / len(p), hit / len(g)
    return prec, rec, (2 * prec * rec / (prec + rec) if hit else 0.0)


def rouge1_concat(predicted: Iterable[str], gold: Iterable[str]) -> tuple[float, float, float]:
    """Concat ROUGE-1: clipped unigram overlap of all summaries together (P, R, F1)."""
    p = Counter(w for s in predicted for w in words(s))
    g = Counter(w for s in gold for w in words(s))
    if not p or not g:
        return 0.0, 0.0, 0.0
    hit = sum((p & g).values())
    prec, rec = hit / sum(p.values()), hit / sum(g.values())
    return prec, rec, (2 * prec * rec / (prec + rec) if hit else 0.0)
