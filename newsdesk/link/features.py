"""What the story engine compares articles by: a vector, key names, a time.

The engine takes its vectors from any *feature source* that follows the
``Embedder`` protocol of :mod:`newsdesk.enrich.embed` (``name``, ``dim``,
``embed(texts) -> float32 L2-normalised rows``). This module adds two sources
that need no model files:

``LexicalEmbedder``
    Signed feature hashing of word unigrams and bigrams, each weighted by an
    IDF taken from general English word frequencies (``wordfreq``) instead of
    from the corpus. A corpus IDF would drift as articles arrive, so vectors
    made on Monday would not be comparable with vectors made on Friday; a
    fixed, language-wide IDF keeps every vector stable for ever, which the
    online clustering and the persisted ANN index need. Signed hashing keeps
    inner products unbiased, so cosine on the hashed vector approximates
    TF-IDF cosine.

``MixedEmbedder``
    Concatenates the rows of several sources, each scaled by ``sqrt(weight)``,
    so the cosine of two mixed rows is the weighted mean of the sources'
    cosines: one vector, one ANN index, several signals.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from ..wordfreqs import zipf_en


@runtime_checkable
class FeatureSource(Protocol):
    """Anything that turns texts into float32, L2-normalised rows of length ``dim``."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


# Penn-Treebank tokenised corpora (Timeline17) write brackets and quotes as tokens.
_PTB = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}
_PTB_RE = re.compile("|".join(re.escape(k) for k in _PTB))
_SPACE_BEFORE_PUNCT = re.compile(r" ([.,;:!?%)\]}]|'s\b|n't\b)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")


#: what squeezing ``[ \t]+`` to one space changes: runs of two or more, and lone tabs (a lone
#: space, most of a text's blanks, is left alone instead of being replaced by itself)
_BLANK_RUN = re.compile(r"[ \t]{2,}|\t")


@lru_cache(maxsize=8)
def clean_text(text: str) -> str:
    """Undo PTB tokenisation and squeeze blank runs; plain text passes unchanged.

    Cached for the last few texts: linking one article cleans its text for the copy
    shingles and again for its vector's lead."""
    if "-LRB-" in text or "``" in text or " ," in text or " ." in text:
        text = _PTB_RE.sub(lambda m: _PTB[m.group(0)], text)
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
        text = text.replace("( ", "(").replace(" \n", "\n")
    return _BLANK_RUN.sub(" ", text).strip()


def sentences(text: str, limit: int = 0) -> list[str]:
    """Sentences of a text (line breaks end sentences too), at most ``limit`` when > 0."""
    out: list[str] = []
    for para in clean_text(text).split("\n"):
        for sent in _SENTENCE_END.split(para.strip()):
            sent = sent.strip()
            if sent:
                out.append(sent)
                if limit and len(out) >= limit:
                    return out
    return out


def headline(title: str, text: str) -> str:
    """The article's title, or its first sentence when it has none (tokenised corpora)."""
    title = (title or "").strip()
    if title:
        return title
    first = sentences(text, limit=1)
    return first[0][:300] if first else ""


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


def idf_language(language: str) -> str:
    """The word-frequency list a text's words are weighed by: its own language's, else English."""
    lang = (language or "en").split("-")[0].lower()
    return lang if lang in _wordfreq_languages() else "en"


@lru_cache(maxsize=400_000)
def idf(word: str, language: str = "en") -> float:
    """Information weight of a word from its general frequency in ``language``.

    Each language is weighed by its own frequencies: under English ones, Spanish
    "que" and French "les" would count as rare words and swamp the names and
    facts that tell one article from another.

    Zipf 7+ ("the", "of") weighs 0; a word seen once per million words
    (Zipf 3) weighs 4.5; a word wordfreq does not know (a name, a code) weighs
    6, like the rarest known words, rather than infinity, so one misspelt
    token cannot dominate a vector.
    """
    from wordfreq import zipf_frequency

    if len(word) <= 1:
        return 0.0  # a single letter weighs what "the" weighs
    zipf = zipf_en(word) if language == "en" else zipf_frequency(word, language)
    return max(0.0, min(6.0, 7.5 - zipf)) if zipf > 0 else 6.0


