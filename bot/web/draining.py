"""A uvicorn server that drains before it stops, so a shutdown loses no turn.

On SIGTERM (or SIGINT) uvicorn would stop accepting connections at once and then wait,
without limit by default, for running requests. Here the first signal starts a drain
instead: the app refuses new turns with 503 and `Retry-After` (its readiness says "draining",
so a load balancer moves traffic away), running turns get up to `drain_seconds` to finish, and
only then does uvicorn stop, cancelling anything still running after `timeout_graceful_shutdown`.
A second signal stops at once.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from types import FrameType

import uvicorn

logger = logging.getLogger(__name__)

#: Waits for running turns, given the seconds allowed; returns whether all finished.
Drain = Callable[[float], Awaitable[bool]]


class DrainingServer(uvicorn.Server):
    """`uvicorn.Server`, draining through `drain` before the usual graceful shutdown."""

    def __init__(self, config: uvicorn.Config, *, drain: Drain, drain_seconds: float) -> None:
        super().__init__(config)
        self._drain = drain
        self._drain_seconds = drain_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drain_task: asyncio.Task[None] | None = None
        self._signalled = False

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        """Serve as uvicorn does, remembering the loop the signal handler hands work to."""
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """First signal: drain, then stop; any later one: stop now."""
        if self._loop is None or self._signalled or self.should_exit:
            super().handle_exit(sig, frame)
            return
        logger.info("draining: new turns are refused, running ones get %.0fs", self._drain_seconds)
        self._signalled = True
        self._loop.call_soon_threadsafe(self._start_drain, sig)

    def _start_drain(self, sig: int) -> None:
        # Kept on the server, so the task is not collected while it runs.
        self._drain_task = asyncio.ensure_future(self._drain_then_exit(sig))

    async def _drain_then_exit(self, sig: int) -> None:
        try:
            await self._drain(self._drain_seconds)
        except Exception:
            logger.exception("draining failed; stopping anyway")
        super().handle_exit(sig, None)
