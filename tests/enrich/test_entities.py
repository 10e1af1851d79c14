from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.enrich.entities import KINDS, apply_entities, extract_entities, find_entities
from newsdesk.model import Article

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# Made up: no such people or events.
PARAGRAPH = (
    "Foreign Minister Anna Kowalczyk met officials of the World Health Organization in Geneva on Monday.\n"
    "Kowalczyk said the talks in Geneva had been useful. The European Central Bank (ECB) was not present, "
    "but the ECB sent a letter, according to spokesman Tomasz Wrzesniewski.\n"
    '"We expect a decision soon," Wrzesniewski told reporters in Nairobi, where Kenya hosts the next round. '
    "The talks then move to Poland."
)


def test_counts_people_organisations_and_places() -> None:
    ents = extract_entities(PARAGRAPH, "en")
    assert set(ents) == set(KINDS)
    assert ents["people"] == {"Anna Kowalczyk": 2, "Tomasz Wrzesniewski": 2}
    assert ents["organisations"]["World Health Organization"] == 1
    assert ents["organisations"]["European Central Bank"] == 2  # the acronym counts for the full name
    assert ents["places"]["Geneva"] == 2
    assert {"Nairobi", "Kenya", "Poland"} <= set(ents["places"])
    flat = {name for kind in KINDS for name in ents[kind]}
    assert not flat & {"Monday", "The", "Foreign Minister", "ECB"}


def test_headline_case_words_are_not_people() -> None:
    ents = extract_entities("A Reluctant Embrace\n\nThe Broader Picture Remains Unclear for Now.", "en")
    assert ents["people"] == {}


def test_non_english_is_skipped_with_a_reason() -> None:
    german = "Bundeskanzlerin Anna Beispiel traf am Montag in Berlin Vertreter der Weltbank."
    assert extract_entities(german, "de") == {}
    result = find_entities(german, "de")
    assert result.entities == {}
    assert "not supported" in result.reason and "'de'" in result.reason


def test_apply_entities_marks_a_skip() -> None:
    article = Article(title="Ohne Sprache", text="Ein Text ohne erkannte Sprache.", language="")
    apply_entities(article)
    assert article.entities == {}
    assert "not supported" in article.info["entities_skipped"]

    article = Article(title="Talks in Geneva", text=PARAGRAPH, language="en")
    apply_entities(article)
    assert article.entities["places"]["Geneva"] == 3  # the title counts too
    assert "entities_skipped" not in article.info


def test_seed_article_entities() -> None:
    path = next(iter(sorted(SEEDS.glob("001_*.txt"))), None) if SEEDS.exists() else None
    if path is None:
        pytest.skip("shared/seeds not available")
    ents = extract_entities(path.read_text(encoding="utf-8"), "en")
    assert ents["people"]["Wang Yi"] >= 5  # "Wang said" counts for Wang Yi
    assert {"Xi Jinping", "Zabihullah Mujahid", "Shah Mahmood Qureshi"} <= set(ents["people"])
    assert {"Shanghai Cooperation Organization", "International Monetary Fund", "Taliban"} <= set(
        ents["organisations"]
    )
    assert ents["places"]["Afghanistan"] >= 15
    assert {"Kabul", "Dushanbe", "Tajikistan", "Central Asia"} <= set(ents["places"])
