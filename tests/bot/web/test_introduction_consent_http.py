"""Consent bound to its partner, over Rasa's REST channel as it was measured on the server:
a number beyond the list, then "yes", then another number stores nothing until the question
naming that partner is answered; a directory ref never suggested is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlmodel import col, select
from web_helpers import live_server, real_agent, send, tracker

from actions.matching import seed_demo_directory
from bot.config import Settings
from bot.storage import make_engine, session
from bot.storage.models_partners import IntroductionRequest, Organisation

PROFILE = [
    "/find_partners",
    "We're a 12-person company in Turku building aquaculture equipment, about 1.5 million "
    "euros turnover, looking for a Swedish university to test our feeding system",
    "Baltic Fish Tech Oy",
    "/skip",
    "/deny",
    "2021",
    "/skip",
    "/deny",
    "/affirm",
]


@pytest.fixture
def seeded(make_settings: Callable[..., Settings], database_url: str) -> Iterator[httpx.Client]:
    """A live server whose database holds the demo partner directory."""
    with live_server(real_agent, make_settings()) as url:
        engine = make_engine(database_url)
        seed_demo_directory(engine)
        engine.dispose()
        with httpx.Client(base_url=url, timeout=60.0) as http:
            yield http


def _say(client: httpx.Client, text: str) -> str:
    response = send(client, "sme-consent", text)
    assert response.status_code == 200, response.text
    return "\n".join(m.get("text") or "" for m in response.json())


def _stored(database_url: str) -> list[tuple[str | None, str]]:
    engine = make_engine(database_url)
    statement = select(IntroductionRequest.consented_ref, Organisation.ref).join(
        Organisation, col(Organisation.id) == col(IntroductionRequest.organisation_id)
    )
    with session(engine) as db:
        rows = [(consented, ref) for consented, ref in db.exec(statement).all()]
    engine.dispose()
    return rows


def test_consent_over_rest_lands_only_on_the_partner_named(
    seeded: httpx.Client, database_url: str
) -> None:
    for text in PROFILE:
        _say(seeded, text)
    shown = tracker(seeded, "sme-consent")["slots"]["partner_suggestions"]
    assert len(shown) == 3 and "DEMO-0042" not in shown
    _say(seeded, "introduce me to 1")
    _say(seeded, "Aino Virtanen, aino@balticfish.fi")
    _say(seeded, "yes")
    assert _stored(database_url) == [(shown[0], shown[0])]

    answer = _say(seeded, "introduce me to 5")
    assert "I showed you 3 so far" in answer and "May I pass" not in answer
    _say(seeded, "yes")
    assert _stored(database_url) == [(shown[0], shown[0])]
    question = _say(seeded, "introduce me to 2")
    assert f"(reference {shown[1]})" in question
    assert _stored(database_url) == [(shown[0], shown[0])]  # asked, not yet answered

    refused = _say(seeded, '/request_introduction{"number": "DEMO-0042"}')
    assert "I showed you 3 so far" in refused and "May I pass" not in refused
    _say(seeded, "yes")
    assert _stored(database_url) == [(shown[0], shown[0])]
