"""The intent classifier component: features, calibration and its save/load round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy

from nlu import Interpreter, TrainResult
from nlu.classifier import IntentClassifier, fit_temperature
from nlu.features import char_ngrams, word_ngrams, word_pairs


def test_ngram_helpers() -> None:
    assert word_ngrams(["a", "b", "c"], 1, 2) == ["a", "b", "c", "a b", "b c"]
    assert char_ngrams(["ab"], 2, 3) == [" a", "ab", "b ", " ab", "ab "]
    assert word_pairs(["a", "?", "b", "c"], 1) == ["a|b", "b|c"]


def test_fit_temperature_softens_overconfident_scores() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 300)
    scores = rng.normal(size=(300, 3))
    scores[np.arange(300), gold] += 1.0
    scores *= 10  # right only part of the time, yet extremely confident
    assert fit_temperature(scores, gold) > 2.0


def test_classifier_round_trip_gives_identical_cats(
    small_model: TrainResult, tmp_path: Path
) -> None:
    nlp = spacy.load(small_model.model_path)
    classifier = nlp.get_pipe("intent_classifier")
    assert isinstance(classifier, IntentClassifier)
    assert classifier.labels == ["goodbye", "greet", "inform"]
    nlp.to_disk(tmp_path / "copy")
    again = spacy.load(tmp_path / "copy")
    for text in ("hello there", "see you", "we are in Finland", "", "???"):
        assert again(text).cats == pytest.approx(nlp(text).cats)
    assert sum(nlp("hi").cats.values()) == pytest.approx(1.0, abs=1e-5)


def test_model_files_hold_no_pickles(small_model: TrainResult) -> None:
    folder = small_model.model_path / "intent_classifier"
    assert sorted(p.name for p in folder.iterdir()) == ["classifier.json", "classifier.npz"]
    with np.load(folder / "classifier.npz", allow_pickle=False) as arrays:
        assert "weights_0" in arrays


def test_interpreter_lists_the_classifier_labels(small_interpreter: Interpreter) -> None:
    assert small_interpreter.intents == ["goodbye", "greet", "inform"]
