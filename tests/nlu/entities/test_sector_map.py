"""The sector map: a sector word -> its NACE code -> the S3 field, and what V5 makes of the code.

These five were once mapped to the wrong NACE section: agritech to primary agriculture (A01),
aquaculture equipment to fishing and aquaculture (A03), fintech to financial services (K66),
real estate to construction (F41), and "we process seafood" to fishing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from actions.eligibility import (
    CompanyProfile,
    evaluate,
    load_scheme,
    normalise_nace,
    vouchers_dir,
)

Extract = Callable[[str], list[dict[str, Any]]]


def _sector(extract: Extract, text: str) -> dict[str, Any]:
    (value, *_) = [e["value"] for e in extract(text) if e["entity"] == "sector"]
    return value


def _v5(nace: str) -> str:
    result = evaluate(CompanyProfile(nace_code=nace), load_scheme(vouchers_dir()))
    return next(rule.status for rule in result.rules if rule.id == "V5")


@pytest.mark.parametrize(
    ("text", "sector", "nace", "field", "v5"),
    [
        ("we are an agritech startup", "agritech", "C28.30", "bio", "pass"),
        ("agri-tech", "agritech", "C28.30", "bio", "pass"),
        ("we build aquaculture equipment", "aquaculture_equipment", "C28", "bio", "pass"),
        ("fish farming equipment", "aquaculture_equipment", "C28", "bio", "pass"),
        ("a fintech", "fintech", "J62", "digital", "pass"),
        ("real estate", "real_estate", "L68", "other", "fail"),
        ("seafood processing", "seafood_processing", "C10.20", "bio", "pass"),
        ("we process seafood", "seafood_processing", "C10.20", "bio", "pass"),
        # Still primary production: excluded.
        ("we run a fish farm", "fisheries_aquaculture", "A03", "bio", "fail"),
        ("dairy farming", "agriculture", "A01", "bio", "fail"),
        # Neighbours fixed on the way: a field is no activity; online retail is trade.
        ("blue bioeconomy", "bioeconomy", None, "bio", "unknown"),
        ("e-commerce", "ecommerce", "G47.91", "digital", "pass"),
        ("automotive parts", "automotive", "C29", "mobility", "pass"),
    ],
)
def test_sector_map_word_code_field(
    extract: Extract, text: str, sector: str, nace: str | None, field: str, v5: str
) -> None:
    value = _sector(extract, text)
    assert (value["sector"], value["nace"], value["s3_field"]) == (sector, nace, field)
    assert value["nace_section"] == (nace[0] if nace else None)
    if nace is not None:
        assert _v5(nace) == v5


def test_sector_map_codes_are_nace_codes() -> None:
    """Every code in the map reads as itself (no Rev. 2.1 letter, no missing division)."""
    table = yaml.safe_load((vouchers_dir().parent / "sectors" / "en.yml").read_text())
    for key, spec in table["sectors"].items():
        if spec.get("nace"):
            assert normalise_nace(str(spec["nace"])) == str(spec["nace"]), key
