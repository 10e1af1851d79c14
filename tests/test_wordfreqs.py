from __future__ import annotations

import random

from wordfreq import zipf_frequency

from newsdesk.wordfreqs import english_frequencies, zipf_en


def test_zipf_en_is_wordfreqs_answer() -> None:
    """The table lookup gives exactly wordfreq's value: for words of the table (a sample over
    every frequency it holds), words it lacks, and words wordfreq must tokenise itself."""
    freqs = english_frequencies()
    plain = sorted(w for w in freqs if w.isascii() and w.isalpha() and w.islower())
    by_freq: dict[float, str] = {}
    for word in plain:
        by_freq.setdefault(freqs[word], word)
    rng = random.Random(11)
    words = [*by_freq.values(), *rng.sample(plain, 2000)]
    words += ["kowalczyk", "qzxjvq", "Paris", "don't", "zürich", "naïve", "東京", "x1", "a", ""]
    for word in words:
        assert zipf_en(word) == zipf_frequency(word, "en"), word
    assert zipf_en("the") > 7 and zipf_en("qzxjvq") == 0.0
