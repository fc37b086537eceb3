"""Voucher eligibility: schemes as data (data/vouchers/), a pure rules engine, and its action.

The engine has no rasa-sdk import, so the HTTP API and the tests use it directly::

    scheme = load_scheme(vouchers_dir())
    result = evaluate(CompanyProfile.from_mapping({"employees": 12, ...}), scheme)
"""

from __future__ import annotations

from pathlib import Path

from actions.eligibility.company import CompanyProfile, Enterprise
from actions.eligibility.engine import (
    EligibilityResult,
    RuleResult,
    Verdict,
    evaluate,
    voucher_amount,
)
from actions.eligibility.iso3166 import normalise_country
from actions.eligibility.nace import NACE_PATTERN, normalise_nace
from actions.eligibility.scheme import (
    NationalScheme,
    Scheme,
    SchemeError,
    load_national_schemes,
    load_scheme,
    pick,
)
from actions.eligibility.sme import SmeAssessment, assess_sme


def vouchers_dir() -> Path:
    """The configured data/vouchers/ directory."""
    from actions import store

    return store.data_dir() / "vouchers"


__all__ = [
    "NACE_PATTERN",
    "CompanyProfile",
    "EligibilityResult",
    "Enterprise",
    "NationalScheme",
    "RuleResult",
    "Scheme",
    "SchemeError",
    "SmeAssessment",
    "Verdict",
    "assess_sme",
    "evaluate",
    "load_national_schemes",
    "load_scheme",
    "normalise_country",
    "normalise_nace",
    "pick",
    "voucher_amount",
    "vouchers_dir",
]
