"""Typed records that flow between the stages.

``RawDocument`` is what ingest hands to extract: bytes (or pre-parsed fields)
plus where they came from. ``Article`` is what extract produces and later
stages enrich; its public fields mirror the seed record format
(``../shared/seeds/000_*.txt``), its private ones (``source``, ``ingested_at``,
...) are what the ``secured`` envelope protects.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

#: What kind of input a RawDocument holds; decides which extractor reads it.
InputKind = Literal["html", "capture", "record", "jsonl"]

#: Values the record format uses for "not computed yet".
HEAT_UNKNOWN = -1
QUALITY_UNKNOWN = -1


@dataclass(frozen=True, slots=True)
class Provider:
    """The outlet that published an article."""

    name: str = ""
    domain: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.domain)


@dataclass(frozen=True, slots=True)
class Image:
    """An image of an article; width/height 0 when unknown."""

    url: str
    width: int = 0
    height: int = 0
    is_cached: bool = False


@dataclass(frozen=True, slots=True)
class TopicScore:
    """One topic an article is about, with the classifier's calibrated score (0-1)."""

    name: str
    id: str
    score: float


@dataclass(slots=True)
class RelatedItem:
    """Another article listed under ``related`` in a record."""

    title: str = ""
    excerpt: str = ""
    published: datetime | None = None
    web_url: str = ""
    type: str = "article"
    provider: Provider = field(default_factory=Provider)
    quality: int = QUALITY_UNKNOWN
    images: list[Image] = field(default_factory=list)
    #: URLs of other copies of this same item folded into it (syndication).
    copies: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RawDocument:
    """One input before extraction.

    ``content`` holds the bytes for html/capture/record inputs; ``fields``
    holds the already-parsed object for a JSONL line.
    """

    source: str
    kind: InputKind
    content: bytes = b""
    fields: dict[str, Any] = field(default_factory=dict)
    url: str | None = None
    external_id: str | None = None


@dataclass(slots=True)
class Article:
    """One article: clean text plus metadata, as extracted and then enriched."""

    title: str = ""
    text: str = ""
    excerpt: str = ""
    url: str = ""  # originalUrl: where the article was first published
    web_url: str = ""  # webUrl: where newsdesk found it
    published: datetime | None = None
    #: where ``published`` came from, e.g. "meta:article:published_time", "capture:byline", "record"
    published_source: str = ""
    #: the last update the page declares, when later than ``published`` (never instead of it)
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)
    provider: Provider = field(default_factory=Provider)
    language: str = ""
    images: list[Image] = field(default_factory=list)
    category: str = "news"
    type: str = "article"
    quality: int = QUALITY_UNKNOWN
    heat: int = HEAT_UNKNOWN
    published_flag: bool = False  # the record's `published` (an editorial decision)
    topics: list[str] = field(default_factory=list)
    related: list[RelatedItem] = field(default_factory=list)
    #: facts a text capture states
    tags: list[str] = field(default_factory=list)
    dateline: str = ""  # e.g. "ISLAMABAD (PEN)"
    agency: str = ""  # the agency named in a dateline, e.g. "PEN"
    is_repost: bool = False
    original_title: str = ""  # a headline the page carries for the story it rewrites
    original_url: str = ""  # where the original of a repost/rewrite/copy lives, when known
    original_provider: str = ""  # the outlet of that original, when known
    # enrichment
    topic_scores: list[TopicScore] = field(default_factory=list)
    quality_parts: dict[str, float] = field(default_factory=dict)
    quality_reasons: list[str] = field(default_factory=list)
    entities: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> name -> count
    # provenance (private: goes into `secured`, not the public front matter)
    id: str = ""  # newsdesk's own id
    external_id: str = ""  # the id the input gave, if any
    source: str = ""  # file path or URL the article was read from
    source_kind: str = ""
    ingested_at: datetime | None = None
    extractor: str = ""  # name/version of what extracted it
    secured: str = ""  # the envelope as read from a record ("" until sealed)
    #: unknown fields a record carried, written back into its front matter
    extra: dict[str, Any] = field(default_factory=dict)
    #: newsdesk's own stored details that have no place in the record format
    #: (inputs merged, canonical URL, what capture cleaning removed, ...): JSON only
    info: dict[str, Any] = field(default_factory=dict)
    #: the multilingual meaning vector (float16 bytes) the topic head computed, read by the story
    #: linker (:mod:`newsdesk.link.meaning`); the store keeps it in its own column, never in a record
    meaning: bytes = b""

    def replace(self, **changes: Any) -> Article:
        return dataclasses.replace(self, **changes)


def utc(dt: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are taken to be UTC already."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
