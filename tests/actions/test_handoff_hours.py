"""Staffed hours: open or not at a fixed moment, and the next opening, in the schedule's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.handoff_hours import parse_schedule

SCHEDULE = parse_schedule(
    {
        "time_zone": "Europe/Helsinki",
        "weekly": {"mon": ["09:00-12:00", "13:00-16:00"], "fri": ["09:00-15:00"]},
    }
)


@pytest.mark.parametrize(
    ("utc", "staffed"),
    [
        (datetime(2025, 3, 10, 7, 0, tzinfo=UTC), True),  # Monday 09:00 in Helsinki
        (datetime(2025, 3, 10, 10, 30, tzinfo=UTC), False),  # Monday 12:30: lunch
        (datetime(2025, 3, 10, 14, 0, tzinfo=UTC), False),  # Monday 16:00: closed
        (datetime(2025, 3, 11, 8, 0, tzinfo=UTC), False),  # Tuesday: not listed
    ],
)
def test_is_open_in_the_schedules_time_zone(utc: datetime, staffed: bool) -> None:
    assert SCHEDULE.is_open(utc) is staffed


def test_next_opening_is_the_next_period_start() -> None:
    lunch = datetime(2025, 3, 10, 10, 30, tzinfo=UTC)
    assert SCHEDULE.next_opening(lunch) == datetime(2025, 3, 10, 11, 0, tzinfo=UTC)
    tuesday = datetime(2025, 3, 11, 8, 0, tzinfo=UTC)
    assert SCHEDULE.next_opening(tuesday) == datetime(2025, 3, 14, 7, 0, tzinfo=UTC)


def test_without_weekly_it_is_always_staffed_and_bad_periods_are_refused() -> None:
    always = parse_schedule({"time_zone": "UTC"})
    assert always.is_open(datetime(2025, 3, 9, 3, 0, tzinfo=UTC))
    assert always.next_opening(datetime(2025, 3, 9, 3, 0, tzinfo=UTC)) is None
    with pytest.raises(ValueError, match="weekday"):
        parse_schedule({"weekly": {"monday": ["09:00-10:00"]}})
    with pytest.raises(ValueError, match="end after"):
        parse_schedule({"weekly": {"mon": ["12:00-09:00"]}})
