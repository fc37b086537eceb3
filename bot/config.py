"""Settings, one per environment variable, so a deployment is configured without code."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything the assistant reads from its environment (or a `.env` file)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    ENVIRONMENT: str = "development"
    DATABASE_URL: str = f"sqlite:///{PROJECT_ROOT / 'var' / 's3bot.db'}"
    DATA_DIR: Path = PROJECT_ROOT / "data"
    MODELS_DIR: Path = PROJECT_ROOT / "models"
    ACTIONS_PACKAGE: str = "actions"
    ACTION_ENDPOINT_URL: str | None = None
    ACTION_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    NLU_FALLBACK_THRESHOLD: float = Field(default=0.3, ge=0, le=1)
    DEFAULT_LANGUAGE: str = "en"
    API_TOKEN: str | None = None
    #: Off by default for local use; required in production, where without it anyone who
    #: reaches the port may talk as any REST sender (docs/http_api.md).
    REST_CHANNEL_TOKEN: str | None = None
    MAX_MESSAGE_CHARS: int = Field(default=2000, gt=0)
    MAX_REQUEST_BYTES: int = Field(default=256_000, gt=0)
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    LOG_LEVEL: str = "INFO"
    #: "text" (one escaped line per record) or "json" (one object per line, with request ids).
    LOG_FORMAT: Literal["text", "json"] = "text"
    #: Requests per minute on the public routes, per sender and per client address (0: off).
    RATE_LIMIT_PER_SENDER: int = Field(default=60, ge=0)
    RATE_LIMIT_PER_ADDRESS: int = Field(default=300, ge=0)
    #: Requests per minute to the widget API, per widget conversation and per partner site.
    WIDGET_RATE_LIMIT_PER_SESSION: int = Field(default=30, ge=0)
    WIDGET_RATE_LIMIT_PER_SITE: int = Field(default=600, ge=0)
    #: Seconds a client may take to send a request's headers, and then its body.
    HEADER_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    BODY_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    #: Seconds a turn waits for its conversation (held by another turn) before the user is
    #: told "busy, try again" (API clients: 503 with Retry-After).
    LOCK_WAIT_SECONDS: float = Field(default=10.0, gt=0)
    #: Server worker processes (`s3bot serve --workers`); more than one needs PostgreSQL.
    WORKERS: int = Field(default=1, ge=1)
    #: Seconds a stopping server lets running turns finish (new ones get 503 meanwhile).
    SHUTDOWN_SECONDS: float = Field(default=5.0, gt=0)
    #: Staff console sessions end after this many minutes without a request, and this many
    #: hours after sign-in in any case.
    CONSOLE_SESSION_IDLE_MINUTES: int = Field(default=480, gt=0)
    CONSOLE_SESSION_MAX_HOURS: int = Field(default=24, gt=0)
    #: Failed console sign-ins allowed per account and per client address within the window
    #: before further attempts get 429 (counted in the database, so across workers).
    CONSOLE_LOGIN_FAILURES_PER_ACCOUNT: int = Field(default=5, gt=0)
    CONSOLE_LOGIN_FAILURES_PER_ADDRESS: int = Field(default=20, gt=0)
    CONSOLE_LOGIN_WINDOW_MINUTES: int = Field(default=15, gt=0)
    #: Conversations idle for longer than this many days are deleted by `s3bot retention run`
    #: (unset or 0: kept until erased).
    RETENTION_DAYS: int | None = Field(default=None, ge=0)
    TELEGRAM_BOT_TOKEN: str | None = None
    TELEGRAM_WEBHOOK_URL: str | None = None
    TELEGRAM_WEBHOOK_SECRET: str | None = None
    TELEGRAM_API_BASE_URL: str = "https://api.telegram.org/bot"

    @field_validator(
        "API_TOKEN",
        "REST_CHANNEL_TOKEN",
        "ACTION_ENDPOINT_URL",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
        "RETENTION_DAYS",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """An empty value in `.env` means the setting is off, not an empty secret."""
        return None if isinstance(value, str) and not value.strip() else value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


#: The environment in which a missing API_TOKEN is made up (`s3bot serve` on a developer's
#: machine); any other (production, test) keeps the token endpoints off without one.
DEVELOPMENT = "development"


def needs_development_api_token(settings: Settings) -> bool:
    """Whether `s3bot serve` should make up an API_TOKEN: none is configured, the
    environment is development, and API_TOKEN is not set (even empty) in the process's
    environment, which would override `.env` and so means "off" on purpose."""
    return (
        not settings.API_TOKEN
        and settings.ENVIRONMENT.strip().lower() == DEVELOPMENT
        and "API_TOKEN" not in os.environ
    )


def add_development_api_token(env_file: Path) -> str:
    """A new random API_TOKEN, appended to `env_file` (created, readable by its owner only,
    when missing), so that the tracker example of the README works on a fresh checkout and
    the same token is read on every later start. What the file holds is kept; a later line
    wins over an earlier empty `API_TOKEN=` (as `.env.example` has)."""
    token = secrets.token_urlsafe(32)
    existing = env_file.read_text(encoding="utf-8") if env_file.exists() else None
    separator = "\n" if existing and not existing.endswith("\n") else ""
    with env_file.open("a", encoding="utf-8") as out:
        if existing is None:
            os.chmod(env_file, 0o600)
        out.write(
            f"{separator}# Made up by `s3bot serve` (development) for the tracker and /metrics.\n"
            f"API_TOKEN={token}\n"
        )
    return token
