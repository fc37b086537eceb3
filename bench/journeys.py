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

from conversation_player import Player, load_conversations  # noqa: E402
from test_conversations import DEFAULT_AT_MOST, FULL_JOURNEY, NAMES, PROFILE_SLOTS  # noqa: E402

from actions.matching import seed_demo_directory  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.main import build_agent  # noqa: E402
from bot.storage import make_engine  # noqa: E402


async def _play_all(models: Path) -> None:
    conversations = load_conversations(ROOT / "tests" / "conversations" / "data")
    turns: dict[str, float] = {}
    most_summaries = 0
    with tempfile.TemporaryDirectory() as tmp:
        for conversation in conversations:
            url = f"sqlite:///{Path(tmp) / conversation.name}.db"
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, DATABASE_URL=url, MODELS_DIR=models, ENVIRONMENT="test"
            )
            agent = build_agent(settings)
            engine = make_engine(url)
            seed_demo_directory(engine)
            engine.dispose()
            try:
                player = Player(agent, url, names=NAMES, profile_slots=PROFILE_SLOTS,
                                default_at_most=DEFAULT_AT_MOST)  # fmt: skip
                played = await player.play(conversation)
            finally:
                await agent.close()
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
