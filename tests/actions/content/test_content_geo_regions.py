"""Lithuanian and Polish regions in data/geo/: found from names typed without diacritics, from
their Polish names and from their main cities, by the profile form and by the NLU."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
import yaml

import nlu.components  # noqa: F401  (registers the s3_* factories)
from actions.profile_fields import find_region, region_country
from nlu.components import ENTITIES_ATTR
from nlu.entities import add_entity_normalisers
from nlu.entities.vocabulary import DEFAULT_DATA_DIR

CASES = [
    ("Klaipeda", "LT023"),
    ("Klaipėda", "LT023"),
    ("Siauliai", "LT026"),
    ("Panevezys", "LT025"),
    ("Kaunas", "LT022"),
    ("Sostinės regionas", "LT01"),
    ("Vidurio ir vakaru Lietuvos regionas", "LT02"),
    ("Pomorskie", "PL63"),
    ("Kujawsko-Pomorskie", "PL61"),
    ("Warminsko-Mazurskie", "PL62"),
    ("Warmińsko-Mazurskie", "PL62"),
    ("Zachodniopomorskie", "PL42"),
    ("Podlaskie", "PL84"),
    ("Bialystok", "PL84"),
    ("Torun", "PL61"),
    ("Krakow", "PL21"),
    ("Poznan", "PL41"),
]


@pytest.mark.parametrize(("typed", "code"), CASES)
def test_find_region_reads_names_without_diacritics_and_cities(typed: str, code: str) -> None:
    assert find_region(typed) == code
    assert region_country(code) == code[:2]


def test_regions_cover_the_lithuanian_counties_and_the_polish_voivodeships() -> None:
    regions = yaml.safe_load((DEFAULT_DATA_DIR / "geo" / "regions.yml").read_text("utf-8"))
    codes = set(regions["regions"])
    counties = {f"LT0{n}" for n in (11, 21, 22, 23, 24, 25, 26, 27, 28, 29)}
    assert counties | {"LT01", "LT02"} <= codes
    polish = {c for c in codes if c.startswith("PL")}
    assert len(polish) == 17  # the 16 voivodeships, Mazowieckie as PL91 and PL92 (NUTS 2021)


@pytest.fixture(scope="module")
def extract() -> Any:
    """Text to the entity list of a blank pipeline with the entity normalisers."""
    nlp = spacy.blank("en")
    nlp.add_pipe("s3_entity_merger_v1", name="entity_merger").set_data(
        {"synonyms": {}, "rule_types": []}
    )
    add_entity_normalisers(nlp, None)
    return lambda text: list(nlp(text)._.get(ENTITIES_ATTR) or [])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("we are a small team in Klaipeda", "LT023"),
        ("our office is in Pomorskie", "PL63"),
        ("based in Kujawsko-Pomorskie, Poland", "PL61"),
        ("a start-up from Warminsko-Mazurskie", "PL62"),
    ],
)
def test_nlu_finds_the_region_and_its_country(extract: Any, text: str, code: str) -> None:
    found = extract(text)
    regions = [e["value"]["code"] for e in found if e["entity"] == "region"]
    countries = [e["value"] for e in found if e["entity"] == "country"]
    assert regions == [code]
    assert code[:2] in countries
