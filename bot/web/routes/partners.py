"""Partner matching for partners' systems: ``POST /api/v1/partners/match`` (demo directory)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from actions.matching import (
    MatchingRules,
    PartnerNeed,
    Suggestion,
    load_rules,
    suggest_partners,
)
from actions.matching.need import (
    infer_need_type,
    normalise_need_type,
    normalise_partner_type,
    normalise_s3_field,
)
from bot.storage import session
from bot.storage.models_partners import (
    ORG_TYPES,
    PARTNERSHIP_TYPES,
    PROFILE_TYPES,
    S3_FIELDS,
    STAGES,
)
from bot.web.deps import EngineDep
from bot.web.errors import validation_details, validation_error
from bot.web.fields import Country, storable
from bot.web.payload import decode_json
from bot.web.schemas import error_responses

router = APIRouter(prefix="/api/v1", tags=["partners"])

MAX_LIMIT = 20
MAX_OFFSET = 200
MAX_DESCRIPTION = 2000


def _nuts(value: str) -> str:
    code = value.strip().upper()
    if not (2 <= len(code) <= 5 and code[:2].isalpha() and code.isalnum() and code.isascii()):
        raise ValueError("must be a NUTS code, such as FI1B or DE80")
    return code


def _code_or_name(normalise: Callable[[Any, MatchingRules], str | None], message: str) -> Any:
    """A validator that reads a value by code or by name, as the conversation does."""

    def check(value: str) -> str:
        code = normalise(value, load_rules())
        if code is None:
            raise ValueError(message)
        return code

    return AfterValidator(check)


_S3_FIELD = _code_or_name(
    normalise_s3_field, f"must be an S3 field, by code ({', '.join(S3_FIELDS)}) or name"
)
_ORG_TYPE = _code_or_name(
    normalise_partner_type, f"must be a partner type, by code ({', '.join(ORG_TYPES)}) or name"
)
_NEED_TYPE = _code_or_name(
    normalise_need_type,
    f"must be a need type ({', '.join(PROFILE_TYPES)}) or its name, such as 'technology request'",
)

S3Field = Annotated[str, Field(max_length=80), _S3_FIELD]
OrgType = Annotated[str, Field(max_length=80), _ORG_TYPE]
NeedType = Annotated[str, Field(max_length=80), _NEED_TYPE]
PartnershipType = Literal[PARTNERSHIP_TYPES]  # type: ignore[valid-type]
Stage = Literal[STAGES]  # type: ignore[valid-type]


class PartnerMatchIn(BaseModel):
    """The SME's profile and need; lists are optional preferences, except where noted."""

    model_config = ConfigDict(strict=True, extra="forbid")

    country: Country = Field(description="The SME's country; partners come from other ones.")
    region: Annotated[str, Field(max_length=5), AfterValidator(_nuts)] | None = None
    need_type: NeedType | None = Field(
        default=None,
        description=(
            "The SME's EEN profile type (BO, BR, TO, TR, RDR, or a name such as 'technology "
            "request'); guessed from the need's words and partner types when left out."
        ),
    )
    need_description: Annotated[
        str, Field(max_length=MAX_DESCRIPTION), AfterValidator(storable)
    ] = ""
    s3_fields: list[S3Field] = Field(
        default_factory=list,
        max_length=len(S3_FIELDS),
        description="S3 fields by code (bio) or name (bioeconomy), any case.",
    )
    partner_types: list[OrgType] = Field(
        default_factory=list,
        max_length=len(ORG_TYPES),
        description="Partner types sought by code (rto) or name (research institute), any case.",
    )
    target_countries: list[Country] = Field(
        default_factory=list,
        max_length=50,
        description="Only partners there are suggested, unless none there fits the need.",
    )
    partnership_types: list[PartnershipType] = Field(
        default_factory=list,
        max_length=len(PARTNERSHIP_TYPES),
        description="Accepted types; by default those of the need type (EEN POD list).",
    )
    stage: Stage | None = None
    limit: int = Field(default=5, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


class SuggestionOut(BaseModel):
    """One suggested partner, its score (0..1), per-criterion fit and reasons."""

    id: int
    ref: str
    name: str
    org_type: str
    size: str | None
    country: str
    region: str | None
    profile_type: str
    title: str
    website: str | None
    demo: bool = Field(description="A fictional demo organisation.")
    score: float
    components: dict[str, float]
    shared_keywords: list[str]
    reasons: list[str]


class PartnerMatchOut(BaseModel):
    """The suggestions, best first, and how well they answer the need."""

    demo: bool = Field(description="Whether any suggestion is a fictional demo organisation.")
    need_type: str = Field(description="The need type matched: the one sent, or the guess.")
    outside_targets: bool = Field(
        description="Target countries were named, none has a fitting partner: these are elsewhere."
    )
    good_match: bool = Field(
        description="Whether the suggestions fit the need's words; false: only the nearest."
    )
    count: int
    suggestions: list[SuggestionOut]


_REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": PartnerMatchIn.model_json_schema()}},
}


def _parse(raw: bytes) -> PartnerMatchIn:
    data = decode_json(raw)
    if not isinstance(data, dict):
        raise validation_error([{"field": "body", "message": "must be a JSON object"}])
    try:
        return PartnerMatchIn.model_validate(data)
    except ValidationError as exc:
        raise validation_error(validation_details(exc.errors())) from None


def _out(suggestion: Suggestion) -> SuggestionOut:
    return SuggestionOut(
        id=suggestion.id,
        ref=suggestion.ref,
        name=suggestion.name,
        org_type=suggestion.org_type,
        size=suggestion.size,
        country=suggestion.country,
        region=suggestion.region,
        profile_type=suggestion.profile_type,
        title=suggestion.title,
        website=suggestion.website,
        demo=suggestion.is_demo,
        score=suggestion.score,
        components=suggestion.components,
        shared_keywords=list(suggestion.shared_keywords),
        reasons=list(suggestion.reasons),
    )


@router.post(
    "/partners/match",
    response_model=PartnerMatchOut,
    responses=error_responses(400, 413, 422),
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def create_partner_match(request: Request, engine: EngineDep) -> PartnerMatchOut:
    """Suggest partners from the directory for an SME's need (demo entries are marked)."""
    checked = _parse(await request.body())
    partner_types = tuple(dict.fromkeys(checked.partner_types))
    need_type = checked.need_type or infer_need_type(
        checked.need_description, partner_types, load_rules()
    )
    need = PartnerNeed(
        need_type=need_type,
        country=checked.country,
        need_description=checked.need_description,
        region=checked.region,
        s3_fields=tuple(dict.fromkeys(checked.s3_fields)),
        partner_types=partner_types,
        target_countries=tuple(dict.fromkeys(checked.target_countries)),
        partnership_types=tuple(dict.fromkeys(checked.partnership_types)),
        stage=checked.stage,
    )

    def run() -> list[Suggestion]:
        with session(engine) as db:
            return suggest_partners(
                session=db, need=need, limit=checked.limit, offset=checked.offset
            )

    found = await run_in_threadpool(run)
    return PartnerMatchOut(
        demo=any(s.is_demo for s in found),
        need_type=need_type,
        outside_targets=bool(found) and found[0].outside_targets,
        good_match=bool(found) and not found[0].weak,
        count=len(found),
        suggestions=[_out(s) for s in found],
    )
