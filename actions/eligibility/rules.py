"""One check per demo rule: each reads the profile and returns a status, a reason key and figures.

The texts live in the scheme file; a check only chooses which reason applies and supplies the
figures for its placeholders. Declarations and procedures without a check of their own report
``pass`` with their ``declare`` or ``note`` text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from actions.eligibility.company import CompanyProfile
from actions.eligibility.founding import operating_months, shown
from actions.eligibility.nace import nace_contains, nace_matches, normalise_nace
from actions.eligibility.naming import Names
from actions.eligibility.scheme import RuleSpec, Texts, pick
from actions.eligibility.sme import SmeAssessment, Status
from actions.formatting import format_number

MONTHS_PER_YEAR = 12
SME_CLASSES = frozenset({"micro", "small", "medium"})


@dataclass(frozen=True)
class Context:
    """Everything a check may read: the profile, its rule among the others, names for codes."""

    profile: CompanyProfile
    rules: Mapping[str, RuleSpec]  # the rule set being evaluated, by id
    spec: RuleSpec
    sme: SmeAssessment
    voucher_eur: Decimal | None  # min(cap, rate x cost) whenever the cost is known
    language: str
    unknown_value: Texts
    names: Names
    size_class: str  # the company's size class in words ("small enterprise", "not known yet")
    today: date = field(default_factory=date.today)  # months of operation are counted to it

    def show(self, value: object) -> str:
        """A fact for a reason text; "not known" when missing."""
        if value is None:
            return pick(self.unknown_value, self.language)
        if isinstance(value, Decimal):
            return format_number(value, self.language)
        return str(value)

    def country(self, code: str | None) -> str:
        """A country by name for a reason text; "not known" when missing."""
        return self.names.country(code, self.language) if code else self.show(None)

    def label(self, table: str, key: str) -> str:
        """The display text of `key` in the rule's `table` param, or the key itself."""
        for name in (table, f"other_{table.removeprefix('eligible_')}"):
            texts = self.spec.params.get(name, {}).get(key)
            if texts:
                return pick(texts, self.language)
        return key


@dataclass(frozen=True)
class Outcome:
    """A check's result before its text is rendered."""

    status: Status
    key: str
    values: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()


Check = Callable[[Context], Outcome]


def check_sme(ctx: Context) -> Outcome:
    """V1: the SME test, already made in `ctx.sme`, with its notes said after the reason."""
    notes = " ".join(
        pick(ctx.spec.reasons[key], ctx.language).format(**values) for key, values in ctx.sme.notes
    )
    values = {**ctx.sme.values, "notes": notes}
    return Outcome(ctx.sme.status, ctx.sme.key, values, ctx.sme.missing)


def check_country(ctx: Context) -> Outcome:
    """V2: a scheme country; in Germany, one of the listed Länder."""
    countries = [str(c) for c in ctx.spec.params["countries"]]
    country = (ctx.profile.country or "").upper()
    region = ctx.profile.region
    values = {
        "country": ctx.country(country),
        "countries": ctx.names.countries(countries, ctx.language),
        "region": ctx.names.region(region, ctx.language) if region else ctx.show(None),
    }
    if not country:
        return Outcome("unknown", "unknown_country", values, ("country",))
    if country not in countries:
        return Outcome("fail", "outside", values)
    return _in_listed_region(ctx, country, region, values, fact="region", prefix="")


def _in_listed_region(
    ctx: Context,
    country: str,
    region: str | None,
    values: dict[str, str],
    *,
    fact: str,
    prefix: str,
) -> Outcome:
    """Pass when `country` lists no regions; else whether `region` is one of them.

    V2 (the applicant's region) and V9 (the provider's) read the same table; `fact` names the
    missing fact and the value the region's name goes to, `prefix` their reasons' keys.
    """
    regions: dict[str, dict[str, Any]] = ctx.spec.params.get("regions", {}).get(country, {})
    if not regions:
        return Outcome("pass", "pass", values)
    values["regions"] = _region_list(regions)
    if region is None:
        return Outcome("unknown", f"unknown_{prefix}region", values, (fact,))
    listed = listed_region(regions, region)
    if listed is None:
        return Outcome("fail", f"{prefix}region_outside", values)
    values[fact] = listed
    return Outcome("pass", "pass_region", values)


def _region_list(regions: Mapping[str, Mapping[str, Any]]) -> str:
    """The listed regions by name, comma-separated ("Schleswig-Holstein, Hamburg, ...")."""
    return ", ".join(str(spec["names"][0]).title() for spec in regions.values())


