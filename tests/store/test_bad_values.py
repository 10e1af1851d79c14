"""Bad stored values on both backends (issue 16 item 2, PostgreSQL parity): the repair migration
drops impossible dates, reads skip a row they cannot read, and the web pages still serve."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from store_articles import coverage, save

from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, link_new
from newsdesk.settings import load_settings
from newsdesk.store.target import open_target
from newsdesk.web.api import create_app

NOW = "2024-01-01T00:00:00+00:00"
INSERT = "INSERT INTO articles (id, title, text, published, data, created_at, updated_at) VALUES "


def sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """One statement straight on the database, past the store (``?`` marks on both backends)."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as con:
            cur = con.execute(statement.replace("?", "%s"), params)
            return list(cur.fetchall()) if cur.description else []
    con = sqlite3.connect(url)
    try:
        with con:
            return list(con.execute(statement, params).fetchall())
    finally:
        con.close()


def poison(url: str) -> str:
    """A good article saved the normal way (its id returned), then rows as older versions or
    other tools left them: bad1 a year-999 date (column and JSON); bad2, bad3 no article."""
    with open_target(url, create=True) as store:
        good = coverage()[0]
        save(store, good)
    (data,) = sql(url, "SELECT data FROM articles WHERE id = ?", (good.id,))[0]
    doc = {**(data if isinstance(data, dict) else json.loads(data)), "id": "bad1", "title": "Year 999"}
    doc["publishedDateTime"] = "0999-01-01T00:00:00Z"
    rows: list[tuple[str, str, str | None, Any]] = [
        ("bad1", "Year 999", "999-01-01T00:00:00Z", json.dumps(doc))
    ]
    if url.startswith("postgresql://"):
        # JSONB holds only valid JSON and text only UTF-8: here the bad documents are JSON
        # that is no article (a list; wrong types everywhere)
        rows += [
            ("bad2", "A list", "2024-01-01T00:00:00Z", json.dumps(["not", "an", "article"])),
            ("bad3", "Wrong types", None, json.dumps({"title": 5, "topics": 7, "quality": "high"})),
        ]
        for row in rows:
            sql(url, INSERT + "(?, ?, 'x', ?, ?::jsonb, ?, ?)", (*row, NOW, NOW))
    else:
        rows += [
            ("bad2", "Broken", "2024-01-01T00:00:00Z", "{not json"),
            ("bad3", "Bytes", None, b'{"title": "\xff\xfe"}'),
        ]
        for row in rows:
            sql(url, INSERT + "(?, ?, 'x', ?, ?, ?, ?)", (*row, NOW, NOW))
    return good.id


def test_reads_tolerate_bad_rows_and_the_web_pages_serve(store_url: str, tmp_path: Path) -> None:
    good_id = poison(store_url)
    with open_target(store_url) as store:
        good = store.get(good_id)
        assert store.newest_published() == good.published  # year 999 never sorts after it
        assert sorted(a.title for a in store.recent()) == sorted([good.title, "Year 999"])
        assert len(list(store.iter_articles())) == 2  # the two unreadable rows are skipped
        assert len(store.briefs(["bad1", "bad2", "bad3", good_id])) == 4
        assert [a.id for a in store.get_many(["bad2", good_id, "bad3"])] == [good_id]
        assert link_new(store, Linker.open(store)) == 2  # the readable two; the rest skipped
    settings = load_settings({"db": store_url, "data_dir": str(tmp_path / "data")}, env={})
    with TestClient(create_app(settings, enricher=Enricher())) as client:
        pages = ["/api/articles", "/", f"/articles/{good_id}", "/feeds", "/search?q=bridge", "/sources"]
        for path in pages:
            assert client.get(path).status_code == 200, path
        stories = client.get("/api/stories").json()["items"]
        assert stories
        assert client.get(f"/stories/{stories[0]['id']}").status_code == 200


def test_repair_migration_drops_impossible_dates(store_url: str) -> None:
    good_id = poison(store_url)
    sql(store_url, "DELETE FROM schema_migrations WHERE version = 10")
    with open_target(store_url):
        pass  # opening applies the repair again
    published, data = sql(store_url, "SELECT published, data FROM articles WHERE id = 'bad1'")[0]
    (kept,) = sql(store_url, "SELECT published FROM articles WHERE id = ?", (good_id,))[0]
    document = data if isinstance(data, dict) else json.loads(data)
    assert published is None and document["publishedDateTime"] is None
    assert kept == "2025-03-01T12:00:00Z"
    assert sql(store_url, "SELECT 1 FROM schema_migrations WHERE version = 10")
