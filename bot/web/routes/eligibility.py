"""Voucher eligibility for partners' systems: ``POST /api/v1/eligibility`` (demo rules)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
)

from actions.eligibility import (
    CompanyProfile,
    EligibilityResult,
    Scheme,
    evaluate,
    load_scheme,
    pick,
    vouchers_dir,
)
from actions.eligibility.nace import NaceError, read_nace
from actions.eligibility.naming import Names
from bot.web.deps import SettingsDep
from bot.web.errors import validation_details, validation_error
from bot.web.fields import Country, storable
from bot.web.payload import decode_json
from bot.web.schemas import error_responses

router = APIRouter(prefix="/api/v1", tags=["eligibility"])

MAX_EUR = 1e15  # a thousand trillion euro: more than any company's figures
MAX_PEOPLE = 10_000_000
MAX_ENTERPRISES = 50
MAX_TEXT = 100


def _nace(value: str) -> str:
    """The canonical NACE Rev. 2 code of any accepted notation (62.01, 6201, J62.01, a Rev. 2.1
    letter); a code that does not exist is refused with the reason (422)."""
    try:
        return read_nace(value).code
    except NaceError as error:
        raise ValueError(Names(vouchers_dir().parent).nace_error(error)) from None


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(storable)]
Nace = Annotated[str, Field(min_length=1, max_length=8), AfterValidator(_nace)]
Euro = Annotated[float, Field(ge=0, le=MAX_EUR, allow_inf_nan=False)]
People = Annotated[int, Field(ge=0, le=MAX_PEOPLE)]
Count = Annotated[int, Field(ge=0, le=10_000)]


class FiguresIn(BaseModel):
    """The figures the SME test adds up: headcount, turnover, balance sheet."""

    model_config = ConfigDict(strict=True, extra="forbid")

    employees: People | None = None
    annual_turnover_eur: Euro | None = None
    balance_sheet_eur: Euro | None = None


class EnterpriseIn(FiguresIn):
    """A partner (25-50 %) or linked (over 50 %) enterprise or owner, who it is, its figures."""

    share_pct: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    kind: Text | None = Field(
        default=None,
        description=(
            "Who holds the share (SME definition, Annex Art. 3): enterprise (the default), "
            "public_body, public_investment_corporation, venture_capital, business_angel, "
            "university, research_centre, institutional_investor or local_authority."
        ),
    )
    invested_eur: Euro | None = Field(
        default=None, description="A business angel's total investment in the company."
    )
    budget_eur: Euro | None = Field(default=None, description="A local authority's annual budget.")
    inhabitants: People | None = Field(
        default=None, description="A local authority's number of inhabitants."
    )


class EligibilityCheckIn(BaseModel):
    """What is known about the company and its voucher project; every field is optional."""

    model_config = ConfigDict(strict=True, extra="forbid")

    country: Country | None = None
    region: Text | None = None
    employees: People | None = None
    annual_turnover_eur: Euro | None = None
    balance_sheet_eur: Euro | None = None
    partner_enterprises: list[EnterpriseIn] = Field(
        default_factory=list, max_length=MAX_ENTERPRISES
    )
    linked_enterprises: list[EnterpriseIn] = Field(default_factory=list, max_length=MAX_ENTERPRISES)
    months_operating: Count | None = None
    year_founded: Annotated[int, Field(ge=1800, le=2200)] | None = None
    month_founded: Annotated[int, Field(ge=1, le=12)] | None = None
    closed_financial_years: Count | None = None
    has_business_plan: bool | None = None
    in_difficulty: bool | None = None
    tax_arrears: bool | None = None
    nace_code: Nace | None = None
    de_minimis_received_eur: Euro | None = None
    eligible_cost_eur: Euro | None = None
    provider_country: Country | None = None
    provider_region: Text | None = None
    provider_type: Text | None = None
    service_type: Text | None = None
    related_to_provider: bool | None = None
    vouchers_last_12_months: Count | None = None
    previous_year: FiguresIn | None = Field(
        default=None,
        description=(
            "Last year's own figures: a class changes only when a ceiling is crossed in two "
            "consecutive years. Needed (named in `missing`) when this year is over the SME "
            "ceilings."
        ),
    )


class RuleResultOut(BaseModel):
    """One rule's outcome and its reason."""

    id: str
    status: Literal["pass", "fail", "unknown"]
    reason: str


