"""Retrieval accuracy of the content index on the question set.

Prints module-level top-1 and top-3 accuracy, step-level top-1, the share of questions that
clear the answer threshold, and the share of off-topic questions it rejects.

    python bench/retrieval.py                 # English
    python bench/retrieval.py --json          # the same as JSON
    python bench/retrieval.py --thresholds    # accuracy for a range of thresholds
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.content.evaluation import evaluate, load_questions  # noqa: E402
from actions.content.retrieval import index_for  # noqa: E402


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--thresholds", action="store_true", help="sweep the answer threshold")
    args = parser.parse_args()
    index = index_for(ROOT / "data" / "content" / args.language)
    questions, unanswerable = load_questions(
        ROOT / "data" / "content_eval" / f"questions_{args.language}.yml"
    )
    if args.thresholds:
        for tenth in range(10, 101, 5):
            report = evaluate(index, questions, unanswerable, threshold=tenth / 10)
            print(
                f"threshold {tenth / 10:4.1f}: answered {report.answered:.3f}  "
                f"rejected {report.rejected:.3f}"
            )
        return
    report = evaluate(index, questions, unanswerable)
    if args.json:
        print(json.dumps(asdict(report), indent=2, ensure_ascii=False))
        return
    print(f"questions      {report.questions}")
    print(f"top-1 (module) {report.top1:.3f}")
    print(f"top-3 (module) {report.top3:.3f}")
    print(f"top-1 (step)   {report.step_top1:.3f}")
    print(f"answered       {report.answered:.3f}  (best score >= {report.threshold})")
    print(f"rejected       {report.rejected:.3f}  (off-topic questions below the threshold)")
    for miss in report.misses:
        print(f"  miss: {miss['question']!r} expected {miss['expected']}, got {miss['got']}")


if __name__ == "__main__":
    main()
