"""Countries and regions: local names, misspellings, cities to regions, no false matches."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from nlu.entities.lexicon import within_one_edit
from nlu.entities.vocabulary import DEFAULT_DATA_DIR

Extract = Callable[[str], list[dict[str, Any]]]


def _geo(extract: Extract, text: str) -> list[tuple[str, Any]]:
    return [
        (e["entity"], e["value"]["code"] if e["entity"] == "region" else e["value"])
        for e in extract(text)
        if e["entity"] in ("country", "region")
    ]


@pytest.mark.parametrize(
    ("text", "region", "country"),
    [
        ("we are in Turku", "FI1C1", "FI"),
        ("Varsinais-Suomi", "FI1C1", "FI"),
        ("based in Skåne", "SE224", "SE"),
        ("based in Skane", "SE224", "SE"),
        ("from Vilnius", "LT011", "LT"),
        ("from Vilnus", "LT011", "LT"),
        ("office in København", "DK01", "DK"),
        ("office in Copenhagen", "DK01", "DK"),
        ("Tampere", "FI197", "FI"),
        ("Pirkanmaa", "FI197", "FI"),
        ("Värmland", "SE311", "SE"),
        ("Trøndelag", "NO060", "NO"),
        ("Trondelag", "NO060", "NO"),
        ("Trondheim", "NO060", "NO"),
        ("Hamburg", "DE600", "DE"),
        ("Schleswig-Holstein", "DEF0", "DE"),
        ("Kiel", "DEF0", "DE"),
        ("Mecklenburg-Vorpommern", "DE80", "DE"),
        ("Tallinn", "EE001", "EE"),
        ("Tallin", "EE001", "EE"),
        ("Harjumaa", "EE001", "EE"),
        ("Riga", "LV006", "LV"),
        ("Gdańsk", "PL63", "PL"),
        ("Gdansk", "PL63", "PL"),
        ("Pomorskie", "PL63", "PL"),
        ("Oslo", "NO081", "NO"),
        ("Stockholm", "SE110", "SE"),
        ("Gothenburg", "SE232", "SE"),
        ("Göteborg", "SE232", "SE"),
        ("Västra Götaland", "SE232", "SE"),
        ("Uppsala", "SE121", "SE"),
        ("Aarhus", "DK04", "DK"),
        ("Midtjylland", "DK04", "DK"),
        ("Odense", "DK03", "DK"),
        ("Syddanmark", "DK03", "DK"),
        ("Oulu", "FI1D9", "FI"),
        ("Helsinki", "FI1B1", "FI"),
        ("Uusimaa", "FI1B1", "FI"),
        ("Kaunas", "LT022", "LT"),
        ("Klaipėda", "LT023", "LT"),
        ("Klaipeda", "LT023", "LT"),
        ("Tartu", "EE008", "EE"),
    ],
)
def test_region_and_its_country(extract: Extract, text: str, region: str, country: str) -> None:
    assert _geo(extract, text) == [("region", region), ("country", country)]


def test_region_value_shape(extract: Extract) -> None:
    (region,) = [e for e in extract("Turku") if e["entity"] == "region"]
    assert region["value"] == {
        "code": "FI1C1",
        "name": "Southwest Finland",
        "level": 3,
        "nuts2": "FI1C",
        "country": "FI",
    }
    assert region["raw"] == "Turku"
    assert region["extractor"] == "GeoEntityExtractor"


def test_region_country_not_repeated_when_named(extract: Extract) -> None:
    assert _geo(extract, "Turku, Finland") == [("region", "FI1C1"), ("country", "FI")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Suomi", "FI"),
        ("Sverige", "SE"),
        ("Sweeden", "SE"),
        ("Lietuva", "LT"),
        ("Lithuana", "LT"),
        ("Eesti", "EE"),
        ("Latvija", "LV"),
        ("Polska", "PL"),
        ("Danmark", "DK"),
        ("Norge", "NO"),
        ("Deutschland", "DE"),
        ("Germnay", "DE"),
        ("Estonai", "EE"),
        ("Litauen", "LT"),
        ("France", "FR"),
        ("New Zealand", "NZ"),
        ("Poland's", "PL"),
    ],
)
def test_countries_local_names_and_misspellings(extract: Extract, text: str, code: str) -> None:
    assert [v for k, v in _geo(extract, text) if k == "country"] == [code]


@pytest.mark.parametrize(
    "text",
    [
        "we want to finish the project",
        "do not tamper with it",
        "we need to restock",
        "no, thanks",
        "tell us more",
        "polish the pitch",
        "an island in the sea",
        "herring and horses",
        "it renders fine",
        "Norra Sverige",  # only Sverige
    ],
)
def test_no_false_positives_on_ordinary_words(extract: Extract, text: str) -> None:
    found = _geo(extract, text)
    assert found in ([], [("country", "SE")]), found
    if "Sverige" not in text:
        assert found == []


def test_no_fuzzy_matches_in_training_and_response_texts(extract: Extract) -> None:
    root = DEFAULT_DATA_DIR
    lines: list[str] = []
    for path in sorted((root / "nlu" / "en").glob("*.yml")) + [
        root / "domain" / "responses_en.yml"
    ]:
        if path.is_file():
            lines += Path(path).read_text(encoding="utf-8").splitlines()
    fuzzy = [
        (e["raw"], line)
        for line in lines
        for e in extract(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line))
        if e.get("fuzzy")
    ]
    assert fuzzy == []


def test_within_one_edit() -> None:
    assert within_one_edit("vilnus", "vilnius")
    assert within_one_edit("sweeden", "sweden")
    assert within_one_edit("gemrany", "germany")
    assert within_one_edit("tampere", "tampere")
    assert not within_one_edit("finnland", "finland2x")
    assert not within_one_edit("turku", "tartu")


def test_regions_file_structure() -> None:
    raw = yaml.safe_load((DEFAULT_DATA_DIR / "geo" / "regions.yml").read_text(encoding="utf-8"))
    countries = yaml.safe_load(
        (DEFAULT_DATA_DIR / "geo" / "countries.yml").read_text(encoding="utf-8")
    )["countries"]
    assert raw["nuts_version"] == "NUTS 2021"
    for code, spec in raw["regions"].items():
        assert str(spec["country"]) in countries, code
        assert spec["level"] in (1, 2, 3), code
        assert len(code) == 2 + spec["level"], code
        assert code.startswith(str(spec["country"]) if spec["country"] != "GB" else "UK"), code
        assert "en" in spec["names"], code
