"""Parsing: Rasa's parse shape, fallback, entities and odd input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import FALLBACK_INTENT, Interpreter, NluModelError, TrainResult


def test_parse_returns_exactly_rasa_shape(small_interpreter: Interpreter) -> None:
    result = small_interpreter.parse("hello there")
    assert set(result) == {"text", "intent", "intent_ranking", "entities"}
    assert result["text"] == "hello there"
    assert set(result["intent"]) == {"name", "confidence"}
    assert result["intent"]["name"] == "greet"
    assert type(result["intent"]["confidence"]) is float
    ranking = result["intent_ranking"]
    assert [item["name"] for item in ranking][0] == "greet"
    assert {item["name"] for item in ranking} == {"greet", "goodbye", "inform"}
    confidences = [item["confidence"] for item in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert all(type(c) is float for c in confidences)
    assert sum(confidences) == pytest.approx(1.0, abs=1e-3)


def test_parse_below_threshold_gives_nlu_fallback_first(small_model: TrainResult) -> None:
    strict = Interpreter.load(small_model.model_path, fallback_threshold=1.01)
    result = strict.parse("hello")
    assert result["intent"] == {"name": FALLBACK_INTENT, "confidence": 1.01}
    assert result["intent_ranking"][0] == {"name": FALLBACK_INTENT, "confidence": 1.01}
    assert result["intent_ranking"][1]["name"] == "greet"


def test_parse_empty_text_has_no_intent(small_interpreter: Interpreter) -> None:
    for text in ("", "   \n\t"):
        result = small_interpreter.parse(text)
        assert result == {
            "text": text,
            "intent": {"name": None, "confidence": 0.0},
            "intent_ranking": [],
            "entities": [],
        }


def test_parse_regex_entity(small_interpreter: Interpreter) -> None:
    entities = small_interpreter.parse("we have 1234")["entities"]
    assert {
        "entity": "number",
        "value": "1234",
        "start": 8,
        "end": 12,
        "confidence": 1.0,
        "extractor": "RegexEntityExtractor",
    } in entities


def test_parse_lookup_entity_with_synonym(small_interpreter: Interpreter) -> None:
    (entity,) = small_interpreter.parse("our office is in SUOMI")["entities"]
    assert entity == {
        "entity": "country",
        "value": "FI",
        "start": 17,
        "end": 22,
        "confidence": 1.0,
        "extractor": "RegexEntityExtractor",
        "processors": ["EntitySynonymMapper"],
    }


def test_parse_lookup_entity_without_synonym_keeps_text(small_interpreter: Interpreter) -> None:
    (entity,) = small_interpreter.parse("Sverige")["entities"]
    assert entity["value"] == "Sverige"
    assert "processors" not in entity


def test_parse_ner_entity(small_interpreter: Interpreter) -> None:
    entities = small_interpreter.parse("we are Nordic Fermentation Oy")["entities"]
    names = [(e["entity"], e["value"], e["extractor"]) for e in entities]
    assert ("company_name", "Nordic Fermentation Oy", "SpacyEntityExtractor") in names


def test_parse_overlapping_entities_prefer_rules(small_interpreter: Interpreter) -> None:
    entities = small_interpreter.parse("we are based in Finland")["entities"]
    spans = [(e["start"], e["end"]) for e in entities]
    assert len(spans) == len(set(spans))
    country = [e for e in entities if e["start"] == 16]
    assert [e["extractor"] for e in country] == ["RegexEntityExtractor"]
    assert country[0]["value"] == "FI"


@pytest.mark.parametrize(
    "text",
    [
        "😀😀😀 🇫🇮",
        "שלום, מה שלומך?",
        "مرحبا بالعالم",
        "\x00\x01\x02\x1b[31m\x7f",
        "hello \ud800 lone \udfff surrogates",
        "a" * 102_400,
        "word " * 25_000,
        "[](){}<>\\",
        "\u202eevil\u202c text",
    ],
)
def test_parse_odd_input_does_not_raise(small_interpreter: Interpreter, text: str) -> None:
    result = small_interpreter.parse(text)
    assert result["text"] == text
    assert result["intent"]["name"] is not None
    for entity in result["entities"]:
        assert 0 <= entity["start"] < entity["end"] <= len(text)


def test_load_missing_model_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(NluModelError):
        Interpreter.load(tmp_path / "nothing")
    with pytest.raises(NluModelError):
        Interpreter.load_latest(tmp_path, "en")


def test_ner_does_not_guess_types_the_rules_cover() -> None:
    """Types with a lookup or regex come from the rules only, never from the small NER."""
    from nlu.components import EntityMerger

    merger = EntityMerger.__new__(EntityMerger)
    merger.data = {"synonyms": {}, "rule_types": ["country"]}
    import spacy
    from spacy.tokens import Span

    nlp = spacy.blank("en")
    doc = nlp("Morning Baltic Bytes")
    doc.ents = [Span(doc, 0, 1, label="country"), Span(doc, 1, 3, label="company_name")]
    from nlu.components import ENTITIES_ATTR

    merger(doc)
    assert [(e["entity"], e["value"]) for e in doc._.get(ENTITIES_ATTR)] == [
        ("company_name", "Baltic Bytes")
    ]
