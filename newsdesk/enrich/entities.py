"""People, organisations and places named in an article, with mention counts.

The names come from spaCy's small NER pipelines (:mod:`newsdesk.enrich.ner`:
English and French; German, Spanish and Italian have no packaged model and are
skipped with a reason). Around the model, per article:

1. The model reads the first :data:`NER_CHARS` characters (headline, lead and
   the first paragraphs: where news names its actors). Its cost grows with
   length, and ingest has a budget (benchmarks/README.md, "Entities").
2. Every name it found is then counted over the *whole* text, and found again in
   headline-case lines the model was not shown: "Wang said" late in a long
   article counts for Wang Yi, "LEICESTERSHIRE" in a headline for Leicestershire.
   A bare surname counts for the one person it belongs to; a lone word that is
   part of a person's name is that person (the model often reads a bare surname
   as a place or an organisation).
3. English only: past the model's reach, the rule tagger's people and
   organisations (in lines that are not headline-case) are taken too: at a fixed
   cost budget this beats a longer reach for the model (benchmarks/README.md).
4. English only: the gazetteer of :mod:`newsdesk.enrich.entity_rules` (countries,
   continents, US states, large cities) names places the model missed, gives a
   country its place kind when the model called it an organisation or a person,
   and folds aliases ("U.S.", "Britain") into one name.
5. English only: teams named in sports results lines (standings rows, scores,
   fixtures) are organisations, though the model and the gazetteer read
   "Chicago" as a place, and ranked athletes ("2. Michael Johnson (U.S.) 20.02")
   are people (:mod:`newsdesk.enrich.results_lines`).
6. English only: past the model's reach, a known first name followed by a surname
   is a person without a title or speech verb ("Mark Butcher"); anywhere, an
   initial and a surname ("M. Waugh", "Donald J. Trump") is a person; in the model's
   lead, a first name and a surname it missed is a person too, and in a line listing
   names; a title and a surname ("President Clinton") is a person.
7. English: sports teams named in prose ("the Boston Red Sox", "Manchester United",
   "Leeds beat Chelsea") are organisations (:mod:`newsdesk.enrich.sports_teams`).
8. English: the place a report is filed from ("KHASAVYURT, Russia 1996-08-30") is a
   place, there and elsewhere in the report (:mod:`newsdesk.enrich.datelines`).
9. English: organisations named by the article's own wording: rare acronyms in prose ("aiding
   KDP"), a wire desk's signature, a company's name ending in its legal form ("Dow Chemical Co")
   and its shorter mentions (:mod:`newsdesk.enrich.org_rules`).

``method="rules"`` runs the old rule tagger instead (the baseline that
``benchmarks/entities.py`` reports beside this path).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import Literal

from ..model import Article
from . import ner
from .datelines import DATELINES, dateline_places
from .entity_rules import (
    KINDS,
    EntityResult,
    Span,
    _Lexicon,
    count_spans,
    find_spans,
    get_lexicon,
    is_name_word,
)
from .known_orgs import KNOWN_ORGS as KNOWN_ORG_NAMES
from .known_orgs import known_org_spans
from .org_rules import apply_org_rules
from .results_lines import results_spans
from .sports_teams import team_spans

__all__ = [
    "KINDS",
    "NER_CHARS",
    "EntityResult",
    "Span",
    "apply_entities",
    "apply_entities_batch",
    "extract_entities",
    "find_entities",
    "find_entities_batch",
    "find_spans_batch",
]

#: characters of each article the NER model reads; names it found are counted further on.
#: Cost is linear in this: see benchmarks/README.md "Entities" for the speed and F1 it buys.
NER_CHARS = 600
#: past NER_CHARS, take the rule tagger's people and organisations (measured: benchmarks/entities.py)
RULES_AFTER_LEAD = True
#: ... and in their strict form (a person needs a title, role or speech verb beside the name)
RULES_STRICT = False
#: English: teams in sports results lines are organisations, ranked athletes people
#: (results_lines.py). Teams' other mentions were tried too: no better on the half of CoNLL
#: dev the rule was written on
RESULTS_TEAMS = True
#: English: a lone word called a person with no full name in the article to belong to is no
#: person. News introduces a person by full name; the small model calls companies, teams and
#: counties persons ("SpaceX", "Cofinec", "Surrey"): a rare word becomes an organisation, an
#: everyday one ("Email") is left out. Chosen on half of CoNLL dev (benchmarks/README.md)
LONE_PEOPLE_RULE = True
#: English, past NER_CHARS: a known first name followed by a surname is a person without a
#: title or speech verb beside it ("Mark Butcher"; entity_rules._given_name_first). Chosen on
#: half of CoNLL dev, checked on the other half (benchmarks/README.md)
GIVEN_NAMES = True
#: the start of a list item or a label line: bullets, dashes, numbering, then words up to a colon
_ACRONYM_AFTER_RE = re.compile(r"\s*\(([A-Z][A-Z.&]{1,9})\)")
_LABEL_RE = re.compile(r"\s*(?:[•·*\-–—▪►]|\d{1,2}[.)])?\s*[^\n:.]{1,60}:")
Method = Literal["ner", "rules"]
#: English: "M. Waugh", "R. Ponting" (one initial, then a surname) are people; scoreboards and
#: sports reports name players so. Chosen on half of CoNLL dev (benchmarks/README.md)
INITIALLED_PEOPLE = True
#: English: news agencies and international bodies named by a bare word ("told Reuters", "the
#: Fed") are organisations where nothing else was found (known_orgs.py). Chosen on half of
#: CoNLL dev (benchmarks/README.md)
KNOWN_ORGS = True
#: English: a place in ALL CAPS is found in any ALL CAPS line, a dateline too ("BELGRADE
#: 1996-08-30"), not only in headline-case lines. Chosen on half of CoNLL dev
ALL_CAPS_DATELINES = True
#: English, in the model's lead: a first name and a surname the model missed is a person
#: ("7 - Chris Walker (England) 15-8": score lines are not the newswire it learnt from). Chosen
#: on half of CoNLL dev (benchmarks/README.md)
LEAD_RULE_PEOPLE = True
#: English: a person named by a title and a surname alone ("President Clinton", "Mr Frater") is a
#: person, and that surname elsewhere in the article too. Chosen on half of CoNLL dev
TITLED_PEOPLE = True
#: English: in a line listing three or more names, a first name and a surname is a person though
#: the line reads as headline case. Chosen on half of CoNLL dev
NAME_LISTS = True
#: English and French: the acronym an organisation is defined by ("European Central Bank (ECB)")
#: is a mention of it there too, as news readers (and CoNLL) count it. Chosen on half of CoNLL dev
ACRONYM_MENTIONS = True
_TITLED_RE = re.compile(
    r"(?<![\w.])(?:[Pp]resident|[Ss]enator|Sen\.|[Gg]overnor|Gov\.|[Mm]inister|[Pp]remier|[Cc]hancellor|"
    r"[Mm]ayor|[Jj]udge|[Aa]mbassador|Pope|Mr|Mrs|Ms|Dr)\.? ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    # not the first of several names ("President Zine al-Abidine Ben Ali"); "Clinton's" is him
    r"(?![\w-]| [A-Z]|\.[A-Z]| (?:al|bin|de|van|von|da|di|le|la)\b)(?![’'](?![sS]\b))"
)
#: English: sports teams named in prose are organisations (sports_teams.py). Chosen on half of
#: CoNLL dev (benchmarks/README.md)
SPORTS_TEAMS = True
#: an optional first name, one capital and a full stop (not after a letter or a stop: "U.S. Open"
#: is no "S. Open"), then a capitalised surname ("McGrath" too)
_INITIALLED_RE = re.compile(
    r"(?<![\w.’'])(?:([A-Z][a-z]+) )?[A-Z]\. ?([A-Z][a-z]+(?:[A-Z][a-z]+)?)\b(?![.’'/-]?\w)"
)
_MIDDLE_INITIAL_RE = re.compile(r" [A-Z]\. ")
_WORD_BEFORE_RE = re.compile(r"([A-Z][\w.’'-]*)\s+$")


def language_code(language: str) -> str:
    return (language or "").lower().split("-")[0].split("_")[0]


def _skip_reason(language: str, method: Method) -> str:
    shown = repr(language) if language else "unknown"
    covered = ", ".join(sorted(ner.PIPELINES)) if method == "ner" else "en"
    return f"entities not extracted: language {shown} is not supported (covered: {covered})"


def _lead(text: str, max_chars: int) -> str:
    """The first ``max_chars`` characters, cut back to a line or word boundary."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind("\n", 0, max_chars)
    if cut < max_chars // 2:
        cut = text.rfind(" ", 0, max_chars)
    return text[: max(cut, 0)] if cut > 0 else text[:max_chars]


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_left(taken, (start, start))
    return any(a < end and start < b for a, b in taken[max(0, i - 1) : i + 1])


