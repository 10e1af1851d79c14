"""Organisations the model and the rule tagger miss in English news prose.

Each rule reads the article's own wording, never a list of names:

- rare acronyms: an all-capitals word in a prose line that is no everyday word, place or
  numeral ("aiding KDP", "PAP news agency", "network CNBC") names an organisation;
- desk signatures: a wire report's closing line ("-- London Newsroom +44 171 542 8062")
  names the desk that filed it;
- company names: capitalised words ending in a company form ("Jones Medical Industries Inc",
  "Gold Fields of South Africa Ltd", "Salomon Bros.") are one organisation, and the name
  less its form ("Hindustan Copper"), or its first word when that is a rare word ("Caltex"
  for "Caltex Petroleum Corp"), names it elsewhere in the article;
- clubs with their country: in a results line "Red Star (Yugoslavia) beat Dinamo (Russia)
  92-90", "Alba (Germany) 75 Benetton (Italy) 70", the sides are clubs, unless a first name
  makes them people ("Anthony Hill (Australia) beat Dan Jenson (Australia)");
- club words: in a sports report, a name written as a club is written ("former Auxerre
  playmaker", "his Saracens side", "joined Milan from Torino", "champions Bath") is a club;
  countries, demonyms, everyday words and people's names are not;
- dated names: a month the model read into an organisation's name is cut off it ("August
  National Association of Purchasing Management", "Sept Brent").

Written looking at the even-numbered documents of the CoNLL-2003 dev file only, and
reported on the odd ones (benchmarks/README.md, "Entities").
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable, Collection, Mapping

from .entity_rules import Span
from .lexicon import _FUNCTION_WORDS as _OPENERS
from .lexicon import _Lexicon
from .sports_teams import sports_report

#: rare acronyms are organisations (see the module docstring)
RARE_ACRONYMS = True
#: desk signatures name the desk (see the module docstring)
DESK_SIGNATURES = True
#: company names end in their legal form (see the module docstring)
COMPANY_NAMES = True
#: clubs named with their country in a results line are organisations (see the module docstring)
COUNTRY_TEAMS = True
#: a club named by the words of a sports report (see the module docstring)
CLUB_WORDS = True
#: a month read into an organisation's name is cut off it (see the module docstring)
DATED_NAMES = True

#: an acronym more frequent than this (wordfreq Zipf, its lower-case form) is a word or a unit
#: before it is a name: "CEO" 4.5, "GDP" 4.0, "GMT" 3.7; the rare ones are parties, firms and
#: agencies ("KDP" 2.4, "CNBC" 3.1)
ACRONYM_MAX_ZIPF = 3.4
#: a prose line has at least this many words in lower case (not a table row or a heading)
_PROSE_WORDS = 3

#: runs of capitals; the bounds are tested in Python (a look-behind at every position costs more)
_CAPITALS_RE = re.compile(r"[A-Z][A-Z]+")
_ROMAN_RE = re.compile(r"[IVXLC]+")
#: "-- Jim Ballantyne, London Newsroom +44 171 ...": an optional signer, then the desk before
#: its telephone number
_SIGNATURE_RE = re.compile(
    r"^-- (?:[A-Z][\w.'-]+(?: [A-Z][\w.'-]+)+, )?"
    r"([A-Z][\w&.'-]*(?: (?!Tel\b)[A-Z][\w&.'-]*){1,3}),? *(?:\+|\(\d|\d|Tel\b)",
    re.M,
)
#: a company's legal form, last in its name ("Co" also in "Bay Co Building Authority": not last)
_FORMS = frozenset(
    {"Inc", "Corp", "Co", "Cos", "Ltd", "Plc", "PLC", "LLC", "AG", "SA", "NV", "SpA", "GmbH", "Bros"}
)
#: ... the same forms as one pattern (longest first: "Cos" is tried before "Co")
_FORM_RE = re.compile(
    r" (?:" + "|".join(sorted(map(re.escape, _FORMS), key=lambda f: (-len(f), f))) + r")(?![\w&'-])"
)
#: at most this many words before the form
_COMPANY_WORDS = 5
_MONTHS = frozenset(
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October"}
    | {"November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct"}
    | {"Nov", "Dec"}
)
_SIDE = r"[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3}"
_COUNTRY_SCORE_RE = re.compile(
    rf"^({_SIDE}) \(([A-Z][\w .-]+)\),? (?:\d+ |beat |v |vs\.? )({_SIDE}) \(([A-Z][\w .-]+)\),? \d", re.M
)
_CLUB_NAME = r"([A-Z][a-z]+(?: [A-Z][a-z]+)?)"
#: the words before a club ("former Auxerre", "joined Milan from Torino") ...
_CLUB_AFTER_RE = re.compile(
    rf"\b(?:former|champions|winners over|joined|transferred to|signed for|move to|moved to) {_CLUB_NAME}"
    rf"(?![\w'-])(?: from {_CLUB_NAME}\b)?"
)
#: ... or after it ("his Saracens side", "Deportivo's keeper"): the role word is found first, the
#: name read back from it (cheaper than trying a name at every capital)
_CLUB_ROLE_RE = re.compile(
    r" (?:side|playmaker|striker|midfielder|defender|goalkeeper|keeper|coach|manager)\b"
)
_NAME_BEFORE_RE = re.compile(rf"(?<![\w'-]){_CLUB_NAME}'?s?$")
_DESK_WORDS = frozenset({"Newsroom", "Desk", "Bureau", "Newsdesk"})
Found = list[tuple[int, int, str]]


_LOWER_WORD_RE = re.compile(r"(?<!\S)[a-z]")


def _prose(line: str) -> bool:
    # the first few lower-case words decide it: no need to split a long paragraph
    return len(list(itertools.islice(_LOWER_WORD_RE.finditer(line), _PROSE_WORDS))) >= _PROSE_WORDS


def rare_acronyms(
    text: str,
    lines: list[tuple[int, int, bool]],
    places: Mapping[str, str],
    zipf: Callable[[str], float],
) -> Found:
    """(start, end, name) of every mention of an acronym that a prose line names as above."""
    accepted: set[str] = set()
    rejected: set[str] = set()
    starts = [a for a, _, _ in lines]
    # the acronyms first (few an article), then the line of each: cheaper than reading every line
    for m in _CAPITALS_RE.finditer(text):
        word = m.group(0)
        if word in accepted or word in rejected or not _acronym_bounds(text, m.start(), m.end()):
            continue
        if word in places or _ROMAN_RE.fullmatch(word) or zipf(word.lower()) > ACRONYM_MAX_ZIPF:
            rejected.add(word)
            continue
        a, b, headline = lines[bisect.bisect_right(starts, m.start()) - 1]
        if not headline and _prose(text[a:b]):
            accepted.add(word)
    return _every_mention(text, accepted)


def _acronym_bounds(text: str, start: int, end: int) -> bool:
    """A word of 2-6 capitals alone: "KDP", "KDP's", not "KDP-controlled", "U.S.", "NOTE:" or "IIIrd"."""
    if end - start > 6 or (start and (text[start - 1].isalnum() or text[start - 1] in "_.&'/-")):
        return False
    after = text[end : end + 2]
    return not after or not (
        after[0].isalnum() or after[0] in "_&/-:" or (after[0] == "." and after[1:].isalnum())
    )


def desk_signatures(text: str, places: Mapping[str, str], given_names: frozenset[str]) -> Found:
    """The desk named in a wire report's signature line ("-- Warsaw Newsroom +48 ...")."""
    out: Found = []
    if "-- " not in text:
        return out
    for m in _SIGNATURE_RE.finditer(text):
        words = m.group(1).split()
        desk = words[-1] in _DESK_WORDS or (words[0] in places and not any(w in given_names for w in words))
        if desk:
            out.append((m.start(1), m.end(1), m.group(1)))
    return out


