from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.enrich.provenance import SPUN_THRESHOLD, apply_provenance, detect_provenance
from newsdesk.model import Article

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

REPORT = (
    "The harbour authority said on Friday that 14 ships had been held at anchor since Tuesday.\n\n"
    '"We expect the backlog to clear by the weekend," port director Lena Moor told reporters.\n\n'
    "According to the authority, 3,200 containers are waiting to be unloaded."
)

# Made-up filler in the style of spun content-farm copy.
FILLER = "\n\n".join(
    [
        "Table of Contents",
        "In a notable shift within the regional economy, the harbour sector is entering a new chapter. "
        "This article explores the implications of this transformation for stakeholders.",
        "• Strategic Realignment: Port operators are navigating the evolving landscape of global "
        "logistics with a nuanced approach.",
        "• Operational Optimization: Modernization initiatives underscore the importance of innovation "
        "and coordination.",
        "• Sustainable Integration: Environmental considerations play a crucial role in the "
        "reorganization of infrastructure investment.",
        "This development underscores the delicate balancing act between competitiveness and "
        "responsibility, a pivotal moment that is set to reshape the harbour's trajectory.",
        "As the situation continues to unfold, key stakeholders will closely monitor the implementation "
        "of these transformations and the consolidation of partnerships, signalling a new era of "
        "cooperation and modernization.",
    ]
)


def _seed(prefix: str) -> Article:
    from newsdesk.extract.article import capture_article

    path = next(iter(sorted(SEEDS.glob(f"{prefix}_*.txt"))), None) if SEEDS.exists() else None
    if path is None:
        pytest.skip("shared/seeds not available")
    return capture_article(path).replace(language="en")


def test_original_report() -> None:
    prov = detect_provenance(Article(title="Port backlog", text=REPORT))
    assert prov.kind == "original"
    assert prov.spun_score < SPUN_THRESHOLD
    assert prov.reasons


@pytest.mark.parametrize(
    ("tail", "outlet"),
    [
        ("View original post", ""),
        ("The post Port backlog grows appeared first on Harbour Daily.", "Harbour Daily"),
        ("This article originally appeared on Coastal Times.", "Coastal Times"),
        ("Republished from The Quay Review with permission.", "Quay Review"),
    ],
)
def test_repost_notices(tail: str, outlet: str) -> None:
    prov = detect_provenance(Article(title="Port backlog", text=f"{REPORT}\n\n{tail}"))
    assert prov.kind == "repost"
    assert prov.original_provider == outlet
    assert prov.confidence >= 0.9


def test_quoted_history_is_not_a_repost_notice() -> None:
    text = REPORT + "\n\nThe harbour's first chart was originally published in 1890, the director said."
    assert detect_provenance(Article(text=text)).kind == "original"


@pytest.mark.parametrize(
    ("tail", "outlet"),
    [("Source: Harbour Daily", "Harbour Daily"), ("via Coastal Times", "Coastal Times")],
)
def test_credit_lines_make_a_rewrite(tail: str, outlet: str) -> None:
    prov = detect_provenance(Article(title="Port backlog", text=f"{REPORT}\n\n{tail}"))
    assert prov.kind == "rewrite"
    assert prov.original_provider == outlet


def test_credit_to_the_outlet_itself_is_not_a_rewrite() -> None:
    from newsdesk.model import Provider

    article = Article(
        text=f"{REPORT}\n\nSource: Harbour Daily", provider=Provider("Harbour Daily", "harbourdaily.example")
    )
    assert detect_provenance(article).kind == "original"


def test_original_headline_makes_a_rewrite() -> None:
    article = Article(
        title="Ports Struggle", text=REPORT, original_title="Backlog Grows at the Port – Harbour Daily"
    )
    prov = detect_provenance(article)
    assert prov.kind == "rewrite"
    assert prov.original_title == "Backlog Grows at the Port"
    assert prov.original_provider == "Harbour Daily"


def test_spun_filler() -> None:
    prov = detect_provenance(Article(title="Harbour outlook", text=FILLER))
    assert prov.kind == "spun"
    assert prov.spun_score >= SPUN_THRESHOLD
    assert prov.spun_signals["filler"] == 1.0 and prov.spun_signals["toc"] == 1.0
    assert any("spun filler" in r for r in prov.reasons)


def test_apply_provenance_sets_fields() -> None:
    article = Article(title="Port backlog", text=f"{REPORT}\n\nThis article first appeared on Harbour Daily.")
    prov = apply_provenance(article)
    assert prov.kind == "repost"
    assert article.is_repost
    assert article.original_provider == "Harbour Daily"
    assert article.info["provenance"]["kind"] == "repost"


def test_seed_004_is_a_repost() -> None:
    prov = detect_provenance(_seed("004"))
    assert prov.kind == "repost"


def test_seed_004_raw_notice_is_found() -> None:
    path = next(iter(sorted(SEEDS.glob("004_*.txt"))), None) if SEEDS.exists() else None
    if path is None:
        pytest.skip("shared/seeds not available")
    assert detect_provenance(Article(text=path.read_text(encoding="utf-8"))).kind == "repost"


def test_seed_002_is_a_spun_rewrite_of_kabulnow() -> None:
    prov = detect_provenance(_seed("002"))
    assert prov.kind == "rewrite"
    assert prov.original_provider == "KabulNow"
    assert prov.original_title.startswith("China Welcomes Russia")
    assert prov.spun_score >= SPUN_THRESHOLD


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_seed_reporting_is_original(prefix: str) -> None:
    prov = detect_provenance(_seed(prefix))
    assert prov.kind == "original"
    assert prov.spun_score < SPUN_THRESHOLD


def test_words_are_read_once_per_text_for_provenance_and_quality() -> None:
    from newsdesk.enrich import provenance
    from newsdesk.enrich.quality import score_quality
    from newsdesk.model import Article

    text = "Officials said the bridge reopened on Monday after repairs. " * 20 + "A unique closing line."
    provenance.latin_words.cache_clear()
    score_quality(Article(title="Bridge reopens", text=text, language="en"))
    info = provenance.latin_words.cache_info()
    assert info.misses == 1 and info.hits >= 2  # spun signals, word count and spelling: one read
    assert provenance.latin_words("It's a well-known U.S. fact") == (
        "It's",
        "a",
        "well-known",
        "U",
        "S",
        "fact",
    )
