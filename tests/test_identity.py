from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.ingest.identity import keys_for, same_article, title_key, url_key
from newsdesk.ingest.merge import merge_inputs
from newsdesk.model import Article, Provider


def test_url_key_drops_tracking_and_www() -> None:
    a = url_key("https://www.Example.com/news/story/?utm_source=x&id=3&fbclid=abc")
    b = url_key("http://example.com/news/story?id=3")
    assert a == b == "example.com/news/story?id=3"
    assert url_key("javascript:alert(1)") == ""
    assert url_key("") == ""


def test_title_key_needs_specific_headlines() -> None:
    assert title_key("Beijing Cautiously Backs Taliban's Hopes") == title_key(
        "beijing cautiously backs taliban’s hopes"
    )
    assert title_key("Live updates") == ""


def test_same_title_far_apart_in_time_is_not_same() -> None:
    a = Article(title="Storm hits the coast tonight again", published=datetime(2020, 1, 1, tzinfo=UTC))
    b = Article(title="Storm hits the coast tonight again", published=datetime(2021, 1, 1, tzinfo=UTC))
    assert not same_article(a, b)
    assert same_article(a, b.replace(published=None))


def test_different_urls_are_different_articles_even_with_same_title() -> None:
    a = Article(title="Markets close higher on Friday trading", url="https://a.com/1")
    b = Article(title="Markets close higher on Friday trading", url="https://b.com/2")
    assert keys_for(a).title_key == keys_for(b).title_key
    assert not same_article(a, b)


def test_merge_takes_record_metadata_and_capture_text() -> None:
    record = Article(
        title="Record title here for sure",
        url="https://x.org/a",
        provider=Provider("X", "x.org"),
        published=datetime(2021, 9, 27, 16, 31, tzinfo=UTC),
        published_source="record",
        source_kind="record",
        text="",
    )
    capture = Article(
        title="Capture title here for sure",
        text="Body paragraph.",
        authors=["Jane"],
        source_kind="capture",
        published_source="",
    )
    for order in ([record, capture], [capture, record]):
        m = merge_inputs(order)
        assert m.title == "Record title here for sure"
        assert m.text == "Body paragraph."
        assert m.provider == Provider("X", "x.org")
        assert m.authors == ["Jane"]
        assert m.published_source == "record"
        assert [i["kind"] for i in m.info["inputs"]] == [a.source_kind for a in order]
