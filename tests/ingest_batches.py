"""Inputs and comparisons the batched-ingest and Ray tests share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from texts import OTHER, WIRE

from newsdesk.link.linker import Linker
from newsdesk.records import article_to_json
from newsdesk.store.sqlite import SQLiteStore

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# Hand-written wire copy in the interchange form: a rewrite of the same event (one story
# with the bridge), an unrelated story, and a second input of one article (same id).
LINES = [
    {
        "id": "w1",
        "url": "https://wire.example/bridge",
        "title": "Harbour bridge to close for two years",
        "text": WIRE,
        "published": "2024-05-01T08:00:00Z",
    },
    {
        "id": "w2",
        "url": "https://daily.example/bridge-closure",
        "title": "Council shuts harbour bridge",
        "text": WIRE.replace("Tuesday", "Tuesday evening"),
        "published": "2024-05-01T12:00:00Z",
    },
    {
        "id": "b1",
        "url": "https://bread.example/sourdough",
        "title": "Bakery wins national bread prize",
        "text": OTHER,
        "published": "2024-05-03T09:00:00Z",
    },
    {
        "id": "w1",
        "url": "https://wire.example/bridge",
        "title": "Harbour bridge to close for two years",
        "text": WIRE + " Updated with the mayor's statement.",
        "published": "2024-05-01T08:00:00Z",
    },
]


def write_inputs(folder: Path) -> list[Path]:
    """The seeds (four articles from five files: one merge) and a JSONL of the lines above."""
    folder.mkdir(parents=True, exist_ok=True)
    jsonl = folder / "wire.jsonl"
    jsonl.write_text("".join(json.dumps(line) + "\n" for line in LINES), encoding="utf-8")
    return [SEEDS, jsonl]


def snapshot(db: Path) -> dict[str, Any]:
    """What a user reads back: every article (minus the ingest time), its inputs, its event."""
    with SQLiteStore(db) as store:
        linker = Linker.open(store)
        articles = {}
        for article in store.iter_articles():
            data = article_to_json(article)
            data.pop("ingested_at")
            data["inputs"] = sorted(i.content_sha256 for i in store.inputs_of(article.id))
            articles[article.id] = data
        # events as groups of articles: the numbers themselves are the linker's business
        groups: dict[Any, list[str]] = {}
        for aid in articles:
            groups.setdefault(linker.event_of(aid), []).append(aid)
        events = sorted(sorted(g) for g in groups.values())
    return {"articles": articles, "events": events}
