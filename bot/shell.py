"""A terminal chat with the assistant; buttons become numbered choices."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.dialogue.messages import BotMessage, UserMessage
from bot.dialogue.responses import render_response

EXIT_WORDS = {"/quit", "/exit"}


def render_for_terminal(messages: list[BotMessage]) -> tuple[str, list[str]]:
    """The text to print and the payloads that numbers 1..n stand for."""
    lines: list[str] = []
    payloads: list[str] = []
    for message in messages:
        if message.text:
            lines.append(f"bot: {message.text}")
        if message.image:
            lines.append(f"bot: [image] {message.image}")
        for button in message.buttons:
            payloads.append(button.payload)
            lines.append(f"  {len(payloads)}. {button.title}")
    return "\n".join(lines), payloads


def choose(text: str, payloads: list[str]) -> str:
    """A number picks the matching button's payload; anything else is sent as typed."""
    stripped = text.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(payloads):
        return payloads[int(stripped) - 1]
    return text


async def run_shell(settings: Settings, sender_id: str) -> int:
    """Chat until end of input or /quit."""
    from bot.main import build_agent

    agent = build_agent(settings)
    welcome = render_response(agent.domain, "utter_shell_welcome", {})
    print((welcome or {}).get("text", ""))
    payloads: list[str] = []
    try:
        while True:
            try:
                text = await asyncio.to_thread(input, "you: ")
            except EOFError:
                break
            if text.strip() in EXIT_WORDS:
                break
            replies = await agent.handle(
                UserMessage(sender_id=sender_id, text=choose(text, payloads), channel="shell")
            )
            output, payloads = render_for_terminal(replies)
            print(output, flush=True)
    finally:
        await agent.close()
    return 0
