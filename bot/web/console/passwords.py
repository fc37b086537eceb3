"""Staff passwords: argon2id hashes (argon2-cffi's defaults), and a check that takes the
same time whether or not the account exists."""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: The shortest password an account may have.
MIN_PASSWORD_LENGTH: Final = 12
_HASHER: Final = PasswordHasher()


def check_new_password(password: str) -> str | None:
    """Why `password` may not be used (a short English reason), or None when it may."""
    if not password.strip():
        return "the password is empty"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    return None


def hash_password(password: str) -> str:
    """The argon2id hash of `password`, with its salt and parameters, as stored."""
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("no account has this password")


def verify_password(password: str, stored_hash: str | None) -> bool:
    """Whether `password` matches `stored_hash`; with no hash (no such account) a dummy hash
    is verified instead, so the answer takes as long either way."""
    try:
        matched = _HASHER.verify(stored_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than the current ones."""
    return _HASHER.check_needs_rehash(stored_hash)
