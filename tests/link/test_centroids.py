"""Story centroids: the sparse running sums the story decision reads, and the features on them."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsdesk.link.centroids import StoryCentroids, centroid_features
from newsdesk.link.cluster import StoryEngine
from newsdesk.link.items import LinkItem, LinkParams, default_source

T0 = datetime(2019, 1, 7, 9, tzinfo=UTC)


def _unit(rng: np.random.Generator, dim: int, nnz: int = 12) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    v[rng.choice(dim, nnz, replace=False)] = rng.normal(size=nnz)
    return v / np.linalg.norm(v)


def test_sums_cosine_and_coherence_match_dense_arithmetic() -> None:
    rng = np.random.default_rng(3)
    dim = 256
    sums = StoryCentroids(dim)
    rows = {0: [_unit(rng, dim) for _ in range(4)], 1: [_unit(rng, dim) for _ in range(3)]}
    for s, vecs in rows.items():
        for v in vecs:
            sums.add(s, v)
    probe = _unit(rng, dim)
    for s, vecs in rows.items():
        total = np.sum(vecs, axis=0)
        assert sums.cosine(s, probe) == pytest.approx(float(total @ probe / np.linalg.norm(total)), abs=1e-5)
        assert sums.mean_link(s, probe) == pytest.approx(float(np.mean([v @ probe for v in vecs])), abs=1e-5)
        pairs = [float(a @ b) for i, a in enumerate(vecs) for b in vecs[i + 1 :]]
        assert sums.coherence(s) == pytest.approx(float(np.mean(pairs)), abs=1e-5)
    sums.absorb(0, 1)
    merged = np.sum(rows[0] + rows[1], axis=0)
    assert sums.size(0) == 7 and sums.size(1) == 0 and sums.cosine(1, probe) == 0.0
    assert sums.cosine(0, probe) == pytest.approx(float(merged @ probe / np.linalg.norm(merged)), abs=1e-5)
    assert math.isnan(StoryCentroids(dim).coherence(5)) and StoryCentroids(dim).cosine(5, probe) == 0.0


def test_centroid_features_say_which_thread_the_article_shares_vocabulary_with() -> None:
    rng = np.random.default_rng(7)
    dim = 512
    base_a, base_b = _unit(rng, dim, 40), _unit(rng, dim, 40)
    sums = StoryCentroids(dim)
    for s, base in ((0, base_a), (1, base_b)):
        for _ in range(6):
            v = base + 1.5 * _unit(rng, dim)
            sums.add(s, v / np.linalg.norm(v))
    x = base_a + 1.5 * _unit(rng, dim)
    x /= np.linalg.norm(x)
    feats = centroid_features(sums, [0, 1], x)
    cos_a, margin_a, size_a, coh_a, ratio_a = feats[0]
    cos_b, margin_b, _, _, ratio_b = feats[1]
    assert (
        cos_a > cos_b
        and margin_a == pytest.approx(cos_a - cos_b)
        and margin_b == pytest.approx(cos_b - cos_a)
    )
    assert size_a == pytest.approx(math.log1p(6)) and 0.0 < coh_a < 1.0
    # As close to thread A's articles as they are to each other; far less to B's.
    assert ratio_a > -0.3 and ratio_b < ratio_a - 1.0
    # A single candidate: its margin is its own cosine; a one-article story has no coherence yet.
    lone = StoryCentroids(dim)
    lone.add(4, x)
    assert centroid_features(lone, [4], x)[4] == pytest.approx((1.0, 1.0, math.log1p(1), 0.0, 0.0))


WAR = [
    "Government troops shelled rebel held districts of Aleppo as the Syrian army pressed its offensive.",
    "Syrian rebels in Aleppo said government shelling killed dozens as the army advanced on the city.",
    "The Syrian army said it retook two districts of Aleppo from rebels after weeks of shelling.",
    "Aid agencies warned of hunger in besieged Aleppo as Syrian government forces tightened the siege.",
]
VOTE = [
    "Voters in Lagos queued for hours as Nigeria held its presidential election on Saturday.",
    "Nigeria's electoral commission began counting presidential election ballots from Lagos and Kano.",
    "Nigeria's president won re-election, the electoral commission said after counting in Lagos and Kano.",
]


def test_engine_sums_are_each_storys_articles_and_survive_saving(tmp_path: Path) -> None:
    source = default_source()
    engine = StoryEngine(source, LinkParams(learned_story=True), now=T0 + timedelta(days=400))
    items = [
        LinkItem(f"w{i}", "", t, T0 + timedelta(days=40 * i), f"o{i}.com", "en") for i, t in enumerate(WAR)
    ] + [LinkItem(f"v{i}", "", t, T0 + timedelta(days=3 * i), f"p{i}.com", "en") for i, t in enumerate(VOTE)]
    for it in items:
        engine.add(it)
    vecs = {it.article_id: source.embed([it.text])[0] for it in items}

    def check(eng: StoryEngine) -> None:
        by_story: dict[int, list[str]] = {}
        for aid in vecs:
            story = eng.story_of(aid)
            assert story is not None
            by_story.setdefault(story, []).append(aid)
        for story, aids in by_story.items():
            total = np.sum([vecs[a] for a in aids], axis=0)
            probe = vecs[aids[0]]
            assert eng.st_sums.size(story) == len(aids)
            want = float(total @ probe / np.linalg.norm(total))
            assert eng.st_sums.cosine(story, probe) == pytest.approx(want, abs=2e-3)

    check(engine)
    engine.save(tmp_path / "s.npz", tmp_path / "v.usearch")
    check(StoryEngine.load(tmp_path / "s.npz", tmp_path / "v.usearch", source))
