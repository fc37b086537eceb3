"""Typed conversations about who owns the company and last year's figures.

They are played like the suite's conversations (`conversation_player`, the real agent on its
own SQLite database), from `ownership/ownership_kinds.yml`: the owner's kind read from plain
words, the questions that only matter for some owners and shares, and last year's figures
asked once when this year is over the SME ceilings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conversation_player import Conversation, load_conversations
from test_conversations import Play, conversation_dir, play  # noqa: F401  (fixtures that play)

OWNERSHIP = load_conversations(Path(__file__).parent / "ownership")


@pytest.mark.parametrize("conversation", OWNERSHIP, ids=[c.name for c in OWNERSHIP])
async def test_ownership_conversation(conversation: Conversation, play: Play) -> None:  # noqa: F811
    result = await play(conversation)
    assert not result.failures, result.transcript()


def test_ownership_conversations_cover_the_kinds() -> None:
    names = " ".join(c.name for c in OWNERSHIP)
    for kind in ("angel", "municipality", "state", "university", "last_year", "two_years"):
        assert kind in names, kind
