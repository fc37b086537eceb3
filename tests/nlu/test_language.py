"""Language detection on short chat messages: greetings from data, names and numbers never."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import LanguageDetector, NluDataError
from nlu.language import DEFAULT_THRESHOLD, LabelledMessage, load_language_test_set

DATA = Path(__file__).resolve().parents[2] / "data"
TABLE = load_language_test_set(DATA / "nlu_test" / "languages.yml")


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector.load(DATA / "languages.yml")


def _language(detector: LanguageDetector, text: str, conversation: str = "en") -> str | None:
    found = detector.detect(text, prefer=[conversation])
    return found.language if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Labas", {"lt"}),
        ("Moi", {"fi"}),
        ("Hej", {"sv", "da", "pl"}),
        ("Tere", {"et"}),
        ("Cześć", {"pl"}),
        ("czesc!!", {"pl"}),  # typed without diacritics, and shouted
        ("Sveiki", {"lt", "lv"}),
        ("Hallo", {"de", "no"}),
        ("Hei hei", {"fi", "no"}),
        ("God dag", {"sv", "da", "no"}),
        ("Labas 👋", {"lt"}),
        ("DZIEŃ DOBRY", {"pl"}),
    ],
)
def test_detect_one_greeting_from_the_listed_words(
    detector: LanguageDetector, text: str, expected: set[str]
) -> None:
    found = detector.detect(text, prefer=["en"])
    assert found is not None and found.language in expected
    assert found.source == "words"


@pytest.mark.parametrize("message", [m for m in TABLE if not m.languages], ids=lambda m: m.text)
def test_detect_keeps_english_for_names_numbers_and_typos(
    detector: LanguageDetector, message: LabelledMessage
) -> None:
    assert message.is_right(detector.detect(message.text, prefer=["en"]), "en")


def test_detect_finds_most_foreign_messages_of_the_table(detector: LanguageDetector) -> None:
    """The da/no/sv sentences the model cannot tell apart with confidence may be missed."""
    foreign = [m for m in TABLE if m.languages]
    right = [m for m in foreign if m.is_right(detector.detect(m.text, prefer=["en"]), "en")]
    assert len(right) / len(foreign) >= 0.95


def test_detect_never_takes_a_foreign_message_for_another_foreign_language(
    detector: LanguageDetector,
) -> None:
    for message in (m for m in TABLE if m.languages):
        found = detector.detect(message.text, prefer=["en"])
        assert found is None or found.language in message.languages, message.text


def test_detect_a_long_sentence_with_the_model(detector: LanguageDetector) -> None:
    found = detector.detect("Meidän yrityksemme etsii kumppania Ruotsista", prefer=["en"])
    assert found is not None and found.language == "fi" and found.source == "model"
    assert found.confidence >= DEFAULT_THRESHOLD


def test_detect_prefers_the_conversation_language_for_a_shared_word(
    detector: LanguageDetector,
) -> None:
    assert _language(detector, "Hej", conversation="da") == "da"
    assert _language(detector, "Hej", conversation="sv") == "sv"
    assert _language(detector, "Hei hei", conversation="no") == "no"


def test_detect_greeting_inside_an_english_sentence_is_english(detector: LanguageDetector) -> None:
    assert _language(detector, "Labas, we are a bakery in Kaunas") in (None, "en")


def test_detect_nothing_below_the_threshold(detector: LanguageDetector) -> None:
    strict = LanguageDetector(detector.languages, threshold=1.01)
    assert strict.detect("Mes esame maža įmonė iš Kauno") is None
    assert strict.detect("Labas") is not None  # listed words do not depend on the model


def test_load_names_the_file_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "languages.yml"
    path.write_text("xx:\n  name: Nowhere\n  native_name: x\n  greeting: Yo\n  words: [yo]\n")
    with pytest.raises(NluDataError, match="'xx' is not a language code"):
        LanguageDetector.load(path)
    path.write_text("lt:\n  name: Lithuanian\n")
    with pytest.raises(NluDataError, match=r"languages.yml: 'lt' needs"):
        LanguageDetector.load(path)


def test_every_language_of_the_data_has_names_and_a_greeting(detector: LanguageDetector) -> None:
    assert {"en", "fi", "sv", "da", "no", "lt", "lv", "et", "pl", "de"} <= set(detector.languages)
    for code, info in detector.languages.items():
        assert info.greeting and info.name and info.native_name
        found = detector.detect(info.greeting, prefer=[])
        assert found is not None, code  # a language's own greeting is recognised


def test_detect_exact_spelling_before_the_one_without_diacritics(
    detector: LanguageDetector,
) -> None:
    assert _language(detector, "ja") in {"de", "sv", "da", "no"}  # not Latvian "jā"
    assert _language(detector, "jā") == "lv"
    assert _language(detector, "aciu") == "lt"  # "ačiū" typed on an English keyboard
