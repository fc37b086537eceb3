"""Intent (and entity) quality, training time, parse latency and size of the NLU pipeline.

Trains through exactly ``nlu.train`` on one Rasa NLU YAML file (in a temporary models
directory), evaluates on a JSONL file of ``{"text", "intent", "entities"?}`` lines and
prints a table plus JSON. Intent ``out_of_scope`` marks out-of-scope lines: they are
right when predicted as ``out_of_scope`` or when the top confidence is below the
threshold. The threshold is chosen on ``--valid`` (never on the test file) by best
validation accuracy; without ``--valid`` it is ``--threshold`` (default 0.3, the
assistant's ``NLU_FALLBACK_THRESHOLD`` default).

    python bench/nlu.py --dataset clinc150 --json bench/results/nlu-clinc150.json
    python bench/nlu.py --dataset snips2017
    python bench/nlu.py --train my.yml --test my.jsonl [--valid my-valid.jsonl]

Shared data is found in ``../shared`` next to the repository, or in ``$S3_SHARED_DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu import Interpreter, train  # noqa: E402
from nlu.evaluate import (  # noqa: E402
    LabelledText,
    choose_threshold,
    evaluate,
    format_report,
    load_jsonl,
    predict,
)

# In-scope accuracy / out-of-scope recall, CLINC150 "Full", oos-train (Larson et al. 2019,
# Table 2), plus Rasa 3.6.21 measured on this machine.
PUBLISHED = {
    "clinc150": [
        ("FastText (paper)", 89.0, 9.7),
        ("SVM (paper)", 91.0, 14.5),
        ("CNN (paper)", 91.2, 18.9),
        ("DialogFlow (paper)", 91.7, 14.0),
        ("Rasa (paper)", 91.5, 45.3),
        ("MLP (paper)", 93.5, 47.4),
        ("BERT (paper)", 96.9, 40.3),
        ("Rasa 3.6.21 (this machine: 51 min training, 5.6 ms/parse)", 88.5, 45.4),
    ],
}
NO_PUBLISHED = {
    "snips2017": "no single published intent figure (upstream reports per-slot metrics only)",
}
_BARE_BRACKETS = re.compile(r"\[([^\[\]\n]*)\](?![({])")


def shared_dir() -> Path:
    """The shared benchmark folder: ``$S3_SHARED_DIR`` or ``../shared`` beside the repo."""
    return Path(os.environ.get("S3_SHARED_DIR", ROOT.parent / "shared"))


def dataset_files(name: str) -> tuple[Path, Path, Path | None]:
    """Train YAML, test JSONL and (if any) validation JSONL of a shared dataset."""
    folder = shared_dir() / "benchmarks" / "nlu" / "converted" / name
    valid = folder / "valid.jsonl"
    return folder / "nlu_train.yml", folder / "test.jsonl", valid if valid.is_file() else None


def plain_brackets(yaml_text: str) -> tuple[str, int]:
    """Drop square brackets that start no entity annotation (Rasa reads them as text).

    Our loader rejects them as malformed annotations; CLINC150 has one (``[country]``).
    """
    fixed, count = _BARE_BRACKETS.subn(r"\1", yaml_text)
    return fixed, count


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _timed_parses(interpreter: Interpreter, examples: list[LabelledText]) -> list[float]:
    for example in examples[:50]:  # warm up
        interpreter.parse(example.text)
    times = []
    for example in examples:
        start = time.perf_counter()
        interpreter.parse(example.text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(
    train_file: Path,
    test_file: Path,
    valid_file: Path | None,
    *,
    threshold: float,
    language: str = "en",
) -> dict[str, Any]:
    """Train, choose the threshold on validation data, evaluate on test; returns results."""
    with tempfile.TemporaryDirectory(prefix="s3-nlu-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        text, fixed = plain_brackets(Path(train_file).read_text(encoding="utf-8"))
        if fixed:
            print(f"note: {fixed} bare [..] in {train_file} read as plain text", file=sys.stderr)
        (data_dir / "nlu.yml").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        result = train(data_dir, Path(tmp) / "models", language=language, force=True)
        train_seconds = time.perf_counter() - start
        model_mb = _size_mb(result.model_path)
        interpreter = Interpreter.load(result.model_path, fallback_threshold=0.0)
    threshold_source = "--threshold"
    if valid_file is not None:
        valid = load_jsonl(valid_file)
        threshold = choose_threshold(valid, predict(interpreter, valid))
        threshold_source = f"best accuracy on {Path(valid_file).name}"
    test = load_jsonl(test_file)
    report = evaluate(test, predict(interpreter, test), threshold)
    times = _timed_parses(interpreter, test)
    return {
        **report.summary(),
        "threshold_source": threshold_source,
        "train_seconds": round(train_seconds, 1),
        "parse_p50_ms": round(statistics.median(times), 3),
        "parse_p95_ms": round(_percentile(times, 0.95), 3),
        "model_mb": round(model_mb, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "test_examples": len(test),
        "train_file": str(train_file),
        "test_file": str(test_file),
        "valid_file": str(valid_file) if valid_file else None,
        "report_text": format_report(report, top_confusions=10),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
    }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(results: dict[str, Any], dataset: str | None) -> str:
    """The headline figures, with published figures for the dataset beside ours."""
    lines = [
        f"{'system':<60}{'in-scope acc':>13}{'oos recall':>11}",
        f"{'ours (threshold ' + format(results['threshold'], '.3f') + ')':<60}"
        f"{_fmt(results['in_scope_accuracy']):>13}{_fmt(results['oos_recall']):>11}",
    ]
    for name, accuracy, recall in PUBLISHED.get(dataset or "", []):
        lines.append(f"{name:<60}{accuracy:>13.1f}{recall:>11.1f}")
    if dataset in NO_PUBLISHED:
        lines.append(f"published: {NO_PUBLISHED[dataset]}")
    lines.append("")
    for key in ("intent_accuracy", "macro_f1", "entity_f1"):
        lines.append(f"{key:<20}{_fmt(results[key])}")
    for key in (
        "threshold",
        "train_seconds",
        "parse_p50_ms",
        "parse_p95_ms",
        "model_mb",
        "peak_rss_mb",
    ):
        lines.append(f"{key:<20}{results[key]}")
    lines.append(f"{'threshold from':<20}{results['threshold_source']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the bench from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=["clinc150", "snips2017"])
    parser.add_argument("--train", type=Path, help="Rasa NLU YAML training file")
    parser.add_argument("--test", type=Path, help="JSONL test file")
    parser.add_argument("--valid", type=Path, help="JSONL validation file (picks the threshold)")
    parser.add_argument("--threshold", type=float, default=0.3, help="threshold without --valid")
    parser.add_argument("--language", default="en")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--details", action="store_true", help="print per-intent scores too")
    args = parser.parse_args(argv)
    train_file, test_file, valid_file = args.train, args.test, args.valid
    if args.dataset:
        train_default, test_default, valid_default = dataset_files(args.dataset)
        train_file = train_file or train_default
        test_file = test_file or test_default
        valid_file = valid_file or valid_default
    if train_file is None or test_file is None:
        parser.error("give --dataset or both --train and --test")
    results = run(
        train_file, test_file, valid_file, threshold=args.threshold, language=args.language
    )
    results["dataset"] = args.dataset
    report_text = results.pop("report_text")
    if args.details:
        print(report_text)
        print()
    print(table(results, args.dataset))
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