def listed_region(regions: Mapping[str, Mapping[str, Any]], region: str) -> str | None:
    """The name of the listed region that `region` is or lies in, or None when it is none.

    `region` is an ISO 3166-2 code (DE-HH), its part after the dash, a NUTS code starting with
    the region's (DE600) or a name people write ("Hamburg"); `regions` is V2's table.
    """
    wanted = region.strip().casefold()
    for code, spec in regions.items():
        names = (code.casefold(), code.casefold().split("-")[1], *spec["names"])
        if wanted in names or wanted.startswith(str(spec["nuts"]).casefold()):
            return str(spec["names"][0]).title()
    return None


def _months_missing(profile: CompanyProfile) -> str:
    """The fact that would settle how long the company has operated: the founding month when
    the year is known, else the months themselves."""
    return "month_founded" if profile.year_founded is not None else "months_operating"


def check_track_record(ctx: Context) -> Outcome:
    """V3: months operating (from the founding month), and a closed year or a business plan.

    With only the founding year, the months lie in a span; the month is asked only when the
    span straddles the minimum.
    """
    p, params = ctx.profile, ctx.spec.params
    span = operating_months(p, ctx.today)
    minimum = int(params["min_months"])
    values = {
        "months": shown(span) if span else ctx.show(None),
        "years": ctx.show(p.closed_financial_years),
        "min_months": str(minimum),
        "year": ctx.show(p.year_founded),
    }
    if span is not None and span[1] < minimum:
        return Outcome("fail", "too_young", values)
    if span is not None and span[0] < minimum:
        return Outcome("unknown", "unknown_month", values, ("month_founded",))
    missing = [] if span is not None else [_months_missing(p)]
    years = p.closed_financial_years
    if years is None:
        return Outcome("unknown", "unknown", values, (*missing, "closed_financial_years"))
    if years < params["min_closed_years"]:
        if p.has_business_plan is False:
            return Outcome("fail", "no_closed_year", values)
        if p.has_business_plan is None:
            return Outcome("unknown", "unknown_plan", values, (*missing, "has_business_plan"))
        key = "pass_plan"
    else:
        key = "pass"
    if missing:
        return Outcome("unknown", "unknown", values, tuple(missing))
    return Outcome("pass", key, values)


def check_standing(ctx: Context) -> Outcome:
    """V4: not in difficulty, no tax arrears."""
    difficulty, arrears = ctx.profile.in_difficulty, ctx.profile.tax_arrears
    if difficulty and arrears:
        return Outcome("fail", "both")
    if difficulty:
        return Outcome("fail", "in_difficulty")
    if arrears:
        return Outcome("fail", "tax_arrears")
    missing = tuple(
        name for name, value in (("in_difficulty", difficulty), ("tax_arrears", arrears))
        if value is None
    )  # fmt: skip
    if missing:
        values = {"in_difficulty": ctx.show(difficulty), "tax_arrears": ctx.show(arrears)}
        return Outcome("unknown", "unknown", values, missing)
    return Outcome("pass", "pass")


def check_sector(ctx: Context) -> Outcome:
    """V5: the NACE code is not in an excluded section or division.

    A code near an exclusion that the rule names as not excluded (fish processing, farm
    machinery, forestry) passes with the reason why, so the difference is visible.
    """
    raw = ctx.profile.nace_code
    code = normalise_nace(raw) if raw else None
    if code is None:
        return Outcome("unknown", "unknown", {}, ("nace_code",))
    values = {"nace": code, "sector": ctx.names.nace(code, ctx.language)}
    excluded = [str(entry["code"]) for entry in ctx.spec.params["excluded"]]
    if any(nace_contains(code, e) for e in excluded):
        # Only a coarser code is known, and some of its parts are excluded.
        return Outcome("unknown", "unknown_division", values, ("nace_code",))
    for entry in ctx.spec.params["excluded"]:
        if nace_matches(code, str(entry["code"])):
            values["label"] = pick(entry["label"], ctx.language)
            return Outcome("fail", "excluded", values)
    for entry in ctx.spec.params.get("not_excluded", []):
        if nace_matches(code, str(entry["code"])):
            values["label"] = pick(entry["label"], ctx.language)
            return Outcome("pass", "pass_note", values)
    return Outcome("pass", "pass", values)


def check_de_minimis(ctx: Context) -> Outcome:
    """V6: de minimis of the last three years plus this voucher within the ceiling."""
    received = ctx.profile.de_minimis_received_eur
    ceiling = Decimal(str(ctx.spec.params["ceiling_eur"]))
    values = {"ceiling": format_number(ceiling, ctx.language), "received": ctx.show(received)}
    if received is None:
        return Outcome("unknown", "unknown_received", values, ("de_minimis_received_eur",))
    if received > ceiling:
        return Outcome("fail", "over_already", values)
    if ctx.voucher_eur is None:
        return Outcome("unknown", "unknown_amount", values, ("eligible_cost_eur",))
    total = received + ctx.voucher_eur
    values |= {
        "voucher": format_number(ctx.voucher_eur, ctx.language),
        "total": format_number(total, ctx.language),
    }
    return Outcome(
        "pass" if total <= ceiling else "fail", "pass" if total <= ceiling else "over", values
    )


