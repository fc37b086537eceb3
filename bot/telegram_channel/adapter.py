"""A thin python-telegram-bot adapter: Telegram updates in, the agent's replies out.

Every text and button press becomes a `UserMessage` for the agent; the agent's `BotMessage`s
come back as HTML text with an inline keyboard. The dialogue engine is the one state machine:
no ConversationHandler. What the adapter says itself (only text, privacy, deletion, language)
comes from the domain's responses (data/domain/telegram.yml), never from literals here.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, Button, UserMessage
from bot.dialogue.responses import render_response

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data
MAX_STORED_PAYLOADS = 10_000
MAX_SEEN_UPDATES = 10_000
STORED_PAYLOAD_PREFIX = "#k:"
DELETE_CONFIRM = "#delete_confirm"
DELETE_CANCEL = "#delete_cancel"

# Command -> the payload the agent receives, for commands that are dialogue turns.
AGENT_COMMANDS = {
    "start": "/greet",
    "help": "/ask_help",
    "menu": "/show_menu",
    "restart": "/restart",
    "language": "/switch_language",
}
# Commands the adapter answers itself, each with one response.
OWN_COMMANDS = ("privacy", "delete_my_data")
COMMANDS = (*AGENT_COMMANDS, *OWN_COMMANDS)

DeleteSenderData = Callable[[str], Awaitable[int]]


def sender_id_of(chat_id: int) -> str:
    """The agent's conversation id for a Telegram chat."""
    return f"{CHANNEL}:{chat_id}"


def chat_id_of(sender_id: str) -> int | None:
    """The Telegram chat of a conversation id made by `sender_id_of`; None for another id."""
    namespace, _, chat = sender_id.partition(":")
    if namespace != CHANNEL or not chat.lstrip("-").isdigit():
        return None
    return int(chat)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split `text` into pieces of at most `limit` characters, at paragraph, line or word ends."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > 0:
                break
        if cut <= 0:
            pieces.append(window)
            rest = rest[limit:]
            continue
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


class PayloadStore:
    """Button payloads too long for callback_data, kept in memory under a short key (LRU)."""

    def __init__(self, max_items: int = MAX_STORED_PAYLOADS) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._max = max_items

    def callback_data(self, payload: str) -> str:
        """The payload itself when it fits in 64 bytes, else a key to it."""
        if len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(
            STORED_PAYLOAD_PREFIX
        ):
            return payload
        key = STORED_PAYLOAD_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:24]
        self._items[key] = payload
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)
        return key

    def payload(self, data: str) -> str | None:
        """The payload a callback_data stands for; None when a stored one was forgotten."""
        if not data.startswith(STORED_PAYLOAD_PREFIX):
            return data
        return self._items.get(data)


