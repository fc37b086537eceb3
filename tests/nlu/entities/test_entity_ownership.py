"""Ownership links typed in words: the `ownership` entity the profile's buttons also send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Extract = Callable[[str], list[dict[str, Any]]]


def _ownership(extract: Extract, text: str) -> list[Any]:
    return [e["value"] for e in extract(text) if e["entity"] == "ownership"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12 people, no owners besides us founders. we want a voucher", "none"),
        ("nobody else owns us", "none"),
        ("no, the two founders own all of it", "none"),
        ("no, we own it ourselves", "none"),
        ("ok then no, only us three founders", "none"),
        ("no parent company, founded 2016", "none"),
        ("yes, 25 to 50 %", "partner"),
        ("yes more than 50%, we are owned by Fjordteknikk ASA", "linked"),
    ],
)
def test_ownership_in_words(extract: Extract, text: str, value: str) -> None:
    assert _ownership(extract, text) == [value]


@pytest.mark.parametrize("text", ["Alfa AB owns 60% of us", "we have 40 employees"])
def test_ownership_needs_a_statement_about_links(extract: Extract, text: str) -> None:
    assert _ownership(extract, text) == []


def test_ownership_is_never_another_organisations_fact(extract: Extract) -> None:
    (entity,) = [e for e in extract("nobody else owns us") if e["entity"] == "ownership"]
    assert "role" not in entity
