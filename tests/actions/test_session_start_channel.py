"""The custom session start loads a saved profile only into a conversation of the channel its
id belongs to, so a Telegram user's profile never reaches another channel under their id."""

from __future__ import annotations

import pytest

from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from bot.shell import shell_sender_id
from bot.storage import crud, make_engine, session
from bot.storage.identity import belongs_to, in_namespace, namespace_of
from bot.telegram_channel.adapter import sender_id_of

PROFILE = {"company_name": "Hidden Herring Oy", "country": "FI", "need_description": "buyers"}


def _saved(database_url: str, sender: str, channel: str) -> None:
    engine = make_engine(database_url)
    with session(engine) as db:
        crud.get_or_create_conversation(session=db, sender_id=sender, channel=channel)
        crud.save_profile(session=db, sender_id=sender, data=PROFILE)
    engine.dispose()


async def _company_after_hello(agent: Agent, sender: str, channel: str) -> object:
    await agent.handle(UserMessage(sender_id=sender, text="hello", channel=channel))
    state = await agent.tracker_state(sender)
    assert state is not None
    return state["slots"]["company_name"]


async def test_telegram_profile_loads_on_telegram(agent: Agent, database_url: str) -> None:
    sender = sender_id_of(77)
    _saved(database_url, sender, "telegram")
    assert await _company_after_hello(agent, sender, "telegram") == "Hidden Herring Oy"


async def test_profile_of_a_telegram_id_saved_elsewhere_is_not_loaded(
    agent: Agent, database_url: str
) -> None:
    # A conversation a REST client opened under a Telegram id before REST refused such ids.
    sender = sender_id_of(78)
    _saved(database_url, sender, "rest")
    assert await _company_after_hello(agent, sender, "rest") is None


async def test_plain_rest_profile_still_loads(agent: Agent, database_url: str) -> None:
    _saved(database_url, "alice", "rest")
    assert await _company_after_hello(agent, "alice", "rest") == "Hidden Herring Oy"


@pytest.mark.parametrize(
    ("sender", "channel", "allowed"),
    [
        ("telegram:1", "telegram", True),
        ("telegram:1", "rest", False),
        ("Telegram:1", "rest", False),
        ("Telegram:1", "telegram", False),
        ("shell:ab12", "shell", True),
        ("shell:ab12", "telegram", False),
        ("alice", "rest", True),
        ("user:7", "rest", True),
        ("alice", "telegram", False),
        ("alice", "shell", False),
    ],
)
def test_belongs_to(sender: str, channel: str, allowed: bool) -> None:
    assert belongs_to(sender, channel) is allowed


def test_namespaces() -> None:
    assert namespace_of(sender_id_of(5)) == "telegram"
    assert namespace_of(" TELEGRAM:5") == "telegram"
    assert namespace_of("alice") is None and namespace_of("user:7") is None
    assert in_namespace("shell", "ab12") == "shell:ab12"
    assert in_namespace("shell", "shell:ab12") == "shell:ab12"


def test_shell_ids_are_in_the_shell_namespace() -> None:
    assert shell_sender_id("ab12") == "shell:ab12"
    assert shell_sender_id("shell:ab12") == "shell:ab12"
    with pytest.raises(ValueError, match="telegram"):
        shell_sender_id(sender_id_of(5))
