"""Overlaps: longest and most specific wins, no numbers inside quantities, names win."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nlu.entities.resolve import link_region_countries, resolve_entities

Extract = Callable[[str], list[dict[str, Any]]]


def _e(entity: str, start: int, end: int, extractor: str, value: Any = "x") -> dict[str, Any]:
    return {"entity": entity, "start": start, "end": end, "value": value, "extractor": extractor}


def test_no_number_inside_quantities(extract: Extract) -> None:
    text = "35 employees, EUR 2,5 milj., founded in 2019, for 18 months, and 77"
    found = [(e["entity"], e["value"]) for e in extract(text)]
    assert ("number", "77") in found
    assert [k for k, _ in found if k == "number"] == ["number"]
    assert ("headcount", 35) in found
    assert ("year", 2019) in found
    assert ("duration", 18) in found
    assert any(k == "money" and v["amount_eur"] == 2_500_000 for k, v in found)


def test_plain_number_still_extracted(extract: Extract) -> None:
    assert [(e["entity"], e["value"]) for e in extract("1234")] == [("number", "1234")]


def test_existing_same_span_entity_wins() -> None:
    lookup = _e("country", 0, 5, "RegexEntityExtractor", "Suomi")
    ours = _e("country", 0, 5, "GeoEntityExtractor", "FI")
    assert resolve_entities([lookup, ours]) == [lookup]


def test_longest_then_most_specific_wins() -> None:
    short = _e("country", 10, 15, "RegexEntityExtractor")
    region = _e("region", 0, 15, "GeoEntityExtractor")
    money = _e("money", 20, 30, "MoneyExtractor")
    headcount = _e("headcount", 20, 30, "HeadcountExtractor")
    assert resolve_entities([short, headcount, region, money]) == [region, money]


def test_company_name_wins_over_words_inside_it() -> None:
    sector = _e("sector", 7, 19, "SectorEntityExtractor")
    headcount = _e("headcount", 30, 42, "HeadcountExtractor")
    assert resolve_entities([sector, headcount], names=[(0, 22)]) == [headcount]
    # a name of the same length as the rule span does not win
    assert resolve_entities([sector], names=[(7, 19)]) == [sector]


def test_module_title_wins_over_places_and_sectors_inside_it() -> None:
    # "åbn modulet om Tysklands prioriteter": the lookup's and the geo data's country are
    # both inside the NER's title, so the merger can keep the title whole.
    lookup = _e("country", 15, 24, "RegexEntityExtractor", "DE")
    ours = _e("country", 15, 24, "GeoEntityExtractor", "DE")
    money = _e("money", 40, 48, "MoneyExtractor")
    assert resolve_entities([lookup, ours, money], titles=[(15, 36)]) == [money]
    # a title of the same span wins too ("pradėk Estijos pamoką"), one beside it does not
    assert resolve_entities([ours], titles=[(15, 24)]) == []
    assert resolve_entities([ours], titles=[(0, 14)]) == [ours]


def test_link_region_countries_in_order() -> None:
    region = _e("region", 0, 5, "GeoEntityExtractor", {"code": "FI1C1", "country": "FI"})
    sweden = _e("country", 20, 27, "RegexEntityExtractor", "SE")
    linked = link_region_countries([region, sweden])
    assert [(e["entity"], e["value"] if e["entity"] == "country" else "") for e in linked] == [
        ("region", ""),
        ("country", "FI"),
        ("country", "SE"),
    ]
    assert linked[1]["derived_from"] == "region"
    assert (linked[1]["start"], linked[1]["end"]) == (0, 5)