def check_transnational(ctx: Context) -> Outcome:
    """V9: the provider is in another scheme country; in Germany, in one of V2's Länder."""
    countries = [str(c) for c in ctx.spec.params["countries"]]
    country = (ctx.profile.country or "").upper() or None
    provider = (ctx.profile.provider_country or "").upper() or None
    region = ctx.profile.provider_region
    values = {
        "country": ctx.country(country),
        "provider_country": ctx.country(provider),
        "countries": ctx.names.countries(countries, ctx.language),
        "provider_region": ctx.names.region(region, ctx.language) if region else ctx.show(None),
    }
    if provider is not None and provider not in countries:
        return Outcome("fail", "provider_outside", values)
    if provider is None or country is None:
        missing = [
            name for name, v in (("provider_country", provider), ("country", country)) if v is None
        ]
        return Outcome("unknown", "unknown", values, tuple(missing))
    if provider == country:
        return Outcome("fail", "same_country", values)
    return _in_listed_region(
        ctx, provider, region, values, fact="provider_region", prefix="provider_"
    )


def check_provider(ctx: Context) -> Outcome:
    """V10: an eligible kind of provider; a private consultancy only for IP or testing."""
    kind, service = ctx.profile.provider_type, ctx.profile.service_type
    if kind is None:
        return Outcome("unknown", "unknown", {}, ("provider_type",))
    values = {"provider": ctx.label("eligible_provider_types", kind)}
    if kind not in ctx.spec.params["eligible_provider_types"]:
        return Outcome("fail", "not_eligible_type", values)
    if kind != "private_consultancy":
        return Outcome("pass", "pass", values)
    if service is None:
        return Outcome("unknown", "unknown_service", values, ("service_type",))
    values["service"] = _service_label(ctx, service)
    if service in ctx.spec.params["consultancy_services"]:
        return Outcome("pass", "pass_consultancy", values)
    return Outcome("fail", "consultancy_service", values)


def _service_label(ctx: Context, service: str) -> str:
    """The display text of a service type, from the tables of the rule set's service rule."""
    for spec in ctx.rules.values():
        for table in ("eligible_service_types", "ineligible_service_types"):
            texts = spec.params.get(table, {}).get(service)
            if texts:
                return pick(texts, ctx.language)
    return service


def check_unrelated(ctx: Context) -> Outcome:
    """V11: no ownership, family or recent contract link to the provider."""
    related = ctx.profile.related_to_provider
    if related is None:
        return Outcome("unknown", "unknown", {}, ("related_to_provider",))
    return Outcome("fail", "related") if related else Outcome("pass", "pass")


def check_service(ctx: Context) -> Outcome:
    """V12: the service is on the eligible list."""
    service = ctx.profile.service_type
    if service is None:
        return Outcome("unknown", "unknown", {}, ("service_type",))
    values = {"service": _service_label(ctx, service)}
    if service in ctx.spec.params["eligible_service_types"]:
        return Outcome("pass", "pass", values)
    return Outcome("fail", "excluded", values)


def check_project_size(ctx: Context) -> Outcome:
    """V13: the eligible cost reaches the minimum project size."""
    cost = ctx.profile.eligible_cost_eur
    minimum = Decimal(str(ctx.spec.params["min_project_eur"]))
    values = {"cost": ctx.show(cost), "minimum": format_number(minimum, ctx.language)}
    if cost is None:
        return Outcome("unknown", "unknown", values, ("eligible_cost_eur",))
    return (
        Outcome("pass", "pass", values)
        if cost >= minimum
        else Outcome("fail", "below_minimum", values)
    )


def check_cofinancing(ctx: Context) -> Outcome:
    """V14: the voucher amount, 80 % of the cost up to the cap."""
    cost = ctx.profile.eligible_cost_eur
    if cost is None or ctx.voucher_eur is None:
        return Outcome("unknown", "unknown", {}, ("eligible_cost_eur",))
    values = {
        "cost": format_number(cost, ctx.language),
        "rate": str(ctx.spec.params["rate_pct"]),
        "cap": format_number(Decimal(str(ctx.spec.params["max_voucher_eur"])), ctx.language),
        "voucher": format_number(ctx.voucher_eur, ctx.language),
        "own_share": format_number(cost - ctx.voucher_eur, ctx.language),
    }
    return Outcome("pass", "pass", values)


