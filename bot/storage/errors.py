"""What storage raises, so callers can tell a lost race from a broken database."""

from __future__ import annotations


class StorageError(Exception):
    """Base of the errors `bot.storage` raises on purpose."""


class EventLogConflict(StorageError):
    """Events were appended at a position that is already taken or would leave a gap.

    It means another writer got to the conversation first: the caller reloads the log and
    decides again, it never overwrites.
    """

    def __init__(self, conversation_id: int, first_seq: int, expected_seq: int | None) -> None:
        self.conversation_id = conversation_id
        self.first_seq = first_seq
        self.expected_seq = expected_seq
        where = "is already written" if expected_seq is None else f"expected {expected_seq}"
        super().__init__(
            f"conversation {conversation_id}: cannot append at seq {first_seq} ({where})"
        )


class NotFoundError(StorageError, LookupError):
    """A row that the caller named does not exist."""