class TelegramAdapter:
    """Handlers that connect a PTB Application to the agent."""

    def __init__(self, agent: Agent, *, delete_sender_data: DeleteSenderData) -> None:
        """
        Args:
            agent: answers the messages.
            delete_sender_data: erases everything stored about a sender id (the composition
                root passes one bound to the database); returns the number of rows deleted.
        """
        self.agent = agent
        self._delete_sender_data = delete_sender_data
        self.payloads = PayloadStore()
        self._seen_updates: OrderedDict[int, None] = OrderedDict()

    # -- wiring -----------------------------------------------------------------------------

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the adapter's handlers and error handler to `application`."""
        # New messages only: an edited message is not a new turn.
        new = filters.UpdateType.MESSAGE
        for command, payload in AGENT_COMMANDS.items():
            application.add_handler(
                CommandHandler(command, self._agent_command(payload), filters=new)
            )
        application.add_handler(CommandHandler("privacy", self.on_privacy, filters=new))
        application.add_handler(
            CommandHandler("delete_my_data", self.on_delete_my_data, filters=new)
        )
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_handler(MessageHandler(new & filters.TEXT, self.on_text))
        application.add_handler(
            MessageHandler(
                new
                & (
                    filters.PHOTO
                    | filters.Sticker.ALL
                    | filters.VOICE
                    | filters.AUDIO
                    | filters.VIDEO
                    | filters.VIDEO_NOTE
                    | filters.Document.ALL
                    | filters.LOCATION
                    | filters.CONTACT
                    | filters.ANIMATION
                ),
                self.on_not_text,
            )
        )
        application.add_error_handler(self.on_error)

    def bot_commands(self, language: str | None = None) -> list[BotCommand]:
        """The command menu, described by the domain's `utter_command_*` responses in
        `language` (the default language's when None)."""
        return [BotCommand(c, self._text(f"utter_command_{c}", language) or c) for c in COMMANDS]

    # -- handlers ---------------------------------------------------------------------------

    def _agent_command(
        self, payload: str
    ) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            if message is None or self._is_duplicate(update):
                return
            metadata: dict[str, Any] = {}
            if payload == AGENT_COMMANDS["start"] and context.args:
                metadata["source"] = context.args[0]  # the deep-link code: t.me/<bot>?start=...
            await self._ask_agent(update, message, payload, f"{update.update_id}", metadata)

        return handle

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message (or a command the adapter does not know) goes to the agent."""
        message = update.effective_message
        if message is None or message.text is None or self._is_duplicate(update):
            return
        text = self._addressed_text(message, context)
        if text is None:
            return
        await self._ask_agent(update, message, text, f"{update.update_id}", {})

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: acknowledge it, remove the keyboard, then handle its payload."""
        query = update.callback_query
        if query is None or self._is_duplicate(update):
            return
        await query.answer()
        message = query.message if isinstance(query.message, Message) else None
        if message is not None:
            try:
                await query.edit_message_reply_markup(None)
            except TelegramError as exc:  # already edited, or too old to edit
                logger.debug("keyboard of callback %s not removed: %s", query.id, exc)
        chat_id = message.chat_id if message is not None else query.from_user.id
        payload = self.payloads.payload(query.data or "")
        if payload is None:
            logger.info("callback %s refers to a forgotten payload", query.id)
            payload = AGENT_COMMANDS["menu"]
        if payload == DELETE_CONFIRM:
            await self._delete(context, chat_id)
            return
        if payload == DELETE_CANCEL:
            await self._say(context, chat_id, "utter_delete_cancelled")
            return
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        replies = await self.agent.handle(
            UserMessage(
                sender_id=sender_id_of(chat_id),
                text=payload,
                channel=CHANNEL,
                message_id=f"cb:{query.id}",
                metadata=self._metadata(update, {}),
            )
        )
        await self.send_replies(context, chat_id, replies)

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, stickers, voice, files, places: a polite note that only text is read."""
        message = update.effective_message
        if message is None or self._is_duplicate(update):
            return
        if message.chat.type != ChatType.PRIVATE and not self._is_reply_to_bot(message, context):
            return
        await self._say(context, message.chat_id, "utter_only_text")

    async def on_privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """What is stored, why, and for how long."""
        await self._answer_own(update, context, "utter_privacy")

    async def on_delete_my_data(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask for confirmation; the buttons' payloads are handled in `on_callback`."""
        await self._answer_own(update, context, "utter_confirm_delete")

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure with its context (never the message text) and apologise."""
        update_id = update.update_id if isinstance(update, Update) else None
        chat = update.effective_chat if isinstance(update, Update) else None
        logger.error(
            "Telegram update %s in chat %s failed",
            update_id,
            chat.id if chat else None,
            exc_info=context.error,
        )
        if chat is None:
            return
        try:
            await self._say(context, chat.id, "utter_telegram_error")
        except Exception:  # the apology is best effort: Telegram may be what failed
            logger.warning("could not tell chat %s about the failure", chat.id, exc_info=True)

    # -- helpers ----------------------------------------------------------------------------

    def _is_duplicate(self, update: Update) -> bool:
        """Whether this process already handled the update (the agent's inbox is the backstop)."""
        if update.update_id in self._seen_updates:
            logger.info("update %s delivered again; ignored", update.update_id)
            return True
        self._seen_updates[update.update_id] = None
        while len(self._seen_updates) > MAX_SEEN_UPDATES:
            self._seen_updates.popitem(last=False)
        return False

    def _addressed_text(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> str | None:
        """The text meant for the bot: all of it in a private chat; in a group only a message
        that mentions the bot (the mention removed) or replies to it, else None."""
        text = message.text or ""
        if message.chat.type == ChatType.PRIVATE:
            return text
        username = context.bot.username
        mention = f"@{username}" if username else None
        if mention and mention.lower() in text.lower():
            start = text.lower().index(mention.lower())
            return (text[:start] + text[start + len(mention) :]).strip()
        if self._is_reply_to_bot(message, context):
            return text
        return None

    @staticmethod
    def _is_reply_to_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == context.bot.id)

    @staticmethod
    def _metadata(update: Update, extra: dict[str, Any]) -> dict[str, Any]:
        user = update.effective_user
        metadata: dict[str, Any] = {}
        if user is not None and user.language_code:
            metadata["language_code"] = user.language_code
        return {**metadata, **extra}

    async def _ask_agent(
        self,
        update: Update,
        message: Message,
        text: str,
        message_id: str,
        extra: dict[str, Any],
    ) -> None:
        chat_id = message.chat_id
        await message.get_bot().send_chat_action(chat_id, ChatAction.TYPING)
        replies = await self.agent.handle(
            UserMessage(
                sender_id=sender_id_of(chat_id),
                text=text,
                channel=CHANNEL,
                message_id=message_id,
                metadata=self._metadata(update, extra),
            )
        )
        await self._send(message.get_bot(), chat_id, replies)

    async def _answer_own(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, response: str
    ) -> None:
        message = update.effective_message
        if message is None or self._is_duplicate(update):
            return
        await self._say(context, message.chat_id, response)

    async def _delete(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        deleted = await self._delete_sender_data(sender_id_of(chat_id))
        logger.info("chat %s: stored data deleted on request (%d rows)", chat_id, deleted)
        await self._say(context, chat_id, "utter_data_deleted")

    def _text(self, response: str, language: str | None = None) -> str | None:
        slots = {"language": language} if language else {}
        rendered = render_response(self.agent.domain, response, slots, channel=CHANNEL)
        return None if rendered is None else rendered.get("text")

    async def _language_of(self, chat_id: int) -> str | None:
        """The chat's conversation language (its `language` slot), if it has a conversation.

        None (the default language) when it cannot be read: an apology for a failure, perhaps
        of the storage itself, must still go out."""
        try:
            state = await self.agent.tracker_state(sender_id_of(chat_id), include_events="NONE")
        except Exception:
            logger.warning("chat %s: language not read; the default one is used", chat_id)
            return None
        language = (state or {}).get("slots", {}).get("language")
        return str(language) if language else None

    async def _say(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, response: str) -> None:
        """Send one of the domain's responses in the chat's language (not a dialogue turn:
        nothing is stored)."""
        slots = {"language": await self._language_of(chat_id)}
        rendered = render_response(self.agent.domain, response, slots, channel=CHANNEL)
        if rendered is None:
            logger.error("the domain has no response %s", response)
            return
        await self.send_replies(context, chat_id, [BotMessage.from_rasa(rendered)])

    async def send_replies(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: Sequence[BotMessage]
    ) -> None:
        """Render the agent's messages in the chat."""
        await self._send(context.bot, chat_id, replies)

    async def send_to_chat(self, bot: Any, chat_id: int, replies: Sequence[BotMessage]) -> None:
        """Render messages in a chat outside any update (a staff reply)."""
        await self._send(bot, chat_id, replies)

    async def _send(self, bot: Any, chat_id: int, replies: Sequence[BotMessage]) -> None:
        for reply in replies:
            text = reply.text or ""
            if reply.image:
                text = f"{text}\n{reply.image}" if text else reply.image
            if not text and not reply.buttons:
                continue  # a custom payload without text has nothing to show in Telegram
            pieces = split_text(text) if text else [""]
            keyboard = self._keyboard(reply.buttons)
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                await bot.send_message(
                    chat_id,
                    html.escape(piece, quote=False) or "\u2063",
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard if last else None,
                )

    def _keyboard(self, buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
        if not buttons:
            return None
        rows = [
            [InlineKeyboardButton(b.title, callback_data=self.payloads.callback_data(b.payload))]
            for b in buttons
        ]
        return InlineKeyboardMarkup(rows)
