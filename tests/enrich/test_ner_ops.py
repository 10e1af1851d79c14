"""The NER models' matrix products run on numpy's BLAS, and find what thinc's BLIS finds."""

from __future__ import annotations

from typing import Any

import pytest
from thinc.api import NumpyOps

from newsdesk.enrich import ner

# Made up: no such people or events.
TEXTS = [
    "Foreign Minister Anna Kowalczyk met officials of the World Health Organization in Geneva on Monday. "
    "The European Central Bank was not present, according to spokesman Tomasz Wrzesniewski.",
    "Rescue teams from Nepal and India reached the village of Sankhu after the floods, "
    "the Red Cross said in Kathmandu on Tuesday.",
]
FRENCH = ["Le ministre Pierre Lambert a rencontré à Dakar les dirigeants de la Banque mondiale."]


def _names(nlp: Any, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]


@pytest.mark.parametrize(("language", "texts"), [("en", TEXTS), ("fr", FRENCH)])
def test_the_model_multiplies_with_numpy_and_finds_what_blis_finds(language: str, texts: list[str]) -> None:
    nlp = ner.load(language)
    layers = list(nlp.get_pipe("ner").model.walk())
    shipped = [layer.ops for layer in layers]
    assert layers and all(isinstance(ops, NumpyOps) and not ops.use_blis for ops in shipped)
    found = _names(nlp, texts)
    assert all(found), found  # every text names someone or something
    blis = NumpyOps()  # thinc's default: its bundled BLIS
    try:
        for layer in layers:
            layer.ops = blis
        assert _names(nlp, texts) == found
    finally:
        for layer, ops in zip(layers, shipped, strict=True):
            layer.ops = ops
