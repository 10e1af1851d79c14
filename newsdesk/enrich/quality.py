"""Article quality, 0-100, from parts that can be named and shown.

The score is the sum of five parts (points, each part's maximum below) plus
an outlet prior, clamped to 0..100. Every part is a 0..1 measure times its
weight, so ``quality_parts`` always adds up to the score and
``quality_reasons`` says in short sentences what cost or earned points.

=============  ======  ==========================================================
part           points  measured from
=============  ======  ==========================================================
depth            25    length (100 words -> 0, 1,000+ -> full; 45%), paragraphs
                       (8+ -> full; 20%), concrete facts: numbers, dates,
                       amounts, percentages per 100 words (1.5+ -> full; 35%)
sourcing         25    attribution verbs ("said", "told", "according to";
                       6+ -> full; 35%), direct quotes of 20+ chars (4+ -> full;
                       30%), distinct named sources next to a speech verb
                       ("Wang said", "said spokesperson Mao Ning"; 3+ -> full; 35%)
originality      20    original 1.0, rewrite of a named source 0.4, repost 0.2,
                       then times (1 - 0.7 x spun score) from ``provenance``
cleanliness      15    1.0 minus: 0.1 per leftover markup fragment (max 0.5),
                       0.1 per mojibake sequence (``ftfy``'s badness; max 0.4),
                       0.1 per likely misspelling per 1,000 words (max 0.5),
                       0.15 when capture cleaning had to strip markup debris
metadata         15    publication date, author, image, provider (or a dateline
                       agency): a quarter each
prior          +-10    ``PRIOR_WEIGHT`` x (outlet prior - 50); outlets map domain
                       -> prior 0..100, unknown outlets get the neutral 50
=============  ======  ==========================================================

Misspellings are found without a list of known typos: an English word
(5+ letters) that is not in ``wordfreq``'s 320k-word English list but is one
edit (insertion, deletion, substitution, transposition) from a word with Zipf
frequency >= 3 is counted ("Edukational" -> "educational"); unseen names
("Masadykov") have no such neighbour and are left alone. Only English text is
checked; other languages skip that test.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..model import Article
from ..wordfreqs import english_frequencies
from .provenance import Provenance, detect_provenance, latin_words

WEIGHTS = {"depth": 25.0, "sourcing": 25.0, "originality": 20.0, "cleanliness": 15.0, "metadata": 15.0}
#: Points per unit of (outlet prior - 50): a prior of 100 adds 10, a prior of 0 takes 10 away.
PRIOR_WEIGHT = 0.2
NEUTRAL_PRIOR = 50
#: Zipf frequency a correction must reach to call an unknown word a misspelling of it.
CORRECTION_ZIPF = 3.0
MIN_SPELLCHECK_LEN = 5
#: Zipf frequency from which a word is everyday English ("educational" 3.9 is not, "education" 4.9 is).
COMMON_ZIPF = 3.5

_PARA_SPLIT_RE = re.compile(r"\n\s*\n|\n(?=\s*[•*\-–] )")
_FACT_RE = re.compile(  # amounts, percentages, counts, years, dates' day numbers
    r"(?=[$€£¥\d])(?:[$€£¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m))?|"
    r"(?<![\w.,])\d[\d,.]*(?:\s?(?:%|percent|per cent)|-\w+)?)"
)
_ATTRIBUTION_RE = re.compile(
    r"\b(?:said|says|told|according to|stated|added|explained|noted|argued|wrote|tweeted|announced|"
    r"confirmed|insisted|warned|asked)\b"
)  # matched against lower-cased text
_QUOTE_RE = re.compile(r"[“\"][^”\"\n]{20,}[”\"]")
_NAME = r"[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+){0,3}"
_SPEECH_RE = re.compile(
    r"\b(?:said|says|told|stated|added|wrote|argued|tweeted|explained|warned|(?i:according) to)\b"
)
_NAME_BEFORE_RE = re.compile(rf"({_NAME}),?\s+(?:has\s+|had\s+)?$")
# "Dr Amira Khalil, a political scientist at the American University in Cairo, said"
_NAME_APPOSITIVE_RE = re.compile(rf"({_NAME}),[^,.;:!?\n\"“”]{{3,120}},\s+(?:has\s+|had\s+)?$")
# "said Chinese Foreign Ministry spokesperson Mao Ning", but not "said on Thursday" or "told the AP"
_GAP_WORD = r"(?!(?:on|in|at|that|during|with|to|of|for|by|from|about|after|before|the|a|an)\b)[a-z][\w\-]*"
_NAME_AFTER_RE = re.compile(rf"\s+(?:{_GAP_WORD}\s+){{0,4}}({_NAME})")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NOT_A_SOURCE = _words(
    """
    He She They It We I The This That Who Which There And But In On At As A An Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday January February March April May June July August September
    October November December
    """
)
_MARKUP_RES = [
    re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]{0,9}(?:\s[^<>\n]{0,80})?\s*/?\s*>"),
    re.compile(r"&\s?(?:[a-z]{2,8}|#\d{2,5})\s?;"),
    re.compile(r"</?\s?(?:li|ul|td|tr|b|p|div|span)\b|/?h[1-6]\s?>"),
]
_REMOVED_DEBRIS = ("markup debris", "junk", "markup")


@dataclass(slots=True)
class QualityScore:
    score: int
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


class _Spelling:
    """English word frequencies from ``wordfreq``, loaded once."""

    def __init__(self) -> None:
        freqs = english_frequencies()
        self.freqs = freqs
        self.known = freqs.keys()
        floor = 10 ** (CORRECTION_ZIPF - 9)
        self.frequent = {w for w, f in freqs.items() if f >= floor}
        # No word longer than this is one edit from a frequent word; checked before building the
        # edits, whose number and size both grow with the word (a 5,000-letter "word" in a fuzzed
        # input built 1.2 GB of candidates and took 6 s).
        self.longest = max(map(len, self.frequent), default=0) + 1
        # Symmetric-delete index (each frequent word under its one-letter deletions): a word's
        # neighbours one edit away are then found from its own ~len(word) deletions instead
        # of building all ~54*len(word) edits (2,000 unknown words a batch add up).
        by_delete: dict[str, list[str]] = {}
        for f in self.frequent:
            for i in range(len(f)):
                by_delete.setdefault(f[:i] + f[i + 1 :], []).append(f)
        # tuples of strings: the garbage collector stops tracking them (lists it would scan forever)
        self.by_delete = {k: tuple(v) for k, v in by_delete.items()}

    def zipf(self, word: str) -> float:
        f = self.freqs.get(word, 0.0)
        return math.log10(f) + 9 if f > 0 else 0.0

    def correction(self, word: str) -> str:
        """A frequent word (Zipf >= ``CORRECTION_ZIPF``) one edit away from an unknown ``word``, or "".

        Only words absent from wordfreq's list are checked: typos common enough to be
        counted on the web ("goverment", Zipf 2.7) are missed, but checking rare known
        words as well flagged real ones ("mowed", "dearth", "opined") on Giveme5W1H.
        """
        w = word.lower()
        if len(w) > self.longest or w in self.known:
            return ""
        deletes = {w[:i] + w[i + 1 :] for i in range(len(w))}
        found = {d for d in deletes if d in self.frequent}  # w has a letter too many
        for key in (w, *deletes):
            found.update(self.by_delete.get(key, ()))
        best, best_f = "", 0.0
        for cand in found:
            f = self.freqs[cand]
            # the most frequent neighbour; ties by spelling, so the answer never depends on hashing
            if _one_edit(w, cand) and (f > best_f or (f == best_f and cand < best)):
                best, best_f = cand, f
        return best


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def _one_edit(w: str, cand: str) -> bool:
    """``cand`` is one edit from ``w``: one deletion, adjacent transposition, or substitution or
    insertion of a letter a-z (the edits a typist makes on an English keyboard)."""
    n, m = len(w), len(cand)
    i = 0
    while i < min(n, m) and w[i] == cand[i]:
        i += 1
    if m == n - 1:
        return w[i + 1 :] == cand[i:]
    if m == n + 1:
        return cand[i] in _LETTERS and cand[i + 1 :] == w[i:]
    if m != n or i == n:
        return False
    if w[i + 1 :] == cand[i + 1 :]:
        return cand[i] in _LETTERS
    return i + 1 < n and w[i] == cand[i + 1] and w[i + 1] == cand[i] and w[i + 2 :] == cand[i + 2 :]


_spelling: _Spelling | None = None
_lock = threading.Lock()


def _get_spelling() -> _Spelling:
    global _spelling
    if _spelling is None:
        with _lock:
            if _spelling is None:
                _spelling = _Spelling()
    return _spelling


def misspellings(text: str, *, limit: int = 60) -> list[tuple[str, str]]:
    """(word, likely intended word) for unknown words one edit from a frequent one."""
    spelling = _get_spelling()
    lower = text.lower()
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for word in latin_words(text):
        if len(word) < MIN_SPELLCHECK_LEN or not word.isalpha() or not word[1:].islower() or word in seen:
            continue
        seen.add(word)
        if len(seen) > 2000 or len(found) >= limit:
            break
        fix = spelling.correction(word)
        # A capitalised unknown word is usually a name ("Steinbergs", "Dartell"); call it a
        # typo only when the text spells the near word properly elsewhere ("Xinjian" next to
        # "Xinjiang") or the near word is everyday English ("Edukational" -> "educational").
        if fix and word[0].isupper() and fix not in lower and spelling.zipf(fix) < COMMON_ZIPF:
            continue
        if fix:
            found.append((word, fix))
    return found


def markup_fragments(text: str) -> list[str]:
    spans = sorted((m.start(), m.end()) for rx in _MARKUP_RES for m in rx.finditer(text))
    found: list[str] = []
    last_end = -1
    for start, end in spans:
        if start >= last_end:  # patterns overlap ("</ li>" and "</ li"): count each fragment once
            found.append(text[start:end])
            last_end = end
    return found


#: ftfy's badness patterns each need a non-ASCII character and are at most 7 characters long,
#: so every match lies within this many characters of a non-ASCII run
_BADNESS_REACH = 8
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


def mojibake_count(text: str) -> int:
    """``ftfy.badness.badness(text)`` plus U+FFFD replacement characters.

    The same count, found faster: ftfy's regex is run only over the windows around
    non-ASCII characters (news text is mostly ASCII, and the regex tries dozens of
    alternatives at every position). Windows are searched in place (``pos``/``endpos``,
    so ``^`` keeps its meaning) and more than two reaches apart, so no match spans two;
    the test suite checks the equality against ftfy on random text.
    """
    from ftfy.badness import BADNESS_RE

    bad = 0
    start = end = -1
    for m in _NON_ASCII_RE.finditer(text):
        a, b = m.start() - _BADNESS_REACH, m.end() + _BADNESS_REACH
        if a > end:
            if end >= 0:
                bad += len(BADNESS_RE.findall(text, max(start, 0), end))
            start = a
        end = b
    if end >= 0:
        bad += len(BADNESS_RE.findall(text, max(start, 0), end))
    return bad + text.count("\ufffd")


def _domain(article: Article) -> str:
    if article.provider.domain:
        return article.provider.domain.lower().removeprefix("www.")
    for url in (article.url, article.web_url, article.source):
        if url and "://" in url:
            return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return ""


def outlet_prior(article: Article, priors: dict[str, int] | None) -> tuple[int, str]:
    """The prior for the article's outlet (matching parent domains too) and the key matched."""
    domain = _domain(article)
    if priors and domain:
        labels = domain.split(".")
        for i in range(len(labels) - 1):
            key = ".".join(labels[i:])
            if key in priors:
                return int(priors[key]), key
    return NEUTRAL_PRIOR, ""


