"""The HTML pages: content, phone-readiness, the CSP, and an XSS corpus escaped on every page and feed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, ingest_paths
from newsdesk.settings import load_settings
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.web.api import create_app
from newsdesk.web.views import highlight, paragraphs

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
PAYLOADS = [
    "<script>alert('xss-1')</script>",
    '"><img src=x onerror=alert("xss-2")>',
    "<svg/onload=alert('xss-3')>",
    "<a href=\"javascript:alert('xss-4')\">click</a>",
    "</textarea></title><body onload=alert('xss-5')>",
    "<iframe srcdoc='<script>alert(6)</script>'></iframe>",
]
# What must never appear raw in a page or feed: an element or attribute an attacker chose.
# Our own markup is allowed: cached pictures (/images/...) and the coverage chart's SVG.
RAW = re.compile(
    r"<(script|img(?! class=\"[a-z-]+\" src=\"/images/[0-9a-f]{64}\.webp\")|svg(?! class=\"(chart|swatch)\")"
    r"|iframe|body onload)|<(a|link)\s[^>]*href=[\"']?\s*javascript:",
    re.I,
)


def _xss_jsonl() -> str:
    lines = []
    for n, payload in enumerate(PAYLOADS):
        body = f"Paragraph one about the xsscorpus {payload} tests.\n\nParagraph two {payload} ends. " * 3
        lines.append(
            json.dumps(
                {
                    "id": f"xss-{n}",
                    "url": "javascript:alert('url')" if n % 2 else f"https://evil.example/{n}?q={payload}",
                    "title": f"Xsscorpus headline {n} {payload}",
                    "text": body,
                    "published": f"2025-07-0{n + 1}T12:00:00Z",
                    "domain": "evil.example",
                    "provider": f"Evil {payload}",
                }
            )
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    tmp = tmp_path_factory.mktemp("views")
    db = tmp / "desk.db"
    (tmp / "in").mkdir()
    (tmp / "in" / "xss.jsonl").write_text(_xss_jsonl(), encoding="utf-8")
    with SQLiteStore(db) as store:
        report = ingest_paths([SEEDS, tmp / "in"], store, enricher=Enricher(), linker=Linker.open(store))
    assert report.ok, report.failed
    cfg = tmp / "newsdesk.toml"
    cfg.write_text('[[feeds]]\nname = "all"\ntitle = "All <b>news</b>"\n', encoding="utf-8")
    settings = load_settings({"db": str(db), "data_dir": str(tmp / "data")}, env={}, config_file=cfg)
    with TestClient(create_app(settings, enricher=Enricher())) as c:
        yield c


def _page(client: TestClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    assert '<meta name="viewport"' in response.text and "<script" not in response.text.lower()
    return response.text


def test_front_story_article_pages(client: TestClient) -> None:
    front = _page(client, "/")
    assert "Latest stories" in front and "/stories/" in front  # nothing is hot in 2021-2025
    rferl = client.get("/api/articles", params={"outlet": "rferl.org"}).json()["items"][0]["id"]
    story_id = client.get(f"/api/articles/{rferl}").json()["story_id"]
    story = _page(client, f"/stories/{story_id}")
    assert "Timeline" in story and "2021-09-23" in story and "Articles per month by outlet" in story
    assert "Radio Free Europe/Radio Liberty" in story and f"/stories/{story_id}.atom" in story
    article = _page(client, f"/articles/{rferl}")
    assert "Beijing Cautiously Backs Taliban" in article and f"/api/articles/{rferl}/record" in article
    assert article.count("<p>") > 5 and "Quality" in article and "Topics" in article
    assert 'href="https://gandhara.rferl.org/' in article
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_a_table_in_the_text_is_a_table_on_the_page(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "Uzbekistan Kyrgyzstan"}).json()["items"]
    ids = [h["article"]["id"] for h in hits]
    texts = {i: client.get(f"/api/articles/{i}").json()["text"] for i in ids}
    capital = next(i for i, text in texts.items() if "| Country | Opportunities |" in text)
    page = _page(client, f"/articles/{capital}")
    assert '<th scope="col">Opportunities</th>' in page and "<td>Uzbekistan</td>" in page
    assert "|---|" not in page


def test_feed_and_search_pages(client: TestClient) -> None:
    feeds = _page(client, "/feeds")
    assert "All &lt;b&gt;news&lt;/b&gt;" in feeds and "/feeds/all.atom" in feeds
    feed = _page(client, "/feeds/all?show=all")
    assert "published: matches every rule" in feed
    search = _page(client, "/search?q=Taliban")
    assert "<mark>Taliban</mark>" in search or "<mark>taliban</mark>" in search.lower()


def test_errors_on_pages_are_pages(client: TestClient) -> None:
    response = client.get("/articles/<script>nope</script>")
    assert (
        response.status_code == 404 and "Error 404" in response.text and "<script>nope" not in response.text
    )
    assert "content-security-policy" in response.headers


def test_xss_corpus_is_escaped_everywhere(client: TestClient) -> None:
    ids = [client.get(f"/api/articles/xss-{n}").json()["id"] for n in range(len(PAYLOADS))]
    story_ids = {client.get(f"/api/articles/{i}").json()["story_id"] for i in ids} - {None}
    urls = [
        "/",
        "/feeds",
        "/feeds/all",
        "/feeds/all?show=all",
        "/search?q=xsscorpus",
        "/search?q=" + PAYLOADS[0],
        *[f"/articles/{i}" for i in ids],
        *[f"/stories/{s}" for s in story_ids],
    ]
    for url in urls:
        html = _page(client, url)
        assert not RAW.search(html), (url, RAW.search(html))
    article = _page(client, f"/articles/{ids[0]}")
    assert "&lt;script&gt;alert(&#39;xss-1&#39;)&lt;/script&gt;" in article  # shown, as text
    assert "javascript:" not in _page(client, f"/articles/{ids[1]}")
    search = _page(client, "/search?q=xsscorpus")
    assert "<mark>xsscorpus</mark>" in search.lower() and "&lt;" in search
    for url in ["/feeds/all.atom", *[f"/stories/{s}.atom" for s in story_ids]]:
        xml = client.get(url).text
        assert not RAW.search(xml), (url, RAW.search(xml))
        titles = {el.text for el in ET.fromstring(xml.encode()).iter("{http://www.w3.org/2005/Atom}title")}
        assert any(t and "<script>alert('xss-1')</script>" in t for t in titles) or url.startswith("/stories")
    feed_json = client.get("/feeds/all.json").text
    assert "<" not in feed_json and not RAW.search(feed_json)
    titles = [item["title"] for item in json.loads(feed_json)["items"]]
    assert any(PAYLOADS[2] in t for t in titles)
    assert all("javascript:" not in item.get("url", "") for item in json.loads(feed_json)["items"])


def test_highlight_escapes_then_marks() -> None:
    snip = "a <b>[Taliban]</b> & [not a hit] [TALIBAN] <script>"
    out = str(highlight(snip, "taliban"))
    assert out == (
        "a &lt;b&gt;<mark>Taliban</mark>&lt;/b&gt; &amp; [not a hit] <mark>TALIBAN</mark> &lt;script&gt;"
    )
    assert str(highlight("[<img src=x onerror=alert(1)>]", "img")) == (
        "<mark>&lt;img src=x onerror=alert(1)&gt;</mark>"
    )
    assert str(highlight("[café] menu", "cafe")) == "<mark>café</mark> menu"


def test_paragraphs() -> None:
    assert paragraphs("One.\n\n  Two.\n\n\n") == ["One.", "Two."]
    assert paragraphs("Line one\nLine two") == ["Line one", "Line two"]
    assert paragraphs("") == []
