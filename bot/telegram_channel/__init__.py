"""The Telegram channel: a python-telegram-bot adapter over the agent."""

from bot.telegram_channel.adapter import TelegramAdapter, split_text
from bot.telegram_channel.channel import TelegramChannel

__all__ = ["TelegramAdapter", "TelegramChannel", "split_text"]
