"""Reading profile facts from one message: which money is the turnover, which country is home.

Pure functions over the NLU's parse (Rasa's `latest_message`), so one free sentence can fill
several profile slots. No rasa-sdk import: the web API and tests use the same logic.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import nlu
from actions import store
from actions.answers import clauses, owner_kind
from actions.countries import find_country
from nlu import parse_amount, parse_number
from nlu.yaml_reader import read_yaml

# Words after which the rest of a sentence describes what the SME is looking for.
NEED_CUES = re.compile(
    r"\b(looking for|look for|searching for|seeking|we need|we want to find|we'd like to find|"
    r"want to find|need a|need an|need to find|interested in finding)\b",
    re.IGNORECASE,
)
MONEY_CONTEXT = {
    "annual_turnover_eur": re.compile(r"turnover|revenue|sales|liikevaihto|omsättning|omsætning"),
    "balance_sheet_eur": re.compile(r"balance[- ]?sheet|total assets|taseen|balansomslutning"),
    "de_minimis_received_eur": re.compile(r"de ?minimis|state aid|public aid|aid received"),
    # What a business angel put into the company; a municipality's annual budget.
    "linked_invested_eur": re.compile(r"\binvest(?:ed|s|ment)?\b|\bput in\b|\bputs in\b"),
    "linked_budget_eur": re.compile(r"\bbudget\b"),
    # Not a profile slot: an amount that is what a service would cost is none of the above.
    "eligible_cost_eur": re.compile(r"\bcosts?\b|\bprice\b|\bquote\b|\bfor (?:testing|a test)"),
}


# Entity roles (docs/entities.md): facts of other organisations, and where partners are sought.
OTHER_ORGANISATIONS = ("owner", "subsidiary", "investor")
SOUGHT = ("target", "partner", "provider")  # a provider of a service is a partner too
_PERCENT_AFTER = re.compile(r"\s*(%|per ?cent|pct|prosent|procent|proc\.)", re.IGNORECASE)


def entities_of(
    message: dict[str, Any] | None, entity: str, roles: tuple[str | None, ...] = (None,)
) -> list[dict[str, Any]]:
    """The message's entities of one type whose role is one of `roles`, in text order.

    The default, no role, is what the SME says about itself.
    """
    found = [
        e
        for e in (message or {}).get("entities") or []
        if e.get("entity") == entity and e.get("role") in roles
    ]
    return sorted(found, key=lambda e: e.get("start") or 0)


def named_countries(
    message: dict[str, Any] | None, roles: tuple[str | None, ...] = (None,)
) -> list[dict[str, Any]]:
    """Country entities named outright, not those a region implies (same span)."""
    region_spans = {(e.get("start"), e.get("end")) for e in entities_of(message, "region", roles)}
    return [
        e
        for e in entities_of(message, "country", roles)
        if (e.get("start"), e.get("end")) not in region_spans
    ]


def other_organisation_facts(
    message: dict[str, Any] | None, *, answering_about_it: bool
) -> dict[str, Any]:
    """The figures of an owner, subsidiary or investor named in the message, as the
    `linked_*` slots of the enterprise the SME has ownership links with.

    Args:
        message: the NLU's parse of the latest message.
        answering_about_it: the SME is answering a question about that other enterprise, so
            figures without a role are its figures too ("like 10 people").

    Returns:
        Slot values: `linked_relation`, `linked_name`, `linked_share_pct`, `linked_employees`,
        `linked_turnover_eur`, `linked_kind` (who it is, from its words; a named company
        or a subsidiary is an enterprise), and `ownership_links` when a share says which
        kind of link it is. A share under 25 % is no link, so its figures are dropped.
    """
    text = (message or {}).get("text") or ""
    roles: tuple[str | None, ...] = OTHER_ORGANISATIONS + ((None,) if answering_about_it else ())
    # Facts with a role first: "yes more than 50%, we are 100% owned by X" is X's 100 %.
    entities = sorted(
        ((message or {}).get("entities") or []),
        key=lambda e: (e.get("role") is None, e.get("start") or 0),
    )
    facts: dict[str, Any] = {}
    for entity in entities:
        role, kind, value = entity.get("role"), entity.get("entity"), entity.get("value")
        if role not in roles:
            continue
        if role is not None:
            facts.setdefault("linked_relation", role)
        if kind == "company_name" and role is not None and isinstance(value, str):
            facts.setdefault("linked_name", value)
        elif kind == "headcount":
            facts.setdefault("linked_employees", value)
        elif kind == "money":
            facts.setdefault("linked_turnover_eur", amount_eur(value))
        elif kind == "number" and _PERCENT_AFTER.match(text, int(entity.get("end") or 0)):
            facts.setdefault("linked_share_pct", amount_eur(value))
    share = facts.get("linked_share_pct")
    if share is not None and ("linked_relation" in facts or answering_about_it):
        # Under 25 %, the other enterprise's figures do not count. Who holds 25 % or more
        # (`linked_kind`) decides the rest: the SME test reads Annex Art. 3(2) and 3(4).
        if share < 25:
            return {"ownership_links": "none"}
        facts["ownership_links"] = "linked" if share > 50 else "partner"
    if "linked_relation" in facts or answering_about_it:
        kind = owner_kind(message)
        named = "linked_name" in facts or facts.get("linked_relation") == "subsidiary"
        facts["linked_kind"] = kind or ("enterprise" if named else None)
    return {name: value for name, value in facts.items() if value is not None}


def need_text(message: dict[str, Any] | None) -> str | None:
    """The part of the message that says what the SME is looking for."""
    text = (message or {}).get("text") or ""
    match = NEED_CUES.search(text)
    if not match:
        return None
    rest = text[match.start() :].strip().rstrip(".!")
    return rest[:500] if len(rest) >= 8 else None


def place_countries(
    message: dict[str, Any] | None, roles: tuple[str | None, ...] = (None,)
) -> list[str]:
    """ISO codes of the countries named, or implied by a region, with one of `roles`."""
    mentions = [
        (e.get("start") or 0, code_of(e.get("value")))
        for e in entities_of(message, "country", roles) + entities_of(message, "region", roles)
    ]
    codes: list[str] = []
    for _, code in sorted(mentions, key=lambda m: m[0]):
        known = find_country(code) if code else None
        country = region_country(code or "") or (known.code if known else None)
        if country is not None and country not in codes:  # None: not a place we know
            codes.append(country)
    return codes


def own_region(message: dict[str, Any] | None) -> str | None:
    """The first region named without a role: where the SME itself is."""
    for entity in entities_of(message, "region"):
        code = code_of(entity.get("value"))
        if code and region_country(code):
            return code
    return None


def code_of(value: Any) -> str | None:
    """A code from an entity value that is a code, or a dict carrying one."""
    if isinstance(value, dict):
        value = value.get("code") or value.get("nuts") or value.get("iso")
    return str(value) if value else None


def money_for(
    message: dict[str, Any] | None, slot: str, requested_slot: str | None
) -> float | None:
    """The amount in EUR meant for `slot`: the amount its cue words name ("turnover",
    "balance sheet", "de minimis"; see `_money_cues`), or the one amount of an answer to the
    question about it, or a scaled number without a currency next to its cue."""
    text = ((message or {}).get("text") or "").lower()
    amounts = entities_of(message, "money")
    spans = [(int(e.get("start") or 0), int(e.get("end") or 0)) for e in amounts]
    cues = _money_cues(text, spans)
    for entity, span in zip(amounts, spans, strict=True):
        if cues.get(span) == slot:
            return amount_eur(entity.get("value"))
    if requested_slot == slot and len(amounts) == 1 and spans[0] not in cues:
        return amount_eur(amounts[0].get("value"))  # the answer to the question, with no cue
    return _amount_without_currency(text, slot, spans)


def money_cue(message: dict[str, Any] | None, entity: dict[str, Any]) -> str | None:
    """The figure a money entity's cue names ("turnover", "budget", "costs"), or None."""
    text = ((message or {}).get("text") or "").lower()
    spans = [_span(e) for e in entities_of(message, "money")]
    return _money_cues(text, spans).get(_span(entity))


