"""Which real national schemes fit a company, by their own basic conditions.

Each scheme in data/vouchers/national/ lists its conditions (size class, age, sector
exclusions, region) as rules of the same engine as the demo scheme, so a firm founded in 2014
is not pointed to a scheme for companies under five years old, nor a company that is not an
SME to an SME scheme. A condition that cannot be decided from what is known does not exclude.
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.eligibility.company import CompanyProfile
from actions.eligibility.engine import RuleResult, check_conditions
from actions.eligibility.scheme import NationalScheme, Scheme, load_national_schemes, pick


@dataclass(frozen=True)
class NationalFit:
    """A national scheme, its conditions' results, and why it fits or not in a few words."""

    scheme: NationalScheme
    results: tuple[RuleResult, ...]
    why: str

    @property
    def fits(self) -> bool:
        """No basic condition fails."""
        return all(r.status != "fail" for r in self.results)


def national_fits(profile: CompanyProfile, scheme: Scheme, language: str) -> list[NationalFit]:
    """Every national scheme of the company's country with its conditions checked.

    `why` names the failed conditions when a scheme does not fit; otherwise the passed and
    undecided ones, or whom the scheme is open to when it has no condition to check.
    """
    if not profile.country:
        return []
    fits = []
    for national in load_national_schemes(scheme.data_dir / "vouchers", profile.country):
        results = check_conditions(profile, national.conditions, scheme, language=language)
        failed = [r.reason for r in results if r.status == "fail"]
        reasons = failed or [r.reason for r in results]
        if not reasons and national.open_to:
            reasons = [pick(national.open_to, language)]
        fits.append(NationalFit(national, results, "; ".join(reasons)))
    return fits
