from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np

from newsdesk.link.cluster import StoryEngine
from newsdesk.link.items import LinkItem, default_source
from newsdesk.link.timeline import date_f1, event_date, rouge1_concat, story_timeline

T0 = datetime(2024, 4, 20, 10, tzinfo=UTC)
TEXTS = {
    "a1": (
        "Oil rig explodes in the Gulf",
        "An oil rig exploded in the Gulf of Mexico, and eleven workers are missing.",
    ),
    "a2": (
        "Gulf oil rig blast leaves workers missing",
        "Eleven workers are missing after the oil rig exploded in the Gulf of Mexico.",
    ),
    "b1": (
        "Oil company caps leaking Gulf well",
        "The oil company capped the leaking well in the Gulf of Mexico after months of spill.",
    ),
    "b2": (
        "Gulf well capped, oil spill halted",
        "Engineers capped the leaking Gulf of Mexico well, halting the oil spill for the first time.",
    ),
}
WHEN = {
    "a1": T0,
    "a2": T0 + timedelta(hours=20),
    "b1": T0 + timedelta(days=85),
    "b2": T0 + timedelta(days=85, hours=3),
}


def test_timeline_lists_developments_in_date_order():
    engine = StoryEngine(default_source(), now=T0 + timedelta(days=100))
    for aid, (title, text) in TEXTS.items():
        engine.add(LinkItem(aid, title, text, WHEN[aid], f"{aid}.com", "en"))
    story = engine.story_of("a1")
    assert engine.story_of("b1") == story
    devs = story_timeline(engine, story, lambda a: TEXTS[a], limit=2)
    assert [d.date for d in devs] == sorted(d.date for d in devs)
    assert len(devs) == 2
    assert sorted(devs[0].article_ids) == ["a1", "a2"] and sorted(devs[1].article_ids) == ["b1", "b2"]
    assert "rig" in devs[0].headline.lower()
    assert "capped" in devs[1].headline.lower() or "caps" in devs[1].headline.lower()
    assert devs[0].date == date(2024, 4, 20)
    assert len(story_timeline(engine, story, lambda a: TEXTS[a], limit=1)) == 1
    assert devs[0].to_json()["date"] == "2024-04-20"


def test_event_date_is_modal_day_earliest_on_ties():
    day = (datetime(2024, 1, 2, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).days
    assert event_date([day + 0.5, day + 1.2, day + 1.4]) == date(2024, 1, 3)
    assert event_date([day + 0.5, day + 1.2]) == date(2024, 1, 2)
    assert event_date([float("nan")]) is None


def test_metrics():
    assert date_f1(["2010-04-20", "2010-05-01"], ["2010-04-20"]) == (0.5, 1.0, 2 / 3)
    assert date_f1([], ["2010-04-20"]) == (0.0, 0.0, 0.0)
    p, r, f = rouge1_concat(["the well is capped"], ["the well was capped today"])
    assert (p, r) == (0.75, 0.6) and abs(f - 2 * 0.75 * 0.6 / 1.35) < 1e-9


def test_every_event_is_a_development_however_many_days_another_names():
    texts = dict(TEXTS)
    # The first reports name several days of their own week, again and again; the later
    # development names none. Ranked over the whole story, the named days would take both places.
    busy = " Crews worked on April 17, on April 18 and on April 19; on April 18 the valve failed."
    texts["a1"] = (TEXTS["a1"][0], TEXTS["a1"][1] + busy)
    texts["a2"] = (TEXTS["a2"][0], TEXTS["a2"][1] + busy)
    # Two developments of one story, by construction: the well is capped after a year's silence
    # (a new event), in other words (cosine 0.1) about the same actors (the story link).
    when = {**WHEN, "b1": T0 + timedelta(days=400), "b2": T0 + timedelta(days=400, hours=3)}
    a, b = np.zeros(8, dtype=np.float32), np.zeros(8, dtype=np.float32)
    a[0], b[0], b[1] = 1.0, 0.1, math.sqrt(1 - 0.01)
    names = {"ORG": {"BP": 3}, "LOC": {"Gulf of Mexico": 2}}
    engine = StoryEngine(None, dim=8, now=T0 + timedelta(days=500))
    for aid in texts:
        vec = a if aid.startswith("a") else b
        engine.add(LinkItem(aid, published=when[aid], outlet=f"{aid}.com", vector=vec, entities=names))
    story = engine.story_of("a1")
    assert engine.story_of("b1") == story and engine.event_of("a1") != engine.event_of("b1")
    devs = story_timeline(engine, story, lambda a: texts[a])
    assert len(devs) == 2, [(d.date, d.article_ids) for d in devs]
    assert devs[0].date is not None and devs[0].date.month == 4
    assert devs[1].date == when["b1"].date() and sorted(devs[1].article_ids) == ["b1", "b2"]
