"""Merge every input that describes one article into the article newsdesk stores.

Recomputed from all inputs each time one arrives, so the result does not
depend on arrival order. Metadata is taken field by field from the most
authoritative input that has it (a record states its fields on purpose; a page's
markup beats a text capture's guesses); the body comes from an extraction
(page, capture, interchange text) before a record's body, because records
written by older systems often carry none (seed 000).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..model import HEAT_UNKNOWN, QUALITY_UNKNOWN, Article, Provider

_META_RANK = {"record": 4, "jsonl": 3, "html": 2, "capture": 1}
_TEXT_RANK = {"html": 3, "capture": 3, "jsonl": 2, "record": 1}

# Fields whose "unknown" is a sentinel rather than an empty value.
_SENTINELS = {"quality": QUALITY_UNKNOWN, "heat": HEAT_UNKNOWN}
# Merged separately, or provenance of the merged article itself.
_SPECIAL = {
    "text",
    "id",
    "source",
    "source_kind",
    "ingested_at",
    "extra",
    "info",
    "published_flag",
    "secured",
    "meaning",  # made again when the merged article is enriched
}


def _has(value: object, name: str) -> bool:
    if name in _SENTINELS:
        return value != _SENTINELS[name]
    if isinstance(value, Provider):
        return not value.is_empty()
    return value not in (None, "", [], {}, False)


#: a later body of the same kind replaces the one held only when at least this long relative to it
_COMPLETE_ENOUGH = 0.9


def _modified(article: Article) -> str:
    value = article.info.get("modified") or article.info.get("updated") or ""
    return str(value)


def _body_input(order: list[tuple[int, Article]]) -> Article | None:
    """The input whose text the article shows.

    A better kind of extraction wins (a page over interchange text over a record's
    body). Among inputs of the same kind, a later one replaces the body held only when
    it is at least as complete (a re-fetched page) or explicitly newer (a feed entry with
    a later modified date): a truncated copy of a stored page must not cut its text.
    """
    chosen: Article | None = None
    for _, candidate in order:
        if not candidate.text.strip():
            continue
        if chosen is None:
            chosen = candidate
            continue
        rank_new = _TEXT_RANK.get(candidate.source_kind, 0)
        rank_old = _TEXT_RANK.get(chosen.source_kind, 0)
        if rank_new != rank_old:
            if rank_new > rank_old:
                chosen = candidate
            continue
        newer = bool(_modified(candidate)) and _modified(candidate) > _modified(chosen)
        if newer or len(candidate.text.strip()) >= _COMPLETE_ENOUGH * len(chosen.text.strip()):
            chosen = candidate
    return chosen


def merge_inputs(inputs: Sequence[Article]) -> Article:
    """One article from its inputs; later inputs win ties (a re-fetched page is newer)."""
    if not inputs:
        raise ValueError("merge_inputs needs at least one input")
    order = list(enumerate(inputs))
    by_meta = sorted(order, key=lambda p: (_META_RANK.get(p[1].source_kind, 0), p[0]), reverse=True)

    merged = dataclasses.replace(by_meta[0][1])
    for f in dataclasses.fields(Article):
        if f.name in _SPECIAL:
            continue
        for _, candidate in by_meta:
            value = getattr(candidate, f.name)
            if _has(value, f.name):
                setattr(merged, f.name, value)
                break
    if any(a.is_repost for a in inputs):
        merged.is_repost = True
    body = _body_input(order)
    if body is not None:
        merged.text = body.text
        merged.extractor = body.extractor or merged.extractor
    # The date's provenance must travel with the date it describes.
    for _, candidate in by_meta:
        if candidate.published is not None:
            merged.published_source = candidate.published_source
            break
    extra: dict[str, object] = {}
    info: dict[str, object] = {}
    for _, candidate in reversed(by_meta):
        extra.update(candidate.extra)
        info.update(candidate.info)
    info["inputs"] = [{"source": a.source, "kind": a.source_kind} for a in inputs]
    merged.extra = extra
    merged.info = info
    _prefer_given_title(merged, [a for _, a in by_meta])
    merged.source = body.source if body is not None else by_meta[0][1].source
    merged.source_kind = by_meta[0][1].source_kind
    merged.ingested_at = max((a.ingested_at for a in inputs if a.ingested_at), default=None)
    merged.secured = ""
    return merged


def _prefer_given_title(merged: Article, ranked: Sequence[Article]) -> None:
    """A headline some input states beats one derived from another input's text."""
    given = [a for a in ranked if a.title.strip() and a.info.get("title_source") != "derived"]
    if given:
        merged.title = given[0].title
        merged.info.pop("title_source", None)
        merged.info.pop("title_derivation", None)
    else:
        derived = next((a for a in ranked if a.title.strip()), None)
        if derived is not None:
            merged.title = derived.title
            merged.info["title_source"] = "derived"
            merged.info["title_derivation"] = derived.info.get("title_derivation", "")
