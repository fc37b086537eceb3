"""Staff headcount: "35 employees", "a team of twelve", "35-person company", "15 FTE"."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from nlu.entities.base import EntityNormaliser
from nlu.entities.numbers import NUMBER, RANGE_JOIN, minus_before, parse_number
from nlu.entities.text import Entity, make_entity

MAX_HEADCOUNT = 1_000_000
_QUALIFIER = (
    r"(?P<qual>about|around|approximately|approx\.?|roughly|circa|cirka|ca\.|some|almost|nearly|"
    r"ungefär|omkring|omtrent|knap[pt]?|drygt|noin|apie|beveik|"
    r"over|more than|less than|fewer than|under|up to|at least|~)"
)
_MODIFIER = r"(?:(?:full[- ]?time|part[- ]?time|permanent|regular|in[- ]house|skilled)\s+)?"
# Staff nouns as SMEs type them: chat shortcuts ("ppl", "devs"), typos of "employees", and
# the words of the region's languages, since owners mix them into English ("40 anställda").
_NOUN = (
    r"(?:employees?|employes|employess|emploees|emplyees|empolyees|employeess|empl\.?|"
    r"staff(?:\s+members)?|people|peopl|poeple|ppl|persons?|workers|ftes?|"
    r"full[- ]time equivalents?|team members|members of staff|colleagues|heads|"
    r"engineers|developers|devs|coders|programmers|designers|scientists|researchers|"
    r"specialists|technicians|guys|folks|"
    r"anst[äa]llda|ansatte|ansatt|medarbetare|medarbejdere|työntekijää|työntekijä[äa]?|"
    r"personer|pers|mand|utvecklare|udviklere|utviklere|"
    r"henkeä|hlö|töötajat?|töötajad|darbinieki|darbinieku|darbuotojai|darbuotojų|darbuotojus|"
    r"žmonės|žmonių|"
    r"pracowników|pracownicy|osób|mitarbeiter(?:innen)?|beschäftigte)"
)
_NUM = rf"(?P<num>{NUMBER})"
# People who live somewhere are a population, not staff: "3000 people live there".
_NOT_STAFF = r"(?!\s+(?:live|lives|living|reside|residing)\b)"
_RANGE = rf"(?:{RANGE_JOIN}(?P<num2>{NUMBER}))?"
_PATTERNS = [
    # "about 40 staff", "35 employees", "10-20 people", "15 FTE"
    rf"(?:{_QUALIFIER}\s*)?{_NUM}{_RANGE}\s+{_MODIFIER}{_NOUN}\b{_NOT_STAFF}",
    # "7 full time and 2 part time", "3 part-timers"
    rf"(?:{_QUALIFIER}\s*)?{_NUM}\s+(?:full|part)[- ]?time(?:rs|ers)?\b"
    r"(?![- ]?equivalent|\s+(?:months?|weeks?|years?|days?|hours?)\b)",
    # "35-person company", "a 12-strong team"
    rf"{_NUM}\s*-\s*(?:person|people|man|member|strong|employee|staff)\b",
    # "35 person company"
    rf"{_NUM}\s+(?:person|member|employee)(?=\s+(?:company|firm|team|startup|start-up|business|sme)\b)",
    # "a team of twelve", "headcount is 40", "a workforce of about 200"
    rf"\b(?:team|staff|workforce|headcount|crew)\s+(?:of|is|was|are|:|=|totals?)\s+"
    rf"(?:{_QUALIFIER}\s+)?{_NUM}\b(?!\s*(?:%|percent|years?|months?|eur|euros?|€|k\b))",
    # "we employ 40", "employing around 25"
    rf"\b(?:employ|employs|employing|employed)\s+(?:{_QUALIFIER}\s+)?{_NUM}\b"
    rf"(?!\s*(?:%|percent|years?|months?))(?!{_RANGE}\s+{_MODIFIER}{_NOUN}\b)",
    # "4 of us"
    rf"{_NUM}\s+of\s+us\b",
]
_REGEXES = [re.compile(p, re.IGNORECASE) for p in _PATTERNS]
_SUM_AFTER = re.compile(r"\s*(?:\+|plus\b)\s*\d", re.IGNORECASE)
_SUM_BEFORE = re.compile(r"\d[^\d,.;]{0,20}(?:\+|\bplus)\s*$", re.IGNORECASE)
# Every pattern needs one of these words: texts without any are skipped cheaply.
_HINT = re.compile(
    r"emp|staff|peop|poep|ppl|person|worker|fte|equivalent|member|colleague|heads|engineer|"
    r"dev|coder|programmer|designer|scientist|researcher|specialist|"
    r"technician|guys|folks|strong|team|crew|of us|-man|headcount|workforce|time|"
    r"anst|ansat|medarbe|työnt|henk|hlö|tööt|darb|pracown|osób|mitarbeit|beschäft|"
    r"pers|mand|utveckl|udvikl|utvikl|žmon",
    re.IGNORECASE,
)


def find_headcounts(text: str, extractor: str = "HeadcountExtractor") -> list[Entity]:
    """Headcount entities in ``text``; the value is an int (the upper end of a range).

    Args:
        text: The message.
        extractor: Extractor name to put on the entities.

    Returns:
        Non-overlapping ``headcount`` entities, longest first at each place, in text order.
    """
    candidates: list[Entity] = []
    if not _HINT.search(text):
        return candidates
    for regex in _REGEXES:
        for match in regex.finditer(text):
            entity = _entity(match, text, extractor)
            if entity is not None:
                candidates.append(entity)
    return longest_non_overlapping(candidates)


def _entity(match: re.Match[str], text: str, extractor: str) -> Entity | None:
    groups = match.groupdict()
    values = [parse_number(groups[name]) for name in ("num", "num2") if groups.get(name)]
    if not values or any(v is None or not float(v).is_integer() for v in values):
        return None
    if minus_before(text, match.start("num")):
        return None
    # A term of a sum ("40 devs + 5 admin so 45"): the reader of typed answers adds it up.
    if _SUM_AFTER.match(text, match.end()) or _SUM_BEFORE.search(text, 0, match.start()):
        return None
    value = int(max(v for v in values if v is not None))
    if not 1 <= value <= MAX_HEADCOUNT:
        return None
    extra: dict[str, object] = {}
    if groups.get("qual"):
        extra["qualifier"] = groups["qual"].lower()
    if groups.get("num2"):
        extra["range"] = [int(min(v for v in values if v is not None)), value]
    return make_entity("headcount", match.start(), match.end(), value, text, extractor, **extra)


def longest_non_overlapping(entities: list[Entity]) -> list[Entity]:
    """Keep the longest entities that do not overlap, returned in text order."""
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e["start"] - e["end"], e["start"])):
        if all(entity["end"] <= k["start"] or k["end"] <= entity["start"] for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e["start"])


class HeadcountEntities(EntityNormaliser):
    """Finds staff headcounts and normalises them to an int."""

    extractor = "HeadcountExtractor"

    def find(self, doc: Doc) -> list[Entity]:
        return find_headcounts(doc.text, self.extractor)


@Language.factory("s3_headcount_v1")
def make_headcount(nlp: Language, name: str) -> HeadcountEntities:
    """Create the headcount extractor."""
    return HeadcountEntities(nlp, name)
