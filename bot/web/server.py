"""The HTTP server's configuration: uvicorn with a deadline for each request's headers.

uvicorn closes idle keep-alive connections but waits forever for the headers of a request
once a client has started one, so a client sending a byte now and then holds a connection
(and its memory) as long as it likes. Here the headers must be complete within
`header_timeout` of the connection or of the request's first byte, or the connection is
closed. The body has its own deadline, in the app (`BodySizeLimitMiddleware`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: Seconds an idle keep-alive connection stays open (uvicorn's default is 5).
KEEP_ALIVE_SECONDS = 5


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, closing a connection whose request headers are late."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.logger.info("closing a connection: request headers not sent in time")
            self.transport.close()


def server_config(app: Any, *, header_timeout: float, **options: Any) -> uvicorn.Config:
    """A uvicorn configuration for `app` with the header deadline; `options` go to uvicorn."""
    protocol = type(
        "HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": header_timeout}
    )
    return uvicorn.Config(app, http=protocol, timeout_keep_alive=KEEP_ALIVE_SECONDS, **options)