def _span(entity: dict[str, Any]) -> tuple[int, int]:
    return int(entity.get("start") or 0), int(entity.get("end") or 0)


def _amount_without_currency(text: str, slot: str, spans: list[tuple[int, int]]) -> float | None:
    """An amount with a scale word but no currency next to its cue ("4 million balance
    sheet"), read as euros: the NLU's money entity needs a currency, the question does not."""
    pattern = MONEY_CONTEXT.get(slot)
    for cue in pattern.finditer(text) if pattern else ():
        start, end = _clause_around(text, cue.start())
        if any(start <= other[0] < end for other in spans):
            continue
        # The amount after the cue first ("turnover 36 M and balance sheet 28 M"), else the
        # clause's ("4 million balance sheet").
        for clause in (text[cue.start() : end], text[start:end]):
            scaled, plain = parse_amount(clause), parse_number(clause)
            if scaled is not None and plain is not None and scaled > plain:
                return scaled
    return None


def _money_cues(text: str, spans: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The slot each amount's cue names, by the amount's span.

    Cues and amounts are paired one to one, nearest first: a cue pairs with the amount of its
    own clause when the clause has one ("revenue 5,5 M, total assets 3 M"), else with the
    nearest amount within 40 characters; on a tie the amount after the cue wins ("turnover
    2.3 M balance sheet 1.6 M").
    """
    pairs = []
    for slot, pattern in MONEY_CONTEXT.items():
        for cue in pattern.finditer(text):
            clause = _clause_around(text, cue.start())
            inside = [other for other in spans if clause[0] <= other[0] < clause[1]]
            for other in inside if len(inside) == 1 else spans:
                gap = _gap(other, cue.start(), cue.end())
                if gap <= 40:
                    after_cue = other[0] >= cue.end()
                    pairs.append((gap, not after_cue, cue.start(), other, slot))
    taken_cues: set[int] = set()
    paired: dict[tuple[int, int], str] = {}
    for _, _, cue_start, other, slot in sorted(pairs):
        if cue_start not in taken_cues and other not in paired:
            taken_cues.add(cue_start)
            paired[other] = slot
    return paired


def _clause_around(text: str, position: int) -> tuple[int, int]:
    """The clause (`answers.clauses`) of `text` around `position`."""
    return next(
        ((start, end) for start, end in clauses(text) if start <= position < end),
        (position, position),
    )


def _gap(span: tuple[int, int], cue_start: int, cue_end: int) -> int:
    return cue_start - span[1] if cue_start >= span[1] else max(span[0] - cue_end, 0)


def amount_eur(value: Any) -> float | None:
    """EUR from a money entity value (a dict with `amount_eur`), a plain number, or a typed
    amount read by the NLU's rules (`nlu.parse_amount`: "4.500" is 4500, "2,5 mln" 2500000),
    so an answer without a currency is read as the money entity would read it."""
    if isinstance(value, dict):
        value = value.get("amount_eur")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return nlu.parse_amount(value) if isinstance(value, str) else None


@lru_cache(maxsize=2)
def _regions(data_dir: Path) -> dict[str, dict[str, Any]]:
    raw = read_yaml(data_dir / "geo" / "regions.yml")
    return {str(code): spec for code, spec in (raw.get("regions") or {}).items()}


def region_country(code: str) -> str | None:
    """The ISO country of a NUTS region code, or None if the code is not a known region."""
    spec = _regions(store.data_dir()).get(code)
    return str(spec["country"]) if spec else None


def find_region(text: str) -> str | None:
    """A NUTS code from a code, a region name, an alias or a city name."""
    regions = _regions(store.data_dir())
    wanted = text.strip().casefold()
    if text.strip().upper() in regions:
        return text.strip().upper()
    for code, spec in regions.items():
        names = list((spec.get("names") or {}).values()) + list(spec.get("aliases") or [])
        names += list(spec.get("cities") or [])
        if wanted in {str(n).casefold() for n in names}:
            return code
    return None


def region_name(code: str, language: str = "en") -> str:
    """A region's display name."""
    names = (_regions(store.data_dir()).get(code) or {}).get("names") or {}
    return str(names.get(language) or names.get("en") or code)


def closed_years(year_founded: int, today: date | None = None) -> int:
    """Closed financial years of a company founded in `year_founded` (calendar years)."""
    today = today or date.today()
    return max(today.year - year_founded - 1, 0)


def find_countries(text: str) -> list[str]:
    """ISO codes of the countries named in a list like "Sweden, Estonia and Latvia"."""
    codes: list[str] = []
    for part in re.split(r",|;|\band\b|\bor\b|&|/", text):
        country = find_country(part) if part.strip() else None
        if country is not None and country.code not in codes:
            codes.append(country.code)
    return codes
