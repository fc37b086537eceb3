"""A synchronous action that takes longer than the timeout, for testing the worker threads."""

from __future__ import annotations

import time
from typing import Any

from rasa_sdk import Action

SLEEP_SECONDS = 2.0


class ActionThatSleeps(Action):
    """Blocks its thread, like a slow database query would."""

    def name(self) -> str:
        """Its name."""
        return "action_that_sleeps"

    def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[Any]:
        """Sleep past the timeout."""
        time.sleep(SLEEP_SECONDS)
        return []
