"""Fixtures for the NLU tests: a small Rasa NLU dataset and one model trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import Interpreter, TrainResult, train

SMALL_NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
    - hello there
    - good morning
    - hey
    - hey there
    - hi bot
- intent: goodbye
  examples: |
    - bye
    - goodbye
    - see you later
    - bye bye
    - have a nice day
    - talk to you later
- intent: inform
  examples: |
    - we are [Nordic Fermentation Oy](company_name)
    - company name is [Baltic Bytes](company_name)
    - our company is called [Kalev Robotics](company_name)
    - we are [Fjord Data AS](company_name) from [Norway](country)
    - we have [35](number) employees
    - we are based in [Finland](country)
    - located in [Suomi](country)
    - [12](number) people work here
    - we are in [France](country)
- synonym: FI
  examples: |
    - Finland
    - Suomi
- synonym: "NO"
  examples: |
    - Norway
- regex: number
  examples: |
    - \\b\\d{1,7}\\b
- lookup: country
  examples: |
    - Finland
    - Suomi
    - Norway
    - Sverige
"""


def write_small_dataset(directory: Path) -> Path:
    """Write the small dataset as one file in ``directory`` and return the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "small.yml").write_text(SMALL_NLU, encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    """A model trained once per session on the small dataset."""
    root = tmp_path_factory.mktemp("small-nlu")
    return train(write_small_dataset(root / "data"), root / "models", language="en")


@pytest.fixture(scope="session")
def small_interpreter(small_model: TrainResult) -> Interpreter:
    """An interpreter over the small model."""
    return Interpreter.load(small_model.model_path)
