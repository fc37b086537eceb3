"""Which part of a typed sentence answers a free-text question (pure functions, no NLU)."""

from __future__ import annotations

from typing import Any

import pytest

from actions.answers import name_answer, names_home, sought_partner_type


def _entity(text: str, part: str, entity: str, value: Any = None, role: str | None = None):  # type: ignore[no-untyped-def]
    start = text.index(part)
    found = {"entity": entity, "start": start, "end": start + len(part), "value": value or part}
    if role:
        found["role"] = role
    return found


def _message(text: str, *entities: dict[str, Any]) -> dict[str, Any]:
    return {"text": text, "entities": list(entities)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Packsense UAB", "Packsense UAB"),
        ("packsense", "packsense"),
        ("we're Packsense UAB", "Packsense UAB"),
        ("its called Baltic Fibre Oy.", "Baltic Fibre Oy"),
        ("our company name is Nordic Sensors AB", "Nordic Sensors AB"),
        ("we make smart packaging sensors", None),
        ("hmm", None),
        ("not sure", None),
        ("why do you need that", None),
        ("a small food company", None),
    ],
)
def test_name_answer_takes_the_clause_that_names(text: str, expected: str | None) -> None:
    assert name_answer(_message(text)) == expected


def test_name_answer_skips_clauses_of_facts() -> None:
    text = "Kaunas, we make smart packaging sensors, 14 people"
    message = _message(
        text,
        _entity(text, "Kaunas", "region", {"code": "LT022"}),
        _entity(text, "smart packaging sensors", "sector", {"sector": "electronics_iot"}),
        _entity(text, "14 people", "headcount", 14),
    )
    assert name_answer(message) is None


def test_name_answer_keeps_the_name_before_the_facts() -> None:
    text = "Packsense UAB, Kaunas, 14 people"
    message = _message(
        text,
        _entity(text, "Kaunas", "region", {"code": "LT022"}),
        _entity(text, "14 people", "headcount", 14),
    )
    assert name_answer(message) == "Packsense UAB"


def test_name_answer_prefers_a_recognised_name_and_ignores_others_names() -> None:
    text = "Do you have Aurora Aquaculture Research Institute?"
    asked = _entity(text, "Aurora Aquaculture Research Institute", "company_name", role="partner")
    assert name_answer(_message(text, asked)) is None
    own = "hello, this is Nordic Fermentation Oy from Turku"
    named = _entity(own, "Nordic Fermentation Oy", "company_name")
    assert name_answer(_message(own, named)) == "Nordic Fermentation Oy"


def test_name_answer_is_not_a_sector_alone() -> None:
    text = "food tech"
    message = _message(text, _entity(text, "food tech", "sector", {"sector": "food"}))
    assert name_answer(message) is None


def test_name_answer_ignores_payloads() -> None:
    assert name_answer(_message("/list_my_company")) is None


@pytest.mark.parametrize(
    ("text", "part", "role", "sought"),
    [
        ("we want to work with a university", "university", None, True),
        ("we are an SME from Riga", "SME", None, False),
        ("as a startup we need a lab", "startup", None, False),
        ("looking for a cluster", "cluster", "partner", True),
        ("the test would be done by a test lab", "test lab", "provider", True),
        ("our owner is a large company", "large company", "owner", False),
    ],
)
def test_sought_partner_type_tells_the_partner_from_the_company(
    text: str, part: str, role: str | None, sought: bool
) -> None:
    message = _message(text, _entity(text, part, "partner_type", part.lower(), role))
    found = sought_partner_type(message, about_partners=True)
    assert (found is not None) is sought


def test_a_partner_type_without_a_role_names_the_company_outside_answers_about_partners() -> None:
    text = "can a medtech startup get an innovation voucher"
    message = _message(text, _entity(text, "startup", "partner_type", "sme", None))
    assert sought_partner_type(message) is None
    assert sought_partner_type(message, about_partners=True) == "sme"


@pytest.mark.parametrize(
    ("text", "place", "home"),
    [
        ("sorry, we are based in Latvia", "Latvia", True),
        ("actually Latvia", "Latvia", True),
        ("Latvia, not Lithuania", "Lithuania", False),
        ("Lithuania not Latvia", "Lithuania", True),
        ("a university in Finland with field trials", "Finland", False),
        ("Germany is too expensive", "Germany", False),
    ],
)
def test_names_home_needs_a_cue(text: str, place: str, home: bool) -> None:
    message = _message(text, _entity(text, place, "country", place[:2].upper()))
    assert names_home(message) is home