@lru_cache(maxsize=400_000)
def _bucket(token: str, dim: int) -> tuple[int, float]:
    h = zlib.crc32(token.encode("utf-8"))
    return h % dim, (1.0 if (h >> 31) & 1 else -1.0)


class LexicalEmbedder:
    """Hashed TF-IDF with a fixed, language-wide IDF (see the module docstring)."""

    def __init__(self, dim: int = 1024, *, bigram_weight: float = 0.5, max_words: int = 1500):
        self.dim = int(dim)
        self.name = f"lexical-hash{self.dim}"
        self.bigram_weight = bigram_weight
        self.max_words = max_words

    def vector(self, text: str, language: str = "en") -> np.ndarray:
        lang = idf_language(language)
        toks = words(text)[: self.max_words]
        counts: dict[str, float] = {}
        prev = ""
        for tok in toks:
            w = idf(tok, lang)
            if w >= 1.0:
                counts[tok] = counts.get(tok, 0.0) + 1.0
                if prev:
                    # Bigrams of two content words pin names and phrases
                    # ("north korea", "oil spill") that unigrams blur.
                    key = prev + " " + tok
                    counts[key] = counts.get(key, 0.0) + 1.0
                prev = tok
            else:
                prev = ""
        row = np.zeros(self.dim, dtype=np.float32)
        for tok, tf in counts.items():
            if " " in tok:
                a, b = tok.split(" ", 1)
                weight = self.bigram_weight * min(idf(a, lang), idf(b, lang))
            else:
                weight = idf(tok, lang)
            idx, sign = _bucket(tok, self.dim)
            row[idx] += sign * (1.0 + math.log(tf)) * weight
        norm = float(np.linalg.norm(row))
        return row / norm if norm > 0 else row

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embed_in(texts, ["en"] * len(texts))

    def embed_in(self, texts: list[str], languages: Sequence[str]) -> np.ndarray:
        """Rows for texts of known languages (each weighed by its language's word frequencies)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.vector(t, lang) for t, lang in zip(texts, languages, strict=True)]).astype(
            np.float32
        )


def embed_in(source: FeatureSource, texts: list[str], languages: Sequence[str]) -> np.ndarray:
    """``source.embed`` with the texts' languages, for sources that weigh words by language."""
    if isinstance(source, LexicalEmbedder):
        return source.embed_in(texts, languages)
    return source.embed(texts)


class MixedEmbedder:
    """Rows of several sources side by side; cosine = weighted mean of their cosines."""

    def __init__(self, parts: Sequence[tuple[FeatureSource, float]]):
        if not parts:
            raise ValueError("MixedEmbedder needs at least one source")
        total = sum(w for _, w in parts)
        self.parts = [(src, w / total) for src, w in parts]
        self.dim = sum(src.dim for src, _ in parts)
        self.name = "+".join(f"{src.name}*{w:.2f}" for src, w in self.parts)

    def embed(self, texts: list[str]) -> np.ndarray:
        blocks = [src.embed(texts) * np.float32(math.sqrt(w)) for src, w in self.parts]
        out = np.hstack(blocks).astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def document(title: str, text: str, *, lead_chars: int = 800) -> str:
    """What gets embedded: the headline twice (it names the event) and the lead.

    800 characters of lead beat 1,500 and 4,000 on Giveme5W1H events: later
    paragraphs drift into background that other events share.
    """
    head = headline(title, text)
    body = clean_text(text)[:lead_chars]
    return f"{head}. {head}. {body}" if title else body


_STOP_KEYS = frozenset({"ap", "reuters", "afp", "associated press", "getty images", "cnn", "bbc"})


def entity_keys(entities: Mapping[str, Mapping[str, int]] | None, limit: int = 12) -> tuple[str, ...]:
    """The most mentioned entity names, lower-cased, agency/credit names dropped."""
    if not entities:
        return ()
    scored: dict[str, int] = {}
    for names in entities.values():
        for name, count in names.items():
            key = name.strip().lower()
            if key and key not in _STOP_KEYS:
                scored[key] = scored.get(key, 0) + int(count)
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(k for k, _ in ranked[:limit])


def key_hashes(keys: Iterable[str]) -> np.ndarray:
    """Keys as sorted unique uint32 hashes: compact to keep for a million articles."""
    return np.unique(np.array([zlib.crc32(k.encode("utf-8")) for k in keys], dtype=np.uint32))


def as_utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
