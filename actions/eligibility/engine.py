"""The eligibility engine: a company profile against a scheme, rule by rule, with reasons.

Pure Python (no rasa-sdk), so the dialogue action, the HTTP API and the tests share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from actions.eligibility.company import CompanyProfile
from actions.eligibility.naming import Names
from actions.eligibility.rules import CHECKS, Context, Outcome
from actions.eligibility.scheme import RuleKind, RuleSpec, Scheme, SchemeError, pick
from actions.eligibility.sme import SmeAssessment, Status, assess_sme

Verdict = Literal["eligible", "not_eligible", "needs_info"]
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule, with a plain-language reason naming the figures used."""

    id: str
    kind: RuleKind
    title: str
    status: Status
    reason: str


@dataclass(frozen=True)
class EligibilityResult:
    """The verdict, every rule's result, the size class, the voucher and what is missing."""

    scheme: str
    scheme_name: str
    demo: bool
    verdict: Verdict
    sme_category: str | None
    size_class: str  # in words, never blank: "small enterprise", "not an SME", "not known yet"
    voucher_eur: Decimal | None  # the project's voucher; the dialogue says it only if eligible
    rules: tuple[RuleResult, ...]
    missing: tuple[str, ...]

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        """The rules that failed, in rule order."""
        return tuple(r for r in self.rules if r.status == "fail")

    @property
    def passed_checks(self) -> tuple[RuleResult, ...]:
        """The rules decided from the facts (kind ``check``) that passed, in rule order."""
        return tuple(r for r in self.rules if r.status == "pass" and r.kind == "check")

    @property
    def unknown(self) -> tuple[RuleResult, ...]:
        """The rules that need more facts, in rule order."""
        return tuple(r for r in self.rules if r.status == "unknown")


def voucher_for_cost(cost: Decimal, scheme: Scheme) -> Decimal:
    """min(cap, rate x cost), to the cent (V14), whatever the project size."""
    params = scheme.rule("V14").params
    rate = Decimal(str(params["rate_pct"])) / 100
    cap = Decimal(str(params["max_voucher_eur"]))
    return min(cap, (cost * rate).quantize(CENT, rounding=ROUND_HALF_UP))


def voucher_amount(cost: Decimal | None, scheme: Scheme) -> Decimal | None:
    """The voucher the project would get: None when the cost is unknown or below the minimum."""
    if cost is None or cost < Decimal(str(scheme.rule("V13").params["min_project_eur"])):
        return None
    return voucher_for_cost(cost, scheme)


def _default_outcome(kind: RuleKind) -> Outcome:
    return Outcome("pass", "declare" if kind == "declaration" else "note")


def _run_rules(
    profile: CompanyProfile,
    rules: Sequence[RuleSpec],
    scheme: Scheme,
    sme: SmeAssessment,
    voucher: Decimal | None,
    language: str,
    today: date | None = None,
) -> tuple[list[RuleResult], dict[str, None]]:
    """Each rule's result and the facts that would settle the unknown ones.

    The one place rules are decided: the demo scheme and the national schemes' conditions
    both come through here, with the SME test and names of the demo scheme's data.
    """
    by_id = {spec.id: spec for spec in rules}
    size_class = scheme.size_class(sme.category, sme.status == "pass", language)
    names = Names(scheme.data_dir)
    results: list[RuleResult] = []
    missing: dict[str, None] = {}
    for spec in rules:
        check = CHECKS.get(spec.check) if spec.check else None
        if check is None and spec.kind == "check":
            raise SchemeError(f"rule {spec.id} is a check but names no check of the engine")
        ctx = Context(
            profile, by_id, spec, sme, voucher, language, scheme.unknown_value, names, size_class,
            today or date.today(),
        )  # fmt: skip
        outcome = check(ctx) if check else _default_outcome(spec.kind)
        template = spec.reasons.get(outcome.key)
        if template is None:
            raise SchemeError(f"rule {spec.id} has no reason text {outcome.key!r}")
        reason = " ".join(pick(template, language).format(**outcome.values).split())
        results.append(
            RuleResult(spec.id, spec.kind, pick(spec.title, language), outcome.status, reason)
        )
        missing.update(dict.fromkeys(outcome.missing))
    return results, missing


def evaluate(
    profile: CompanyProfile, scheme: Scheme, *, language: str = "en", today: date | None = None
) -> EligibilityResult:
    """Check `profile` against every rule of `scheme`.

    Months of operation from a founding date are counted to `today` (the current date
    unless given).

    Any failed rule makes the verdict ``not_eligible``; otherwise any unknown rule makes it
    ``needs_info``; otherwise ``eligible``. `missing` lists the profile fields that would
    settle the unknown rules (partner figures as ``partner_enterprises.<i>.<field>``).

    Raises:
        SchemeError: a rule of kind ``check`` names no check of the engine, or a reason is
            missing.
    """
    sme = assess_sme(profile, scheme.sme, language)
    cost = profile.eligible_cost_eur
    hypothetical = voucher_for_cost(cost, scheme) if cost is not None else None
    results, missing = _run_rules(profile, scheme.rules, scheme, sme, hypothetical, language, today)
    statuses = {r.status for r in results}
    verdict: Verdict = (
        "not_eligible"
        if "fail" in statuses
        else "needs_info"
        if "unknown" in statuses
        else "eligible"
    )
    return EligibilityResult(
        scheme=scheme.id,
        scheme_name=pick(scheme.name, language),
        demo=scheme.demo,
        verdict=verdict,
        sme_category=sme.category,
        size_class=scheme.size_class(sme.category, sme.status == "pass", language),
        voucher_eur=voucher_amount(cost, scheme),
        rules=tuple(results),
        missing=tuple(missing),
    )


def check_conditions(
    profile: CompanyProfile,
    conditions: Sequence[RuleSpec],
    scheme: Scheme,
    *,
    language: str = "en",
    today: date | None = None,
) -> tuple[RuleResult, ...]:
    """A national scheme's basic conditions against `profile`, by the engine's own checks.

    `scheme` lends the SME definition, the "not known" text and the names; a condition that
    cannot be decided from the known facts is ``unknown``, not failed.
    """
    sme = assess_sme(profile, scheme.sme, language)
    results, _ = _run_rules(profile, conditions, scheme, sme, None, language, today)
    return tuple(results)
