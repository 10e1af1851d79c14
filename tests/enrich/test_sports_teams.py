"""Sports teams in prose are organisations (newsdesk/enrich/sports_teams.py): must and must-not."""

from __future__ import annotations

import pytest

from newsdesk.enrich import entities as entities_mod
from newsdesk.enrich import sports_teams
from newsdesk.enrich.entities import find_entities

# Made up, apart from real city, county and club-naming words.
REPORT = (
    "Hollowby homered twice as the Boston Red Sox beat the Oakland Athletics 5-3 in the league.\n"
    "The Red Sox scored in the ninth inning, and Boston's coach praised the season.\n"
    "Real Madrid drew with Deportivo Coruna in the Spanish league; Real were poor.\n"
    "Leeds beat Chelsea 2-0 in the cup match, while Essex lost to Kent by ten wickets in the cricket.\n"
    "In Leeds, fans cheered. Norwich City signed a striker.\n"
    "The Netherlands beat France. The Americans and the Democrats cheered in Florida."
)


def test_teams_in_a_sports_report_are_organisations() -> None:
    found = find_entities(REPORT, "en").entities
    orgs, places = found["organisations"], found["places"]
    assert orgs.get("Boston Red Sox") == 3  # "The Red Sox" and "Boston's" count for the club
    assert {"Oakland Athletics", "Real Madrid", "Deportivo Coruna", "Norwich City"} <= set(orgs)
    assert orgs.get("Real Madrid") == 2  # "Real" alone
    assert {"Leeds", "Chelsea", "Essex", "Kent"} <= set(orgs)  # teams that play
    # must not: a place used as a place, countries (national sides stay places), peoples, parties
    assert places.get("Leeds") == 1  # "In Leeds"
    assert {"The Netherlands", "France", "Florida"} <= set(places)
    assert not {"Americans", "Democrats", "Netherlands", "France", "Florida"} & set(orgs)


def test_a_place_that_plays_in_a_sports_report() -> None:
    text = (
        "Milwaukee has won 10 of its last 15 games in the league this season, the coach said.\n"
        "Atlanta's Tom Quennell pitched the ninth inning. In Atlanta, fans cheered the victory.\n"
    )
    found = find_entities(text, "en").entities
    assert found["organisations"].get("Milwaukee") == 1 and found["organisations"].get("Atlanta") == 1
    assert found["places"].get("Atlanta") == 1  # "In Atlanta"


def test_no_teams_outside_sports_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "Ministers from Leeds and Kent met in Essex to discuss roads. The Americans said Leeds beat "
        "its budget target. Real wages fell."
    )
    found = find_entities(text, "en").entities
    assert not {"Leeds", "Kent", "Essex", "Real"} & set(found["organisations"]), found
    # the switch turns it off
    monkeypatch.setattr(entities_mod, "SPORTS_TEAMS", False)
    assert not {"Essex", "Kent"} & set(find_entities(REPORT, "en").entities["organisations"])


def test_a_sports_report_needs_several_sports_words() -> None:
    assert sports_teams.sports_report(REPORT)
    assert not sports_teams.sports_report("The minister beat the deadline on Friday.")
