"""Teams in sports results lines are organisations (made-up results; no real fixtures)."""

from __future__ import annotations

import pytest

from newsdesk.enrich import entities as entities_mod
from newsdesk.enrich import results_lines
from newsdesk.enrich.entities import find_entities
from newsdesk.enrich.results_lines import results_spans

COUNTRIES = {"Pakistan", "England"}


def names(text: str, people: set[str] | None = None) -> list[str]:
    return [n for _, _, n, kind in results_spans(text, COUNTRIES, people or set()) if kind == "organisations"]


def test_standings_rows_scores_and_fixtures_name_teams() -> None:
    text = (
        "SOCCER - ENGLISH LEAGUE STANDINGS.\n"
        "Luton 4 1 0 3 4 10 3\n"
        "Sheffield United 2 0 1 1 4 5 1\n"
        "Mladost (BJ) 4 0 1 3 2 10 1\n"
        "TEXAS 75 58 .564 -\n"
        "ST LOUIS 70 62 .530 6 1/2\n"
        "Doncaster 3 Darlington 2\n"
        "Postponed: Walsall v Wrexham\n"
        "August 16-18 v Kent (three days)\n"
        "KANSAS CITY AT DETROIT\n"
    )
    assert names(text) == [
        "Luton",
        "Sheffield United",
        "Mladost (BJ)",
        "Texas",
        "St Louis",
        "Doncaster",
        "Darlington",
        "Walsall",
        "Wrexham",
        "Kent",
        "Kansas City",  # the visitors
    ]
    venues = [n for _, _, n, kind in results_spans(text, COUNTRIES) if kind == "places"]
    assert venues == ["Detroit"]


def test_prose_tables_of_figures_countries_and_players_are_not_teams() -> None:
    text = (
        "Grimsby beat Walsall 2-1 on Saturday in front of 4,000 fans.\n"  # prose: the model's business
        "Sales 9.06 9.31 8.42\n"  # a financial table: decimals
        "1. Carl Lewis (U.S.) 10.05\n"  # a race result: a person and a time
        "Pakistan 339 England 250\n"  # national sides are their countries: places
        "Tiger Woods 68 70 69\n"  # a player the article names as a person
        "The ruling in Roe v Wade was cited.\n"
    )
    assert names(text, {"Tiger Woods", "Woods"}) == []


def test_through_the_entity_path_teams_are_organisations_not_places() -> None:
    text = (
        "BASEBALL - MAJOR LEAGUE STANDINGS.\n"
        "NEW YORK 1996-08-30\n"
        "Standings of the major league teams after games played on Thursday.\n"
        "EAST DIVISION\n"
        "W L PCT GB\n"
        "BOSTON 69 66 .511 -\n"
        "TORONTO 63 72 .467 6\n"
        "FRIDAY'S GAMES\n"
        "BOSTON AT SEATTLE\n"
    )
    found = find_entities(text, "en").entities
    assert found["organisations"].get("Boston") == 2
    assert found["organisations"].get("Toronto") == 1
    assert "Boston" not in found["places"] and "Toronto" not in found["places"]
    assert "Seattle" in found["places"]  # the venue


def test_the_rule_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities_mod, "RESULTS_TEAMS", False)
    found = find_entities("SOCCER RESULTS.\nDoncaster 3 Darlington 2\n", "en").entities
    assert "Doncaster" not in found["organisations"]


def test_ranked_athletes_are_people_and_clubs_or_companies_are_not() -> None:
    text = (
        "2. Tomas Varga (Slovakia) 20.02\n"
        "=5. Joost van der Berg (Netherlands), 3:31.674\n"
        "Lars Odegaard (Norway) 68 70 71\n"
        "Northam United (England) 2 Vesta (Italy) 1\n"  # a club named by its city
        "Quelta Inc (QLT.O), the chip maker, said sales rose.\n"  # a company with its ticker
    )
    found = results_spans(text, COUNTRIES, places={"Northam"})
    assert [(n, k) for _, _, n, k in found] == [
        ("Tomas Varga", "people"),
        ("Joost van der Berg", "people"),
        ("Lars Odegaard", "people"),
    ]
    people = find_entities("ATHLETICS - RESULTS.\n" + text, "en").entities["people"]
    assert {"Tomas Varga", "Joost van der Berg", "Lars Odegaard"} <= set(people)


def test_an_athletes_team_or_car_after_the_country_is_an_organisation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (
        "1. Tomas Varga (Slovakia) Quelta 4 hours 48 mins 2 seconds\n"
        "2. Lars Odegaard (Norway) MX Vesta same time\n"
        "3. Joost Berg (Netherlands), Reynold Honda, 53.980\n"
        "4. Peter Hollowby (Norway) 5 seconds behind\n"  # no team: nothing taken
        "5. Anna Quennell (Sweden) France 6\n"  # a country is no team
    )
    countries = COUNTRIES | {"France"}
    found = results_spans(text, countries)
    teams = [n for _, _, n, k in found if k == "organisations"]
    assert teams == ["Quelta", "MX Vesta", "Reynold Honda"]
    monkeypatch.setattr(results_lines, "ATHLETE_TEAMS", False)
    assert not [n for _, _, n, k in results_spans(text, countries) if k == "organisations"]


def test_scorers_fielders_and_bowlers_are_people(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "Scorers:\n"
        "Norway - Tomas Varga (13th), Lars Odegaard (60th minute)\n"
        "M. Hollowby c and b Quennell 50\n"
        "S. Droogen c Tillek b Wrzesni 13\n"
        "Bowling: S. Quennell 5-1-36-1, Wrzesni 9.5-0-44-1\n"
        "The Budget (2nd reading) passed.\n"  # not a scorer: an everyday word before the bracket
        "Sales 10-0-41-2 percent rose.\n"  # figures after an everyday word
    )
    everyday = {"Sales", "Budget", "The"}.__contains__
    people = {n for _, _, n, k in results_spans(text, COUNTRIES, is_common=everyday) if k == "people"}
    assert people == {"Tomas Varga", "Lars Odegaard", "Quennell", "Tillek", "Wrzesni", "S. Quennell"}
    monkeypatch.setattr(results_lines, "SCORECARDS", False)
    assert not {n for _, _, n, k in results_spans(text, COUNTRIES) if k == "people"}


def test_an_everyday_word_is_a_side_only_beside_a_team(monkeypatch: pytest.MonkeyPatch) -> None:
    def everyday(word: str) -> bool:
        return word in {"Reading", "Hull", "Total", "Sales"}

    text = (
        "Quennburg 4 2 1 1 6 6 7\n"
        "Hull 4 2 0 2 6 6 6\n"  # a row below a team's row
        "Reading 2 Valtorina 1\n"  # a score beside a team
        "Total 12 10\n"  # must not: a row under no team's row
        "Sales 9 Total 8\n"  # must not: two everyday words
    )
    found = [n for _, _, n, k in results_spans(text, COUNTRIES, set(), everyday) if k == "organisations"]
    assert found == ["Quennburg", "Hull", "Reading", "Valtorina"], found
    monkeypatch.setattr(results_lines, "EVERYDAY_SIDES", False)
    found = [n for _, _, n, k in results_spans(text, COUNTRIES, set(), everyday) if k == "organisations"]
    assert found == ["Quennburg", "Valtorina"], found
