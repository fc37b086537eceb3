"""Retrieval accuracy of the content index on the question sets.

Prints, per question set, module-level top-1 and top-3 accuracy, step-level top-1, the share
of questions that clear the answer threshold, and the share of unanswerable questions it
declines. The sets (actions/content/evaluation.py): `original` (questions_<lang>.yml, written
with the content; the threshold was chosen on it), `tune` (owners' questions that weights and
thresholds may be chosen on) and `test` (owners' questions only measured: the honest figure).

    python bench/retrieval.py                       # all three sets
    python bench/retrieval.py --set test --misses   # one set, with its misses
    python bench/retrieval.py --json                # the same as JSON, keyed by set
    python bench/retrieval.py --set tune --thresholds   # accuracy for a range of thresholds
    python bench/retrieval.py --no-embeddings       # BM25 alone, without the embeddings extra

With the `embeddings` extra installed, passages are re-ranked by meaning (the default); the
header says which ranking was measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.content.evaluation import (  # noqa: E402
    QUESTION_SETS,
    RetrievalReport,
    evaluate,
    load_questions,
    question_set_path,
)
from actions.content.modules import load_modules  # noqa: E402
from actions.content.retrieval import ContentIndex, index_for, read_words  # noqa: E402
from actions.content.semantic import available  # noqa: E402

EVAL_DIR = ROOT / "data" / "content_eval"


def print_report(name: str, report: RetrievalReport, misses: bool) -> None:
    """One set's figures, and with `misses` the questions it got wrong."""
    print(f"== {name}")
    print(f"questions      {report.questions}")
    print(f"top-1 (module) {report.top1:.3f}")
    print(f"top-3 (module) {report.top3:.3f}")
    print(f"top-1 (step)   {report.step_top1:.3f}")
    print(f"answered       {report.answered:.3f}  (best topic score >= {report.threshold})")
    print(f"answered right {report.answered_right:.3f}  (answered from the expected module)")
    print(f"rejected       {report.rejected:.3f}  (unanswerable questions declined)")
    if not misses:
        return
    for miss in report.misses:
        print(f"  miss: {miss['question']!r} expected {miss['expected']}, got {miss['got']}")
    for answered in report.not_declined:
        print(
            f"  not declined: {answered['question']!r} answered from {answered['got']} "
            f"(score {answered['score']})"
        )


def sweep(index: ContentIndex, path: Path) -> None:
    """Accuracy and rejection for answer thresholds from 1.0 to 10.0."""
    questions, unanswerable = load_questions(path)
    for tenth in range(10, 101, 5):
        report = evaluate(index, questions, unanswerable, threshold=tenth / 10)
        print(
            f"threshold {tenth / 10:4.1f}: answered {report.answered:.3f}  "
            f"rejected {report.rejected:.3f}"
        )


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en")
    parser.add_argument("--set", choices=[*QUESTION_SETS, "all"], default="all", dest="name")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.add_argument("--misses", action="store_true", help="list the questions missed")
    parser.add_argument("--thresholds", action="store_true", help="sweep the answer threshold")
    parser.add_argument(
        "--no-embeddings", action="store_true", help="BM25 alone, even with the extra installed"
    )
    args = parser.parse_args()
    directory = ROOT / "data" / "content" / args.language
    if args.no_embeddings or not available():
        index = ContentIndex(load_modules(directory), args.language, read_words(directory))
        print("ranking: BM25 (places, synonyms)", file=sys.stderr)
    else:
        index = index_for(directory)
        print("ranking: BM25, re-ranked by sentence embeddings (embeddings extra)", file=sys.stderr)
    names = list(QUESTION_SETS) if args.name == "all" else [args.name]
    if args.thresholds:
        for name in names:
            print(f"== {name}")
            sweep(index, question_set_path(EVAL_DIR, name, args.language))
        return
    reports = {
        name: evaluate(index, *load_questions(question_set_path(EVAL_DIR, name, args.language)))
        for name in names
    }
    if args.json:
        print(json.dumps({n: asdict(r) for n, r in reports.items()}, indent=2, ensure_ascii=False))
        return
    for name, report in reports.items():
        print_report(name, report, args.misses)


if __name__ == "__main__":
    main()
