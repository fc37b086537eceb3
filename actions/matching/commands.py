"""The `s3bot partners import|export` and `s3bot seed` commands (called by bot.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

from actions.matching.directory_csv import CsvImportError, export_csv, import_csv
from actions.matching.seed import seed_demo_directory
from bot.storage import make_engine, session, upgrade_schema


def import_file(database_url: str, path: Path) -> int:
    """Import a directory CSV: every row or, if any is wrong, none; returns the exit code."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        with path.open(encoding="utf-8", newline="") as stream, session(engine) as db:
            inserted, updated = import_csv(session=db, stream=stream)
    except CsvImportError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{path}: {inserted} organisations added, {updated} updated.")
    return 0


def export_file(database_url: str, path: Path | None) -> int:
    """Write the directory as CSV to `path`, or to stdout; returns the exit code."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        with session(engine) as db:
            if path is None:
                count = export_csv(session=db, stream=sys.stdout)
            else:
                with path.open("w", encoding="utf-8", newline="") as stream:
                    count = export_csv(session=db, stream=stream)
    finally:
        engine.dispose()
    print(f"{count} organisations exported.", file=sys.stderr)
    return 0


def seed(database_url: str) -> int:
    """Load the demo directory; running it again changes nothing new."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        inserted, updated = seed_demo_directory(engine)
    finally:
        engine.dispose()
    print(f"Demo partner directory: {inserted} organisations added, {updated} refreshed.")
    return 0