def _word_bounded(text: str, start: int, end: int) -> bool:
    """text[start:end] is not part of a longer word."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    # "Wang's" counts; "O'Brien" is no mention of "Brien"
    return not (before.isalnum() or before in "'’_") and not (after.isalnum() or after == "_")


def _menu_item(text: str, span: Span, is_common: Callable[[str], bool]) -> bool:
    """A line that is nothing but everyday words in capitals: "Table of Contents", "Previous Post"."""
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    if text[line_start : line_end if line_end >= 0 else len(text)].strip() != text[span.start : span.end]:
        return False
    return all(is_common(w) or w.lower() in ("of", "and", "the") for w in span.name.split())


def _could_be_surname(word: str, lex: _Lexicon) -> bool:
    """A word after an initial or a title that may be a surname: no place, country word or
    demonym ("J. Paris", "President Kenya", "Mr American" are not people)."""
    return not (
        word in lex.places or word in lex.country_words or lex.is_demonym(word) or not is_name_word(word)
    )


def _initialled_people(text: str, lex: _Lexicon) -> list[Span]:
    """People named by an initial and a surname ("M. Waugh"; the surname no place, demonym,
    title or institution), or a first name, an initial and a surname ("Donald J. Trump")."""
    out = []
    for m in _INITIALLED_RE.finditer(text):
        first, surname = m.group(1), m.group(2)
        if not _could_be_surname(surname, lex):
            continue
        if first and first not in lex.given_names:
            continue  # "Carl Court/Getty", "Treasury A. Smith": no first name before the initial
        before = _WORD_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
        if before and is_name_word(before.group(1)):
            continue  # part of a longer name ("Martin Luther J. King"); "Sen. J. Smith" is kept
        out.append(Span(m.start(), m.end(), "people", " ".join(m.group(0).split())))
    return out


def _resolve(text: str, found: list[Span], language: str, lead_end: int) -> list[Span]:
    """The model's spans in ``text[:lead_end]`` made into the article's mentions (steps 2-4 above)."""
    lex = get_lexicon() if language == "en" else None
    lines = ner.line_spans(text, lex.is_common if lex else None)
    starts = [a for a, _, _ in lines]  # the line holding position x: bisect_right(starts, x) - 1
    rule_spans = find_spans(text, given_names=GIVEN_NAMES) if lex is not None else []
    if RULES_AFTER_LEAD and lex is not None and lead_end < len(text):
        # past the model's reach, the rules' people and organisations; not in headline-case
        # lines, nor a list item's label ("• Geopolitical Leverage: Strengthening ...")
        taken_rules: list[Span] = []
        for span in find_spans(text, strict=True) if RULES_STRICT else rule_spans:
            if span.start < lead_end or span.kind == "places" or not ner.looks_like_name(span.name):
                continue
            line_start, _, headline = lines[bisect.bisect_right(starts, span.start) - 1]
            if headline or (_LABEL_RE.match(text, line_start) and text.startswith(":", span.end)):
                continue
            taken_rules.append(span)
        # a bare surname or an acronym counts only for a name written out in a line kept
        full = {s.name for s in found} | {s.name for s in taken_rules if text[s.start : s.end] == s.name}
        found = list(found) + [s for s in taken_rules if s.name in full]
    titled_names: set[str] = set()
    if TITLED_PEOPLE and lex is not None:
        # "President Clinton", "Mr Frater": a person named by title and surname alone
        taken_found = sorted((s.start, s.end) for s in found)
        for m in _TITLED_RE.finditer(text):
            word = m.group(1)
            if not _could_be_surname(word, lex):
                continue
            titled_names.add(word)
            if not _overlaps(taken_found, m.start(1), m.end(1)):
                found = [*found, Span(m.start(1), m.end(1), "people", word)]
    if NAME_LISTS and lex is not None:
        # a line listing people ("67 Mark Calcavecchia, Payne Stewart, Billy Mayfair") reads as
        # headline case; a first name vouches for each name in it
        taken_found = sorted((s.start, s.end) for s in found)
        for span in rule_spans:
            if span.kind != "people" or span.name.split()[0] not in lex.given_names:
                continue
            a, b, headline = lines[bisect.bisect_right(starts, span.start) - 1]
            if headline and text.count(",", a, b) >= 2 and not _overlaps(taken_found, span.start, span.end):
                found = [*found, span]
    if LEAD_RULE_PEOPLE and lex is not None:
        # the lead's people the model missed, when a first name vouches for them (rare words
        # alone do not: "Lebed Chechnya" is a surname and a place)
        model_taken = sorted((s.start, s.end) for s in found)
        extra = []
        for span in rule_spans:
            if span.start >= lead_end or span.kind != "people" or span.name.split()[0] not in lex.given_names:
                continue
            if _overlaps(model_taken, span.start, span.end):
                continue
            if lines[bisect.bisect_right(starts, span.start) - 1][2]:
                continue
            extra.append(span)
        found = list(found) + extra
    if lex is not None and INITIALLED_PEOPLE:
        initialled = _initialled_people(text, lex)
        if initialled:
            taken_initials = sorted((s.start, s.end) for s in initialled)
            found = initialled + [s for s in found if not _overlaps(taken_initials, s.start, s.end)]
    spans: list[Span] = []
    for span in found:
        kind, name = span.kind, span.name
        if lex is not None and _menu_item(text, span, lex.is_common):
            continue
        if lex is not None:
            words = name.split()
            if kind == "people":
                # "American Dennis Mitchell": the demonym describes the person
                # ("Christian" is a first name as well as a demonym: it stays)
                while len(words) > 2 and lex.is_demonym(words[0]) and words[0] not in lex.given_names:
                    words = words[1:]
                if len(words) < len(name.split()):
                    # a span past the lead may carry the full name of the person its word belongs
                    # to ("Bandemer" named "Christian Bandemer"): then the start stays where it is
                    start = text.find(words[0], span.start, span.end)
                    span = Span(start if start >= 0 else span.start, span.end, kind, " ".join(words))
                    name = span.name
            if name in lex.places and (kind != "people" or lex.places[name] in lex.countries):
                kind, name = "places", lex.places[name]
            elif KNOWN_ORGS and kind == "organisations":
                name = KNOWN_ORG_NAMES.get(name, name)  # "U.N." -> United Nations
        spans.append(Span(span.start, span.end, kind, name))

    # "European Central Bank (ECB)": the acronym names that organisation wherever it stands
    acronyms: dict[str, str] = {}
    # without ACRONYM_MENTIONS the "(ECB)" itself is part of the mention before it
    defining: set[int] = set()
    for span in spans:
        if span.kind == "organisations" and " " in span.name:
            defined = _ACRONYM_AFTER_RE.match(text, span.end)
            if defined:
                acronyms[defined.group(1)] = span.name
                if not ACRONYM_MENTIONS:
                    defining.add(defined.start(1))
    spans = [
        Span(s.start, s.end, s.kind, acronyms[s.name])
        if s.kind == "organisations" and s.name in acronyms
        else s
        for s in spans
        if s.start not in defining
    ]

    # "Donald J. Trump" is the "Donald Trump" the article names elsewhere: one person
    people = {s.name for s in spans if s.kind == "people"}
    plain = {n: _MIDDLE_INITIAL_RE.sub(" ", n) for n in people if _MIDDLE_INITIAL_RE.search(n)}
    spans = [
        Span(s.start, s.end, s.kind, plain[s.name])
        if s.kind == "people" and plain.get(s.name) in people
        else s
        for s in spans
    ]

    # a lone word that is part of exactly one person's name is that person; one that is part of
    # no person's name is no person (LONE_PEOPLE_RULE)
    owners: dict[str, set[str]] = {}
    for span in spans:
        if span.kind == "people" and " " in span.name:
            for part in span.name.split():
                if len(part) > 2 and part[0].isupper():
                    owners.setdefault(part, set()).add(span.name)
    resolved = []
    for span in spans:
        who = owners.get(span.name, set())
        if " " not in span.name and len(who) == 1 and not (lex and span.name in lex.countries):
            span = Span(span.start, span.end, "people", next(iter(who)))
        elif (
            LONE_PEOPLE_RULE
            and lex
            and span.kind == "people"
            and " " not in span.name
            and not who
            and span.name not in titled_names
        ):
            if lex.is_common(span.name):
                continue
            span = Span(span.start, span.end, "organisations", span.name)
        resolved.append(span)

    # every name counted over the whole text, including headline-case lines (any case there)
    known: dict[str, tuple[str, str]] = {}
    for span in resolved:
        surface = text[span.start : span.end]
        known.setdefault(" ".join(surface.split()), (span.kind, span.name))
    # a defined acronym counts for its organisation wherever it stands ("the KDP said")
    for acronym, long_form in acronyms.items():
        known.setdefault(acronym, ("organisations", long_form))
    surnames: set[str] = set()
    for part, who in owners.items():
        everyday = lex is not None and (part in lex.places or lex.is_common(part))
        if len(who) == 1 and next(iter(who)).split()[-1] == part and part not in known and not everyday:
            known[part] = ("people", next(iter(who)))
            surnames.add(part)
    taken = sorted([(s.start, s.end) for s in resolved] + [(d, d + 1) for d in defining])
    if known:
        # str.find per name beats one big alternation regex (compiled anew for each article)
        folded = text.lower()
        caseless = len(folded) == len(text)
        hits: list[tuple[int, int, str]] = []
        for surface in sorted(known, key=len, reverse=True):
            for haystack, needle in ((text, surface), (folded, surface.lower())):
                if haystack is folded and not caseless:
                    continue
                at = haystack.find(needle)
                while at >= 0:
                    end = at + len(needle)
                    if _word_bounded(text, at, end):
                        hits.append((at, end, surface))
                    at = haystack.find(needle, end)
        for start, end, surface in sorted(hits, key=lambda h: (h[0], -(h[1] - h[0]))):
            if _overlaps(taken, start, end):
                continue
            headline = lines[bisect.bisect_right(starts, start) - 1][2]
            exact = text[start:end] == surface
            if (not exact and not headline) or (headline and surface in surnames):
                continue
            kind, name = known[surface]
            resolved.append(Span(start, end, kind, name))
            bisect.insort(taken, (start, end))

    # the gazetteer's places that the model missed, in ALL CAPS lines too ("BELGRADE 1996-08-30")
    if lex is not None:
        found_places = [s for s in rule_spans if s.kind == "places"]
        for a, b, headline in lines:
            # an ALL CAPS headline, or a dateline of one word ("BELGRADE 1996-08-30")
            if not text[a:b].isupper() or not (headline or ALL_CAPS_DATELINES):
                continue
            titled = text[a:b].title()
            if len(titled) == b - a:
                found_places += [
                    Span(a + s.start, a + s.end, s.kind, s.name)
                    for s in find_spans(titled)
                    if s.kind == "places"
                ]
        if KNOWN_ORGS:
            found_places += known_org_spans(text)
        for span in found_places:
            if not _overlaps(taken, span.start, span.end):
                resolved.append(span)
                bisect.insort(taken, (span.start, span.end))
    if lex is not None and RESULTS_TEAMS:
        resolved = _results_teams(text, resolved, lex)
    if lex is not None and SPORTS_TEAMS:
        resolved = _sports_teams(text, resolved, lex)
    if lex is not None and DATELINES:
        resolved = _override(resolved, dateline_places(text, lex.places), "places")
    if lex is not None:
        resolved = apply_org_rules(text, resolved, lex, lines)
    resolved.sort()
    return resolved


def _override(spans: list[Span], found: list[tuple[int, int, str]], kind: str) -> list[Span]:
    """``found`` (start, end, name) become spans of ``kind``, replacing what overlaps them; a
    one-word span of another kind elsewhere with one of their names is of ``kind`` too
    ("Longyear is a town in mourning" after the dateline "LONGYEAR")."""
    if not found:
        return spans
    taken = sorted((a, b) for a, b, _ in found)
    names = {name for _, _, name in found if " " not in name}
    kept = [Span(a, b, kind, name) for a, b, name in found]
    for s in spans:
        if _overlaps(taken, s.start, s.end):
            continue
        if s.kind != kind and s.name in names:
            s = Span(s.start, s.end, kind, s.name)
        kept.append(s)
    return kept


def _sports_teams(text: str, spans: list[Span], lex: _Lexicon) -> list[Span]:
    """Teams named in prose (sports_teams.py) become organisations, replacing what overlaps
    them; a team inside a longer organisation's name is left to it."""
    found = team_spans(text, lex.places, lex.countries, lex.is_common, lex.is_demonym)
    if not found:
        return spans
    orgs = sorted((s.start, s.end) for s in spans if s.kind == "organisations")
    kept: list[Span] = []
    taken: list[tuple[int, int]] = []
    for a, b, name in sorted(found, key=lambda t: (t[0], t[0] - t[1])):
        if _overlaps(taken, a, b) or any(x <= a and b <= y and (x, y) != (a, b) for x, y in orgs):
            continue
        kept.append(Span(a, b, "organisations", name))
        bisect.insort(taken, (a, b))
    return kept + [s for s in spans if not _overlaps(taken, s.start, s.end)]


