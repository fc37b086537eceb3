"""The partner matcher: hard filters in SQL, then a relevance-first score in Python.

The SME's need (its words, stemmed, with their synonyms) against each partner's keywords,
title and description dominates the score; the S3 field and partner type come next (weights
in data/partners/matching.yml). Stated target countries filter the suggestions: the fitting
partners there come first, then the best elsewhere, marked `outside_targets`.

No rasa-sdk here, so the web API, the benchmark and the tests use it directly::

    with session(engine) as db:
        for s in suggest_partners(session=db, need=PartnerNeed(need_type="TR", country="FI")):
            print(s.name, s.score, s.reasons)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from actions.matching import text
from actions.matching.explain import explain
from actions.matching.need import PartnerNeed
from actions.matching.rules import MatchingRules, load_rules
from bot.storage.crud_partners import (
    CandidateQuery,
    OrganisationRecord,
    load_organisations,
    select_candidates,
)

NEUTRAL = 0.5
MISSING_TYPE_FIT = 0.3


@dataclass(frozen=True)
class Suggestion:
    """One suggested partner: who, how well it fits (0..1, per criterion) and why."""

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
    is_demo: bool
    score: float
    components: dict[str, float]
    shared_keywords: tuple[str, ...]
    reasons: tuple[str, ...]
    reason_codes: tuple[str, ...]
    #: The SME named target countries and this partner is in none of them (it comes after
    #: every fitting partner there).
    outside_targets: bool = False
    #: Its text fits the need too little to call it a good match.
    weak: bool = False


def partnership_types_for(need: PartnerNeed, rules: MatchingRules) -> tuple[str, ...]:
    """The partnership types the need accepts: the SME's own, or its profile type's defaults."""
    return need.partnership_types or rules.partnership_types_by_need[need.need_type]


def candidate_query(need: PartnerNeed, rules: MatchingRules, *, limit: int) -> CandidateQuery:
    """The hard filters of brief B3 and the pre-score hints, as a bounded SQL candidate query."""
    complement = rules.complements[need.need_type]
    preferred = need.partner_types or tuple(
        t for t, fit in rules.default_partner_type_fit.get(need.need_type, {}).items() if fit >= 1
    )
    return CandidateQuery(
        profile_types=complement.profile_types,
        partnership_types=partnership_types_for(need, rules),
        exclude_country=need.country,
        org_types=complement.org_types,
        s3_fields=need.s3_fields,
        terms=tuple(text.query_terms(need.need_description)),
        preferred_org_types=preferred,
        target_countries=need.target_countries,
        limit=limit,
    )


def suggest_partners(
    *,
    session: Session,
    need: PartnerNeed,
    limit: int = 3,
    offset: int = 0,
    rules: MatchingRules | None = None,
) -> list[Suggestion]:
    """The best partners for a need, best first, from `offset` on.

    Args:
        session: A database session on the directory.
        need: The SME's need.
        limit: How many suggestions to return.
        offset: How many of the best to skip (for "show more").
        rules: The matching rules; data/partners/ by default.

    Returns:
        At most `limit` suggestions, each with its score and reasons.
    """
    rules = rules or load_rules()
    pool = max(rules.candidate_limit, 5 * (offset + limit))
    hits = select_candidates(session=session, query=candidate_query(need, rules, limit=pool))
    records = load_organisations(session=session, ids=[oid for oid, _ in hits], with_terms=False)
    return rank(need, records, rules, offset=offset, limit=limit)


def rank(
    need: PartnerNeed,
    records: Sequence[OrganisationRecord],
    rules: MatchingRules,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[Suggestion]:
    """Score candidates that passed the hard filters, best first (ties by id).

    Partners whose text does not fit the need (`rules.weak_match_below`) come after every
    one that does, each marked `weak`. With target
    countries, the partners there that fit (also reaching `rules.target_fit_share` of the
    best text fit anywhere) come first; the best elsewhere follow, marked `outside_targets`,
    so the SME always sees something worth meeting. Only the suggestions in
    `offset:offset+limit` are explained, the costly part.
    """
    needed = text.concepts(need.need_description)
    documents = [_document(record) for record in records]
    idf = text.idf_weights(needed, documents)
    scored = sorted(
        (
            (*_components(need, record, doc, needed, idf, rules), record)
            for record, doc in zip(records, documents, strict=True)
        ),
        key=lambda item: (-item[0], item[3].organisation.id or 0),
    )
    good = [item for item in scored if item[1]["text"] >= rules.weak_match_below]
    scored = good + [item for item in scored if item[1]["text"] < rules.weak_match_below]
    targets = need.target_countries
    if targets:
        best = max((item[1]["text"] for item in scored), default=0.0)
        enough = max(rules.weak_match_below, rules.target_fit_share * best)
        first = [
            item
            for item in scored
            if item[3].organisation.country in targets and item[1]["text"] >= enough
        ]
        scored = first + [item for item in scored if not any(item is f for f in first)]
    end = None if limit is None else offset + limit
    return [
        _suggest(
            need,
            record,
            score,
            components,
            covered,
            rules,
            outside_targets=bool(targets) and record.organisation.country not in targets,
        )
        for score, components, covered, record in scored[offset:end]
    ]


def _document(record: OrganisationRecord) -> dict[str, float]:
    """A profile's terms with their weight: keywords and title 1, description words less.

    The organisation's own name is no description of what it does ("... Labs", "...
    University"), so it is left out.
    """
    org = record.organisation
    found: dict[str, float] = {}
    for part in (*org.keywords.split(";"), org.title, *record.search_terms):
        for term in text.terms(part):
            found[term] = 1.0
    description = org.description.replace(org.name.removesuffix(" (demo)"), " ")
    for term in text.terms(description):
        found.setdefault(term, text.DESCRIPTION_WEIGHT)
    return found


def _components(
    need: PartnerNeed,
    record: OrganisationRecord,
    doc: dict[str, float],
    needed: Sequence[text.Concept],
    idf: Sequence[float],
    rules: MatchingRules,
) -> tuple[float, dict[str, float], list[str]]:
    """The weighted score, each criterion's fit (0..1) and the need's words the text covers."""
    org = record.organisation
    relevance, covered = text.relevance(needed, idf, doc)
    components = {
        "text": relevance,
        "s3_field": _s3_fit(need, record, rules),
        "partner_type": _type_fit(need, org.org_type, rules),
        "stage": _stage_fit(need, org.stage, rules),
        "target_country": _country_fit(need, org.country),
        "priority_bonus": float(bool(rules.priority_fields & set(record.s3_fields))),
    }
    score = sum(rules.weights[name] * value for name, value in components.items())
    rounded = {name: round(value, 4) for name, value in components.items()}
    return round(score, 4), rounded, covered


def _suggest(
    need: PartnerNeed,
    record: OrganisationRecord,
    score: float,
    components: dict[str, float],
    covered: Sequence[str],
    rules: MatchingRules,
    *,
    outside_targets: bool,
) -> Suggestion:
    org = record.organisation
    assert org.id is not None
    shared = tuple(covered)
    why = explain(need, record, components, shared, partnership_types_for(need, rules), rules)
    return Suggestion(
        id=org.id,
        ref=org.ref,
        name=org.name,
        org_type=org.org_type,
        size=org.size,
        country=org.country,
        region=org.region,
        profile_type=org.profile_type,
        title=org.title,
        website=org.website,
        is_demo=org.is_demo,
        score=score,
        components=components,
        shared_keywords=shared,
        reasons=tuple(sentence for _, sentence in why),
        reason_codes=tuple(code for code, _ in why),
        outside_targets=outside_targets,
        weak=components["text"] < rules.weak_match_below,
    )


def _s3_fit(need: PartnerNeed, record: OrganisationRecord, rules: MatchingRules) -> float:
    if set(need.s3_fields) & set(record.s3_fields):
        return 1.0
    pairs = ((a, b) for a in need.s3_fields for b in record.s3_fields)
    return 0.5 if any(rules.complementary(a, b) for a, b in pairs) else 0.0


def _type_fit(need: PartnerNeed, org_type: str, rules: MatchingRules) -> float:
    if need.partner_types:
        return 1.0 if org_type in need.partner_types else 0.0
    return rules.default_partner_type_fit.get(need.need_type, {}).get(org_type, MISSING_TYPE_FIT)


def _stage_fit(need: PartnerNeed, stage: str | None, rules: MatchingRules) -> float:
    if stage is None or stage not in rules.stages:
        return NEUTRAL
    position = rules.stages.index(stage) / (len(rules.stages) - 1)
    if need.stage in rules.stages:
        wanted = rules.stages.index(need.stage) / (len(rules.stages) - 1)
        return 1.0 - abs(position - wanted)
    return position if need.need_type in rules.mature_first else NEUTRAL


def _country_fit(need: PartnerNeed, country: str) -> float:
    if not need.target_countries:
        return NEUTRAL
    return 1.0 if country in need.target_countries else 0.0
