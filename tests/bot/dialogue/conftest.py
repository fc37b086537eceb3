"""Fixtures for the dialogue tests: the real agent on the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.main import build_agent


@pytest.fixture
async def agent(make_settings: Callable[..., Settings]) -> AsyncIterator[Agent]:
    """The agent exactly as `s3bot serve` builds it, on the test database."""
    built = build_agent(make_settings())
    yield built
    await built.close()


@pytest.fixture
def make_agent(make_settings: Callable[..., Settings]) -> Callable[..., Agent]:
    """Build further agents with overridden settings; the test closes them."""

    def make(**overrides: Any) -> Agent:
        return build_agent(make_settings(**overrides))

    return make
