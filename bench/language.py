"""Accuracy and cost of the language detector (nlu/language.py) on its held-out table.

Reads data/languages.yml and data/nlu_test/languages.yml, and prints per threshold how many
messages are right: foreign messages detected as their language, and messages of an English
conversation (place names, company names, numbers, typos) left in English. Then the time to
load the detector and the cost per message at the chosen threshold.

    python bench/language.py [--threshold 0.9] [--repeat 200] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.language import (  # noqa: E402
    DEFAULT_THRESHOLD,
    LabelledMessage,
    LanguageDetector,
    load_language_test_set,
)

CONVERSATION_LANGUAGE = "en"  # the table's `unchanged` messages come from English conversations
SWEEP = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99)


def score(detector: LanguageDetector, table: list[LabelledMessage]) -> dict[str, object]:
    """Right answers among foreign messages and among those that must keep English."""
    foreign = [m for m in table if m.languages]
    keep = [m for m in table if not m.languages]
    wrong = []
    right = {"foreign": 0, "keep": 0}
    closest = 0.0  # the surest the model is of another language for a message that keeps English
    for message in table:
        found = detector.detect(message.text, prefer=[CONVERSATION_LANGUAGE])
        if not message.languages:
            closest = max(closest, _foreign_probability(detector, message.text))
        if message.is_right(found, CONVERSATION_LANGUAGE):
            right["keep" if not message.languages else "foreign"] += 1
        else:
            got = f"{found.language} {found.confidence:.2f}" if found else "none"
            expected = sorted(message.languages) or "en or none"
            wrong.append(f"{message.text!r}: expected {expected}, got {got}")
    return {
        "threshold": detector.threshold,
        "foreign_right": right["foreign"] / len(foreign),
        "keep_right": right["keep"] / len(keep),
        "accuracy": (right["foreign"] + right["keep"]) / len(table),
        "closest_keep": closest,
        "wrong": wrong,
    }


def _foreign_probability(detector: LanguageDetector, text: str) -> float:
    """The model's probability of its best language when that is not English (0 otherwise)."""
    saved, detector.threshold = detector.threshold, 0.0
    try:
        found = detector.detect(text, prefer=[CONVERSATION_LANGUAGE])
    finally:
        detector.threshold = saved
    if found is None or found.source != "model" or found.language == CONVERSATION_LANGUAGE:
        return 0.0
    return found.confidence


def cost(detector: LanguageDetector, table: list[LabelledMessage], repeat: int) -> dict[str, float]:
    """Microseconds per message, over every message of the table `repeat` times."""
    timings = []
    for _ in range(repeat):
        for message in table:
            start = time.perf_counter()
            detector.detect(message.text, prefer=[CONVERSATION_LANGUAGE])
            timings.append((time.perf_counter() - start) * 1e6)
    timings.sort()
    return {
        "p50_us": statistics.median(timings),
        "p95_us": timings[int(len(timings) * 0.95)],
        "mean_us": statistics.fmean(timings),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the sweep, the errors at the chosen threshold and the cost."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    table = load_language_test_set(ROOT / "data" / "nlu_test" / "languages.yml")
    start = time.perf_counter()
    detector = LanguageDetector.load(ROOT / "data" / "languages.yml", threshold=args.threshold)
    load_seconds = time.perf_counter() - start
    foreign = sum(1 for m in table if m.languages)
    print(f"{len(table)} messages: {foreign} foreign, {len(table) - foreign} keep English")
    print(f"{'threshold':>9}  {'foreign':>7}  {'keep':>6}  {'all':>6}")
    for threshold in sorted({*SWEEP, args.threshold}):
        detector.threshold = threshold
        row = score(detector, table)
        print(
            f"{threshold:>9.2f}  {row['foreign_right']:>7.1%}  {row['keep_right']:>6.1%}  "
            f"{row['accuracy']:>6.1%}"
        )
    detector.threshold = args.threshold
    chosen = score(detector, table)
    print(
        f"\nhighest model probability of another language among messages that keep English: "
        f"{chosen['closest_keep']:.2f}"
    )
    print(f"wrong at {args.threshold}:")
    for line in chosen["wrong"]:  # type: ignore[attr-defined]
        print(f"  {line}")
    timing = cost(detector, table, args.repeat)
    print(
        f"\nload {load_seconds:.2f} s; per message p50 {timing['p50_us']:.0f} µs, "
        f"p95 {timing['p95_us']:.0f} µs, mean {timing['mean_us']:.0f} µs"
    )
    if args.json:
        args.json.write_text(json.dumps({**chosen, **timing, "load_s": load_seconds}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
