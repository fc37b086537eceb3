"""Places named in a text, without a trained model: the geo vocabulary on a blank pipeline.

Content retrieval needs to know which country or region a question is about ("which fields
does Skåne focus on", "Tartu priorities?") before it ranks passages. The trained NLU model
finds the same places, but retrieval also runs where no model is loaded (the retrieval bench,
`s3bot data validate`), so it uses the geo normaliser alone: the same data
(data/geo/countries.yml and regions.yml), the same folding and one-typo matching.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from nlu.entities.lexicon import GeoEntities
from nlu.entities.vocabulary import DEFAULT_DATA_DIR, geo_data


@dataclass(frozen=True)
class Place:
    """A country or region named in a text: ISO country code, NUTS code (regions), span."""

    country: str
    region: str | None
    start: int
    end: int


@lru_cache(maxsize=8)
def _geo_pipeline(language: str, data_dir: Path) -> tuple[Language, GeoEntities]:
    try:
        nlp = spacy.blank(language)
    except ImportError:  # a language spaCy has no tokenizer for: the generic one
        nlp = spacy.blank("xx")
    component = nlp.add_pipe("s3_geo_entities_v1", name="geo_entities")
    assert isinstance(component, GeoEntities)
    component.set_data(geo_data(data_dir))
    return nlp, component


def places_in(text: str, language: str = "en", data_dir: Path | None = None) -> list[Place]:
    """The countries and regions a text names, in order (a region carries its country)."""
    nlp, geo = _geo_pipeline(language, data_dir or DEFAULT_DATA_DIR)
    places = []
    for entity in geo.find(nlp.make_doc(text)):
        value = entity["value"]
        if entity["entity"] == "region" and isinstance(value, dict):
            places.append(
                Place(str(value["country"]), str(value["code"]), entity["start"], entity["end"])
            )
        elif entity["entity"] == "country":
            places.append(Place(str(value), None, entity["start"], entity["end"]))
    return places
