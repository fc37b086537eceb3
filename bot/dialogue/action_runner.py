"""Running custom actions through rasa-sdk, in-process or on an external action server.

Both ways send the same action-server payload `{next_action, sender_id, tracker, domain,
version}` and read the same answer `{events, responses}`, so an action cannot tell them apart.

In-process, an action's synchronous `run` (most actions: database queries, matching) runs in a
worker thread, never on the event loop, so a slow action delays its own conversation only.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import httpx
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.version import __version__ as RASA_SDK_VERSION

from bot.dialogue.errors import ActionFailed

logger = logging.getLogger(__name__)

#: Worker threads for synchronous actions. A thread cannot be stopped: an action past its
#: timeout keeps its thread until it returns, and when all are taken the next synchronous
#: action waits for one, within its own timeout.
ACTION_THREADS = 8
# The thread running the current task's synchronous action, to show where it hangs.
_action_thread: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "action_thread", default=None
)


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
    """Runs actions with rasa-sdk's own `ActionExecutor` in this process.

    Owns the worker threads of synchronous actions and the timeout, which applies to every
    action, synchronous or not.
    """

    def __init__(self, package: str, timeout_seconds: float, threads: int = ACTION_THREADS) -> None:
        self._executor = ActionExecutor()
        self._executor.register_package(package)
        self._timeout = timeout_seconds
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="action")
        for name, run in list(self._executor.actions.items()):
            if not inspect.iscoroutinefunction(run):
                self._executor.actions[name] = self._in_thread(run)

    def _in_thread(self, run: Callable[..., Any]) -> Callable[..., Any]:
        """`run` as a coroutine that calls it in a worker thread (rasa-sdk awaits it)."""

        async def run_in_thread(*args: Any) -> Any:
            holder = _action_thread.get()
            context = contextvars.copy_context()

            def call() -> Any:
                if holder is not None:
                    holder.append(threading.get_ident())
                return context.run(run, *args)

            return await asyncio.get_running_loop().run_in_executor(self._threads, call)

        return functools.update_wrapper(run_in_thread, run)

    def has_action(self, name: str) -> bool:
        """Whether the package defines the action."""
        return name in self._executor.actions

    async def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Run the action as the action server would, within the timeout."""
        name = payload["next_action"]
        thread: list[int] = []
        token = _action_thread.set(thread)  # seen by the action's thread, to show where it is
        try:
            result = await asyncio.wait_for(self._executor.run(payload), self._timeout)
        except TimeoutError as exc:
            failure = ActionFailed(name, f"timed out after {self._timeout} s")
            if thread and (stack := _stack_of(thread[0])):
                failure.add_note(f"the action's thread was at:\n{stack}")
            raise failure from exc
        except Exception as exc:  # an action's bug must not end the conversation
            raise ActionFailed(name, f"{type(exc).__name__}: {exc}") from exc
        finally:
            _action_thread.reset(token)
        if result is None:
            raise ActionFailed(name, "no result")
        return result.model_dump()

    async def close(self) -> None:
        """Let the worker threads go once their actions return; queued ones never start."""
        self._threads.shutdown(wait=False, cancel_futures=True)


def _stack_of(thread_id: int) -> str:
    """Where a thread is now (file, line, function and source line; no variables)."""
    frame = sys._current_frames().get(thread_id)
    return "".join(traceback.format_stack(frame)) if frame is not None else ""


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
