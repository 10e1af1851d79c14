"""Feeds of every kind, sitemaps and OPML: parsed safely, links made absolute, dates optional."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from newsdesk.errors import InputError, MalformedInput
from newsdesk.extract.article import extract_article
from newsdesk.ingest.feeds import Outline, dump_opml, parse_feed, parse_opml, summary_document
from newsdesk.ingest.fetch import BodyTooLarge
from newsdesk.ingest.sitemaps import parse_sitemap

BASE = "https://gazette.example/news/feed.xml"

RSS091 = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Valley Gazette</title><link>https://gazette.example/</link>
<item><title>Bridge reopens after repairs</title><link>/2024/bridge.html</link>
<description>The old bridge reopened on Monday.</description></item>
</channel></rss>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://gazette.example/"><title>Valley Gazette</title><link>https://gazette.example/</link>
<description>d</description></channel>
<item rdf:about="https://gazette.example/2024/orchard.html"><title>Orchard harvest doubles</title>
<link>https://gazette.example/2024/orchard.html</link><dc:date>2024-09-03T08:00:00Z</dc:date>
<description>Apple growers reported a record year.</description></item>
</rdf:RDF>"""

RSS20 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Valley Gazette</title>
<link>https://gazette.example/</link>
<item><title>Council approves new library</title><link>2024/library.html</link>
<guid isPermaLink="false">lib-42</guid><pubDate>Tue, 10 Sep 2024 09:30:00 +0200</pubDate>
<description>&lt;p&gt;The council voted &lt;a href="/votes/7"&gt;seven to two&lt;/a&gt;.&lt;/p&gt;
</description>
<media:content url="/img/library.jpg" type="image/jpeg"/></item>
<item><title>Undated notice about road works</title><link>https://gazette.example/2024/roads.html</link>
<description>Road works start soon.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://gazette.example/atom/">
<title>Valley Gazette</title><link href="https://gazette.example/"/><id>urn:gazette</id>
<updated>2024-09-11T10:00:00Z</updated>
<entry><title>Ferry timetable changes</title><link href="ferry.html"/><id>urn:gazette:ferry</id>
<published>2024-09-11T07:15:00Z</published><author><name>Ines Marlow</name></author>
<content type="html">&lt;p&gt;Ferries will run hourly from October.&lt;/p&gt;</content></entry>
</feed>"""

JSONFEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Valley Gazette",
        "home_page_url": "https://gazette.example/",
        "items": [
            {
                "id": "j1",
                "url": "/2024/market.html",
                "title": "Farmers market moves indoors",
                "content_text": "The market moves to the hall.\n\nStalls open at eight.",
                "date_published": "2024-09-12T06:00:00Z",
                "authors": [{"name": "Tomas Reed"}],
            },
            {
                "id": "j2",
                "url": "https://gazette.example/2024/choir.html",
                "title": "Choir wins prize",
                "content_html": "<p>The choir won.</p>",
            },
        ],
    }
).encode()


def test_rss091_with_netscape_doctype_and_relative_link() -> None:
    feed = parse_feed(RSS091, BASE)
    assert feed.kind == "rss091n" or feed.kind.startswith("rss09")
    [entry] = feed.entries
    assert entry.url == "https://gazette.example/2024/bridge.html"
    assert entry.published is None and entry.id == entry.url


def test_rss10_rdf() -> None:
    feed = parse_feed(RSS10, BASE)
    assert feed.kind == "rss10"
    [entry] = feed.entries
    assert entry.title == "Orchard harvest doubles"
    assert entry.published == datetime(2024, 9, 3, 8, 0, tzinfo=UTC)


def test_rss20_guid_date_relative_links_and_undated_entry() -> None:
    feed = parse_feed(RSS20, BASE)
    assert feed.kind == "rss20" and feed.title == "Valley Gazette"
    first, undated = feed.entries
    assert first.id == "lib-42" and first.url == "https://gazette.example/news/2024/library.html"
    assert first.published == datetime(2024, 9, 10, 7, 30, tzinfo=UTC)
    assert 'href="https://gazette.example/votes/7"' in first.summary  # resolved against the feed URL
    assert first.image == "https://gazette.example/img/library.jpg"
    assert undated.published is None and undated.title.startswith("Undated")


def test_atom_with_xml_base() -> None:
    feed = parse_feed(ATOM, BASE)
    assert feed.kind == "atom10"
    [entry] = feed.entries
    assert entry.url == "https://gazette.example/atom/ferry.html"
    assert entry.authors == ["Ines Marlow"] and "hourly" in entry.content
    assert entry.published == datetime(2024, 9, 11, 7, 15, tzinfo=UTC)


def test_json_feed() -> None:
    feed = parse_feed(JSONFEED, BASE)
    assert feed.kind == "json11" and feed.link == "https://gazette.example/"
    market, choir = feed.entries
    assert market.url == "https://gazette.example/2024/market.html"
    assert market.content == "<p>The market moves to the hall.</p><p>Stalls open at eight.</p>"
    assert market.authors == ["Tomas Reed"] and market.published is not None
    assert choir.published is None


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><p>Just a page</p></body></html>",
        b"",
        b'{"items": []}',
        b"{not json",
        b"\x89PNG\r\n\x1a\n\0\0\0binary",
    ],
)
def test_not_a_feed(data: bytes) -> None:
    with pytest.raises(MalformedInput) as info:
        parse_feed(data, BASE)
    assert BASE in str(info.value) and isinstance(info.value, InputError)


def test_malformed_but_readable_feed_keeps_its_entries() -> None:
    broken = RSS20.replace(b"</channel></rss>", b"<item><title>Cut off")  # truncated mid-item
    feed = parse_feed(broken, BASE)
    assert feed.warning and feed.entries[0].title == "Council approves new library"


@pytest.mark.parametrize(
    "decl",
    [
        b'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">',
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        b'<!ENTITY % remote SYSTEM "http://10.0.0.1/evil.dtd"> %remote;',
        b'<!entity lower "case">',
    ],
)
def test_entity_declarations_refused(decl: bytes) -> None:
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE rss [' + decl + b']><rss version="2.0"><channel>'
        b"<title>&lol2;</title></channel></rss>"
    )
    with pytest.raises(MalformedInput, match="entities"):
        parse_feed(doc, BASE)
    # defusedxml refuses the declarations (or expat the malformed lowercase keyword)
    with pytest.raises(MalformedInput, match=r"refused|invalid"):
        parse_sitemap(doc, BASE)
    with pytest.raises(MalformedInput, match=r"refused|invalid"):
        parse_opml(doc)


def test_summary_document_extracts_as_an_article() -> None:
    feed = parse_feed(RSS20, BASE)
    doc = summary_document(feed.entries[0], feed)
    article = extract_article(doc)
    assert article.title == "Council approves new library"
    assert "seven to two" in article.text
    assert article.published == datetime(2024, 9, 10, 7, 30, tzinfo=UTC)
    assert article.url == "https://gazette.example/news/2024/library.html"


# -- sitemaps ---------------------------------------------------------------

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://gazette.example/2024/dam.html</loc>
 <news:news><news:publication><news:name>Valley Gazette</news:name><news:language>en</news:language>
 </news:publication><news:publication_date>2024-09-13T12:00:00+02:00</news:publication_date>
 <news:title>Dam inspection finds no cracks</news:title></news:news>
 <image:image><image:loc>/img/dam.jpg</image:loc></image:image></url>
<url><loc>https://gazette.example/2024/old.html</loc><lastmod>2024-01-02</lastmod></url>
<url><loc>https://elsewhere.example/spam.html</loc></url>
<url><loc>javascript:alert(1)</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://gazette.example/sitemap-news.xml</loc><lastmod>2024-09-13</lastmod></sitemap>
<sitemap><loc>/sitemap-2023.xml.gz</loc></sitemap>
<sitemap><loc>http://169.254.169.254/latest/</loc></sitemap>
</sitemapindex>"""

