"""What the widget routes keep between requests in one process: rate limits, event streams and
the conversations already attributed to their site."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

from fastapi import Request

from bot.observability import metrics
from bot.web.errors import ApiError
from bot.web.ratelimit import TokenBuckets
from bot.web.widget_stream import WidgetStreams

#: Conversations remembered as attributed, so their later messages skip the write.
ATTRIBUTED_KEPT = 10_000


class WidgetLimits:
    """Requests per minute per widget conversation and per partner site (0: no limit).

    Like every limit of the app they are counted per process (see `bot.web.ratelimit`).
    """

    def __init__(self, *, per_session: int, per_site: int) -> None:
        self.by_session = TokenBuckets(per_session) if per_session else None
        self.by_site = TokenBuckets(per_site) if per_site else None

    def check(self, site_key: str, conversation_id: str | None) -> None:
        """Spend one request of the site and of the conversation.

        Raises:
            ApiError: 429 with Retry-After when either is over its limit.
        """
        if self.by_site is not None and (wait := self.by_site.take(site_key)):
            _refuse(wait, "site")
        if (
            conversation_id is not None
            and self.by_session is not None
            and (wait := self.by_session.take(conversation_id))
        ):
            _refuse(wait, "session")


def _refuse(wait: float, limit: str) -> None:
    metrics.RATE_LIMITED.labels(limit=f"widget_{limit}").inc()
    raise ApiError(
        429,
        "rate_limited",
        f"too many requests from this widget {limit}; retry later",
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


@dataclass
class WidgetState:
    """The widget's per-process state, on `app.state.widget`."""

    limits: WidgetLimits
    streams: WidgetStreams = field(default_factory=WidgetStreams)
    attributed: OrderedDict[str, None] = field(default_factory=OrderedDict)

    def was_attributed(self, conversation_id: str) -> bool:
        """Whether this process already recorded the conversation's site."""
        return conversation_id in self.attributed

    def remember_attributed(self, conversation_id: str) -> None:
        """Remember that the conversation's site is recorded (the oldest are forgotten)."""
        self.attributed[conversation_id] = None
        while len(self.attributed) > ATTRIBUTED_KEPT:
            self.attributed.popitem(last=False)


def get_widget_state(request: Request) -> WidgetState:
    """The widget state this app was built with."""
    state: WidgetState = request.app.state.widget
    return state
