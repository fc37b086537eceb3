"""The statistical NER runs only where it can find something, and skipping it changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.main import build_agent
from nlu.evaluate import load_examples
from nlu.interpreter import Interpreter

HELD_OUT = PROJECT_ROOT / "data" / "nlu_test" / "en.yml"

SENTENCES = [
    "hello",
    "thanks",
    "bye",
    "what can you do?",
    "we make software for ports",
    "I run a small company in Tallinn",
    "Nordic Fermentation Oy",
    "we are greenpulp oy from finland",
    "GreenPulp",
    "open the vouchers module",
    "probably a",
    "how do I find a partner?",
]


@pytest.fixture
def interpreter(make_settings: Callable[..., Settings]) -> Iterator[Interpreter]:
    """The English interpreter exactly as the composition root loads it."""
    import asyncio

    agent = build_agent(make_settings())
    try:
        found = agent._interpreter_for("en")
        assert isinstance(found, Interpreter)
        yield found
    finally:
        asyncio.run(agent.close())


def _always_ner(interpreter: Interpreter, text: str) -> dict[str, Any]:
    gate = interpreter._needs_ner
    interpreter._needs_ner = lambda doc: True  # type: ignore[method-assign]
    try:
        return interpreter.parse(text)
    finally:
        interpreter._needs_ner = gate  # type: ignore[method-assign]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ner_gate_parses_as_without_it(interpreter: Interpreter) -> None:
    """Here and on every held-out message (data/nlu_test), which the gate's confidence
    (NER_MIN_CONFIDENCE) was checked against."""
    held_out = [example.text for example in load_examples(HELD_OUT)]
    assert len(held_out) > 300
    for text in [*SENTENCES, *held_out]:
        assert interpreter.parse(text) == _always_ner(interpreter, text), text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ner_gate_skips_small_talk_and_runs_for_names(interpreter: Interpreter) -> None:
    def runs_ner(text: str) -> bool:
        doc = interpreter.nlp.make_doc(text)
        for name, component in interpreter.nlp.pipeline:
            if name == "ner":
                return interpreter._needs_ner(doc)
            doc = component(doc)
        raise AssertionError("the model has no NER")

    assert not runs_ner("hello")
    assert not runs_ner("thanks")
    assert runs_ner("we are Baltic Bytes")  # a capitalised word after the first
    assert runs_ner("GreenPulp")  # a capital inside a word
    assert runs_ner("kotka fibre oy")  # a legal form