def _results_teams(text: str, spans: list[Span], lex: _Lexicon) -> list[Span]:
    """Teams in results lines become organisations (venues places, athletes people),
    replacing what overlaps them."""
    people: set[str] = set()
    for span in spans:
        if span.kind == "people":
            people.add(span.name)
            people.add(span.name.split()[-1])

    def everyday(word: str) -> bool:
        return lex.is_common(word) and word not in lex.places

    found = results_spans(text, lex.countries, people, everyday, lex.places)
    teams = [Span(a, b, kind, name) for a, b, name, kind in found]
    if not teams:
        return spans
    kept: list[Span] = []
    taken: list[tuple[int, int]] = []
    for team in sorted(teams, key=lambda t: (t.start, t.start - t.end)):
        if not _overlaps(taken, team.start, team.end):
            kept.append(team)
            bisect.insort(taken, (team.start, team.end))
    return kept + [s for s in spans if not _overlaps(taken, s.start, s.end)]


def find_spans_batch(
    texts: Sequence[str],
    languages: Sequence[str],
    *,
    method: Method = "ner",
    max_chars: int = NER_CHARS,
    batch_size: int = ner.DEFAULT_BATCH,
) -> list[tuple[list[Span], str]]:
    """(mentions, skip reason) per text; the model runs once per language over the batch.

    Raises NERModelError when a covered language's model cannot be loaded.
    """
    if len(texts) != len(languages):
        raise ValueError("one language per text")
    out: list[tuple[list[Span], str]] = [([], "") for _ in texts]
    groups: dict[str, list[int]] = {}
    for i, language in enumerate(languages):
        code = language_code(language)
        covered = ner.supported(code) if method == "ner" else code == "en"
        if covered:
            groups.setdefault(code, []).append(i)
        else:
            out[i] = ([], _skip_reason(language, method))
    for code, members in groups.items():
        if method == "rules":
            for i in members:
                out[i] = (find_spans(texts[i]), "")
            continue
        lex = get_lexicon() if code == "en" else None
        heads = [_lead(texts[i], max_chars) for i in members]
        found = ner.recognise(
            heads,
            code,
            batch_size=batch_size,
            is_common=lex.is_common if lex else None,
        )
        for i, spans in zip(members, found, strict=True):
            out[i] = (_resolve(texts[i], spans, code, len(heads[members.index(i)])), "")
    return out


