"""A pseudo-terminal's output, for tests of what a command shows on a real terminal."""

from __future__ import annotations

import os


def read_until_closed(controller: int) -> bytes:
    """Everything shown on the terminal until the command ends and closes it; closes
    `controller`."""
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the command has ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return shown
