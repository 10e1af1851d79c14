"""The place anchor: country profiles in any language, and the story decision that reads them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk.link.cluster import StoryEngine
from newsdesk.link.items import LinkItem, LinkParams
from newsdesk.link.places import _TOKEN, StoryPlaces, _is_word, country_profile, fold, gazetteer, mentions

T0 = datetime(2011, 2, 20, tzinfo=UTC)


def test_one_key_for_a_country_in_every_language_and_its_capital() -> None:
    for text in (
        "Las protestas en Egipto siguen.",
        "Les manifestations en Égypte continuent.",
        "Le proteste in Egitto continuano.",
        "Die Proteste in Ägypten gehen weiter.",
        "Protests in Egypt go on.",
        "Thousands gathered in Cairo again.",
    ):
        assert mentions(text) == {"EG": 1}, text
    # Multi-word names and the largest of several places of one name (Tripoli, Libya).
    assert mentions("Los Estados Unidos y el Reino Unido") == {"US": 1, "GB": 1}
    assert mentions("Fighting went on in Tripoli and Benghazi.") == {"LY": 2}


def test_words_and_ambiguous_names_are_no_places() -> None:
    # Lower-case words are never names; "Georgia" is a state and a country, so neither.
    assert mentions("the turkey was nice, we had a split decision") == {}
    assert mentions("Georgia voted on Tuesday.") == {}
    # A city whose name is an everyday word counts for no country.
    assert mentions("Nice weather. Split the bill.") == {}


def _every_start_scan(text: str) -> Counter[str]:
    """The longest-match scan that tries every capitalised word, folding the five words from it."""
    names = gazetteer()
    words = _TOKEN.findall(text)
    out: Counter[str] = Counter()
    i = 0
    while i < len(words):
        if words[i][:1].isupper():
            folded = [fold(w) for w in words[i : i + 5]]
            for n in range(len(folded), 0, -1):
                hit = names.get(tuple(folded[:n]))
                if hit is not None and not (hit[1] and _is_word(tuple(folded[:n]))):
                    out[hit[0]] += 1
                    i += n
                    break
            else:
                i += 1
        else:
            i += 1
    return out


def test_names_that_start_like_others_are_read_whole_wherever_they_stand() -> None:
    # mentions passes over capitalised words that start no name; what it finds is what a scan
    # trying every capitalised word finds: the longest name, also last in the text, also 5 words
    texts = [
        "Papua New Guinea and Guinea, then Guinea-Bissau and Equatorial Guinea.",
        "Les secours sont à Saint-Vincent-et-les-Grenadines; Saint Lucia attend.",
        "The South Sudan talks moved to Sudan, then to South Africa and the United States",
        "Officials From The United Kingdom Met In Kinshasa With Democratic Republic Of The Congo",
        "New York, New Delhi and New Zealand",
    ]
    found = [mentions(t) for t in texts]
    assert found == [_every_start_scan(t) for t in texts]
    assert found[0] == {"PG": 1, "GN": 1, "GW": 1, "GQ": 1}
    assert found[1] == {"VC": 1, "LC": 1} and found[2] == {"SS": 1, "SD": 1, "ZA": 1, "US": 1}
    assert found[3] == {"GB": 1, "CD": 1, "CG": 1} and found[4] == {"US": 1, "IN": 1, "NZ": 1}


def test_the_profile_weighs_the_title_and_keeps_the_largest() -> None:
    profile = country_profile("Siria: nuevos combates", "Rusia apoya al gobierno. Siria y Turquía.")
    assert profile[0] == ("SY", 4.0)
    assert dict(profile)["RU"] == 1.0 and dict(profile)["TR"] == 1.0
    assert country_profile("", "No place named here.") == ()


def test_story_places_merge_and_survive_a_round_trip() -> None:
    places = StoryPlaces()
    places.add_row(0, (("EG", 6.0),))
    places.add_row(1, (("EG", 3.0), ("LY", 1.0)))
    places.add_row(2, (("LY", 8.0),))
    places.add_to_story(10, 0)
    places.add_to_story(10, 1)
    places.add_to_story(11, 2)
    assert places.fit(2, 10) is not None and places.fit(2, 10) < 0.3 < places.fit(1, 10)  # type: ignore[operator]
    assert places.fit(2, 10, min_mentions=10.0) is None  # too few mentions to judge
    places.absorb(10, 11)
    assert set(places.stories) == {10} and places.stories[10]["LY"] > 1.0
    again = StoryPlaces()
    again.load_rows(places.to_state(3))
    assert again.rows == places.rows


def _three_articles(params: LinkParams, third: str) -> StoryEngine:
    """Two reports of one Egyptian development, then a report whose words link to the first
    (cosine 0.28: a story link over the 0.20 bar) but not to the event as a whole."""
    engine = StoryEngine(None, params, dim=4, now=T0 + timedelta(days=30))
    egypt = "Egypt. " * 6
    e0 = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    e1 = np.array([0.8, 0.6, 0.0, 0.0], dtype=np.float32)
    y = (-0.02 - 0.8 * 0.28) / 0.6
    x = np.array([0.28, y, np.sqrt(1 - 0.28**2 - y**2), 0.0], dtype=np.float32)
    engine.add(LinkItem("e0", text=egypt, vector=e0, published=T0))
    engine.add(LinkItem("e1", text=egypt, vector=e1, published=T0 + timedelta(hours=5)))
    engine.add(LinkItem("x", text=third, vector=x, published=T0 + timedelta(days=1)))
    return engine


def test_a_thread_in_another_country_does_not_join_on_shared_words() -> None:
    base = replace(LinkParams(), learned_event=False)
    anchored = replace(base, place_penalty=0.1, place_min_mentions=5.0, place_story_share=0.6)
    libya = "Libya. " * 6
    # Without the anchor the shared words join it; with it, the Libyan report opens its own story.
    off = _three_articles(base, libya)
    assert off.event_of("x") != off.event_of("e0") and off.story_of("x") == off.story_of("e0")
    on = _three_articles(anchored, libya)
    assert on.story_of("x") != on.story_of("e0")
    # An Egyptian report, or one naming its country too seldom to judge, still joins.
    assert _three_articles(anchored, "Egypt. " * 6).story_of("x") == on.story_of("e0")
    assert _three_articles(anchored, "Libya.").story_of("x") == on.story_of("e0")


def test_the_anchor_survives_saving_the_engine() -> None:
    params = replace(LinkParams(), learned_event=False, place_penalty=0.1, place_min_mentions=5.0)
    engine = _three_articles(params, "Libya. " * 6)
    loaded = StoryEngine.from_state(engine.to_state(), engine.index)
    assert loaded.places.rows == engine.places.rows
    assert loaded.places.stories.keys() == engine.places.stories.keys()
    for s, profile in engine.places.stories.items():
        assert loaded.places.stories[s] == profile


def _thread(engine: StoryEngine, prefix: str, lang: str, text: str, axis: int, start: datetime) -> None:
    """Three reports of one development in one language (near-identical vectors on ``axis``)."""
    for i in range(3):
        vec = np.zeros(8, dtype=np.float32)
        vec[axis], vec[(axis + 1) % 8] = 1.0, 0.1 * i
        engine.add(
            LinkItem(
                f"{prefix}{i}", text=text, vector=vec, language=lang, published=start + timedelta(hours=i)
            )
        )


def test_one_country_thread_in_two_languages_becomes_one_story() -> None:
    engine = StoryEngine(None, LinkParams(), dim=8, now=T0 + timedelta(days=60))
    _thread(engine, "fr", "fr", "Syrie. " * 6, 0, T0)
    _thread(engine, "es", "es", "Siria. " * 6, 4, T0 + timedelta(days=3))
    assert engine.story_of("fr0") == engine.story_of("es2")
    # Not in one language: two threads there share no words, and a shared country is not enough.
    same = StoryEngine(None, LinkParams(), dim=8, now=T0 + timedelta(days=60))
    _thread(same, "a", "en", "Syria. " * 6, 0, T0)
    _thread(same, "b", "en", "Syria. " * 6, 4, T0 + timedelta(days=3))
    assert same.story_of("a0") != same.story_of("b2")
    # Nor across languages when the threads are anchored in different countries, or months apart.
    apart = StoryEngine(None, LinkParams(), dim=8, now=T0 + timedelta(days=400))
    _thread(apart, "fr", "fr", "Syrie. " * 6, 0, T0)
    _thread(apart, "es", "es", "Libia. " * 6, 4, T0 + timedelta(days=3))
    _thread(apart, "it", "it", "Siria. " * 6, 2, T0 + timedelta(days=200))
    assert len({apart.story_of(x) for x in ("fr0", "es0", "it0")}) == 3


def _loose_thread(
    engine: StoryEngine, prefix: str, text: str, axis: int, shared: float, start: datetime
) -> None:
    """Three reports in one language that share ``shared`` of their words with the other
    thread (axis 0) and 0.2 more among themselves (``axis``), the rest their own."""
    for i in range(3):
        vec = np.zeros(16, dtype=np.float32)
        vec[0], vec[axis], vec[axis + 1 + i] = np.sqrt(shared), np.sqrt(0.2), np.sqrt(0.8 - shared)
        engine.add(
            LinkItem(
                f"{prefix}{i}", text=text, vector=vec, language="it", published=start + timedelta(days=i)
            )
        )


def test_in_one_language_a_country_thread_joins_only_as_close_as_it_holds_together() -> None:
    def stories(shared: float, first: str, second: str) -> set[int | None]:
        engine = StoryEngine(None, LinkParams(), dim=16, now=T0 + timedelta(days=60))
        _loose_thread(engine, "a", first, 1, shared, T0)
        _loose_thread(engine, "b", second, 8, shared, T0 + timedelta(days=5))
        return {engine.story_of(x) for x in ("a0", "a2", "b0", "b2")}

    # Across the two threads 0.12, within each 0.32: one thread followed with few shared words.
    assert len(stories(0.12, "Siria. " * 6, "Siria. " * 6)) == 1
    # Not when they are about different countries, nor when they hardly share a word (0.03 / 0.23).
    assert len(stories(0.12, "Siria. " * 6, "Libia. " * 6)) == 2
    assert len(stories(0.03, "Siria. " * 6, "Siria. " * 6)) == 2


def test_story_centroids_come_back_after_a_load_for_the_bridge() -> None:
    engine = StoryEngine(None, LinkParams(), dim=16, now=T0 + timedelta(days=60))
    _loose_thread(engine, "a", "Siria. " * 6, 1, 0.12, T0)
    loaded = StoryEngine.from_state(engine.to_state(), engine.index)
    _loose_thread(loaded, "b", "Siria. " * 6, 8, 0.12, T0 + timedelta(days=5))
    assert loaded.story_of("a0") == loaded.story_of("b2")


def test_a_thread_in_another_language_joins_whatever_the_order_of_arrival() -> None:
    # A Spanish archive ingested before the French one: the Spanish story ran two months, and
    # the French reports of its first week arrive after all of it. They are one story still:
    # "covered within 30 days" is measured from the whole span of the Spanish coverage.
    engine = StoryEngine(None, LinkParams(), dim=8, now=T0 + timedelta(days=90))
    _thread(engine, "es", "es", "Siria. " * 6, 4, T0)
    _thread(engine, "es-later", "es", "Siria. " * 6, 4, T0 + timedelta(days=60))
    assert engine.story_of("es0") == engine.story_of("es-later2")
    _thread(engine, "fr", "fr", "Syrie. " * 6, 0, T0 + timedelta(days=5))
    assert engine.story_of("fr2") == engine.story_of("es0")
    # but not a French thread of the same country a year before the Spanish one began
    _thread(engine, "fr-old", "fr", "Syrie. " * 6, 2, T0 - timedelta(days=365))
    assert engine.story_of("fr-old2") != engine.story_of("es0")