class EligibilityCheckOut(BaseModel):
    """The verdict against the demo scheme, which is an illustration (`demo`, `notice`)."""

    scheme: str
    demo: bool = Field(description="True: illustrative demo rules, not an official scheme.")
    notice: str = Field(description="The scheme's disclaimer, to show with the verdict.")
    verdict: Literal["eligible", "not_eligible", "needs_info"]
    sme_category: Literal["micro", "small", "medium", "not_sme"] | None
    voucher_eur: float | None
    rules: list[RuleResultOut]
    missing: list[str]


def _inline_refs(schema: Any, defs: dict[str, Any]) -> Any:
    """The schema with every ``#/$defs/X`` reference replaced by X itself.

    pydantic's references point into the schema's own ``$defs``, which an OpenAPI document
    does not resolve inside an operation; the request's models are not recursive.
    """
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline_refs(item, defs) for item in schema]
    return schema


_SCHEMA = EligibilityCheckIn.model_json_schema()
_REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": _inline_refs(_SCHEMA, _SCHEMA.get("$defs", {}))}},
}


def _parse(raw: bytes, scheme: Scheme) -> EligibilityCheckIn:
    """The checked request, with provider and service types known to the scheme."""
    data = decode_json(raw)
    if not isinstance(data, dict):
        raise validation_error([{"field": "body", "message": "must be a JSON object"}])
    try:
        checked = EligibilityCheckIn.model_validate(data)
    except ValidationError as exc:
        raise validation_error(validation_details(exc.errors())) from None
    known = {
        "provider_type": scheme.rule("V10").params["eligible_provider_types"].keys()
        | scheme.rule("V10").params.get("other_provider_types", {}).keys(),
        "service_type": scheme.rule("V12").params["eligible_service_types"].keys()
        | scheme.rule("V12").params["ineligible_service_types"].keys(),
    }
    for name, allowed in known.items():
        value = getattr(checked, name)
        if value is not None and value not in allowed:
            message = "must be one of " + ", ".join(sorted(allowed))
            raise validation_error([{"field": name, "message": message}])
    _check_kinds(checked, scheme)
    return checked


def _check_kinds(checked: EligibilityCheckIn, scheme: Scheme) -> None:
    """Each holder's kind is an owner kind of the SME definition (sme_definition.yml)."""
    kinds = scheme.sme.owner_kinds
    details = [
        {
            "field": f"{group}.{index}.kind",
            "message": "must be one of " + ", ".join(kinds) + f", not {entry.kind!r}",
        }
        for group in ("partner_enterprises", "linked_enterprises")
        for index, entry in enumerate(getattr(checked, group))
        if entry.kind is not None and entry.kind not in kinds
    ]
    if details:
        raise validation_error(details)


def _out(result: EligibilityResult, notice: str) -> EligibilityCheckOut:
    return EligibilityCheckOut(
        scheme=result.scheme,
        demo=result.demo,
        notice=notice,
        verdict=result.verdict,
        sme_category=result.sme_category,  # type: ignore[arg-type]
        voucher_eur=float(result.voucher_eur) if result.voucher_eur is not None else None,
        rules=[RuleResultOut(id=r.id, status=r.status, reason=r.reason) for r in result.rules],
        missing=list(result.missing),
    )


@router.post(
    "/eligibility",
    response_model=EligibilityCheckOut,
    responses=error_responses(400, 413, 422),
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def create_eligibility_check(request: Request, settings: SettingsDep) -> EligibilityCheckOut:
    """Check a company against the demo voucher scheme's rules (illustrative, not official)."""
    scheme = load_scheme(settings.DATA_DIR / "vouchers")
    checked = _parse(await request.body(), scheme)
    values: dict[str, Any] = checked.model_dump()
    return _out(evaluate(CompanyProfile.from_mapping(values), scheme), pick(scheme.disclaimer))
