"""Long commands show progress on stderr when it is a terminal, and nothing of it otherwise
(a CI log keeps only the results); real processes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from terminal import read_until_closed


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'progress.db'}",
        "ENVIRONMENT": "test",
        "COLUMNS": "120",
        **values,
    }


def _run_on_terminal(args: list[str], env: dict[str, str]) -> tuple[str, str]:
    """Run `s3bot ARGS` with stderr on a terminal; (stdout, what the terminal showed)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    shown = read_until_closed(controller)
    stdout = process.stdout.read() if process.stdout else b""
    assert process.wait(timeout=300) == 0, shown
    return stdout.decode(), shown.decode(errors="replace")


def test_seed_into_a_pipe_prints_its_result_only(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "seed"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Demo partner directory: 384 organisations added, 0 refreshed." in result.stdout
    assert result.stderr == ""


def test_seed_on_a_terminal_shows_rows_on_stderr(tmp_path: Path) -> None:
    stdout, shown = _run_on_terminal(["seed"], _env(tmp_path))
    assert "demo directory: rows" in shown
    assert "384/384" in shown
    assert "384/384" not in stdout
    assert "Demo partner directory: 384 organisations added" in stdout


def test_train_on_a_terminal_shows_each_language(tmp_path: Path, models_dir: Path) -> None:
    stdout, shown = _run_on_terminal(["train"], _env(tmp_path, MODELS_DIR=str(models_dir)))
    for language in ("en", "fi", "sv"):
        assert f"{language}: unchanged" in shown
        assert f"{language}: {models_dir}" in stdout
    assert "unchanged" not in stdout
