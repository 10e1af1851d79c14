"""Publish dates from hand-made pages: the rules of extract/dates.py and extract/textdates.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.extract.html import extract_html

_PARAS = "".join(
    f"<p>{'Paragraph text about the town council and its budget plans. ' * 4}{i}</p>" for i in range(4)
)
#: a standfirst long enough to push what follows out of the header (300 characters)
_LEAD = "<p>" + "A long standfirst about the council and what it decided. " * 8 + "</p>"
URL = "https://news.example.org/a"


def _page(head: str, body: str) -> str:
    return f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{body}</body></html>"


def test_abbr_title_gives_the_microdata_date() -> None:
    # Blogger: the time of day is shown, the full date sits in the <abbr>'s title; the
    # book's "Erscheinungsdatum" next to the headline is not the post's date
    html = _page(
        "<title>Review: Love is War</title>",
        "<h2 class='date-header'>Samstag, 9. September 2017</h2>"
        "<article><h3>Review: Love is War</h3><p>Erscheinungsdatum: 14.08.2017</p>"
        f"{_PARAS}<a href='/p' rel='bookmark'><abbr class='published' itemprop='datePublished' "
        "title='2017-09-09T10:52:00+02:00'>10:52</abbr></a></article>",
    )
    result = extract_html(html, url="https://blog.example.org/2017/09/review.html")
    assert result.published == datetime(2017, 9, 9, 8, 52, tzinfo=UTC)
    assert result.published_source == "microdata:datePublished"


def test_profile_dates_in_a_post_header_are_passed_over() -> None:
    html = _page(
        "<title>What free software is</title>",
        "<h1>What free software is</h1><div class='postprofile'>r23 Beiträge: 1626 "
        "Registriert: 18.09.2008, 05:56 Wohnort: Hagen</div>"
        f"<p class='author'>Beitrag von r23 » 21.01.2009, 05:42</p>{_PARAS}",
    )
    result = extract_html(html, url="https://forum.example.org/viewtopic.php?t=167")
    assert result.published == datetime(2009, 1, 21, tzinfo=UTC)
    assert result.published_source == "text:header"


def test_dateline_dash_opens_the_text() -> None:
    html = _page(
        "<title>Council cuts the energy budget</title>",
        f"<article><h1>Council cuts the energy budget</h1>{_LEAD}"
        f"<p>29.11.2022 – The council voted on Friday to cut the budget.</p>{_PARAS}</article>"
        "<section class='comments'><div class='comment'><span class='comment-date'>02.12.2022</span>"
        "<p>I disagree.</p></div></section>",
    )
    result = extract_html(html, url=URL)
    assert result.published == datetime(2022, 11, 29, tzinfo=UTC)
    assert result.published_source == "text:label"


def test_a_range_is_not_a_dateline() -> None:
    html = _page(
        "<title>Council cuts the energy budget</title>",
        f"<article><h1>Council cuts the energy budget</h1>{_LEAD}"
        f"<p>Consultation 29.11.2022 – 30.11.2022 in the town hall.</p>{_PARAS}</article>",
    )
    assert extract_html(html, url=URL).published_source != "text:label"


@pytest.mark.parametrize("label", ["Aktualisiert am", "Letzte Änderung:", "Last updated"])
def test_an_update_date_when_the_page_gives_no_other(label: str) -> None:
    # a cited paper's date in the text is not the page's; the page says only when it was updated
    html = _page(
        "<title>Helium nuclei found in tin atoms</title>",
        f"<article><h1>Helium nuclei found in tin atoms</h1>{_LEAD}{_PARAS}"
        "<p>Source: Science, Vol. 371, pp. 260 - 264, 15. Januar 2021.</p>"
        f"<p>{label} 17.01.2021.</p></article>",
    )
    result = extract_html(html, url=URL)
    assert result.published == datetime(2021, 1, 17, tzinfo=UTC)
    assert result.published_source == "text:updated"


def test_update_label_with_a_time_before_the_date() -> None:
    html = _page(
        "<title>Council passes the budget</title>",
        "<article><h1>Council passes the budget</h1>"
        "<p>By Jane Doe Updated 2010 GMT (0410 HKT) March 14, 2021</p>"
        f"<p>Filed March 8, 2021</p>{_PARAS}</article>",
    )
    result = extract_html(html, url=URL)
    assert result.published == datetime(2021, 3, 8, tzinfo=UTC)


def test_hatom_updated_element_is_not_the_header_date() -> None:
    # WordPress themes hide the update time for rich snippets next to the shown date
    hidden = "<span class='updated rich-snippet-hidden'><b>2022-12-07T10:10:52+01:00</b></span>"
    html = _page(
        "<title>Inventors: a life in research</title>",
        f"<article><h1>Inventors: a life in research</h1><div class='meta'>{hidden}"
        f"<span>25. Dezember 2022</span></div>{_PARAS}</article>",
    )
    result = extract_html(html, url=URL)
    assert result.published == datetime(2022, 12, 25, tzinfo=UTC)
    # a post never updated is marked both ways: its one date stays
    html = html.replace("updated rich-snippet-hidden", "published updated").replace(
        "<span>25. Dezember 2022</span>", ""
    )
    assert extract_html(html, url=URL).published == datetime(2022, 12, 7, tzinfo=UTC)


def _dated(shown: str) -> str:
    return _page(
        "<meta property='article:published_time' content='2021-11-29T14:13:37+00:00'>"
        "<meta property='article:modified_time' content='2022-01-12T14:27:30+00:00'>"
        "<title>Do fish feel pain?</title>",
        f"<article><h1>Do fish feel pain?</h1><p>By Chris Hein {shown}</p>{_PARAS}</article>",
    )


@pytest.mark.parametrize(
    "shown",
    [
        "12.01.2022",  # the header shows the update day: that is `updated`, not publication
        "Aktualisiert: 12.01.2022",  # labelled as an update: the publish date stands
        "29.11.2021",  # the header shows the publish date
        "Published 29.11.2021, updated 12.01.2022",
        "05.01.2022",  # the header shows neither declaration
        "",
    ],
)
def test_declared_publish_date_stands(shown: str) -> None:
    result = extract_html(_dated(shown), url=URL)
    assert result.published == datetime(2021, 11, 29, 14, 13, 37, tzinfo=UTC)
    assert result.published_source == "meta:article:published_time"
    assert result.updated == datetime(2022, 1, 12, 14, 27, 30, tzinfo=UTC)
