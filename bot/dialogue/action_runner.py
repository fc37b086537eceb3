"""Running custom actions through rasa-sdk, in-process or on an external action server.

Both ways send the same action-server payload `{next_action, sender_id, tracker, domain,
version}` and read the same answer `{events, responses}`, so an action cannot tell them apart.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

import httpx
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.version import __version__ as RASA_SDK_VERSION

from bot.dialogue.errors import ActionFailed

logger = logging.getLogger(__name__)


class ActionRunner(Protocol):
    """Something that runs a custom action and returns Rasa's action-server answer."""

    async def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Run `payload["next_action"]`; raise `ActionFailed` if it cannot."""
        ...

    def has_action(self, name: str) -> bool:
        """Whether the action is known (an external server is trusted to know its own)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def action_payload(
    name: str, tracker_state: dict[str, Any], domain: dict[str, Any]
) -> dict[str, Any]:
    """The exact request body Rasa sends to an action server."""
    return {
        "next_action": name,
        "sender_id": tracker_state["sender_id"],
        "tracker": tracker_state,
        "domain": domain,
        "version": RASA_SDK_VERSION,
    }


class InProcessActionRunner:
    """Runs actions with rasa-sdk's own `ActionExecutor` in this process."""

    def __init__(self, package: str, timeout_seconds: float) -> None:
        self._executor = ActionExecutor()
        self._executor.register_package(package)
        self._timeout = timeout_seconds

    def has_action(self, name: str) -> bool:
        """Whether the package defines the action."""
        return name in self._executor.actions

    async def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Run the action as the action server would."""
        name = payload["next_action"]
        try:
            result = await asyncio.wait_for(self._executor.run(payload), self._timeout)
        except TimeoutError as exc:
            raise ActionFailed(name, f"timed out after {self._timeout} s") from exc
        except Exception as exc:  # an action's bug must not end the conversation
            raise ActionFailed(name, f"{type(exc).__name__}: {exc}") from exc
        if result is None:
            raise ActionFailed(name, "no result")
        return result.model_dump()

    async def close(self) -> None:
        """Nothing to release."""


class HttpActionRunner:
    """Calls an external rasa-sdk action server over HTTP (`ACTION_ENDPOINT_URL`)."""

    def __init__(
        self, url: str, timeout_seconds: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._url = url
        self._client = httpx.AsyncClient(timeout=timeout_seconds, transport=transport)

    def has_action(self, name: str) -> bool:
        """The server knows its actions; unknown ones come back as a 404."""
        return True

    async def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST the payload to the action server's webhook."""
        name = payload["next_action"]
        try:
            response = await self._client.post(self._url, json=payload)
        except httpx.TimeoutException as exc:
            raise ActionFailed(name, "action server timed out") from exc
        except httpx.HTTPError as exc:
            raise ActionFailed(name, f"action server unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise ActionFailed(
                name, f"action server answered {response.status_code}: {response.text[:200]}"
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise ActionFailed(name, "action server answered invalid JSON") from exc
        if not isinstance(body, dict):
            raise ActionFailed(name, "action server answer is not an object")
        return {"events": body.get("events") or [], "responses": body.get("responses") or []}

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()
