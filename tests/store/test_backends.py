"""The store suite both backends pass: sources and health, vectors, the linker's saved state."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from store_articles import BRIDGE, T0, article, coverage, save

from newsdesk.errors import NotFound, StoreError
from newsdesk.link.linker import Linker
from newsdesk.pipeline import link_new
from newsdesk.store.target import open_target
from newsdesk.store.vectors import ToEmbed


def test_articles_round_trip_and_resolve(store_url: str) -> None:
    with open_target(store_url, create=True) as store:
        a = coverage()[0]
        a.text = a.text + " \x00"  # NUL: SQLite keeps it, PostgreSQL text cannot; neither fails
        assert save(store, a) is True
        assert save(store, a.replace(title="Bridge closes")) is False  # an update, not a new article
        got = store.get(a.id)
        assert got.title == "Bridge closes" and got.provider.domain == "wire.example"
        assert store.resolve(a.id[:10]).id == a.id
        with pytest.raises(NotFound):
            store.resolve("ffff")
        assert store.count() == 1 and store.count_inputs() == 2
        assert [x.id for x in store.iter_articles()] == [a.id] == store.ids()


def test_sources_items_and_health(store_url: str) -> None:
    with open_target(store_url, create=True) as store:
        src, created = store.add_source("https://news.example/feed", "feed", title="", interval=600)
        assert created and store.add_source("https://news.example/feed", "feed")[1] is False
        with pytest.raises(StoreError):
            store.add_source("https://x.example/", "podcast")
        assert store.pending_items(src.id, ["a", "b", "a"]) == ["a", "b"]
        store.item_done(src.id, "a", None)
        assert store.item_failed(src.id, "b", "boom", give_up_after=2) is False
        assert store.item_failed(src.id, "b", "boom again", give_up_after=2) is True
        assert store.pending_items(src.id, ["a", "b", "c"]) == ["c"]
        later = T0 + timedelta(days=1)
        store.record_success(
            src.id, interval=900, next_due=later, etag='"e1"', last_modified=None, added=2, title="News"
        )
        store.record_failure(src.id, "HTTP 503", next_due=later)
        got = store.get_source(src.id)
        assert (got.title, got.etag, got.items_seen, got.items_added) == ("News", '"e1"', 3, 2)
        assert got.consecutive_failures == 1 and got.last_error == "HTTP 503"
        assert store.due_sources(later) == [got] and store.due_sources(T0) == []
        assert store.next_due() == later
        assert store.remove_source("https://news.example/feed").id == src.id
        assert store.list_sources() == []


def test_vectors_are_stored_and_loaded_in_batches(store_url: str) -> None:
    with open_target(store_url, create=True) as store:
        for a in coverage():
            save(store, a)
        todo = store.articles_to_embed("m/3", limit=10)
        assert len(todo) == 4
        blob = np.arange(3, dtype=np.float32).tobytes()
        store.save_vectors("m/3", [(t, blob) for t in todo[:2]])
        store.save_vectors("m/3", [(t, blob) for t in todo[2:]] + [(ToEmbed(999, 1, "", "", ""), blob)])
        first = store.vectors_since("m/3")
        assert [v.batch for v in first] == [1, 1, 2, 2] and first[0].vector == blob
        assert len(store.vectors_since("m/3", 1)) == 2 and store.articles_to_embed("m/3") == []
        save(store, coverage()[0].replace(title="changed"))  # a new revision is embedded again
        assert [t.seq for t in store.articles_to_embed("m/3")] == [todo[0].seq]


def test_story_state_lives_in_the_store(store_url: str) -> None:
    with open_target(store_url, create=True) as store:
        for a in coverage():
            save(store, a)
        linker = Linker.open(store)
        assert link_new(store, linker) == 4 and linker.generation == 1
        stories = {a: linker.story_of(a) for a in store.ids()}
    assert stories[f"{1:016x}"] == stories[f"{2:016x}"] != stories[f"{3:016x}"] == stories[f"{4:016x}"]
    with open_target(store_url) as store:  # another process, any machine: the same stories
        again = Linker.open(store)
        assert again.generation == 1 and {a: again.story_of(a) for a in store.ids()} == stories
        assert again.original_of(f"{2:016x}") in (None, f"{1:016x}")
        # A second writer that loaded before the first saved takes the newer state over first.
        stale = Linker.open(store)
        late = article(5, BRIDGE.replace("two years", "two full years"), 5, "gazette.example")
        save(store, late)
        assert link_new(store, again) == 1 and again.generation == 2
        assert link_new(store, stale) == 0 and stale.story_of(late.id) == stories[f"{1:016x}"]
        assert store.link_generation() == 2  # nothing new to save: no generation written


def test_the_week_of_copies_is_read_once_per_state(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_target(store_url, create=True) as store:
        for a in coverage():
            save(store, a)
        link_new(store, Linker.open(store))
        reads: list[object] = []
        week = store.published_since

        def counted(since):  # type: ignore[no-untyped-def]
            reads.append(since)
            return week(since)

        monkeypatch.setattr(store, "published_since", counted)
        linker = Linker.open(store)
        copy = article(5, BRIDGE, 5, "copier.example")  # the first article's text, a wire copy
        save(store, copy)
        assert link_new(store, linker) == 1 and len(reads) == 1
        # the copy was found against the stored week read back once
        assert linker.original_of(copy.id) == f"{1:016x}"
        save(store, article(6, BRIDGE.replace("two years", "three years"), 6, "other.example"))
        assert link_new(store, linker) == 1 and len(reads) == 1  # this linker's own links suffice
        assert linker.original_of(f"{6:016x}") is not None
        other = Linker.open(store)
        save(store, article(7, "A council votes on parking fees in the old town. " * 8, 7, "x.example"))
        assert link_new(store, other) == 1 and len(reads) == 2
        assert link_new(store, linker) == 0 and len(reads) == 2  # nothing missing: nothing read
        save(store, article(8, BRIDGE, 8, "late.example"))
        assert link_new(store, linker) == 1 and len(reads) == 3  # took a newer state over: read again
        assert linker.original_of(f"{8:016x}") == f"{1:016x}"


def test_a_state_that_does_not_open_is_rebuilt_from_the_store(store_url: str) -> None:
    with open_target(store_url, create=True) as store:
        for a in coverage():
            save(store, a)
        link_new(store, Linker.open(store))
        good = Linker.open(store)
        blobs = {"engine": b"PK not a zip", "index": b""}
        store.save_link_state(blobs, articles=4, format=1)  # what a bug or a bad disk could leave
        linker = Linker.open(store)
        assert len(linker.engine.table) == 0 and linker.changed  # set aside, not trusted
        assert link_new(store, linker) == 4
        assert linker.story_of(f"{1:016x}") is not None
        assert Linker.open(store).engine.stories().keys() == good.engine.stories().keys()


def test_follows_and_their_events(store_url: str) -> None:
    from newsdesk.store.follows import NewFollowEvent

    with open_target(store_url, create=True) as store:
        follow, created = store.add_follow("story", "12", title="Bridge")
        assert created and store.add_follow("story", "12", webhook_url="https://hook.example/x") == (
            store.get_follow(follow.id),
            False,
        )
        assert store.get_follow(follow.id).webhook_url == "https://hook.example/x"
        events = [NewFollowEvent("dev:2025-03-01", "development", "Bridge closes", happened_at=T0)]
        first = store.record_follow_events(follow.id, events, initial=True)
        assert [e.key for e in first] == ["dev:2025-03-01"] and first[0].initial
        assert store.record_follow_events(follow.id, events) == []  # announced once
        later = [NewFollowEvent("article:x", "article", "Reopens", "early", article_id="x")]
        (new,) = store.record_follow_events(follow.id, later)
        assert [e.key for e in store.undelivered_follow_events(follow.id, max_attempts=3)] == ["article:x"]
        store.follow_event_delivered(new.id, error="HTTP 500")
        store.follow_event_delivered(new.id)
        assert store.undelivered_follow_events(follow.id, max_attempts=3) == []
        assert store.follow_event_keys(follow.id) == {"dev:2025-03-01", "article:x"}
        assert {e.key for e in store.follow_events(follow.id)} == {"article:x", "dev:2025-03-01"}
        store.follow_checked(follow.id, error=None)
        assert store.remove_follow(follow.id).id == follow.id and store.list_follows() == []


def test_meaning_vectors_are_kept_beside_the_article(store_url: str) -> None:
    """The multilingual vector the story linker reads: its own column, never in the record."""
    with open_target(store_url, create=True) as store:
        a, b = coverage()[:2]
        vec = np.linspace(-1, 1, 384, dtype=np.float16).tobytes()
        a.meaning = vec
        save(store, a)
        save(store, b)  # English-style: none
        assert store.meanings([a.id, b.id, "nope"]) == {a.id: vec}
        assert store.get(a.id).meaning == b""  # the article as read back carries no vector
        a.meaning = vec[::-1]
        save(store, a.replace(title="Bridge closes"))  # saved again: the new vector replaces it
        assert store.meanings([a.id]) == {a.id: vec[::-1]}
        assert store.meanings([]) == {}
