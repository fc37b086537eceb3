"""NLU evaluation: metrics, threshold choice on validation data, reports and `s3bot test nlu`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nlu_helpers import write_small_dataset

from bot.cli import main
from bot.config import get_settings
from nlu import Interpreter, load_training_data
from nlu.evaluate import (
    NO_ROLE,
    OUT_OF_SCOPE,
    LabelledText,
    Prediction,
    choose_threshold,
    cross_validation_folds,
    evaluate,
    format_report,
    held_out_files,
    load_examples,
    predict,
    write_report,
)

GOLD = [
    LabelledText("hi", "greet"),
    LabelledText("hello", "greet"),
    LabelledText("bye", "goodbye", ((0, 3, "farewell"),)),
    LabelledText("weather?", OUT_OF_SCOPE),
    LabelledText("pizza", OUT_OF_SCOPE),
]
PREDICTED = [
    Prediction("greet", 0.9),
    Prediction("goodbye", 0.6),  # wrong at any threshold
    Prediction("goodbye", 0.4, ((0, 3, "farewell"), (5, 6, "x"))),
    Prediction("greet", 0.2),  # out of scope, caught only by a threshold above 0.2
    Prediction(OUT_OF_SCOPE, 0.8),  # out of scope, predicted as such
]


def test_evaluate_computes_accuracy_scope_metrics_and_macro_f1() -> None:
    report = evaluate(GOLD, PREDICTED, threshold=0.0)
    assert report.intent_accuracy == pytest.approx(60.0)
    assert report.in_scope_accuracy == pytest.approx(200 / 3)
    assert report.oos_recall == pytest.approx(50.0)
    greet = report.intents["greet"]
    assert (greet.precision, greet.recall, greet.support) == (50.0, 50.0, 2)
    goodbye, oos = report.intents["goodbye"], report.intents[OUT_OF_SCOPE]
    assert goodbye.f1 == pytest.approx(200 / 3)  # precision 1/2, recall 1/1
    assert oos.f1 == pytest.approx(200 / 3)  # precision 1/1, recall 1/2
    assert report.macro_f1 == pytest.approx((50 + 200 / 3 + 200 / 3) / 3)
    assert report.confusions == [("greet", "goodbye", 1), (OUT_OF_SCOPE, "greet", 1)]
    assert [error["text"] for error in report.errors] == ["hello", "weather?"]


def test_evaluate_threshold_turns_low_confidence_into_out_of_scope() -> None:
    report = evaluate(GOLD, PREDICTED, threshold=0.3)
    assert report.oos_recall == 100.0
    assert report.in_scope_accuracy == pytest.approx(200 / 3)
    report = evaluate(GOLD, PREDICTED, threshold=0.5)
    assert report.in_scope_accuracy == pytest.approx(100 / 3)  # "bye" (0.4) now falls back


def test_evaluate_scores_entities_by_exact_span_and_type() -> None:
    report = evaluate(GOLD, PREDICTED, threshold=0.0)
    assert report.entities["farewell"].f1 == 100.0
    assert report.entities["x"].precision == 0.0
    assert report.entity_f1 == pytest.approx(100 * 2 * 0.5 * 1 / 1.5)  # P 1/2, R 1/1


def test_evaluate_without_out_of_scope_or_entities_reports_none() -> None:
    report = evaluate(GOLD[:2], PREDICTED[:2], threshold=0.0)
    assert report.oos_recall is None and report.entity_f1 is None
    assert report.in_scope_accuracy == 50.0


def test_choose_threshold_maximises_validation_accuracy() -> None:
    threshold = choose_threshold(GOLD, PREDICTED)
    assert 0.2 < threshold <= 0.4  # catches "weather?" (0.2) and keeps "bye" (0.4)
    assert evaluate(GOLD, PREDICTED, threshold).intent_accuracy == 80.0


def test_choose_threshold_is_zero_when_no_threshold_helps() -> None:
    examples = [LabelledText("a", "x"), LabelledText("b", "y")]
    predictions = [Prediction("x", 0.1), Prediction("y", 0.2)]
    assert choose_threshold(examples, predictions) == 0.0


def test_write_report_writes_intent_entity_and_error_files(tmp_path: Path) -> None:
    report = evaluate(GOLD, PREDICTED, threshold=0.3)
    paths = write_report(report, tmp_path / "out")
    assert sorted(p.name for p in paths) == [
        "entity_report.json",
        "intent_errors.json",
        "intent_report.json",
        "role_errors.json",
    ]
    intents = json.loads((tmp_path / "out" / "intent_report.json").read_text())
    assert intents["summary"]["oos_recall"] == 100.0
    assert intents["intents"]["greet"]["support"] == 2
    assert intents["confusions"] == [{"intent": "greet", "predicted": "goodbye", "count": 1}]
    errors = json.loads((tmp_path / "out" / "intent_errors.json").read_text())
    assert errors == [
        {"text": "hello", "intent": "greet", "predicted": "goodbye", "confidence": 0.6}
    ]
    text = format_report(report)
    assert "greet -> goodbye: 1" in text and "entity F1" in text


def test_cross_validation_folds_are_stratified_and_disjoint(tmp_path: Path) -> None:
    data = load_training_data(write_small_dataset(tmp_path))
    folds = cross_validation_folds(data, 3)
    held_out = [example for _, part in folds for example in part]
    assert sorted(e.text for e in held_out) == sorted(e.text for e in data.examples)
    for train_part, part in folds:
        assert {e.intent for e in train_part} == set(data.intents)
        assert not {e.text for e in train_part} & {e.text for e in part}


def test_load_examples_reads_yaml_and_jsonl(tmp_path: Path) -> None:
    jsonl = tmp_path / "t.jsonl"
    line = {"text": "x y", "intent": "a", "entities": [{"start": 2, "end": 3, "entity": "e"}]}
    jsonl.write_text(json.dumps(line) + "\n\n", encoding="utf-8")
    assert load_examples(jsonl) == [LabelledText("x y", "a", ((2, 3, "e"),))]
    examples = load_examples(write_small_dataset(tmp_path / "yaml"))
    assert LabelledText("located in Suomi", "inform", ((11, 16, "country"),)) in examples


def test_predict_ignores_the_interpreters_fallback_threshold(
    small_interpreter: Interpreter,
) -> None:
    strict = Interpreter(small_interpreter.nlp, fallback_threshold=1.0)
    [prediction] = predict(strict, [LabelledText("hello there", "greet")])
    assert prediction.intent == "greet" and 0 < prediction.confidence <= 1


@pytest.mark.slow
def test_cli_test_nlu_reports_and_fails_below_minimum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    write_small_dataset(data_dir / "nlu" / "en")
    (data_dir / "nlu_test").mkdir()
    (data_dir / "nlu_test" / "en.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hello bot\n'
        "- intent: inform\n  examples: |\n    - we are in [Finland](country)\n",
        encoding="utf-8",
    )
    (data_dir / "nlu_test" / "en_roles.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n'
        '    - looking for partners in [Norway]{"entity": "country", "role": "target"}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("MODELS_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    try:
        out = tmp_path / "report"
        assert main(["test", "nlu", "--out", str(out), "--min-intent-accuracy", "50"]) == 0
        printed = capsys.readouterr().out
        assert main(["test", "nlu", "--out", str(out), "--min-entity-f1", "101"]) == 1
        assert "FAIL entity F1" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
    assert "intent accuracy" in printed and "country" in printed
    assert (out / "intent_errors.json").is_file()
    roles = json.loads((out / "entity_report.json").read_text())["roles"]
    assert roles["target"]["support"] == 1  # en_roles.yml is found beside en.yml


def test_evaluate_scores_roles_only_for_files_that_annotate_them(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n'
        '    - [Ab Oy]{"entity": "company_name", "role": "owner"} owns us\n'
        "    - we have [9](number) staff\n",
        encoding="utf-8",
    )
    examples = load_examples(path) + [LabelledText("in Riga", "inform", ((3, 7, "region"),))]
    predictions = [
        Prediction("inform", 0.9, ((0, 5, "company_name"),), ((0, 5, "company_name", "owner"),)),
        Prediction("inform", 0.9, ((8, 9, "number"),), ((8, 9, "number", "owner"),)),
        Prediction("inform", 0.9, ((3, 7, "region"),), ((3, 7, "region", "target"),)),
    ]
    report = evaluate(examples, predictions, threshold=0.3)
    assert report.entities["number"].f1 == 100.0  # types are scored without roles
    assert report.roles["owner"].precision == 50.0 and report.roles["owner"].recall == 100.0
    assert report.roles[NO_ROLE].recall == 0.0
    assert "target" not in report.roles  # the third example comes from no role-annotated file
    assert report.role_errors == [
        {
            "text": "we have 9 staff",
            "missed": ["9 (number, (no role))"],
            "wrong": ["9 (number, owner)"],
        }
    ]
    assert "entity role" in format_report(report)


def test_held_out_files_are_the_language_file_and_its_siblings(tmp_path: Path) -> None:
    for name in ("en_b.yml", "en.yml", "en_a.yml", "fi.yml", "languages.yml", "en_c.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.name for p in held_out_files(tmp_path, "en")] == ["en.yml", "en_a.yml", "en_b.yml"]
