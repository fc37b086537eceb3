"""Messages in languages the assistant does not speak, through the real agent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from bot.storage import make_engine
from nlu import LanguageDetector

DATA = Path(__file__).resolve().parents[3] / "data"


async def _say(agent: Agent, text: str, sender: str = "l1") -> list[str]:
    replies = await agent.handle(UserMessage(sender_id=sender, text=text))
    return [r.text or "" for r in replies]


async def _state(agent: Agent, sender: str = "l1") -> dict[str, Any]:
    state = await agent.tracker_state(sender)
    assert state is not None
    return state


async def test_greeting_in_estonian_gets_the_notice_and_starts_nothing(agent: Agent) -> None:
    replies = await _say(agent, "Tere")
    assert len(replies) == 1
    assert replies[0].startswith("Tere!")
    assert "Estonian" in replies[0] and "English" in replies[0]
    state = await _state(agent)
    assert state["active_loop"] == {}
    assert state["slots"]["journey_goal"] is None and state["slots"]["language"] == "en"
    users = [e for e in state["events"] if e["event"] == "user"]
    assert users[-1]["text"] == "Tere"  # the message is logged ...
    assert users[-1]["parse_data"]["intent"]["name"] == "unsupported_language"
    assert state["events"][-1]["event"] == "rewind"  # ... and reverted


async def test_polish_sentence_about_the_company_gets_the_notice(agent: Agent) -> None:
    replies = await _say(agent, "Nasza firma produkuje fermentowaną żywność w Gdańsku")
    assert replies[0].startswith("Dzień dobry!") and "Polish (polski)" in replies[0]
    assert (await _state(agent))["slots"]["company_name"] is None


async def test_notice_inside_the_form_leaves_the_question_open(agent: Agent) -> None:
    await _say(agent, "/check_voucher")
    before = (await _state(agent))["slots"]
    replies = await _say(agent, "Tere")
    assert "Estonian" in replies[0]
    state = await _state(agent)
    assert state["active_loop"]["name"] == "profile_form"
    assert state["slots"] == before  # no slot changed: "Tere" is not the company's name
    await _say(agent, "Baltic Photonics UAB")
    assert (await _state(agent))["slots"]["company_name"] == "Baltic Photonics UAB"


async def test_hi_is_greeted_as_before(agent: Agent) -> None:
    replies = await _say(agent, "hi")
    assert replies[0].startswith("Hello! I'm the S3 Onboarding Assistant")


async def test_a_place_name_answers_the_region_question(agent: Agent) -> None:
    for text in ["/check_voucher", "Baltic Photonics UAB", "Lithuania"]:
        replies = await _say(agent, text)
    assert replies[-1].startswith("In which region or city")
    replies = await _say(agent, "Kaunas")
    assert not any("don't speak" in r for r in replies)
    slots = (await _state(agent))["slots"]
    assert slots["region"] == "LT022" and slots["language"] == "en"


class _RecordingInterpreter:
    def __init__(self) -> None:
        self.languages: list[str] = []

    def parse(self, text: str) -> dict[str, Any]:
        return {"text": text, "intent": {"name": "greet", "confidence": 1.0}, "entities": []}


@pytest.fixture
async def finnish_speaking(
    agent: Agent, database_url: str
) -> AsyncIterator[tuple[Agent, _RecordingInterpreter]]:
    """The real processor, with a Finnish model (a recording stand-in) beside English."""
    interpreter = _RecordingInterpreter()

    def interpreter_for(language: str) -> _RecordingInterpreter:
        interpreter.languages.append(language)
        return interpreter

    both = Agent(
        processor=agent.processor,
        engine=make_engine(database_url),
        interpreter_for=interpreter_for,
        default_language="en",
        max_message_chars=2000,
        languages=frozenset({"en", "fi"}),
        language_detector=LanguageDetector.load(DATA / "languages.yml"),
    )
    yield both, interpreter
    await both.close()  # closes the engine; closing the shared processor twice is harmless


async def test_a_spoken_language_switches_the_conversation(
    finnish_speaking: tuple[Agent, _RecordingInterpreter],
) -> None:
    agent, interpreter = finnish_speaking
    replies = await _say(agent, "Moi")
    assert not any("don't speak" in r for r in replies)
    assert (await _state(agent))["slots"]["language"] == "fi"
    assert interpreter.languages == ["fi"]
    replies = await _say(agent, "Tere")
    assert "English, Finnish (suomi)" in replies[0]  # every spoken language, by name


async def test_a_place_name_does_not_switch_back(
    finnish_speaking: tuple[Agent, _RecordingInterpreter],
) -> None:
    agent, interpreter = finnish_speaking
    await _say(agent, "Hyvää päivää")
    await _say(agent, "Kaunas")
    await _say(agent, "Nordic Fermentation Oy")
    assert (await _state(agent))["slots"]["language"] == "fi"
    assert interpreter.languages == ["fi", "fi", "fi"]
