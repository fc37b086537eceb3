"""Erased means gone from the disk: SQLite's secure delete and a WAL checkpoint.

SQLite leaves deleted rows' bytes in free space of the database file, and in WAL mode the
write-ahead log keeps the old page images until a checkpoint, minutes later. An erasure
therefore turns on ``secure_delete`` (deleted content is overwritten with zeros) before it
deletes, and once it is committed runs ``PRAGMA wal_checkpoint(TRUNCATE)``, which copies
the zeroed pages into the database and empties the log file. PostgreSQL is left alone
(its dead rows go at the next vacuum).
"""

from __future__ import annotations

import logging

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

logger = logging.getLogger(__name__)


def scrub_on_commit(session: Session) -> None:
    """Make the deletes that follow in `session` overwrite their bytes, and checkpoint the
    WAL once the session commits (SQLite only; a no-op elsewhere)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name != "sqlite":
        return
    session.execute(text("PRAGMA secure_delete=ON"))
    event.listen(session, "after_commit", lambda _: checkpoint_wal(engine), once=True)


def checkpoint_wal(engine: Engine) -> bool:
    """Fold the write-ahead log into the database file and truncate it; False when a
    reader kept it busy past the busy timeout (the next checkpoint then finishes it)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        row = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    busy = bool(row and row[0])
    if busy:
        logger.warning(
            "WAL checkpoint after an erasure was blocked by a reader; old pages stay "
            "in the log until a later checkpoint"
        )
    return not busy
