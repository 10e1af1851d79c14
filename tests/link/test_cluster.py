from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsdesk.enrich.entities import extract_entities
from newsdesk.errors import StoreError
from newsdesk.link.cluster import StoryEngine, recluster
from newsdesk.link.items import LinkItem, default_source, plausible_days

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
T0 = datetime(2024, 3, 1, 9, tzinfo=UTC)

QUAKE = [
    "A magnitude 7.1 earthquake struck the coast of Peru near Arequipa on Monday, collapsing houses.",
    "Rescue teams in Arequipa searched collapsed houses after the 7.1 earthquake hit southern Peru.",
    "Peru's president visited Arequipa where the 7.1 earthquake destroyed hundreds of houses.",
]
CHIPS = [
    "Nvidia reported record quarterly revenue from data centre chips, beating analyst forecasts.",
    "Analysts said Nvidia's record data centre chip revenue beat forecasts as its shares rose.",
    "Nvidia shares jumped after record revenue from data centre graphics chips beat Wall Street forecasts.",
]


def _items(texts: list[str], prefix: str, start: datetime) -> list[LinkItem]:
    return [
        LinkItem(
            f"{prefix}{i}", text.split(",")[0], text, start + timedelta(hours=5 * i), f"outlet{i}.com", "en"
        )
        for i, text in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def source():
    return default_source()


def test_two_events_stay_apart(source):
    engine = StoryEngine(source, now=T0 + timedelta(days=30))
    for item in _items(QUAKE, "q", T0) + _items(CHIPS, "c", T0):
        engine.add(item)
    assert len({engine.event_of(f"q{i}") for i in range(3)}) == 1
    assert len({engine.event_of(f"c{i}") for i in range(3)}) == 1
    assert engine.event_of("q0") != engine.event_of("c0")
    assert engine.story_of("q0") != engine.story_of("c0")


def test_recluster_is_order_independent(source):
    items = _items(QUAKE, "q", T0) + _items(CHIPS, "c", T0)
    a = recluster(items, source, now=T0 + timedelta(days=30))
    b = recluster(list(reversed(items)), source, now=T0 + timedelta(days=30))
    assert sorted(map(sorted, a.events().values())) == sorted(map(sorted, b.events().values()))


def test_bad_input_never_crashes_nor_merges_everything(source):
    now = T0 + timedelta(days=30)
    engine = StoryEngine(source, now=now)
    for item in _items(QUAKE, "q", T0) + _items(CHIPS, "c", T0):
        engine.add(item)
    german = "Die Bundesregierung hat am Montag neue Regeln für die Mietpreisbremse in Berlin beschlossen."
    bad = [
        LinkItem("empty", "", "   ", T0),
        LinkItem("nodate", "", QUAKE[0] + " More aftershocks followed.", None, "x.com", "en"),
        LinkItem("epoch", "", CHIPS[1], datetime(1970, 1, 1, tzinfo=UTC), "y.com", "en"),
        LinkItem(
            "future",
            "",
            "Completely unrelated gardening tips for tomatoes.",
            datetime(3000, 1, 1, tzinfo=UTC),
        ),
        LinkItem("de", "Mietpreisbremse", german, T0, "z.de", "de"),
        LinkItem("nan", "", "", T0, vector=np.full(source.dim, np.nan, dtype=np.float32)),
    ]
    placements = {item.article_id: engine.add(item) for item in bad}
    assert placements["empty"].event_id is None and "no text" in placements["empty"].reason
    assert placements["nan"].event_id is None
    assert "no date" in placements["nodate"].reason
    assert "implausible" in placements["epoch"].reason and "implausible" in placements["future"].reason
    assert engine.event_of("nodate") == engine.event_of("q0")
    assert engine.story_of("de") not in {engine.story_of("q0"), engine.story_of("c0")}
    assert len(engine.stories()) >= 3
    assert np.isnan(plausible_days(datetime(3000, 1, 1, tzinfo=UTC), now)[0])


def test_new_evidence_merges_events():
    dim = 4
    engine = StoryEngine(None, dim=dim, now=T0 + timedelta(days=9))
    a = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    b = np.array([0.7, 0.714, 0.0, 0.0], dtype=np.float32)
    bridge = (a + b) / np.linalg.norm(a + b)
    engine.add(LinkItem("a", vector=a, published=T0))
    engine.add(LinkItem("b", vector=np.array([0.0, 0.0, 1.0, 0.0], dtype=np.float32), published=T0))
    engine.add(LinkItem("c", vector=b, published=T0))
    before = engine.event_of("a")
    placed = engine.add(LinkItem("d", vector=bridge, published=T0))
    assert engine.event_of("a") == engine.event_of("c") == engine.event_of("d") == before
    assert engine.event_of("b") != before
    assert placed.event_id == before


def test_state_round_trip(source, tmp_path):
    engine = StoryEngine(source, now=T0 + timedelta(days=30))
    for item in _items(QUAKE, "q", T0) + _items(CHIPS, "c", T0):
        engine.add(item)
    engine.add(LinkItem("empty", "", "", T0))
    engine.save(tmp_path / "stories.npz", tmp_path / "vectors.usearch")
    loaded = StoryEngine.load(tmp_path / "stories.npz", tmp_path / "vectors.usearch", source)
    assert loaded.events() == engine.events()
    assert loaded.story_of("q1") == engine.story_of("q1")
    assert loaded.unplaced == engine.unplaced
    placed = loaded.add(LinkItem("q9", "", QUAKE[1], T0 + timedelta(hours=30), "new.com", "en"))
    assert placed.event_id == loaded.event_of("q0")


def test_a_state_does_not_load_over_another_stores_vectors(source):
    """The saved state (.engine_state) and the vector index must describe the same rows."""
    engine = StoryEngine(source, now=T0 + timedelta(days=30))
    for item in _items(QUAKE, "q", T0):
        engine.add(item)
    other = StoryEngine(source, now=T0 + timedelta(days=30))
    for item in _items(QUAKE, "q", T0)[:2]:
        other.add(item)
    with pytest.raises(StoreError, match="vector index has 2 rows"):
        StoryEngine.from_state(engine.to_state(), other.index, source)
    again = StoryEngine.from_state(engine.to_state(), engine.index, source)
    assert again.events() == engine.events()
    assert again.to_state().keys() == engine.to_state().keys()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not present")
def test_seeds_form_one_story_with_two_developments(source):
    dates = {
        "004": datetime(2021, 8, 15, tzinfo=UTC),  # no date in its text: the fall of Kabul
        "001": datetime(2021, 9, 27, 16, 31, tzinfo=UTC),
        "003": datetime(2025, 7, 4, tzinfo=UTC),
        "002": datetime(2025, 7, 6, tzinfo=UTC),
    }
    engine = StoryEngine(source, now=datetime(2025, 9, 5, tzinfo=UTC))
    for key, when in dates.items():
        text = next(SEEDS.glob(f"{key}_*.txt")).read_text(encoding="utf-8")
        # Enrichment fills entities before linking; the seeds are raw captures.
        entities = extract_entities(text, "en")
        engine.add(LinkItem(key, "", text, when, f"site{key}", "en", entities))
    assert len({engine.story_of(k) for k in dates}) == 1
    assert engine.event_of("004") == engine.event_of("001")
    assert engine.event_of("003") == engine.event_of("002")
    assert engine.event_of("001") != engine.event_of("002")


def test_silence_rule_splits_late_coverage_unless_near_identical():
    a = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    related_ = np.array([0.2, 0.98, 0.0, 0.0], dtype=np.float32)  # cosine 0.2 to a: joins, not revives
    # The same actors throughout (China, the Taliban): names tie the story, not the development.
    names = {"GPE": {"Kabul": 2}, "ORG": {"Taliban": 3}}

    def engine_with(extra: str, vec: np.ndarray, days: int) -> StoryEngine:
        engine = StoryEngine(None, dim=4, now=T0 + timedelta(days=800))
        engine.add(LinkItem("a0", vector=a, published=T0, entities=names))
        engine.add(LinkItem("a1", vector=a, published=T0 + timedelta(days=7), entities=names))
        engine.add(LinkItem(extra, vector=vec, published=T0 + timedelta(days=days), entities=names))
        return engine

    # Inside the silence window a related report joins...
    near = engine_with("x", related_, 40)
    assert near.event_of("x") == near.event_of("a0")
    # ...a year later the same content is a new development of the same story,
    late = engine_with("x", related_, 7 + 400)
    assert late.event_of("x") != late.event_of("a0")
    assert late.story_of("x") == late.story_of("a0")
    # but a re-dated copy of the very same fact still joins.
    same = engine_with("x", a, 7 + 400)
    assert same.event_of("x") == same.event_of("a0")
    assert same._silence(same.event_of("a0")) >= same.params.event_gap_days


def test_sparse_centroids_survive_saving_and_older_dense_states(source):
    engine = StoryEngine(source, now=T0 + timedelta(days=30))
    for item in _items(QUAKE, "q", T0) + _items(CHIPS, "c", T0):
        engine.add(item)
    e = engine.event_of("q0")
    probe = engine.index.vectors([engine.table.rows["q1"]])[0]
    want = float(np.mean(engine.index.vectors(engine.members[e]) @ probe))
    assert engine._mean_dot(e, probe) == pytest.approx(want, abs=1e-3)  # float16 sums
    state = engine.to_state()
    assert state["ev_pos"].size < 4 * 200  # a few hundred non-zeros, not events x 4,096
    again = StoryEngine.from_state(state, engine.index, source)
    assert again._mean_dot(e, probe) == pytest.approx(want, abs=2e-3)
    # States saved before centroids went sparse kept dense float16 means.
    legacy = {k: v for k, v in state.items() if k not in ("ev_len", "ev_pos", "ev_val")}
    legacy["ev_mean"] = np.stack(
        [
            engine._sum(f) / engine.ev_count[f] if f in engine.members else np.zeros(engine.dim, np.float32)
            for f in range(len(engine.ev_parent))
        ]
    ).astype(np.float16)
    old = StoryEngine.from_state(legacy, engine.index, source)
    assert old.events() == engine.events()
    assert old._mean_dot(e, probe) == pytest.approx(want, abs=2e-3)


def test_a_late_development_finds_its_story_in_an_older_graph(monkeypatch):
    from newsdesk.link import index as index_mod

    monkeypatch.setattr(index_mod, "EXACT_BELOW", 50)
    monkeypatch.setattr(index_mod, "ROWS_PER_GRAPH", 100)
    dim = 512  # random fillers stay far apart (cosine ~0.04): no story among them
    rng = np.random.default_rng(11)

    def unit(v: np.ndarray) -> np.ndarray:
        return (v / np.linalg.norm(v)).astype(np.float32)

    topic = unit(rng.standard_normal(dim))
    names = {"GPE": {"Kabul": 2}, "ORG": {"Taliban": 3}}
    engine = StoryEngine(None, dim=dim, now=T0 + timedelta(days=900))
    for i in range(3):
        vec = unit(topic + 0.3 * unit(rng.standard_normal(dim)))
        engine.add(LinkItem(f"old{i}", vector=vec, published=T0 + timedelta(hours=i), entities=names))
    for i in range(400):  # other news pushes the story out of the recent graphs
        vec = unit(rng.standard_normal(dim))
        engine.add(LinkItem(f"f{i}", vector=vec, published=T0 + timedelta(days=1 + i), outlet=f"o{i % 7}"))
    # Two years on: new words (cosine ~0.19, under the revive bar), the same actors.
    late = unit(0.2 * topic + unit(rng.standard_normal(dim)))
    assert engine.index.generations > 2
    recent, _ = engine.index.search(late, 32, scope="recent")
    assert not {engine.table.ids[r] for r in recent.tolist()} & {"old0", "old1", "old2"}
    placed = engine.add(LinkItem("late", vector=late, published=T0 + timedelta(days=800), entities=names))
    assert placed.new_event and not placed.new_story
    assert engine.story_of("late") == engine.story_of("old0")
    assert engine.story_of("f10") != engine.story_of("old0")
    assert placed.looked_back
    # A report naming nothing the older graphs hold does not search them (see .lookback).
    alone = engine.add(
        LinkItem("alone", vector=unit(rng.standard_normal(dim)), published=T0 + timedelta(days=801))
    )
    assert alone.new_event and not alone.looked_back
