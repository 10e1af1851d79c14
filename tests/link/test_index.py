from __future__ import annotations

import numpy as np
import pytest

from newsdesk.errors import StoreError
from newsdesk.link import index as index_mod
from newsdesk.link.features import key_hashes
from newsdesk.link.index import ArticleTable, VectorIndex, related


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_search_and_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    vecs = _unit(rng, 50, 16)
    idx = VectorIndex(16)
    for v in vecs:
        idx.add(v)
    rows, sims = idx.search(vecs[7], 3)
    assert rows[0] == 7 and sims[0] == pytest.approx(1.0, abs=1e-5)
    idx.save(tmp_path / "v.idx")
    again = VectorIndex.load(tmp_path / "v.idx", dim=16)
    assert len(again) == 50 and again.search(vecs[7], 1)[0][0] == 7
    with pytest.raises(ValueError):
        idx.add(np.ones(3, dtype=np.float32))
    with pytest.raises(StoreError):
        VectorIndex.load(tmp_path / "missing.idx", dim=16)


def test_switches_to_ann_and_keeps_recall(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "EXACT_BELOW", 300)
    rng = np.random.default_rng(2)
    vecs = _unit(rng, 1000, 32)
    idx = VectorIndex(32)
    for v in vecs:
        idx.add(v)
    assert idx._ann is not None
    hits = sum(int(idx.search(vecs[i], 1)[0][0] == i) for i in range(0, 1000, 10))
    assert hits >= 95
    assert np.allclose(idx.vectors([5]), vecs[5], atol=2e-3)
    idx.save(tmp_path / "ann.idx")
    again = VectorIndex.load(tmp_path / "ann.idx", dim=32)
    assert len(again) == 1000 and again.search(vecs[500], 1)[0][0] == 500


def test_related_other_outlets_no_copies():
    rng = np.random.default_rng(3)
    base = _unit(rng, 1, 16)[0]
    table, idx = ArticleTable(), VectorIndex(16)
    rows = {}
    for aid, outlet, noise in [
        ("me", "a.com", 0),
        ("same-outlet", "a.com", 0.1),
        ("copy", "b.com", 0.01),
        ("other", "c.com", 0.2),
        ("far", "d.com", 3.0),
    ]:
        v = base + noise * _unit(rng, 1, 16)[0]
        rows[aid] = table.add(aid, 19000.0, outlet, "en", key_hashes(["x", "y"]))
        idx.add(v / np.linalg.norm(v))
    table.copy_of[rows["copy"]] = rows["me"]
    found = [n.article_id for n in related(table, idx, "me", k=5)]
    assert found[0] == "other"
    assert "same-outlet" not in found and "copy" not in found and "me" not in found
    assert related(table, idx, "unknown") == []


def test_batch_add_and_search(monkeypatch):
    monkeypatch.setattr(index_mod, "EXACT_BELOW", 100)
    rng = np.random.default_rng(4)
    vecs = _unit(rng, 600, 16)
    idx = VectorIndex(16)
    rows = idx.add_many(vecs[:50])  # still exact
    assert rows.tolist() == list(range(50)) and idx._ann is None
    assert idx.add_many(vecs[50:]).tolist() == list(range(50, 600)) and idx._ann is not None
    found, sims = idx.search_many(vecs[::60], 3)
    assert found.shape == (10, 3) and (found[:, 0] == np.arange(0, 600, 60)).sum() >= 9
    assert sims[0, 0] == pytest.approx(1.0, abs=1e-2)
    idx.add(vecs[0])
    assert len(idx) == 601 and idx.search(vecs[0], 2)[0].tolist() in ([0, 600], [600, 0])
