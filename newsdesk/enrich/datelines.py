"""The place a news report is filed from: its dateline, in capitals at the start of a line.

Wire copy opens with the place in capitals, then a date or the agency: "WARSAW
1996-08-30", "KHASAVYURT, Russia 1996-08-30", "LONDON (Reuters) -", "PARIS, Dec 4".
Desk summaries open a paragraph the same way with a country and a dash ("GERMANY -
Bunds extended losses"). The NER model reads a lone word in capitals as an
organisation, and the gazetteer knows only large cities, so the shape decides:
what stands there is a place, and the same word elsewhere in the report is that
place too ("Longyear is a town in mourning").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: switch for the benchmark's fitting check (benchmarks/entities.py); chosen on half of CoNLL dev
DATELINES = True

_CAPS = r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}"
_TITLED = r"[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
#: the place, an optional region or country after a comma, then a date or an agency in brackets
_DATELINE_RE = re.compile(
    rf"^({_CAPS})(?:, ({_TITLED}))?(?: \d{{4}}-\d\d-\d\d\b|,? {_MONTH} \d{{1,2}}\b| \([A-Z][\w ]{{1,30}}\))",
    re.M,
)
#: "GERMANY - Bunds extended losses": a country in capitals heading a paragraph
_HEADED_RE = re.compile(rf"^({_CAPS}) - \S", re.M)


def _titled(caps: str) -> str:
    return " ".join(w if len(w) <= 2 and "." in w else w.title() for w in caps.split())


def dateline_places(text: str, places: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of each dateline place and paragraph-heading place in ``text``;
    ``places``: the gazetteer (name -> canonical name), which a heading must be in."""
    out: list[tuple[int, int, str]] = []
    for m in _DATELINE_RE.finditer(text):
        name = _titled(m.group(1))
        out.append((m.start(1), m.end(1), places.get(name, name)))
        if m.group(2) and m.group(2) in places:
            out.append((m.start(2), m.end(2), places[m.group(2)]))
    for m in _HEADED_RE.finditer(text):
        name = _titled(m.group(1))
        if name in places:
            out.append((m.start(1), m.end(1), places[name]))
    return out
