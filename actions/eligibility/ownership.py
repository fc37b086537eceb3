"""Who holds the company, as Annex Art. 3(2) and 3(4) of Recommendation 2003/361/EC count it.

Some investors holding 25 to 50 % keep the company autonomous (their figures are not added),
and public bodies holding 25 % or more, jointly or alone, make it no SME. Whether an investor
qualifies may depend on figures nobody has given yet; `read_ownership` then reads the open
holdings either way and names the facts that would settle them, so the SME test can tell
whether the answer depends on them (never a guess).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from actions.eligibility.company import CompanyProfile, Enterprise
from actions.eligibility.scheme import OwnerKind, SmeDefinition, pick


@dataclass(frozen=True)
class Holding:
    """One entry of the profile's partner or linked list, with where it stands."""

    group: str  # partner_enterprises | linked_enterprises
    index: int
    enterprise: Enterprise
    linked: bool  # stated as linked (dominant influence), whatever the share

    @property
    def position(self) -> tuple[str, int]:
        """Where the holding stands in the profile: its list and index."""
        return self.group, self.index


@dataclass(frozen=True)
class Ownership:
    """How the holdings count under one reading of the conditions nobody has settled yet."""

    autonomous: tuple[Holding, ...]  # Art. 3(2) investors whose figures are not added
    public_pct: Decimal  # the shares public bodies hold together (Art. 3(4))
    open: tuple[Holding, ...]  # holdings whose treatment depends on unknown figures
    open_facts: tuple[str, ...]  # the facts that would settle them

    def counts(self, holding: Holding) -> bool:
        """Whether the holding's figures are added at all (in proportion or in full)."""
        return all(holding.position != other.position for other in self.autonomous)


def holdings(profile: CompanyProfile) -> tuple[Holding, ...]:
    """Every holding of the profile, partners first, in list order."""
    found = [
        Holding("partner_enterprises", i, e, False)
        for i, e in enumerate(profile.partner_enterprises)
    ]
    found += [
        Holding("linked_enterprises", i, e, True) for i, e in enumerate(profile.linked_enterprises)
    ]
    return tuple(found)


def _kind(enterprise: Enterprise, sme: SmeDefinition) -> OwnerKind | None:
    return sme.owner_kinds.get(enterprise.kind)


def _conditions_met(enterprise: Enterprise, kind: OwnerKind) -> bool | None:
    results = [c.met(getattr(enterprise, c.field)) for c in kind.conditions]
    if False in results:
        return False
    return None if None in results else True


def _in_band(holding: Holding, sme: SmeDefinition) -> bool:
    """A partner holding (25 to 50 %): the only band where Art. 3(2) keeps autonomy."""
    share = holding.enterprise.share_pct
    return not holding.linked and sme.partner_from_pct <= share <= sme.partner_to_pct


def keeps_autonomy(holding: Holding, sme: SmeDefinition) -> bool | None:
    """Art. 3(2): an investor of the list in the partner band that meets its conditions."""
    kind = _kind(holding.enterprise, sme)
    if kind is None or not kind.keeps_autonomy or not _in_band(holding, sme):
        return False
    return _conditions_met(holding.enterprise, kind)


def is_public(holding: Holding, sme: SmeDefinition) -> bool | None:
    """Art. 3(4): a public body, or a local authority that is not one of Art. 3(2)."""
    kind = _kind(holding.enterprise, sme)
    if kind is None or kind.public == "never":
        return False
    if kind.public == "always":
        return True
    if holding.enterprise.share_pct > sme.partner_to_pct or holding.linked:
        return True
    met = _conditions_met(holding.enterprise, kind)
    return None if met is None else not met


def _open_facts(holding: Holding, sme: SmeDefinition) -> list[str]:
    kind = _kind(holding.enterprise, sme)
    conditions = kind.conditions if kind else ()
    return [
        f"{holding.group}.{holding.index}.{c.field}"
        for c in conditions
        if getattr(holding.enterprise, c.field) is None
    ]


def read_ownership(profile: CompanyProfile, sme: SmeDefinition, *, favourable: bool) -> Ownership:
    """The holdings read with every unsettled condition met (`favourable`) or failed."""
    autonomous: list[Holding] = []
    public = Decimal(0)
    open_holdings: list[Holding] = []
    facts: list[str] = []
    for holding in holdings(profile):
        keeps, public_body = keeps_autonomy(holding, sme), is_public(holding, sme)
        if keeps is None or public_body is None:
            open_holdings.append(holding)
            facts += _open_facts(holding, sme)
        if keeps or (keeps is None and favourable):
            autonomous.append(holding)
        if public_body or (public_body is None and not favourable):
            public += holding.enterprise.share_pct
    return Ownership(tuple(autonomous), public, tuple(open_holdings), tuple(facts))


def owner_name(enterprise: Enterprise, sme: SmeDefinition, language: str) -> str:
    """Who the holder is, in words: "a business angel"."""
    kind = _kind(enterprise, sme) or sme.owner_kinds["enterprise"]
    return pick(kind.name, language)
