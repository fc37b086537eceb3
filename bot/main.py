"""Composition root: the only place that wires settings, data, NLU, storage, actions and web.

It builds one engine (one connection pool) per database and hands it to everything that
uses that database: the agent, in-process actions (`actions.store`), the web APIs (through
the agent) and the Telegram channel (through the agent). Nothing below reads the environment.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from actions import store as action_store
from bot.config import Settings
from bot.dialogue.action_runner import ActionRunner, HttpActionRunner, InProcessActionRunner
from bot.dialogue.agent import Agent, Interpreter
from bot.dialogue.bot_data import BotData, load_bot_data
from bot.dialogue.choices import ChoiceReader
from bot.dialogue.outbound import NEXT_ANSWER
from bot.dialogue.policy import Policy
from bot.dialogue.processor import Processor
from bot.storage import make_engine, upgrade_schema
from bot.storage.identity import REST_CHANNEL
from bot.telegram_channel import TelegramChannel
from bot.telegram_channel.adapter import CHANNEL as TELEGRAM_CHANNEL
from bot.web.app import create_web_app
from bot.web.widget_tokens import CHANNEL as WIDGET_CHANNEL

if TYPE_CHECKING:
    from nlu.language import LanguageDetector

logger = logging.getLogger(__name__)


def make_action_runner(settings: Settings) -> ActionRunner:
    """An external action server when ACTION_ENDPOINT_URL is set, else rasa-sdk in-process."""
    if settings.ACTION_ENDPOINT_URL:
        return HttpActionRunner(settings.ACTION_ENDPOINT_URL, settings.ACTION_TIMEOUT_SECONDS)
    return InProcessActionRunner(settings.ACTIONS_PACKAGE, settings.ACTION_TIMEOUT_SECONDS)


def train_models(
    settings: Settings,
    data: BotData,
    *,
    force: bool = False,
    on_step: Callable[[str, str, int, int], None] | None = None,
) -> dict[str, Path]:
    """Train (or reuse, when the data is unchanged) one NLU model per language.

    `on_step` is told (language, step, steps done, steps in all) as each step starts, for a
    command to show progress (`nlu.train`'s steps).
    """
    from nlu import train

    paths = {}
    for language, nlu_dir in data.spoken_nlu_dirs.items():
        result = train(
            nlu_dir,
            settings.MODELS_DIR,
            language=language,
            force=force,
            on_step=None if on_step is None else partial(on_step, language),
        )
        logger.info(
            "NLU model for %s: %s (%s)",
            language,
            result.model_path.name,
            "trained" if result.trained else "unchanged",
        )
        paths[language] = result.model_path
    return paths


def make_interpreters(settings: Settings, data: BotData) -> Callable[[str], Interpreter]:
    """A lookup from a language to its trained interpreter, default language as fallback."""
    from nlu import Interpreter as SpacyInterpreter

    models = train_models(settings, data)
    loaded = {
        language: SpacyInterpreter.load(path, fallback_threshold=settings.NLU_FALLBACK_THRESHOLD)
        for language, path in models.items()
    }

    @lru_cache(maxsize=16)
    def interpreter_for(language: str) -> Interpreter:
        return loaded.get(language) or loaded[settings.DEFAULT_LANGUAGE]

    return interpreter_for


def open_database(settings: Settings) -> Engine:
    """The process's one engine for DATABASE_URL, its schema upgraded; the caller owns it."""
    engine = make_engine(settings.DATABASE_URL)
    upgrade_schema(engine)
    return engine


def build_agent(settings: Settings, engine: Engine | None = None) -> Agent:
    """The agent with everything it needs; the data is validated and the schema upgraded.

    Args:
        settings: the configuration, read once by the caller.
        engine: the database, when the caller opened it already (`open_database`); else it
            is opened here. Either way the agent owns it from now on and disposes it on close.
    """
    data = load_bot_data(settings.DATA_DIR, default_language=settings.DEFAULT_LANGUAGE)
    engine = engine if engine is not None else open_database(settings)
    # In-process actions, and the web APIs built on the actions' logic, share our database
    # (the same pool) and our data directory; an external action server configures its own.
    action_store.configure(engine=engine, data_dir=settings.DATA_DIR)
    processor = Processor(data.domain, Policy(data.rules), make_action_runner(settings))
    return Agent(
        processor=processor,
        engine=engine,
        interpreter_for=make_interpreters(settings, data),
        default_language=settings.DEFAULT_LANGUAGE,
        max_message_chars=settings.MAX_MESSAGE_CHARS,
        languages=data.spoken,
        language_detector=make_language_detector(settings),
        choices=ChoiceReader.load(settings.DATA_DIR),
        lock_wait_seconds=settings.LOCK_WAIT_SECONDS,
    )


def make_language_detector(settings: Settings) -> LanguageDetector:
    """The language detector over the languages listed in data/languages.yml."""
    from nlu.language import LanguageDetector

    return LanguageDetector.load(settings.DATA_DIR / "languages.yml")


def build_telegram_channel(settings: Settings, agent: Agent) -> TelegramChannel | None:
    """The Telegram channel when TELEGRAM_BOT_TOKEN is set: webhook with a URL, else polling."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return None
    return TelegramChannel(
        agent,
        token=settings.TELEGRAM_BOT_TOKEN,
        api_base_url=settings.TELEGRAM_API_BASE_URL,
        delete_sender_data=agent.erase_sender_data,  # the one erasure, under the turn lock
        webhook_url=settings.TELEGRAM_WEBHOOK_URL,
        webhook_secret=settings.TELEGRAM_WEBHOOK_SECRET,
    )


def connect_outbound(agent: Agent, app: FastAPI, telegram: TelegramChannel | None = None) -> None:
    """Give each channel's outbound port to the agent: messages appended outside turns (a
    staff reply) reach the widget's open event streams, are sent on Telegram, and go with the
    next answer on Rasa's REST channel."""
    agent.set_outbound(WIDGET_CHANNEL, app.state.widget.streams)
    agent.set_outbound(REST_CHANNEL, NEXT_ANSWER)
    if telegram is not None:
        agent.set_outbound(TELEGRAM_CHANNEL, telegram)


def create_app(settings: Settings) -> FastAPI:
    """The web application, with an agent that is closed when the server stops, and the
    Telegram channel (polling, or a webhook route) when a bot token is configured."""
    agent = build_agent(settings)
    telegram = build_telegram_channel(settings, agent)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if telegram is not None:
            await telegram.start()
        try:
            yield
        finally:
            if telegram is not None:
                await telegram.stop()
            await agent.close()

    app = create_web_app(agent, settings, lifespan=lifespan)
    connect_outbound(agent, app, telegram)
    if telegram is not None and telegram.webhook_url:
        app.include_router(telegram.webhook_router())
    app.state.telegram = telegram
    return app
