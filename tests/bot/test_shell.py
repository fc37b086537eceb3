"""The terminal chat: buttons shown as [titles], typed answers sent as typed; a real process."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from terminal import read_until_closed

from bot.dialogue.messages import BotMessage, Button
from bot.shell import LINE_WIDTH, render_for_terminal

#: The start of a log record in the text format (`2026-01-01 12:00:00,000 INFO name [-]: `).
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


def test_render_shows_button_titles_without_numbers() -> None:
    messages = [
        BotMessage(text="Shall I?", buttons=(Button("Yes", "/affirm"), Button("No", "/deny"))),
        BotMessage(text="More", buttons=(Button("Show more partners", "/show_more"),)),
    ]
    text = render_for_terminal(messages)
    assert text.splitlines() == [
        "bot: Shall I?",
        "     [Yes] [No]",
        "bot: More",
        "     [Show more partners]",
    ]
    assert "/affirm" not in text and "1." not in text


def test_render_wraps_between_labels_never_inside_one() -> None:
    titles = [f"A rather long button title number {n}" for n in range(6)]
    text = render_for_terminal([BotMessage(buttons=tuple(Button(t, "/x") for t in titles))])
    lines = text.splitlines()
    assert len(lines) > 1
    assert all(len(line) <= LINE_WIDTH for line in lines)
    assert all(line.count("[") == line.count("]") for line in lines)
    assert sum(line.count("[") for line in lines) == len(titles)


def test_shell_process_sends_typed_labels_and_numbers_as_typed(
    tmp_path: Path, models_dir: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shell.db'}",
        "MODELS_DIR": str(models_dir),
        "LOG_LEVEL": "INFO",
        "ENVIRONMENT": "test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "shell"],
        # A button's words with a typo and filler, then a number for the learning menu.
        input="hello\nlearn about smart specialisaton pls\n2\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    # Only the conversation: no log record on either stream (rasa-sdk's, alembic's, ours).
    assert result.stderr == ""
    assert not LOG_RECORD.search(result.stdout), result.stdout
    assert result.stdout.count("you: ") == 4
    assert "[Learn about smart specialisation]" in result.stdout
    assert "Smart specialisation (S3) means" in result.stdout
    assert "[The entrepreneurial discovery process]" in result.stdout
    assert "The entrepreneurial discovery process · step 1 of" in result.stdout


def test_shell_on_a_terminal_writes_its_prompt_to_stdout(tmp_path: Path, models_dir: Path) -> None:
    """On a terminal `input` writes its prompt to stderr unless readline is loaded; the
    prompt belongs to the conversation, so stderr stays empty."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shell.db'}",
        "MODELS_DIR": str(models_dir),
        "ENVIRONMENT": "test",
        "TERM": "dumb",
    }
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "shell"],
        stdin=terminal,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(terminal)
    os.write(controller, b"/quit\n")
    shown = read_until_closed(controller)
    stderr = process.stderr.read() if process.stderr else b""
    assert process.wait(timeout=60) == 0, stderr
    assert stderr == b""
    assert b"you: " in shown
