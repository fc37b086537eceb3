"""Alembic migrations of the storage schema; run them with `bot.storage.migrate`."""
