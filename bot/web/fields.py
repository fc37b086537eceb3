"""Field types shared by the JSON APIs, each refusing bad input with a reason."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from actions.eligibility import normalise_country


def storable(value: str) -> str:
    """Refuse lone surrogates: they cannot be encoded, so they could not be answered."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains a lone surrogate (invalid Unicode)") from None
    return value


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code the assistant knows, upper case."""
    code = normalise_country(value)
    if code is None:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code, such as FI or EE")
    return code


Country = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(country_code)]
