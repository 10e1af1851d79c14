"""The seed record format: exact seed round-trip, property round-trips, malformed input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.errors import RecordError
from newsdesk.model import Article, Image, Provider, RelatedItem, TopicScore
from newsdesk.records import (
    FIELD_ORDER,
    article_from_json,
    article_to_json,
    dump_record,
    front_matter,
    json_safe,
    load_record,
    normalise_body,
    plain_or_quote,
    quote,
    split_record,
)

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
SEED_000 = SEEDS / "000_9384bd5bf276808d.txt"


def seed_text() -> str:
    if not SEED_000.exists():
        pytest.skip("shared seeds not available")
    return SEED_000.read_text(encoding="utf-8")


def fm_yaml(record: str) -> dict:
    yaml_text, _ = split_record(record)
    data = yaml.safe_load(yaml_text)
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- the seed


def test_seed_reads_every_field():
    a = load_record(seed_text(), source="seed-000")
    assert a.category == "news"
    assert a.title.startswith("Beijing Cautiously Backs Taliban's")
    assert a.published == datetime(2021, 9, 27, 16, 31, tzinfo=UTC)
    assert a.url == a.web_url == "https://gandhara.rferl.org/a/china-taliban-support/31480715.html"
    assert (a.type, a.quality, a.heat, a.published_flag) == ("article", 17, -1, False)
    assert a.provider == Provider("Radio Free Europe/Radio Liberty", "rferl.org")
    assert a.topics == ["Computer Vision", "AI"]
    assert a.images == [
        Image(
            "https://gdb.rferl.org/b6c7d6f9-176a-4c14-9790-f061ec738dcf_cx0_cy10_cw0_w1200_r1.jpg",
            1200,
            675,
            True,
        )
    ]
    assert len(a.related) == 3
    first = a.related[0]
    assert first.provider == Provider("CNSNews.com", "cnsnews.com")
    assert first.published == datetime(2021, 9, 29, 8, 57, tzinfo=UTC)
    assert (first.quality, first.images[0].width, first.images[0].height) == (28, 700, 368)
    assert a.secured.endswith(";lx0ll7pj2s1WygAep3GVrA==")
    assert a.text == "" and a.extra == {}
    assert (a.source, a.source_kind, a.published_source) == ("seed-000", "record", "record")


def test_seed_round_trip_is_byte_identical():
    text = seed_text()
    out = dump_record(load_record(text))
    assert fm_yaml(out) == fm_yaml(text)
    assert out == text


def test_seed_with_bom_and_crlf_reads_the_same():
    text = seed_text()
    assert load_record("\ufeff" + text.replace("\n", "\r\n")) == load_record(text)
    assert load_record(("\ufeff" + text).encode("utf-8")) == load_record(text)


def test_front_matter_matches_yaml_of_the_dump():
    a = load_record(seed_text())
    assert list(front_matter(a)) == list(FIELD_ORDER)
    assert json_safe(fm_yaml(dump_record(a))) == front_matter(a)


# --------------------------------------------------------------------------- writing details


def test_minimal_article_layout():
    out = dump_record(Article(title="T"))
    assert out == (
        '---\ncategory: news\ntitle: "T"\nexcerpt: ""\npublishedDateTime: null\n'
        'originalUrl: ""\nwebUrl: ""\ntype: article\nquality: -1\nheat: -1\npublished: false\n\n'
        'provider:\n  name: ""\n  domain: ""\n\ntopics: []\n\nimages: []\n\nrelated: []\n\n'
        'secured: ""\n---\n\n'
    )
    assert load_record(out).published is None


def test_dates_are_utc_with_z_at_seconds():
    when = datetime(2021, 9, 27, 18, 31, 5, 999, tzinfo=timezone(timedelta(hours=2)))
    out = dump_record(Article(published=when))
    assert "\npublishedDateTime: 2021-09-27T16:31:05Z\n" in out
    assert load_record(out).published == datetime(2021, 9, 27, 16, 31, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-09-27T16:31:00Z", datetime(2021, 9, 27, 16, 31, tzinfo=UTC)),
        ('"2021-09-27T18:31:00+02:00"', datetime(2021, 9, 27, 16, 31, tzinfo=UTC)),
        ("2021-09-27 16:31:00", datetime(2021, 9, 27, 16, 31, tzinfo=UTC)),  # naive: taken as UTC
        ("2021-09-27", datetime(2021, 9, 27, tzinfo=UTC)),
        ('""', None),
        ("null", None),
    ],
)
def test_published_accepts_timestamps_strings_and_dates(raw, expected):
    a = load_record(f"---\ntitle: x\npublishedDateTime: {raw}\n---\n")
    assert a.published == expected
    assert a.published is None or a.published.tzinfo == UTC


def test_body_with_delimiters_and_markdown_survives():
    body = "---\n# Heading\n\n- item\ntitle: not front matter\n---\n\n  indented  "
    a = load_record(dump_record(Article(title="x", text=body + "\n\n")))
    assert a.text == body
    assert a.title == "x"


def test_body_normalisation():
    assert normalise_body("a\r\nb\rc\n\n") == "a\nb\nc"
    assert normalise_body("\n\nlead") == "\n\nlead"
    rec = "---\ntitle: x\n---\nno blank line\n\n\n"
    assert load_record(rec).text == "no blank line"


def test_unknown_fields_are_kept_and_written_back():
    rec = "---\ntitle: x\nmood: calm\nscores: {a: 1, b: [1.5, null]}\nwhen: 2021-01-02T03:04:05Z\n---\n"
    a = load_record(rec)
    assert a.extra["mood"] == "calm" and a.extra["scores"] == {"a": 1, "b": [1.5, None]}
    b = load_record(dump_record(a))
    # Unknown fields come back in their JSON-safe form (the timestamp as its string).
    assert b.extra == {"mood": "calm", "scores": {"a": 1, "b": [1.5, None]}, "when": "2021-01-02T03:04:05Z"}


def test_missing_fields_take_defaults():
    a = load_record("---\n---\n")
    assert a == Article(source="<record>", source_kind="record")


def test_related_copies_written_only_when_present():
    item = RelatedItem(title="r", copies=["https://a.example/1", "https://b.example/1"])
    out = dump_record(Article(related=[item, RelatedItem(title="s")]))
    assert out.count("copies:") == 1
    assert [r.copies for r in load_record(out).related] == [item.copies, []]


def test_plain_scalars_only_when_safe():
    assert plain_or_quote("Radio Free Europe/Radio Liberty") == "Radio Free Europe/Radio Liberty"
    assert plain_or_quote("cnsnews.com") == "cnsnews.com"
    for risky in ["yes", "No", "null", "2021", "1e3", "0x1F", "2021-09-27", "a: b", "a #b", "- x", " x", ""]:
        assert plain_or_quote(risky).startswith('"'), risky


# --------------------------------------------------------------------------- properties

TRICKY = st.sampled_from(
    [
        'say "hi"',
        "a: b",
        "#hash",
        "- dash",
        "---",
        "...",
        "yes",
        "null",
        "~",
        "0o17",
        "1_000",
        "Zoë ☃ 🎉",
        "back\\slash",
        "tab\there",
        "line\nbreak",
        "cr\rlf\r\n",
        "nel\x85ls\u2028ps\u2029",
        "\ufeffbom",
        "\x00\x07\x1b\x7f\x9f",
        "'single'",
        "&anchor *alias !tag |block >fold %dir @at `tick`",
        "  padded  ",
        "",
    ]
)
TEXT = st.one_of(st.text(max_size=30), TRICKY)
DATES = st.datetimes(
    min_value=datetime(2, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.builds(
        timezone,
        st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)),
    ),
)
OPT_DATES = st.none() | DATES
INTS = st.integers(min_value=-(2**70), max_value=2**70)
IMAGES = st.lists(st.builds(Image, url=TEXT, width=INTS, height=INTS, is_cached=st.booleans()), max_size=2)
PROVIDERS = st.builds(Provider, name=TEXT, domain=TEXT)
RELATED = st.builds(
    RelatedItem,
    title=TEXT,
    excerpt=TEXT,
    published=OPT_DATES,
    web_url=TEXT,
    type=TEXT,
    provider=PROVIDERS,
    quality=INTS,
    images=IMAGES,
    copies=st.lists(TEXT, max_size=2),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | INTS | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
BODY = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(TRICKY, st.sampled_from(["---", "# h", "- x", "", "\r\n"])), max_size=6).map(
        "\n".join
    ),
)
ARTICLES = st.builds(
    Article,
    title=TEXT,
    text=BODY,
    excerpt=TEXT,
    url=TEXT,
    web_url=TEXT,
    published=OPT_DATES,
    provider=PROVIDERS,
    images=IMAGES,
    category=TEXT,
    type=TEXT,
    quality=INTS,
    heat=INTS,
    published_flag=st.booleans(),
    topics=st.lists(TEXT, max_size=3),
    related=st.lists(RELATED, max_size=2),
    secured=TEXT,
    extra=st.dictionaries(TEXT.filter(lambda k: k not in FIELD_ORDER), JSON_VALUES, max_size=3),
)


def _seconds(dt: datetime | None) -> datetime | None:
    return None if dt is None else dt.astimezone(UTC).replace(microsecond=0)


@settings(max_examples=300, deadline=None)
@given(ARTICLES)
def test_dump_then_load_round_trips(a):
    out = dump_record(a)
    b = load_record(out)
    assert json_safe(fm_yaml(out)) == front_matter(a)  # what yaml.safe_load sees is what we meant
    assert front_matter(b) == front_matter(a)
    assert b.text == normalise_body(a.text)
    assert b.extra == a.extra
    assert b.published == _seconds(a.published)
    assert [r.published for r in b.related] == [_seconds(r.published) for r in a.related]
    assert (b.title, b.excerpt, b.url, b.web_url, b.category, b.type) == (
        a.title,
        a.excerpt,
        a.url,
        a.web_url,
        a.category,
        a.type,
    )
    assert (b.provider, b.topics, b.images, b.secured) == (a.provider, a.topics, a.images, a.secured)
    assert dump_record(b) == out  # and writing is a fixed point


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_quoting_reads_back(s):
    assert yaml.safe_load(f"k: {quote(s)}") == {"k": s}
    assert yaml.safe_load(f"k: {plain_or_quote(s)}") == {"k": s}


@settings(max_examples=100, deadline=None)
@given(ARTICLES)
def test_json_export_round_trips(a):
    a = a.replace(authors=["A. Writer"], tags=["t"], id="nd-1", external_id="x-1", ingested_at=a.published)
    obj = json.loads(json.dumps(article_to_json(a), allow_nan=False))
    b = article_from_json(obj)
    assert front_matter(b) == front_matter(a)
    assert b.text == a.text  # JSON keeps the text exactly
    assert (b.id, b.external_id, b.authors, b.tags) == ("nd-1", "x-1", ["A. Writer"], ["t"])
    assert b.ingested_at == _seconds(a.ingested_at)


def test_json_export_uses_seed_names():
    a = load_record(seed_text())
    obj = article_to_json(a)
    assert obj["publishedDateTime"] == "2021-09-27T16:31:00Z"
    assert obj["related"][0]["webUrl"].startswith("https://www.cnsnews.com/")
    assert obj["related"][0]["images"][0]["isCached"] is True
    assert {"id", "external_id", "text", "authors", "source", "extra"} <= set(obj)


def test_json_unknown_keys_go_to_extra():
    b = article_from_json({"title": "x", "extra": {"a": 1}, "shiny": True})
    assert b.extra == {"a": 1, "shiny": True}


# --------------------------------------------------------------------------- malformed


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        ("title: x\n", "no front matter"),
        ("", "no front matter"),
        ("---\ntitle: x\n", "not closed"),
        ("---\ntitle: [x\n---\n", "not valid YAML"),
        ("---\n- a\n- b\n---\n", "'<front matter>': expected a mapping"),
        ("---\nquality: high\n---\n", "field 'quality': expected an integer"),
        ("---\nquality: true\n---\n", "field 'quality': expected an integer"),
        ("---\nheat: 1.5\n---\n", "field 'heat': expected an integer"),
        ('---\npublished: "no"\n---\n', "field 'published': expected true or false"),
        ("---\ntitle: [1]\n---\n", "field 'title': expected a string"),
        ("---\npublishedDateTime: soon\n---\n", "field 'publishedDateTime': not an ISO-8601 date"),
        ("---\npublishedDateTime: 12\n---\n", "field 'publishedDateTime': expected a date"),
        ("---\ntopics: AI\n---\n", "field 'topics': expected a list"),
        ("---\ntopics: [AI, 3]\n---\n", "field 'topics[1]': expected a string"),
        ("---\nprovider: Reuters\n---\n", "field 'provider': expected a mapping"),
        ("---\nimages: [{width: 3}]\n---\n", "field 'images[0].url': missing"),
        ("---\nimages: [{url: u, width: wide}]\n---\n", "field 'images[0].width'"),
        ("---\nrelated: [{provider: {name: [1]}}]\n---\n", "field 'related[0].provider.name'"),
        ("---\nrelated: [{quality: x}]\n---\n", "field 'related[0].quality'"),
        ('---\ntitle: "a\x00b"\n---\n', "not valid YAML"),
    ],
)
def test_malformed_records_name_source_and_field(record, fragment):
    with pytest.raises(RecordError) as info:
        load_record(record, source="inbox/bad.txt")
    assert str(info.value).startswith("inbox/bad.txt: ")
    assert fragment in str(info.value)


def test_binary_input_is_a_record_error():
    with pytest.raises(RecordError, match=r"^img\.png: not UTF-8"):
        load_record(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", source="img.png")


def test_images_may_be_bare_urls():
    assert load_record("---\nimages: [https://x.example/a.jpg]\n---\n").images == [
        Image("https://x.example/a.jpg")
    ]


def test_writing_wrong_types_is_a_record_error():
    with pytest.raises(RecordError, match="quality"):
        dump_record(Article(quality="high"))  # type: ignore[arg-type]
    with pytest.raises(RecordError, match="clashes"):
        dump_record(Article(extra={"title": "shadow"}))


def test_date_only_value_type_is_accepted_in_json():
    assert article_from_json({"ingested_at": date(2020, 1, 2)}).ingested_at == datetime(
        2020, 1, 2, tzinfo=UTC
    )


ENRICHED = st.builds(
    Article,
    title=TEXT,
    text=BODY,
    original_url=TEXT,
    original_provider=TEXT,
    topic_scores=st.lists(
        st.builds(TopicScore, name=TEXT, id=TEXT, score=st.floats(0, 1, allow_nan=False)), max_size=3
    ),
    quality_parts=st.dictionaries(TEXT, st.floats(-100, 100, allow_nan=False), max_size=4),
    quality_reasons=st.lists(TEXT, max_size=3),
    entities=st.dictionaries(
        st.sampled_from(["people", "organisations", "places"]),
        st.dictionaries(TEXT, st.integers(0, 99), max_size=3),
        max_size=3,
    ),
    info=st.dictionaries(TEXT, JSON_VALUES, max_size=3),
)


@settings(max_examples=100, deadline=None)
@given(ENRICHED)
def test_json_keeps_enrichment_fields(a):
    b = article_from_json(json.loads(json.dumps(article_to_json(a), allow_nan=False)))
    for name in ("original_url", "original_provider", "topic_scores", "quality_parts", "quality_reasons",
                 "entities", "info"):
        assert getattr(b, name) == getattr(a, name), name