def company_names(
    text: str,
    places: Mapping[str, str],
    openers: frozenset[str],
    rare: Callable[[str], bool],
) -> tuple[Found, Found]:
    """(full names, their other mentions): each (start, end, full name)."""
    full: Found = []
    for m in _FORM_RE.finditer(text):
        form_start, form_end = m.start() + 1, m.end()
        nxt = re.match(r"\.? ?([A-Z][\w&-]*)", text[form_end : form_end + 30])
        if nxt and (nxt.group(1) in _FORMS or (not text[form_end].isspace() and text[form_end] != ".")):
            continue  # "Co Inc": the last form ends the name
        if nxt and text[form_end] == " " and nxt.group(1)[0].isupper():
            continue  # "Bay Co Building Authority": a form inside a longer name
        words: list[tuple[int, str]] = []
        at = form_start - 1  # the space before the form
        while len(words) < _COMPANY_WORDS:
            word_start = text.rfind(" ", 0, at) + 1
            line_start = text.rfind("\n", 0, at) + 1
            word_start = max(word_start, line_start)
            word = text[word_start:at]
            if word == "of" and words:
                # "Gold Fields of South Africa Ltd": "of" and a place before the form
                tail = " ".join(w for _, w in words)
                if tail not in places:
                    break
            elif word != "&" and not re.fullmatch(r"[A-Z][\w.&-]*", word):
                break  # "Gold Fields' Kloof Gold Mining Co": a possessive belongs to another name
            words.insert(0, (word_start, word))
            if word_start == line_start or text[word_start - 1] != " ":
                break
            at = word_start - 1
        # a table row's label is everyday words ("Company Name Homegate Hospitality Inc")
        line_end = text.find("\n", form_end)
        row = text[text.rfind("\n", 0, form_start) + 1 : line_end if line_end >= 0 else len(text)]
        label = not any(w[:1].islower() for w in row.split())
        while words and (
            words[0][1] in ("of", "&")
            or (words[0][1] in openers and len(words) > 1 and words[1][1] != "of")
            or (label and not rare(words[0][1]) and len(words) > 1 and words[1][1] != "of")
        ):
            words.pop(0)
        if not words:
            continue
        end = form_end
        after = text[end + 1 : end + 3]
        if (
            text.startswith(".", end)
            and after[:1] != ""
            and (after[:1] in ",'" or after[1:].islower() or after[1:].isdigit())
        ):
            end += 1  # "Barnett Banks Inc. in Jacksonville"; "... Inc." ends the sentence
        name = text[words[0][0] : form_end]  # "Barnett Banks Inc" wherever the stop stands
        full.append((words[0][0], end, name))
    short: dict[str, str] = {}
    for _, _, name in full:
        stem = name[: name.rfind(" ")]
        short.setdefault(stem, name)
        first = stem.split()[0]
        if " " in stem and rare(first):
            short.setdefault(first, name)
    taken = [(a, b) for a, b, _ in full]
    others = [
        (a, b, short[n])
        for a, b, n in _every_mention(text, set(short))
        if not any(x <= a and b <= y for x, y in taken)
    ]
    return full, others


