"""wordfreq's Zipf frequency, answered from its frequency table for plain English words.

``wordfreq.zipf_frequency`` tokenises its argument before looking it up (~100 us a
call). Ingest asks it about every new word of every article (topic checks, story
vectors), and most of those words are plain lower-case ASCII words, which are their
own single token: for them the answer depends only on the word's frequency in the
table, so it is computed once per distinct frequency (wordfreq stores a few hundred)
by wordfreq itself, and looked up afterwards. Anything else is asked of wordfreq.
"""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()
#: frequency in the table -> the Zipf value wordfreq gives a word with that frequency
_zipf_of_freq: dict[float, float] = {}


@lru_cache(maxsize=1)
def english_frequencies() -> dict[str, float]:
    """The table ``zipf_frequency(word, "en")`` reads ("best" is "large" for English)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", wordlist="large")


@lru_cache(maxsize=1)
def _unknown_zipf() -> float:
    """What wordfreq says of a word its table lacks (one that cannot be in it)."""
    from wordfreq import zipf_frequency

    freqs = english_frequencies()
    word = "qzxjv"
    while word in freqs:
        word += "q"
    return float(zipf_frequency(word, "en"))


def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``, the same value, fast for lower-case ASCII words."""
    from wordfreq import zipf_frequency

    if not (word.isascii() and word.isalpha() and word.islower()):
        return float(zipf_frequency(word, "en"))
    freq = english_frequencies().get(word)
    if freq is None:
        return _unknown_zipf()
    zipf = _zipf_of_freq.get(freq)
    if zipf is None:
        zipf = float(zipf_frequency(word, "en"))
        with _lock:
            _zipf_of_freq[freq] = zipf
    return zipf