def _depth(text: str, words: int, reasons: list[str]) -> float:
    paragraphs = [p for p in _PARA_SPLIT_RE.split(text) if len(p.split()) >= 8]
    facts = len(_FACT_RE.findall(text))
    length = min(1.0, max(0.0, math.log10(max(words, 1) / 100)))
    paras = min(1.0, len(paragraphs) / 8)
    density = min(1.0, (facts / max(words, 1) * 100) / 1.5)
    if words < 300:
        reasons.append(f"short ({words} words)")
    if density < 0.35:
        unit = "number or date" if facts == 1 else "numbers or dates"
        reasons.append(f"few concrete facts ({facts} {unit})")
    return 0.45 * length + 0.2 * paras + 0.35 * density


def _sourcing(text: str, reasons: list[str]) -> float:
    attributions = len(_ATTRIBUTION_RE.findall(text.lower()))
    quotes = len(_QUOTE_RE.findall(text))
    names: set[str] = set()
    # speech verbs are rare, so look for names only around them: "Wang said",
    # "said Chinese Foreign Ministry spokesperson Mao Ning", "according to The World Bank"
    for m in _SPEECH_RE.finditer(text):
        before = _NAME_BEFORE_RE.search(text, max(0, m.start() - 60), m.start())
        if before is None:
            before = _NAME_APPOSITIVE_RE.search(text, max(0, m.start() - 180), m.start())
        after = _NAME_AFTER_RE.match(text, m.end(), m.end() + 80)
        for hit in (before, after):
            if hit and hit.group(1).split()[0] not in _NOT_A_SOURCE:
                names.add(hit.group(1))
    if not names:
        reasons.append("no named sources")
    else:
        reasons.append(f"{len(names)} named source{'s' if len(names) > 1 else ''}")
    if not quotes:
        reasons.append("no direct quotes")
    if not attributions:
        reasons.append("no attribution (said, told, according to)")
    return 0.35 * min(1.0, attributions / 6) + 0.3 * min(1.0, quotes / 4) + 0.35 * min(1.0, len(names) / 3)


