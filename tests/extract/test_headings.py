"""Titles read from the visible <h1>: its words as the page shows them."""

from __future__ import annotations

import pytest

from newsdesk.extract.html import extract_html

PARAS = (
    "<p>The harbour authority opened the new ferry terminal on Friday after three years of"
    " construction and a budget that grew by a third along the way.</p>"
) * 6


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        ("Data Analytics<span><br>Agency</span>", "Data Analytics Agency"),
        ("Rebuilding the Legacy<br/>of American Made", "Rebuilding the Legacy of American Made"),
        ("<div>Cosmetic Packaging</div><div>Design</div>", "Cosmetic Packaging Design"),
        # inline markup inside a word keeps the word whole
        ("The Fal<span>con</span> Platform", "The Falcon Platform"),
    ],
)
def test_line_breaks_in_the_h1_separate_words(h1: str, title: str) -> None:
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Page</title></head>"
        f"<body><article><h1>{h1}</h1>{PARAS}</article></body></html>"
    )
    assert extract_html(html, url="https://x.example/a").title == title


def _page(h1: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Page</title></head>"
        f"<body><article><h1>{h1}</h1>{PARAS}</article></body></html>"
    )


def test_a_button_inside_the_h1_is_not_the_title() -> None:
    html = _page("Crate tokio<button id='copy-path' title='Copy item path'>Copy item path</button>")
    assert extract_html(html, url="https://docs.x.example/tokio").title == "Crate tokio"


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        # UTF-8 read as cp1252 in the page's own markup
        ("A DIY Investor\u00e2\u20ac\u2122s Guide", "A DIY Investor\u2019s Guide"),
        ("itertools \u00e2\u20ac\u201d Functions", "itertools \u2014 Functions"),
        # real text with the same letters stays as it is
        ("Caf\u00e9 \u00e2 la carte \u201cquoted\u201d", "Caf\u00e9 \u00e2 la carte \u201cquoted\u201d"),
    ],
)
def test_mojibake_in_the_title_is_repaired(h1: str, title: str) -> None:
    assert extract_html(_page(h1), url="https://x.example/a").title == title
