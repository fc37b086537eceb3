"""Fixtures for the entity tests: a blank pipeline with only the entity components."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import nlu.components  # noqa: F401  (registers the s3_* factories)
from nlu.components import ENTITIES_ATTR
from nlu.entities import add_entity_normalisers


@pytest.fixture(scope="session")
def entity_nlp() -> Language:
    """Regex and lookup extractors as in training, the merger, and the entity normalisers."""
    nlp = spacy.blank("en")
    nlp.add_pipe("s3_regex_entities_v1", name="regex_entities").set_data(
        {"number": [r"(?<![\w-])-?\d{1,7}\b"]}
    )
    nlp.add_pipe("s3_lookup_entities_v1", name="lookup_entities").set_data(
        {"country": ["Finland", "Suomi", "Sverige", "Swedish"]}
    )
    nlp.add_pipe("s3_entity_merger_v1", name="entity_merger").set_data(
        {
            "synonyms": {"finland": "FI", "suomi": "FI", "swedish": "SE", "sverige": "SE"},
            "rule_types": ["country", "number"],
        }
    )
    add_entity_normalisers(nlp, None)
    return nlp


@pytest.fixture(scope="session")
def extract(entity_nlp: Language):  # type: ignore[no-untyped-def]
    """A function from text to the merged entity list."""

    def run(text: str) -> list[dict]:  # type: ignore[type-arg]
        return list(entity_nlp(text)._.get(ENTITIES_ATTR) or [])

    return run
