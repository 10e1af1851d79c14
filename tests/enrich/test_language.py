from __future__ import annotations

import pytest

from newsdesk.enrich import language
from newsdesk.enrich.language import MIN_CONFIDENCE, detect_language

ENGLISH = (
    "The city council voted on Tuesday to extend the night bus service until the end of next year, "
    "after residents complained that the last connection left far too early for shift workers."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, den Nachtbus bis zum Ende des kommenden Jahres "
    "weiterfahren zu lassen, nachdem sich Anwohner über die frühe letzte Verbindung beschwert hatten."
)
FRENCH = (
    "Le conseil municipal a voté mardi la prolongation du bus de nuit jusqu'à la fin de l'année "
    "prochaine, après les plaintes des habitants au sujet du dernier départ beaucoup trop tôt."
)


@pytest.mark.parametrize(("text", "code"), [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_detects_common_languages(text: str, code: str) -> None:
    guess = detect_language(text)
    assert guess.code == code
    assert guess.confidence >= MIN_CONFIDENCE
    assert guess.known and guess.reason == ""


@pytest.mark.parametrize("text", ["", "   ", "Hello!", "Breaking: 12:30", "Ok ok ok"])
def test_short_text_is_refused_with_a_reason(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == ""
    assert not guess.known
    assert "too short" in guess.reason


def test_unsure_guess_is_withheld(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unsure:
        def classify(self, text: str) -> tuple[str, float]:
            return "nl", 0.41

    monkeypatch.setattr(language, "_identifier", Unsure())
    guess = detect_language(ENGLISH)
    assert guess.code == ""
    assert guess.confidence == pytest.approx(0.41)
    assert "unsure" in guess.reason and "nl" in guess.reason


def test_only_the_opening_is_read() -> None:
    # a long English article with a German appendix is still English
    guess = detect_language(ENGLISH * 8 + GERMAN * 20)
    assert guess.code == "en"
