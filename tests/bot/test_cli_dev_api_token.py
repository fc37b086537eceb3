"""`s3bot serve` in development without an API_TOKEN makes one up in `.env` and prints, once,
how to read a tracker with it; never in production, never over a configured token."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.cli
from bot.config import (
    PROJECT_ROOT,
    Settings,
    add_development_api_token,
    get_settings,
    needs_development_api_token,
)


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]


def test_only_development_without_a_token_needs_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_TOKEN", raising=False)
    assert needs_development_api_token(_settings(ENVIRONMENT="development"))
    assert not needs_development_api_token(_settings(ENVIRONMENT="production"))
    assert not needs_development_api_token(_settings(ENVIRONMENT="test"))
    assert not needs_development_api_token(_settings(ENVIRONMENT="development", API_TOKEN="x"))
    monkeypatch.setenv("API_TOKEN", "")  # off on purpose, and it would override .env
    assert not needs_development_api_token(_settings(ENVIRONMENT="development"))


def test_the_token_is_appended_and_read_back(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=8123\nAPI_TOKEN=", encoding="utf-8")  # as .env.example has it
    token = add_development_api_token(env_file)
    assert len(token) >= 40
    assert env_file.read_text(encoding="utf-8").startswith("PORT=8123\nAPI_TOKEN=\n")
    read = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert token == read.API_TOKEN and read.PORT == 8123
    assert add_development_api_token(env_file) != token  # random, never a fixed value


def test_a_new_env_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    add_development_api_token(env_file)
    assert env_file.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_env_file_stays_out_of_git() -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=PROJECT_ROOT)
    assert ignored.returncode == 0


@pytest.fixture
def serve_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Settings]]:
    """`s3bot serve` run in `tmp_path` in development; the settings it would serve with."""
    served: list[Settings] = []

    def serve_one(args: argparse.Namespace, settings: Settings) -> int:
        served.append(settings)
        return 0

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(bot.cli, "_serve_one", serve_one)
    for name in ("API_TOKEN", "HOST", "PORT", "WORKERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    get_settings.cache_clear()
    yield served
    get_settings.cache_clear()


def test_serve_makes_up_a_token_once_and_prints_the_curl_line(
    serve_in: list[Settings], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bot.cli.main(["serve", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    token = serve_in[0].API_TOKEN
    assert token
    assert f"API_TOKEN={token}\n" in (tmp_path / ".env").read_text(encoding="utf-8")
    expected = (
        f"curl -s -H 'Authorization: Bearer {token}' http://127.0.0.1:8123/conversations/u1/tracker"
    )
    assert expected in out

    get_settings.cache_clear()
    assert bot.cli.main(["serve", "--port", "8123"]) == 0
    assert token == serve_in[1].API_TOKEN  # read from .env
    assert capsys.readouterr().out == ""
    assert (tmp_path / ".env").read_text(encoding="utf-8").count("API_TOKEN=") == 1


def test_serve_in_production_writes_and_prints_nothing(
    serve_in: list[Settings],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    get_settings.cache_clear()
    assert bot.cli.main(["serve", "--port", "8123"]) == 0
    assert serve_in[0].API_TOKEN is None
    assert not (tmp_path / ".env").exists()
    captured = capsys.readouterr()
    assert "API_TOKEN" not in captured.out + captured.err
