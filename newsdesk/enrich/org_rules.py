"""Organisations the model and the rule tagger miss in English news prose.

Each rule reads the article's own wording, never a list of names:

- rare acronyms: an all-capitals word in a prose line that is no everyday word, place or
  numeral ("aiding KDP", "PAP news agency", "network CNBC") names an organisation;
- desk signatures: a wire report's closing line ("-- London Newsroom +44 171 542 8062")
  names the desk that filed it.

Written looking at the even-numbered documents of the CoNLL-2003 dev file only, and
reported on the odd ones (benchmarks/README.md, "Entities").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Mapping

from .entity_rules import Span, _Lexicon

#: rare acronyms are organisations (see the module docstring)
RARE_ACRONYMS = True
#: desk signatures name the desk (see the module docstring)
DESK_SIGNATURES = True

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
_DESK_WORDS = frozenset({"Newsroom", "Desk", "Bureau", "Newsdesk"})
Found = list[tuple[int, int, str]]


def _prose(line: str) -> bool:
    return sum(1 for w in line.split() if w[:1].islower()) >= _PROSE_WORDS


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
    """``spans`` with the organisations above: a desk replaces what overlaps it,
    an acronym is taken where nothing else was."""
    out = list(spans)
    if DESK_SIGNATURES:
        out = _replace(out, desk_signatures(text, lex.places, lex.given_names), lambda s: True)
    if RARE_ACRONYMS:
        found = rare_acronyms(text, lines, lex.places, _zipf)
        out = _replace(out, found, lambda s: False)
    return out


@functools.lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    import wordfreq

    return float(wordfreq.zipf_frequency(word, "en"))


def _replace(spans: list[Span], found: Found, replaceable: Callable[[Span], bool]) -> list[Span]:
    """``found`` become organisations where every span they overlap is ``replaceable``."""
    if not found:
        return spans
    kept: list[Span] = []
    dropped: set[Span] = set()
    for a, b, name in sorted(found):
        hit = [s for s in spans if s.start < b and a < s.end]
        if any(not replaceable(s) for s in hit) or any(k.start < b and a < k.end for k in kept):
            continue
        dropped.update(hit)
        kept.append(Span(a, b, "organisations", name))
    return kept + [s for s in spans if s not in dropped]
