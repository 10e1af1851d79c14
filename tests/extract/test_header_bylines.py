"""Authors that pages show without markup or label: a name beside the date under the headline."""

from __future__ import annotations

import json

import pytest

from newsdesk.extract.author_names import split_authors
from newsdesk.extract.html import extract_html

PARAS = (
    "".join(
        f"<p>{s}</p>"
        for s in (
            "The harbour authority opened the new ferry terminal on Friday after three years of"
            " construction and a budget that grew by a third along the way.",
            "Passengers will board from two covered piers, and the old waiting hall on the quay"
            " will become a market for local fishermen from the spring onwards.",
        )
    )
    * 3
)


def _page(header: str, head: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Ferry terminal opens</title>"
        f"{head}</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Ferry terminal opens</h1>{header}{PARAS}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("header", "names"),
    [
        ("<p>11.12.2019 - Amelie Loevenich</p>", ["Amelie Loevenich"]),
        ("<p>Kathrin Bauer am Mittwoch, 26.01.2022 - 14:30</p>", ["Kathrin Bauer"]),
        ("<div><span>Heiko Sauer</span><span>Do 9 Apr 2020</span></div>", ["Heiko Sauer"]),
        ("<div><time>March 3, 2021</time><a>Elliot Raba</a></div>", ["Elliot Raba"]),
        # capitalised words beside a date that are no person
        ("<p>Getty Images, 11.12.2019</p>", []),
        ("<div><span>Reset Password</span><span>Do 9 Apr 2020</span></div>", []),
        # a picture credit under the headline is no byline
        ("<div><span>Foto: Christof Stahl</span><span>11.12.2019</span></div>", []),
        # a name with no date beside it is not a header byline
        ("<p>Amelie Loevenich</p><p>Wie war das nochmal mit den Variablen?</p>", []),
    ],
)
def test_name_beside_the_date_under_the_headline(header: str, names: list[str]) -> None:
    assert extract_html(_page(header), url="https://x.example/news/ferry").authors == names


def test_header_byline_needs_a_headline() -> None:
    html = _page("<p>11.12.2019 - Amelie Loevenich</p>").replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    assert extract_html(html, url="https://x.example/news/ferry").authors == []


def test_declared_organisation_wins_over_an_unlabelled_header_name() -> None:
    header = "<div><span>Amelie Loevenich</span><span>11.12.2019</span></div>"
    assert extract_html(_page(header), url="https://x.example/a").authors == ["Amelie Loevenich"]
    head = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle",'
        ' "headline": "Ferry terminal opens",'
        ' "author": {"@type": "Organization", "name": "Harbour Gazette"}}</script>'
    )
    assert extract_html(_page(header, head), url="https://x.example/a").authors == ["Harbour Gazette"]


def _ld_page(person: dict[str, object]) -> str:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "BlogPosting", "headline": "Ferry terminal opens", "author": {"@id": "#p"}},
            {"@id": "#p", **person},
        ],
    }
    return _page("", f"<script type='application/ld+json'>{json.dumps(graph)}</script>")


def test_first_name_only_author_completed_by_their_own_description() -> None:
    described = {
        "@type": "Person",
        "name": "Nils",
        "description": "Nils Pickert ist freier Autor und Journalist.",
    }
    assert extract_html(_ld_page(described), url="https://x.example/a").authors == ["Nils Pickert"]
    # a description that does not go on with a surname, or no Person: the name as declared
    plain = {"@type": "Person", "name": "Nils", "description": "Nils schreibt über Fahrräder."}
    assert extract_html(_ld_page(plain), url="https://x.example/a").authors == ["Nils"]
    full = {"@type": "Person", "name": "Nils Pickert", "description": "Nils Pickert Berlin"}
    assert extract_html(_ld_page(full), url="https://x.example/a").authors == ["Nils Pickert"]


def _site_page(domain: str, shown: str) -> tuple[str, str]:
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Ferry terminal opens</title></head><body><header><a href='/'>{shown}</a></header>"
        f"<article><h1>Ferry terminal opens</h1>{PARAS}</article>"
        "<footer><a href='/impressum'>Impressum</a></footer></body></html>"
    )
    return html, f"https://{domain}/2020/ferry"


@pytest.mark.parametrize(
    ("domain", "shown", "names"),
    [
        ("gregoryszorc.com", "Gregory Szorc", ["Gregory Szorc"]),
        ("alexander-klier.net", "Dr. Alexander Klier", ["Alexander Klier"]),
        # a company named like its domain is no person: common words, or no first name
        ("archlinux.org", "Arch Linux", []),
        ("denverhealth.org", "Denver Health", []),
        ("journeytocollege.com", "Journey To College", []),
        # a name that is not the domain's
        ("harbour-news.example", "Gregory Szorc", []),
    ],
)
def test_personal_site_named_after_its_owner(domain: str, shown: str, names: list[str]) -> None:
    html, url = _site_page(domain, shown)
    assert extract_html(html, url=url).authors == names


