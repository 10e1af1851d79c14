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


def _sparse_unit(rng: np.random.Generator, n: int, dim: int, nnz: int) -> np.ndarray:
    x = np.zeros((n, dim), dtype=np.float32)
    for row in x:
        row[rng.choice(dim, nnz, replace=False)] = rng.standard_normal(nnz)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_projected_ann_rescores_exactly_from_sparse_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "EXACT_BELOW", 200)
    rng = np.random.default_rng(5)
    dim = 2048  # over ANN_DIM: the graph holds projections, answers come from the exact rows
    base = _sparse_unit(rng, 40, dim, 60)
    # 40 topics x 15 noisy reports each: neighbours share most terms
    vecs = base[np.arange(600) % 40] + 0.05 * _sparse_unit(rng, 600, dim, 60)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    idx = VectorIndex(dim)
    idx.add_many(vecs[:300])
    for v in vecs[300:]:
        idx.add(v)
    assert idx._ann is not None and idx.ann_dim == index_mod.ANN_DIM and idx._rows is not None
    assert idx._rows.nnz < 600 * 130  # sparse, not 600 x 2,048
    exact = vecs @ vecs.T
    for q in range(0, 600, 37):
        rows, sims = idx.search(vecs[q], 10)
        assert np.allclose(sims, exact[q, rows], atol=3e-3)  # similarities are exact (float16 rows)
        assert (rows % 40 == q % 40).all()  # the 10 nearest are reports of the same topic
        assert sims[0] == pytest.approx(np.sort(exact[q])[-1], abs=3e-3)
    assert np.allclose(idx.vectors([7, 450]), vecs[[7, 450]], atol=2e-3)
    idx.save(tmp_path / "p.idx")
    again = VectorIndex.load(tmp_path / "p.idx", dim=dim)
    assert len(again) == 600 and again.search(vecs[450], 1)[0][0] in np.flatnonzero(exact[450] > 0.99)
    again.add(vecs[3])
    assert len(again) == 601


def test_loads_the_older_layouts(tmp_path, monkeypatch):
    from usearch.index import Index

    monkeypatch.setattr(index_mod, "EXACT_BELOW", 100)
    rng = np.random.default_rng(6)
    vecs = _unit(rng, 300, 16)
    with open(tmp_path / "old.npy", "wb") as fh:
        np.save(fh, vecs[:50].astype(np.float16))
    small = VectorIndex.load(tmp_path / "old.npy", dim=16)
    assert len(small) == 50 and small.search(vecs[9], 1)[0][0] == 9
    ann = Index(ndim=16, metric="cos", dtype="f16")
    ann.add(np.arange(300, dtype=np.uint64), vecs)
    ann.save(str(tmp_path / "old.usearch"))
    big = VectorIndex.load(tmp_path / "old.usearch", dim=16)
    assert len(big) == 300 and big.search(vecs[200], 1)[0][0] == 200
    with pytest.raises(StoreError):
        VectorIndex.load(tmp_path / "old.usearch", dim=32)


def test_rows_are_split_into_graph_generations(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "EXACT_BELOW", 100)
    rng = np.random.default_rng(7)
    vecs = _unit(rng, 1000, 16)
    idx = VectorIndex(16, rows_per_graph=200)
    idx.add_many(vecs[:450])  # crosses two boundaries in one batch
    for v in vecs[450:]:
        idx.add(v)
    assert idx.generations == 5
    assert idx._ann is not None and idx._ann.starts == [0, 200, 400, 600, 800]
    # recent: the newest two graphs only; older: the rest; all: every graph
    recent, _ = idx.search(vecs[900], 5, scope="recent")
    assert recent[0] == 900 and (recent >= 600).all()
    assert (idx.search(vecs[50], 5, scope="recent")[0] >= 600).all()
    older, _ = idx.search(vecs[50], 5, scope="older")
    assert older[0] == 50 and (older < 600).all()
    assert idx.search(vecs[50], 1)[0][0] == 50 and idx.search(vecs[950], 1)[0][0] == 950
    # near: an old row's own graphs are searched in full
    assert idx.search(vecs[250], 1, scope="recent", near=250)[0][0] == 250
    with pytest.raises(ValueError):
        idx.search(vecs[0], 1, scope="everything")
    idx.save(tmp_path / "g.idx")
    again = VectorIndex.load(tmp_path / "g.idx", dim=16)
    assert again.generations == 5 and again.rows_per_graph == 200
    assert again.search(vecs[123], 1)[0][0] == 123
    again.add(vecs[1])
    assert again.generations == 6 and again.search(vecs[1], 2)[0].tolist() in ([1, 1000], [1000, 1])


def test_loads_one_graph_layout_and_grows_generations(tmp_path, monkeypatch):
    from usearch.index import Index

    monkeypatch.setattr(index_mod, "EXACT_BELOW", 100)
    rng = np.random.default_rng(8)
    vecs = _unit(rng, 300, 16)
    idx = VectorIndex(16, rows_per_graph=1000)
    idx.add_many(vecs)
    assert idx.generations == 1 and idx._rows is not None
    graph = Index(ndim=16, metric="cos", dtype="i8")
    graph.add(np.arange(300, dtype=np.uint64), vecs)
    meta = {"dim": 16, "ann_dim": 16, "seed": idx.seed, "dtype": "i8"}  # no rows_per_graph: older
    arrays = {"meta": np.array(__import__("json").dumps(meta)), **idx._rows.to_arrays()}
    arrays["ann"] = np.frombuffer(bytes(graph.save()), dtype=np.uint8)
    np.savez(tmp_path / "one.npz", **arrays)
    old = VectorIndex.load(tmp_path / "one.npz", dim=16)
    assert len(old) == 300 and old.generations == 1 and old.rows_per_graph == index_mod.ROWS_PER_GRAPH
    assert old.search(vecs[42], 1)[0][0] == 42
    arrays["ann"] = arrays["ann"][:-100]  # a torn graph is an error, not a silent empty index
    np.savez(tmp_path / "torn.npz", **arrays)
    with pytest.raises(StoreError):
        VectorIndex.load(tmp_path / "torn.npz", dim=16)
