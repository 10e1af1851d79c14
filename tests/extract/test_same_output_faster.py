"""Speed-ups that must not change what is extracted: each against the plain definition it replaces."""

from __future__ import annotations

import unicodedata

import pytest
from lxml import etree

from newsdesk.extract.authors import _text_length
from newsdesk.extract.html import _visible_words, extract_html, load_html
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
