"""An ideal partner imported among the demo directory comes first for its need.

Each case is an SME's need in its own words and one organisation written, as partners write
their profiles, to answer it exactly. It is imported through the directory's CSV import
next to the 384 demo organisations (several on the same topic), and must rank first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine

from actions.matching import PartnerNeed, import_csv, seed_demo_directory, suggest_partners
from actions.matching.directory_csv import write_rows
from bot.storage import session


@dataclass(frozen=True)
class Case:
    """A need and the profile of the partner that answers it best."""

    need: PartnerNeed
    org_type: str
    country: str
    profile_type: str
    title: str
    keywords: str
    partnership_types: str


R_AND_D = "research_development_cooperation_agreement"
TECH = f"commercial_agreement_with_technical_assistance;{R_AND_D}"
TRADE = "commercial_agreement;supplier_agreement"

CASES = [
    Case(
        PartnerNeed("TR", "FI", "We run a trout farm, want to recycle the water in tanks"),
        "rto", "NO", "TO", "Recirculating aquaculture systems for trout hatcheries",
        "aquaculture;recirculating;trout;hatchery", TECH,
    ),
    Case(
        PartnerNeed("TR", "SE", "light-based measuring of coating thickness on glass"),
        "university", "DK", "TO", "Optical interferometry for thin coating thickness on glass",
        "optics;interferometry;coating;glass", TECH,
    ),
    Case(
        PartnerNeed("TR", "PL", "haulage firm: plan delivery routes, fill trucks better"),
        "sme", "LT", "TO", "Route optimisation and truck load planning software for hauliers",
        "route optimisation;freight;load planning;haulage", TECH,
    ),
    Case(
        PartnerNeed("TR", "DK", "drones to inspect the blades of our offshore wind turbines"),
        "sme", "SE", "TO", "Drone inspection of offshore wind turbine blades",
        "offshore wind;blade inspection;drones;turbine", TECH,
    ),
    Case(
        PartnerNeed("BR", "SE", "contract fermentation of oat based vegan yoghurt"),
        "sme", "FI", "BO", "Contract fermentation of plant-based yoghurt and oat products",
        "fermentation;oat;plant-based;yoghurt", TRADE,
    ),
    Case(
        PartnerNeed("TR", "EE", "warn us before a bearing fails in our sawmill"),
        "sme", "FI", "TO", "Bearing failure prediction for sawmills from vibration data",
        "predictive maintenance;bearing;sawmill;vibration", TECH,
    ),
    Case(
        PartnerNeed("BR", "NO", "chargers for 40 electric taxis at our depot"),
        "sme", "DK", "BO", "Depot charging for electric taxi and van fleets",
        "electric vehicle;charging;depot;taxi", TRADE,
    ),
    Case(
        PartnerNeed("TR", "LV", "prove the origin of each fish batch from boat to supermarket"),
        "sme", "EE", "TO", "Batch traceability of fish from vessel to retail shelf",
        "traceability;fish;batch;retail", TECH,
    ),
    Case(
        PartnerNeed("TR", "SE", "get phosphorus out of our dairy effluent"),
        "rto", "DE", "TO", "Phosphorus recovery from dairy wastewater",
        "phosphorus;dairy;wastewater;nutrient recovery", TECH,
    ),
    Case(
        PartnerNeed("RDR", "NO", "Horizon call: recover cobalt and nickel from spent EV batteries"),
        "university", "PL", "RDR", "Hydrometallurgical cobalt and nickel recovery from EV cells",
        "battery recycling;cobalt;nickel;hydrometallurgy", R_AND_D,
    ),
    Case(
        PartnerNeed("TR", "LT", "a robot arm that welds beside our workers in short series"),
        "rto", "DE", "TO", "Collaborative welding robots for short series production",
        "cobot;welding;short series;robot", TECH,
    ),
]  # fmt: skip


def _import(engine: Engine, ref: str, case: Case) -> None:
    row = {
        "ref": ref,
        "name": f"Ideal Partner {ref} (demo)",
        "org_type": case.org_type,
        "size": "small" if case.org_type == "sme" else "",
        "country": case.country,
        "region": "",
        "s3_fields": "digital",
        "profile_type": case.profile_type,
        "title": case.title,
        "description": f"Ideal Partner {ref} offers {case.title[0].lower()}{case.title[1:]}.",
        "keywords": case.keywords,
        "partnership_types": case.partnership_types,
        "stage": "on_the_market" if case.profile_type == "TO" else "",
        "languages": "en",
        "website": "",
        "is_demo": "true",
    }
    stream = io.StringIO()
    write_rows(stream, [row])
    with session(engine) as db:
        assert import_csv(session=db, stream=io.StringIO(stream.getvalue())) == (1, 0)


@pytest.mark.parametrize("case", CASES, ids=[c.title.split()[0].lower() for c in CASES])
def test_the_ideal_partner_ranks_first_for_its_need(engine: Engine, case: Case) -> None:
    seed_demo_directory(engine)
    _import(engine, "IDEAL-1", case)
    with session(engine) as db:
        found = suggest_partners(session=db, need=case.need, limit=3)
    assert found and found[0].ref == "IDEAL-1", [(s.ref, s.title) for s in found]
    assert not found[0].weak and found[0].shared_keywords


def test_at_least_ten_needs_have_an_ideal_partner() -> None:
    assert len(CASES) >= 10
    assert len({c.need.need_description for c in CASES}) == len(CASES)
