"""The privacy intents on held-out sentences, and no other intent taken for an erasure."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import Interpreter, train
from nlu.evaluate import evaluate, load_examples, predict

DATA = Path(__file__).parents[2] / "data"
PRIVACY = ("delete_my_data", "ask_stored_data")


@pytest.fixture(scope="module")
def english(models_dir: Path) -> Interpreter:
    """The English model of the session's models directory (trained once, then reused)."""
    return Interpreter.load(train(DATA / "nlu" / "en", models_dir, language="en").model_path)


@pytest.mark.slow
def test_privacy_intents_on_their_held_out_set(english: Interpreter) -> None:
    examples = load_examples(DATA / "nlu_test" / "en_privacy.yml")
    assert {e.intent for e in examples} == set(PRIVACY)
    assert all(sum(e.intent == i for e in examples) >= 15 for i in PRIVACY)
    report = evaluate(examples, predict(english, examples), threshold=0.3)
    assert report.intent_accuracy >= 90.0


@pytest.mark.slow
def test_no_other_held_out_sentence_is_taken_for_a_privacy_request(english: Interpreter) -> None:
    """ "forget it" stops a form; it must not ask to erase everything."""
    examples = load_examples(DATA / "nlu_test" / "en.yml")
    wrong = [
        (e.text, p.intent)
        for e, p in zip(examples, predict(english, examples), strict=True)
        if p.intent in PRIVACY and e.intent not in PRIVACY and p.confidence >= 0.3
    ]
    assert wrong == []