def _every_mention(text: str, names: set[str]) -> Found:
    out: Found = []
    for name in names:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before in "&'.-_") and not (after.isalnum() or after in "&-_"):
                out.append((at, end, name))
            at = text.find(name, end)
    return out


def apply_org_rules(
    text: str, spans: list[Span], lex: _Lexicon, lines: list[tuple[int, int, bool]]
) -> list[Span]:
    """``spans`` with the organisations above: a desk or a company's full name replaces what
    overlaps it, a shorter mention of the company a person or place read into it, an acronym
    is taken where nothing else was."""
    out = list(spans)
    if DATED_NAMES:
        out = [_undated(text, s) for s in out]
        # the acronym that stands for a dated name ("(NAPM)") takes the name less its month
        renamed = {old.name: new.name for old, new in zip(spans, out, strict=True) if old.name != new.name}
        if renamed:
            out = [s._replace(name=renamed.get(s.name, s.name)) for s in out]
    if COUNTRY_TEAMS:
        out = _replace(out, country_teams(text, lex.places, lex.given_names), lambda s: True)
    if CLUB_WORDS:
        people_words = {w for s in out if s.kind == "people" for w in s.name.split()}
        out = _replace(out, club_words(text, lex, people_words), lambda s: s.kind != "organisations")
    if DESK_SIGNATURES:
        out = _replace(out, desk_signatures(text, lex.places, lex.given_names), lambda s: True)
    if COMPANY_NAMES:
        full, others = company_names(text, lex.places, _OPENERS, lambda w: _rare_word(w, lex))
        out = _replace(out, full, lambda s: True)
        out = _replace(out, others, lambda s: s.kind != "organisations")
    if RARE_ACRONYMS:
        found = rare_acronyms(text, lines, lex.places, _zipf)
        out = _replace(out, found, lambda s: False)
    return out


