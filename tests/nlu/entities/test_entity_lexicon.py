"""Sectors (NACE code and S3 field) and partner types (canonical keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Extract = Callable[[str], list[dict[str, Any]]]


def _values(extract: Extract, text: str, entity: str) -> list[Any]:
    return [e["value"] for e in extract(text) if e["entity"] == entity]


@pytest.mark.parametrize(
    ("text", "sector", "nace", "field"),
    [
        ("we are a food-tech startup", "food", "C10", "bio"),
        ("foodtech", "food", "C10", "bio"),
        ("food tech", "food", "C10", "bio"),
        ("precision fermentation", "biotech", "M72", "bio"),
        ("forestry", "forestry", "A02", "bio"),
        ("wood processing", "wood_processing", "C16", "bio"),
        ("recycling", "recycling", "E38", "circular"),
        ("circular economy", "circular_economy", None, "circular"),
        ("software", "software", "J62", "digital"),
        ("AI", "artificial_intelligence", "J62", "digital"),
        ("digital", "digital", "J63", "digital"),
        ("biotech", "biotech", "M72", "bio"),
        ("maritime", "maritime", "H50", "maritime"),
        ("offshore wind", "energy", "D35", "energy"),
        ("energy", "energy", "D35", "energy"),
        ("health tech", "health_tech", "C32", "health"),
        ("health-tech", "health_tech", "C32", "health"),
        ("medical devices", "health_tech", "C32", "health"),
        ("textiles", "textiles", "C13", "manufacturing"),
        ("robotics", "manufacturing", "C28", "manufacturing"),
    ],
)
def test_sector_value(
    extract: Extract, text: str, sector: str, nace: str | None, field: str
) -> None:
    (value,) = _values(extract, text, "sector")
    assert value["sector"] == sector
    assert value["nace"] == nace
    assert value["nace_section"] == (nace[0] if nace else None)
    assert value["s3_field"] == field


def test_sector_longest_phrase_wins(extract: Extract) -> None:
    assert [v["sector"] for v in _values(extract, "offshore wind and marine", "sector")] == [
        "energy",
        "maritime",
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("a university", "university"),
        ("universities", "university"),
        ("a univeristy", "university"),
        ("yliopisto", "university"),
        ("a research institute", "research_institute"),
        ("an RTO", "research_institute"),
        ("a test facility", "test_facility"),
        ("testbed", "test_facility"),
        ("a pilot plant", "test_facility"),
        ("a cluster", "cluster"),
        ("an SME", "sme"),
        ("a startup", "sme"),
        ("a start-up", "sme"),
        ("a large company", "large_company"),
        ("the EEN node", "een_node"),
        ("Enterprise Europe Network", "een_node"),
        ("a business development organisation", "business_development_org"),
        ("an incubator", "business_development_org"),
        ("the regional authority", "regional_authority"),
        ("the regional council", "regional_authority"),
    ],
)
def test_partner_type_key(extract: Extract, text: str, key: str) -> None:
    assert _values(extract, text, "partner_type") == [key]


@pytest.mark.parametrize(
    "text", ["we are a company", "get a prototype tested", "our firm", "in the region"]
)
def test_partner_type_not_found_in_ordinary_text(extract: Extract, text: str) -> None:
    assert _values(extract, text, "partner_type") == []


@pytest.mark.parametrize(
    ("text", "sector", "field"),
    [
        ("soft robot grippers", "manufacturing", "manufacturing"),
        ("textile recycling", "recycling", "circular"),
        ("mobile games", "gaming", "digital"),
        ("defect scanners", "electronics_iot", "digital"),
        ("small electrolysers", "energy", "energy"),
        ("we smoke and can sprats", "seafood_processing", "bio"),
        ("food waste into feed", "recycling", "circular"),
        ("web shops", "software", "digital"),
        ("we run two bakeries", "food", "bio"),
    ],
)
def test_sectors_name_what_a_company_makes(
    extract: Extract, text: str, sector: str, field: str
) -> None:
    (value, *_) = _values(extract, text, "sector")
    assert (value["sector"], value["s3_field"]) == (sector, field)


def test_sectors_robot_alone_is_no_sector(extract: Extract) -> None:
    assert _values(extract, "r u a robot", "sector") == []
