"""What the story linker takes and gives: its one parameter set, the article as it sees it
(:class:`LinkItem`), where an article went (:class:`Placement`), and which dates it trusts.

Kept apart from the engine (``cluster.py``) so that callers (the linker, timelines,
benchmarks) share these small records without reaching into the engine itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from ..model import Article
from .features import FeatureSource, LexicalEmbedder, as_utc

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Dates before this are taken to be parse errors (epoch zero, two-digit years).
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
#: How far ahead of "now" a date may lie before it is taken to be an error.
FUTURE_SLACK = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class LinkParams:
    """The one parameter set (see the module docstring for the formulas)."""

    k: int = 32
    event_threshold: float = 0.16
    entity_weight: float = 0.20
    # Off: same-event reports in real feeds carry dates off by weeks or months
    # (updated pages, re-publications); time enters events through the silence rule.
    event_time_weight: float = 0.0
    event_tau_days: float = 2.0
    #: Silence rule: an article arriving more than ``max(event_gap_days,
    #: event_cadence_factor * the event's mean spacing)`` days after (or
    #: before) an event's coverage starts a new development, unless its content
    #: score (average cosine, no entity bonus) clears ``event_revive_threshold``
    #: (a re-dated page, a late follow-up of the very same fact).
    event_gap_days: float = 365.0
    event_cadence_factor: float = 4.0
    event_revive_threshold: float = 0.25
    #: The story decision: the best single link against ``story_threshold`` (default), or the
    #: learned model of :mod:`.story_model` over the candidate's neighbours and its centroid
    #: (:mod:`.centroids`). Off: it lifts the thin crisis threads (Italian 0.17 -> 0.54) but
    #: links unrelated short reports at cosine 0.08 in a small store and costs bpoil +
    #: Giveme5W1H and Spanish precision (benchmarks/README.md, "Learned story decision").
    learned_story: bool = False
    #: The event decision: content + entity bonus against ``event_threshold``, or the learned
    #: model of :mod:`.event_model` (relative features: see there why GVC needs them).
    learned_event: bool = True
    #: The learned story decision joins no candidate whose best cosine to the article stays
    #: at chance level (unrelated crisis articles: 90th percentile 0.048): without content
    #: evidence, a small store of unrelated news would chain into one story.
    story_min_sim: float = 0.05
    story_threshold: float = 0.20
    #: The place anchor (:mod:`.places`): a story link gains ``place_weight`` times the cosine
    #: of the article's country profile to the candidate story's, and loses ``place_penalty``
    #: when that cosine is under ``place_conflict`` (Libya and Egypt in 2011: one vocabulary,
    #: two threads); two stories whose profiles are that far apart do not merge through one
    #: article either. Both 0: profiles are not read.
    place_weight: float = 0.0
    place_penalty: float = 0.05
    place_conflict: float = 0.3
    #: an article naming countries fewer times than this (title mentions count 3) is too
    #: short a text for its places to overrule its words: no penalty, no conflict
    place_min_mentions: float = 5.0
    #: a story whose largest country holds less than this share of its mentions is no
    #: country's thread (a spill that reaches many coasts): nothing conflicts with it
    place_story_share: float = 0.5
    #: Across languages (the neighbours never are): a story anchored in a country (at least
    #: ``place_story_share`` of the mentions of ``place_bridge_articles`` articles) merges
    #: with the story of another language anchored in the same country, if that one was
    #: covered within ``place_bridge_days`` days. 0: never.
    place_bridge_days: float = 30.0
    place_bridge_articles: int = 3
    #: Within one language the bridge needs the words too: the two stories' articles must be
    #: on average at least this fraction as close across the two as within each (0: never;
    #: 0.3: Italian crisis stories link at 0.4-0.8 of it, Giveme5W1H events of one country < 0.1).
    place_bridge_ratio: float = 0.3
    #: Meaning filing (:mod:`.meaning`): an article with a multilingual vector that opens a new
    #: story has it filed under the story that holds at least ``meaning_share`` of the summed
    #: cosine of its ``meaning_k`` nearest vectors at cosine >= ``meaning_threshold`` (k 0: off).
    #: Chosen on the crisis es/fr/it replays (threshold 0.84-0.88 x k 3-8; share set by hand);
    #: leave-one-set-out figures in benchmarks/README.md ("Meaning filing").
    meaning_k: int = 3
    meaning_threshold: float = 0.84
    meaning_share: float = 0.6
    story_time_weight: float = 0.02
    story_tau_days: float = 30.0
    undated_penalty: float = 0.03
    #: An undated article that names days or months without a year ("late July")
    #: is scored down by this much for an event those mentions cannot be the
    #: recent past of (scaled by the share that do not fit; two mentions at least).
    undated_mismatch_penalty: float = 0.10
    split_max_members: int = 256


def default_source() -> FeatureSource:
    """The feature source the default parameters are calibrated for."""
    return LexicalEmbedder(dim=4096)


@dataclass(slots=True)
class LinkItem:
    """One article as the linker sees it."""

    article_id: str
    title: str = ""
    text: str = ""
    published: datetime | None = None
    outlet: str = ""
    language: str = ""
    entities: Mapping[str, Mapping[str, int]] | None = None
    vector: np.ndarray | None = None
    copy_of: str | None = None
    #: the multilingual meaning vector (unit length) the store keeps for it, if any
    meaning: np.ndarray | None = None

    @classmethod
    def from_article(
        cls, article: Article, *, vector: np.ndarray | None = None, meaning: np.ndarray | None = None
    ) -> LinkItem:
        # A derived title is the text's own first line or sentence: embedding it again
        # would only re-weight the lead, so the linker sees the body alone.
        derived = article.info.get("title_source") == "derived"
        return cls(
            article_id=article.id or article.url,
            title="" if derived else article.title,
            text=article.text,
            published=article.published,
            outlet=article.provider.domain or article.provider.name,
            language=article.language,
            entities=article.entities,
            vector=vector,
            meaning=meaning,
        )


@dataclass(slots=True)
class Placement:
    """Where an article went, and why."""

    article_id: str
    event_id: int | None
    story_id: int | None
    score: float = 0.0
    new_event: bool = False
    new_story: bool = False
    merged_events: list[int] = field(default_factory=list)
    merged_stories: list[int] = field(default_factory=list)
    split_events: list[int] = field(default_factory=list)
    reason: str = ""
    #: whether the older graphs of the index were searched too (no recent event took it)
    looked_back: bool = False


def plausible_days(published: datetime | None, now: datetime | None = None) -> tuple[float, str]:
    """Days since 1970 of a usable date, or NaN and why it is not usable."""
    dt = as_utc(published)
    if dt is None:
        return math.nan, "no date: placed by content alone"
    limit = (as_utc(now) or datetime.now(UTC)) + FUTURE_SLACK
    if dt < EARLIEST or dt > limit:
        return math.nan, f"implausible date {dt.date().isoformat()}: placed by content alone"
    return (dt - EPOCH).total_seconds() / 86400.0, ""
