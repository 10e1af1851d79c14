"""The front page as a news product: top stories with their picture and latest development,
then a section per top-level topic, then what the reader follows.

Only the stories shown are read in full (pictures, timelines); the ranking itself
comes from the story board's cached listing, so the page costs the same on a
store of a thousand stories or a million.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..enrich.taxonomy import Taxonomy, load_taxonomy
from ..store.desk import DeskStore
from .pictures import Pictures
from .stories import StoryBoard

#: stories at the top of the page, each with a picture and its latest development
TOP_STORIES = 7
#: stories listed under each topic section
SECTION_STORIES = 5
SECTIONS = 8
#: stories leading the page when none is hot
MIN_TOP = 3
#: articles of a story looked at for a cached picture when its lead has none
PICTURE_CANDIDATES = 12


@lru_cache(maxsize=1)
def _taxonomy() -> Taxonomy:
    return load_taxonomy()


def top_level_topic(topics: list[str]) -> str | None:
    """The top-level taxonomy topic of an article's first known topic (a topic the taxonomy
    does not know counts as its own section)."""
    tax = _taxonomy()
    for name in topics:
        try:
            topic = tax.by_name(name)
        except KeyError:
            return name
        seen = set()
        while topic.parent is not None and topic.id not in seen:
            seen.add(topic.id)
            topic = tax[topic.parent]
        return topic.name
    return None


def _picture(story: dict[str, Any], board: StoryBoard, store: DeskStore, pictures: Pictures) -> Any:
    ids = [story["lead_article"]] + [
        i for i in board.members.get(story["id"], []) if i != story["lead_article"]
    ]
    return pictures.first(store.get_many(ids[:PICTURE_CANDIDATES]))


def _latest_development(story_id: int, board: StoryBoard, store: DeskStore) -> dict[str, Any] | None:
    devs = [d for d in board.timeline(story_id, store) if d.date is not None]
    if not devs:
        return None
    latest = max(devs, key=lambda d: d.date or 0)
    return {"date": latest.date.isoformat() if latest.date else None, "headline": latest.headline}


def front_page(
    stories: list[dict[str, Any]], board: StoryBoard, store: DeskStore, pictures: Pictures
) -> dict[str, Any]:
    """Top stories (hottest first, the latest when nothing is hot) and sections by topic."""
    # the hot stories lead; when nothing is hot, the latest few do
    hot = [s for s in stories if s["heat"] >= 0]
    leading = hot[:TOP_STORIES] if hot else stories[:MIN_TOP]
    top = []
    for story in leading:
        top.append(
            dict(
                story,
                picture=_picture(story, board, store, pictures),
                development=_latest_development(story["id"], board, store),
                section=top_level_topic(story.get("topics", [])),
            )
        )
    sections: dict[str, list[dict[str, Any]]] = {}
    for story in stories[len(leading) :]:
        name = top_level_topic(story.get("topics", []))
        if name is None:
            continue
        listed = sections.setdefault(name, [])
        if len(listed) < SECTION_STORIES:
            listed.append(story)
    # the sections with the most stories shown first; then by name
    ordered = sorted(sections.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:SECTIONS]
    for _, listed in ordered:
        if listed:
            listed[0] = dict(listed[0], picture=_picture(listed[0], board, store, pictures))
    shown = {s["id"] for s in top} | {s["id"] for _, listed in ordered for s in listed}
    return {
        "top": top,
        "sections": [{"name": name, "stories": listed} for name, listed in ordered],
        "more": [s for s in stories if s["id"] not in shown][:30],
    }
