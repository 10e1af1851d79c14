"""Follows: stored, checked, announced once in their feeds and to webhooks (through the safe fetcher)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import feedparser
import page_corpus
import pytest
from cli_helpers import run
from fastapi.testclient import TestClient

from newsdesk.errors import StoreError
from newsdesk.ingest.fetch import Fetcher, FetchPolicy, parse_networks
from newsdesk.link.linker import Linker
from newsdesk.model import Article, Provider
from newsdesk.pipeline import Enricher, ingest_paths
from newsdesk.publish.follows import check_follows
from newsdesk.records import dump_record
from newsdesk.settings import load_settings
from newsdesk.store.follows import NewFollowEvent
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.web.api import create_app

TOKEN = "follow-token"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page corpus ingested and linked once; tests work on copies."""
    folder = tmp_path_factory.mktemp("follows")
    page_corpus.write_records(
        folder / "in", page_corpus.corpus_articles(page_corpus.now(), "https://img.example")
    )
    db = folder / "desk.db"
    with SQLiteStore(db) as store:
        report = ingest_paths([folder / "in"], store, enricher=Enricher(), linker=Linker.open(store))
    assert report.ok, report.failed
    return folder


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    for f in built.iterdir():
        if f.name.startswith("desk.db"):
            shutil.copy(f, tmp_path / f.name)
    return tmp_path / "desk.db"


def _story(db: Path, store: SQLiteStore, title_part: str) -> int:
    linker = Linker.open(store)
    article = next(a for a in store.iter_articles() if title_part in a.title)
    story = linker.story_of(article.id)
    assert story is not None
    return story


def _new_bridge_article(folder: Path) -> Path:
    article = Article(
        title="Port Elsbury harbour bridge reopens early after girder repairs",
        text=page_corpus.BRIDGE[5]
        + "\n\n"
        + page_corpus.BRIDGE[4]
        + "\n\nThe first cars crossed the Port Elsbury harbour bridge at six in the morning.",
        url="https://elsburypost.example/news/bridge-reopened",
        web_url="https://elsburypost.example/news/bridge-reopened",
        published=page_corpus.now().replace(microsecond=0) - timedelta(minutes=30),
        provider=Provider("Elsbury Post", "elsburypost.example"),
        language="en",
        topics=["disaster, accident and emergency incident"],
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bridge-reopened.txt"
    path.write_text(dump_record(article), encoding="utf-8")
    return path


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    status = 204

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).received.append({"type": self.headers.get("Content-Type"), "body": json.loads(body)})
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Hook]]]:
    handler = type("Hook", (_Hook,), {"received": [], "status": 204})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()
        server.server_close()


def _fetcher(allow: str = "127.0.0.1") -> Fetcher:
    return Fetcher(FetchPolicy(allow_networks=parse_networks(allow), retries=0, domain_delay=0.0))


