"""Topics and sources over the API, the source-health page, story JSON Feed and JSON records."""

from __future__ import annotations

from collections.abc import Iterator

import feedparser
import pytest
from desk_helpers import SEEDS, app_client, ingest_seeds
from fastapi.testclient import TestClient

TOKEN = "catalog-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONFIG = f"""
api_token = "{TOKEN}"

[[topics]]
name = "Afghan diplomacy"
description = "foreign governments and the Taliban government of Afghanistan"
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    tmp = tmp_path_factory.mktemp("catalog")
    assert ingest_seeds(tmp / "desk.db").ok
    with app_client(tmp, CONFIG) as c:
        yield c


def test_topics_list_the_taxonomy_user_topics_and_counts(client: TestClient) -> None:
    items = client.get("/api/topics").json()["items"]
    by_name = {t["name"]: t for t in items}
    assert "politics" in by_name and by_name["politics"]["parent"] is None
    user = by_name["Afghan diplomacy"]
    assert user["user"] is True and user["id"].startswith("user:")
    # Plain Enricher() classifies nothing: only the topics seed 000's record claims are stored.
    used = client.get("/api/topics", params={"used_only": "true"}).json()["items"]
    assert used and all(t["articles"] > 0 for t in used)
    assert {t["name"] for t in used} == {"AI", "Computer Vision"} and all(t["id"] is None for t in used)


def test_sources_need_the_token_to_change_and_show_their_health(client: TestClient) -> None:
    new = {"url": "https://news.example.org/feed.xml", "kind": "feed", "title": "Example <b>news</b>"}
    assert client.post("/api/sources", json=new).status_code == 401
    added = client.post("/api/sources", json=new, headers=AUTH)
    assert added.status_code == 201 and added.json()["created"] is True
    again = client.post("/api/sources", json=new, headers=AUTH).json()
    assert again["created"] is False and again["source"]["id"] == added.json()["source"]["id"]
    bad = client.post("/api/sources", json={"url": "file:///etc/passwd"}, headers=AUTH)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"
    kind = client.post("/api/sources", json={"url": "https://x.example/", "kind": "torrent"}, headers=AUTH)
    assert kind.status_code == 400
    listed = client.get("/api/sources").json()
    assert listed["total"] == 1 and listed["items"][0]["consecutive_failures"] == 0
    page = client.get("/sources")
    assert page.status_code == 200 and "news.example.org/feed.xml" in page.text
    assert "Example &lt;b&gt;news&lt;/b&gt;" in page.text and "<b>news</b>" not in page.text
    sid = listed["items"][0]["id"]
    assert client.delete(f"/api/sources/{sid}").status_code == 401
    assert client.delete(f"/api/sources/{sid}", headers=AUTH).json()["removed"]["id"] == sid
    missing = client.delete(f"/api/sources/{sid}", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/sources").json()["total"] == 0


def test_story_json_feed_and_atom_agree(client: TestClient) -> None:
    story = client.get("/api/stories").json()["items"][0]
    doc = client.get(f"/stories/{story['id']}.json")
    assert doc.headers["content-type"].startswith("application/feed+json")
    feed = doc.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    assert feed["feed_url"].endswith(f"/stories/{story['id']}.json")
    assert len(feed["items"]) == story["articles"] and all(i["id"] and i["title"] for i in feed["items"])
    atom = feedparser.parse(client.get(f"/stories/{story['id']}.atom").text)
    assert atom.version == "atom10" and len(atom.entries) == len(feed["items"])
    assert {e.id for e in atom.entries} == {i["id"] for i in feed["items"]}
    assert client.get("/stories/99999.json").status_code == 404


def test_record_export_as_seed_markdown_or_json(client: TestClient) -> None:
    aid = client.get("/api/articles", params={"outlet": "rferl.org"}).json()["items"][0]["id"]
    md = client.get(f"/api/articles/{aid}/record")
    assert md.text.startswith("---\ncategory:")
    data = client.get(f"/api/articles/{aid}/record", params={"format": "json"}).json()
    assert data["title"].startswith("Beijing Cautiously Backs Taliban") and data["related"]
    assert {"category", "publishedDateTime", "provider", "topics", "text"} <= set(data)
    assert client.get(f"/api/articles/{aid}/record", params={"format": "pdf"}).status_code == 422
