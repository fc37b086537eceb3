"""The real English data trains a model that understands sentences it never saw."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import Interpreter, load_training_data, train

EN_DATA = Path(__file__).parents[2] / "data" / "nlu" / "en"

# None of these sentences is in data/nlu/en.
HELD_OUT = [
    ("hello, is anybody there?", "greet"),
    ("ok see you tomorrow", "goodbye"),
    ("yes that is right", "affirm"),
    ("no, not correct", "deny"),
    ("thanks so much for your help", "thank"),
    ("am I speaking with a robot?", "bot_challenge"),
    ("I need some help please", "ask_help"),
    ("show me the options", "show_menu"),
    ("what does smart specialisation mean?", "learn_s3"),
    ("can my company get an innovation voucher?", "check_voucher"),
    ("I want to find a partner company in Estonia", "find_partners"),
    ("can I talk to a real advisor?", "talk_to_human"),
    ("cancel, I want to quit", "stop"),
    ("we are Baltic Wind Oy from Finland", "inform"),
    ("we have 40 employees", "inform"),
    ("what will the weather be tomorrow?", "out_of_scope"),
    ("tell me a funny joke", "out_of_scope"),
    ("we are located in Lithuania", "inform"),
    ("is there funding for my small business?", "check_voucher"),
    ("explain the S3 strategy please", "learn_s3"),
]


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Interpreter:
    result = train(EN_DATA, tmp_path_factory.mktemp("en-models"), language="en")
    return Interpreter.load(result.model_path)


@pytest.mark.slow
def test_english_model_gets_held_out_intents_right(english: Interpreter) -> None:
    wrong = [
        (text, intent, english.parse(text)["intent"]["name"])
        for text, intent in HELD_OUT
        if english.parse(text)["intent"]["name"] != intent
    ]
    assert len(wrong) <= 2, wrong


@pytest.mark.slow
def test_english_model_knows_exactly_the_domain_intents(english: Interpreter) -> None:
    assert english.intents == load_training_data(EN_DATA).intents
    assert {intent for _, intent in HELD_OUT} | {"stop"} <= set(english.intents)


@pytest.mark.slow
def test_english_model_extracts_and_normalises_entities(english: Interpreter) -> None:
    entities = english.parse("we are Baltic Wind Oy from Finland, 40 people")["entities"]
    found = {(e["entity"], e["value"]) for e in entities}
    assert ("country", "FI") in found
    assert ("headcount", 40) in found
    assert ("company_name", "Baltic Wind Oy") in found
    for text, code in [("based in Suomi", "FI"), ("we are Norwegian", "NO"), ("Polska", "PL")]:
        countries = [e for e in english.parse(text)["entities"] if e["entity"] == "country"]
        assert [e["value"] for e in countries] == [code], text
        assert countries[0]["processors"] == ["EntitySynonymMapper"]


@pytest.mark.slow
def test_english_model_meets_targets_on_the_domain_test_set(english: Interpreter) -> None:
    """data/nlu_test/en.yml is never trained on: intent accuracy >= 95 %, entity F1 >= 90."""
    from nlu.evaluate import evaluate, load_examples, predict

    examples = load_examples(EN_DATA.parent.parent / "nlu_test" / "en.yml")
    report = evaluate(examples, predict(english, examples), threshold=0.3)
    assert len(examples) >= 20 * 15
    assert report.intent_accuracy >= 95.0
    assert report.entity_f1 is not None and report.entity_f1 >= 90.0


@pytest.mark.slow
def test_english_model_meets_role_targets_on_the_role_test_set(english: Interpreter) -> None:
    """data/nlu_test/en_roles.yml is never trained on: F1 >= 90 for every role."""
    from nlu.evaluate import NO_ROLE, evaluate, load_examples, predict

    examples = load_examples(EN_DATA.parent.parent / "nlu_test" / "en_roles.yml")
    report = evaluate(examples, predict(english, examples), threshold=0.3)
    roles = {"owner", "subsidiary", "investor", "target", "partner", "provider"}
    assert roles <= set(report.roles)
    assert sum(report.roles[role].support for role in roles) >= 150
    low = {r: round(s.f1, 1) for r, s in report.roles.items() if r != NO_ROLE and s.f1 < 90.0}
    assert not low, low
    assert report.roles[NO_ROLE].f1 >= 90.0


@pytest.mark.slow
def test_english_model_gives_roles_in_the_parse(english: Interpreter) -> None:
    parsed = english.parse("our parent company has 2000 employees, we have 14")
    headcounts = [e for e in parsed["entities"] if e["entity"] == "headcount"]
    assert headcounts and headcounts[0]["role"] == "owner"
    assert all("role" not in e for e in parsed["entities"] if e["start"] > 38)
