"""What `s3bot` commands show: their own output and warnings, not the libraries' set-up
records, unless `--verbose` asks for them; real processes, as a user runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import bot.cli
import bot.dialogue.stories
import bot.main
from actions.formatting import format_count
from bot.config import PROJECT_ROOT

#: The start of a log record in the text format (`2026-01-01 12:00:00,000 INFO name [-]: `).
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ", re.MULTILINE)


def _s3bot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "LOG_LEVEL": "INFO",
        "ENVIRONMENT": "test",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )


def test_a_command_shows_its_result_and_no_library_records(tmp_path: Path) -> None:
    result = _s3bot(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Database schema is up to date.\n"
    assert not LOG_RECORD.search(result.stderr), result.stderr
    assert "alembic" not in result.stderr


def test_verbose_shows_every_record_at_log_level(tmp_path: Path) -> None:
    result = _s3bot(tmp_path, "--verbose", "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "INFO alembic.runtime.migration" in result.stderr
    assert "Running upgrade  -> 0001" in result.stderr


def test_data_validate_shows_no_log_records(tmp_path: Path) -> None:
    result = _s3bot(tmp_path, "data", "validate")
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout
    assert not LOG_RECORD.search(result.stdout + result.stderr)
    assert "spacy" not in result.stderr.lower() and "alembic" not in result.stderr


def test_a_spacy_record_shows_once_through_the_safe_handler(tmp_path: Path) -> None:
    """spaCy puts a handler of its own on its logger; with the root's, each record showed
    twice (once in spaCy's own format)."""
    script = (
        "import logging\n"
        "from bot.observability.logs import configure_logging\n"
        "configure_logging('INFO', libraries_level='WARNING')\n"
        "import nlu\n"
        "logging.getLogger('spacy').info('set-up chatter')\n"
        "logging.getLogger('spacy').warning('worth seeing')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "set-up chatter" not in result.stderr
    assert result.stderr.count("worth seeing") == 1
    assert "WARNING spacy [-]: worth seeing" in result.stderr


def test_counts_agree_with_their_nouns() -> None:
    assert format_count(1, "organisation", "organisations") == "1 organisation"
    assert format_count(2, "organisation", "organisations") == "2 organisations"
    assert format_count(0, "organisation", "organisations") == "0 organisations"
    assert format_count(1200, "row", "rows") == "1,200 rows"


def test_partners_import_counts_one_organisation(tmp_path: Path) -> None:
    demo = (PROJECT_ROOT / "data/partners/demo_directory.csv").read_text(encoding="utf-8")
    one = tmp_path / "one.csv"
    one.write_text("".join(demo.splitlines(keepends=True)[:2]), encoding="utf-8")
    result = _s3bot(tmp_path, "partners", "import", str(one))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{one}: 1 organisation added, 0 updated.\n"


def test_test_stories_ends_with_a_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary counts what the lines above it say (the stories themselves are played by
    tests/test_rasa_conformance.py and the conversation tests)."""

    class Agent:
        domain = None

        async def close(self) -> None:
            return None

    stories = [SimpleNamespace(name=name) for name in ("greet", "voucher", "partners")]

    async def check(agent: object, story: SimpleNamespace, sender: str) -> SimpleNamespace:
        return SimpleNamespace(failures=["expected utter_x"] if story.name == "voucher" else [])

    monkeypatch.setattr(bot.main, "build_agent", lambda settings: Agent())
    monkeypatch.setattr(bot.dialogue.stories, "load_stories", lambda *args: stories)
    monkeypatch.setattr(bot.dialogue.stories, "check_story", check)
    assert bot.cli.main(["test", "stories"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "ok   greet" and lines[1] == "FAIL voucher"
    assert lines[-1] == "2 stories passed, 1 failed."