def check_frequency(ctx: Context) -> Outcome:
    """V16: no other voucher of the scheme in the last 12 months."""
    count = ctx.profile.vouchers_last_12_months
    if count is None:
        return Outcome("unknown", "unknown", {}, ("vouchers_last_12_months",))
    if count >= int(ctx.spec.params["max_per_12_months"]):
        return Outcome("fail", "too_many", {"count": str(count)})
    return Outcome("pass", "pass")


def note_matchmaking(ctx: Context) -> Outcome:
    """V15: information on the home-RTO share."""
    return Outcome("pass", "note", {"max_share": str(ctx.spec.params["max_share_pct"])})


def note_quotes(ctx: Context) -> Outcome:
    """V19: how many quotes, by the cost when it is known."""
    cost = ctx.profile.eligible_cost_eur
    threshold = Decimal(str(ctx.spec.params["extra_quotes_over_eur"]))
    values = {"threshold": format_number(threshold, ctx.language), "cost": ctx.show(cost)}
    if cost is None:
        return Outcome("pass", "note", values)
    return Outcome("pass", "three_quotes" if cost > threshold else "one_quote", values)


def note_decision(ctx: Context) -> Outcome:
    """V20: decision time and payment."""
    return Outcome("pass", "note", {"days": str(ctx.spec.params["decision_working_days"])})


def check_size_class(ctx: Context) -> Outcome:
    """A national condition: the company is in one of the size classes the scheme serves."""
    wanted = {str(c) for c in ctx.spec.params["classes"]}
    values = {"size_class": ctx.size_class}
    category = ctx.sme.category
    if category is None and ctx.sme.status == "pass" and wanted >= SME_CLASSES:
        return Outcome("pass", "pass", values)  # an SME, whatever its exact class
    if category is None:
        return Outcome("unknown", "unknown", values, ctx.sme.missing)
    status: Status = "pass" if category in wanted else "fail"
    return Outcome(status, status, values)


def check_age(ctx: Context) -> Outcome:
    """A national condition: how long the company has operated, within the scheme's bounds."""
    params = ctx.spec.params
    values: dict[str, str] = {k: str(params[k]) for k in ("min_months", "max_years") if k in params}
    span = operating_months(ctx.profile, ctx.today)
    if span is None:
        return Outcome("unknown", "unknown", values, (_months_missing(ctx.profile),))
    low, high = span
    if ctx.profile.months_operating is not None:
        # Months stated outright may have been counted from 1 January of the founding year,
        # up to `tolerance_months` too many: a company that may still be young enough is
        # not turned away.
        low = high - params.get("tolerance_months", 0)
    values["years"] = format_number(Decimal(high // MONTHS_PER_YEAR), ctx.language)
    values["months"] = shown(span)
    if "min_months" in params and high < params["min_months"]:
        return Outcome("fail", "too_young", values)
    if "min_months" in params and span[0] < params["min_months"]:
        return Outcome("unknown", "unknown", values, (_months_missing(ctx.profile),))
    limit = params.get("max_years", 0) * MONTHS_PER_YEAR
    if "max_years" in params and high >= limit:
        if low < limit:
            return Outcome("unknown", "borderline", values, (_months_missing(ctx.profile),))
        return Outcome("fail", "too_old", values)
    return Outcome("pass", "pass", values)


def check_in_region(ctx: Context) -> Outcome:
    """A national condition: the company is in one of the listed NUTS regions."""
    region = (ctx.profile.region or "").strip().upper()
    listed = [str(code) for code in ctx.spec.params["regions"]]
    values = {"regions": ", ".join(ctx.names.region(code, ctx.language) for code in listed)}
    if not region:
        return Outcome("unknown", "unknown", values, ("region",))
    values["region"] = ctx.names.region(region, ctx.language)
    inside = any(region.startswith(code) for code in listed)
    return Outcome("pass", "pass", values) if inside else Outcome("fail", "fail", values)


#: The checks by the name a rule gives in its `check:` field.
CHECKS: dict[str, Check] = {
    "sme": check_sme,
    "country": check_country,
    "track_record": check_track_record,
    "standing": check_standing,
    "sector": check_sector,
    "de_minimis": check_de_minimis,
    "transnational": check_transnational,
    "provider": check_provider,
    "unrelated": check_unrelated,
    "service": check_service,
    "project_size": check_project_size,
    "cofinancing": check_cofinancing,
    "matchmaking": note_matchmaking,
    "frequency": check_frequency,
    "quotes": note_quotes,
    "decision": note_decision,
    "size_class": check_size_class,
    "age": check_age,
    "in_region": check_in_region,
}