SITEMAP_URL = "https://gazette.example/sitemap.xml"


def test_news_sitemap() -> None:
    sm = parse_sitemap(SITEMAP, SITEMAP_URL)
    assert sm.kind == "urlset" and sm.is_news and sm.foreign == 2
    dam, old = sm.entries
    assert dam.title == "Dam inspection finds no cracks" and dam.publication == "Valley Gazette"
    assert dam.published == datetime(2024, 9, 13, 10, 0, tzinfo=UTC)
    assert dam.images == ["https://gazette.example/img/dam.jpg"]
    assert old.lastmod == datetime(2024, 1, 2, tzinfo=UTC) and not old.title


def test_sitemap_index_names_children_only_on_its_host() -> None:
    sm = parse_sitemap(INDEX, SITEMAP_URL)
    assert sm.kind == "index" and sm.foreign == 1
    assert [c.url for c in sm.children] == [
        "https://gazette.example/sitemap-news.xml",
        "https://gazette.example/sitemap-2023.xml.gz",
    ]


def test_gzipped_sitemap_and_gzip_bomb() -> None:
    assert len(parse_sitemap(gzip.compress(SITEMAP), SITEMAP_URL).entries) == 2
    with pytest.raises(BodyTooLarge):
        parse_sitemap(gzip.compress(b" " * 5_000_000), SITEMAP_URL, max_bytes=1_000_000)


def test_text_sitemap_and_garbage() -> None:
    sm = parse_sitemap(b"https://gazette.example/a.html\nhttps://gazette.example/b.html\n", SITEMAP_URL)
    assert sm.kind == "text" and len(sm.entries) == 2
    for bad in (b"<html><body>no</body></html>", b"<urlset><url><loc>x</loc>", b"hello world"):
        with pytest.raises(MalformedInput):
            parse_sitemap(bad, SITEMAP_URL)


# -- OPML -------------------------------------------------------------------


def test_opml_round_trip_and_nesting() -> None:
    opml = b"""<?xml version="1.0"?><opml version="1.0"><head><title>mine</title></head><body>
    <outline text="Local"><outline text="Gazette" type="rss" xmlUrl="https://gazette.example/feed.xml"/>
    <outline text="Dup" type="rss" xmlUrl="https://gazette.example/feed.xml"/></outline>
    <outline text="Maps" type="sitemap" xmlUrl="https://gazette.example/sitemap.xml"/>
    <outline text="Bad" xmlUrl="file:///etc/passwd"/><outline text="Folder only"/></body></opml>"""
    outlines = parse_opml(opml)
    assert outlines == [
        Outline("https://gazette.example/feed.xml", "Gazette", "feed"),
        Outline("https://gazette.example/sitemap.xml", "Maps", "sitemap"),
    ]
    tricky = [*outlines, Outline("https://x.example/f?a=1&b=2", 'Quotes "and" <tags>', "feed")]
    assert parse_opml(dump_opml(tricky)) == tricky


def test_opml_not_opml() -> None:
    with pytest.raises(MalformedInput, match="not OPML"):
        parse_opml(b"<rss/>")
    with pytest.raises(MalformedInput, match="invalid OPML"):
        parse_opml(b"<opml><body>")
