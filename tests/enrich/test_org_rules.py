"""Organisations from the article's own wording (newsdesk/enrich/org_rules.py): must and must-not."""

from __future__ import annotations

import pytest

from newsdesk.enrich import org_rules
from newsdesk.enrich.entities import find_entities

# Made up: the parties, the desk and the people are no real ones. The names stand past the
# model's reach (NER_CHARS), where only the rules read them.
FILLER = "The talks went on for a long time and nothing was agreed by anyone in the room. " * 9
REPORT = (
    "Kurdish factions trade charges.\n"
    f"{FILLER}\n"
    "QPF accuses ZLM of collaborating with the army, a spokesman said on Friday.\n"
    "The CEO of the bank said GDP would grow, and the talks went on in Part II of the plan.\n"
    "Officials loyal to ZLM denied it.\n"
    "-- Jim Ballantyne, Quennburg Newsroom +44 171 542 8062\n"
)


def test_rare_acronyms_in_prose_are_organisations() -> None:
    orgs = find_entities(REPORT, "en").entities["organisations"]
    assert orgs.get("ZLM") == 2 and "QPF" in orgs
    # must not: everyday acronyms and numerals
    assert not {"CEO", "GDP", "II"} & set(orgs), orgs


def test_a_desk_signature_names_the_desk() -> None:
    found = find_entities(REPORT, "en").entities
    assert "Quennburg Newsroom" in found["organisations"]
    assert "Jim Ballantyne" in found["people"]


@pytest.mark.parametrize(
    "line",
    [
        "-- Anthony Barker +48 22 653 9700",  # a signer, no desk
        "-- Chicago newsdesk, 312 408-8787",  # the city is the place, no desk name
    ],
)
def test_a_signature_without_a_desk_names_none(line: str) -> None:
    orgs = find_entities(f"Bonds fell on Friday, traders said.\n{line}\n", "en").entities["organisations"]
    assert not orgs, orgs


def test_acronyms_in_tables_and_headings_are_left_alone() -> None:
    text = "ZLM WINS VOTE.\nISSUER: QPF 1996\nThe vote was held on Friday and counted late.\n"
    assert not find_entities(text, "en").entities["organisations"]


def test_the_switches_turn_them_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(org_rules, "RARE_ACRONYMS", False)
    monkeypatch.setattr(org_rules, "DESK_SIGNATURES", False)
    orgs = find_entities(REPORT, "en").entities["organisations"]
    assert "ZLM" not in orgs and "Quennburg Newsroom" not in orgs


COMPANY = (
    "Drug maker completes purchase.\n"
    f"{FILLER}\n"
    "Quennmed Medical Industries Inc said it bought Valtor Pharmaceuticals Inc of St. Louis, said an"
    " analyst at Brambury Bros. in Denver.\n"
    "Mine managers Ostfeld Fields of South Africa Ltd said on Friday that Quennmed would pay in cash.\n"
    "Company Name Zellbrook Hospitality Inc\n"
    "The Bay Co Building Authority sold bonds; Co-Premiers met on Friday.\n"
)


def test_company_names_end_in_their_legal_form() -> None:
    orgs = find_entities(COMPANY, "en").entities["organisations"]
    for name in (
        "Quennmed Medical Industries Inc",
        "Valtor Pharmaceuticals Inc",
        "Brambury Bros",
        "Ostfeld Fields of South Africa Ltd",
        "Zellbrook Hospitality Inc",
    ):
        assert name in orgs, (name, orgs)
    # the first word, a rare one, names the company later
    assert orgs["Quennmed Medical Industries Inc"] == 2
    # must not: the place after "of", a table row's label, a "Co" inside a longer name
    assert not any("Louis" in n or "Company Name" in n or n.endswith("Bay Co") for n in orgs), orgs


def test_the_company_switch_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(org_rules, "COMPANY_NAMES", False)
    orgs = find_entities(COMPANY, "en").entities["organisations"]
    assert "Brambury Bros" not in orgs and orgs.get("Quennmed Medical Industries Inc") != 2


def test_a_month_is_no_part_of_an_organisation_name() -> None:
    text = (
        "Bonds fell on Friday.\n"
        "The August National Association of Quennell Managers (NAQM) index rose, and the NAQM said so.\n"
    )
    orgs = find_entities(text, "en").entities["organisations"]
    assert orgs == {"National Association of Quennell Managers": 3}, orgs


def test_a_known_organisation_in_the_possessive_is_found() -> None:
    text = f"{FILLER}\nTraders said the Fed's decision was a surprise; Fed Cup tennis went on.\n"
    orgs = find_entities(text, "en").entities["organisations"]
    assert orgs.get("Federal Reserve") == 1, orgs  # must not: "Fed Cup" is no Federal Reserve
