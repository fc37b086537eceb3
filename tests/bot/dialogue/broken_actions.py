"""Actions that fail on purpose, for testing how the engine survives them."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action


class ActionThatRaises(Action):
    """Raises, like a bug in an action would."""

    def name(self) -> str:
        """Its name."""
        return "action_that_raises"

    def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[Any]:
        """Fail."""
        raise RuntimeError("boom")


class ActionThatHangs(Action):
    """Takes longer than any timeout."""

    def name(self) -> str:
        """Its name."""
        return "action_that_hangs"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[Any]:
        """Sleep past the timeout."""
        await asyncio.sleep(30)
        return []
