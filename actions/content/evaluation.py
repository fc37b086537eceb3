"""Measuring retrieval on a question set (data/content_eval/questions_<lang>[_<half>].yml).

Used by bench/retrieval.py and the tests, so both report the same figures. Three sets:
`original` (written with the content; the answer threshold was chosen on it), and the owners'
questions split in two: `tune` (weights and thresholds may be chosen on it) and `test` (only
measured, so its figures are the honest ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actions.content.retrieval import MIN_SCORE, ContentIndex, answers
from nlu.yaml_reader import read_yaml

QUESTION_SETS: dict[str, str] = {
    "original": "questions_{language}.yml",
    "tune": "questions_{language}_tune.yml",
    "tune2": "questions_{language}_tune2.yml",
    "test": "questions_{language}_test.yml",
}


@dataclass(frozen=True)
class Question:
    """A question, the module (and optionally step) that should answer it, and a profile."""

    text: str
    module: str
    step: int | None = None
    country: str | None = None
    region: str | None = None


@dataclass
class RetrievalReport:
    """Top-1 and top-3 accuracy by module, and how well the threshold rejects off-topic text."""

    questions: int
    top1: float
    top3: float
    step_top1: float
    answered: float
    answered_right: float
    rejected: float
    threshold: float
    misses: list[dict[str, Any]] = field(default_factory=list)
    not_declined: list[dict[str, Any]] = field(default_factory=list)


def question_set_path(directory: Path, name: str, language: str = "en") -> Path:
    """The file of a named question set (see QUESTION_SETS) in data/content_eval/."""
    return directory / QUESTION_SETS[name].format(language=language)


def load_questions(path: Path) -> tuple[list[Question], list[str]]:
    """The questions with their expected modules, and the unanswerable questions."""
    content = read_yaml(path) or {}
    questions = [
        Question(
            text=str(item["q"]),
            module=str(item["module"]),
            step=item.get("step"),
            country=item.get("country"),
            region=item.get("region"),
        )
        for item in content.get("questions") or []
    ]
    return questions, [str(q) for q in content.get("unanswerable") or []]


def evaluate(
    index: ContentIndex,
    questions: list[Question],
    unanswerable: list[str],
    threshold: float | None = None,
) -> RetrievalReport:
    """Score the index: module-level top-1/top-3, step-level top-1, and threshold behaviour."""
    top1 = top3 = step_hits = answered = answered_right = 0
    misses = []
    for question in questions:
        hits = index.search(question.text, country=question.country, region=question.region, k=3)
        modules = [h.passage.module_id for h in hits]
        top1 += bool(modules) and modules[0] == question.module
        top3 += question.module in modules
        clears = bool(hits) and answers(hits[0], threshold)
        answered += clears
        answered_right += clears and modules[0] == question.module
        if question.step is not None and hits:
            best = hits[0].passage
            step_hits += best.module_id == question.module and best.step == question.step
        if not modules or modules[0] != question.module:
            misses.append({"question": question.text, "expected": question.module, "got": modules})
    not_declined = [
        {
            "question": text,
            "got": hits[0].passage.module_id,
            "score": round(hits[0].topic_score, 2),
        }
        for text in unanswerable
        if (hits := index.search(text, k=1)) and answers(hits[0], threshold)
    ]
    rejected = len(unanswerable) - len(not_declined)
    with_step = sum(1 for q in questions if q.step is not None)
    total = max(len(questions), 1)
    return RetrievalReport(
        questions=len(questions),
        top1=round(top1 / total, 3),
        top3=round(top3 / total, 3),
        step_top1=round(step_hits / max(with_step, 1), 3),
        answered=round(answered / total, 3),
        answered_right=round(answered_right / total, 3),
        rejected=round(rejected / max(len(unanswerable), 1), 3),
        threshold=MIN_SCORE if threshold is None else threshold,
        misses=misses,
        not_declined=not_declined,
    )
