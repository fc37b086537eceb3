"""What the actions are given: their database (profiles, the partner directory) and the data
directory, handed over once per process.

In-process, the composition root (`bot.main`) hands over the agent's own engine and data
directory, so a process has one connection pool per database. The external action server
(`python -m rasa_sdk --actions actions`) starts in rasa-sdk's entry point, which runs its
workers in processes of their own and configures nothing; there, and only there, the first
use reads `DATABASE_URL` and `DATA_DIR` from the environment (`_environment`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from bot.config import Settings

_lock = threading.Lock()
_engine: Engine | None = None
_data_dir: Path | None = None


def configure(*, engine: Engine, data_dir: Path) -> None:
    """Use this engine (the agent's own) and data directory from now on."""
    global _engine, _data_dir
    with _lock:
        _engine, _data_dir = engine, Path(data_dir)


def engine() -> Engine:
    """The engine the composition root handed over (else the action server's own)."""
    global _engine
    if _engine is None:
        from bot.storage import make_engine

        with _lock:
            if _engine is None:
                _engine = make_engine(_environment().DATABASE_URL)
    return _engine


def data_dir() -> Path:
    """The data directory the composition root handed over (else the action server's own)."""
    return _data_dir if _data_dir is not None else _environment().DATA_DIR


def _environment() -> Settings:
    """The external action server's settings, read from its environment (once, cached)."""
    from bot.config import get_settings

    return get_settings()
