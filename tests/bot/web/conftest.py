"""Fixtures for the web tests: settings, and a live server running the real agent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_helpers import API_TOKEN, live_server, real_agent

from bot.config import Settings


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Trained models for the whole session, built once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def make_settings(database_url: str, models_dir: Path) -> Callable[..., Settings]:
    """Settings for a test server; keyword arguments override."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "DATABASE_URL": database_url,
            "MODELS_DIR": models_dir,
            "API_TOKEN": API_TOKEN,
            "ENVIRONMENT": "test",
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

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
