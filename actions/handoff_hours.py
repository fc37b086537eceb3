"""Staffed hours: when a person answers in the chat, per organisation, in its time zone.

Pure logic (no rasa-sdk), so the console and tests share it. The schedules live in
`data/handoff/hours.yml`: a default, and one per partner organisation (the `organisation`
reference of the partner site a conversation came through).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nlu.yaml_reader import read_yaml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: How far ahead the next opening is looked for.
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class Schedule:
    """A weekly schedule in a time zone; `weekly` None means staffed at all times."""

    time_zone: ZoneInfo
    weekly: dict[int, tuple[tuple[time, time], ...]] | None

    def is_open(self, at: datetime) -> bool:
        """Whether someone is on duty at `at` (an aware datetime)."""
        if self.weekly is None:
            return True
        local = at.astimezone(self.time_zone)
        moment = local.time().replace(tzinfo=None)
        return any(start <= moment < end for start, end in self.weekly.get(local.weekday(), ()))

    def next_opening(self, at: datetime) -> datetime | None:
        """The next start of a staffed period after `at`, in the schedule's time zone (None
        when there is none within `LOOKAHEAD_DAYS`, or it is always staffed)."""
        if self.weekly is None:
            return None
        local = at.astimezone(self.time_zone)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = (local + timedelta(days=offset)).date()
            for start, _ in sorted(self.weekly.get(day.weekday(), ())):
                opening = datetime.combine(day, start, tzinfo=self.time_zone)
                if opening > local:
                    return opening
        return None


def _period(text: str) -> tuple[time, time]:
    start, _, end = str(text).partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def parse_schedule(entry: dict[str, Any]) -> Schedule:
    """A schedule from its YAML entry.

    Raises:
        ValueError: an unknown weekday, a period that is not "HH:MM-HH:MM" or ends before it
            starts, or an unknown time zone.
    """
    zone = ZoneInfo(str(entry.get("time_zone") or "UTC"))
    weekly_entry = entry.get("weekly")
    if weekly_entry is None:
        return Schedule(zone, None)
    weekly: dict[int, tuple[tuple[time, time], ...]] = {}
    for day, periods in (weekly_entry or {}).items():
        if day not in DAYS:
            raise ValueError(f"unknown weekday {day!r}: use one of {', '.join(DAYS)}")
        parsed = tuple(_period(p) for p in periods or ())
        if any(end <= start for start, end in parsed):
            raise ValueError(f"{day}: a period must end after it starts")
        weekly[DAYS.index(day)] = parsed
    return Schedule(zone, weekly)


@lru_cache(maxsize=4)
def _schedules(path: Path) -> tuple[Schedule, dict[str, Schedule]]:
    if not path.exists():
        return Schedule(ZoneInfo("UTC"), None), {}
    data = read_yaml(path) or {}
    default = parse_schedule(data.get("default") or {})
    own = {str(k): parse_schedule(v or {}) for k, v in (data.get("organisations") or {}).items()}
    return default, own


def schedule_for(data_dir: Path, organisation: str | None) -> Schedule:
    """The schedule of `organisation`, else the default one."""
    default, own = _schedules(data_dir / "handoff" / "hours.yml")
    return own.get(organisation or "", default)