@pytest.mark.parametrize(
    ("footer", "names"),
    [
        ("<p>© 2019 Sven Schreivogel</p>", ["Sven Schreivogel"]),
        ("<p>(c) Johanna Brandt • Weitere Rechte siehe Impressum</p>", ["Johanna Brandt"]),
        ("<p>Impressum | COPYRIGHT ANDRÉ LOIBL | THIS IS A KANGA PROJECT</p>", ["André Loibl"]),
        ("<p>Content Copyright 2018 - 2019 Jan Bechstein</p>", ["Jan Bechstein"]),
        # a listed surname that is also a word ("Williams"), not a place's noun ("Church")
        ("<p>&copy; 2025 Cassidy Williams. <a href='/src'>Source</a></p>", ["Cassidy Williams"]),
        ("<p>© 2024 Grace Church. All rights reserved.</p>", []),
        # a picture's credit, a company, a photographer beside an agency: no author
        ("<p>© Markus Leitner</p>", []),
        ("<p>© 2026 Allen Edmonds, LLC. All Rights Reserved</p>", []),
        ("<p>© 2010-2018 Robert McNeel & Associates.</p>", []),
        ("<p>© 2022 Matthias Hangst/Getty Images</p>", []),
        ("<p>© 2024 Harbour Publishing Group</p>", []),
    ],
)
def test_copyright_notice_names_the_sites_owner(footer: str, names: list[str]) -> None:
    html = _page("", head="").replace("</article>", f"</article><footer>{footer}</footer>")
    assert extract_html(html, url="https://x.example/news/ferry").authors == names


def test_copyright_holder_only_where_no_one_else_is_named() -> None:
    html = _page("<p class='byline'>By Lena Hart</p>").replace(
        "</article>", "</article><footer>© 2019 Sven Schreivogel</footer>"
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Lena Hart"]


def _titled(title: str, head: str = "") -> str:
    return _page("").replace("<title>Ferry terminal opens</title>", f"<title>{title}</title>{head}")


@pytest.mark.parametrize(
    ("title", "head", "names"),
    [
        ("Ferry terminal opens | Pierce Freeman", "", ["Pierce Freeman"]),
        ("Ferry terminal opens | Colin Watson&#39;s blog", "", ["Colin Watson"]),
        ("Ferry", "<meta property='og:site_name' content='Cassidy Williams'>", ["Cassidy Williams"]),
        # a title opening with the site ends with the page's subject; a shop; a company
        ("x.example // &raquo; Jens Weber", "", []),
        ("Ferry", "<meta property='og:site_name' content='Les Raffineurs'>", []),
        ("Ferry terminal opens | Harbour Times", "", []),
    ],
)
def test_site_named_after_its_owner(title: str, head: str, names: list[str]) -> None:
    assert extract_html(_titled(title, head), url="https://x.example/news/ferry").authors == names


def test_site_owner_only_where_no_one_else_is_named() -> None:
    html = _titled("Ferry terminal opens | Pierce Freeman").replace(
        "<h1>Ferry terminal opens</h1>", "<h1>Ferry terminal opens</h1><p class='byline'>By Lena Hart</p>"
    )
    assert extract_html(html, url="https://x.example/news/ferry").authors == ["Lena Hart"]


@pytest.mark.parametrize(
    ("foot", "names"),
    [
        ("<p><b><i>Stefan Wasmer</i></b></p>", ["Stefan Wasmer"]),
        ("<p><strong>Marina Mucha</strong></p>", ["Marina Mucha"]),
        # a last line that is no name alone: a company, a sentence naming someone
        ("<p><strong>Harbour Publishing Group</strong></p>", []),
        ("<p>The terminal was designed by Stefan Wasmer.</p>", []),
    ],
)
def test_report_signed_at_its_foot(foot: str, names: list[str]) -> None:
    html = _page("").replace("</article>", f"{foot}</article>")
    assert extract_html(html, url="https://x.example/news/ferry").authors == names


def _thread(posts: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Ferry timetable question</title>"
        "</head><body><form><a class='username'>Log in</a></form><h1>Ferry timetable question</h1>"
        f"{posts}</body></html>"
    )


def test_forum_thread_by_its_first_posters_username() -> None:
    post = "<div class='post'><a class='username' href='/members/{0}'>{0}</a>{1}</div>"
    html = _thread(post.format("b.scherer", PARAS) + post.format("Lena Hart", PARAS))
    assert extract_html(html, url="https://forum.x.example/t/1").authors == ["b.scherer"]
    vbulletin = _thread(f"<div><a class='bigusername' href='member.php?u=2'>microfast</a></div>{PARAS}")
    assert extract_html(vbulletin, url="https://forum.x.example/t/2").authors == ["microfast"]


def test_commenter_under_an_article_is_not_its_author() -> None:
    comments = (
        "<div class='comments'><div class='comment'><a class='username'>Mayakoenigin</a> Schön!</div></div>"
    )
    assert extract_html(_page(comments), url="https://x.example/news/ferry").authors == []


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("View all", []),
        ("Datum", []),
        ("Copier", []),
        ("Quelle", []),
        ("Artikel von", []),
        ("Auteur", []),
        ("Auteur: Anna Kubišta", ["Anna Kubišta"]),
        ("Fritz Imhof", ["Fritz Imhof"]),
    ],
)
def test_byline_furniture_is_no_name(value: str, names: list[str]) -> None:
    assert split_authors(value) == names
