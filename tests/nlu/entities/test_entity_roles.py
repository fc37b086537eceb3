"""Entity roles: whose fact each entity is, read from cue phrases around it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy

from nlu.entities.roles import EntityRoles, role_data
from nlu.errors import NluDataError

DATA = Path(__file__).parents[3] / "data"


@pytest.fixture(scope="module")
def roles() -> EntityRoles:
    nlp = spacy.blank("en")
    return EntityRoles(nlp, role_data(DATA, "en"))


def _entity(text: str, part: str, entity: str) -> dict[str, Any]:
    start = text.index(part)
    return {"entity": entity, "start": start, "end": start + len(part), "value": part}


def _roles(roles: EntityRoles, text: str, *parts: tuple[str, str]) -> list[str | None]:
    entities = [_entity(text, part, entity) for part, entity in parts]
    roles.assign(spacy.blank("en")(text), entities)
    return [e.get("role") for e in entities]


def test_roles_owner_clause_keeps_its_facts_until_we_come_back(roles: EntityRoles) -> None:
    text = "Granvik Oy owns 45% of our shares, they have 900 staff, we are 12 ppl in Turku"
    got = _roles(
        roles,
        text,
        ("Granvik Oy", "company_name"),
        ("45", "number"),
        ("900 staff", "headcount"),
        ("12 ppl", "headcount"),
        ("Turku", "region"),
    )
    assert got == ["owner", "owner", "owner", None, None]


def test_roles_we_own_starts_a_subsidiary(roles: EntityRoles) -> None:
    text = "we own 80% of a shop in Narva, 4 staff"
    got = _roles(roles, text, ("80", "number"), ("Narva", "region"), ("4 staff", "headcount"))
    assert got == ["subsidiary"] * 3


def test_roles_search_places_are_targets_and_kinds_are_partners(roles: EntityRoles) -> None:
    text = "we are 30 people in riga lookin for a university in finland"
    got = _roles(
        roles,
        text,
        ("30 people", "headcount"),
        ("riga", "region"),
        ("university", "partner_type"),
        ("finland", "country"),
    )
    assert got == [None, None, "partner", "target"]


def test_roles_investor_noun_turns_an_owner_into_an_investor(roles: EntityRoles) -> None:
    text = "Kuu Capital owns 20% of us, its a vc fund with 5 people"
    got = _roles(
        roles, text, ("Kuu Capital", "company_name"), ("20", "number"), ("5 people", "headcount")
    )
    assert got == ["investor"] * 3


def test_roles_investor_noun_does_not_break_a_partner_search(roles: EntityRoles) -> None:
    got = _roles(roles, "find me an investor in Vilnius", ("Vilnius", "region"))
    assert got == ["target"]


def test_roles_provider_of_a_service(roles: EntityRoles) -> None:
    text = "the measurements would be done by a lab in Lund for EUR 5000"
    assert _roles(roles, text, ("Lund", "region"), ("EUR 5000", "money")) == ["provider"] * 2


def test_roles_maybe_names_partners_but_not_numbers(roles: EntityRoles) -> None:
    text = "maybe Tartu Uni, maybe 20 people"
    got = _roles(roles, text, ("Tartu Uni", "company_name"), ("20 people", "headcount"))
    assert got == ["partner", None]


def test_roles_a_new_sentence_is_about_us_again(roles: EntityRoles) -> None:
    text = "looking for partners in Poland. 25 employees"
    got = _roles(roles, text, ("Poland", "country"), ("25 employees", "headcount"))
    assert got == ["target", None]


def test_roles_two_owners_get_groups(roles: EntityRoles) -> None:
    text = "Alfa AB owns 60% of us and Beta Oy owns 40%"
    entities = [
        _entity(text, part, entity)
        for part, entity in [
            ("Alfa AB", "company_name"),
            ("60", "number"),
            ("Beta Oy", "company_name"),
            ("40", "number"),
        ]
    ]
    roles.assign(spacy.blank("en")(text), entities)
    assert [(e["role"], e.get("group")) for e in entities] == [
        ("owner", "1"),
        ("owner", "1"),
        ("owner", "2"),
        ("owner", "2"),
    ]


def test_roles_own_facts_have_no_role_key(roles: EntityRoles) -> None:
    entities = [_entity("we have 40 employees", "40 employees", "headcount")]
    roles.assign(spacy.blank("en")("we have 40 employees"), entities)
    assert "role" not in entities[0] and "group" not in entities[0]


def test_role_data_without_a_language_file_gives_no_roles(tmp_path: Path) -> None:
    assert role_data(tmp_path, "fi") == {}
    reader = EntityRoles(spacy.blank("fi"), {})
    entities = [_entity("Nordea omistaa 60%", "60", "number")]
    reader.assign(spacy.blank("fi")("Nordea omistaa 60%"), entities)
    assert "role" not in entities[0]


def test_role_data_rejects_a_malformed_file(tmp_path: Path) -> None:
    (tmp_path / "roles").mkdir()
    (tmp_path / "roles" / "en.yml").write_text("frames: {owner: {strong: [x]}}\n")
    with pytest.raises(NluDataError, match="en.yml"):
        role_data(tmp_path, "en")


def test_roles_a_share_clause_ends_at_the_comma(roles: EntityRoles) -> None:
    text = "Nordvind owns 60% of us, 20 people, EUR 3M turnover"
    got = _roles(roles, text, ("60", "number"), ("20 people", "headcount"), ("EUR 3M", "money"))
    assert got == ["owner", None, None]


def test_roles_they_after_a_share_clause_goes_on_about_the_owner(roles: EntityRoles) -> None:
    text = "Mols Holding A/S has 30 percent of us. they have 40 people, DKK 6 million turnover"
    got = _roles(
        roles,
        text,
        ("Mols Holding A/S", "company_name"),
        ("30", "number"),
        ("40 people", "headcount"),
        ("DKK 6 million", "money"),
    )
    assert got == ["owner"] * 4


def test_roles_the_group_after_a_share_clause_is_the_same_owner(roles: EntityRoles) -> None:
    text = "Alfa AB owns 55 percent, the group has 400 employees"
    entities = [
        _entity(text, part, entity)
        for part, entity in [("55", "number"), ("400 employees", "headcount")]
    ]
    roles.assign(spacy.blank("en")(text), entities)
    assert [(e.get("role"), e.get("group")) for e in entities] == [("owner", None)] * 2


def _kinds(roles: EntityRoles, text: str, *parts: tuple[str, str, str]) -> list[str | None]:
    """Roles of entities given with their normalised values (partner types by key)."""
    entities = []
    for part, entity, value in parts:
        found = _entity(text, part, entity)
        found["value"] = value
        entities.append(found)
    roles.assign(spacy.blank("en")(text), entities)
    return [e.get("role") for e in entities]


def test_roles_a_sought_institution_makes_its_places_targets(roles: EntityRoles) -> None:
    text = "a university in Finland with field trials to validate our model"
    got = _kinds(
        roles, text, ("university", "partner_type", "university"), ("Finland", "country", "FI")
    )
    assert got == ["partner", "target"]


def test_roles_an_institution_covers_its_place_adjective(roles: EntityRoles) -> None:
    text = "EUR 9000 for testing the recipe with a finnish research institute"
    got = _kinds(
        roles,
        text,
        ("EUR 9000", "money", "9000"),
        ("finnish", "country", "FI"),
        ("research institute", "partner_type", "research_institute"),
    )
    assert got == [None, "target", "partner"]


def test_roles_the_sme_describing_itself_opens_no_search(roles: EntityRoles) -> None:
    text = "we are a university spin-off in Tartu"
    got = _kinds(
        roles, text, ("university", "partner_type", "university"), ("Tartu", "region", "EE008")
    )
    assert got == [None, None]


def test_roles_a_company_kind_opens_no_search(roles: EntityRoles) -> None:
    text = "can a medtech startup from Tartu get a voucher"
    got = _kinds(roles, text, ("startup", "partner_type", "sme"), ("Tartu", "region", "EE008"))
    assert got == [None, None]


def test_roles_a_purpose_alone_still_names_a_provider(roles: EntityRoles) -> None:
    text = "8000 eur to test laser welding at a german university"
    got = _kinds(
        roles,
        text,
        ("8000 eur", "money", "8000"),
        ("german", "country", "DE"),
        ("university", "partner_type", "university"),
    )
    assert got == ["provider"] * 3


def test_roles_the_sector_after_for_is_the_customers(roles: EntityRoles) -> None:
    text = "we make robot grippers for food factories, 22 employees, also robotics"
    got = _roles(
        roles,
        text,
        ("robot grippers", "sector"),
        ("food", "sector"),
        ("22 employees", "headcount"),
        ("robotics", "sector"),
    )
    assert got == [None, "customer", None, None]


def test_roles_for_inside_a_search_keeps_the_partner_sector(roles: EntityRoles) -> None:
    text = "find me partners for food packaging in Poland"
    got = _roles(roles, text, ("food", "sector"), ("Poland", "country"))
    assert got == ["partner", "target"]


def test_roles_saying_there_is_no_owner_gives_no_owner(roles: EntityRoles) -> None:
    text = "no parent company, founded 2016, nobody owns more than 25%"
    got = _roles(roles, text, ("2016", "year"), ("25", "number"))
    assert got == [None, None]


@pytest.mark.parametrize(
    ("language", "text", "parts", "expected"),
    [
        (
            "da",
            "Kolding Holding A/S ejer 60% af os, de har 4000 ansatte",
            [
                ("Kolding Holding A/S", "company_name"),
                ("60", "number"),
                ("4000 ansatte", "headcount"),
            ],
            ["owner", "owner", "owner"],
        ),
        ("da", "vi ejer 40% af Malmö Maskin AB", [("40", "number")], ["subsidiary"]),
        (
            "da",
            "vi er 12 ansatte og søger en klynge i Sverige",
            [("12 ansatte", "headcount"), ("klynge", "partner_type"), ("Sverige", "country")],
            [None, "partner", "target"],
        ),
        (
            "da",
            "testen laves af et universitet i Tampere",
            [("universitet", "partner_type"), ("Tampere", "region")],
            ["provider", "provider"],
        ),
        ("da", "vi har i alt 20 ansatte", [("20 ansatte", "headcount")], [None]),
        (
            "sv",
            "Nordvind AB äger 60% av oss, 20 anställda",
            [("Nordvind AB", "company_name"), ("20 anställda", "headcount")],
            ["owner", None],
        ),
        ("sv", "vårt moderbolag har 500 anställda", [("500 anställda", "headcount")], ["owner"]),
        (
            "sv",
            "vi söker ett universitet i Finland",
            [("universitet", "partner_type"), ("Finland", "country")],
            ["partner", "target"],
        ),
        (
            "sv",
            "testerna görs av ett labb i Tampere",
            [("Tampere", "region")],
            ["provider"],
        ),
    ],
)
def test_danish_and_swedish_cues(
    language: str, text: str, parts: list[tuple[str, str]], expected: list[str | None]
) -> None:
    nlp = spacy.blank(language)
    reader = EntityRoles(nlp, role_data(DATA, language))
    entities = [_entity(text, part, entity) for part, entity in parts]
    reader.assign(nlp(text), entities)
    assert [e.get("role") for e in entities] == expected
