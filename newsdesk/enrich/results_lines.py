"""Names in sports results lines: teams are organisations, though their names are places.

Sports pages print results as lines of their own: a standings row ("Luton 4 1 0 3
4 10 3", "TEXAS 75 58 .564 -"), a score ("Grimsby 2 Walsall 1"), a fixture
("Walsall v Wrexham", "August 16-18 v Kent (three days)", "KANSAS CITY AT
DETROIT"). The name in such a slot is a club or a county side, an organisation,
while the NER model and the gazetteer read "Chicago" or "Leicestershire" as a
place (or, for a rare word, a person). In an "X AT Y" fixture the second name is
the venue, which stays a place. Countries stay places (a national side is named
by its country; the rest of newsdesk files countries as places). A name the
article already names as a person is left alone (golf and athletics tables list
players, not teams). A ranked athlete ("2. Michael Johnson (U.S.) 20.02") is a
person: past the NER model's reach the rule tagger wants a title or a speech verb
beside a name made of everyday words.

These are hand-written patterns: no NER model or library reads table layout, and
the lines are plain text by the time entities run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

_MAX_LINE = 80
_WORD = r"[A-Z][\w'&.-]*"
#: a team name: one to four capitalised words, and a short parenthesised tag ("Mladost (BJ)")
_NAME = rf"{_WORD}(?: {_WORD}){{0,3}}(?: \([A-Z]{{1,3}}\))?"
#: whole numbers, a baseball percentage (".564"), a dash, "1/2"; no decimals ("Sales 9.06 9.31"
#: is a financial table, "10.05" an athlete's time)
_CELL = r"(?:\d+|\.\d+|-|\d+/\d+)"
_TAIL = r"(?: \([^()\n]{1,40}\))?\.?"
#: a standings row: the name, then two or more number cells and nothing else
_ROW = re.compile(rf"({_NAME})(?: {_CELL}){{2,}}")
#: a score: two names, each with its goals or points
_SCORE = re.compile(rf"({_NAME}) \d+,? ({_NAME}) \d+{_TAIL}")
#: a fixture: "Walsall v Wrexham", after a label or a date ("Postponed: ...", "August 16-18 v Kent")
_VERSUS = re.compile(rf"(?:[^:\n]{{1,30}}: |[A-Z][a-z]+ [\d-]+ )?(?:({_NAME}) )?vs?\.? ({_NAME}){_TAIL}")
#: an ALL CAPS fixture "KANSAS CITY AT DETROIT": the visitors, then the venue
_AT = re.compile(rf"({_NAME}) AT ({_NAME})")
#: a ranked athlete: "2. Michael Johnson (U.S.) 20.02", "Ernie Els (South Africa) 68 70": a full
#: name, its country or club in brackets, with a rank before or a result after
_PARTICLE = r"(?:van|von|de|der|den|da|del|di|du|la|le)"
_PERSON = rf"({_WORD}(?: (?:{_WORD}|{_PARTICLE})){{1,3}}) \([^()\n]{{2,30}}\)"
#: after a ranked athlete's country: a team or a car, then a result or "same time"
_TEAM_AFTER = re.compile(
    rf" \([^()\n]{{2,30}}\),? ({_WORD}(?: {_WORD}){{0,3}})(?:,? (?=\d)| (?=(?:all )?same time)|$)"
)
#: switch for the benchmark's fitting check (benchmarks/entities.py); chosen on half of CoNLL dev
ATHLETE_TEAMS = True
_ATHLETE = re.compile(rf"=?\d+\. ?{_PERSON}(?:,| \d| [A-Z]|$).*|{_PERSON} \d.*")


#: a goal scorer: "Marc Degryse (13th)", "Jan Allan Mueller (60th minute)", "Shearer (pen)"
_SCORER = re.compile(
    rf"(?<![\w.])({_WORD}(?: (?:{_WORD}|{_PARTICLE})){{0,3}})"
    r" \((?:\d{1,3}(?:st|nd|rd|th)(?: minute)?|pen|penalty)[,)]"
)
#: a cricket batting line: "M. Waugh c and b Jayasuriya 50", "S. Law c Tillekeratne b Dharmasena 13":
#: the fielder and the bowler
_BATTING = re.compile(r"[A-Z]\. ?[A-Z][\w'-]+ (?:c|b|st|lbw|run out|not out)\b")
_DISMISSED_BY = re.compile(rf"\b(?:c|st|b) ({_WORD}(?: {_WORD})?)(?= b | \d|$)")
#: bowling figures, overs-maidens-runs-wickets: "Muralitharan 10-0-41-2"
_BOWLER = re.compile(
    r"(?<![\w.])((?:[A-Z]\. ?)?(?:de )?[A-Z][\w'-]+) \d{1,2}(?:\.\d)?-\d{1,2}-\d{1,3}-\d{1,2}\b"
)
#: switch for the benchmark's fitting check (benchmarks/entities.py); chosen on half of CoNLL dev
SCORECARDS = True
#: an everyday word ("Reading", "Hull") is a side where the score's other side or the standings
#: row above is a team; chosen on half of CoNLL dev
EVERYDAY_SIDES = True


def _players(line: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of goal scorers, fielders and bowlers named in a scorecard line."""
    out = [(m.start(1), m.end(1), m.group(1)) for m in _SCORER.finditer(line)]
    if _BATTING.match(line):
        out += [(m.start(1), m.end(1), m.group(1)) for m in _DISMISSED_BY.finditer(line, 4)]
    out += [(m.start(1), m.end(1), m.group(1)) for m in _BOWLER.finditer(line)]
    return out


