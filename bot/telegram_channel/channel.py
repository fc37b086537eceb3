"""The Telegram channel's lifecycle: polling for development, a webhook route in production.

Polling: the PTB Application's updater asks Telegram for updates (`getUpdates`).
Webhook: Telegram posts each update to a route of the FastAPI app, which checks the secret
header and puts the update on the Application's queue; the Application has no updater.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, Request, Response
from telegram import Update
from telegram.ext import AIORateLimiter, Application

from bot.dialogue.agent import Agent
from bot.dialogue.outbound import StoredMessage
from bot.telegram_channel.adapter import DeleteSenderData, TelegramAdapter, chat_id_of

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
POLL_TIMEOUT_SECONDS = 10

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class TelegramChannel:
    """One bot: its PTB Application, the adapter, and how updates arrive."""

    def __init__(
        self,
        agent: Agent,
        *,
        token: str,
        api_base_url: str,
        delete_sender_data: DeleteSenderData,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        poll_timeout: int = POLL_TIMEOUT_SECONDS,
    ) -> None:
        """
        Args:
            agent: answers the messages.
            token: the bot token from BotFather.
            api_base_url: the Bot API address the token is appended to.
            delete_sender_data: erases what is stored about a sender id.
            webhook_url: when set, Telegram delivers to this URL; else the channel polls.
            webhook_secret: the secret Telegram sends with every webhook delivery
                (required with a webhook URL).
            poll_timeout: long-polling timeout in seconds.
        """
        if webhook_url and not webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
        self.webhook_url = webhook_url
        self._secret = webhook_secret or ""
        self._poll_timeout = poll_timeout
        self.adapter = TelegramAdapter(agent, delete_sender_data=delete_sender_data)
        # Telegram's flood limits (about 30 messages a second, 20 a minute per group): PTB's
        # limiter queues sends, and retries once after a 429 "retry after".
        builder = (
            Application.builder()
            .token(token)
            .base_url(api_base_url)
            .rate_limiter(AIORateLimiter(max_retries=1))
        )
        if webhook_url:
            builder = builder.updater(None)
        self.application: AnyApplication = builder.build()
        self.adapter.register(self.application)

    @property
    def webhook_path(self) -> str:
        """The path of the webhook route (the path of TELEGRAM_WEBHOOK_URL)."""
        path = urlparse(self.webhook_url or "").path
        return path or DEFAULT_WEBHOOK_PATH

    async def start(self) -> None:
        """Connect to Telegram, publish the commands, then poll or register the webhook."""
        application = self.application
        await application.initialize()
        await application.bot.set_my_commands(self.adapter.bot_commands())
        for language in sorted(
            self.adapter.agent.languages - {self.adapter.agent.default_language}
        ):
            # Telegram shows each user the menu of their app's language, the default otherwise.
            await application.bot.set_my_commands(
                self.adapter.bot_commands(language), language_code=language
            )
        if self.webhook_url:
            await application.bot.set_webhook(
                self.webhook_url,
                secret_token=self._secret,
                allowed_updates=Update.ALL_TYPES,
            )
            await application.start()
            logger.info("Telegram bot @%s: webhook registered", application.bot.username)
            return
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=self._poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        logger.info("Telegram bot @%s: polling for updates", application.bot.username)

    async def stop(self) -> None:
        """Stop polling and the handlers; the webhook stays registered for the next start."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()

    async def deliver(self, sender_id: str, messages: Sequence[StoredMessage]) -> None:
        """The outbound port (`bot.dialogue.outbound.Outbound`): send messages appended
        outside a turn (a staff reply) to the chat, as replies are sent."""
        chat = chat_id_of(sender_id)
        if chat is None:
            logger.warning("conversation %s is not a Telegram chat; not sent", sender_id)
            return
        replies = [stored.message for stored in messages]
        await self.adapter.send_to_chat(self.application.bot, chat, replies)

    def webhook_router(self) -> APIRouter:
        """The route Telegram posts updates to: 403 without the secret header."""
        router = APIRouter()

        @router.post(self.webhook_path, include_in_schema=False)
        async def telegram_webhook(request: Request) -> Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self._secret.encode()):
                return Response(status_code=403)
            try:
                body = await request.json()
            except ValueError:
                return Response(status_code=400)
            if not isinstance(body, dict):
                return Response(status_code=400)
            try:
                update = Update.de_json(body, self.application.bot)
            except (KeyError, TypeError, ValueError):
                logger.warning("webhook delivery is not a Telegram update; refused")
                return Response(status_code=400)
            await self.application.update_queue.put(update)
            return Response(status_code=200)

        return router
