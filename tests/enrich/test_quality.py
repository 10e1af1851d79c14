from __future__ import annotations

import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsdesk.enrich.quality import (
    WEIGHTS,
    _get_spelling,
    apply_quality,
    markup_fragments,
    misspellings,
    mojibake_count,
    score_quality,
)
from newsdesk.extract.article import capture_article
from newsdesk.model import QUALITY_UNKNOWN, Article, Image, Provider

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# Made up: no such port, people or events.
GOOD_TEXT = "\n\n".join(
    [
        "The harbour authority of Port Elsen said on Friday that 14 cargo ships had been held at anchor "
        "since Tuesday, after a crane failure cut unloading capacity by 40 percent.",
        '"We expect the backlog to clear by the weekend, but only if the second crane is repaired," port '
        "director Lena Moor told reporters at a briefing on Friday.",
        "According to the authority, 3,200 containers are waiting to be unloaded, worth an estimated "
        "$85 million. Shipping agent Tomas Brandvik said two of his clients had already diverted vessels.",
        '"Every day of delay costs an operator around $40,000 in fuel and crew," Brandvik said.',
        "The crane, installed in 2009, failed during a storm on March 3. Engineers from the manufacturer "
        "arrived on Thursday, the authority said, and replacement parts are due on Saturday.",
        "Union representative Ada Kerr told the local radio station that dock workers had offered to work "
        'extra shifts. "Our members want the ships moving as much as anyone," she said.',
        "Port Elsen handled 1.2 million containers last year, 8 percent more than in 2022, making it the "
        "third-busiest port in the region.",
        "A spokesperson for the regional transport ministry said the government was monitoring the "
        "situation and would publish an assessment next week.",
    ]
)
POOR_TEXT = (
    "In a notable shift, the harbour sector is entering a new chapter. This article explores the "
    "implications of this transformation. <b>Key takeaways</b>&nbsp; The governmant underscores the "
    "importance of modernisation and the consolidation of partnerships in the evolving landscape."
)


def good_article() -> Article:
    return Article(
        title="Crane failure leaves 14 ships waiting at Port Elsen",
        text=GOOD_TEXT,
        published=datetime(2024, 3, 8, tzinfo=UTC),
        authors=["Jo Example"],
        images=[Image("https://example.org/crane.jpg")],
        provider=Provider("Harbour Daily", "harbourdaily.example"),
        language="en",
    )


def test_parts_add_up_and_stay_in_range() -> None:
    q = score_quality(good_article())
    assert 0 <= q.score <= 100
    assert round(sum(q.parts.values())) == q.score
    for name, weight in WEIGHTS.items():
        assert 0 <= q.parts[name] <= weight
    assert q.parts["prior"] == 0


def test_good_report_beats_spun_markup() -> None:
    good = score_quality(good_article())
    poor = score_quality(Article(title="Harbour sector", text=POOR_TEXT, language="en"))
    assert good.score >= 80
    assert poor.score <= 35
    assert good.parts["sourcing"] > 20
    assert "no named sources" in poor.reasons
    assert any(r.startswith("leftover markup (") for r in poor.reasons)
    assert any("governmant" in r for r in poor.reasons)
    assert any("spun filler" in r for r in poor.reasons)
    assert any(r.startswith("no date") for r in poor.reasons)


def test_repost_and_rewrite_lower_originality() -> None:
    original = score_quality(good_article())
    repost = good_article().replace(is_repost=True)
    rewrite = good_article().replace(original_title="Cranes Fail at Elsen – Coastal Times")
    rq, wq = score_quality(repost), score_quality(rewrite)
    assert rq.parts["originality"] < wq.parts["originality"] < original.parts["originality"]
    assert "repost of another outlet's article" in rq.reasons
    assert "rewrite of a story by Coastal Times" in wq.reasons


def test_outlet_prior() -> None:
    article = good_article().replace(provider=Provider("", "news.harbourdaily.example"))
    neutral = score_quality(article)
    trusted = score_quality(article, outlet_priors={"harbourdaily.example": 90})
    distrusted = score_quality(article, outlet_priors={"harbourdaily.example": 10})
    assert trusted.parts["prior"] == 8 and distrusted.parts["prior"] == -8
    assert distrusted.score < neutral.score <= trusted.score
    assert "outlet prior +8 (harbourdaily.example)" in trusted.reasons


def test_cleanliness_signals() -> None:
    assert len(markup_fragments("Text</ li> and & nbsp ; more Headlineh2> <p>")) == 4
    assert markup_fragments(GOOD_TEXT) == []
    assert mojibake_count("They donâ€™t agree") > 0
    assert mojibake_count("They don’t agree — “fine”") == 0
    found = dict(misspellings("The governmant and the Edukational board met Talantbek Masadykov in Bishkek."))
    assert found == {"governmant": "government", "Edukational": "educational"}


