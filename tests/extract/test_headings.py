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
