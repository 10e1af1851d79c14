"""Topic-feed decisions and the Atom / JSON Feed writers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from newsdesk.errors import ConfigError
from newsdesk.model import Article, Provider
from newsdesk.publish.feeds import Decision, Feed, decide, feed_from_table, load_feeds
from newsdesk.publish.syndication import (
    JSON_FEED_VERSION,
    FeedInfo,
    atom_feed,
    dump_json_feed,
    json_feed,
    safe_link,
)
from newsdesk.records import load_record
from newsdesk.settings import load_settings

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
NOW = datetime(2021, 10, 1, tzinfo=UTC)
AI = Feed(name="ai", topics=("AI", "Computer Vision"), min_quality=40, languages=("en",), max_age_days=30)
XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)> & <svg onload=alert(2)>'


def _article(**changes: object) -> Article:
    base = Article(
        id="a1",
        title="A model that reads X-rays",
        text="First paragraph.\n\nSecond paragraph.",
        url="https://example.org/a1",
        published=NOW - timedelta(days=1),
        provider=Provider("Example", "example.org"),
        language="en",
        quality=70,
        topics=["AI"],
    )
    return base.replace(**changes)


def test_seed_article_is_not_in_the_ai_feed_for_its_topics() -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    seed = load_record(next(SEEDS.glob("000_*.txt")).read_bytes())
    assert "Taliban" in seed.title
    # The seed claims "Computer Vision, AI"; what it is about is diplomacy.
    seed.topics = ["politics", "international relations"]
    decision = decide(seed, AI, now=NOW)
    assert decision == Decision(False, "not in topics AI, Computer Vision")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"topics": ["Sports"]}, "not in topics AI, Computer Vision"),
        ({"quality": 17}, "quality 17 < 40"),
        ({"quality": -1}, "quality not scored (needs 40)"),
        ({"language": "de"}, "language de not in en"),
        ({"language": ""}, "language unknown not in en"),
        ({"published": NOW - timedelta(days=31)}, "older than 30 days"),
        ({"published": None}, "no date (feed takes the last 30 days)"),
        ({"info": {"copy_of": "orig1"}}, "copy of orig1"),
    ],
)
def test_each_rule_names_itself(changes: dict[str, object], reason: str) -> None:
    assert decide(_article(**changes), AI, now=NOW) == Decision(False, reason)


def test_published_reason_and_rule_switches() -> None:
    assert decide(_article(topics=["ai", "Robots"]), AI, now=NOW) == Decision(True, "in topics AI")
    copies_ok = Feed(name="wire", show_copies=True)
    assert decide(_article(), copies_ok, now=NOW, copy_of="orig").published
    assert decide(_article(), Feed(name="x", exclude=("AI",)), now=NOW) == Decision(
        False, "excluded topic AI"
    )
    assert decide(_article(), Feed(name="all"), now=NOW) == Decision(True, "matches every rule")


def test_feeds_from_config(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[[feeds]]\nname = "ai"\ntitle = "AI"\ntopics = ["AI"]\nmin_quality = 40\n'
        'languages = ["EN"]\nshow_copies = true\nmax_age_days = 30\n',
        encoding="utf-8",
    )
    (feed,) = load_feeds(load_settings(env={}, config_file=cfg))
    assert feed == Feed("ai", "AI", ("AI",), (), 40, ("en",), True, 30.0)
    for bad, message in [
        ({"name": "../x"}, "name must be"),
        ({"name": "a", "min_quality": 101}, "min_quality"),
        ({"name": "a", "max_age_days": 0}, "max_age_days"),
        ({"name": "a", "topics": "AI", "show_copies": "yes"}, "show_copies"),
        ({"name": "a", "colour": "red"}, "unknown keys colour"),
    ]:
        with pytest.raises(ConfigError, match=message):
            feed_from_table(bad)


INFO = FeedInfo(
    id="https://desk.example/feeds/ai",
    title="AI & <b>more</b>",
    self_url="https://desk.example/feeds/ai.atom",
    home_url="https://desk.example/feeds/ai",
)


def test_atom_round_trips_through_feedparser_with_everything_escaped() -> None:
    evil = _article(
        id="x1",
        title=XSS_TITLE,
        text='<script>alert(3)</script>\x00\x1b bell and "quotes"',
        excerpt="<a href=javascript:alert(4)>click</a>",
        url="javascript:alert(5)",
        authors=["<b>Ann</b>"],
        topics=["AI", "<i>x</i>"],
    )
    xml = atom_feed(INFO, [_article(), evil])
    assert (
        "<script" not in xml and "<img" not in xml and "<svg" not in xml and "javascript:alert(5)" not in xml
    )
    ET.fromstring(xml.encode())  # well-formed even with control characters in the input
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.title == "AI & <b>more</b>"
    first, second = parsed.entries
    assert first.id == "urn:newsdesk:article:a1" and first.link == "https://example.org/a1"
    assert first.published == "2021-09-30T00:00:00Z" and first.title == "A model that reads X-rays"
    assert second.title == XSS_TITLE and second.title_detail.type == "text/plain"
    assert "links" not in second or all("javascript" not in link.href for link in second.links)
    assert second.content[0].type == "text/plain" and "\x00" not in second.content[0].value


def test_json_feed_fields() -> None:
    evil = _article(id="x1", title=XSS_TITLE, url="javascript:alert(1)", web_url="")
    text = dump_json_feed(json_feed(INFO, [_article(), evil]))
    assert "<" not in text and ">" not in text
    doc = json.loads(text)
    assert doc["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == "AI & <b>more</b>" and doc["feed_url"] == INFO.self_url
    first, second = doc["items"]
    assert {"id", "url", "title", "content_text", "date_published"} <= set(first)
    assert first["url"] == "https://example.org/a1" and first["date_published"] == "2021-09-30T00:00:00Z"
    assert first["content_text"] == "First paragraph.\n\nSecond paragraph."
    assert second["title"] == XSS_TITLE and "url" not in second


def test_safe_link() -> None:
    assert safe_link("https://a.example/x?y=1") == "https://a.example/x?y=1"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil", "/local", ""):
        assert safe_link(bad) == ""


def test_undated_articles_keep_no_ingest_date_and_urlless_ones_link_to_newsdesk() -> None:
    """Issue #14: a 2021 article ingested today must not look like today's news in a feed."""
    info = FeedInfo(
        id="https://desk.example/feeds/ai",
        title="AI",
        self_url="https://desk.example/feeds/ai.json",
        home_url="https://desk.example/feeds/ai",
        base_url="https://desk.example",
    )
    ingested = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    undated = _article(id="u1", published=None, ingested_at=ingested, url="", web_url="")
    guessed = _article(id="u2", published=None, ingested_at=ingested)
    estimated = {"u2": datetime(2021, 9, 27, tzinfo=UTC)}
    doc = json.loads(dump_json_feed(json_feed(info, [undated, guessed], estimated)))
    first, second = doc["items"]
    assert "date_published" not in first and "date_modified" not in first
    assert first["_newsdesk"] == {"date_unknown": True, "estimated_date": None,
                                  "ingested_at": "2026-12-03T09:00:00Z"}
    assert first["url"] == "https://desk.example/articles/u1"
    assert second["_newsdesk"]["estimated_date"] == "2021-09-27T00:00:00Z"
    xml = atom_feed(info, [undated, guessed], estimated)
    assert "2026-12-03T09:00" not in xml  # the ingest time is no entry's date
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    a, b = parsed.entries
    assert "published" not in a and a.updated.startswith("1970-01-01")
    assert a.link == "https://desk.example/articles/u1"
    assert b.updated.startswith("2021-09-27") and b.link == "https://example.org/a1"
