"""`s3bot staff ...` (the console's accounts) and `s3bot retention run` (deleting idle
conversations after RETENTION_DAYS).

A password is read from standard input only (`--password-stdin`), never from an argument,
so it stays out of the shell's history and the process list. Listing never shows hashes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine

from actions.formatting import format_count
from bot.config import Settings
from bot.storage import crud_staff, make_engine, session, upgrade_schema
from bot.storage.errors import NotFoundError
from bot.storage.models import utcnow
from bot.storage.models_staff import ROLES
from bot.storage.retention import delete_idle_conversations

USAGE_ERROR = 2


def add_commands(commands: Any) -> None:
    """Add `staff create | list | disable` and `retention run` to the `s3bot` parser."""
    staff = commands.add_parser("staff", help="staff console accounts")
    actions = staff.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create an account (password from stdin)")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--organisation", help="limit a reviewer to this partner organisation")
    create.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password"
    )
    create.set_defaults(run=_create)
    actions.add_parser("list", help="list the accounts").set_defaults(run=_list)
    disable = actions.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("--email", required=True)
    disable.set_defaults(run=_disable)
    retention = commands.add_parser("retention", help="data retention").add_subparsers(
        required=True, metavar="ACTION"
    )
    run = retention.add_parser("run", help="delete conversations idle for over RETENTION_DAYS")
    run.set_defaults(run=_retention)


@contextmanager
def _database(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.DATABASE_URL)
    try:
        upgrade_schema(engine)
        yield engine
    finally:
        engine.dispose()


def _read_password() -> str:
    """The password on standard input: its first line, without the line ending."""
    return sys.stdin.readline().rstrip("\r\n")


def _create(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.console.passwords import check_new_password, hash_password

    password = _read_password()
    problem = check_new_password(password)
    if problem:
        print(f"Refused: {problem}.", file=sys.stderr)
        return USAGE_ERROR
    with _database(settings) as engine, session(engine) as db:
        try:
            account = crud_staff.create_staff(
                session=db,
                email=args.email,
                password_hash=hash_password(password),
                role=args.role,
                organisation=args.organisation,
            )
        except ValueError as error:
            print(f"Refused: {error}.", file=sys.stderr)
            return USAGE_ERROR
        crud_staff.add_audit_record(
            session=db,
            staff_id=None,
            action="staff_create",
            target=f"staff:{account.id}",
            details={"role": account.role, "via": "cli"},
        )
        print(f"Created {account.role} {account.email}.")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings) as engine, session(engine) as db:
        accounts = crud_staff.list_staff(session=db)
    if not accounts:
        print("No staff accounts.")
        return 0
    for account in accounts:
        signed_in = account.last_sign_in_at.isoformat() if account.last_sign_in_at else "never"
        print(
            f"{account.email}\t{account.role}\t{account.organisation or '-'}\t"
            f"{'active' if account.active else 'disabled'}\tlast sign-in {signed_in}"
        )
    return 0


def _disable(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings) as engine, session(engine) as db:
        try:
            account = crud_staff.disable_staff(session=db, email=args.email)
        except NotFoundError as error:
            print(f"Refused: {error}.", file=sys.stderr)
            return 1
        crud_staff.add_audit_record(
            session=db,
            staff_id=None,
            action="staff_disable",
            target=f"staff:{account.id}",
            details={"via": "cli"},
        )
    print(f"Disabled {account.email}; its sessions have ended.")
    return 0


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    days = settings.RETENTION_DAYS
    if not days:
        print("RETENTION_DAYS is not set: nothing is deleted.")
        return 0
    cutoff = utcnow() - timedelta(days=days)
    with _database(settings) as engine:
        deleted = asyncio.run(delete_idle_conversations(engine, cutoff))
        with session(engine) as db:
            crud_staff.add_audit_record(
                session=db,
                staff_id=None,
                action="retention_run",
                details={"days": days, "conversations": deleted},
            )
    conversations = format_count(deleted, "conversation", "conversations")
    print(f"Deleted {conversations} idle since before {cutoff:%Y-%m-%d %H:%M} UTC.")
    return 0
