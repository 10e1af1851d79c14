"""`newsdesk migrate`: a SQLite store moved into PostgreSQL arrives whole, counts verified."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run
from store_articles import coverage, save

from newsdesk.link.linker import Linker
from newsdesk.pipeline import link_new
from newsdesk.store.target import open_target


def test_migrate_copies_everything_and_verifies_counts(tmp_path: Path, pg_url: str) -> None:
    db = tmp_path / "old.db"
    with open_target(db, create=True) as store:
        for a in coverage():
            save(store, a)
        linker = Linker.open(store)
        link_new(store, linker)
        stories = {a: linker.story_of(a) for a in store.ids()}
        src, _ = store.add_source("https://news.example/feed", "feed", title="News")
        store.pending_items(src.id, ["a", "b"])
        store.add_follow("story", str(stories[coverage()[0].id]))
        store.save_vectors("m/3", [(t, b"\x00\x01") for t in store.articles_to_embed("m/3")])
    proc = run("migrate", "--from", f"sqlite://{db}", "--to", pg_url, "--json")
    report = json.loads(proc.stdout)
    assert report["ok"] and report["counts"]["articles"] == [4, 4] and report["counts"]["link_blobs"][0] >= 2
    assert report["counts"]["source_items"] == [2, 2] and report["counts"]["follows"] == [1, 1]
    with open_target(pg_url) as pg:
        moved = Linker.open(pg)
        assert {a: moved.story_of(a) for a in pg.ids()} == stories  # no re-linking needed
        assert [s.title for s in pg.list_sources()] == ["News"] and len(pg.vectors_since("m/3")) == 4
        save(pg, coverage()[0].replace(id="f" * 16, title="new after the move"))  # sequences moved on
        assert pg.count() == 5
    again = run("migrate", "--from", str(db), "--to", pg_url, check=False)
    assert again.returncode == 2 and "not empty" in again.stderr
