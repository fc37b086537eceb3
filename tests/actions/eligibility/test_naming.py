"""Names instead of codes: NACE sectors, countries and regions, and the profile summary."""

from __future__ import annotations

from actions.eligibility import vouchers_dir
from actions.eligibility.naming import Names
from actions.profile_actions import summary_values

NAMES = Names(vouchers_dir().parent)


def test_nace_codes_are_named_with_the_code() -> None:
    assert NAMES.nace("A03") == "fishing and aquaculture (NACE A03)"
    assert NAMES.nace("c28") == "manufacture of machinery and equipment (NACE C28)"
    assert NAMES.nace("C10.8") == "manufacture of food products (NACE C10.8)"
    assert NAMES.nace("K") == "financial and insurance activities (NACE section K)"
    assert NAMES.nace("A10") == "A10"  # not a NACE code: shown as given, never invented


def test_countries_and_regions_are_named() -> None:
    assert NAMES.country("LT") == "Lithuania"
    assert NAMES.countries(["EE", "NO"]) == "Estonia, Norway"
    assert NAMES.region("LT011") == "Vilnius County"
    assert NAMES.region("Somewhere else") == "Somewhere else"
    assert NAMES.fact_value("nace_section", "C") == "manufacturing (NACE section C)"


def test_profile_summary_names_the_sector_region_and_country() -> None:
    slots = {
        "sector": "Fisheries and aquaculture",
        "nace_code": "A03",
        "country": "LT",
        "region": "LT011",
        "target_countries": ["SE", "EE"],
    }
    values = summary_values(slots, "en")
    assert values["sector_name"] == "fishing and aquaculture (NACE A03)"
    assert (values["country_name"], values["region_name"]) == ("Lithuania", "Vilnius County")
    assert values["targets_text"] == "Sweden, Estonia"
    typed = summary_values({"sector": "food  tech", "nace_section": None}, "en")
    assert typed["sector_name"] == "food tech"  # no NACE code: the user's own words
    assert summary_values({}, "en")["sector_name"] == "–"
