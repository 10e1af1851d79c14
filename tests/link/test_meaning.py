"""Meaning filing: a new story no words reach is shown under the story its meaning is nearest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk.link.cluster import StoryEngine
from newsdesk.link.items import LinkItem, LinkParams, default_source
from newsdesk.link.meaning import MeaningVectors, pack, unpack

T0 = datetime(2011, 3, 1, tzinfo=UTC)
DIM = 384


def unit(seed: int, near: np.ndarray | None = None, cos: float = 0.9) -> np.ndarray:
    """A random unit vector, or one at cosine ``cos`` to ``near``."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=DIM).astype(np.float32)
    v /= np.linalg.norm(v)
    if near is None:
        return v
    v -= (v @ near) * near
    v /= np.linalg.norm(v)
    return (cos * near + np.sqrt(1 - cos * cos) * v).astype(np.float32)


def item(i: int, text: str, lang: str, meaning: np.ndarray | None, days: float = 0.0) -> LinkItem:
    return LinkItem(
        f"a{i}", title="", text=text, published=T0 + timedelta(days=days), language=lang, meaning=meaning
    )


ES = "Las fuerzas del gobierno bombardearon barrios de la ciudad durante la noche, según vecinos."
FR = "Une délégation de médiateurs est arrivée mardi pour des pourparlers sur un cessez-le-feu."
IT = "Il ministro ha presentato ieri il bilancio del porto commerciale, con un aumento dei traffici."


def test_pack_keeps_a_vector_to_float16_and_rejects_garbage() -> None:
    v = unit(1)
    back = unpack(pack(v))
    assert back is not None and float(back @ v) > 0.999
    assert unpack(b"") is None and unpack(None) is None and unpack(b"\x00\x00" * 4) is None
    assert unpack(b"abc") is None  # odd length: not float16


def test_nearest_story_needs_close_vectors_and_a_clear_majority() -> None:
    mv = MeaningVectors()
    base = unit(0)
    for row, (seed, story) in enumerate([(1, 7), (2, 7), (3, 7), (4, 9), (5, 9)]):
        mv.add(row, unit(seed, base, 0.95) if story == 7 else unit(seed))
    stories = {0: 7, 1: 7, 2: 7, 3: 9, 4: 9}
    x = unit(6, base, 0.95)
    assert mv.nearest_story(x, stories.__getitem__, own=-1, k=5, threshold=0.8, share=0.6) == 7
    # its own story never counts; nothing else close enough
    assert mv.nearest_story(x, stories.__getitem__, own=7, k=5, threshold=0.8, share=0.6) == -1
    # unrelated vector: below the threshold
    assert mv.nearest_story(unit(8), stories.__getitem__, own=-1, k=5, threshold=0.8, share=0.6) == -1
    # a split vote under the share fails
    split = {0: 7, 1: 8, 2: 9, 3: 9, 4: 9}
    assert mv.nearest_story(x, split.__getitem__, own=-1, k=3, threshold=0.8, share=0.6) == -1


def test_filings_are_followed_and_a_cycle_stops() -> None:
    mv = MeaningVectors()
    mv.filed = {5: 3, 3: 1}
    assert mv.shown(5, lambda s: s) == 1 and mv.shown(2, lambda s: s) == 2
    mv.filed[1] = 5
    # no endless loop, and every member of a cycle (and what is filed under it) shows as one
    assert mv.shown(5, lambda s: s) == mv.shown(3, lambda s: s) == mv.shown(1, lambda s: s) == 1
    mv.filed[8] = 5
    assert mv.shown(8, lambda s: s) == 1
    mv.absorb(9, 5)  # story 5 merged into 9 by words: where 9 stands decides
    assert 5 not in mv.filed and 9 not in mv.filed


def engine() -> StoryEngine:
    return StoryEngine(default_source(), LinkParams())


def test_a_story_in_another_language_is_shown_under_the_one_it_means() -> None:
    crisis = unit(0)
    eng = engine()
    first = eng.add(item(1, ES, "es", unit(1, crisis, 0.95)))
    second = eng.add(item(2, FR, "fr", unit(2, crisis, 0.95), days=3))
    # no shared words (and other languages never link by words): a new story for the engine ...
    assert second.new_story
    # ... shown under the Spanish one, and its timeline holds both
    assert eng.story_of("a2") == eng.story_of("a1") == first.story_id == second.story_id
    assert set(eng.stories()) == {first.story_id}


def test_no_vector_or_a_distant_one_is_never_filed() -> None:
    crisis = unit(0)
    eng = engine()
    eng.add(item(1, ES, "es", unit(1, crisis, 0.95)))
    eng.add(item(2, FR, "fr", None, days=1))  # English-style: no meaning vector
    eng.add(item(3, IT, "it", unit(3), days=2))  # a vector, but about something else
    assert len({eng.story_of("a1"), eng.story_of("a2"), eng.story_of("a3")}) == 3
    off = StoryEngine(default_source(), LinkParams(meaning_k=0))
    off.add(item(1, ES, "es", unit(1, crisis, 0.95)))
    off.add(item(2, FR, "fr", unit(2, crisis, 0.95), days=3))
    assert off.story_of("a1") != off.story_of("a2")


def test_filings_survive_a_save_and_load() -> None:
    crisis = unit(0)
    eng = StoryEngine(default_source(), LinkParams(meaning_k=1))  # the nearest alone decides
    eng.add(item(1, ES, "es", unit(1, crisis, 0.95)))
    eng.add(item(2, FR, "fr", unit(2, crisis, 0.95), days=3))
    again = StoryEngine.from_state(eng.to_state(), eng.index, default_source())
    assert again.story_of("a2") == again.story_of("a1") == eng.story_of("a1")
    # and the vectors came back: a third article close to the first is filed under its story
    again.add(item(3, IT, "it", unit(3, unit(1, crisis, 0.95), 0.99), days=5))
    assert len(again.meaning) == 3 and again.story_of("a3") == again.story_of("a1")
