"""Parsing user text with a trained model into Rasa's parse result shape."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlu.classifier  # noqa: F401  (registers the classifier factory before loading)
import nlu.components  # noqa: F401  (registers the s3_* factories before loading)
from nlu.components import ENTITIES_ATTR, NER_INTENTS_META
from nlu.errors import NluModelError
from nlu.train import latest_pointer

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
INTENT_COMPONENT = "intent_classifier"
DEFAULT_FALLBACK_THRESHOLD = 0.3
MAX_TEXT_CHARS = 100_000
RANKING_LENGTH = 10
NER_COMPONENT = "ner"
NAMES_COMPONENT = "company_names"
#: The NER runs when one of the top intents, at least this likely, is one it is needed for
#: (see `_needs_ner`). At 0.1 every message of the English training and held-out data parses
#: exactly as with the NER always on (0.001 to 0.3 were compared), and the NER runs on 14 %
#: fewer training and 39 % fewer held-out messages than at 0.001.
NER_TOP_INTENTS = 3
NER_MIN_CONFIDENCE = 0.1
_SURROGATES = re.compile("[\ud800-\udfff]")


class Interpreter:
    """Owns one loaded spaCy pipeline and turns its output into Rasa parse data.

    Below ``fallback_threshold`` the top intent is replaced by ``nlu_fallback``,
    as Rasa's FallbackClassifier does, so the dialogue can ask the user to rephrase.
    """

    def __init__(self, nlp: Language, *, fallback_threshold: float = DEFAULT_FALLBACK_THRESHOLD):
        self.nlp = nlp
        self.fallback_threshold = float(fallback_threshold)
        recorded = nlp.meta.get(NER_INTENTS_META)
        # None (a model from before the record): the NER runs on every message.
        self._ner_intents = frozenset(recorded) if recorded is not None else None
        names = nlp.get_pipe(NAMES_COMPONENT) if NAMES_COMPONENT in nlp.pipe_names else None
        self._legal_form = getattr(names, "has_legal_form", None)

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
            doc = self._run_pipeline(clean)
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

    def _run_pipeline(self, text: str) -> Doc:
        """`nlp(text)`, but the statistical NER (most of a parse's time) only where it can
        find something: see `_needs_ner`."""
        doc = self.nlp.make_doc(text)
        for name, component in self.nlp.pipeline:
            if name == NER_COMPONENT and not self._needs_ner(doc):
                continue
            doc = component(doc)
        return doc

    def _needs_ner(self, doc: Doc) -> bool:
        """Whether the message may hold an entity only the NER finds.

        The NER's entity types are annotated only in the examples of a few intents (the model
        records which), so it runs when one of those is among the classifier's top intents
        (it has run by now) with some likelihood. A company name may still come with any
        intent, so the NER also runs when the text looks like it holds one: a capitalised word
        after the first, a capital inside a word ("GreenPulp"), or a legal form ("oy",
        "sp. z o.o.").
        """
        if self._ner_intents is None:
            return True
        top = sorted(doc.cats.items(), key=lambda item: -item[1])[:NER_TOP_INTENTS]
        if any(name in self._ner_intents and p >= NER_MIN_CONFIDENCE for name, p in top):
            return True
        if any(_looks_like_a_name(token.text, first=token.i == 0) for token in doc):
            return True
        return self._legal_form is not None and bool(self._legal_form(doc.text))

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


def _looks_like_a_name(word: str, *, first: bool) -> bool:
    """A capitalised word after the first, or a capital inside a word (any position); "I"
    and other single letters are not names."""
    if len(word) < 2 or not word[0].isalpha():
        return False
    return (not first and word[0].isupper()) or any(c.isupper() for c in word[1:])
