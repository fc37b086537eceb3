"""The matcher: hard filters on the demo directory (both databases), scores and reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from actions.matching import PartnerNeed, load_rules, need_from_values, rank, seed_demo_directory
from actions.matching import suggest_partners as suggest
from actions.matching.matcher import candidate_query
from actions.matching.need import infer_need_type
from actions.matching.text import terms
from bot.storage import session
from bot.storage.crud_partners import OrganisationRecord
from bot.storage.models_partners import Organisation

RULES = load_rules()


def _record(oid: int, **kw: object) -> OrganisationRecord:
    values: dict[str, object] = {
        "id": oid,
        "ref": f"R{oid}",
        "name": f"Org {oid} (demo)",
        "org_type": "rto",
        "country": "SE",
        "profile_type": "TO",
        "title": "Photobioreactors",
        "description": "We grow microalgae in photobioreactors for omega-3 oils.",
        "keywords": "microalgae;photobioreactor",
        "stage": "on_the_market",
        "is_demo": True,
        "created_at": datetime.now(UTC),
    }
    s3 = kw.pop("s3_fields", ("bio",))
    partnership = kw.pop("partnership_types", ("research_development_cooperation_agreement",))
    values.update(kw)
    return OrganisationRecord(
        organisation=Organisation.model_validate(values),
        s3_fields=tuple(s3),  # type: ignore[arg-type]
        partnership_types=tuple(partnership),  # type: ignore[arg-type]
        search_terms=(),
    )


NEED = PartnerNeed(
    need_type="TR",
    country="FI",
    s3_fields=("bio",),
    need_description="We need photobioreactor technology to grow microalgae for omega-3 oils.",
    target_countries=("SE",),
)


def test_rank_full_fit_scores_one_and_names_what_matched() -> None:
    keywords = "microalgae;photobioreactor;omega-3 oils;grow"
    [best] = rank(NEED, [_record(1, keywords=keywords)], RULES)
    assert best.score == pytest.approx(1.0)
    assert set(best.components.values()) == {1.0}
    assert "photobioreactor" in best.shared_keywords and "microalgae" in best.shared_keywords
    why = " ".join(best.reasons)
    for part in (
        "technology offer answers your technology request",
        "Shared keywords:",
        "Same S3 field: bioeconomy",
        "R&D cooperation agreement",
        "Sweden, one of your target countries",
        "Demo entry",
    ):
        assert part in why


def test_rank_puts_the_need_s_words_first_and_marks_what_does_not_fit() -> None:
    text_only = _record(2, s3_fields=("digital",))
    field_only = _record(3, title="Wind", description="Offshore wind.", keywords="wind")
    complementary = _record(4, s3_fields=("food",), title="Wind", description="x", keywords="")
    ranked = rank(NEED, [complementary, field_only, text_only], RULES)
    # the need's words decide; partners that do not fit them come after, marked weak
    assert [(s.id, s.weak) for s in ranked] == [(2, False), (3, True), (4, True)]
    assert not ranked[0].outside_targets


def test_rank_without_a_fitting_text_orders_by_field_and_says_so() -> None:
    field_only = _record(3, title="Wind", description="Offshore wind.", keywords="wind")
    complementary = _record(4, s3_fields=("food",), title="Wind", description="x", keywords="")
    need = replace(NEED, need_description="payroll services", target_countries=())
    ranked = rank(need, [complementary, field_only], RULES)
    assert [s.id for s in ranked] == [3, 4] and all(s.weak for s in ranked)
    assert ranked[1].components["s3_field"] == 0.5  # a complementary field: half
    assert "Complementary S3 field" in " ".join(ranked[1].reasons)


def test_rank_puts_fitting_partners_in_target_countries_first() -> None:
    fits_in_se = _record(5, country="SE")
    fits_in_dk = _record(6, country="DK")
    unrelated_in_se = _record(7, country="SE", title="Wind", description="x", keywords="wind")
    ranked = rank(NEED, [fits_in_dk, fits_in_se], RULES)
    assert [(s.id, s.outside_targets) for s in ranked] == [(5, False), (6, True)]
    elsewhere = rank(NEED, [fits_in_dk, unrelated_in_se], RULES)
    assert [(s.id, s.outside_targets, s.weak) for s in elsewhere] == [
        (6, True, False),
        (7, False, True),
    ]


def test_the_why_names_the_need_s_words_never_generic_ones() -> None:
    need = replace(NEED, need_description="A university lab with photobioreactor services")
    [best] = rank(need, [_record(8, name="Photobioreactor University Labs (demo)")], RULES)
    assert best.shared_keywords == ("photobioreactor",)


def test_candidate_query_encodes_the_hard_filters() -> None:
    query = candidate_query(NEED, RULES, limit=50)
    assert query.profile_types == ("TO",) and query.exclude_country == "FI"
    assert "research_development_cooperation_agreement" in query.partnership_types
    assert "photobioreactor" in query.terms and query.limit == 50
    rdr = candidate_query(PartnerNeed(need_type="RDR", country="EE"), RULES, limit=5)
    assert set(rdr.org_types) == {"rto", "university", "sme"}
    assert rdr.partnership_types == ("research_development_cooperation_agreement",)


def test_need_from_values_reads_what_users_type() -> None:
    need = need_from_values(
        {
            "need_type": "technology request",
            "country": "fi",
            "s3_fields": "Bioeconomy, recycling, nonsense",
            "partner_types": ["Research institute", "University"],
            "partnership_types": "research development cooperation agreement",
            "region": "Uusimaa",
        },
        RULES,
    )
    assert need is not None
    assert (need.need_type, need.country, need.region) == ("TR", "FI", None)
    assert need.s3_fields == ("bio", "circular")
    assert need.partner_types == ("rto", "university")
    assert need.partnership_types == ("research_development_cooperation_agreement",)
    assert need_from_values({"country": "FI"}, RULES) is None
    assert infer_need_type("a test lab for our process", ["test_facility"], RULES) == "TR"
    assert infer_need_type("we are looking for a supplier of films", [], RULES) == "BR"


def test_terms_drop_stop_words_generic_words_and_plurals() -> None:
    assert terms("We need batteries and sensors for the ferries!") == terms("battery sensor ferry")
    assert terms("University labs offering services to SMEs") == []


NEEDS = [
    PartnerNeed(need_type="TR", country="FI", s3_fields=("bio",), need_description="microalgae"),
    PartnerNeed(need_type="BR", country="DE", need_description="biodegradable food packaging"),
    PartnerNeed(need_type="BO", country="PL", s3_fields=("energy",)),
    PartnerNeed(need_type="TO", country="SE", need_description="heat pumps district heating"),
    PartnerNeed(need_type="RDR", country="EE", s3_fields=("health",)),
    PartnerNeed(need_type="TR", country="LT", partnership_types=("investment_agreement",)),
]


def test_suggestions_pass_the_hard_filters(engine: Engine) -> None:
    seed_demo_directory(engine)
    with session(engine) as db:
        for need in NEEDS:
            found = suggest(session=db, need=need, limit=20)
            assert found, need
            complement = RULES.complements[need.need_type]
            accepted = need.partnership_types or RULES.partnership_types_by_need[need.need_type]
            for s in found:
                assert s.country != need.country
                assert s.profile_type in complement.profile_types
                assert not complement.org_types or s.org_type in complement.org_types
                assert any(t in " ".join(s.reasons) for t in ("Open to",))
                assert s.is_demo and s.name.endswith("(demo)")
            assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
            accepted_labels = {RULES.label("partnership_types", t) for t in accepted}
            assert all(any(a in " ".join(s.reasons) for a in accepted_labels) for s in found)
        page_1 = suggest(session=db, need=NEEDS[0], limit=3)
        page_2 = suggest(session=db, need=NEEDS[0], limit=3, offset=3)
        top_6 = suggest(session=db, need=NEEDS[0], limit=6)
    assert [s.id for s in page_1 + page_2] == [s.id for s in top_6]
