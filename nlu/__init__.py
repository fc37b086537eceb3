"""spaCy NLU for the assistant: reads Rasa NLU YAML, trains, parses.

Public API::

    from nlu import load_training_data, validate_nlu_files, train, Interpreter

    result = train(Path("data/nlu/en"), Path("models"), language="en")
    interpreter = Interpreter.load(result.model_path)
    interpreter.parse("hi there")  # Rasa parse data

This package imports nothing from ``bot`` or ``actions``.
"""

import logging

import spacy.util

import nlu.spacy_languages  # noqa: F401  (registers language codes spaCy lacks before any use)
from nlu.annotations import EntityAnnotation
from nlu.errors import NluDataError, NluError, NluModelError
from nlu.interpreter import FALLBACK_INTENT, Interpreter
from nlu.language import Detection, LanguageDetector, LanguageInfo
from nlu.numbers import (
    Reading,
    find_numbers,
    parse_amount,
    parse_count,
    parse_number,
    parse_position,
)
from nlu.train import TrainResult, train
from nlu.training_data import Example, TrainingData, load_training_data, validate_nlu_files

# spaCy gives its logger a stream handler of its own when imported; where records go is the
# application's choice (its handler on the root shows spaCy's too), else each shows twice.
logging.getLogger("spacy").removeHandler(spacy.util.logger_stream_handler)

__all__ = [
    "FALLBACK_INTENT",
    "Detection",
    "EntityAnnotation",
    "Example",
    "Interpreter",
    "LanguageDetector",
    "LanguageInfo",
    "NluDataError",
    "NluError",
    "NluModelError",
    "Reading",
    "TrainResult",
    "TrainingData",
    "find_numbers",
    "load_training_data",
    "parse_amount",
    "parse_count",
    "parse_number",
    "parse_position",
    "train",
    "validate_nlu_files",
]