def country_teams(text: str, places: Mapping[str, str], given_names: Collection[str]) -> Found:
    """The two sides of each results line that names them with their countries."""
    out: Found = []
    if " (" not in text:
        return out
    for m in _COUNTRY_SCORE_RE.finditer(text):
        if m.group(2) not in places and m.group(4) not in places:  # countries are places too
            continue
        sides = [(m.start(g), m.end(g), m.group(g)) for g in (1, 3)]
        if any(" " in name and name.split()[0] in given_names for _, _, name in sides):
            continue  # "Anthony Hill (Australia) beat ...": players
        out += sides
    return out


def club_words(text: str, lex: _Lexicon, people_words: set[str]) -> Found:
    """Every mention of a club the report names as a club (see the module docstring)."""
    found: Found = []
    for m in _CLUB_AFTER_RE.finditer(text):
        found += [(m.start(g), m.end(g), m.group(g)) for g in (1, 2) if m.group(g)]
    for m in _CLUB_ROLE_RE.finditer(text):
        before = _NAME_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
        if before:
            found.append((before.start(1), before.end(1), before.group(1)))
    # the sports test reads the whole text: only where a club's words were found
    if not found or not sports_report(text):
        return []
    names: set[str] = set()
    here: Found = []  # a place is a club where the report says so, and a place elsewhere
    for start, end, name in found:
        if name in lex.countries or name in people_words:
            continue
        words = name.split()
        if any(lex.is_demonym(w) or w in lex.given_names for w in words):
            continue
        if name in lex.places:
            here.append((start, end, name))
        elif not lex.is_common(words[-1]):
            names.add(name)
    return here + _every_mention(text, names)


def _undated(text: str, span: Span) -> Span:
    """An organisation less the month it was read with ("August National Association of
    Purchasing Management", "Sept Brent"): a date is no part of a name."""
    if span.kind != "organisations":
        return span
    first, _, rest = text[span.start : span.end].partition(" ")
    if first.rstrip(".") not in _MONTHS or not rest[:1].isupper() or not span.name.endswith(rest):
        return span  # "(NAPM)" named for its long form is left as it is
    return Span(span.end - len(rest), span.end, span.kind, span.name[len(span.name) - len(rest) :])


def _rare_word(word: str, lex: _Lexicon) -> bool:
    return not (lex.is_common(word) or word in lex.given_names or word in lex.places or lex.is_demonym(word))


def _zipf(word: str) -> float:
    """Zipf frequency of a lower-case word in wordfreq's small English list (the one the
    lexicon reads, cached by wordfreq: no second list to load, no tokenizer per word)."""
    import wordfreq

    freq = wordfreq.get_frequency_dict("en", wordlist="small").get(word, 0.0)
    return math.log10(freq) + 9 if freq > 0 else 0.0


def _replace(spans: list[Span], found: Found, replaceable: Callable[[Span], bool]) -> list[Span]:
    """``found`` become organisations where every span they overlap is ``replaceable``."""
    if not found:
        return spans
    ordered = sorted(spans)
    starts = [s.start for s in ordered]
    # no span is longer than this: the spans that may overlap (a, b) start after a - longest
    longest = max((s.end - s.start for s in ordered), default=0)
    kept: list[Span] = []
    last_end = -1
    dropped: set[Span] = set()
    for a, b, name in sorted(found, key=lambda f: (f[0], -f[1])):  # the longest first
        if a < last_end:
            continue  # overlaps the organisation kept before it
        lo, hi = bisect.bisect_left(starts, a - longest), bisect.bisect_left(starts, b)
        hit = [s for s in ordered[lo:hi] if a < s.end]
        if any(not replaceable(s) for s in hit):
            continue
        dropped.update(hit)
        kept.append(Span(a, b, "organisations", name))
        last_end = b
    return kept + [s for s in spans if s not in dropped]
