"""The learned story decision and the per-language word weights it stands on."""

from __future__ import annotations

import json
import lzma
import math
from pathlib import Path

import numpy as np
import pytest

from newsdesk.errors import ConfigError, MalformedInput
from newsdesk.ingest.files import read_file
from newsdesk.link.features import LexicalEmbedder, idf, idf_language
from newsdesk.link.story_model import FEATURES, MODEL_PATH, StoryModel, shipped_model, story_features


def test_shipped_model_loads_and_prefers_support_over_one_close_pair() -> None:
    model = shipped_model()
    assert len(model.weights) == len(FEATURES) and model.trained_on
    # One article of the candidate story among the neighbours, far in time, a modest link,
    # a story whose vocabulary the article barely shares (centroid cosine 0.1, below a
    # neighbouring thread's, far below how close the story's articles are to each other)...
    lone = story_features(
        [(0.22, 0.22, 0.0, 200.0, 1)],
        k=32,
        centroid=(0.10, -0.15, math.log1p(40), 0.2, math.log(0.11 / 0.21)),
    )
    # ...against a candidate with many close, recent neighbours at the heart of its thread.
    strong = story_features(
        [(0.5, 0.5, 0.3, 2.0, i) for i in range(8)], k=32, centroid=(0.55, 0.3, math.log1p(8), 0.4, 0.1)
    )
    assert model.logit(strong) > 0 > model.logit(lone)
    assert len(strong) == len(FEATURES)


def test_model_file_round_trip_and_bad_files_are_clear(tmp_path: Path) -> None:
    model = StoryModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    assert StoryModel.from_json(model.to_json()) == model
    bad = json.loads(model.to_json())
    bad["features"] = ["max_sim"]
    with pytest.raises(ConfigError, match="features"):
        StoryModel.from_json(json.dumps(bad), source="x.json")
    with pytest.raises(ConfigError, match="not a story model"):
        StoryModel.from_json("{}", source="x.json")


def test_undated_candidates_are_marked() -> None:
    x = story_features([(0.3, 0.3, 0.0, float("nan"), 0)], k=32)
    assert x[FEATURES.index("undated")] == 1.0


def test_each_language_is_weighed_by_its_own_word_frequencies() -> None:
    assert idf_language("es") == "es" and idf_language("xx") == "en" and idf_language("") == "en"
    # Spanish "que" is a function word in Spanish, a rare word in English.
    assert idf("que", "es") < 0.5 < 3.0 < idf("que", "en")
    emb = LexicalEmbedder(dim=2048)
    a = "El gobierno de Siria anunció que las tropas entraron en la ciudad de Alepo"
    b = "La policía de Madrid dijo que los manifestantes se reunieron en la plaza"
    spanish = emb.embed_in([a, b], ["es", "es"])
    english = emb.embed_in([a, b], ["en", "en"])
    # Under English weights the shared Spanish function words make unrelated texts look alike.
    assert float(spanish[0] @ spanish[1]) < float(english[0] @ english[1])
    assert np.allclose(emb.embed([a]), emb.embed_in([a], ["en"]))


def test_xz_jsonl_is_read_and_a_broken_one_refused(tmp_path: Path) -> None:
    good = tmp_path / "wire.jsonl.xz"
    good.write_bytes(lzma.compress(b'{"id": "1", "text": "Dock workers went on strike on Friday."}\n'))
    docs = list(read_file(good, max_bytes=10_000))
    assert len(docs) == 1 and not isinstance(docs[0], Exception) and docs[0].external_id == "1"
    broken = tmp_path / "broken.jsonl.xz"
    broken.write_bytes(lzma.compress(b'{"id": "1"}\n' * 50)[:30])
    errors = [d for d in read_file(broken, max_bytes=10_000) if isinstance(d, MalformedInput)]
    assert errors and "cannot read further" in str(errors[0])


def test_unrelated_news_in_a_small_store_stays_separate_stories() -> None:
    """A fresh store of unrelated reports must not chain into one story. (The learned decision,
    off by default, fails this: it links the football coach to the dock strike at cosine 0.08,
    the range where thin crisis threads link; the chance-level floor is not enough.)"""
    from datetime import UTC, datetime, timedelta

    from newsdesk.link.cluster import StoryEngine
    from newsdesk.link.items import LinkItem, LinkParams, default_source

    texts = [
        "The central bank kept its main interest rate unchanged at 4.5 percent, saying inflation had slowed.",
        "A fire destroyed a furniture warehouse on the edge of Valdora early on Sunday; no one was hurt.",
        "Dock workers at the port of Senna began a 48-hour strike over pay, halting container traffic.",
        "Flood waters forced the evacuation of thousands of homes in Arlen after the river burst its banks.",
        "The national football team named a new coach after a run of six matches without a win.",
        "A new species of frog was described by biologists working in the cloud forests of the east.",
    ]
    t0 = datetime(2024, 3, 1, 9, tzinfo=UTC)
    engine = StoryEngine(default_source(), LinkParams(), now=t0 + timedelta(days=30))
    for i, text in enumerate(texts):
        engine.add(LinkItem(f"n{i}", "", text, t0 + timedelta(hours=6 * i), f"o{i}.com", "en"))
    assert len({engine.story_of(f"n{i}") for i in range(len(texts))}) == len(texts)
