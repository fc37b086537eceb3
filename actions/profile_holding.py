"""Which questions about the other enterprise matter, as the SME definition counts holdings.

The profile form asks about one owner, subsidiary or investor. Who it is (`linked_kind`)
decides what else matters: a business angel's investment or a municipality's budget and
inhabitants only for a share of 25 to 50 %, and its staff and figures only when they are
added to the company's (not for an investor that keeps the company autonomous, nor for a
public body, which makes it no SME). The engine's own reading of Annex Art. 3 decides, so the
form never asks what cannot change the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actions.eligibility import load_scheme, vouchers_dir
from actions.eligibility.action import HOLDING_SLOTS, PARTNER_SHARE_IF_UNKNOWN
from actions.eligibility.company import CompanyProfile
from actions.eligibility.ownership import Holding, holdings, is_public, keeps_autonomy

FIGURE_SLOTS = ("linked_employees", "linked_turnover_eur", "linked_balance_sheet_eur")
CONDITION_SLOTS = {
    HOLDING_SLOTS[name]: name for name in ("invested_eur", "budget_eur", "inhabitants")
}


def owner_kinds() -> tuple[str, ...]:
    """The owner kinds of the SME definition (sme_definition.yml), `enterprise` first."""
    return tuple(load_scheme(vouchers_dir()).sme.owner_kinds)


def _holding(slots: Mapping[str, Any], links: str) -> Holding:
    """The one holding the profile form asks about, as the engine reads it."""
    share = slots.get("linked_share_pct")
    if share is None:
        share = 100 if links == "linked" else PARTNER_SHARE_IF_UNKNOWN
    entry = {key: slots.get(slot) for key, slot in HOLDING_SLOTS.items()}
    profile = CompanyProfile.from_mapping({f"{links}_enterprises": [{**entry, "share_pct": share}]})
    [holding] = holdings(profile)
    return holding


def keeps_company_autonomous(slots: Mapping[str, Any]) -> bool:
    """Whether the partner holding asked about is an investor that keeps the company
    autonomous (Annex Art. 3(2)): its figures are not added."""
    if slots.get("ownership_links") != "partner" or slots.get("linked_kind") is None:
        return False
    return keeps_autonomy(_holding(slots, "partner"), load_scheme(vouchers_dir()).sme) is True


def unneeded_questions(slots: Mapping[str, Any]) -> set[str]:
    """The `linked_*` questions whose answers cannot change the SME test now."""
    links = slots.get("ownership_links")
    kind = slots.get("linked_kind")
    if links not in ("partner", "linked") or kind is None:
        return set(CONDITION_SLOTS)  # the kind is asked first
    sme = load_scheme(vouchers_dir()).sme
    holding = _holding(slots, str(links))
    share = holding.enterprise.share_pct
    conditions = (
        {c.field for c in sme.owner_kinds[kind].conditions} if kind in sme.owner_kinds else set()
    )
    in_band = links == "partner" and share <= sme.partner_to_pct
    unneeded = {
        slot for slot, name in CONDITION_SLOTS.items() if name not in conditions or not in_band
    }
    keeps, public = keeps_autonomy(holding, sme), is_public(holding, sme)
    if keeps is not False or public is not False:  # autonomous, public, or not settled yet
        unneeded |= set(FIGURE_SLOTS)
    return unneeded