def test_capture_debris_costs_cleanliness() -> None:
    clean = score_quality(good_article())
    debris = score_quality(good_article().replace(info={"removed": ["markup debris", "menu"]}))
    assert debris.parts["cleanliness"] < clean.parts["cleanliness"]


def test_apply_quality_sets_fields() -> None:
    article = good_article()
    assert article.quality == QUALITY_UNKNOWN
    result = apply_quality(article)
    assert article.quality == result.score
    assert article.quality_parts == result.parts
    assert article.quality_reasons == result.reasons


def test_seed_ordering() -> None:
    paths = sorted(SEEDS.glob("00[1-4]_*.txt")) if SEEDS.exists() else []
    if len(paths) < 4:
        pytest.skip("shared/seeds not available")
    scores = {}
    for path in paths:
        article = capture_article(path).replace(language="en")
        scores[path.name[:3]] = score_quality(article).score
    assert max(scores, key=lambda k: scores[k]) == "001", scores
    assert min(scores, key=lambda k: scores[k]) == "002", scores


def test_named_sources_are_read_from_the_text():
    from newsdesk.enrich.quality import _depth, _sourcing

    for text in (
        "Dr Amira Khalil, a senior fellow in political science at the American University in Cairo, "
        "said the move was symbolic.",
        "According to Dr Amira Khalil the move was symbolic.",
        "The move was symbolic, Amira Khalil told reporters.",
        "The move was symbolic, said Amira Khalil.",
    ):
        reasons: list[str] = []
        _sourcing(text, reasons)
        assert "no named sources" not in reasons, text
        assert "1 named source" in reasons
    reasons = []
    _sourcing("According to reports, the ministry said on Monday it would act.", reasons)
    assert "no named sources" in reasons
    reasons = []
    _depth("It came in 2021. " + "word " * 400, 404, reasons)
    assert "few concrete facts (1 number or date)" in reasons


def _mojibake_alphabet() -> str:
    """ASCII plus every character ftfy's badness patterns name (categories and literals)."""
    import re as regex

    from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

    chars = set(string.printable) | {c for c in BADNESS_RE.pattern if ord(c) > 127}
    for spec in MOJIBAKE_CATEGORIES.values():
        for a, b in regex.findall(r"(.)-(.)", spec):
            chars |= {chr(i) for i in range(ord(a), ord(b) + 1)}
        chars |= set(spec)
    return "".join(sorted(chars | {"\ufffd", "é", "€"}))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(st.text(alphabet=_mojibake_alphabet(), max_size=6), st.text(max_size=30)), max_size=40)
)
@example(["ГўВЂВ.x and ", "la Ã ", "me.Â “ok"])  # ASCII at both ends of a match
def test_mojibake_count_equals_ftfy_badness(pieces: list[str]) -> None:
    """The windowed count is ftfy's badness (plus U+FFFD), whatever the mix of text."""
    from ftfy.badness import badness

    text = "".join(pieces)
    if pieces and pieces[0].startswith("ГўВЂВ"):
        assert mojibake_count(text) == 3
    assert mojibake_count(text) == badness(text) + text.count("\ufffd")
    padded = "x" * 20 + text + " plain ASCII filler " * 2
    assert mojibake_count(padded) == badness(padded) + padded.count("\ufffd")


def _edits1(w: str) -> set[str]:
    """Every string one edit from ``w`` (the brute-force definition the index must match)."""
    letters = string.ascii_lowercase
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters if c != b[0]}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(w)
    return out


def _brute_correction(word: str) -> str:
    spelling = _get_spelling()
    w = word.lower()
    if len(w) > spelling.longest or w in spelling.known:
        return ""
    found = [c for c in _edits1(w) if c in spelling.frequent]
    return min(found, key=lambda c: (-spelling.freqs[c], c), default="")  # ties by spelling


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["government", "educational", "reporters", "minister", "harbour", "café", "naïve"]),
    st.lists(
        st.tuples(st.sampled_from("dit"), st.integers(0, 12), st.sampled_from("aeiouxzé-'")), max_size=2
    ),
)
@example("government", [("i", 7, "a")])  # "governmaent"
@example("educational", [("d", 0, "a"), ("i", 0, "E")])
def test_spelling_index_finds_what_every_one_edit_finds(word: str, edits: list[tuple[str, int, str]]) -> None:
    for op, at, ch in edits:
        at = min(at, len(word))
        if op == "d":
            word = word[:at] + word[at + 1 :]
        elif op == "i":
            word = word[:at] + ch + word[at:]
        elif at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    assert _get_spelling().correction(word) == _brute_correction(word)
