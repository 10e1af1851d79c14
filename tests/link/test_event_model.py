"""The learned event decision: same-kind incidents stay apart, reports of one incident join."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.errors import ConfigError
from newsdesk.link import event_model
from newsdesk.link.cluster import StoryEngine
from newsdesk.link.event_model import FEATURES, MODEL_PATH, event_features, shipped_model
from newsdesk.link.items import LinkItem, LinkParams, default_source
from newsdesk.link.story_model import StoryModel

T0 = datetime(2015, 1, 5, 18, tzinfo=UTC)
PLACES = [
    "Springfield",
    "Riverton",
    "Lakewood",
    "Fairview",
    "Brookhaven",
    "Millbrook",
    "Glendale",
    "Ashford",
    "Kingsport",
    "Westbury",
]
PLACES += [
    "Hartwell",
    "Clayton",
    "Dunmore",
    "Easton",
    "Granby",
    "Hollis",
    "Ironton",
    "Jasper",
    "Kenmore",
    "Linden",
]
PLACES += [
    "Marlow",
    "Newport",
    "Oakdale",
    "Preston",
    "Quincy",
    "Rockford",
    "Salem",
    "Trenton",
    "Upton",
    "Vernon",
]
FIRST = [
    "Marcus",
    "Dana",
    "Tyrone",
    "Kelly",
    "Samuel",
    "Andre",
    "Rosa",
    "Derek",
    "Lena",
    "Omar",
    "Nina",
    "Victor",
    "Paul",
    "Irene",
    "Hugo",
]
FIRST += [
    "Carla",
    "Felix",
    "Greta",
    "Ivan",
    "Joan",
    "Karl",
    "Lucia",
    "Milo",
    "Nora",
    "Otto",
    "Petra",
    "Rafael",
    "Sonia",
    "Tomas",
    "Ursula",
]
LAST = [
    "Hill",
    "Ortiz",
    "Banks",
    "Nguyen",
    "Reyes",
    "Coleman",
    "Jimenez",
    "Palmer",
    "Howard",
    "Tucker",
    "Foster",
    "Moss",
]
STREETS = [
    "Elm",
    "Maple",
    "Oak",
    "Pine",
    "Cedar",
    "Birch",
    "Walnut",
    "Chestnut",
    "Spruce",
    "Willow",
    "Aspen",
    "Hickory",
]
#: incidents 0-17 are earlier coverage of the same kind; the test checks 18-29
HISTORY = 18


def _reports() -> list[tuple[str, int, LinkItem]]:
    """Shootings in the same words, in different towns, weeks apart: one local report of each
    of the first 18, two of each of the last 12 (the news a local desk gets for years)."""
    out = []
    for i, town in enumerate(PLACES):
        victim = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        street = f"{STREETS[(i * 5) % len(STREETS)]} Street"
        day = T0 + timedelta(days=9 * i)
        first = (
            f"{victim} shot dead on {street} in {town}",
            f"A man was shot and killed on {street} in {town} on Monday night, police said. "
            f"{victim}, 24, was taken to a hospital where he died of a gunshot wound. Police said "
            f"the shooter fled and no arrest has been made. Anyone with information is asked to call police.",
        )
        second = (
            f"Police identify {town} shooting victim as {victim}",
            f"Police in {town} identified the man shot on {street} as {victim}. Officers found him "
            f"with a gunshot wound shortly after the shooting; he died at the hospital. No suspect "
            f"has been arrested and police are asking witnesses to come forward.",
        )
        for j, (title, text) in enumerate((first, second) if i >= HISTORY else (first,)):
            item = LinkItem(f"s{i}-{j}", title, text, day + timedelta(hours=20 * j), f"site{j}.com", "en")
            out.append((f"s{i}-{j}", i, item))
    return out


@pytest.fixture(scope="module")
def source():
    return default_source()


def _engine(source, learned: bool) -> tuple[StoryEngine, list[tuple[str, int, LinkItem]]]:
    engine = StoryEngine(source, replace(LinkParams(), learned_event=learned), now=T0 + timedelta(days=600))
    reports = _reports()
    for _, _, item in reports:
        engine.add(item)
    return engine, reports


def _events(source, learned: bool) -> tuple[dict[str, int | None], list[tuple[str, int, LinkItem]]]:
    engine, reports = _engine(source, learned)
    return {aid: engine.event_of(aid) for aid, _, _ in reports}, reports


def test_same_kind_incidents_stay_apart_and_reports_of_one_join(source) -> None:
    events, reports = _events(source, learned=True)
    incident_of = {aid: i for aid, i, _ in reports}
    for i in range(HISTORY, len(PLACES)):
        assert events[f"s{i}-0"] == events[f"s{i}-1"], PLACES[i]
        together = {incident_of[a] for a, e in events.items() if e == events[f"s{i}-0"]}
        assert together == {i}, (PLACES[i], together)
    # Separate incidents, one thread: where the rule would have joined an event, the new event
    # follows that event's story (what keeps long crisis stories together).
    engine, _ = _engine(source, learned=True)
    assert len({engine.story_of(f"s{i}-0") for i in range(HISTORY, len(PLACES))}) < len(PLACES) - HISTORY
    # The threshold rule alone chains these shootings (the words they share weigh as in general English).
    rule, _ = _events(source, learned=False)
    assert len({rule[f"s{i}-0"] for i in range(HISTORY, len(PLACES))}) < len(PLACES) - HISTORY


def test_the_background_decides_how_much_content_is_enough() -> None:
    model = shipped_model()
    hits = [(0, 0.30, 0.0)]
    # Among distinct events (a sparse neighbourhood) a cosine of 0.30 the same day is one event...
    assert model.logit(event_features(0.30, hits, background=0.0, gap=0.5)) > 0
    # ...among same-kind incidents all at 0.25 it is not, the less so months apart.
    dense = model.logit(event_features(0.30, hits, background=0.25, gap=0.5))
    assert dense < 0
    assert model.logit(event_features(0.30, hits, background=0.25, gap=90.0)) < dense
    # Near-copies join whatever the background.
    assert model.logit(event_features(0.8, [(0, 0.8, 0.5)], background=0.25, gap=1.0)) > 0
    undated = event_features(0.3, hits, background=0.0, gap=float("nan"))
    assert undated[FEATURES.index("undated")] == 1.0


def test_event_model_file_round_trip_and_bad_files_are_clear(tmp_path) -> None:
    model = event_model.load(MODEL_PATH)
    assert len(model.weights) == len(FEATURES) and set(model.trained_on) == {"g5", "gvc"}
    again = StoryModel.from_json(model.to_json(FEATURES), features=FEATURES)
    assert again == model
    story_shaped = json.loads(model.to_json(FEATURES))
    story_shaped["features"] = ["max_link"]
    bad = tmp_path / "event_model.json"
    bad.write_text(json.dumps(story_shaped), encoding="utf-8")
    with pytest.raises(ConfigError, match="features"):
        event_model.load(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        event_model.load(tmp_path / "missing.json")


def test_the_event_hook_sees_every_open_candidate_and_can_force(source) -> None:
    engine = StoryEngine(source, now=T0 + timedelta(days=400))
    seen: list[dict[int, list[float]]] = []

    def hook(aid: str, feats: dict[int, list[float]]) -> int | None:
        seen.append(feats)
        return -1  # always a new event

    engine.event_hook = hook
    for _, _, item in _reports()[:6]:
        engine.add(item)
    assert seen and all(len(x) == len(FEATURES) for feats in seen for x in feats.values())
    assert len({engine.event_of(f"s{i}-0") for i in range(6)}) == 6
