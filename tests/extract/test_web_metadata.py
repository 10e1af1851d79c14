"""Title, dates and authors that hold on the open web: hand-made pages, plus real dev pages.

The hand-made pages copy no real page; each one shows one convention newsdesk follows
(issue #15: published is published, headline not site or login title, bylines as
people's names; issue #14: bodies do not begin by repeating the headline).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from wcxb_pages import wcxb_pages

from newsdesk.extract.article import drop_repeated_headline, extract_article
from newsdesk.extract.author_names import split_authors
from newsdesk.extract.html import extract_html
from newsdesk.model import RawDocument
from newsdesk.records import article_from_json, article_to_json

PARAS = "".join(
    f"<p>{s}</p>"
    for s in (
        "The harbour authority opened the new ferry terminal on Friday after three years of"
        " construction and a budget that grew by a third along the way.",
        "Passengers will board from two covered piers, and the old waiting hall on the quay"
        " will become a market for local fishermen from the spring onwards.",
        "Residents had asked for more parking, but the authority said most travellers would"
        " arrive by the new tram line that stops right in front of the building.",
    )
)


def page(head: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


# ---------------------------------------------------------------- published is published


DATED_HEAD = (
    "<title>Ferry terminal opens</title>"
    "<meta property='article:published_time' content='2023-03-10T09:00:00Z'>"
    "<meta property='article:modified_time' content='2023-05-02T16:30:00Z'>"
)


def test_labelled_update_is_updated_not_published() -> None:
    html = page(
        DATED_HEAD,
        "<article><h1>Ferry terminal opens</h1><p class='date'>Last updated: 2 May 2023</p>"
        + PARAS
        + "</article>",
    )
    result = extract_html(html, url="https://port.example.org/news/ferry")
    assert result.published == datetime(2023, 3, 10, 9, tzinfo=UTC)
    assert result.published_source == "meta:article:published_time"
    assert result.updated == datetime(2023, 5, 2, 16, 30, tzinfo=UTC)


def test_header_showing_the_update_day_does_not_replace_publication() -> None:
    # the header shows the (unlabelled) modified day; the page still declares its publication
    html = page(
        DATED_HEAD,
        "<article><h1>Ferry terminal opens</h1><p class='date'>2 May 2023</p>" + PARAS + "</article>",
    )
    result = extract_html(html, url="https://port.example.org/news/ferry")
    assert result.published == datetime(2023, 3, 10, 9, tzinfo=UTC)
    assert result.updated == datetime(2023, 5, 2, 16, 30, tzinfo=UTC)


def test_update_only_page_gives_it_as_published_and_no_separate_update() -> None:
    html = page(
        "<title>Ferry terminal opens</title>"
        "<meta property='article:modified_time' content='2023-05-02T16:30:00Z'>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>",
    )
    result = extract_html(html, url="https://port.example.org/news/ferry")
    # the only date the page gives (htmldate reads its day from the modified tag)
    assert result.published is not None and result.published.date() == datetime(2023, 5, 2).date()
    assert result.updated is None


def test_updated_travels_through_json_and_back() -> None:
    html = page(
        "<title>Ferry terminal opens</title>"
        "<meta property='article:published_time' content='2023-03-10T09:00:00Z'>"
        "<meta property='article:modified_time' content='2023-05-02T16:30:00Z'>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>",
    )
    article = extract_article(
        RawDocument(source="p.html", kind="html", content=html.encode(), url="https://x.example/a")
    )
    data = article_to_json(article)
    assert data["updated"] == "2023-05-02T16:30:00Z"
    assert data["publishedDateTime"] == "2023-03-10T09:00:00Z"
    assert article_from_json(data).updated == datetime(2023, 5, 2, 16, 30, tzinfo=UTC)


# ---------------------------------------------------------------- bodies


def test_body_does_not_begin_with_the_headline() -> None:
    html = page(
        "<title>Ferry terminal opens | Harbour Gazette</title>",
        "<div class='content'><h2>Ferry terminal opens</h2>" + PARAS + "</div>",
    )
    article = extract_article(
        RawDocument(source="p.html", kind="html", content=html.encode(), url="https://x.example/a")
    )
    assert article.title == "Ferry terminal opens"
    assert not article.text.startswith("Ferry terminal opens")
    assert article.text.startswith("The harbour authority opened")


def test_jsonl_text_that_starts_with_its_title() -> None:
    fields = {
        "title": "Ferry terminal opens",
        "text": "Ferry terminal opens\nThe harbour authority opened it.",
    }
    raw = RawDocument(source="x.jsonl:1", kind="jsonl", content=b"{}", fields=fields)
    assert extract_article(raw).text == "The harbour authority opened it."


def test_jsonl_declared_language_wins_and_a_bad_one_is_dropped() -> None:
    # a short headline that language detection is unsure of: the line says what it is
    fields = {
        "title": "Sri Lanka President To Resign",
        "text": "He agreed to go on Wednesday.",
        "language": "EN",
    }
    raw = RawDocument(source="x.jsonl:1", kind="jsonl", content=b"{}", fields=fields)
    assert extract_article(raw).language == "en"
    raw.fields = {**fields, "language": "english please"}
    article = extract_article(raw)
    assert article.language == ""
    assert any("language" in note for note in article.info["sanitised"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ferry terminal opens\n\nLead.", "Lead."),
        ("TRANSPORT\n\nFerry Terminal Opens\n\nLead.", "TRANSPORT\n\nLead."),
        ("Ferry terminal opens | Harbour Gazette\n\nLead.", "Lead."),
        # a sentence that begins with the headline's words is text
        ("Ferry terminal opens are rare events in a town this size, said the mayor on Friday.", None),
        # a long first paragraph before it: the headline further down is not a repeat at the start
        (
            "A long first paragraph that is clearly the lead of the article, not a kicker.\n\n"
            "Ferry terminal opens",
            None,
        ),
        # nothing but the headline: keep it rather than an empty body
        ("Ferry terminal opens", None),
    ],
)
def test_drop_repeated_headline(text: str, expected: str | None) -> None:
    assert drop_repeated_headline(text, "Ferry terminal opens") == (text if expected is None else expected)


# ---------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Keith Barry Senior Autos Reporter", ["Keith Barry"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, Staff Writer", ["Jane Doe"]),
        ("Dylan Roe, MS, RD", ["Dylan Roe"]),
        ("Sign In", []),
        ("Staff", []),
        ("@harbourgazette", []),
        ("Senior Reporter", []),
        # forum and blog user names keep their digits; a number after a space ends the name
        ("Pippin06", ["Pippin06"]),
        ("Jane Doe 3 min read", ["Jane Doe"]),
        # forum furniture around the poster's name: avatar initial, rank, "Post by ... »"
        ("B boobaloo Full Member", ["boobaloo"]),
        ("Post by quist77 »", ["quist77"]),
        ("MaraQ Well-known member Joined", ["MaraQ"]),
        # a weekday or "Stand" after the name, a credit word, entities escaped twice, a handle
        ("Mara Quist am Samstag", ["Mara Quist"]),
        ("Mara Quist Stand", ["Mara Quist"]),
        ("Mara Quist Illustration", ["Mara Quist"]),
        ("Mar&iacute;a Quist", ["María Quist"]),
        ("mara.quist", ["Mara Quist"]),
        ("www.harbourgazette.com", []),
        ("Interview: Mara Quist", ["Mara Quist"]),
        # a German weekday abbreviation before the date, a field word before the job title
        ("Mara Quist Do 9 Apr 2020", ["Mara Quist"]),
        ("Mara Quist Content Marketing Coordinator", ["Mara Quist"]),
        ("Marketing Team", ["Marketing Team"]),
        # German blog and forum labels before the name (Blogger's "Eingestellt von", "Beitrag von")
        ("Eingestellt von Mara Quist", ["Mara Quist"]),
        ("Beitrag von quist77", ["quist77"]),
        ("Ein Beitrag von Mara Quist", ["Mara Quist"]),
        ("Artikel von Mara Quist", ["Mara Quist"]),
        # a credit line's own label: "Recipe by", "Insights from", a "via" handle
        ("Recipe by Mara Quist", ["Mara Quist"]),
        ("Insights from Mara Quist", ["Mara Quist"]),
        ("via quist77", ["quist77"]),
        ("Vianne Quist", ["Vianne Quist"]),
        # a forum rank ending in "Owner", a beat before the job title, an "Authored by" label
        ("StarredSkies Big Board Owner", ["StarredSkies"]),
        ("Mara Quist Tech Reporter", ["Mara Quist"]),
        ("Authored by: Dr. Mara Quist", ["Dr. Mara Quist"]),
    ],
)
def test_split_authors(value: str, names: list[str]) -> None:
    assert split_authors(value) == names


def test_site_name_is_not_an_author() -> None:
    html = page(
        "<title>Ferry terminal opens</title><meta property='og:site_name' content='Harbour Gazette'>"
        "<meta name='author' content='Harbour Gazette'>",
        "<article><h1>Ferry terminal opens</h1><p class='byline'>By Mara Quist</p>" + PARAS + "</article>",
    )
    result = extract_html(html, url="https://harbourgazette.example/news/ferry")
    assert result.authors == ["Mara Quist"]


def test_site_name_glued_to_the_byline_is_cut() -> None:
    html = page(
        "<title>Ferry terminal opens</title><meta property='og:site_name' content='HarbourGazette'>",
        "<article><h1>Ferry terminal opens</h1><p class='byline'>Mara Quist HarbourGazette</p>"
        + PARAS
        + "</article>",
    )
    assert extract_html(html, url="https://harbourgazette.example/news/ferry").authors == ["Mara Quist"]


def test_a_microdata_author_item_is_its_name_not_its_bio() -> None:
    # itemprop="author" itemscope: the item's value is its own itemprop="name", never the
    # whole box (the name run into the bio beside it)
    box = (
        "<div itemprop='author' itemscope itemtype='https://schema.org/Person'>"
        "<div itemprop='name'><a href='/authors/mara-quist'>Mara Quist</a></div>"
        "<div itemprop='description'>Mara Quist is a senior reporter covering ports and shipping"
        " for the paper since 2015.</div></div>"
    )
    html = page(
        "<title>Ferry terminal opens</title>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + box + "</article>",
    )
    assert extract_html(html, url="https://harbourgazette.example/news/ferry").authors == ["Mara Quist"]


def test_declared_organisation_is_the_author_when_no_person_is_named() -> None:
    # the page says so (meta author, JSON-LD author of an organisation type): keep it
    html = page(
        "<title>Ferry terminal opens</title><meta property='og:site_name' content='Harbour Gazette'>"
        "<meta name='author' content='Harbour Gazette'>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://harbourgazette.example/news/ferry").authors == ["Harbour Gazette"]
    ld = (
        '{"@context": "https://schema.org", "@type": "Article", "headline": "Ferry terminal opens",'
        '"author": {"@type": "Organization", "name": "Harbour Gazette Team"}}'
    )
    html = page(
        f"<title>Ferry terminal opens</title><script type='application/ld+json'>{ld}</script>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Harbour Gazette Team"]


def test_personal_blog_named_after_its_author() -> None:
    # rel=author names the site itself and no one else: that is who wrote it
    html = page(
        "<title>Nebelsuppe | maraquist</title>",
        "<article><h1>Nebelsuppe</h1><span class='author vcard'><a rel='author' href='/author/maraquist/'>"
        "maraquist</a></span>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://maraquist.example/2020/nebelsuppe").authors == ["maraquist"]


def test_author_box_gives_its_name_not_the_bio() -> None:
    html = page(
        "<title>Ferry terminal opens</title>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "<div class='post-author-box'>"
        "<style>.post-author-box{webkit-flex-shrink:0}</style><img alt=''><div>Mara Quist</div>"
        "<p>Mara Quist covers ports, ferries and everything else that floats for the gazette since 2009.</p>"
        "</div></article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Mara Quist"]


def test_placeholder_author_stays_out_even_as_fallback() -> None:
    html = page(
        "<title>Ferry terminal opens</title><meta name='author' content='admin'>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == []


def test_twitter_card_written_by() -> None:
    html = page(
        "<title>Ferry terminal opens</title><meta name='twitter:label1' content='Written by'>"
        "<meta name='twitter:data1' content='Mara Quist'>"
        "<meta name='twitter:label2' content='Est. reading time'>"
        "<meta name='twitter:data2' content='3 minutes'>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Mara Quist"]


# ---------------------------------------------------------------- real pages (must / must not)


def test_json_ld_author_given_by_reference() -> None:
    ld = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "Article", "headline": "Ferry terminal opens", "author": {"@id": "https://x.example/#p1"}},'
        '{"@type": "Person", "@id": "https://x.example/#p1", "name": "Mara Quist"}]}'
    )
    html = page(
        f"<title>Ferry terminal opens</title><script type='application/ld+json'>{ld}</script>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Mara Quist"]


def test_byline_label_and_name_in_separate_elements() -> None:
    html = page(
        "<title>Ferry terminal opens</title>",
        "<article><h1>Ferry terminal opens</h1><div><p>Photo by Lena Hart</p><p>Written by</p>"
        "<p>Mara Quist</p></div>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Mara Quist"]


def test_rel_author_in_the_articles_own_footer() -> None:
    html = page(
        "<title>Ferry terminal opens</title>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + "<footer class='meta'>"
        "<a rel='author' href='/author/mq'>Mara Quist</a></footer></article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Mara Quist"]


def test_byline_in_a_main_column_with_a_layout_class() -> None:
    # "widgets-hidden" on <body>, "content-area sidebar" on the main column (a layout with a
    # sidebar), Blogger's post list "widget Blog": none of them is a sidebar holding the byline
    html = page(
        "<title>Ferry terminal opens</title>",
        "<div class='content-area sidebar'><div class='widget Blog'><article><h1>Ferry terminal opens</h1>"
        "<span class='byline'><span class='author vcard'><a class='url fn n' href='/about/'>mquist</a>"
        "</span></span>" + PARAS + "</article></div></div><div class='sidebar'><p>Archive</p></div>",
    ).replace("<body>", "<body class='single widgets-hidden'>")
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["mquist"]


def test_byline_in_a_real_sidebar_stays_out() -> None:
    html = page(
        "<title>Ferry terminal opens</title>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS + PARAS + "</article>"
        "<div class='sidebar'><div class='widget'><span class='author vcard'>Lena Hart</span></div></div>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == []


def test_byline_in_the_articles_own_aside() -> None:
    # an <aside> within the article is its panel of facts; one holding other articles' teasers,
    # or one beside the article, names other people
    def one(body: str) -> list[str]:
        return extract_html(
            page("<title>Ferry terminal opens</title>", body), url="https://x.example/n/1"
        ).authors

    panel = "<aside class='meta'><p><a class='author-name'>Mara Quist</a></p></aside>"
    assert one(f"<article><h1>Ferry terminal opens</h1>{panel}{PARAS}</article>") == ["Mara Quist"]
    teaser = "<aside><article><h2>Dry</h2><span class='entry__author'>Lena Hart</span></article></aside>"
    assert one(f"<article><h1>Ferry terminal opens</h1>{teaser}{PARAS}</article>") == []
    assert one(f"<article><h1>Ferry terminal opens</h1>{PARAS}</article>{panel}") == []


def test_link_to_the_authors_page_that_names_them() -> None:
    html = page(
        "<title>Ferry terminal opens</title>",
        "<nav><a href='/authors/'>Our authors</a></nav><article><h1>Ferry terminal opens</h1>"
        "<p class='meta'><a href='/author/mara-quist/'>Mara Quist</a></p>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Mara Quist"]
    # a link to an author page whose text is not the person the address names is no byline
    other = html.replace(">Mara Quist</a>", ">Zur Artikelübersicht</a>")
    assert extract_html(other, url="https://x.example/news/ferry").authors == []


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("<p>Posted by Konstantin @ 12:00 am</p>", ["Konstantin"]),
        ("<div class='submitted'>Gespeichert von <span class='username'>rasos</span></div>", ["rasos"]),
        ("<p>Autoren Jelko Marten und Jutta Klee</p>", ["Jelko Marten", "Jutta Klee"]),
        ("<div>Article by</div><div>Mara Quist</div>", ["Mara Quist"]),
        # a sentence of the text that says who wrote something is no byline
        (
            "<p>Python has a separate library <a href='#'>regex</a> written by <a href='#'>Lena Hart</a>"
            " in C, which handles full case folding and the German sharp s correctly.</p>",
            [],
        ),
        ("<div class='comment'><p>Posted by Lena Hart</p></div>", []),
        ("<p>Started by Konstantin</p>", ["Konstantin"]),
        # a label's text twice (an icon's title, then the visible label): the name after the second
        ("<div><span>Written by</span><span>Written by</span><a>Mara Quist</a></div>", ["Mara Quist"]),
        ("<div><strong>Contributors:</strong> Janet Loughrey</div>", ["Janet Loughrey"]),
        ("<div>05.02.2020 <span>- Redaktion: Eberhard Fuhr (Pressesprecher)</span></div>", ["Eberhard Fuhr"]),
        # without the colon they are menu entries ("Contributors", "Redaktion") before other links
        ("<ul><li>Contributors</li><li>Local Business</li></ul>", []),
        ("<ul><li>Redaktion</li><li>Mara Quist</li></ul>", []),
    ],
)
def test_labelled_byline_after_the_article(byline: str, names: list[str]) -> None:
    html = page(
        "<title>Ferry terminal opens</title>",
        "<article><h1>Ferry terminal opens</h1>" + PARAS * 4 + byline + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == names


def _post(user: str, text: str, kind: str = "Comment") -> str:
    return (
        f"<article class='message' itemscope itemtype='https://schema.org/{kind}'>"
        f"<section class='message-user' itemprop='author' itemscope itemtype='https://schema.org/Person'>"
        f"<meta itemprop='name' content='{user}'><a href='/members/{user}.1/'>{user}</a></section>"
        f"<div itemprop='text'><p>{text}</p></div></article>"
    )


FERRY_REPLIES = _post("lenahart", "Good news, the old hall was falling apart anyway.") + _post(
    "quayside77", "Will the tram run on Sundays as well?"
)


def test_thread_starter_label_names_the_forum_thread_author() -> None:
    # every post a microdata Comment: the replies' authors are not the thread's; the header's
    # "Thread starter" (an icon's <title> and a visually hidden label, then the name) is
    head = (
        "<div class='p-description'><ul><li><i><svg role='img'><title>Thread starter</title></svg></i>"
        "<span class='u-srOnly'>Thread starter</span> <a href='/members/maraquist.9/' class='username'>"
        "maraquist</a></li><li>Start date <time>Mar 10, 2023</time></li></ul></div>"
    )
    html = page(
        "<title>Ferry terminal opens | Harbour Forum</title>",
        "<h1>Ferry terminal opens</h1>" + head + PARAS + FERRY_REPLIES,
    )
    assert extract_html(html, url="https://forum.example/threads/ferry.1/").authors == ["maraquist"]


def test_forum_replies_alone_give_the_first_posts_author() -> None:
    # no label, no byline outside the posts: the first post of the thread page is its starter's
    html = page(
        "<title>Ferry terminal opens</title>",
        "<h1>Ferry terminal opens</h1>" + _post("maraquist", PARAS) + FERRY_REPLIES,
    )
    assert extract_html(html, url="https://forum.example/threads/ferry.1/").authors == ["maraquist"]


def test_question_author_not_the_commenters() -> None:
    # a Q&A page: the Question's own author (its name in a <meta itemprop=name>), not the authors
    # of the comments and answers nested in it
    question = (
        "<div itemprop='mainEntity' itemscope itemtype='https://schema.org/Question'>"
        "<h1 itemprop='name'>Why does the ferry terminal need two piers?</h1><div itemprop='text'>"
        + PARAS
        + "</div>"
        + _post("lenahart", "Because of the tides.")
        + "<div itemprop='author' itemscope itemtype='http://schema.org/Person'>"
        "<a href='/users/7/mara'>Mara Q.</a><meta itemprop='name' content='Mara Quist'></div>"
        + _post("quayside77", "Two piers, two ferries.", kind="Answer")
        + "</div>"
    )
    html = page(
        "<title>Why two piers?</title>",
        "<div itemscope itemtype='https://schema.org/QAPage'>" + question + "</div>",
    )
    assert extract_html(html, url="https://qa.example/questions/1").authors == ["Mara Quist"]


# ---------------------------------------------------------------- titles


@pytest.mark.parametrize(
    "declared", ["Error", "404 Not Found", "Sign In", "Just a moment...", "Page not found", "About"]
)
def test_error_and_login_titles_are_no_headline(declared: str) -> None:
    html = page(f"<title>{declared}</title>", "<div>" + PARAS + "</div>")
    article = extract_article(
        RawDocument(source="p.html", kind="html", content=html.encode(), url="https://x.example/a")
    )
    assert article.title != declared
    assert article.info["title_source"] == "derived"
    assert article.title.startswith("The harbour authority opened")


def test_site_name_alone_is_no_headline() -> None:
    html = page(
        "<title>Harbour Gazette</title><meta property='og:site_name' content='Harbour Gazette'>",
        "<div>" + PARAS + "</div>",
    )
    article = extract_article(
        RawDocument(
            source="p.html", kind="html", content=html.encode(), url="https://harbourgazette.example/a"
        )
    )
    assert article.title != "Harbour Gazette" and article.info["title_source"] == "derived"


def test_h1_in_capitals_takes_the_declared_spelling() -> None:
    html = page(
        "<title>Ferry Terminal Opens | Harbour Gazette</title>",
        "<article><h1>FERRY TERMINAL OPENS</h1>" + PARAS + "</article>",
    )
    result = extract_html(html, url="https://x.example/news/ferry")
    assert result.title == "Ferry Terminal Opens"


def test_h1_in_capitals_close_to_a_declared_title_takes_its_spelling() -> None:
    html = page(
        "<meta property='og:title' content='Ferry Terminal Opens 2026: What Changes for Passengers'>",
        "<article><h1>FERRY TERMINAL OPENS IN 2026: WHAT CHANGES FOR PASSENGERS</h1>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").title == (
        "Ferry Terminal Opens 2026: What Changes for Passengers"
    )
    # a declared title that says something else does not replace the headline in capitals
    other = html.replace("Ferry Terminal Opens 2026: What Changes for Passengers", "Harbour news this week")
    assert extract_html(other, url="https://x.example/news/ferry").title == (
        "FERRY TERMINAL OPENS IN 2026: WHAT CHANGES FOR PASSENGERS"
    )


def test_h1_repeating_the_document_title_loses_the_site_name() -> None:
    html = page(
        "<title>Ferry terminal opens | Harbour News | Harbour Gazette</title>",
        "<article><h1>Ferry terminal opens | Harbour News | Harbour Gazette</h1>" + PARAS + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").title == "Ferry terminal opens"


@pytest.mark.parametrize("anchor", ["\u00b6", "#", "\uf0c1"])
def test_permalink_anchor_after_the_heading_is_not_title(anchor: str) -> None:
    html = page(
        "<title>Models | Harbour docs</title>",
        f"<div class='section'><h1>Models<a class='headerlink' href='#models'>{anchor}</a></h1>"
        + PARAS
        + "</div>",
    )
    assert extract_html(html, url="https://x.example/docs/models").title == "Models"
    # a "#" inside the headline stays
    inside = html.replace("<h1>Models<", "<h1>C# models<")
    assert extract_html(inside, url="https://x.example/docs/models").title == "C# models"


def test_menu_h1_and_title_label_are_skipped() -> None:
    html = page(
        "<title>Ferry terminal opens - Harbour Gazette</title>",
        "<header><h1>Open Menu Close Menu</h1></header><article><h1>Title: Ferry terminal opens</h1>"
        + PARAS
        + "</article>",
    )
    assert extract_html(html, url="https://x.example/news/ferry").title == "Ferry terminal opens"


def test_product_page_slogan_h1_gives_way_to_agreeing_declared_titles() -> None:
    head = (
        "<title>Ferry Tickets and Timetables | Harbour Lines</title>"
        "<meta property='og:title' content='Ferry Tickets and Timetables'>"
        "<meta property='og:type' content='website'>"
    )
    html = page(head, "<main><h1>Sail away this summer</h1>" + PARAS + "</main>")
    assert extract_html(html, url="https://x.example/tickets").title == "Ferry Tickets and Timetables"
    # on an article, the visible headline stays the title
    html = page(
        head.replace("website", "article"), "<main><h1>Sail away this summer</h1>" + PARAS + "</main>"
    )
    assert extract_html(html, url="https://x.example/tickets").title == "Sail away this summer"


@pytest.mark.slow
def test_real_wcxb_pages_must_and_must_not() -> None:
    pages = wcxb_pages({"wcxb-0007", "wcxb-0058", "wcxb-0277", "wcxb-0341"})
    by_id = {
        pid: extract_article(
            RawDocument(source=pid, kind="jsonl", content=b"{}", fields={"url": o["url"], "html": o["html"]})
        )
        for pid, o in pages.items()
    }
    # "Last updated: August 19, 2025" is shown; the page declares its publication in January
    photo = by_id["wcxb-0007"]
    assert photo.published is not None and photo.published.date().isoformat() == "2025-01-29"
    assert photo.updated is not None and photo.updated.date().isoformat() == "2025-08-19"
    assert not photo.text.startswith(photo.title)
    assert by_id["wcxb-0058"].authors == ["Edzel Tabing"]  # "Written by" and the name apart
    assert by_id["wcxb-0277"].authors == ["Shivkumar M"]  # JSON-LD author by @id
    assert "menu" not in by_id["wcxb-0341"].title.casefold()


@pytest.mark.slow
def test_real_wcxb_authors_must_and_must_not() -> None:
    ids = {"wcxb-0037", "wcxb-0049", "wcxb-0100", "wcxb-0306", "wcxb-0520", "wcxb-0536"}
    pages = wcxb_pages(ids)
    authors = {pid: extract_html(o["html"], url=o["url"], source=pid).authors for pid, o in pages.items()}
    assert authors["wcxb-0049"] == ["Swoogo"]  # the organisation the page declares, no person named
    assert authors["wcxb-0100"] == ["Camphouse Team"]
    assert authors["wcxb-0306"] == ["Lauren Vetter"]  # an author box: the name, not the bio
    assert authors["wcxb-0520"] == ["AjayJunkies"]  # forum rank and counters cut off
    assert authors["wcxb-0536"] == ["galitsyn"]  # phpBB "Post by galitsyn »"
    # CSS-in-JS inside the microdata author element is no name
    assert not any("css" in a or "flex" in a or "(" in a for a in authors["wcxb-0037"])


@pytest.mark.slow
def test_real_wcxb_bylines_and_headings_third_pass() -> None:
    ids = {"wcxb-0222", "wcxb-0233", "wcxb-0415", "wcxb-0431", "wcxb-0562", "wcxb-2871", "wcxb-4180"}
    ids.add("wcxb-4475")
    pages = wcxb_pages(ids)
    got = {pid: extract_html(o["html"], url=o["url"], source=pid) for pid, o in pages.items()}
    assert got["wcxb-0222"].authors == ["John Crenshaw"]  # "Written by" box after the post
    assert got["wcxb-0233"].authors == ["Moses Kim", "Kate Shokurova"]  # link to their author page
    assert got["wcxb-0431"].authors == ["Matias Heikkilä"]  # "Article by" label, name in the next element
    assert got["wcxb-0562"].authors == ["InsaneSnow45"]  # byline under a body class "…-hidden"
    # "a library written by Matthew Barnett" in the text is no byline
    assert "Matthew Barnett" not in got["wcxb-0415"].authors
    assert got["wcxb-2871"].title == "Models"  # Sphinx "¶" after the heading
    assert got["wcxb-4180"].title == "How to help babies, toddlers sleep through the night"
    assert got["wcxb-4475"].title == "Best Drip Coffee Maker 2026: Buying Tips From Coffee Pros"


def test_updated_in_the_api_and_on_the_article_page(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from newsdesk.pipeline import Enricher, ingest_paths
    from newsdesk.settings import load_settings
    from newsdesk.store.sqlite import SQLiteStore
    from newsdesk.web.api import create_app

    html = page(DATED_HEAD, "<article><h1>Ferry terminal opens</h1>" + PARAS + "</article>")
    (tmp_path / "in.jsonl").write_text(
        json.dumps({"id": "ferry-1", "url": "https://port.example.org/news/ferry", "html": html}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "desk.db"
    with SQLiteStore(db) as store:
        report = ingest_paths([tmp_path / "in.jsonl"], store, enricher=Enricher(), time_budget_s=120)
        assert report.ok, report.failed
    settings = load_settings({"db": str(db), "data_dir": str(tmp_path / "data")}, env={})
    with TestClient(create_app(settings, enricher=Enricher())) as client:
        items = client.get("/api/articles").json()["items"]
        data = client.get(f"/api/articles/{items[0]['id']}").json()
        assert data["publishedDateTime"] == "2023-03-10T09:00:00Z"
        assert data["updated"] == "2023-05-02T16:30:00Z"
        text = client.get(f"/articles/{items[0]['id']}").text
        assert '<time class="updated" datetime="2023-05-02">' in text


@pytest.mark.slow
def test_real_wcxb_forum_thread_authors() -> None:
    pages = wcxb_pages({"wcxb-0519", "wcxb-0533", "wcxb-0564", "wcxb-1350"})
    authors = {pid: extract_html(o["html"], url=o["url"], source=pid).authors for pid, o in pages.items()}
    assert authors["wcxb-0519"] == ["Chris Hall"]  # XenForo "Thread starter", not the first reply
    assert authors["wcxb-1350"] == ["khixxx"]  # ... and not "Jeff Weissman Electric"'s post
    assert authors["wcxb-0533"] == ["HOSTLAR"]  # vBulletin: the first post's author
    assert authors["wcxb-0564"] == ["Vader"]  # Stack Overflow: the asker, not the commenters
