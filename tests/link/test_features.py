"""Text cleaning for linking: the fast squeeze answers as the plain one (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.link import features


def reference_clean_text(text: str) -> str:
    """clean_text as first written: every run of spaces and tabs replaced by one space."""
    if "-LRB-" in text or "``" in text or " ," in text or " ." in text:
        text = features._PTB_RE.sub(lambda m: features._PTB[m.group(0)], text)
        text = features._SPACE_BEFORE_PUNCT.sub(r"\1", text)
        text = text.replace("( ", "(").replace(" \n", "\n")
    return re.sub(r"[ \t]+", " ", text).strip()


@given(st.text(alphabet=" \t\n\r\u00a0ab,.(`'-LRB", max_size=40))
@settings(max_examples=500, deadline=None)
def test_clean_text_is_the_plain_squeeze(text: str) -> None:
    assert features.clean_text(text) == reference_clean_text(text)


def test_clean_text_examples() -> None:
    assert features.clean_text("a \t b\t\tc  d\te ") == "a b c d e"
    assert features.clean_text("He said , `` yes '' -LRB- 2 -RRB- .") == 'He said, " yes " (2).'
