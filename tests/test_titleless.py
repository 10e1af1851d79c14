"""Titleless input is normal input: derived titles, and identity that a shared lead cannot fool."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_helpers import run

from newsdesk.errors import ExtractionError
from newsdesk.extract.article import extract_article
from newsdesk.extract.derived_title import FIRST_LINE, LEAD_SENTENCE, derive_title, reads_as_headline
from newsdesk.ingest.identity import keys_for, near_identical, same_article, shingle_similarity
from newsdesk.ingest.merge import merge_inputs
from newsdesk.model import Article, RawDocument

LEAD = (
    "Flood waters forced the evacuation of about 3,000 residents from low-lying districts of the river "
    "town of Arlen on Monday, emergency services said."
)
V1_BODY = (
    "The river rose more than two metres overnight after three days of heavy rain in the hills upstream. "
    "Rescue crews used boats to reach families stranded on the upper floors of their homes. "
    "Schools in the district were closed and the main road bridge was shut to traffic."
)
V2_BODY = (
    "By evening the water had begun to recede in the northern districts, but the regional governor warned "
    "that a second flood crest was expected on Wednesday. Two people were reported missing after their car "
    "was swept off a road near the village of Tolm, and the army sent 400 soldiers to reinforce the dykes. "
    "Insurers said early estimates of the damage ran into tens of millions."
)
# Further titleless wire items on other subjects (hand-written).
OTHERS = [
    "The central bank kept its main interest rate unchanged at 4.5 percent on Thursday, saying inflation "
    "had slowed but remained above its target. Two of the nine board members voted for a cut.",
    "VALDORA (Wire) -\nA fire destroyed a furniture warehouse on the edge of Valdora early on Sunday. No one "
    "was hurt, fire officials said, but smoke forced the closure of the nearby motorway for six hours.",
    "Dock workers at the port of Senna began a 48-hour strike on Friday over pay, halting container traffic "
    "at the country's second-busiest harbour. The union said talks with employers had broken down.",
]


def test_first_line_that_reads_as_a_headline_is_the_title() -> None:
    title, how = derive_title("Storm closes the harbour bridge for a week\nThe storm that hit on Monday ...")
    assert (title, how) == ("Storm closes the harbour bridge for a week", FIRST_LINE)


def test_lead_sentence_when_the_first_line_is_body_or_furniture() -> None:
    title, how = derive_title(LEAD + " " + V1_BODY)
    assert how == LEAD_SENTENCE and title.startswith("Flood waters forced the evacuation")
    assert len(title) <= 111 and title.endswith("…")
    assert not reads_as_headline("Home | World | Business | Sport")
    assert not reads_as_headline("WASHINGTON (Reuters) -")
    assert not reads_as_headline("Discover Thomson Reuters")  # three-word site furniture
    title, how = derive_title(
        "Home | World | Business\nThe Senate passed the budget bill late on Friday. More."
    )
    assert (title, how) == ("The Senate passed the budget bill late on Friday", LEAD_SENTENCE)


def test_abbreviations_and_tokenised_text() -> None:
    title, _ = derive_title("Mr. Obama said BP -LRB- the company -RRB- would pay . More text follows here .")
    assert title == "Mr. Obama said BP (the company) would pay"


def test_nothing_to_derive_from_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="no title found"):
        derive_title(" \n ... \n", source="x.jsonl:3")


def test_extracted_titleless_line_is_recorded_as_derived() -> None:
    raw = RawDocument(source="w.jsonl:1", kind="jsonl", fields={"text": LEAD + " " + V1_BODY}, content=b"{}")
    article = extract_article(raw)
    assert article.title.startswith("Flood waters")
    assert article.info["title_source"] == "derived" and article.info["title_derivation"] == LEAD_SENTENCE
    assert keys_for(article).title_key == "", "a derived title is never an identity key"


def test_same_headline_different_bodies_is_not_the_same_article() -> None:
    when = datetime(2024, 3, 4, tzinfo=UTC)
    a = Article(title="Floods force thousands from Arlen homes", text=LEAD + " " + V1_BODY, published=when)
    b = Article(title="Floods force thousands from Arlen homes", text=LEAD + " " + V2_BODY, published=when)
    c = Article(title="Floods force thousands from Arlen homes", text=LEAD + " " + V1_BODY + " Updated.")
    assert shingle_similarity(a.text, b.text) < 0.5
    assert not same_article(a, b)
    assert near_identical(a.text, c.text) and same_article(a, c)


def test_given_title_beats_a_derived_one_when_inputs_merge() -> None:
    derived = Article(
        title="Flood waters forced…",
        text=LEAD,
        source_kind="jsonl",
        info={"title_source": "derived", "title_derivation": LEAD_SENTENCE},
    )
    given = Article(title="Floods force thousands from Arlen homes", source_kind="capture")
    merged = merge_inputs([derived, given])
    assert merged.title == "Floods force thousands from Arlen homes"
    assert "title_source" not in merged.info


def test_titleless_wire_corpus_ingests_completely_and_versions_stay_two_articles(tmp_path: Path) -> None:
    rows = [
        {"id": "w1", "published": "2024-03-04T08:00:00Z", "text": f"{LEAD}\n{V1_BODY}"},
        {"id": "w2", "published": "2024-03-04T18:00:00Z", "text": f"{LEAD}\n{V2_BODY}"},
    ] + [{"id": f"o{i}", "published": f"2024-03-0{i + 1}T09:00:00Z", "text": t} for i, t in enumerate(OTHERS)]
    corpus = tmp_path / "wire.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = str(tmp_path / "w.db")
    ingest = run("ingest", str(corpus), "--db", db, check=False)
    assert ingest.returncode == 0, ingest.stderr
    placed = {x["id"]: x for x in map(json.loads, run("stories", "--json", "--db", db).stdout.splitlines())}
    assert set(placed) == {r["id"] for r in rows}, "every titleless line is an article of its own"
    assert placed["w1"]["story_id"] is not None
    assert placed["w1"]["story_id"] == placed["w2"]["story_id"], "two versions of one wire story"
    assert all(placed[f"o{i}"]["story_id"] != placed["w1"]["story_id"] for i in range(len(OTHERS)))
    listed = {x["id"]: x for x in map(json.loads, run("list", "--json", "--db", db).stdout.splitlines())}
    titles = sorted(x["title"] for x in listed.values())
    assert any(t.startswith("Dock workers at the port of Senna began") and t.endswith("…") for t in titles)
    assert "A fire destroyed a furniture warehouse on the edge of Valdora early on Sunday" in titles
    assert sum(t.startswith("Flood waters forced") for t in titles) == 2
