"""Company names: NER spans trimmed and completed with their legal form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy

from nlu.entities.names import CompanyNames, legal_form_data

DATA = Path(__file__).parents[3] / "data"


@pytest.fixture(scope="module")
def names() -> CompanyNames:
    component = CompanyNames(spacy.blank("en"), "company_names")
    component.set_data(legal_form_data(DATA, "en"))
    return component


def _name(text: str, part: str) -> dict[str, Any]:
    start = text.index(part)
    return {"entity": "company_name", "start": start, "end": start + len(part), "value": part}


def _found(names: CompanyNames, text: str, *entities: dict[str, Any]) -> list[str]:
    return [
        e["value"] for e in names.complete(text, list(entities)) if e["entity"] == "company_name"
    ]


def test_names_lose_the_punctuation_before_them(names: CompanyNames) -> None:
    text = "voucher check. Havsans AS, Bergen Norway, 16 people"
    assert _found(names, text, _name(text, ". Havsans AS")) == ["Havsans AS"]


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        ("Can Östgöta Drönare AB get a voucher?", "Can Östgöta Drönare AB", "Östgöta Drönare AB"),
        ("Hi. Does Kotka Fibre Oy qualify?", "Hi. Does Kotka Fibre Oy", "Kotka Fibre Oy"),
        ("hello! Is Baltic Bytes OU an SME", "Is Baltic Bytes OU", "Baltic Bytes OU"),
        # Not opening a sentence, or nothing left after it: kept as found.
        ("we asked if Can Do Labs AB fits", "Can Do Labs AB", "Can Do Labs AB"),
        ("Can AB", "Can AB", "Can AB"),
    ],
)
def test_names_lose_a_word_that_only_opens_the_sentence(
    names: CompanyNames, text: str, span: str, name: str
) -> None:
    assert _found(names, text, _name(text, span)) == [name]


def test_names_take_a_split_off_legal_form(names: CompanyNames) -> None:
    text = "company name Stocznia Wiosło sp. z o.o., 38 workers"
    found = _found(names, text, _name(text, "Stocznia Wiosło"), _name(text, ". z o.o."))
    assert found == ["Stocznia Wiosło sp. z o.o."]


def test_a_name_that_is_only_a_piece_of_a_legal_form_takes_the_name_before_it(
    names: CompanyNames,
) -> None:
    text = "boats in Gdańsk, company name Stocznia Wiosło sp. z o.o., 38 workers. voucher?"
    assert _found(names, text, _name(text, "z o.o.")) == ["Stocznia Wiosło sp. z o.o."]
    text = "we are Hansa Werft GmbH in Kiel"
    assert _found(names, text, _name(text, "GmbH")) == ["Hansa Werft GmbH"]


def test_names_take_a_lower_case_legal_form(names: CompanyNames) -> None:
    text = "we are Merenkurkun Energia oy from vaasa"
    assert _found(names, text, _name(text, "Merenkurkun Energia")) == ["Merenkurkun Energia oy"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I run Gribeteknik ApS in Aarhus", "Gribeteknik ApS"),
        ("kalevan leipomo oy", "kalevan leipomo oy"),
        ("UAB Šviesos Kirtis, Vilnius", "UAB Šviesos Kirtis"),
        ("Tartu Andmeteadus OÜ, data analytics", "Tartu Andmeteadus OÜ"),
        ("carried out by Oulu Test Lab in finland", "Oulu Test Lab"),
        ("Can Östgöta Drönare AB get a voucher?", "Östgöta Drönare AB"),
    ],
)
def test_names_next_to_a_legal_form_are_found(names: CompanyNames, text: str, name: str) -> None:
    assert _found(names, text) == [name]


def test_names_joined_by_and_are_split_after_a_legal_form(names: CompanyNames) -> None:
    text = "our investors are Baltic Angels Network and Vilnius Tech Fund"
    found = _found(names, text, _name(text, "Baltic Angels Network and Vilnius Tech Fund"))
    assert found == ["Baltic Angels Network", "Vilnius Tech Fund"]


def test_names_drop_places_inside_them(names: CompanyNames) -> None:
    text = "Check if Stockholm Sensorik AB can get a voucher"
    region = {"entity": "region", "start": 9, "end": 18, "value": {"code": "SE110"}}
    entities = names.complete(text, [region, _name(text, "Sensorik AB")])
    assert [(e["entity"], e["value"]) for e in entities] == [
        ("company_name", "Stockholm Sensorik AB")
    ]


@pytest.mark.parametrize("text", ["we do ab testing", "as we said", "no, we are fine"])
def test_names_need_a_real_legal_form(names: CompanyNames, text: str) -> None:
    assert _found(names, text) == []


def test_names_of_two_letters_are_dropped(names: CompanyNames) -> None:
    assert _found(names, "No.", _name("No.", "No.")) == []
