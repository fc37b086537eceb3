"""A language's name is no country: "på dansk" asks for Danish, "et dansk firma" is Danish."""

from __future__ import annotations

from typing import Any

from nlu.entities.language_names import language_name_data, without_language_names
from nlu.entities.vocabulary import DEFAULT_DATA_DIR

DATA = language_name_data(DEFAULT_DATA_DIR)
WORDS = frozenset(DATA["words"])
PHRASES = frozenset(tuple(p) for p in DATA["phrases"])


def _country(text: str, word: str, value: str = "XX") -> dict[str, Any]:
    start = text.index(word)
    return {"entity": "country", "start": start, "end": start + len(word), "value": value}


def _kept(text: str, words: list[str], *, asking: bool) -> list[str]:
    entities = [_country(text, w) for w in words]
    kept = without_language_names(text, entities, WORDS, PHRASES, asking)
    return [text[e["start"] : e["end"]] for e in kept]


def test_languages_yml_gives_one_word_and_longer_names() -> None:
    assert {"svensk", "svenska", "swedish", "dansk", "saksa"} <= WORDS
    assert ("lenku", "kalbos") in PHRASES  # folded: "lenkų kalbos"


def test_a_one_word_name_is_the_language_only_when_a_language_is_asked_for() -> None:
    assert _kept("jeg vil have svensk", ["svensk"], asking=True) == []
    assert _kept("skift til polsk plz", ["polsk"], asking=True) == []
    assert _kept("vi er et svensk firma", ["svensk"], asking=False) == ["svensk"]
    assert _kept("a Swedish engineering firm", ["Swedish"], asking=False) == ["Swedish"]


def test_a_country_name_stays_a_country_when_a_language_is_asked_for() -> None:
    assert _kept("we are in Sweden, can we speak English", ["Sweden"], asking=True) == ["Sweden"]


def test_a_name_of_several_words_is_always_the_language() -> None:
    assert _kept("noriu lenkų kalbos", ["lenkų"], asking=False) == []
    assert _kept("onnistuuko viron kielellä?", ["viron"], asking=False) == []
    assert _kept("švedų įmonė ieško partnerių", ["švedų"], asking=False) == ["švedų"]


def test_a_derived_country_is_kept() -> None:
    text = "jeg vil have svensk"
    derived = {**_country(text, "svensk"), "derived_from": "region"}
    assert without_language_names(text, [derived], WORDS, PHRASES, True) == [derived]
