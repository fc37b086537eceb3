"""Typed conversations about the facts the voucher check asks precisely: the founding month and
this scheme's vouchers.

Months of operation are counted from the founding month (V3: at least 6), so the dates in these
conversations are written relative to today: a founding year alone that leaves the 6 months
open, a month that settles it, a start-up a few months old. They are built here rather than in
data/*.yml for that reason, and played like those (README.md beside this file).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

import pytest
from conversation_player import Conversation
from test_conversations import Play, conversation_dir, play  # noqa: F401  (fixtures that play)

from actions.eligibility.founding import months_since

TODAY = date.today()
MIN_MONTHS = 6  # V3 in data/vouchers/bsr_demo.yml


def _month_name(month: int) -> str:
    return calendar.month_name[month]


def _straddling_year() -> int | None:
    """A founding year whose months, from December to January, straddle 6 months; none in June."""
    for year in (TODAY.year, TODAY.year - 1):
        if months_since(year, 12, TODAY) < MIN_MONTHS <= months_since(year, 1, TODAY):
            return year
    return None


def _back(months: int) -> tuple[int, int]:
    """The year and month `months` calendar months before this one."""
    index = TODAY.year * 12 + TODAY.month - 1 - months
    return index // 12, index % 12 + 1


def _service_turns(vouchers_answer: str) -> list[dict[str, Any]]:
    """The voucher questions as a busy owner answers them, each only if asked."""
    return [
        {
            "user": "about 6000 euros for shelf life testing at a finnish research institute,"
            " no ties to them, not in difficulty, no tax arrears, we have a business plan",
            "bot_never": ["utter_default", "utter_ask_eligible_cost_eur"],
        },
        {"if_asked": "utter_ask_service_type", "user": "testing our packaging"},
        {"if_asked": "utter_ask_provider_type", "user": "research institute"},
        {"if_asked": "utter_ask_provider_country", "user": "finland"},
        {"if_asked": "utter_ask_related_to_provider", "user": "no"},
        {
            "if_asked": "utter_ask_vouchers_last_12_months",
            "user": vouchers_answer,
            "slots": {"vouchers_last_12_months": 0},
        },
    ]


def _profile_turns(first: str) -> list[dict[str, Any]]:
    """An Estonian fish processor's profile, typed; `first` carries the founding date."""
    return [
        {"user": "hi, can we get an innovation voucher?"},
        {"user": first, "bot_never": ["utter_default", "utter_ask_sector"]},
        {"if_asked": "utter_ask_year_founded", "user": "2019"},
        {"if_asked": "utter_ask_offer_description", "user": "smoked sprats for retail chains"},
        {
            "if_asked": "utter_ask_need_description",
            "user": "shelf life tests of a new oxygen-free packaging",
        },
        {"if_asked": "utter_ask_partner_type", "user": "a research instute"},
        {"if_asked": "utter_ask_target_countries", "user": "finland"},
        {"if_asked": "utter_ask_de_minimis_received_eur", "user": "nothing so far"},
        {"if_asked": "$profile_summary", "user": "yes looks right"},
    ]


FISH = (
    "We're Saarte Kala OÜ from Tallinn Estonia, 12 people, we do seafood processing, turnover"
    " 1.1 million eur, balance sheet 600k, {founded}, no owners besides us"
)


def _founding_month_asked() -> Conversation | None:
    year = _straddling_year()
    if year is None:
        return None
    old_enough = next(m for m in range(12, 0, -1) if months_since(year, m, TODAY) >= MIN_MONTHS)
    wrong_first = min(old_enough + 1, 12)
    answer = f"{_month_name(wrong_first)}, no wait, {_month_name(old_enough).lower()}"
    turns = [
        *_profile_turns(FISH.format(founded=f"founded in {year}")),
        *_service_turns("we got a national voucher from EAS in spring but none from this scheme"),
        {
            "if_asked": "utter_ask_month_founded",
            "user": answer,
            "slots": {"month_founded": old_enough, "year_founded": year},
        },
        {"if_asked": "utter_ask_has_business_plan", "user": "yes"},
        {"if_asked": "utter_ask_in_difficulty", "user": "no"},
        {"if_asked": "utter_ask_tax_arrears", "user": "no"},
    ]
    return Conversation(
        name="ee_fish_processor_founding_month_asked_once",
        source=__file__,
        description="Only the year is known and the 6 months depend on the month: asked once, "
        "answered with a change of mind; a national voucher is not counted.",
        turns=turns,
        said_at_least={"utter_ask_month_founded": 1, "$voucher_eligible": 1},
        said_at_most={"utter_ask_month_founded": 1, "$voucher_not_eligible": 0},
        slots={"vouchers_last_12_months": 0, "month_founded": old_enough},
    )


def _founding_month_given() -> Conversation:
    year, month = _back(14)
    founded = f"since {month:02d}/{year}"
    turns = [
        *_profile_turns(FISH.format(founded=founded)),
        *_service_turns("zero from this one, we only had a vinnova cheque once"),
        {"if_asked": "utter_ask_has_business_plan", "user": "yes"},
        {"if_asked": "utter_ask_in_difficulty", "user": "no"},
        {"if_asked": "utter_ask_tax_arrears", "user": "no"},
    ]
    return Conversation(
        name="ee_fish_processor_founding_month_given",
        source=__file__,
        description="The month given with the year ('since 03/2025') is kept; nothing more is "
        "asked about it.",
        turns=turns,
        said_at_least={"$voucher_eligible": 1},
        said_at_most={"utter_ask_month_founded": 0},
        slots={"year_founded": year, "month_founded": month},
    )


def _too_young() -> Conversation:
    year, month = _back(4)
    founded = f"founded in {_month_name(month)} {year}"
    turns = [
        *_profile_turns(FISH.format(founded=founded)),
        *_service_turns("none"),
        {"if_asked": "utter_ask_has_business_plan", "user": "yes we do"},
        {"if_asked": "utter_ask_in_difficulty", "user": "no"},
        {"if_asked": "utter_ask_tax_arrears", "user": "no"},
    ]
    return Conversation(
        name="ee_fish_processor_four_months_old",
        source=__file__,
        description="Founded four months ago ('founded in <month> <year>'): counted from the "
        "month, not from 1 January, so too young for V3.",
        turns=turns,
        said_at_least={"$voucher_not_eligible": 1},
        said_at_most={"utter_ask_month_founded": 0, "$voucher_eligible": 0},
        slots={"year_founded": year, "month_founded": month},
    )


CONVERSATIONS = [
    c for c in (_founding_month_asked(), _founding_month_given(), _too_young()) if c is not None
]


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS])
async def test_voucher_facts_conversation(conversation: Conversation, play: Play) -> None:  # noqa: F811
    result = await play(conversation)
    assert not result.failures, result.transcript()


def test_voucher_facts_users_type_every_answer() -> None:
    assert all(not str(t["user"]).lstrip().startswith("/") for c in CONVERSATIONS for t in c.turns)
