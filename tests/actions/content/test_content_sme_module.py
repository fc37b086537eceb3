"""The module on the SME definition and de minimis aid: the facts it teaches, its check, and
that questions about them find it."""

from __future__ import annotations

from actions.content import content_dir, index_for
from actions.content.modules import Module, load_modules


def _module() -> Module:
    [module] = [m for m in load_modules(content_dir("en")) if m.id == "sme_and_de_minimis"]
    return module


def _text() -> str:
    return "\n".join(step.text for step in _module().steps)


def test_sme_module_states_the_size_table_and_the_ownership_rules() -> None:
    text = _text()
    for fact in ("fewer than 10", "fewer than 50", "fewer than 250", "EUR 50 M", "EUR 43 M"):
        assert fact in text, fact
    for fact in ("Autonomous", "Partner enterprises", "Linked enterprises", "EUR 1,250,000"):
        assert fact in text, fact
    assert "under EUR 10 M and fewer than 5,000 inhabitants" in text
    assert "public bodies control 25 % or more" in text
    assert "two consecutive accounting periods" in text


def test_sme_module_states_the_current_de_minimis_rules() -> None:
    text = _text()
    assert "2023/2831" in text and "EUR 300,000" in text and "three years" in text
    assert "one Member State may grant a single undertaking" in text
    assert '"single undertaking"' in text and "parent and its subsidiaries" in text
    assert "1 January 2026" in text and "central register" in text


def test_sme_module_check_asks_about_an_investor_that_keeps_autonomy() -> None:
    check = _module().check
    assert check.answer == "b"
    assert "EUR 1,250,000" in check.choice_text("b")
    assert "(source: eur-lex.europa.eu" in check.explanation


def test_questions_about_sme_status_and_de_minimis_find_the_module() -> None:
    index = index_for(content_dir("en"))
    for question in (
        "what is de minimis aid?",
        "what are the SME size limits?",
        "how much de minimis aid can we get?",
        "does a venture capital investor make us a partner enterprise?",
        "what is a single undertaking?",
    ):
        hit = index.answer(question)
        assert hit is not None and hit.passage.module_id == "sme_and_de_minimis", question
