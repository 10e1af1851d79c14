"""Semantic search: articles found by meaning, vectors kept in the store and caught up incrementally."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import run
from fastapi.testclient import TestClient

from newsdesk.enrich.embed import StaticEmbedder, load_static_embedder
from newsdesk.model import Article, Provider
from newsdesk.pipeline import Enricher
from newsdesk.settings import load_settings
from newsdesk.store.base import IdentityKeys, StoredInput
from newsdesk.store.semantic import SemanticSearch
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.web.api import create_app

T0 = datetime(2025, 6, 1, 9, tzinfo=UTC)
TEXTS = {
    "rates": (
        "Central bank raises interest rates again",
        "The central bank lifted its benchmark interest rate by a quarter point on Wednesday, its third "
        "increase this year, saying inflation remained stubbornly high. Mortgage costs are expected to rise.",
    ),
    "football": (
        "Late header wins the cup final",
        "The striker scored with a header in the last minute of the cup final, and the team lifted the "
        "trophy in front of forty thousand supporters. The goalkeeper had saved a penalty before the break.",
    ),
    "bread": (
        "Village bakery wins national prize",
        "A small village bakery won the national bread championship with a sourdough loaf made from rye "
        "grown on a nearby farm. The baker said the secret was a starter kept alive for thirty years.",
    ),
    "storm": (
        "Storm cuts power to thousands",
        "High winds brought down trees and power lines across the coast overnight, leaving thousands of "
        "homes without electricity. Ferries were cancelled and schools stayed closed on Monday.",
    ),
}


def _save(store: SQLiteStore, key: str, title: str, text: str, hours: int, source: str = "t") -> Article:
    a = Article(
        id=hashlib.sha256(key.encode()).hexdigest()[:16],
        title=title,
        text=text,
        url=f"https://example.org/{key}",
        published=T0 + timedelta(hours=hours),
        provider=Provider("Example", "example.org"),
        language="en",
    )
    digest = hashlib.sha256(f"{source}{text}".encode()).hexdigest()
    store.save(a, IdentityKeys(text_sha256=digest), StoredInput(a.id, source + key, "jsonl", digest, a))
    return a


@pytest.fixture(scope="module")
def embedder(models_dir: Path) -> StaticEmbedder:
    return load_static_embedder(models_dir)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "sem.db")
    for i, (key, (title, text)) in enumerate(TEXTS.items()):
        _save(s, key, title, text, i)
    return s


def test_finds_by_meaning_without_shared_words(store: SQLiteStore, embedder: StaticEmbedder) -> None:
    searcher = SemanticSearch(embedder)
    assert searcher.catch_up(store) == 4 and searcher.catch_up(store) == 0
    soccer = searcher.search(store, "soccer match", limit=4)
    assert soccer[0].article.title == TEXTS["football"][0]
    assert [h.score for h in soccer] == sorted((h.score for h in soccer), reverse=True)
    assert store.search("soccer match") == []  # no shared word: full text finds nothing
    weather = searcher.search(store, "electricity outage after a gale", limit=1)
    assert weather[0].article.title == TEXTS["storm"][0]
    assert weather[0].snippet and weather[0].snippet in weather[0].article.text
    assert searcher.search(store, "   ") == []


def test_new_and_changed_articles_are_embedded_again(store: SQLiteStore, embedder: StaticEmbedder) -> None:
    searcher = SemanticSearch(embedder)
    searcher.catch_up(store)
    assert searcher.search(store, "loaf of bread", limit=1)[0].article.title == TEXTS["bread"][0]
    _save(store, "museum", "Museum reopens", "The art museum reopened its doors after renovation, " * 3, 9)
    # The bread article changes subject (a second input merged into it): its old vector is stale.
    title, text = TEXTS["rates"]
    _save(store, "bread", title, text, 2, source="second")
    assert searcher.catch_up(store) == 2
    assert searcher.refresh(store) == 2 and len(searcher) == 5
    museum = searcher.search(store, "paintings exhibition gallery", limit=1)
    assert museum[0].article.title == "Museum reopens"
    top = searcher.search(store, "loaf of bread", limit=5)
    assert all(h.article.title != TEXTS["bread"][0] for h in top)
    # A second searcher over the same store loads the stored vectors and embeds nothing.
    again = SemanticSearch(embedder)
    assert again.catch_up(store) == 0 and again.refresh(store) == 5


def test_api_and_pages_switch_modes(tmp_path: Path, store: SQLiteStore, embedder: StaticEmbedder) -> None:
    settings = load_settings({"db": str(store.path), "data_dir": str(tmp_path / "data")}, env={})
    with TestClient(create_app(settings, enricher=Enricher(), embedder=embedder)) as client:
        data = client.get("/api/search", params={"q": "soccer match", "mode": "semantic", "limit": 2}).json()
        # one: the other three (rates, bread, storm) are under the relevance floor
        assert data["mode"] == "semantic" and len(data["items"]) == 1
        assert data["items"][0]["article"]["title"] == TEXTS["football"][0] and "score" in data["items"][0]
        fts = client.get("/api/search", params={"q": "bakery", "mode": "fts"}).json()
        assert fts["total"] == 1 and fts["items"][0]["article"]["title"] == TEXTS["bread"][0]
        bad = client.get("/api/search", params={"q": "x", "mode": "vector"})
        # The mode is an enum in the OpenAPI schema: a value outside it is a declared 422.
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
        page = client.get("/search", params={"q": "soccer <b>match</b>", "mode": "semantic"})
        assert page.status_code == 200 and TEXTS["football"][0] in page.text
        assert "<b>match</b>" not in page.text and 'value="semantic" checked' in page.text


def test_cli_semantic_mode(tmp_path: Path, store: SQLiteStore, models_dir: Path) -> None:
    store.close()
    env = {"NEWSDESK_DB": str(store.path), "NEWSDESK_MODELS_DIR": str(models_dir)}
    proc = run("search", "--mode", "semantic", "--json", "--limit", "1", "power cut in a gale", env=env)
    (line,) = proc.stdout.splitlines()
    hit = json.loads(line)
    assert hit["title"] == TEXTS["storm"][0] and -1 <= hit["score"] <= 1
    bad = run("search", "--mode", "nope", "x", env=env, check=False)
    assert bad.returncode != 0 and "unknown search mode" in bad.stderr


def test_queries_from_many_threads_at_once(store: SQLiteStore, embedder: StaticEmbedder) -> None:
    """A server embeds queries from its worker threads; the tokenizer must not be shared unguarded."""
    from concurrent.futures import ThreadPoolExecutor

    searcher = SemanticSearch(embedder)
    searcher.catch_up(store)
    queries = ["soccer match", "power cut in a gale", "loaf of bread", "interest rates"] * 25

    def ask(q: str) -> str:
        with SQLiteStore(store.path) as own:  # one connection per thread, as the server opens
            return searcher.search(own, q, limit=1)[0].article.title

    with ThreadPoolExecutor(8) as pool:
        titles = list(pool.map(ask, queries))
    assert titles[:4] == [TEXTS[k][0] for k in ("football", "storm", "bread", "rates")]
    assert titles == titles[:4] * 25


def test_the_server_embeds_articles_another_process_linked(
    tmp_path: Path, store: SQLiteStore, embedder: StaticEmbedder
) -> None:
    from newsdesk.link.linker import Linker

    linker = Linker.open(store)
    for a in store.recent(limit=10):
        linker.link(a)
    linker.save(store)
    settings = load_settings({"db": str(store.path), "data_dir": str(tmp_path / "data")}, env={})
    with TestClient(create_app(settings, enricher=Enricher(), embedder=embedder)) as client:

        def top(q: str) -> str:
            items = client.get("/api/search", params={"q": q, "mode": "semantic", "limit": 1}).json()
            return str(items["items"][0]["article"]["title"])

        assert top("soccer match") == TEXTS["football"][0]
        museum = _save(store, "museum", "Museum reopens", "The art museum reopened after renovation. " * 3, 9)
        linker.link(museum)
        linker.save(store)  # as `newsdesk run` does after each poll
        # a query notices the newer state: its articles are embedded in the background (an
        # unrelated query's answer may be empty: semantic search has a relevance floor)
        client.get("/api/search", params={"q": "anything", "mode": "semantic"})
        client.app.state.desk.wait_for_refresh()
        assert top("paintings exhibition gallery") == "Museum reopens"
