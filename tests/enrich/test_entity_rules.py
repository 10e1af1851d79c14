"""The rule tagger's cheap tests answer as the slower definitions they replace (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.enrich import entity_rules as rules
from newsdesk.enrich import lexicon

# the characters each test turns on, plus plain letters and white space of several kinds
_CLOSING = '.!?:;"“”‘’([\n\u2014\u2013•*|'
_TEXT = st.text(alphabet=_CLOSING + "aZ s'’\t\r\u00a0\u2003\u2028&/.-", max_size=12)


@given(_TEXT)
@settings(max_examples=400, deadline=None)
def test_after_sentence_end_is_the_regex(before: str) -> None:
    assert rules._after_sentence_end(before) == bool(rules._SENTENCE_END_RE.search(before))


@given(st.text(alphabet="Abs'’.", min_size=1, max_size=8))
@settings(max_examples=400, deadline=None)
def test_strip_possessive_is_the_regex(token: str) -> None:
    assert rules._strip_possessive(token) == re.sub(r"(?:’s|'s|’|')$", "", token)


@given(st.text(alphabet="ABZaz09.&/-É", max_size=10))
@settings(max_examples=400, deadline=None)
def test_acronym_test_is_the_letters_test(token: str) -> None:
    letters = token.replace(".", "").replace("&", "").replace("/", "")
    slow = 2 <= len(letters) <= 6 and letters.isupper() and letters.isalnum() and letters[0].isalpha()
    assert rules._is_acronym(token) == slow


def test_demonym_prefilter_answers_as_every_suffix() -> None:
    lex = rules.get_lexicon()

    def slow(word: str) -> bool:
        return word in lexicon._IRREGULAR_DEMONYMS or any(
            word.endswith(suffix)
            and len(word) - len(suffix) >= 4
            and word[: -len(suffix)] in lex.place_prefixes
            for suffix in ("ese", "ian", "ish", "an", "i", "n")
        )

    words = ["Russian", "Chinese", "Afghan", "Kenyan", "Pakistani", "Brazilian", "Swiss", "Ruse", "Iran"]
    words += ["Reuters", "Minister", "Geneva", "Ann", "Tian", "Danish", "Moscovian", "Parisian", "Ohioan"]
    words += ["Iranian", "Iraqi", "Omani", "Cuban"]  # four-letter stems
    assert [lex.is_demonym(w) for w in words] == [slow(w) for w in words]
    assert lex.is_demonym("Russian") and lex.is_demonym("Chinese") and not lex.is_demonym("Minister")


def test_one_word_mentions_keep_their_offsets_and_context() -> None:
    text = "Talks went on.\nRussia’s envoy met Guterres. Then the ECB. said no, and Kowalczyk’ left."
    found = {
        (m.tokens[0], m.start, m.end, m.sentence_start) for m in rules._mentions(text) if len(m.tokens) == 1
    }
    for word, start, end, _ in found:
        assert text[start:end] == word
    assert ("Russia", text.index("Russia"), text.index("Russia") + 6, True) in found
    assert ("Guterres", text.index("Guterres"), text.index("Guterres") + 8, False) in found
    assert ("Kowalczyk", text.index("Kowalczyk"), text.index("Kowalczyk") + 9, False) in found


def test_mentions_of_the_last_text_are_reused_and_answer_as_a_fresh_scan() -> None:
    first = "Chinese Foreign Minister Wang Yi met Xi Jinping and Vladimir Putin in Beijing."
    second = "Lynn Reaser of Barnett Banks Inc said the European Central Bank (ECB) would wait."
    a = rules._mentions(first)
    assert a == rules._scan_mentions(first)
    a.clear()  # a caller's list is its own: the next reader still gets every mention
    assert rules._mentions(first) == rules._scan_mentions(first) != []
    # another text is scanned afresh, never answered with the last one's mentions
    assert rules._mentions(second) == rules._scan_mentions(second)
    assert rules._mentions(first) == rules._scan_mentions(first)
    # the strict pass after the full one (as entities._resolve reads a text) finds what it
    # finds on its own
    rules.find_spans(second)
    strict_after = rules.find_spans(second, strict=True)
    rules._mentions(first)
    assert strict_after == rules.find_spans(second, strict=True)
    assert "European Central Bank" in {s.name for s in rules.find_spans(second)}
