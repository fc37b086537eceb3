"""The `s3bot partners import|export` and `s3bot seed` commands (called by bot.cli)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from rich.progress import Progress

from actions.formatting import format_count
from actions.matching.directory_csv import CsvImportError, export_csv, import_csv
from actions.matching.seed import demo_csv_path, seed_demo_directory
from bot.observability.progress import progress_display
from bot.storage import make_engine, session, upgrade_schema


def import_file(database_url: str, path: Path) -> int:
    """Import a directory CSV: every row or, if any is wrong, none; returns the exit code."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        with (
            path.open(encoding="utf-8", newline="") as stream,
            session(engine) as db,
            progress_display() as progress,
        ):
            task = progress.add_task(f"{path.name}: rows", total=_rows(path, progress))
            inserted, updated = import_csv(
                session=db, stream=stream, on_row=lambda: progress.advance(task)
            )
    except CsvImportError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{path}: {_organisations(inserted)} added, {updated} updated.")
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
    print(f"{_organisations(count)} exported.", file=sys.stderr)
    return 0


def seed(database_url: str) -> int:
    """Load the demo directory; running it again changes nothing new."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        with progress_display() as progress:
            task = progress.add_task("demo directory: rows", total=_rows(demo_csv_path(), progress))
            inserted, updated = seed_demo_directory(engine, on_row=lambda: progress.advance(task))
    finally:
        engine.dispose()
    print(f"Demo partner directory: {_organisations(inserted)} added, {updated} refreshed.")
    return 0


def _rows(path: Path, progress: Progress) -> int | None:
    """How many rows the CSV holds (header aside), counted only for a shown progress bar;
    None if unknown."""
    if progress.disable:
        return None
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return max(0, sum(1 for _ in csv.reader(stream)) - 1)
    except (OSError, UnicodeDecodeError, csv.Error):  # the import itself reports it
        return None


def _organisations(count: int) -> str:
    return format_count(count, "organisation", "organisations")
