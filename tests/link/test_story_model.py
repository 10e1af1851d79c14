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
