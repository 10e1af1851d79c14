"""The place a report is filed from (newsdesk/enrich/datelines.py): must and must-not."""

from __future__ import annotations

import pytest

from newsdesk.enrich import entities as entities_mod
from newsdesk.enrich.entities import find_entities

# Made up: Quennburg is no real town.
REPORT = (
    "Plane crash shakes island town.\n"
    "QUENNBURG, Norway 1996-08-30\n"
    "Quennburg is a town in mourning, the mayor said.\n"
    "GERMANY - Bunds extended losses on Friday.\n"
    "IPO FILING - the company filed on Friday.\n"
)


def test_a_dateline_place_is_a_place_everywhere_in_the_report() -> None:
    found = find_entities(REPORT, "en").entities
    assert found["places"].get("Quennburg") == 2  # the dateline, and the word alone later
    assert "Norway" in found["places"] and "Germany" in found["places"]
    assert "Quennburg" not in found["organisations"] and "Quennburg" not in found["people"]
    # must not: a heading that is no known place ("IPO FILING -") is no place
    assert not any("Ipo" in name or "IPO" in name for name in found["places"]), found


@pytest.mark.parametrize(
    "line", ["LONDON (Reuters) - Shares fell.", "PARIS, Dec 4 - Talks ended.", "WARSAW 1996-08-30"]
)
def test_dateline_shapes(line: str) -> None:
    place = line.split()[0].strip(",").title()
    assert place in find_entities(f"Talks end.\n{line}\nNothing more.", "en").entities["places"]


def test_the_switch_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities_mod, "DATELINES", False)
    places = find_entities(REPORT, "en").entities["places"]
    assert "Germany" not in places and places.get("Quennburg") != 2
