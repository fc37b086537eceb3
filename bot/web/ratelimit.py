"""Rate limits on the public routes: token buckets per client address and per sender.

The buckets live in this process's memory: with several workers each has its own, so the
effective limit is the setting times the number of workers. A bucket holds a minute's
allowance and refills continuously, so a client may burst up to the limit, then goes at
the limit's pace. Refused requests get 429 with ``Retry-After`` (whole seconds).
"""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.observability import metrics
from bot.web.errors import error_response

#: Paths whose requests count against the limits (the routes anyone may call).
PUBLIC_PREFIXES = ("/webhooks/rest/webhook", "/api/v1/", "/widget/v1/")
#: The route whose body names a sender (Rasa's REST channel).
SENDER_PATH = "/webhooks/rest/webhook"
#: Buckets kept per limit; past it the least recently used go (they were likely full).
MAX_BUCKETS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One bucket per key, each holding up to `per_minute` tokens and refilling at
    `per_minute` a minute; `take` spends one or says how long until one is there."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """Spend a token of `key`'s bucket: 0.0 when granted, else seconds to wait."""
        now = self._clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        self._buckets[key] = bucket
        while len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate


class RateLimitMiddleware:
    """Answers 429 when a client address or a REST sender is over its limit (0: no limit).

    The address is the connection's peer, or the forwarded one when the server trusts a
    proxy (uvicorn's ``--forwarded-allow-ips``). The sender is read from the REST body,
    which is then handed on unchanged; a body that is not JSON is left to the route to
    refuse.
    """

    def __init__(self, app: ASGIApp, *, per_address: int, per_sender: int) -> None:
        self.app = app
        self.by_address = TokenBuckets(per_address) if per_address else None
        self.by_sender = TokenBuckets(per_sender) if per_sender else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self.by_address is not None:
            client = scope.get("client")
            wait = self.by_address.take(client[0] if client else "unknown")
            if wait:
                await _refuse(scope, receive, send, wait, "address")
                return
        if self.by_sender is not None and path == SENDER_PATH and scope["method"] == "POST":
            body, receive = await _read_body(receive)
            wait = self.by_sender.take(_sender_of(body))
            if wait:
                await _refuse(scope, receive, send, wait, "sender")
                return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, wait: float, limit: str) -> None:
    metrics.RATE_LIMITED.labels(limit=limit).inc()
    response = error_response(
        429,
        "rate_limited",
        f"too many requests from this {limit}; retry later",
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )
    await response(scope, receive, send)


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (its size and pace are bounded by the middleware outside), and a
    `receive` that plays it again for the app."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client left; let the app see it
            return b"".join(chunks), _replay([message], receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, _replay([{"type": "http.request", "body": body, "more_body": False}], receive)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _sender_of(body: bytes) -> str:
    """The REST message's sender, "default" when missing (as the route reads it)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return "default"
    sender = data.get("sender") if isinstance(data, dict) else None
    return sender if isinstance(sender, str) and sender else "default"
