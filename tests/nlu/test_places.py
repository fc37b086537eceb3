"""Places without a trained model: the geo vocabulary finds countries and regions in any form."""

from __future__ import annotations

from nlu.places import places_in


def test_regions_carry_their_country_and_nuts_code() -> None:
    assert [(p.country, p.region) for p in places_in("which fields does Skane focus on")] == [
        ("SE", "SE224")
    ]
    assert [(p.country, p.region) for p in places_in("Trondheim area strengths")] == [
        ("NO", "NO060")
    ]


def test_countries_in_adjective_form_and_spans_point_into_the_text() -> None:
    text = "estonian voucher max amount?"
    (place,) = places_in(text)
    assert (place.country, place.region) == ("EE", None)
    assert text[place.start : place.end] == "estonian"


def test_text_without_places_has_none() -> None:
    assert places_in("how much can a voucher pay?") == []
    assert places_in("") == []