def _originality(article: Article, prov: Provenance, reasons: list[str]) -> float:
    base = 1.0
    if prov.kind == "repost" or article.is_repost:
        base = 0.2
        source = f" ({prov.original_provider})" if prov.original_provider else ""
        reasons.append(f"repost of another outlet's article{source}")
    elif prov.kind == "rewrite":
        base = 0.4
        source = prov.original_provider or "another outlet"
        reasons.append(f"rewrite of a story by {source}")
    if prov.spun_score >= 0.2:
        reasons.append(f"reads like spun filler (score {prov.spun_score:.2f})")
    return base * (1 - 0.7 * prov.spun_score)


def _cleanliness(article: Article, text: str, words: int, reasons: list[str]) -> float:
    value = 1.0
    markup = markup_fragments(text)
    if markup:
        value -= min(0.5, 0.1 * len(markup))
        reasons.append(f"leftover markup ({len(markup)} fragment{'s' if len(markup) > 1 else ''})")
    bad = mojibake_count(text)
    if bad:
        value -= min(0.4, 0.1 * bad)
        reasons.append(f"encoding debris ({bad} mojibake sequence{'s' if bad > 1 else ''})")
    if (article.language or "en").startswith("en"):
        typos = misspellings(text)
        rate = len(typos) / max(words, 1) * 1000
        if typos:
            value -= min(0.5, 0.1 * rate)
            shown = ", ".join(w for w, _ in typos[:3])
            reasons.append(f"likely misspellings ({len(typos)}: {shown})")
    removed = [str(r).lower() for r in article.info.get("removed", [])]
    if any(any(d in r for d in _REMOVED_DEBRIS) for r in removed):
        value -= 0.15
        reasons.append("page body had markup debris (removed in cleaning)")
    return max(0.0, value)


