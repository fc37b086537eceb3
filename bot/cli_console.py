"""`s3bot nlu export-annotations` and `s3bot console reindex`: the staff console's commands.

The export writes what staff accepted in the NLU inbox as training data
(`data/nlu/<lang>/console_annotations.yml`); the reindex builds the console's summaries and
search text of conversations stored before the console existed (migration 0008).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlmodel import col, select

from actions.formatting import format_count
from bot.config import Settings
from bot.storage import crud_console, make_engine, session, summary, upgrade_schema
from bot.storage.models import Conversation
from bot.web.console.nlu_export import write_language

REINDEX_BATCH = 200


def add_commands(commands: Any) -> None:
    """Add `nlu export-annotations` and `console reindex` to the `s3bot` parser."""
    nlu = commands.add_parser("nlu", help="NLU data from the staff console").add_subparsers(
        required=True, metavar="ACTION"
    )
    export = nlu.add_parser(
        "export-annotations", help="write the NLU inbox's accepted examples as Rasa NLU YAML"
    )
    export.add_argument("--lang", help="only this language (default: every language)")
    export.set_defaults(run=_export)
    console = commands.add_parser("console", help="the staff console").add_subparsers(
        required=True, metavar="ACTION"
    )
    console.add_parser(
        "reindex", help="rebuild every conversation's summary and search text from its log"
    ).set_defaults(run=_reindex)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.DATABASE_URL)
    try:
        upgrade_schema(engine)
        with session(engine) as db:
            rows = crud_console.accepted_annotations(session=db, language=args.lang)
            by_language: dict[str, list[tuple[str, str, list[dict[str, Any]]]]] = {}
            for row in rows:
                if row.accepted_intent:
                    entry = (row.text, row.accepted_intent, list(row.entities))
                    by_language.setdefault(row.language, []).append(entry)
    finally:
        engine.dispose()
    languages = [args.lang] if args.lang else sorted(by_language)
    for language in languages:
        path, export = write_language(settings.DATA_DIR, language, by_language.get(language, []))
        print(f"{language}: {format_count(export.written, 'example', 'examples')} in {path}")
        for reason in export.skipped:
            print(f"  left out {reason}", file=sys.stderr)
    if not languages:
        print("No accepted examples yet.")
    return 0


def _reindex(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.DATABASE_URL)
    done = 0
    try:
        upgrade_schema(engine)
        last = 0
        while True:
            with session(engine) as db:
                ids = db.exec(
                    select(Conversation.id)
                    .where(col(Conversation.id) > last)
                    .order_by(col(Conversation.id))
                    .limit(REINDEX_BATCH)
                ).all()
                for conversation_id in ids:
                    summary.reindex(session=db, conversation_id=int(conversation_id))  # type: ignore[arg-type]
            if not ids:
                break
            last, done = int(ids[-1]), done + len(ids)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    print(f"Reindexed {format_count(done, 'conversation', 'conversations')}.")
    return 0
