"""The whole journey over Rasa's REST channel: profile, voucher verdict, partners, introduction."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlmodel import select
from web_helpers import live_server, real_agent, send

from actions.matching import seed_demo_directory
from bot.config import Settings
from bot.storage import make_engine, session
from bot.storage.models_partners import IntroductionRequest

ONE_SENTENCE = (
    "We're a 35-person food-tech company in Turku with about 4 million euros turnover, "
    "looking for a Swedish university to test our fermentation process"
)
PROFILE = [
    ONE_SENTENCE,
    "Nordic Fermentation Oy",
    "/skip",
    '/inform{"ownership": "none"}',
    "2019",
    "/skip",
    "/deny",
]
VOUCHER_FACTS = [
    "EUR 8,000",
    '/inform{"service_type": "testing_validation"}',
    '/inform{"provider_type": "university"}',
    '/inform{"country": "SE"}',
    "/deny",
    "/deny",
    "/deny",
    "/deny",
]


@pytest.fixture
def seeded_client(
    make_settings: Callable[..., Settings], database_url: str
) -> Iterator[httpx.Client]:
    """A live server whose database holds the demo partner directory."""
    settings = make_settings()
    with live_server(real_agent, settings) as url:
        engine = make_engine(database_url)
        seed_demo_directory(engine)
        engine.dispose()
        with httpx.Client(base_url=url, timeout=60.0) as http:
            yield http


def _texts(client: httpx.Client, text: str) -> list[str]:
    response = send(client, "sme", text)
    assert response.status_code == 200, response.text
    return [m.get("text") or "" for m in response.json()]


def test_journey_profile_verdict_partners_introduction(
    seeded_client: httpx.Client, database_url: str
) -> None:
    _texts(seeded_client, "/check_voucher")
    for text in PROFILE:
        replies = _texts(seeded_client, text)
    assert replies[-1].startswith("Here is your company profile")
    replies = _texts(seeded_client, "/affirm")
    assert any("need a few facts" in r for r in replies)
    for text in VOUCHER_FACTS:
        replies = _texts(seeded_client, text)
    joined = "\n".join(replies)
    assert "(demo)" in joined and "Please note" in joined  # demo rules said as such
    assert "Verdict by the demo rules" in joined and ": eligible." in joined
    assert "Size class: small enterprise." in joined
    assert "the demo voucher would pay EUR 6,400" in joined
    # The national scheme of the SME's country, checked: founded in 2019, it is too old.
    assert "Business Finland innovation voucher: it is for companies under 5 years" in joined
    replies = _texts(seeded_client, "/find_partners")  # the profile is confirmed: no summary
    assert not any(r.startswith("Here is your company profile") for r in replies)
    suggestions = [r for r in replies if r[:2] in ("1.", "2.", "3.")]
    assert len(suggestions) == 3 and all("(demo)" in s and "Fit" in s for s in suggestions)
    assert not any("Finland:" in s for s in suggestions)  # partners are abroad
    replies = _texts(seeded_client, '/request_introduction{"number": "2"}')
    assert any("contact person's name" in r for r in replies)
    _texts(seeded_client, "Aino Virtanen")
    replies = _texts(seeded_client, "aino@nordic-fermentation.fi")
    assert any(r.startswith("May I pass exactly this") for r in replies)
    engine = make_engine(database_url)
    with session(engine) as db:
        assert db.exec(select(IntroductionRequest)).all() == []  # nothing before consent
    replies = _texts(seeded_client, "/affirm")
    assert any(r.startswith("Done: I recorded your request") for r in replies)
    with session(engine) as db:
        requests = db.exec(select(IntroductionRequest)).all()
    engine.dispose()
    assert len(requests) == 1 and requests[0].sender_id == "sme"
    assert requests[0].contact_email == "aino@nordic-fermentation.fi"
