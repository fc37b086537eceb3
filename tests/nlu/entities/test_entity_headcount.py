"""Headcount: what SMEs type about their staff, normalised to an int."""

from __future__ import annotations

import pytest

from nlu.entities.headcount import find_headcounts


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("we have 35 employees", 35, "35 employees"),
        ("a team of twelve", 12, "team of twelve"),
        ("about 40 staff", 40, "about 40 staff"),
        ("we are 8 people", 8, "8 people"),
        ("a 35-person company", 35, "35-person"),
        ("35 person company", 35, "35 person"),
        ("15 FTE", 15, "15 FTE"),
        ("twenty-five employees", 25, "twenty-five employees"),
        ("one hundred and twenty people", 120, "one hundred and twenty people"),
        ("we employ 1,200 full-time employees", 1200, "1,200 full-time employees"),
        ("we employ 40", 40, "employ 40"),
        ("a 12-strong team", 12, "12-strong"),
        ("there are 4 of us", 4, "4 of us"),
        ("our headcount is 60", 60, "headcount is 60"),
    ],
)
def test_find_headcounts_normalises(text: str, value: int, raw: str) -> None:
    (entity,) = find_headcounts(text)
    assert entity["entity"] == "headcount"
    assert entity["value"] == value
    assert type(entity["value"]) is int
    assert entity["raw"] == raw
    assert text[entity["start"] : entity["end"]] == raw


def test_find_headcounts_range_gives_upper_bound() -> None:
    (entity,) = find_headcounts("10-20 employees")
    assert entity["value"] == 20
    assert entity["range"] == [10, 20]


def test_find_headcounts_qualifier_is_kept() -> None:
    (entity,) = find_headcounts("around 25 people")
    assert entity["qualifier"] == "around"


@pytest.mark.parametrize(
    "text",
    [
        "2.5 employees",
        "0 employees",
        "a team of 5 years",
        "EUR 35 million",
        "we are 35",
        "people are nice",
        "around 3000 people live there",  # a municipality's inhabitants
        "some 4,500 persons living in the parish",
        "",
    ],
)
def test_find_headcounts_ignores_non_headcounts(text: str) -> None:
    assert find_headcounts(text) == []


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("9 devs in oulu", 9, "9 devs"),
        ("we r 24 ppl", 24, "24 ppl"),
        ("12 developers", 12, "12 developers"),
        ("5 coders", 5, "5 coders"),
        ("about 30 folks", 30, "about 30 folks"),
        ("8 emplyees", 8, "8 emplyees"),
        ("40 anställda", 40, "40 anställda"),
        ("7 full time and 2 part time", 7, "7 full time"),
        ("they employ 120 people", 120, "120 people"),
    ],
)
def test_find_headcounts_reads_chat_nouns(text: str, value: int, raw: str) -> None:
    entity = find_headcounts(text)[0]
    assert (entity["value"], entity["raw"]) == (value, raw)


@pytest.mark.parametrize(
    "text",
    ["it took 2 full time months", "3 empties", "the 2 devices", "40 devs + 5 admin so 45"],
)
def test_find_headcounts_skips_lookalikes(text: str) -> None:
    assert find_headcounts(text) == []


def test_staff_words_and_number_words_of_the_region() -> None:
    from nlu.entities.headcount import find_headcounts

    found = {
        text: [(e["raw"], e["value"]) for e in find_headcounts(text)]
        for text in (
            "vi er tre mand i firmaet",
            "vi sysselsätter ungefär 90 personer",
            "turime 25 darbuotojus",
            "vi är tjugo personer",
            "we had to fire staff",
        )
    }
    assert found == {
        "vi er tre mand i firmaet": [("tre mand", 3)],
        "vi sysselsätter ungefär 90 personer": [("ungefär 90 personer", 90)],
        "turime 25 darbuotojus": [("25 darbuotojus", 25)],
        "vi är tjugo personer": [("tjugo personer", 20)],
        "we had to fire staff": [],  # "fire" (Danish four) is no number word
    }
