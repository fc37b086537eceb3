"""The database the actions read and write (profiles), configured once per process.

In-process, the composition root points it at the agent's database; an external action
server reads `DATABASE_URL` from its environment like the rest of the settings.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.config import get_settings
from bot.storage import make_engine

_engine: Engine | None = None


def configure(database_url: str) -> None:
    """Use this database from now on (the agent's own)."""
    global _engine
    if _engine is not None and str(_engine.url) == database_url:
        return
    _engine = make_engine(database_url)


def engine() -> Engine:
    """The configured engine, or one for `DATABASE_URL`."""
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings().DATABASE_URL)
    return _engine
