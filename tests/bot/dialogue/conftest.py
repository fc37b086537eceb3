"""Fixtures for the dialogue tests: the real agent on the test database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.main import build_agent


@pytest.fixture
def make_agent(make_settings: Callable[..., Settings]) -> Callable[..., Agent]:
    """Build further agents with overridden settings; the test closes them."""

    def make(**overrides: Any) -> Agent:
        return build_agent(make_settings(**overrides))

    return make
