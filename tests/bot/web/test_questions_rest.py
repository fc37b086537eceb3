"""Free questions over Rasa's REST channel: answered from the module that covers them, with the
journey they lead to offered as a button, never started unasked (docs/content.md).

Each conversation is a new user; the questions are worded the way owners type, not as the
modules or the NLU examples say them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_helpers import live_server, real_agent, send

from bot.config import Settings

FORM_START = "What is your company's name?"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[httpx.Client]:
    """One live server on its own SQLite database for the module's conversations."""
    folder = tmp_path_factory.mktemp("questions")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=f"sqlite:///{folder / 's3bot.db'}",
        MODELS_DIR=models_dir,
        ENVIRONMENT="test",
    )
    with live_server(real_agent, settings) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http


def _say(client: httpx.Client, sender: str, text: str) -> list[dict[str, Any]]:
    response = send(client, sender, text)
    assert response.status_code == 200, response.text
    messages: list[dict[str, Any]] = response.json()
    return messages


def _answered_from(messages: list[dict[str, Any]], module_title: str) -> dict[str, Any]:
    texts = [m.get("text") or "" for m in messages]
    assert not any(FORM_START in t for t in texts), texts  # no form started unasked
    answer = next((m for m in messages if (m.get("text") or "").startswith("From “")), None)
    assert answer is not None, texts
    assert answer["text"].startswith(f"From “{module_title}”"), answer["text"]
    return answer


def _payloads(message: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in message.get("buttons") or []]


@pytest.mark.parametrize(
    ("question", "module_title", "offered"),
    [
        (
            "how much cash does an innovation voucher actually give a company?",
            "Innovation vouchers",
            "/check_voucher",
        ),
        ("what's the max amount of the demo voucher", "Innovation vouchers", "/check_voucher"),
        (
            "why would we bother finding partners abroad, sounds expensive",
            "Why collaborate across borders",
            "/find_partners",
        ),
    ],
)
def test_a_question_about_a_journey_is_answered_and_the_journey_offered(
    client: httpx.Client, question: str, module_title: str, offered: str
) -> None:
    answer = _answered_from(_say(client, f"ask-{hash(question)}", question), module_title)
    assert offered in _payloads(answer)
    # The offered button starts the journey: the profile's first question.
    texts = [m.get("text") or "" for m in _say(client, f"ask-{hash(question)}", offered)]
    assert any(FORM_START in t or "company" in t.lower() for t in texts), texts


@pytest.mark.parametrize(
    ("question", "module_title"),
    [
        ("what are Finland's S3 priorities?", "S3 priorities in Finland"),
        ("lithuania smart specialisation fields?", "S3 priorities in Lithuania"),
        ("Norway isn't in the EU, so how does smart specialisation work there?", "S3 in Norway"),
    ],
)
def test_a_country_question_is_answered_from_the_countrys_module(
    client: httpx.Client, question: str, module_title: str
) -> None:
    _answered_from(_say(client, f"country-{hash(question)}", question), module_title)


@pytest.mark.parametrize(
    ("question", "module_title", "region"),
    [
        ("what does Pomorskie focus on?", "S3 priorities in Poland", "Pomorskie"),
        ("trondheim area - which fields are strong there?", "S3 in Norway", "Trøndelag"),
    ],
)
def test_a_region_named_without_its_country_gets_its_step(
    client: httpx.Client, question: str, module_title: str, region: str
) -> None:
    answer = _answered_from(_say(client, f"region-{hash(question)}", question), module_title)
    assert region in answer["text"]


def test_a_question_about_help_is_answered_not_fallen_back(client: httpx.Client) -> None:
    question = "we'd like advice on EU funding calls - who could help us locally?"
    _answered_from(_say(client, "help", question), "Where to get help")


def test_asking_to_act_still_starts_the_journey(client: httpx.Client) -> None:
    texts = [m.get("text") or "" for m in _say(client, "doer", "please check if we qualify")]
    assert any(FORM_START in t for t in texts), texts


def test_a_question_in_the_middle_of_the_profile_is_answered_and_the_form_goes_on(
    client: httpx.Client,
) -> None:
    _say(client, "mid", "find us partners please")
    _say(client, "mid", "Baltic Crab UAB from Lithuania")
    replies = _say(client, "mid", "btw how much does a voucher pay at most?")
    answer = _answered_from(replies, "Innovation vouchers")
    assert "/check_voucher" not in _payloads(answer)  # no second journey offered in a form
    assert "region or city" in (replies[-1].get("text") or "")  # the form's question again
    replies = _say(client, "mid", "hold on, what does the city have to do with it?")
    assert "region" in (replies[0].get("text") or "").lower()  # why the question is asked
    assert not (replies[0].get("text") or "").startswith("I'm sorry")