def results_spans(
    text: str,
    countries: Collection[str],
    people: Collection[str] = (),
    is_common: Callable[[str], bool] | None = None,
    places: Collection[str] = (),
) -> list[tuple[int, int, str, str]]:
    """(start, end, name, kind) of each team ("organisations") in ``text``'s results lines, of
    each venue of an "X AT Y" fixture ("places") and of each ranked athlete ("people"); the name
    in title case when the line is ALL CAPS ("KANSAS CITY" -> "Kansas City"). ``people``: the
    article's people's names and surnames (never teams); ``is_common``: a lone everyday word
    that is no known place ("Total") is not taken for a team; ``places``: known place names (a
    club named by its city, "Manchester United (England) 2", is no athlete)."""
    out: list[tuple[int, int, str, str]] = []
    pos = 0
    row_above = False  # the line above is a standings row whose side is no everyday word
    for line in text.split("\n"):
        stripped = line.rstrip()
        if SCORECARDS and len(stripped) <= 2 * _MAX_LINE:
            out += [
                (pos + a, pos + b, name, "people")
                for a, b, name in _players(stripped)
                # "Sales 10-0-41-2": an everyday word alone is no player
                if " " in name or is_common is None or not is_common(name)
            ]
        groups: list[tuple[int, int]] = []
        venue = -1
        # results lines are short; prose paragraphs skip the patterns (ingest cost)
        athlete = False
        matched = None
        for pattern in (_ROW, _SCORE, _AT, _VERSUS, _ATHLETE) if len(stripped) <= _MAX_LINE else ():
            m = pattern.fullmatch(stripped)
            if m:
                groups = [m.span(g) for g in range(1, (m.lastindex or 0) + 1) if m.group(g)]
                venue = m.start(2) if pattern is _AT else -1
                athlete = pattern is _ATHLETE
                matched = pattern
                break
        if athlete:
            a, b = groups[-1]
            first = line[a:b].split()[0]
            if first not in places and first not in countries:
                surface = line[a:b]
                out.append((pos + a, pos + b, surface.title() if surface.isupper() else surface, "people"))
                # the athlete's team or car after the country: "(Germany) Telekom 4 hours",
                # "(Italy), Reynard Honda, 53.980"
                team = _TEAM_AFTER.match(line, b) if ATHLETE_TEAMS else None
                name = team.group(1) if team else ""
                # a lone everyday word is no team ("(Norway) Second 5")
                everyday = " " not in name and is_common is not None and is_common(name)
                if team and name not in countries and name not in places and not everyday:
                    out.append((pos + team.start(1), pos + team.end(1), name, "organisations"))
            pos += len(line) + 1
            row_above = False
            continue
        sides = []
        for a, b in groups:
            surface = line[a:b]
            name = surface.title() if surface.isupper() and len(surface) > 3 else surface
            if name in countries or name in people or name.split()[-1] in people:
                continue
            everyday = is_common is not None and " " not in name and is_common(name)
            sides.append((a, b, name, everyday))
        # an everyday word is a side where the line's other side, or the standings row above,
        # is a team: "Reading 2 Stoke 2", "Fulham 4 3 0 1 5 3 9" then "Hull 4 2 2 0 4 2 8"
        vouched = EVERYDAY_SIDES and (
            (matched is _ROW and row_above) or (len(sides) == 2 and not all(e for *_, e in sides))
        )
        row_above = matched is _ROW and bool(sides) and not sides[0][3]
        for a, b, name, everyday in sides:
            if everyday and not vouched:
                continue
            out.append((pos + a, pos + b, name, "places" if a == venue else "organisations"))
        pos += len(line) + 1
    return out
