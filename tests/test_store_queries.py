"""Store reads that listings and story pages use: briefs, filtered listings, search counts, migration."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.model import Article, Provider
from newsdesk.store.base import ArticleQuery, IdentityKeys, StoredInput
from newsdesk.store.desk import DeskStore
from newsdesk.store.sqlite import SQLiteStore, _migrations
from newsdesk.store.target import open_target
from newsdesk.web.stories import article_summary, brief_summary

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)


def _article(i: int, **fields: object) -> Article:
    base: dict[str, object] = {
        "id": f"{i:016x}",
        "external_id": f"ext-{i}",
        "title": f"Headline number {i}",
        "excerpt": f"Excerpt {i}",
        "text": f"Body of article {i} about the harbour bridge." if i % 2 else f"Body {i} on rye bread.",
        "url": f"https://site{i % 3}.example/{i}",
        "web_url": f"https://web.example/{i}",
        "published": T0 + timedelta(hours=i),
        "provider": Provider(f"Site {i % 3}", f"site{i % 3}.example"),
        "language": "en" if i % 4 else "de",
        "quality": 10 * i,
        "topics": ["Politics", "Economy"] if i % 2 else ["Health"],
    }
    base.update(fields)
    return Article(**base)  # type: ignore[arg-type]


def _save(store: DeskStore, a: Article, source: str = "test") -> None:
    digest = hashlib.sha256(a.text.encode()).hexdigest()
    keys = IdentityKeys(external_id=a.external_id, text_sha256=digest)
    store.save(a, keys, StoredInput(a.id, f"{source}:{a.id}", "jsonl", f"{source}{digest}{a.id}", a))


@pytest.fixture
def store(store_url: str) -> Iterator[DeskStore]:
    """The same suite on both backends (PostgreSQL: NEWSDESK_TEST_PG, see tests/pg_helpers.py)."""
    s = open_target(store_url, create=True)
    for i in range(1, 9):
        _save(s, _article(i))
    _save(s, _article(9, published=None, topics=[]))
    yield s
    s.close()


def test_briefs_say_what_the_summary_of_the_whole_article_says(store: DeskStore) -> None:
    ids = [f"{i:016x}" for i in (3, 9, 1)] + ["missing"]
    briefs = store.briefs(ids)
    assert [b.id for b in briefs] == ids[:3]  # order asked, unknown left out
    for brief in briefs:
        assert brief_summary(brief) == article_summary(store.get(brief.id))
    assert briefs[1].published is None and briefs[1].topics == ()
    assert [a.id for a in store.get_many(ids)] == ids[:3]


def test_query_filters_newest_first(store: DeskStore) -> None:
    def ids(**where: object) -> list[int]:
        return [int(a.id, 16) for a in store.query(ArticleQuery(**where), limit=50)]  # type: ignore[arg-type]

    assert ids() == [8, 7, 6, 5, 4, 3, 2, 1, 9]  # undated last
    assert ids(topic="health") == [8, 6, 4, 2] and ids(topic="Sports") == []
    assert ids(outlet="SITE1.example") == [7, 4, 1] == ids(outlet="site 1")
    assert ids(language="DE") == [8, 4]
    assert ids(since=T0 + timedelta(hours=3), until=T0 + timedelta(hours=5)) == [5, 4, 3]
    assert ids(topic="politics", since=T0 + timedelta(hours=4)) == [7, 5]
    page = store.query(ArticleQuery(topic="Economy"), limit=2, offset=1)
    assert [int(a.id, 16) for a in page] == [5, 3]


def test_topics_follow_a_changed_article(store: DeskStore) -> None:
    a = store.get(f"{2:016x}")
    a.topics = ["Sports"]
    _save(store, a, source="second input")
    assert [x.id for x in store.query(ArticleQuery(topic="sports"))] == [a.id]
    assert a.id not in [x.id for x in store.query(ArticleQuery(topic="health"))]


def test_count_search_counts_every_match(store: DeskStore) -> None:
    assert store.count_search("harbour") == 5 and len(store.search("harbour", limit=2)) == 2
    assert store.count_search("rye") == 4 and store.count_search("...") == 0


def test_listing_migration_backfills_an_older_store(tmp_path: Path) -> None:
    """A store made before 0003 gets its topics table and provider names from the stored JSON."""
    path = tmp_path / "old.db"
    with SQLiteStore(path) as s:
        _save(s, _article(1))
        _save(s, _article(2))
    db = sqlite3.connect(path)
    # Undo 0003 and later by hand: what a version-2 store looked like.
    db.executescript(
        "ALTER TABLE articles DROP COLUMN meaning; DROP TABLE link_blobs; DROP TABLE link_state; "
        "DROP TABLE follow_events; DROP TABLE follows; "
        "DROP TABLE article_vectors; ALTER TABLE articles DROP COLUMN revision; "
        "DROP TABLE article_topics; DROP INDEX articles_recent; DROP INDEX articles_provider_domain; "
        "DROP INDEX articles_provider_name; ALTER TABLE articles DROP COLUMN provider_name; "
        "DELETE FROM schema_migrations WHERE version >= 3;"
    )
    db.close()
    with SQLiteStore(path) as s:
        assert s.schema_version() == max(v for v, _, _ in _migrations())
        assert [a.id for a in s.query(ArticleQuery(topic="health"))] == [f"{2:016x}"]
        assert [b.provider_name for b in s.briefs([f"{1:016x}"])] == ["Site 1"]
        assert len(s.query(ArticleQuery(outlet="site 2"))) == 1


def test_search_fills_the_page_with_partial_matches_after_full_ones(store: DeskStore) -> None:
    _save(store, _article(20, text="The harbour bridge will close; rye farmers protest the closure."))
    hits = store.search("harbour rye", limit=20)
    assert hits[0].article.id == f"{20:016x}"  # the only article with both words comes first
    assert len(hits) == store.count_search("harbour rye") == 10  # then all with either word
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    assert len({h.article.id for h in hits}) == len(hits)
    assert len(store.search("harbour rye", limit=3)) == 3
    assert store.search("harbour nonexistentword", limit=3)[0].snippet  # partial matches only
