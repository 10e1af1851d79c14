"""Articles the store tests on both backends share (tests/store/)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from newsdesk.model import Article, Provider
from newsdesk.store.base import IdentityKeys, StoredInput
from newsdesk.store.desk import DeskStore

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)
BRIDGE = (
    "The council voted on Tuesday to close the harbour bridge for two years after engineers found "
    "cracks in its steel supports; a shuttle bus will run at peak hours while repairs go on."
)
BREAD = "A bakery in the old town won the national bread prize with a dark rye loaf baked overnight."


def article(i: int, text: str, hours: float, outlet: str) -> Article:
    return Article(
        id=f"{i:016x}",
        title=text.split(";")[0][:60],
        text=text,
        url=f"https://{outlet}/{i}",
        published=T0 + timedelta(hours=hours),
        provider=Provider(outlet.split(".")[0].title(), outlet),
        language="en",
        quality=50,
    )


def save(store: DeskStore, a: Article) -> bool:
    digest = hashlib.sha256((a.id + a.title + a.text).encode()).hexdigest()
    return store.save(a, IdentityKeys(text_sha256=digest), StoredInput(a.id, a.id, "jsonl", digest, a))


def coverage() -> list[Article]:
    return [
        article(1, BRIDGE, 0, "wire.example"),
        article(
            2, "Harbour bridge shut: " + BRIDGE.replace("Tuesday", "Tuesday evening"), 2, "herald.example"
        ),
        article(3, BREAD, 1, "food.example"),
        article(4, BREAD.replace("dark", "sourdough"), 3, "daily.example"),
    ]
