"""The NLU bench: trains through nlu.train, picks the threshold on validation data only."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from nlu_helpers import SMALL_NLU

from nlu import evaluate as evaluate_module

BENCH = Path(__file__).parents[2] / "bench" / "nlu.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_nlu", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jsonl(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = [json.dumps({"text": text, "intent": intent}) for text, intent in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_plain_brackets_keeps_annotations(bench: ModuleType) -> None:
    text, count = bench.plain_brackets(
        '- alert for [country]\n- in [Oslo](city) [x]{"entity": "e"}\n'
    )
    assert count == 1
    assert text == '- alert for country\n- in [Oslo](city) [x]{"entity": "e"}\n'


@pytest.mark.slow
def test_bench_run_reports_all_metrics_and_takes_threshold_from_validation_only(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train_file = tmp_path / "train.yml"
    train_file.write_text(SMALL_NLU, encoding="utf-8")
    valid = _jsonl(tmp_path / "valid.jsonl", [("hey", "greet"), ("what is love", "out_of_scope")])
    test = _jsonl(tmp_path / "test.jsonl", [("hello", "greet"), ("see you", "goodbye")])
    seen: list[list[str]] = []
    choose = evaluate_module.choose_threshold

    def spy(examples: list, predictions: list) -> float:
        seen.append([example.text for example in examples])
        return choose(examples, predictions)

    monkeypatch.setattr(bench, "choose_threshold", spy)
    results = bench.run(train_file, test, valid, threshold=0.3)
    assert seen == [["hey", "what is love"]]  # only validation examples
    for key in ("intent_accuracy", "in_scope_accuracy", "oos_recall", "macro_f1", "threshold"):
        assert key in results
    assert results["oos_recall"] is None  # no out-of-scope line in the test file
    for key in ("train_seconds", "parse_p50_ms", "parse_p95_ms", "model_mb", "peak_rss_mb"):
        assert results[key] > 0
    assert "ours (threshold" in bench.table(results, "clinc150")
    assert "no single published intent figure" in bench.table(results, "snips2017")
    without = bench.run(train_file, test, None, threshold=0.25)
    assert without["threshold"] == 0.25
