"""A terminal chat with the assistant; buttons are shown as [labels] and answered by typing.

The shell sends every line as typed, numbers included: the dialogue engine reads typed answers
to buttons (bot/dialogue/choices.py) on every channel alike, so "2" there picks the list item
the assistant asked about, and "a research institute" the button of that name.
"""

from __future__ import annotations

import asyncio
import sys

from bot.config import Settings
from bot.dialogue.messages import BotMessage, UserMessage
from bot.dialogue.responses import render_response
from bot.storage.identity import in_namespace, namespace_of

CHANNEL = "shell"

EXIT_WORDS = {"/quit", "/exit"}
LINE_WIDTH = 78
PROMPT = "you: "


def render_for_terminal(messages: list[BotMessage]) -> str:
    """The text to print: each message, then its buttons as `[title]` on indented lines."""
    lines: list[str] = []
    for message in messages:
        if message.text:
            lines.append(f"bot: {message.text}")
        if message.image:
            lines.append(f"bot: [image] {message.image}")
        lines.extend(_button_lines([f"[{button.title}]" for button in message.buttons]))
    return "\n".join(lines)


def _button_lines(labels: list[str]) -> list[str]:
    """Labels side by side, a new line before one would pass the width; never split a label."""
    lines: list[str] = []
    for label in labels:
        if lines and len(lines[-1]) + 1 + len(label) <= LINE_WIDTH:
            lines[-1] += f" {label}"
        else:
            lines.append(f"     {label}")
    return lines


def shell_sender_id(given: str) -> str:
    """The shell's conversation id for `given`: ``shell:<given>``, so a terminal never
    continues another channel's conversation (a Telegram user's, a REST client's).

    Raises:
        ValueError: `given` names another channel's namespace (``telegram:1``).
    """
    namespace = namespace_of(given)
    if namespace not in (None, CHANNEL):
        raise ValueError(f"{given!r} is a conversation of the {namespace} channel")
    return in_namespace(CHANNEL, given)


def _read_line(prompt: str) -> str:
    """One line typed after `prompt`, the prompt written to stdout with the conversation.

    `input` on a terminal writes its prompt to stderr unless the readline module is loaded
    (which also gives line editing and history), so it is loaded where it exists; where it
    does not, the prompt is written here and `input` asked for none.

    Raises:
        EOFError: the input has ended.
    """
    try:
        import readline  # noqa: F401  (input's prompt to stdout, line editing)
    except ImportError:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        return input()
    return input(prompt)


async def run_shell(settings: Settings, sender_id: str) -> int:
    """Chat until end of input or /quit."""
    from bot.main import build_agent

    try:
        sender_id = shell_sender_id(sender_id)
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    agent = build_agent(settings)
    welcome = render_response(agent.domain, "utter_shell_welcome", {})
    print((welcome or {}).get("text", ""))
    try:
        while True:
            try:
                text = await asyncio.to_thread(_read_line, PROMPT)
            except EOFError:
                break
            if text.strip() in EXIT_WORDS:
                break
            replies = await agent.handle(
                UserMessage(sender_id=sender_id, text=text, channel=CHANNEL)
            )
            print(render_for_terminal(replies), flush=True)
    finally:
        await agent.close()
    return 0
