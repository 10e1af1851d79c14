"""The story page's chart and words, and the pictures it shows: escaped, bucketed, served from the cache."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image as PILImage

from newsdesk.model import Article, Image
from newsdesk.store.base import ArticleBrief
from newsdesk.web.front import top_level_topic
from newsdesk.web.pictures import Pictures
from newsdesk.web.story_view import countries, coverage_chart, heat_words

NOW = datetime(2025, 7, 10, 12, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def _brief(n: int, hours_ago: float | None, outlet: str) -> ArticleBrief:
    published = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return ArticleBrief(f"{n:016x}", f"t{n}", published, outlet, outlet.lower() + ".example", 60)


def test_chart_counts_articles_per_day_by_outlet_and_escapes_names() -> None:
    hostile = "<script>alert(1)</script> & Co"
    briefs = [_brief(1, 1, "Wire"), _brief(2, 2, "Wire"), _brief(3, 30, hostile), _brief(4, None, "Wire")]
    chart = coverage_chart(briefs)
    assert chart is not None and chart["unit"] == "day" and chart["undated"] == 1
    svg = ET.fromstring(str(chart["svg"]))  # well-formed XML: nothing raw got in
    assert svg.get("class") == "chart" and not list(svg.iter(f"{SVG}script"))
    bars = [r for r in svg.iter(f"{SVG}rect")]
    labels = sorted(r.find(f"{SVG}title").text or "" for r in bars)  # type: ignore[union-attr]
    assert labels == [f"2025-07-09 · {hostile}: 1 article", "2025-07-10 · Wire: 2 articles"]
    assert "<script>" not in str(chart["svg"]) and "&lt;script&gt;" in str(chart["svg"])
    tallest = max(float(r.get("height") or 0) for r in bars)
    assert tallest == max(
        float(r.get("height") or 0) for r in bars if "Wire" in (r.findtext(f"{SVG}title") or "")
    )
    assert [item["name"] for item in chart["legend"]] == ["Wire", hostile]


def test_chart_switches_to_weeks_then_months_and_folds_small_outlets() -> None:
    weeks = coverage_chart([_brief(1, 0, "A"), _brief(2, 24 * 100, "B")])
    months = coverage_chart([_brief(n, 24 * 40 * n, f"Outlet {n}") for n in range(14)])
    assert weeks is not None and weeks["unit"] == "week"
    assert months is not None and months["unit"] == "month"
    assert [item["name"] for item in months["legend"]][-1] == "other outlets"
    assert months["legend"][-1]["articles"] == 14 - 6
    assert coverage_chart([_brief(1, None, "A")]) is None


def test_heat_in_words() -> None:
    briefs = [_brief(1, 1, "A"), _brief(2, 3, "B"), _brief(3, 50, "A"), _brief(4, 24 * 30, "C")]
    said = heat_words(briefs, {"heat": 41, "parts": {"window_days": 7.0}}, NOW)
    assert said == "2 articles from 2 outlets in the last 24 h, 3 in the last 7 days (heat 41 of 100)."
    quiet = heat_words(briefs[2:], {"heat": 5, "parts": {"window_days": 7.0}}, NOW)
    assert quiet.startswith("No article in the last 24 h; 1 article from 1 outlet in the last 7 days")
    assert heat_words(briefs[3:], {"heat": -1, "parts": {}}, NOW) == "Not hot: no article in the last 7 days."


def test_countries_come_from_place_names() -> None:
    a = Article(entities={"places": {"Afghanistan": 3, "Kabul": 2, "China": 1}})
    b = Article(entities={"places": {"China": 1, "Springfield": 1}})
    assert countries([a, b]) == [("China", 2), ("Afghanistan", 1)]


def test_sections_are_top_level_topics() -> None:
    assert top_level_topic(["sport event"]) == "sport"
    assert top_level_topic(["sport"]) == "sport"
    assert top_level_topic(["Not A Taxonomy Topic"]) == "Not A Taxonomy Topic"
    assert top_level_topic([]) is None


def _thumb(folder: Path) -> str:
    buf = io.BytesIO()
    PILImage.new("RGB", (320, 180), (10, 20, 30)).save(buf, "WEBP")
    sha = "ab" * 32
    (folder / sha[:2]).mkdir(parents=True)
    (folder / sha[:2] / f"{sha}.thumb.webp").write_bytes(buf.getvalue())
    return sha


def test_pictures_come_from_the_cache_only(tmp_path: Path) -> None:
    sha = _thumb(tmp_path)
    pictures = Pictures(tmp_path)
    cached = Article(
        title="With picture",
        images=[Image("https://cdn.example/x.jpg", 1200, 675, is_cached=True)],
        info={"images_cached": {"https://cdn.example/x.jpg": sha}},
    )
    assert pictures.lead(cached) == {
        "src": f"/images/{sha}.webp",
        "width": 320,
        "height": 180,
        "alt": "With picture",
    }
    # a record's isCached without our cache entry, or a cache entry whose file is gone: no picture
    claimed = Article(images=[Image("https://cdn.example/y.jpg", 1200, 675, is_cached=True)])
    gone = Article(images=cached.images, info={"images_cached": {"https://cdn.example/x.jpg": "cd" * 32}})
    assert pictures.lead(claimed) is None and pictures.lead(gone) is None
    assert pictures.first([claimed, gone, cached]) == pictures.lead(cached)

    app = FastAPI()
    app.include_router(pictures.router())
    client = TestClient(app, raise_server_exceptions=False)
    served = client.get(f"/images/{sha}.webp")
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    assert "immutable" in served.headers["cache-control"]
    for bad in (
        "../../etc/passwd",
        f"{sha}.png",
        "AB" * 32 + ".webp",
        "..%2F..%2Fx.webp",
        "cd" * 32 + ".webp",
    ):
        assert client.get(f"/images/{bad}").status_code == 404, bad
