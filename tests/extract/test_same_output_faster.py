"""Speed-ups that must not change what is extracted: each against the plain definition it replaces."""

from __future__ import annotations

import unicodedata

import pytest
from lxml import etree

from newsdesk.extract.authors import _after_h1_nodes, _text_length
from newsdesk.extract.html import _MAIN_AREAS, _visible_words, extract_html, load_html
from newsdesk.extract.metadata import fold
from newsdesk.extract.page_authors import site_person, visible_strings

PARAS = "".join(
    f"<p>Paragraph {i} of the thread, long enough to be its text for the extractor.</p>" for i in range(6)
)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Straße",
        "ＦＵＬＬ width",
        "ﬁx ½ Ⅻ",
        "Ärger-Über 2024!",
        "İstanbul",
        "e\u0301t\u00e9",
        "a\u00adb\u200bc",
        "日本語 テキスト",
    ],
)
def test_fold_is_nfkc_casefold_letters_and_digits(value: str) -> None:
    expected = "".join(ch for ch in unicodedata.normalize("NFKC", value).casefold() if ch.isalnum())
    assert fold(value) == expected


@pytest.mark.parametrize(
    ("cls", "poster"),
    [
        ("username", ["microfast"]),
        ("  author\tusername  ", ["microfast"]),
        ("bigusername", ["microfast"]),
        # the word inside another class name is no poster mark
        ("usernames", []),
        ("username-box", []),
        ("my_username", []),
    ],
)
def test_first_poster_needs_the_username_class_token(cls: str, poster: list[str]) -> None:
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Ferry timetable question</title></head><body>"
        f"<h1>Ferry timetable question</h1><div><a class='{cls}' href='/u/2'>microfast</a></div>{PARAS}"
        "</body></html>"
    )
    assert extract_html(html, url="https://forum.x.example/t/2").authors == poster


VISIBLE = etree.XPath(".//text()[not(parent::script|parent::style|parent::noscript|parent::template)]")
AREAS = [
    "<main><p>Four words of text</p><script>var a = 1; var b = 2;</script>tail words</main>",
    "<article><style>p { color: red }</style><noscript><img src=x> no script</noscript>"
    "<template><p>inside template</p></template><p>two words</p></article>",
    "<div role='main'>  </div>",
    "<script role='main'>var x = 'role main script';</script>",
    "<main><article>nested <b>bold</b>text<script>x y z</script></article> after</main>",
]


@pytest.mark.parametrize("area", AREAS)
def test_visible_words_count_the_text_outside_scripts_and_styles(area: str) -> None:
    tree = load_html(f"<html><head></head><body>{area}<p>outside the area</p></body></html>")
    assert tree is not None
    el = tree.xpath("//main|//article|//*[@role='main']")[0]
    assert _visible_words(el) == len(" ".join(VISIBLE(el)).split())


PAGES = [
    "<div class='sidebar'>Side <b>bold</b> text<script>var a = 'x';</script> tail</div><p>Body text.</p>",
    "<style>p { color: red }</style><div>  spaced  </div><noscript><p>no script text</p></noscript>",
    "<div><template><span>kept by this count</span></template><script></script>x</div>",
    "<p>Gregory Szorc</p><script>var owner = 'Gregory Szorc';</script><noscript>Gregory Szorc</noscript>",
    "<noscript><p>Gregory Szorc writes here</p></noscript><p>nobody</p>",
    "<p>Gregory Szorc's blog</p><p>Gregory Szorc</p>",
    "",
]
TEXT_OUTSIDE_SCRIPT_STYLE = etree.XPath(".//text()[not(ancestor::style) and not(ancestor::script)]")


@pytest.mark.parametrize("body", PAGES)
def test_text_length_is_the_stripped_text_outside_scripts_and_styles(body: str) -> None:
    tree = load_html(f"<html><head><title>t</title></head><body>{body}<p>end</p></body></html>")
    assert tree is not None
    for el in [tree.find("body"), *tree.iter("div", "p", "noscript", "script", "style")]:
        expected = sum(len(t.strip()) for t in TEXT_OUTSIDE_SCRIPT_STYLE(el))
        assert _text_length(el) == expected


VISIBLE_BODY = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]",
    smart_strings=False,
)


@pytest.mark.parametrize("body", PAGES)
def test_visible_strings_are_the_values_of_the_visible_body_texts(body: str) -> None:
    tree = load_html(f"<html><head><title>t</title></head><body>{body}<p>end</p></body></html>")
    assert tree is not None
    assert sorted(visible_strings(tree) or []) == sorted(set(VISIBLE_BODY(tree)))


@pytest.mark.parametrize(
    ("body", "owner"),
    [
        ("<p>Posted by Gregory Szorc on his blog</p>", ["Gregory Szorc"]),
        ("<p>Gregory Szorc's notes</p>", ["Gregory Szorc"]),
        # only in hidden elements: no owner shown
        ("<script>var owner = 'Gregory Szorc';</script><noscript>Gregory Szorc</noscript><p>text</p>", []),
        ("<p>Gregory Smith</p>", []),
    ],
)
def test_site_person_reads_only_visible_text(body: str, owner: list[str]) -> None:
    tree = load_html(f"<html><head><title>Notes</title></head><body>{body}</body></html>")
    assert tree is not None
    assert site_person(tree, ["gregoryszorc"]) == owner


AFTER_H1 = etree.XPath(
    "(//body//h1[.//text()])[1]//text()[not(ancestor::script or ancestor::style)] | "
    "(//body//h1[.//text()])[1]/following::text()[not(ancestor::script or ancestor::style or "
    "ancestor::noscript or ancestor::template)]"
)
HEADED = [
    "<h1>Title <script>var t = 1;</script>here</h1><p>By Jane Doe</p><style>p {}</style>tail",
    "<h1>Title</h1><noscript><p>Enable scripts, Jane</p></noscript><p>By Jane Doe</p>",
    "<div><h1><span>Kicker</span> Title</h1>after h1<template><b>hidden</b> words</template></div>end",
    "<noscript><h1>Inside noscript</h1> its tail</noscript><p>later</p>",
    "<h1></h1><h1>Second <style>x</style></h1><script>1</script><p>text</p>",
    "<p>no headline at all</p>",
]


@pytest.mark.parametrize("head", ["", "<noscript>head text</noscript>"])
@pytest.mark.parametrize("body", HEADED)
def test_text_after_the_headline_leaves_out_hidden_elements(head: str, body: str) -> None:
    tree = load_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    expected = AFTER_H1(tree)
    found = _after_h1_nodes(tree)
    assert [str(t) for t in found] == [str(t) for t in expected]
    assert [(t.getparent(), t.is_tail) for t in found] == [(t.getparent(), t.is_tail) for t in expected]


@pytest.mark.parametrize("area", [*AREAS, "<div role='Main'>x</div><section role='main banner'>y</section>"])
def test_main_areas_by_role_attribute(area: str) -> None:
    tree = load_html(f"<html><head></head><body>{area}<p>outside</p></body></html>")
    assert tree is not None
    assert _MAIN_AREAS(tree) == tree.xpath("//article|//main|//*[@role='main']")
