"""Helpers for the NLU tests: a small Rasa NLU dataset."""

from __future__ import annotations

from pathlib import Path

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
