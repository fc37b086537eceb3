"""Fixtures for the web tests: settings, and a live server running the real agent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from web_helpers import API_TOKEN, live_server, real_agent

from bot.config import Settings


@pytest.fixture
def make_settings(make_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    """The suite's settings (tests/conftest.py) with the tracker API token set."""

    def make(**overrides: Any) -> Settings:
        return make_settings(**{"API_TOKEN": API_TOKEN, **overrides})

    return make


@pytest.fixture
def base_url(make_settings: Callable[..., Settings]) -> Iterator[str]:
    """The base URL of a live server running the real agent."""
    with live_server(real_agent, make_settings()) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    """A synchronous HTTP client for the live server."""
    with httpx.Client(base_url=base_url, timeout=60.0) as http:
        yield http
