"""Typed answers to buttons: the matching table over the real domain's buttons and words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.dialogue.agent import Agent
from bot.dialogue.choices import (
    EMPTY,
    ChoiceReader,
    Vocabulary,
    load_choices,
    match_choice,
    offered_buttons,
)
from bot.dialogue.domain import Domain, load_domain
from bot.dialogue.errors import DataError
from bot.dialogue.messages import Button, UserMessage
from bot.dialogue.tracker import DialogueTracker, bot_event, slot_event, user_event

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return load_domain(DATA / "domain")


@pytest.fixture(scope="module")
def english() -> Vocabulary:
    return load_choices(DATA)["en"]


def _buttons(domain: Domain, response: str) -> list[Button]:
    """The buttons of the response's first English variation that has any (one without a
    `language` condition: other languages add their own variations)."""
    shown = next(
        v["buttons"]
        for v in domain.responses[response]
        if v.get("buttons")
        and not any(c.get("name") == "language" for c in v.get("condition") or [])
    )
    return [Button(b["title"], b["payload"]) for b in shown]


PROVIDER = '/inform{"provider_type": "%s"}'
SERVICE = '/inform{"service_type": "%s"}'
OWNERSHIP = '/inform{"ownership": "%s"}'

# (response whose buttons are on screen, typed text, payload or None for "ask the NLU")
TABLE = [
    # exact titles, any case, punctuation, accents
    ("utter_ask_provider_type", "A research institute", PROVIDER % "rto"),
    ("utter_ask_provider_type", "a research institute.", PROVIDER % "rto"),
    ("utter_ask_service_type", "Consulting or marketing", SERVICE % "routine_consulting"),
    ("utter_ask_ownership_links", "Yes, 25 to 50 %", OWNERSHIP % "partner"),
    ("utter_ask_ownership_links", "YES, MORE THAN 50 %", OWNERSHIP % "linked"),
    ("utter_ask_country", "Finland", '/inform{"country": "FI"}'),
    # part of a title, typos, filler
    ("utter_ask_service_type", "feasibility study", SERVICE % "feasibility_study"),
    ("utter_ask_service_type", "I think a feasability study", SERVICE % "feasibility_study"),
    ("utter_ask_service_type", "consulting pls", SERVICE % "routine_consulting"),
    ("utter_ask_provider_type", "research institue", PROVIDER % "rto"),
    ("utter_ask_provider_type", "hmm probably the universty", PROVIDER % "university"),
    ("utter_ask_country", "finnland", '/inform{"country": "FI"}'),
    ("utter_greet", "find partners", "/find_partners"),
    # synonyms from data
    ("utter_ask_provider_type", "RTO", PROVIDER % "rto"),
    ("utter_ask_provider_type", "a research centre", PROVIDER % "rto"),
    ("utter_ask_provider_type", "patent attorney", PROVIDER % "ip_expert"),
    ("utter_ask_provider_type", "none of these", PROVIDER % "other"),
    ("utter_ask_service_type", "patent search", SERVICE % "ip_search"),
    ("utter_ask_service_type", "testing a prototype", SERVICE % "testing_validation"),
    ("utter_ask_service_type", "lab or test bed access", SERVICE % "lab_access"),
    ("utter_ask_partner_type", "a test lab", '/inform{"partner_type": "test_facility"}'),
    ("utter_ask_linked_balance_sheet_eur", "not sure, skip that", "/skip"),
    ("utter_ask_has_business_plan", "we do", "/affirm"),
    ("utter_ask_in_difficulty", "no way", "/deny"),
    ("utter_ask_related_to_provider", "nah", "/deny"),
    ("utter_ask_partner_type", "another SME", '/inform{"partner_type": "sme"}'),
    # yes and no
    ("utter_ask_ownership_links", "no, we are independent", OWNERSHIP % "none"),
    ("utter_ask_ownership_links", "No", OWNERSHIP % "none"),
    ("utter_ask_ownership_links", "nope", OWNERSHIP % "none"),
    ("utter_ask_ownership_links", "nobody", OWNERSHIP % "none"),
    ("utter_ask_ownership_links", "we're independent", OWNERSHIP % "none"),
    ("utter_ask_ownership_links", "yes, more than half", OWNERSHIP % "linked"),
    ("utter_ask_ownership_links", "yes, a minority share", OWNERSHIP % "partner"),
    ("utter_ask_ownership_links", "25-50%", OWNERSHIP % "partner"),
    ("utter_profile_summary", "yes", "/affirm"),
    ("utter_profile_summary", "yep", "/affirm"),
    ("utter_profile_summary", "yse", "/affirm"),
    ("utter_profile_summary", "Yesss!", "/affirm"),
    ("utter_profile_summary", "of course", "/affirm"),
    ("utter_profile_summary", "that’s right", "/affirm"),
    ("utter_profile_summary", "correct", "/affirm"),
    ("utter_profile_summary", "no", "/deny"),
    ("utter_profile_summary", "not really", "/deny"),
    ("utter_ask_intro_consent", "sure, go ahead", "/affirm"),
    ("utter_ask_intro_consent", "no thanks", "/deny"),
    ("utter_ask_listing_consent", "ok yes", "/affirm"),
    ("utter_ask_vouchers_last_12_months", "none", "/deny"),
    ("utter_ask_de_minimis_received_eur", "None", "/deny"),
    ("utter_ask_de_minimis_received_eur", "no", "/deny"),
    # skip and don't know
    ("utter_ask_de_minimis_received_eur", "skip", "/skip"),
    ("utter_ask_de_minimis_received_eur", "I don't know", "/skip"),
    ("utter_ask_de_minimis_received_eur", "dunno", "/skip"),
    ("utter_ask_region", "skip it", "/skip"),
    ("utter_ask_region", "Skip this question", "/skip"),
    # numbers: the list item asked about, else the nth button
    ("utter_partner_next_step", "2", '/request_introduction{"number": "2"}'),
    ("utter_partner_next_step", "#3", '/request_introduction{"number": "3"}'),
    ("utter_partner_next_step", "nr 2", '/request_introduction{"number": "2"}'),
    ("utter_partner_next_step", "the second one", '/request_introduction{"number": "2"}'),
    ("utter_partner_next_step", "3rd", '/request_introduction{"number": "3"}'),
    ("utter_partner_next_step", "show more", "/show_more"),
    ("utter_ask_provider_type", "2", PROVIDER % "rto"),
    ("utter_ask_provider_type", "the first one", PROVIDER % "university"),
    ("utter_ask_ownership_links", "1", OWNERSHIP % "none"),
    # not a choice: the NLU decides
    ("utter_ask_de_minimis_received_eur", "what is de minimis?", None),
    ("utter_ask_de_minimis_received_eur", "no?", None),
    ("utter_ask_de_minimis_received_eur", "EUR 20,000", None),
    ("utter_ask_ownership_links", "yes", None),  # two buttons say yes
    ("utter_ask_ownership_links", "yes, 30 %", None),
    ("utter_ask_ownership_links", "I don't know", None),
    ("utter_ask_ownership_links", "why do you ask", None),
    ("utter_ask_provider_type", "what is an RTO?", None),
    ("utter_ask_provider_type", "a university in Sweden", None),  # several facts
    ("utter_ask_provider_type", "a university or a research institute", None),
    ("utter_ask_provider_type", "not a university", None),
    ("utter_ask_provider_type", "no", None),
    ("utter_ask_provider_type", "8", None),  # no eighth button
    ("utter_ask_provider_type", "ok", None),  # filler only
    ("utter_ask_service_type", "technical", None),  # in two titles
    ("utter_ask_service_type", "test", None),
    ("utter_ask_service_type", "show me the menu", None),  # a request for something else
    ("utter_ask_service_type", "testing our grippers", None),  # a description: the NLU's job
    ("utter_ask_target_countries", "germany, denmark", None),  # an answer, not the Skip button
    ("utter_profile_summary", "no, the turnover is wrong", None),
    ("utter_profile_summary", "yes and no", None),
    ("utter_partner_next_step", "introduce me to number 2", None),
    ("utter_partner_next_step", "2 people", None),
    ("utter_partner_next_step", "0", None),
    ("utter_ask_country", "Tampere, Finland", None),
    ("utter_ask_region", "Skåne", None),
    ("utter_ask_region", "stop", None),
]


@pytest.mark.parametrize(("response", "text", "expected"), TABLE)
def test_match_choice_table(
    domain: Domain, english: Vocabulary, response: str, text: str, expected: str | None
) -> None:
    chosen = match_choice(text, _buttons(domain, response), english, domain=domain)
    assert chosen == expected


@pytest.mark.parametrize("text", ["1", "one", "2", "the first one", "0"])
def test_number_answers_a_quantity_question(domain: Domain, english: Vocabulary, text: str) -> None:
    buttons = _buttons(domain, "utter_ask_vouchers_last_12_months")  # [None]
    assert match_choice(text, buttons, english, domain=domain, numbers_answer=True) is None
    assert match_choice("none", buttons, english, domain=domain, numbers_answer=True) == "/deny"


def test_language_without_vocabulary_matches_titles_and_numbers_only(domain: Domain) -> None:
    buttons = [Button("Ja", "/affirm"), Button("Nein", "/deny")]
    assert match_choice("ja", buttons, EMPTY, domain=domain) == "/affirm"
    assert match_choice("2", buttons, EMPTY, domain=domain) == "/deny"
    assert match_choice("yes", buttons, EMPTY, domain=domain) is None  # no English assumed


def test_title_starting_with_yes_needs_the_rest_to_fit(domain: Domain, english: Vocabulary) -> None:
    buttons = [Button("Yes, delete my data", "/affirm"), Button("No, keep it", "/deny")]
    assert match_choice("yes, delete everything", buttons, english, domain=domain) is None
    assert match_choice("yes, delete my data", buttons, english, domain=domain) == "/affirm"
    assert match_choice("nope, keep it", buttons, english, domain=domain) == "/deny"


def test_payload_the_engine_would_reject_is_never_chosen(
    domain: Domain, english: Vocabulary
) -> None:
    buttons = [Button("Yes, go on", "#channel_command"), Button("No", "/deny")]
    assert match_choice("1", buttons, english, domain=domain) is None
    assert match_choice("yes, go on", buttons, english, domain=domain) is None
    assert match_choice("2", buttons, english, domain=domain) == "/deny"
    assert match_choice("no", buttons, english, domain=domain) == "/deny"


def _bot(text: str, *buttons: tuple[str, str]) -> dict[str, Any]:
    return bot_event(
        {"text": text, "buttons": [{"title": t, "payload": p} for t, p in buttons]}, None
    )


def _user(text: str) -> dict[str, Any]:
    return user_event(
        text, {"intent": {"name": "greet"}}, channel="rest", message_id=None, metadata={}
    )


def test_offered_buttons_are_those_since_the_user_last_spoke() -> None:
    events = [
        _bot("Old question", ("Old", "/old")),
        _user("hi"),
        _bot("List"),
        _bot("Next?", ("More", "/show_more")),
        _bot("Or", ("Menu", "/show_menu")),
    ]
    assert offered_buttons(events) == [Button("More", "/show_more"), Button("Menu", "/show_menu")]
    assert offered_buttons([*events, _user("more")]) == []


def test_reader_uses_the_conversation_language_and_skips_reverted_messages(
    domain: Domain,
) -> None:
    reader = ChoiceReader.load(DATA)
    events = [
        _bot("Is that right?", ("Yes, that's right", "/affirm"), ("No, change something", "/deny")),
        _user("blah"),
        _bot("Sorry, I didn't get that."),
        {"event": "rewind", "timestamp": 0},
    ]
    tracker = DialogueTracker("s", domain, list(events))
    parse = reader.parse("yep", tracker, "en")
    assert parse is not None and parse["intent"]["name"] == "affirm"
    tracker.append(slot_event("language", "xx"))  # a language without words in data
    assert reader.parse("yep", tracker, "en") is None
    assert reader.parse("Yes, that's right", tracker, "en") is not None


def test_load_choices_rejects_unquoted_yes(tmp_path: Path) -> None:
    (tmp_path / "dialogue").mkdir()
    (tmp_path / "dialogue" / "choices_en.yml").write_text("en:\n  yes: [yes, yep]\n")
    with pytest.raises(DataError, match="choices_en.yml"):
        load_choices(tmp_path)


def test_every_language_file_loads_with_words(english: Vocabulary) -> None:
    assert english.table and english.number_words["second"] == 2
    assert ("provider_type", "rto") in english.values


# --- through the real agent ----------------------------------------------------------------

ONE_SENTENCE = (
    "We're a 35-person food-tech company in Turku with about 4 million euros turnover, "
    "looking for a Swedish university to test our fermentation process"
)


async def _say(agent: Agent, text: str, sender: str) -> list[str]:
    replies = await agent.handle(UserMessage(sender_id=sender, text=text))
    return [r.text or "" for r in replies]


async def _state(agent: Agent, sender: str) -> dict[str, Any]:
    state = await agent.tracker_state(sender)
    assert state is not None
    return state


async def _to_ownership_question(agent: Agent, sender: str) -> None:
    for text in ["/check_voucher", ONE_SENTENCE, "Nordic Fermentation Oy", "skip"]:
        await _say(agent, text, sender)
    assert (await _state(agent, sender))["slots"]["requested_slot"] == "ownership_links"


async def test_typed_labels_and_synonyms_fill_the_slots(agent: Agent) -> None:
    await _to_ownership_question(agent, "c1")
    await _say(agent, "no, we are independent", "c1")
    assert (await _state(agent, "c1"))["slots"]["ownership_links"] == "none"
    for text in ["2019", "/skip", "/deny"]:
        await _say(agent, text, "c1")
    replies = await _say(agent, "yep", "c1")  # to "Is that right?" [Yes, that's right] [No, ...]
    assert any("profile is saved" in r for r in replies)
    await _say(agent, "EUR 8,000", "c1")
    await _say(agent, "feasability study pls", "c1")
    state = await _state(agent, "c1")
    assert state["slots"]["service_type"] == "feasibility_study"
    await _say(agent, "A research institute", "c1")
    state = await _state(agent, "c1")
    assert state["slots"]["provider_type"] == "rto"
    typed = [e for e in state["events"] if e["event"] == "user"][-1]
    assert typed["text"] == "A research institute"  # the typed text is kept ...
    assert typed["parse_data"]["intent"]["name"] == "inform"  # ... the parse is the button's
    assert typed["parse_data"]["entities"][0]["value"] == "rto"


async def test_number_picks_the_nth_button(agent: Agent) -> None:
    await _to_ownership_question(agent, "c2")
    await _say(agent, "nr 3", "c2")
    assert (await _state(agent, "c2"))["slots"]["ownership_links"] == "linked"


async def test_question_while_buttons_are_shown_is_not_a_choice(agent: Agent) -> None:
    await _to_ownership_question(agent, "c3")
    await _say(agent, "what is de minimis?", "c3")
    state = await _state(agent, "c3")
    assert state["slots"]["ownership_links"] is None
    assert state["latest_message"]["intent"]["name"] != "inform"
    assert state["slots"]["requested_slot"] == "ownership_links"  # asked again, buttons too
    await _say(agent, "nope", "c3")
    assert (await _state(agent, "c3"))["slots"]["ownership_links"] == "none"
