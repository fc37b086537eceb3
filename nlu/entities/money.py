"""Money amounts in the currencies of the Baltic Sea Region, converted to euros.

"EUR 2.5M", "€2,5 milj.", "300k euros", "SEK 10 million", "10 MSEK", "5 mnkr", "500 tkr",
"NOK 3m", "PLN 500 000", "DKK 1.2 mio", "2 mio. kr". Rates come from ``data/rates/eur.yml``
(fixed ECB reference rates of one stated date, for demo normalisation).
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlu.entities.base import EntityNormaliser
from nlu.entities.headcount import longest_non_overlapping
from nlu.entities.numbers import NUMBER, SCALE, minus_before, parse_number, scale_factor
from nlu.entities.text import Entity, make_entity

_LETTER = r"(?![a-zåäöæøüõšž])"
# Scale words ("mln", "milj.", "mio.") come from the one table in ``nlu.entities.numbers``;
# "M"/"k"/"t" glued to a currency ("10 MSEK", "500 tkr") are read here.
_GLUED = r"(?:mn|m|k|t)(?=(?:sek|nok|dkk|eur|kr|€|usd|pln))"
_CUR_BEFORE = r"eur|€|sek|nok|dkk|pln|usd|gbp|chf|isk|\$|£|zł"
_CUR_AFTER = (
    r"eurų|eurais|eurus|eurai|euros?|euroa|euron|eur|€|sek|nok|dkk|pln|usd|gbp|chf|isk|kronor|kroner|krona|krone|"
    r"kr\.?|złotych|złoty|zlotys|zlotych|zloty|zł|dollars?|pounds?|\$|£"
)
_BEFORE = re.compile(
    rf"(?<![\w])(?P<cur>{_CUR_BEFORE})\s*(?P<num>{NUMBER})(?:\s*(?P<mult>{SCALE}))?",
    re.IGNORECASE,
)
_AFTER = re.compile(
    rf"(?P<num>{NUMBER})(?:\s*(?P<mult>{SCALE}))?\s*(?P<glued>{_GLUED})?"
    rf"(?P<cur>{_CUR_AFTER}){_LETTER}",
    re.IGNORECASE,
)
_TKR = re.compile(rf"(?P<num>{NUMBER})\s*(?P<cur>tkr|mnkr|mkr){_LETTER}", re.IGNORECASE)
_CODES = {
    "€": "EUR", "euro": "EUR", "euros": "EUR", "euroa": "EUR", "euron": "EUR",
    "eurų": "EUR", "eurais": "EUR", "eurus": "EUR", "eurai": "EUR",
    "$": "USD", "dollar": "USD", "dollars": "USD", "£": "GBP", "pound": "GBP", "pounds": "GBP",
    "zł": "PLN", "złoty": "PLN", "złotych": "PLN", "zloty": "PLN", "zlotys": "PLN",
    "zlotych": "PLN",
}  # fmt: skip
# Every pattern needs a currency: texts without one are skipped cheaply.
_HINT = re.compile(r"eur|€|sek|nok|dkk|pln|usd|gbp|chf|isk|kr|z[łl]|dollar|pound|\$|£", re.I)
_DANISH = re.compile(r"\b(?:danish|denmark|danmark|dkk|mio\.?)\b|\bdanske\b", re.IGNORECASE)
_NORWEGIAN = re.compile(r"\b(?:norway|norwegian|norge|nok)\b", re.IGNORECASE)


def find_money(text: str, rates: dict[str, Any], extractor: str = "MoneyExtractor") -> list[Entity]:
    """Money entities in ``text`` with their value in euros.

    Args:
        text: The message.
        rates: ``{"date": "YYYY-MM-DD", "units_per_eur": {"SEK": 11.459, ...}}``.
        extractor: Extractor name to put on the entities.

    Returns:
        Non-overlapping ``money`` entities whose value is ``{"amount_eur", "currency",
        "amount", "rate", "rate_date"}``, in text order.
    """
    candidates: list[Entity] = []
    if not _HINT.search(text):
        return candidates
    for regex in (_BEFORE, _AFTER, _TKR):
        for match in regex.finditer(text):
            entity = _entity(match, text, rates, extractor)
            if entity is not None:
                candidates.append(entity)
    return longest_non_overlapping(candidates)


def _entity(
    match: re.Match[str], text: str, rates: dict[str, Any], extractor: str
) -> Entity | None:
    groups = match.groupdict()
    mult_text = (groups.get("mult") or groups.get("glued") or "").lower()
    cur_text = groups["cur"].lower()
    if cur_text in ("tkr", "mnkr", "mkr"):
        mult_text, cur_text = cur_text[:-2], "kr"
    number = parse_number(groups["num"], scaled=bool(mult_text))
    if number is None or minus_before(text, match.start()):
        return None  # "-5 000 EUR" is a loss or a typo, never EUR 5 000
    currency = _currency(cur_text, mult_text, text)
    per_eur = rates.get("units_per_eur", {}).get(currency)
    if not per_eur:
        return None
    amount = number * _multiplier(mult_text)
    value = {
        "amount_eur": round(amount / float(per_eur), 2),
        "currency": currency,
        "amount": amount,
        "rate": float(per_eur),
        "rate_date": str(rates.get("date", "")),
    }
    return make_entity("money", match.start(), match.end(), value, text, extractor)


def _multiplier(mult: str) -> float:
    if not mult:
        return 1.0
    if mult == "t":
        return 1e3
    return scale_factor(mult) or 1.0


def _currency(cur: str, mult: str, text: str) -> str:
    """ISO code of a currency word; "kr" is SEK unless the text or multiplier says otherwise."""
    if cur in _CODES:
        return _CODES[cur]
    if cur.upper() in ("EUR", "SEK", "NOK", "DKK", "PLN", "USD", "GBP", "CHF", "ISK"):
        return cur.upper()
    # kronor / krona / kroner / krone / kr: Swedish, Danish or Norwegian crowns
    if mult.startswith("mio") or _DANISH.search(text):
        return "DKK"
    if mult.startswith("mill") or _NORWEGIAN.search(text):
        return "NOK"
    return "NOK" if cur in ("kroner", "krone") else "SEK"


class MoneyEntities(EntityNormaliser):
    """Finds money amounts and converts them to euros with the rates it was built with."""

    extractor = "MoneyExtractor"

    def find(self, doc: Doc) -> list[Entity]:
        return find_money(doc.text, self.data, self.extractor)


@Language.factory("s3_money_v1")
def make_money(nlp: Language, name: str) -> MoneyEntities:
    """Create the money extractor (rates set by ``add_entity_normalisers``)."""
    return MoneyEntities(nlp, name)