def test_follows_and_events_round_trip_in_the_store(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        follow, created = store.add_follow("topic", "sport", title="Sport")
        again, created_again = store.add_follow("topic", "sport", webhook_url="https://hooks.example/x")
        assert created and not created_again and again.id == follow.id
        assert store.get_follow(follow.id).webhook_url == "https://hooks.example/x"
        with pytest.raises(StoreError):
            store.add_follow("planet", "mars")
        first = store.record_follow_events(
            follow.id, [NewFollowEvent("article:a", "article", "A")], initial=True
        )
        new = store.record_follow_events(
            follow.id,
            [NewFollowEvent("article:a", "article", "A"), NewFollowEvent("article:b", "article", "B")],
        )
        assert [e.key for e in first] == ["article:a"] and first[0].initial
        assert [e.key for e in new] == ["article:b"]  # a key is recorded once
        pending = store.undelivered_follow_events(follow.id, max_attempts=3)
        assert [e.key for e in pending] == ["article:b"]  # initial events never go to the webhook
        store.follow_event_delivered(pending[0].id, error="HTTP 500")
        assert store.undelivered_follow_events(follow.id, max_attempts=3)[0].attempts == 1
        store.follow_event_delivered(pending[0].id)
        assert store.undelivered_follow_events(follow.id, max_attempts=3) == []
        store.remove_follow(follow.id)
        assert store.list_follows() == [] and store.follow_events(follow.id) == []


def test_a_story_follow_announces_new_coverage_once_to_feed_and_webhook(
    db: Path, tmp_path: Path, webhook: tuple[str, type[_Hook]]
) -> None:
    url, hook = webhook
    with SQLiteStore(db) as store:
        story = _story(db, store, "Port Elsbury")
        follow, _ = store.add_follow("story", str(story), webhook_url=url)
        with _fetcher() as fetcher:
            first = check_follows(store, Linker.open(store), fetcher=fetcher)
            assert first.failed == [] and first.new_events == 0 and hook.received == []
            start = store.follow_events(follow.id)
            assert start and all(e.initial for e in start)
            assert start[0].kind == "development" and len(start[0].title) > 20

            linker = Linker.open(store)
            ingest_paths([_new_bridge_article(tmp_path / "new")], store, enricher=Enricher(), linker=linker)
            second = check_follows(store, Linker.open(store), fetcher=fetcher)
            assert second.failed == [] and second.new_events >= 1 and second.delivered == second.new_events
            third = check_follows(store, Linker.open(store), fetcher=fetcher)
            assert third.new_events == 0 and third.delivered == 0  # nothing announced twice
    assert len(hook.received) == second.new_events
    posted = hook.received[0]
    assert posted["type"] == "application/json"
    assert posted["body"]["follow"]["id"] == follow.id and posted["body"]["follow"]["webhook"] == "127.0.0.1"
    assert posted["body"]["event"]["initial"] is False
    titles = [p["body"]["event"]["title"] for p in hook.received]
    assert any("reopens early" in t or "Port Elsbury" in t for t in titles), titles


def test_a_webhook_to_a_private_address_is_refused_and_kept_for_retry(
    db: Path, tmp_path: Path, webhook: tuple[str, type[_Hook]]
) -> None:
    url, hook = webhook
    with SQLiteStore(db) as store:
        follow, _ = store.add_follow("topic", "disaster, accident and emergency incident", webhook_url=url)
        with _fetcher(allow="") as fetcher:  # loopback not allow-listed: the fetcher refuses it
            check_follows(store, Linker.open(store), fetcher=fetcher)
            ingest_paths(
                [_new_bridge_article(tmp_path / "new")], store, enricher=Enricher(), linker=Linker.open(store)
            )
            report = check_follows(store, Linker.open(store), fetcher=fetcher)
        assert report.new_events == 1 and report.delivered == 0
        assert "loopback" in report.failed[0] or "refused" in report.failed[0], report.failed
        assert "refused" in (store.get_follow(follow.id).last_error or "")
        (pending,) = store.undelivered_follow_events(follow.id, max_attempts=5)
        assert pending.attempts == 1 and pending.title.startswith("Port Elsbury harbour bridge reopens")
        with _fetcher() as fetcher:  # allow-listed now: the retry delivers it
            assert check_follows(store, Linker.open(store), fetcher=fetcher).delivered == 1
    assert hook.received[0]["body"]["event"]["kind"] == "article"


def _client(db: Path, tmp_path: Path, token: str | None = TOKEN) -> TestClient:
    values = {"db": str(db), "data_dir": str(tmp_path / "data")}
    if token:
        values["api_token"] = token
    return TestClient(create_app(load_settings(values), enricher=Enricher()), follow_redirects=False)


def test_following_needs_the_token_and_checks_its_target(db: Path, tmp_path: Path) -> None:
    client = _client(db, tmp_path)
    with SQLiteStore(db) as store:
        story = _story(db, store, "comet")
    body = {"kind": "story", "target": str(story)}
    assert client.post("/api/follows", json=body).status_code == 401
    assert client.post("/follows", data={**body, "token": "wrong"}).status_code == 401
    assert _client(db, tmp_path, token=None).post("/api/follows", json=body).status_code == 403
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert (
        client.post("/api/follows", json={"kind": "story", "target": "9999"}, headers=auth).status_code == 404
    )
    assert (
        client.post("/api/follows", json={"kind": "topic", "target": "no such"}, headers=auth).status_code
        == 404
    )
    refused = client.post("/api/follows", json={**body, "webhook_url": "http://10.0.0.7/hook"}, headers=auth)
    assert (
        refused.status_code == 400 and "NEWSDESK_FETCH_ALLOW_NETWORKS" in refused.json()["error"]["message"]
    )

    made = client.post("/follows", data={**body, "token": TOKEN})  # the page's form
    assert made.status_code == 303 and made.headers["location"].startswith("/follows/")
    follow_id = int(made.headers["location"].rsplit("/", 1)[-1])
    listed = client.get("/api/follows").json()["items"]
    assert [f["id"] for f in listed] == [follow_id] and "comet" in listed[0]["title"].lower()
    assert client.post(f"/follows/{follow_id}/delete", data={"token": "nope"}).status_code == 401
    assert client.post(f"/follows/{follow_id}/delete", data={"token": TOKEN}).status_code == 303
    assert client.get("/api/follows").json()["items"] == []


def test_a_follow_has_its_own_feeds_and_the_server_checks_after_an_ingest(db: Path, tmp_path: Path) -> None:
    client = _client(db, tmp_path)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    made = client.post(
        "/api/follows", json={"kind": "topic", "target": "Science and technology"}, headers=auth
    )
    assert made.status_code == 201
    follow = made.json()["follow"]
    assert follow["title"] == "science and technology"  # the taxonomy's own name
    atom = feedparser.parse(client.get(f"/follows/{follow['id']}.atom").text)
    assert not atom.bozo and len(atom.entries) == 2  # the two comet articles: the topic so far
    assert all(e.link.startswith("http://testserver/articles/") for e in atom.entries)

    # A `newsdesk ingest` beside the server (a record: it carries its topic, and this enricher
    # has no classifier); the server's next request notices the new story state and checks follows.
    record = Article(
        title="Comet Varo-3 grows a second tail",
        text=page_corpus.COMET[2] + "\n\nA second, fainter tail of sodium appeared overnight.",
        url="https://skywatch.example/tail",
        web_url="https://skywatch.example/tail",
        published=page_corpus.now().replace(microsecond=0),
        provider=Provider("Skywatch", "skywatch.example"),
        language="en",
        topics=["science and technology"],
    )
    (tmp_path / "rec").mkdir()
    (tmp_path / "rec" / "tail.txt").write_text(dump_record(record), encoding="utf-8")
    with SQLiteStore(db) as store:
        assert ingest_paths([tmp_path / "rec"], store, enricher=Enricher(), linker=Linker.open(store)).ok
    time.sleep(0.05)
    client.get("/")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        doc = json.loads(client.get(f"/follows/{follow['id']}.json").text)
        if len(doc["items"]) == 3:
            break
        time.sleep(0.2)
    assert doc["items"][0]["title"] == "Comet Varo-3 grows a second tail", doc["items"]
    assert doc["feed_url"].endswith(f"/follows/{follow['id']}.json")
    page = client.get(f"/follows/{follow['id']}").text
    assert "Comet Varo-3 grows a second tail" in page and "new article" in page


def test_the_follows_commands(db: Path, webhook: tuple[str, type[_Hook]]) -> None:
    url, hook = webhook
    env = {"NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.1"}
    refused = run("follows", "add", "topic", "sport", "--webhook", url, "--db", str(db), check=False)
    assert refused.returncode == 2 and "NEWSDESK_FETCH_ALLOW_NETWORKS" in refused.stderr
    missing = run("follows", "add", "story", "9999", "--db", str(db), check=False)
    assert missing.returncode == 2 and "no story 9999" in missing.stderr
    added = run("follows", "add", "topic", "sport", "--webhook", url, "--db", str(db), env=env)
    assert "following topic sport as follow 1 (2 events so far)" in added.stdout
    listed = json.loads(run("follows", "list", "--json", "--db", str(db)).stdout)
    assert [(f["kind"], f["target"], f["webhook"]) for f in listed] == [("topic", "sport", "127.0.0.1")]
    checked = run("follows", "check", "--db", str(db), env=env)
    assert "1 follows checked, 0 new events, 0 delivered" in checked.stdout and hook.received == []
    assert "removed follow 1" in run("follows", "remove", "1", "--db", str(db)).stdout
