"""How long the typed SME journeys are: user turns to an introduction, summaries shown.

Plays every conversation of tests/conversations/data through the real agent (as the test
suite does, each on its own SQLite database with the demo directory) and prints, for the
full journeys (greet, profile, verdict, three partners, an introduction), the user turns
until the introduction was recorded, their median, and the most profile summaries any
conversation showed.

    .venv/bin/python bench/journeys.py [--models models]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The repository first (bench/nlu.py must not stand for the nlu package), then the player.
sys.path[0:1] = [str(ROOT), str(ROOT / "tests" / "conversations")]

from conversation_player import load_conversations  # noqa: E402
from test_conversations import FULL_JOURNEY, NAMES  # noqa: E402
from test_conversations import _play as play  # noqa: E402  (the suite's own way to play)


async def _play_all(models: Path) -> None:
    conversations = load_conversations(ROOT / "tests" / "conversations" / "data")
    turns: dict[str, float] = {}
    most_summaries = 0
    with tempfile.TemporaryDirectory() as tmp:
        for conversation in conversations:
            played = await play(conversation, models, Path(tmp))
            most_summaries = max(most_summaries, played.said(NAMES["profile_summary"]))
            if conversation.journey == FULL_JOURNEY:
                turns[conversation.name] = played.user_turns_until(NAMES["introduction_requested"])
    for name, count in sorted(turns.items()):
        print(f"{name:60} {count}")
    print(f"conversations: {len(conversations)}, full journeys: {len(turns)}")
    print(f"median user turns to an introduction: {statistics.median(turns.values())}")
    print(f"most profile summaries in one conversation: {most_summaries}")


def main() -> None:
    """Parse the arguments and play the conversations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    asyncio.run(_play_all(parser.parse_args().models))


if __name__ == "__main__":
    main()
