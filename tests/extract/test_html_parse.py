"""extract.html's HTML loader: trafilatura's loader step for step, element classes chosen in C."""

from __future__ import annotations

import pytest
from lxml import etree
from lxml.html import FormElement, HtmlComment, HtmlElement
from trafilatura.utils import load_html as trafilatura_load_html

from newsdesk.extract.html import extract_html, load_html

PAGES = [
    "<html><head><title>T</title></head><body><p>One</p><p>Two</p></body></html>",
    "<!DOCTYPE html>\n<html lang='de'><body><article><h1>H</h1><p>Text ä ö</p></article></body></html>",
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd"/>\n'
    "<html><body><p>Faulty doctype</p></body></html>",
    "<html/>\n<body><p>Self-closed html</p></body>",
    '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>An encoding declaration</p></body></html>',
    "<p>A fragment alone</p>",
    "<div><p>A</p><p>B</p></div>",
    "plain text, no markup at all",
    "",
    "<html><body><form action='/s'><label for='q'>Search</label><input name='q' value='x'>"
    "<select><option>1</option></select><textarea>t</textarea></form><!-- c --><p>Body</p></body></html>",
    "<html><body>\x00\x08 control characters \x0b<p>and text</p></body></html>",
]


@pytest.mark.parametrize("page", PAGES)
def test_the_same_tree_as_trafilaturas_loader(page: str) -> None:
    ours, theirs = load_html(page), trafilatura_load_html(page)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")


def test_elements_are_plain_html_elements() -> None:
    tree = load_html(PAGES[9])
    assert tree is not None
    form = tree.find(".//form")
    # lxml.html would make it a FormElement; the extractors need only HtmlElement's methods
    assert type(form) is HtmlElement and not isinstance(form, FormElement)
    assert form is not None and form.text_content() == "Search1t"
    assert isinstance(trafilatura_load_html(PAGES[9]).find(".//form"), FormElement)  # type: ignore[union-attr]
    assert not any(isinstance(el, HtmlComment) for el in tree.iter())  # comments removed, as trafilatura does


def test_a_page_with_a_form_extracts_as_before() -> None:
    body = "<article><p>" + "Body text of the article. " * 12 + "</p></article>"
    page = PAGES[9].replace("<p>Body</p>", body)
    result = extract_html(page, url="https://example.org/a")
    assert result.text.startswith("Body text of the article.")
    assert "Search" not in result.text
