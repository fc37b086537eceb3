"""Typed numbers in form answers: the validators read them as the NLU's entities do."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.profile import ValidateProfileForm
from actions.voucher_form import ValidateVoucherForm
from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from nlu import parse_amount, parse_count


def _tracker(text: str, requested: str, form: str = "profile_form") -> Tracker:
    """The tracker an action server gets for `text` typed as the answer to `requested`."""
    return Tracker(
        sender_id="u1",
        slots={"requested_slot": requested},
        latest_message={"text": text, "intent": {"name": "inform"}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": form},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("4.500", 4_500),
        ("4.500.000", 4_500_000),
        ("1.200,50", 1_200.5),
        ("2.5", 2.5),
        ("1,200", 1_200),
        ("1,2", 1.2),
        ("2,5 mln", 2_500_000),
        ("3 milj.", 3_000_000),
        ("1.2 mio", 1_200_000),
        ("€ 800k", 800_000),
        ("about 4 million", 4_000_000),
        ("EUR 2 bn", 2_000_000_000),
        ("4 500 000", 4_500_000),
        ("4'500'000", 4_500_000),
        ("500\u00a0000", 500_000),
    ],
)
def test_validate_annual_turnover_reads_typed_amounts(typed: str, amount: float) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateProfileForm().validate_annual_turnover_eur(
        typed, dispatcher, _tracker(typed, "annual_turnover_eur"), {}
    )
    assert result == {"annual_turnover_eur": pytest.approx(amount)}
    assert result["annual_turnover_eur"] == pytest.approx(parse_amount(typed))
    assert dispatcher.messages == []


@pytest.mark.parametrize("typed", ["-4.500", "-2 mln", "no idea", "2 000 bn"])
def test_validate_annual_turnover_refuses_negative_absurd_and_missing(typed: str) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateProfileForm().validate_annual_turnover_eur(
        typed, dispatcher, _tracker(typed, "annual_turnover_eur"), {}
    )
    assert result == {"annual_turnover_eur": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_amount"]


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("40 devs + 5 admin so 45", 45),
        ("45 in total", 45),
        ("12-15 people", 15),
        ("1.200", 1_200),
        ("1 200", 1_200),
        ("4'500", 4_500),
        ("about twelve", 12),
    ],
)
def test_validate_employees_reads_typed_counts(typed: str, count: int) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateProfileForm().validate_employees(
        typed, dispatcher, _tracker(typed, "employees"), {}
    )
    assert result == {"employees": count} == {"employees": parse_count(typed)}


@pytest.mark.parametrize("typed", ["-5", "2,5", "0", "none of your business"])
def test_validate_employees_refuses_what_is_no_headcount(typed: str) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateProfileForm().validate_employees(
        typed, dispatcher, _tracker(typed, "employees"), {}
    )
    assert result == {"employees": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_employees"]


def test_voucher_form_reads_cost_and_count_by_the_same_rules() -> None:
    form, dispatcher = ValidateVoucherForm(), CollectingDispatcher()
    cost = form.validate_eligible_cost_eur(
        "8.000", dispatcher, _tracker("8.000", "eligible_cost_eur", "voucher_form"), {}
    )
    count = form.validate_vouchers_last_12_months(
        "1 + 1 so 2", dispatcher, _tracker("1 + 1 so 2", "vouchers_last_12_months"), {}
    )
    assert cost == {"eligible_cost_eur": 8_000}
    assert count == {"vouchers_last_12_months": 2}


# --- through the real agent: the NLU, the slot mappings and the form together ---

TO_EMPLOYEES = ["/check_voucher", "Baltic Bytes", "Finland", "Tampere", "software development"]


async def _slots_after(agent: Agent, sender: str, texts: list[str]) -> dict[str, Any]:
    for text in texts:
        await agent.handle(UserMessage(sender_id=sender, text=text))
    state = await agent.tracker_state(sender)
    assert state is not None
    return dict(state["slots"])


@pytest.mark.parametrize(
    ("headcount", "employees", "turnover", "amount"),
    [
        ("40 devs + 5 admin so 45", 45, "4.500", 4_500),
        ("1 200", 1_200, "4.500.000", 4_500_000),
        ("12-15", 15, "1.200,50", 1_200.5),
    ],
)
async def test_typed_answers_fill_the_profile_as_the_parser_reads_them(
    agent: Agent, headcount: str, employees: int, turnover: str, amount: float
) -> None:
    sender = f"n-{employees}"
    slots = await _slots_after(agent, sender, TO_EMPLOYEES)
    assert slots["requested_slot"] == "employees"
    slots = await _slots_after(agent, sender, [headcount])
    assert slots["employees"] == employees
    assert slots["requested_slot"] == "annual_turnover_eur"
    slots = await _slots_after(agent, sender, [turnover])
    assert slots["annual_turnover_eur"] == pytest.approx(amount)