def _metadata(article: Article, reasons: list[str]) -> float:
    present = {
        "date": article.published is not None,
        "author": bool(article.authors),
        "image": bool(article.images),
        "provider": not article.provider.is_empty() or bool(article.agency),
    }
    missing = [k for k, ok in present.items() if not ok]
    if missing:
        reasons.append("no " + ", no ".join(missing))
    return sum(present.values()) / len(present)


def score_quality(
    article: Article,
    *,
    outlet_priors: dict[str, int] | None = None,
    provenance: Provenance | None = None,
) -> QualityScore:
    """Score an article 0-100; ``parts`` are points per part and add up to the score."""
    text = article.text or ""
    words = len(latin_words(text))
    prov = provenance or detect_provenance(article)
    reasons: list[str] = []
    measures = {
        "depth": _depth(text, words, reasons),
        "sourcing": _sourcing(text, reasons),
        "originality": _originality(article, prov, reasons),
        "cleanliness": _cleanliness(article, text, words, reasons),
        "metadata": _metadata(article, reasons),
    }
    parts = {k: round(WEIGHTS[k] * v, 2) for k, v in measures.items()}
    prior, matched = outlet_prior(article, outlet_priors)
    parts["prior"] = round(PRIOR_WEIGHT * (prior - NEUTRAL_PRIOR), 2)
    if matched:
        reasons.append(f"outlet prior {parts['prior']:+g} ({matched})")
    total = sum(parts.values())
    score = round(min(100.0, max(0.0, total)))
    return QualityScore(score, parts, reasons)


def apply_quality(
    article: Article,
    *,
    outlet_priors: dict[str, int] | None = None,
    provenance: Provenance | None = None,
) -> QualityScore:
    """Score the article and set ``quality``, ``quality_parts`` and ``quality_reasons``."""
    result = score_quality(article, outlet_priors=outlet_priors, provenance=provenance)
    article.quality = result.score
    article.quality_parts = dict(result.parts)
    article.quality_reasons = list(result.reasons)
    return result
