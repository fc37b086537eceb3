"""Parsing user text with a trained model into Rasa's parse result shape."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

import nlu.classifier  # noqa: F401  (registers the classifier factory before loading)
import nlu.components  # noqa: F401  (registers the s3_* factories before loading)
from nlu.components import ENTITIES_ATTR
from nlu.errors import NluModelError
from nlu.train import latest_pointer

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
INTENT_COMPONENT = "intent_classifier"
DEFAULT_FALLBACK_THRESHOLD = 0.3
MAX_TEXT_CHARS = 100_000
RANKING_LENGTH = 10
_SURROGATES = re.compile("[\ud800-\udfff]")


class Interpreter:
    """Owns one loaded spaCy pipeline and turns its output into Rasa parse data.

    Below ``fallback_threshold`` the top intent is replaced by ``nlu_fallback``,
    as Rasa's FallbackClassifier does, so the dialogue can ask the user to rephrase.
    """

    def __init__(self, nlp: Language, *, fallback_threshold: float = DEFAULT_FALLBACK_THRESHOLD):
        self.nlp = nlp
        self.fallback_threshold = float(fallback_threshold)

    @classmethod
    def load(
        cls, model_path: Path, *, fallback_threshold: float = DEFAULT_FALLBACK_THRESHOLD
    ) -> Interpreter:
        """Load a model directory written by ``train``.

        Args:
            model_path: The model directory (``models/nlu-en-<fingerprint>``).
            fallback_threshold: Intent confidence below which ``nlu_fallback`` is predicted.

        Returns:
            An interpreter ready to parse.

        Raises:
            NluModelError: If the directory is missing or not a readable model.
        """
        path = Path(model_path)
        if not (path / "config.cfg").is_file():
            raise NluModelError(f"{path}: no trained NLU model here (run training first)")
        try:
            nlp = spacy.load(path)
        except (OSError, ValueError, KeyError) as exc:
            raise NluModelError(f"{path}: cannot load NLU model: {exc}") from exc
        return cls(nlp, fallback_threshold=fallback_threshold)

    @classmethod
    def load_latest(
        cls,
        models_dir: Path,
        language: str,
        *,
        fallback_threshold: float = DEFAULT_FALLBACK_THRESHOLD,
    ) -> Interpreter:
        """Load the model that the last ``train`` run named for a language.

        Args:
            models_dir: The models directory given to ``train``.
            language: Language code, e.g. ``"en"``.
            fallback_threshold: Intent confidence below which ``nlu_fallback`` is predicted.

        Returns:
            An interpreter ready to parse.

        Raises:
            NluModelError: If no model was trained for the language.
        """
        pointer = latest_pointer(Path(models_dir), language)
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise NluModelError(f"{pointer}: no trained NLU model for {language!r}") from exc
        return cls.load(Path(models_dir) / name, fallback_threshold=fallback_threshold)

    @property
    def intents(self) -> list[str]:
        """Intent labels the model knows, sorted."""
        for name in (INTENT_COMPONENT, "textcat"):
            if name in self.nlp.pipe_names:
                return sorted(getattr(self.nlp.get_pipe(name), "labels", ()))
        return []

    def parse(self, text: str) -> dict[str, Any]:
        """Understand one message.

        Args:
            text: The user's message. Empty or blank text yields intent name
                ``None`` with confidence 0.0 and no ranking or entities. Text
                beyond ``MAX_TEXT_CHARS`` characters is ignored.

        Returns:
            Rasa's parse data: ``text``, ``intent``, ``intent_ranking`` (top 10,
            best first) and ``entities``. Never raises on odd input.
        """
        text = text if isinstance(text, str) else str(text)
        clean = _SURROGATES.sub("\ufffd", text[:MAX_TEXT_CHARS])
        if not clean.strip():
            return _result(text, {"name": None, "confidence": 0.0}, [], [])
        try:
            doc = self.nlp(clean)
        except Exception:  # a chat turn must not crash on one odd message
            logger.exception("NLU pipeline failed on a message of %d characters", len(text))
            return self._fallback(text, [], [])
        scores = sorted(((-float(score), name) for name, score in doc.cats.items()))
        ranking: list[dict[str, Any]] = [
            {"name": name, "confidence": -negative} for negative, name in scores[:RANKING_LENGTH]
        ]
        entities = [dict(entity) for entity in doc._.get(ENTITIES_ATTR) or []]
        if not ranking or ranking[0]["confidence"] < self.fallback_threshold:
            return self._fallback(text, ranking, entities)
        return _result(text, dict(ranking[0]), ranking, entities)

    def _fallback(
        self, text: str, ranking: list[dict[str, Any]], entities: list[dict[str, Any]]
    ) -> dict[str, Any]:
        intent = {"name": FALLBACK_INTENT, "confidence": self.fallback_threshold}
        return _result(text, intent, [dict(intent), *ranking][:RANKING_LENGTH], entities)


def _result(
    text: str,
    intent: dict[str, Any],
    ranking: list[dict[str, Any]],
    entities: list[dict[str, Any]],
) -> dict[str, Any]:
    return {"text": text, "intent": intent, "intent_ranking": ranking, "entities": entities}
