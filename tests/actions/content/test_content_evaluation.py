"""The owners' question set: two real halves (tune and test) that label only what exists.

A test half that shares questions with the tuning half, or with the file the threshold was
chosen on, would measure what was fitted rather than how retrieval does on new questions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.content import content_dir, load_modules
from actions.content.evaluation import Question, load_questions, question_set_path
from bot.config import get_settings
from nlu.entities.text import fold

HALVES = ("tune", "tune2", "test")


def _eval_dir() -> Path:
    return get_settings().DATA_DIR / "content_eval"


def _key(text: str) -> str:
    """A question without case, accents, punctuation or spacing: copies compare equal."""
    return re.sub(r"\W+", " ", fold(text)).strip()


def _keys(name: str) -> set[str]:
    questions, unanswerable = load_questions(question_set_path(_eval_dir(), name))
    return {_key(q.text) for q in questions} | {_key(text) for text in unanswerable}


@pytest.mark.parametrize("name", HALVES)
def test_half_loads_with_enough_questions_and_unanswerable_ones(name: str) -> None:
    questions, unanswerable = load_questions(question_set_path(_eval_dir(), name))
    assert len(questions) >= 40
    assert len(unanswerable) >= 6
    assert all(isinstance(q, Question) and q.text.strip() for q in questions)


@pytest.mark.parametrize("name", HALVES)
def test_half_has_no_question_twice(name: str) -> None:
    questions, unanswerable = load_questions(question_set_path(_eval_dir(), name))
    texts = [_key(q.text) for q in questions] + [_key(text) for text in unanswerable]
    assert len(texts) == len(set(texts))


def test_halves_are_disjoint_and_copy_nothing_from_the_original_set() -> None:
    tune, test, original = _keys("tune") | _keys("tune2"), _keys("test"), _keys("original")
    assert not tune & test
    assert not tune & original
    assert not test & original
    assert not _keys("tune") & _keys("tune2")


@pytest.mark.parametrize("name", HALVES)
def test_half_labels_only_modules_steps_and_regions_that_exist(name: str) -> None:
    modules = {m.id: m for m in load_modules(content_dir("en"))}
    geo = yaml.safe_load((get_settings().DATA_DIR / "geo" / "regions.yml").read_text("utf-8"))
    regions = geo["regions"]
    questions, _ = load_questions(question_set_path(_eval_dir(), name))
    for question in questions:
        module = modules.get(question.module)
        assert module is not None, question
        if question.step is not None:
            assert isinstance(question.step, int), question
            assert 0 <= question.step < len(module.steps), question
        if question.country is not None:
            assert module.country in (None, question.country), question
        if question.region is not None:
            assert regions[question.region]["country"] == question.country, question


def test_halves_cover_every_module() -> None:
    modules = {m.id for m in load_modules(content_dir("en"))}
    for name in HALVES:
        questions, _ = load_questions(question_set_path(_eval_dir(), name))
        assert modules <= {q.module for q in questions}, name
