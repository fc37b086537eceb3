"""Fixtures for the NLU tests: a small Rasa NLU dataset and one model trained on it."""

from __future__ import annotations

import pytest
from nlu_helpers import write_small_dataset

from nlu import Interpreter, TrainResult, train


@pytest.fixture(scope="session")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    """A model trained once per session on the small dataset."""
    root = tmp_path_factory.mktemp("small-nlu")
    return train(write_small_dataset(root / "data"), root / "models", language="en")


@pytest.fixture(scope="session")
def small_interpreter(small_model: TrainResult) -> Interpreter:
    """An interpreter over the small model."""
    return Interpreter.load(small_model.model_path)
