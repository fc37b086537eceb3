"""Reads and writes of the staff console: accounts, sessions, sign-in failures, the audit log.

Keyword-only functions working in the caller's session, as in `bot.storage.crud`. Secrets
arrive here already hashed (the password by argon2, the session token by SHA-256): storage
never sees a password or a cookie's token.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from bot.storage.errors import NotFoundError
from bot.storage.models import utcnow
from bot.storage.models_staff import (
    ROLES,
    AuditRecord,
    LoginFailure,
    StaffAccount,
    StaffSession,
)


def normalise_email(email: str) -> str:
    """An e-mail address as accounts are keyed: trimmed and in lower case."""
    return email.strip().lower()


def create_staff(
    *,
    session: Session,
    email: str,
    password_hash: str,
    role: str,
    organisation: str | None = None,
) -> StaffAccount:
    """Create an active staff account.

    Args:
        session: The database session.
        email: The sign-in address (stored in lower case).
        password_hash: The argon2 hash of the password.
        role: "admin" or "reviewer".
        organisation: For a reviewer, the partner organisation whose conversations it sees.

    Returns:
        The new account.

    Raises:
        ValueError: An unknown role, an address without "@", or one already taken.
    """
    address = normalise_email(email)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if "@" not in address or len(address) > 254:
        raise ValueError(f"{email!r} is not an e-mail address")
    if get_staff_by_email(session=session, email=address) is not None:
        raise ValueError(f"an account for {address} exists already")
    account = StaffAccount(
        email=address,
        password_hash=password_hash,
        role=role,
        organisation=(organisation or "").strip() or None,
    )
    session.add(account)
    session.flush()
    return account


def get_staff_by_email(*, session: Session, email: str) -> StaffAccount | None:
    """The account with this address (compared in lower case), if any."""
    statement = select(StaffAccount).where(StaffAccount.email == normalise_email(email))
    return session.exec(statement).first()


def list_staff(*, session: Session) -> list[StaffAccount]:
    """Every account, by address."""
    return list(session.exec(select(StaffAccount).order_by(col(StaffAccount.email))))


def staff_emails(*, session: Session, staff_ids: Sequence[int]) -> dict[int, str]:
    """The addresses of some accounts, by id (accounts that are gone are left out)."""
    if not staff_ids:
        return {}
    statement = select(StaffAccount).where(col(StaffAccount.id).in_(list(staff_ids)))
    return {int(a.id): a.email for a in session.exec(statement).all() if a.id is not None}


def disable_staff(*, session: Session, email: str) -> StaffAccount:
    """Disable an account and end all its sessions.

    Raises:
        NotFoundError: No account has this address.
    """
    account = get_staff_by_email(session=session, email=email)
    if account is None or account.id is None:
        raise NotFoundError(f"no staff account for {normalise_email(email)}")
    account.active = False
    session.add(account)
    end_sessions_of(session=session, staff_id=account.id)
    session.flush()
    return account


def set_password_hash(*, session: Session, staff_id: int, password_hash: str) -> None:
    """Replace an account's password hash (a rehash with newer parameters)."""
    account = session.get(StaffAccount, staff_id)
    if account is not None:
        account.password_hash = password_hash
        session.add(account)


def create_session(
    *, session: Session, staff_id: int, token_hash: str, csrf_token: str, lifetime: timedelta
) -> StaffSession:
    """Open a session for a signed-in account, and note the time of its sign-in; sessions of
    any account past their absolute expiry are deleted on the way."""
    now = utcnow()
    session.execute(delete(StaffSession).where(col(StaffSession.expires_at) <= now))
    row = StaffSession(
        token_hash=token_hash,
        staff_id=staff_id,
        csrf_token=csrf_token,
        created_at=now,
        expires_at=now + lifetime,
        last_seen_at=now,
    )
    session.add(row)
    account = session.get(StaffAccount, staff_id)
    if account is not None:
        account.last_sign_in_at = now
        session.add(account)
    session.flush()
    return row


def find_session(
    *, session: Session, token_hash: str, idle: timedelta
) -> tuple[StaffSession, StaffAccount] | None:
    """The live session with this token hash and its active account, or None.

    A session past its absolute expiry or idle for longer than `idle`, or one of a disabled
    account, is deleted and not returned; a live one has its last-seen time brought forward
    (at most once a minute, so reading pages does not write on every request).
    """
    statement = (
        select(StaffSession, StaffAccount)
        .join(StaffAccount, col(StaffAccount.id) == col(StaffSession.staff_id))
        .where(StaffSession.token_hash == token_hash)
    )
    found = session.exec(statement).first()
    if found is None:
        return None
    row, account = found
    now = utcnow()
    if not account.active or row.expires_at <= now or row.last_seen_at + idle <= now:
        session.delete(row)
        session.flush()
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        session.add(row)
    return row, account


def end_session(*, session: Session, token_hash: str) -> None:
    """Delete the session with this token hash (sign-out); nothing if there is none."""
    session.execute(delete(StaffSession).where(col(StaffSession.token_hash) == token_hash))


def end_sessions_of(*, session: Session, staff_id: int) -> int:
    """Delete every session of an account; how many there were."""
    result = session.execute(delete(StaffSession).where(col(StaffSession.staff_id) == staff_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_login_failures(*, session: Session, key: str, since: datetime) -> int:
    """How many sign-in failures were counted against `key` since `since`."""
    statement = select(func.count()).where(
        col(LoginFailure.key) == key, col(LoginFailure.at) > since
    )
    return int(session.exec(statement).one())


def add_login_failures(*, session: Session, keys: Sequence[str], older_than: datetime) -> None:
    """Count a failure against each key; forget every failure older than `older_than`."""
    session.execute(delete(LoginFailure).where(col(LoginFailure.at) <= older_than))
    now = utcnow()
    session.add_all(LoginFailure(key=key, at=now) for key in keys)
    session.flush()


def clear_login_failures(*, session: Session, key: str) -> None:
    """Forget the failures counted against `key` (after a successful sign-in)."""
    session.execute(delete(LoginFailure).where(col(LoginFailure.key) == key))


def add_audit_record(
    *,
    session: Session,
    staff_id: int | None,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append a record to the audit log.

    Args:
        session: The database session.
        staff_id: Who acted (None for the system, or an account that no longer exists).
        action: What was done, as a short key (``sign_in``, ``erase``, ``view_transcript``).
        target: What it was done to, as an opaque key (a number or a hash), never personal data.
        details: Further facts, again without personal data.

    Returns:
        The stored record.
    """
    record = AuditRecord(staff_id=staff_id, action=action, target=target, details=details)
    session.add(record)
    session.flush()
    return record


def list_audit_records(
    *, session: Session, limit: int, before_id: int | None = None
) -> list[tuple[AuditRecord, str | None]]:
    """A page of the audit log, newest first, each record with its author's address.

    Args:
        session: The database session.
        limit: At most this many records.
        before_id: Only records older than this one (the next page).

    Returns:
        (record, e-mail address or None) pairs.
    """
    statement = (
        select(AuditRecord, StaffAccount.email)
        .join(StaffAccount, col(StaffAccount.id) == col(AuditRecord.staff_id), isouter=True)
        .order_by(col(AuditRecord.id).desc())
        .limit(limit)
    )
    if before_id is not None:
        statement = statement.where(col(AuditRecord.id) < before_id)
    return [(record, email) for record, email in session.exec(statement)]
