"""Entity declarations are refused however they are spelled (issue 17): the old regex pre-scan over
the first 64 KB of the DOCTYPE could be bypassed; defusedxml parses the whole document now."""

from __future__ import annotations

import pytest

from newsdesk.errors import MalformedInput
from newsdesk.ingest.feeds import parse_feed, parse_opml
from newsdesk.ingest.sitemaps import parse_sitemap

BASE = "https://news.example/feed.xml"
BODY = b'<rss version="2.0"><channel><title>&e;</title><item><title>x</title></item></channel></rss>'


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be")  # no byte-order mark: the encoding is declared only


BYPASSES = {
    # a "]>" inside a comment ended the regex's idea of the internal subset
    "comment": b'<?xml version="1.0"?><!DOCTYPE rss [<!-- ]> --><!ENTITY e "boom">]>' + BODY,
    # the DOCTYPE pushed past the 64 KB the regex looked at
    "far": b'<?xml version="1.0"?>'
    + b"<!--"
    + b"x" * 70_000
    + b'--><!DOCTYPE rss [<!ENTITY e "boom">]>'
    + BODY,
    # a processing instruction holding "]>" before the declaration
    "pi": b'<?xml version="1.0"?><!DOCTYPE rss [<?x ]>?><!ENTITY e "boom">]>' + BODY,
    # UTF-16 without a byte-order mark
    "utf16": _utf16(
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY e "boom">]>' + BODY.decode()
    ),
    # an external DTD (no internal subset at all) referenced as a parameter entity
    "parameter": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "http://10.0.0.1/x.dtd"> %p;]>'
    + BODY,
    # billion laughs, the classic
    "laughs": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY e "&a;&a;&a;&a;">]>' + BODY,
}


@pytest.mark.parametrize("name", list(BYPASSES))
def test_feed_entity_declarations_refused_however_spelled(name: str) -> None:
    with pytest.raises(MalformedInput, match="refused"):
        parse_feed(BYPASSES[name], BASE)


@pytest.mark.parametrize("name", list(BYPASSES))
def test_sitemaps_and_opml_refuse_any_dtd(name: str) -> None:
    with pytest.raises(MalformedInput, match=r"refused|invalid|not a sitemap"):
        parse_sitemap(BYPASSES[name], BASE)
    with pytest.raises(MalformedInput, match=r"refused|invalid|not OPML"):
        parse_opml(BYPASSES[name])


def test_rss091_netscape_doctype_still_reads() -> None:
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<title>Old</title><link>https://news.example/</link><description>d</description>"
        b"<item><title>Kept</title><link>https://news.example/a</link></item></channel></rss>"
    )
    assert parse_feed(doc, BASE).entries[0].title == "Kept"
