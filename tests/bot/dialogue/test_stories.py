"""Every test story in data/stories plays through the real agent as written."""

from __future__ import annotations

import uuid

import pytest

from bot.config import get_settings
from bot.dialogue.agent import Agent
from bot.dialogue.domain import load_domain
from bot.dialogue.stories import check_story, load_stories

DATA_DIR = get_settings().DATA_DIR
STORIES = load_stories(DATA_DIR / "stories", load_domain(DATA_DIR / "domain"))


@pytest.mark.parametrize("story", STORIES, ids=[s.name for s in STORIES])
async def test_story_plays_as_written(agent: Agent, story) -> None:  # type: ignore[no-untyped-def]
    result = await check_story(agent, story, f"story-{uuid.uuid4().hex[:8]}")
    assert result.failures == []


def test_stories_exist_for_the_first_dialogue() -> None:
    assert len(STORIES) >= 8
