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


@pytest.mark.parametrize("form", sorted(org_rules._FORMS))
def test_every_legal_form_is_read_and_only_as_a_whole_word(form: str) -> None:
    # the pattern is built from the one list of forms: each ends a name, none inside a word
    assert org_rules._FORM_RE.fullmatch(f" {form}")
    assert not org_rules._FORM_RE.match(f" {form}x") and not org_rules._FORM_RE.match(f" {form}-owned")
    assert not org_rules._FORM_RE.search(f" {form.lower()}zz")


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


def test_clubs_named_with_their_country_in_a_results_line() -> None:
    text = (
        "Results of the Quennburg basketball tournament on Friday:\n"
        "Zoltar Star (Yugoslavia) beat Dinamo Quenn (Russia) 92-90 (halftime 47-47)\n"
        "Quennburg (Germany) 75 Valtorina (Italy) 70\n"
        "Anthony Hollowby (Australia) beat Dan Droogen (Australia) 15-9 15-8\n"
    )
    found = find_entities(text, "en").entities
    assert {"Zoltar Star", "Dinamo Quenn", "Quennburg", "Valtorina"} <= set(found["organisations"]), found
    # must not: players named with their country are people
    assert {"Anthony Hollowby", "Dan Droogen"} <= set(found["people"])
    assert not {"Anthony Hollowby", "Dan Droogen"} & set(found["organisations"])


def test_clubs_named_as_clubs_in_a_sports_report() -> None:
    text = (
        f"{FILLER}\n"
        "Former Quennburg striker scored twice as his Zellbrook side beat the leaders, the coach said.\n"
        "There were also victories for champions Bath, 56-13 winners over Valtorina, in the cup match.\n"
        "Bath is a town in England, and the season goes on.\n"
    )
    found = find_entities(text, "en").entities
    assert {"Zellbrook", "Valtorina", "Bath"} <= set(found["organisations"]), found
    # the place is a club where the report says so, a place elsewhere
    assert found["organisations"]["Bath"] == 1 and found["places"].get("Bath") == 1
    # must not: a country or a demonym is no club ("former England captain")
    assert "England" not in found["organisations"]


def test_club_words_need_a_sports_report() -> None:
    text = (
        f"{FILLER}\nThe former Zellbrook manager of the bank said profits rose, and the side door was shut.\n"
    )
    assert "Zellbrook" not in find_entities(text, "en").entities["organisations"]
