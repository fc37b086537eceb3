"""Loading the demo directory into the database (whose engine the caller owns)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from actions.matching.directory_csv import import_csv
from actions.matching.rules import partners_dir
from bot.storage import session

DEMO_CSV = "demo_directory.csv"


def demo_csv_path() -> Path:
    """data/partners/demo_directory.csv."""
    return partners_dir() / DEMO_CSV


def seed_demo_directory(
    engine: Engine, path: Path | None = None, *, on_row: Callable[[], None] | None = None
) -> tuple[int, int]:
    """Load the demo directory (idempotent: a second run updates the same rows); `on_row` is
    told of each row as it is read.

    Returns:
        How many organisations were inserted and how many updated.
    """
    with (
        (path or demo_csv_path()).open(encoding="utf-8", newline="") as stream,
        session(engine) as db,
    ):
        return import_csv(session=db, stream=stream, on_row=on_row)
