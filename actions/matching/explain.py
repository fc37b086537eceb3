"""The "why" of a suggestion, from the sentence templates in data/partners/explanations_*.yml."""

from __future__ import annotations

from collections.abc import Sequence

from actions.countries import find_country
from actions.matching.need import PartnerNeed
from actions.matching.rules import MatchingRules
from bot.storage.crud_partners import OrganisationRecord

MAX_KEYWORDS = 4
#: A criterion is named in the reasons when its component reaches this value.
STRONG = 0.75


def explain(
    need: PartnerNeed,
    record: OrganisationRecord,
    components: dict[str, float],
    shared_keywords: Sequence[str],
    accepted_partnership_types: Sequence[str],
    rules: MatchingRules,
) -> tuple[tuple[str, str], ...]:
    """(template name, sentence) pairs naming what matched: direction, keywords, S3 field,
    partnership, country, and where they fit well, partner type and stage; last the demo mark."""
    org = record.organisation
    templates: dict[str, str] = rules.explanations["templates"]
    language = str(rules.explanations.get("language", "en"))
    reasons = [
        "direction",
        templates["direction"].format(
            partner_profile=rules.label("profile_types", org.profile_type),
            need_profile=rules.label("profile_types", need.need_type),
        ),
    ]
    if shared_keywords:
        keywords = ", ".join(shared_keywords[:MAX_KEYWORDS])
        reasons += ["keywords", templates["keywords"].format(keywords=keywords)]
    same = [f for f in record.s3_fields if f in need.s3_fields]
    if same:
        fields = ", ".join(rules.label("s3_fields", f) for f in same)
        reasons += ["s3_same", templates["s3_same"].format(fields=fields)]
    elif components.get("s3_field", 0) > 0:
        reasons += [
            "s3_complementary",
            templates["s3_complementary"].format(
                partner_fields=", ".join(rules.label("s3_fields", f) for f in record.s3_fields),
                fields=", ".join(rules.label("s3_fields", f) for f in need.s3_fields),
            ),
        ]
    shared_types = [t for t in record.partnership_types if t in accepted_partnership_types]
    if shared_types:
        names = ", ".join(rules.label("partnership_types", t) for t in shared_types)
        reasons += ["partnership", templates["partnership"].format(partnership_types=names)]
    country = find_country(org.country)
    country_name = country.name(language) if country else org.country
    key = "target_country" if components.get("target_country") == 1.0 else "country"
    reasons += [key, templates[key].format(country_name=country_name)]
    if components.get("partner_type", 0) >= STRONG:
        org_type = rules.label("org_types", org.org_type)
        reasons += ["partner_type", templates["partner_type"].format(org_type=org_type)]
    if org.stage and components.get("stage", 0) >= STRONG:
        reasons += ["stage", templates["stage"].format(stage=rules.label("stages", org.stage))]
    if org.is_demo:
        reasons += ["demo", templates["demo"]]
    return tuple(zip(reasons[::2], reasons[1::2], strict=True))
