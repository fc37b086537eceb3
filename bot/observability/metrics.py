"""Prometheus metrics of the assistant, in one registry served at ``/metrics``.

Labels are bounded: channels, action names (from the domain), HTTP methods, route templates
and statuses; never a sender id or any text. Values are per process: with several workers,
Prometheus scrapes each one (or sums them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.process_collector import ProcessCollector

#: A conversation counts as active for this long after its last message.
ACTIVE_WINDOW_SECONDS = 15 * 60
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

TURN_SECONDS = Histogram(
    "s3bot_turn_seconds",
    "Time to answer one message, lock wait included.",
    ["channel"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
NLU_SECONDS = Histogram(
    "s3bot_nlu_seconds",
    "Time the NLU model takes to parse one message.",
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
ACTION_SECONDS = Histogram(
    "s3bot_action_seconds",
    "Time a custom action takes, failed ones included.",
    ["action"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
ACTION_FAILURES = Counter(
    "s3bot_action_failures_total",
    "Custom actions that raised, timed out or were unreachable.",
    ["action", "reason"],
    registry=REGISTRY,
)
INBOX_BACKLOG = Gauge(
    "s3bot_inbox_backlog",
    "Messages received and not yet answered (waiting for their conversation or running).",
    registry=REGISTRY,
)
LOCK_WAIT_SECONDS = Histogram(
    "s3bot_lock_wait_seconds",
    "Time a message waits for its conversation's lock.",
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
ACTIVE_CONVERSATIONS = Gauge(
    "s3bot_active_conversations",
    f"Conversations with a message in the last {ACTIVE_WINDOW_SECONDS // 60} minutes.",
    registry=REGISTRY,
)
HTTP_RESPONSES = Counter(
    "s3bot_http_responses_total",
    "HTTP responses by method, route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "s3bot_rate_limited_total",
    "Requests refused with 429, by the limit that refused them.",
    ["limit"],
    registry=REGISTRY,
)


class _ActiveConversations:
    """When each recent conversation last spoke; kept in memory only, never exported."""

    def __init__(self) -> None:
        self._last_seen: dict[str, float] = {}

    def touch(self, sender_id: str) -> None:
        now = time.monotonic()
        self._last_seen[sender_id] = now
        if len(self._last_seen) % 1024 == 0:
            self.count()  # prune now and then, so idle senders do not pile up

    def count(self) -> int:
        horizon = time.monotonic() - ACTIVE_WINDOW_SECONDS
        stale = [sender for sender, seen in self._last_seen.items() if seen < horizon]
        for sender in stale:
            del self._last_seen[sender]
        return len(self._last_seen)


_active = _ActiveConversations()
ACTIVE_CONVERSATIONS.set_function(_active.count)


@contextmanager
def turn(channel: str, sender_id: str) -> Iterator[None]:
    """Time a turn and count it in the backlog while it waits and runs."""
    _active.touch(sender_id)
    INBOX_BACKLOG.inc()
    started = time.perf_counter()
    try:
        yield
    finally:
        INBOX_BACKLOG.dec()
        TURN_SECONDS.labels(channel=channel).observe(time.perf_counter() - started)


@contextmanager
def action(name: str) -> Iterator[None]:
    """Time a custom action; a failure is counted as `timeout` or `error`."""
    started = time.perf_counter()
    try:
        yield
    except Exception as exc:
        reason = "timeout" if "timed out" in str(exc) else "error"
        ACTION_FAILURES.labels(action=name, reason=reason).inc()
        raise
    finally:
        ACTION_SECONDS.labels(action=name).observe(time.perf_counter() - started)


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
