"""The story board the pages share: copies folded in the timeline, article pages, cache refresh."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from texts import WIRE

from newsdesk.link.linker import Linker
from newsdesk.model import Article, Provider
from newsdesk.pipeline import Enricher
from newsdesk.settings import load_settings
from newsdesk.store.base import IdentityKeys, StoredInput
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.web import stories as stories_module
from newsdesk.web.api import create_app
from newsdesk.web.stories import StoryBoard, StoryNotFound

T0 = datetime(2024, 5, 2, 8, tzinfo=UTC)


def _article(aid: str, outlet: str, hours: float, text: str, title: str) -> Article:
    return Article(
        id=aid,
        title=title,
        text=text,
        url=f"https://{outlet}/{aid}",
        published=T0 + timedelta(hours=hours),
        provider=Provider(outlet.split(".")[0].title(), outlet),
        language="en",
        quality=60,
    )


def _save(store: SQLiteStore, a: Article) -> None:
    digest = hashlib.sha256(a.text.encode()).hexdigest()
    store.save(a, IdentityKeys(text_sha256=digest), StoredInput(a.id, a.id, "jsonl", digest, a))


def _desk(db: Path) -> tuple[SQLiteStore, Linker]:
    store = SQLiteStore(db)
    coverage = [
        _article("wire", "wire.example", 0, WIRE, "Harbour bridge to close for two years"),
        _article("copy1", "daily.example", 2, WIRE + "\n\nSubscribe to our newsletter.", "Bridge closes"),
        _article("copy2", "herald.example", 3, "Home | News\n" + WIRE, "Council shuts harbour bridge"),
        _article(
            "own",
            "gazette.example",
            4,
            "Drivers queued at the harbour bridge on Tuesday evening after the council voted to close it "
            "for two years. Engineers had found cracks in the steel supports, the mayor told reporters, "
            "and the repairs could not wait. Shop owners near the bridge said they feared for their trade "
            "and want compensation from the council; a shuttle bus will run at peak hours.",
            "Harbour bridge: councillors vote for two-year closure",
        ),
    ]
    linker = Linker.open(store)
    for a in coverage:
        _save(store, a)
        linker.link(a)
    linker.save(store)
    return store, linker


def test_copies_fold_under_their_original_and_pages_list_every_article(tmp_path: Path) -> None:
    store, linker = _desk(tmp_path / "d.db")
    board = StoryBoard(linker)
    story = linker.story_of("wire")
    assert story is not None and board.article_ids(story)
    detail = board.detail(story, store, now=T0 + timedelta(hours=5))
    items = [item for dev in detail["timeline"] for item in dev["items"]]
    shown = {item["id"]: item for item in items}
    assert "copy1" not in shown and "copy2" not in shown  # folded, not listed again
    assert {c["id"] for c in shown["wire"]["copies"]} == {"copy1", "copy2"}
    assert detail["total_articles"] == len(board.article_ids(story)) == sum(detail["coverage"].values())
    page = board.detail(story, store, now=T0, limit=2, offset=1)
    assert len(page["articles"]) == 2 and page["articles"][0]["id"] == detail["articles"][1]["id"]
    assert detail["heat"]["heat"] > 0
    try:
        board.detail(10_000, store, now=T0)
    except StoryNotFound:
        pass
    else:
        raise AssertionError("an unknown story must raise StoryNotFound")
    store.close()


def test_pages_see_articles_linked_after_the_board_was_built(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    store, linker = _desk(db)
    settings = load_settings({"db": str(db), "data_dir": str(tmp_path / "data")}, env={})
    with TestClient(create_app(settings, enricher=Enricher())) as client:
        before = client.get("/api/stories").json()
        bread = "A bakery won the bread prize with a rye loaf. " * 8
        late = _article("late", "late.example", 6, bread, "Bread")
        _save(store, late)
        linker.link(late)
        linker.save(store)  # another process (newsdesk run) saving a newer state
        sid = linker.story_of("late")
        # A story newer than the state in memory waits for the background reload, once.
        assert client.get(f"/api/stories/{sid}").json()["articles"][0]["id"] == "late"
        deadline = time.monotonic() + 30  # the front page follows as soon as the reload lands
        while (after := client.get("/api/stories").json())["total"] == before["total"]:
            assert time.monotonic() < deadline, "the new state was never loaded"
            time.sleep(0.05)
        assert after["total"] == before["total"] + 1
        assert any(s["id"] == sid and s["lead_article"] == "late" for s in after["items"])
        page = client.get(f"/stories/{sid}")
        assert page.status_code == 200 and "Bread" in page.text
        missing = client.get("/api/stories/99999")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    store.close()


def test_story_pages_refresh_after_their_ttl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, linker = _desk(tmp_path / "d.db")
    board = StoryBoard(linker)
    story = linker.story_of("wire")
    assert story is not None
    first = board.detail(story, store, now=T0)
    edited = store.get("wire").replace(title="Bridge closure: updated headline")
    digest = hashlib.sha256(b"edit").hexdigest()
    store.save(edited, IdentityKeys(), StoredInput("wire", "edit", "jsonl", digest, edited))
    titles = {a["id"]: a["title"] for a in board.detail(story, store, now=T0)["articles"]}
    assert titles == {a["id"]: a["title"] for a in first["articles"]}  # within the TTL: shared
    monkeypatch.setattr(stories_module, "STORY_TTL_SECONDS", 0.0)
    titles = {a["id"]: a["title"] for a in board.detail(story, store, now=T0)["articles"]}
    assert titles["wire"] == "Bridge closure: updated headline"
    # heat is never cached: it follows the clock
    assert board.detail(story, store, now=T0 + timedelta(days=30))["heat"]["heat"] == -1
    store.close()


def test_readers_keep_the_old_state_while_a_new_one_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from newsdesk.web import api as api_module

    db = tmp_path / "d.db"
    store, linker = _desk(db)
    settings = load_settings({"db": str(db), "data_dir": str(tmp_path / "data")}, env={})
    with TestClient(create_app(settings, enricher=Enricher())) as client:
        before = client.get("/api/stories").json()
        release = threading.Event()
        real_open = api_module.Linker.open

        def slow_open(*args: object, **kwargs: object) -> Linker:
            assert release.wait(60), "never released"
            return real_open(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(api_module.Linker, "open", staticmethod(slow_open))
        late = _article("late", "late.example", 6, "A bakery won the bread prize with a rye loaf. " * 8, "B")
        _save(store, late)
        linker.link(late)
        linker.save(store)
        answers: list[dict] = []
        reader = threading.Thread(target=lambda: answers.append(client.get("/api/stories").json()))
        reader.start()
        reader.join(30)
        assert not reader.is_alive(), "a reader waited for the new state to load"
        assert answers[0]["total"] == before["total"]  # the state in memory, meanwhile
        release.set()
        client.app.state.desk.wait_for_refresh()
        assert client.get("/api/stories").json()["total"] == before["total"] + 1
    store.close()