def find_entities_batch(
    texts: Sequence[str], languages: Sequence[str], *, method: Method = "ner", max_chars: int = NER_CHARS
) -> list[EntityResult]:
    """kind -> name -> mentions for each text, or an empty result with the reason."""
    results = []
    for spans, reason in find_spans_batch(texts, languages, method=method, max_chars=max_chars):
        results.append(EntityResult({}, reason) if reason else EntityResult(count_spans(spans)))
    return results


def find_entities(text: str, language: str, *, method: Method = "ner") -> EntityResult:
    """Entities in ``text`` with counts, or an empty result with a reason."""
    return find_entities_batch([text], [language], method=method)[0]


def extract_entities(text: str, language: str) -> dict[str, dict[str, int]]:
    """kind ("people", "organisations", "places") -> name -> mentions; {} for uncovered languages."""
    return find_entities(text, language).entities


def article_text(article: Article) -> str:
    return f"{article.title}\n\n{article.text}" if article.title else article.text


def apply_entities_batch(articles: Sequence[Article], *, max_chars: int = NER_CHARS) -> list[EntityResult]:
    """Set each article's ``entities``; a skip reason goes to ``info["entities_skipped"]``.

    ``max_chars`` 0 runs the rule tagger alone (setting ``entity_chars``).
    """
    results = find_entities_batch(
        [article_text(a) for a in articles],
        [a.language for a in articles],
        method="ner" if max_chars > 0 else "rules",
        max_chars=max_chars,
    )
    for article, result in zip(articles, results, strict=True):
        article.entities = result.entities
        if result.reason:
            article.info["entities_skipped"] = result.reason
        else:
            article.info.pop("entities_skipped", None)
    return results


def apply_entities(article: Article) -> EntityResult:
    """:func:`apply_entities_batch` for one article."""
    return apply_entities_batch([article])[0]
