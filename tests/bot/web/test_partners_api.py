"""POST /api/v1/partners/match over real HTTP: the answer's shape, 422 naming fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from web_helpers import API_TOKEN, assert_error, live_server

from actions.matching import seed_demo_directory
from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.storage import make_engine, upgrade_schema

URL = "/api/v1/partners/match"
PROFILE: dict[str, Any] = {
    "country": "FI",
    "region": "FI1B",
    "s3_fields": ["bio"],
    "need_type": "TR",
    "need_description": "Photobioreactor technology to grow microalgae for omega-3 oils",
    "partner_types": ["rto", "sme"],
    "partnership_types": ["research_development_cooperation_agreement"],
    "limit": 5,
}


class _NoAgent:
    """The partner API never talks to the agent; it only uses the agent's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def close(self) -> None:
        self.engine.dispose()


def _no_agent(settings: Settings) -> Agent:
    return _NoAgent(make_engine(settings.DATABASE_URL))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[httpx.Client]:
    """One live server on a database holding the demo directory."""
    url = f"sqlite:///{tmp_path_factory.mktemp('partners-db') / 's3bot.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    seed_demo_directory(engine)
    engine.dispose()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, DATABASE_URL=url, MODELS_DIR=models_dir, API_TOKEN=API_TOKEN
    )
    with (
        live_server(_no_agent, settings) as base,
        httpx.Client(base_url=base, timeout=60.0) as client,
    ):
        yield client


def test_partner_match_shape(http: httpx.Client) -> None:
    response = http.post(URL, json=PROFILE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "demo", "need_type", "outside_targets", "good_match", "count", "suggestions"
    }  # fmt: skip
    assert body["demo"] is True and body["good_match"] is True
    assert body["need_type"] == "TR" and body["outside_targets"] is False
    assert 1 <= body["count"] == len(body["suggestions"]) <= 5
    first = body["suggestions"][0]
    assert set(first) == {
        "id", "ref", "name", "org_type", "size", "country", "region", "profile_type", "title",
        "website", "demo", "score", "components", "shared_keywords", "reasons",
    }  # fmt: skip
    scores = [s["score"] for s in body["suggestions"]]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1
    for s in body["suggestions"]:
        assert s["demo"] is True and s["name"].endswith("(demo)")
        assert s["country"] != "FI" and s["profile_type"] == "TO"
        assert s["reasons"] and "Demo entry" in s["reasons"][-1]
    assert "microalgae" in first["shared_keywords"]


def test_partner_match_guesses_the_need_type_and_takes_names(http: httpx.Client) -> None:
    body = {
        "country": "FI",
        "need_description": "we are looking for a supplier of compostable sandwich wrapping",
        "s3_fields": ["Circular Economy"],
        "partner_types": ["SME", "Large company"],
    }
    response = http.post(URL, json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["need_type"] == "BR" and answer["good_match"] is True
    assert all(s["profile_type"] == "BO" for s in answer["suggestions"])
    research = http.post(URL, json={"country": "FI", "need_type": "technology request"})
    assert research.status_code == 200 and research.json()["need_type"] == "TR"


def test_partner_match_honours_target_countries(http: httpx.Client) -> None:
    there = http.post(URL, json={**PROFILE, "partner_types": [], "target_countries": ["DE"]})
    assert there.status_code == 200, there.text
    countries = [s["country"] for s in there.json()["suggestions"]]
    assert countries[0] == "DE" and there.json()["outside_targets"] is False
    assert countries == sorted(countries, key=lambda c: c != "DE")  # the target country first
    elsewhere = http.post(URL, json={**PROFILE, "target_countries": ["EE", "SE"]}).json()
    assert elsewhere["outside_targets"] is True and elsewhere["suggestions"]
    assert elsewhere["suggestions"][0]["country"] not in ("EE", "SE")


def test_partner_match_says_when_nothing_fits(http: httpx.Client) -> None:
    body = {"country": "SE", "need_type": "BR", "need_description": "payroll and bookkeeping"}
    answer = http.post(URL, json=body).json()
    assert answer["good_match"] is False


def test_partner_match_minimal_profile(http: httpx.Client) -> None:
    response = http.post(URL, json={"country": "de", "need_type": "BR"})
    assert response.status_code == 200, response.text
    suggestions = response.json()["suggestions"]
    assert suggestions and all(s["profile_type"] == "BO" for s in suggestions)
    assert all(s["country"] != "DE" for s in suggestions)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"need_type": "BX"}, "need_type"),
        ({"need_type": "a spaceship"}, "need_type"),
        ({"need_type": 7}, "need_type"),
        ({"s3_fields": ["space"]}, "s3_fields.0"),
        ({"s3_fields": [3]}, "s3_fields.0"),
        ({"partner_types": ["shop"]}, "partner_types.0"),
        ({"target_countries": ["SE", "ZZ"]}, "target_countries.1"),
        ({"partnership_types": ["license"]}, "partnership_types.0"),
        ({"limit": 21}, "limit"),
        ({"limit": "5"}, "limit"),
        ({"region": "Uusimaa!"}, "region"),
        ({"need_description": "x" * 2001}, "need_description"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_partner_match_invalid_input_is_422_naming_the_field(
    http: httpx.Client, change: dict[str, Any], field: str
) -> None:
    error = assert_error(http.post(URL, json={**PROFILE, **change}), 422, "validation_error")
    assert [d["field"] for d in error["details"]] == [field]


def test_partner_match_missing_fields_and_bad_bodies(http: httpx.Client) -> None:
    error = assert_error(http.post(URL, json={"need_type": "TR"}), 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["country"]
    assert_error(http.post(URL, json=[PROFILE]), 422, "validation_error")
    assert_error(http.post(URL, content=b"{not json"), 400)
    assert_error(http.post(URL, content=b"\xff\xfe"), 400)
