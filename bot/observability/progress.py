"""Progress of long commands (training, loading the directory) for the person who waits.

Shown on stderr, and only when stderr is a terminal: piped into a file or a CI log, a command
prints its results and nothing of the progress display.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def progress_display() -> Progress:
    """A progress display (use it as a context manager): per task its description, a bar,
    steps done of all, time elapsed and time left; disabled unless stderr is a terminal."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        disable=not sys.stderr.isatty(),
    )
