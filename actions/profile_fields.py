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

import yaml

from actions.countries import find_country
from bot.config import get_settings

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
}
_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "tkr": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mio": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "milj": 1e6,
    "miljoonaa": 1e6,
    "miljoner": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "mrd": 1e9,
}
_AMOUNT = re.compile(r"(-?\d[\d\s.,]*)\s*([a-zA-Z]+)?")


def entities_of(message: dict[str, Any] | None, entity: str) -> list[dict[str, Any]]:
    """The message's entities of one type, in text order."""
    found = [e for e in (message or {}).get("entities") or [] if e.get("entity") == entity]
    return sorted(found, key=lambda e: e.get("start") or 0)


def named_countries(message: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Country entities named outright, not those a region implies (same span)."""
    region_spans = {(e.get("start"), e.get("end")) for e in entities_of(message, "region")}
    return [
        e
        for e in entities_of(message, "country")
        if (e.get("start"), e.get("end")) not in region_spans
    ]


def need_start(message: dict[str, Any] | None) -> int | None:
    """Where the description of what the SME seeks begins, if the message has one."""
    match = NEED_CUES.search((message or {}).get("text") or "")
    return match.start() if match else None


def need_text(message: dict[str, Any] | None) -> str | None:
    """The part of the message that says what the SME is looking for."""
    text = (message or {}).get("text") or ""
    match = NEED_CUES.search(text)
    if not match:
        return None
    rest = text[match.start() :].strip().rstrip(".!")
    return rest[:500] if len(rest) >= 8 else None


def own_and_target_countries(message: dict[str, Any] | None) -> tuple[str | None, list[str]]:
    """The SME's own country (before any "looking for"), and the countries it looks to."""
    cue = need_start(message)
    own: str | None = None
    targets: list[str] = []
    mentions = [
        (e.get("start") or 0, code_of(e.get("value")))
        for e in entities_of(message, "country") + entities_of(message, "region")
    ]
    for start, code in sorted(mentions):
        known = find_country(code) if code else None
        country = region_country(code or "") or (known.code if known else None)
        if country is None:
            continue  # not a place we know (a model's guess)
        if cue is not None and start >= cue:
            if country not in targets:
                targets.append(country)
        elif own is None:
            own = country
    return own, [c for c in targets if c != own]


def own_region(message: dict[str, Any] | None) -> str | None:
    """The first region named before any "looking for"."""
    cue = need_start(message)
    for entity in entities_of(message, "region"):
        code = code_of(entity.get("value"))
        if code and region_country(code) and (cue is None or (entity.get("start") or 0) < cue):
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
    """The amount in EUR meant for `slot`: named by the words around it, or asked for."""
    text = ((message or {}).get("text") or "").lower()
    amounts = entities_of(message, "money")
    for entity in amounts:
        window = text[max(0, (entity.get("start") or 0) - 40) : (entity.get("end") or 0) + 25]
        pattern = MONEY_CONTEXT.get(slot)
        if pattern is not None and pattern.search(window):
            return amount_eur(entity.get("value"))
    if requested_slot == slot and len(amounts) == 1:
        return amount_eur(amounts[0].get("value"))
    return None


def amount_eur(value: Any) -> float | None:
    """EUR from a money entity value (a dict with `amount_eur`) or a plain number."""
    if isinstance(value, dict):
        value = value.get("amount_eur")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return parse_amount(value) if isinstance(value, str) else None


def parse_amount(text: str) -> float | None:
    """A typed amount: "4 million", "2,5 milj", "300k", "4 000 000"; None if not a number."""
    match = _AMOUNT.search(text.replace("\u00a0", " "))
    if not match:
        return None
    number = match.group(1).strip().replace(" ", "")
    scale = _SCALE.get((match.group(2) or "").lower().rstrip("."), 1.0)
    if "," in number and "." not in number:
        head, _, tail = number.rpartition(",")
        number = head.replace(",", "") + ("." + tail if len(tail) != 3 or scale > 1 else tail)
    number = number.replace(",", "")
    try:
        return float(number) * scale
    except ValueError:
        return None


@lru_cache(maxsize=2)
def _regions(data_dir: Path) -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load((data_dir / "geo" / "regions.yml").read_text(encoding="utf-8"))
    return {str(code): spec for code, spec in (raw.get("regions") or {}).items()}


def region_country(code: str) -> str | None:
    """The ISO country of a NUTS region code, or None if the code is not a known region."""
    spec = _regions(get_settings().DATA_DIR).get(code)
    return str(spec["country"]) if spec else None


def find_region(text: str) -> str | None:
    """A NUTS code from a code, a region name, an alias or a city name."""
    regions = _regions(get_settings().DATA_DIR)
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
    names = (_regions(get_settings().DATA_DIR).get(code) or {}).get("names") or {}
    return str(names.get(language) or names.get("en") or code)


def years_operating(year_founded: int, today: date | None = None) -> tuple[int, int]:
    """Months operating (from the start of the founding year) and closed financial years."""
    today = today or date.today()
    months = (today.year - year_founded) * 12 + today.month - 1
    return max(months, 0), max(today.year - year_founded - 1, 0)


def find_countries(text: str) -> list[str]:
    """ISO codes of the countries named in a list like "Sweden, Estonia and Latvia"."""
    codes: list[str] = []
    for part in re.split(r",|;|\band\b|\bor\b|&|/", text):
        country = find_country(part) if part.strip() else None
        if country is not None and country.code not in codes:
            codes.append(country.code)
    return codes
