"""The terminal chat: buttons as numbered choices, picked by number, over a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.dialogue.messages import BotMessage, Button
from bot.shell import choose, render_for_terminal


def test_render_numbers_buttons_across_messages() -> None:
    messages = [
        BotMessage(text="Hi", buttons=(Button("A", "/a"), Button("B", "/b"))),
        BotMessage(text="More", buttons=(Button("C", "/c"),)),
    ]
    text, payloads = render_for_terminal(messages)
    assert payloads == ["/a", "/b", "/c"]
    assert "  1. A" in text and "  3. C" in text


def test_choose_number_picks_payload_and_other_text_passes() -> None:
    assert choose(" 2 ", ["/a", "/b"]) == "/b"
    assert choose("3", ["/a", "/b"]) == "3"
    assert choose("hello", ["/a"]) == "hello"


def test_shell_process_greets_and_follows_a_numbered_choice(
    tmp_path: Path, models_dir: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shell.db'}",
        "MODELS_DIR": str(models_dir),
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "shell"],
        input="hello\n1\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "1. Learn about smart specialisation" in result.stdout
    assert "Smart specialisation (S3) means" in result.stdout
