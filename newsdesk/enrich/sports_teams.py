"""Sports teams named in prose: organisations, though their names are places or plurals.

Sports reports name clubs the way the NER model and the gazetteer cannot type:

- a city or state and a plural nickname ("New York Yankees", "Boston Red Sox"),
  then the nickname alone ("the Yankees", "RANGERS BEAT INDIANS");
- a club naming pattern ("Manchester United", "Norwich City", "Real Madrid",
  "Dinamo Moscow"), then the pattern's own word alone ("Real", "Deportivo");
- a county side in a cricket report ("Essex", "Leicestershire");
- in a sports report, a place that plays: the subject or object of a result verb
  ("Leeds beat Chelsea", "a victory over Bristol").

Countries stay places (a national side is named by its country, as the rest of
newsdesk files it). The word lists are short, hand-written naming conventions of
leagues and clubs (no installed package lists teams); a name is a team here only
in the shapes above, never by the list alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: switches for the benchmark's fitting check (benchmarks/entities.py); each chosen on half of
#: CoNLL dev
NICKNAMES = True
CLUBS = True
COUNTIES = True
PLAYING_PLACES = True

#: last words of English-style club names ("Norwich City", "Leyton Orient")
_CLUB_SUFFIXES = _words(
    "United City Rovers Athletic Wanderers Albion Orient Villa Hotspur Forest Rangers Celtic"
)
#: first words of continental club names ("Real Madrid", "Dinamo Moscow")
_CLUB_PREFIXES = _words(
    "Real Deportivo Dinamo Dynamo Spartak Sporting Atletico Lokomotiv Olympique Borussia CSKA"
)
#: the English first-class cricket counties
_COUNTIES = _words(
    """
    Derbyshire Durham Essex Glamorgan Gloucestershire Hampshire Kent Lancashire Leicestershire
    Middlesex Northamptonshire Nottinghamshire Somerset Surrey Sussex Warwickshire Worcestershire
    Yorkshire
    """
)
#: plurals that end a place's name or a group of people, not a team ("Florida Keys")
_NOT_NICKNAMES = _words(
    """
    Keys Heights Falls Springs Hills Plains Lakes Woods Highlands Isles Islands Shores Mountains
    Democrats Republicans Times News Sports Games Olympics Nationals Affairs Services
    States Territories Forces Police Courts Works Holdings Industries Systems Communications
    """
)
#: on lower-cased text (an IGNORECASE scan costs three times as much)
_CRICKET_RE = re.compile(r"\b(?:cricket|wickets?|innings|batsman|batsmen|bowler|bowled|not out)\b")
_SPORT_RE = re.compile(
    r"\b(?:beat|beaten|drew|draw|match|season|goals?|scored|striker|league|cup|coach|innings|"
    r"inning|homer(?:ed|s)?|pitched|tournament|seeded|halftime|soccer|cricket|tennis|rugby|"
    r"baseball|basketball|hockey|football|defeat(?:ed)?|champions|championship|"
    r"wickets?|midfielder|victory|semifinal|quarter-final)\b"
)
SPORTS_WORDS = 3
_POSSESSIVE_RE = re.compile(r"'[sS]\b")
_WORD = r"[A-Z][a-z]+"
#: a place of one to three words, then a nickname of one or two, the last a plural
_NICKNAME_RE = re.compile(rf"(?<![\w.'-])(?:{_WORD} ){{1,4}}(?:{_WORD}s|Sox)(?![\w'-])")
_THE_PLURAL_RE = re.compile(rf"\b[Tt]he ((?:{_WORD} )?(?:{_WORD}s|Sox))(?![\w'-])(?! and [A-Z])")
#: a dateline ("CINCINNATI 1996-08-31", "ARLINGTON, Texas 1996-08-31") or "In Seattle": the place
_PLACE_USE_RE = re.compile(r"[^\n]{0,40}\d{4}-\d\d-\d\d\s*$|(?:[Ii]n|[Aa]t|[Ff]rom) $")
_CLUB_RE = re.compile(
    rf"(?<![\w.'-])(?:({_WORD}(?: {_WORD})?) ({'|'.join(sorted(_CLUB_SUFFIXES))})"
    rf"|({'|'.join(sorted(_CLUB_PREFIXES))})((?: {_WORD}){{1,2}}))(?![\w'-])"
)
#: a place that plays: "Leeds beat", "victory over Leeds" ("with Leeds", "for Atlanta" are as often
#: the city)
_BEFORE_VERB = re.compile(
    r" (?:has |have |had )?(?:beat|beats|defeated|edged|blanked|drew|crushed|thrashed|routed|downed|won|"
    r"lost|tied|rallied)\b"
    # "Atlanta's Tom Glavine": a team's player
    r"|'s [A-Z][a-z]+ [A-Z][a-z]+"
)
_AFTER_WORD = re.compile(r"(?:beat|defeated|edged|blanked|over|against|v|vs)\.? $")


def sports_report(text: str, folded: str | None = None) -> bool:
    """Sports words ("beat", "innings", "league") are frequent in ``text`` (lower-cased: ``folded``)."""
    return len(_SPORT_RE.findall(text.lower() if folded is None else folded)) >= SPORTS_WORDS


def _mentions(text: str, word: str) -> list[tuple[int, int]]:
    """Whole-word mentions of ``word`` as written or in an ALL CAPS form ("Boston's" too)."""
    out = []
    for form in {word, word.upper()}:
        at = text.find(form)
        while at >= 0:
            end = at + len(form)
            before = text[at - 1] if at else " "
            after = text[end : end + 3]
            if not (before.isalnum() or before in "_'-") and (
                not after or not (after[0].isalnum() or after[0] in "_-'") or _POSSESSIVE_RE.match(after)
            ):
                out.append((at, end))
            at = text.find(form, end)
    return out


def team_spans(
    text: str,
    places: Mapping[str, str],
    countries: Collection[str],
    is_common: Callable[[str], bool],
    is_demonym: Callable[[str], bool],
) -> list[tuple[int, int, str]]:
    """(start, end, name) of each team mention in ``text``."""
    out: list[tuple[int, int, str]] = []
    folded = text.lower()
    sports = sports_report(text, folded)
    if not sports:
        # teams are named so in sports reports; the rest of the news pays one scan (ingest cost)
        return []
    teams: dict[str, str] = {}  # a short form found alone -> the team's name

    def place(name: str) -> bool:
        return name in places and places[name] not in countries

    if NICKNAMES:
        for m in _NICKNAME_RE.finditer(text):
            words = m.group(0).split()
            for k in (1, 2):
                # "Kansas City Royals", "Boston Red Sox": the longest place before the nickname
                nick = " ".join(words[-k:])
                at = next((i for i in range(len(words) - k) if place(" ".join(words[i:-k]))), -1)
                if at >= 0 and words[-1] not in _NOT_NICKNAMES and nick not in places:
                    where = " ".join(words[at:-k])
                    start = m.end() - len(where) - 1 - len(nick)
                    out.append((start, m.end(), f"{where} {nick}"))
                    teams[nick] = f"{where} {nick}"
                    if sports:
                        teams[where] = f"{where} {nick}"
                    break
        if sports:
            # "the Blue Jays": a plural nickname alone, not a country's, a people's or a place's
            for m in _THE_PLURAL_RE.finditer(text):
                nick = m.group(1)
                last = nick.split()[-1]
                if last in _NOT_NICKNAMES or nick in places or is_demonym(last[:-1]) or is_demonym(last):
                    continue
                teams.setdefault(nick, nick)
    if CLUBS:
        for m in _CLUB_RE.finditer(text):
            if m.group(2):
                name = f"{m.group(1)} {m.group(2)}"
                if name in places or not (place(m.group(1)) or not is_common(m.group(1).split()[-1])):
                    continue
                out.append((m.start(), m.end(), name))
            elif sports:
                name = m.group(3) + m.group(4)
                out.append((m.start(), m.end(), name))
                teams.setdefault(m.group(3), name)
    if COUNTIES and _CRICKET_RE.search(folded):
        for county in _COUNTIES:
            out += [(a, b, county) for a, b in _mentions(text, county)]
    for short, name in teams.items():
        for a, b in _mentions(text, short):
            line_end = text.find("\n", b)
            if short in places and (
                _PLACE_USE_RE.match(text, b, line_end if line_end >= 0 else len(text))
                or _PLACE_USE_RE.search(text[max(0, a - 5) : a])
            ):
                continue
            out.append((a, b, name))
    if PLAYING_PLACES and sports:
        for name in {run for run in _capitalised_runs(text) if place(run)}:
            for a, b in _mentions(text, name):
                line_start = text.rfind("\n", 0, a) + 1
                if _BEFORE_VERB.match(text, b) or _AFTER_WORD.search(text[line_start:a][-12:]):
                    out.append((a, b, name))
    return out


def _capitalised_runs(text: str) -> set[str]:
    """Every run of one to three capitalised words: the candidates a gazetteer lookup needs."""
    runs: set[str] = set()
    for m in re.finditer(rf"{_WORD}(?: {_WORD}){{0,2}}", text):
        words = m.group(0).split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                runs.add(" ".join(words[i:j]))
    return runs
