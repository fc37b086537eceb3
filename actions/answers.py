"""Which part of a typed sentence answers a free-text question, so the rest stays facts.

An SME asked for its company's name often answers with more ("Packsense UAB from Kaunas, 14 of
us") or with no name at all ("Kaunas, we make sensors, 14 people"). The name is the clause that
names: not a place, a number, a description or a question. Pure functions over the NLU's parse;
the words that introduce or rule out a name live in `data/profile/answer_words.yml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from actions import store
from nlu.entities.text import fold
from nlu.yaml_reader import read_yaml

MAX_NAME_WORDS = 8
# Entities that are facts, not names: a clause holding one is not the company's name.
FACT_ENTITIES = frozenset(
    {"region", "country", "headcount", "money", "year", "duration", "number", "ownership"}
)
# A name that is only a sector or a partner type ("food tech", "a university") is no name.
KIND_ENTITIES = frozenset({"sector", "partner_type"})
# Where a clause ends: a comma (not a decimal comma, "5,5 M"), semicolon, "!", "?", a line
# break, a full stop before a space or the end, a dash or a plus sign between spaces.
_CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d)|[;!?\n]|\.(?:\s|$)|\s[-–—]\s|\s\+\s")


@lru_cache(maxsize=8)
def answer_words_raw(language: str) -> dict[str, Any]:
    """The answer words of a language as written (English where the language has none)."""
    path = store.data_dir() / "profile" / "answer_words.yml"
    data = read_yaml(path)
    return dict(data.get(language) or data["en"])


@lru_cache(maxsize=8)  # read on every turn of a form, several times
def answer_words(language: str) -> dict[str, tuple[str, ...]]:
    """The word lists of a language's answer words."""
    raw = answer_words_raw(language)
    return {k: tuple(str(w) for w in v) for k, v in raw.items() if isinstance(v, list)}


@lru_cache(maxsize=64)
def _whole_answers(language: str, kind: str) -> frozenset[str]:
    """A list of answer words as whole answers, folded: what a whole answer is compared to."""
    return frozenset(_words(p) for p in answer_words(language)[kind])


def name_answer(message: dict[str, Any] | None, language: str = "en") -> str | None:
    """The company name in a typed answer to "What is your company's name?", or None.

    A name the NLU recognised (a `company_name` entity without a role) wins. Otherwise the
    first clause that is not a fact, a description or a question, with words like "we are"
    before it removed.
    """
    message = message or {}
    text = str(message.get("text") or "")
    if not text.strip() or text.lstrip().startswith("/"):
        return None
    entities = [e for e in message.get("entities") or [] if isinstance(e, dict)]
    for entity in entities:
        if entity.get("entity") == "company_name" and entity.get("role") is None:
            return _clean(str(entity.get("value") or "")) or None
    words = answer_words(language)
    for start, end in clauses(text):
        name = _name_in_clause(text, start, end, entities, words)
        if name:
            return name
    return None


def clauses(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of a text's clauses: split at commas, semicolons, sentence ends,
    dashes and plus signs."""
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _name_in_clause(
    text: str,
    start: int,
    end: int,
    entities: list[dict[str, Any]],
    words: Mapping[str, Sequence[str]],
) -> str | None:
    inside = [e for e in entities if _overlaps(e, start, end)]
    if any(e.get("entity") in FACT_ENTITIES or e.get("role") for e in inside):
        return None
    clause = text[start:end]
    lowered = clause.casefold().strip()
    for intro in sorted(words["name_intros"], key=len, reverse=True):
        if re.match(rf"{re.escape(intro)}\b", lowered):
            offset = len(clause) - len(clause.lstrip()) + len(intro)
            start, clause = start + offset, clause[offset:]
            lowered = clause.casefold().strip()
            break
    else:
        first = lowered.split()[0] if lowered.split() else ""
        if first in words["not_a_name_start"]:
            return None
    name = _clean(clause)
    if not name or is_no_answer(name):
        return None
    if len(name.split()) > MAX_NAME_WORDS or name.split()[0].casefold() in ("a", "an"):
        return None
    kinds = [e for e in entities if e.get("entity") in KIND_ENTITIES and _overlaps(e, start, end)]
    covered = sum(int(e.get("end") or 0) - int(e.get("start") or 0) for e in kinds)
    if kinds and covered >= len(name.replace(" ", "")) * 0.8:
        return None
    return name


def _overlaps(entity: dict[str, Any], start: int, end: int) -> bool:
    return int(entity.get("start") or 0) < end and int(entity.get("end") or 0) > start


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" .:\"'`")


def sought_partner_type(
    message: dict[str, Any] | None, language: str = "en", *, about_partners: bool = False
) -> Any:
    """The value of the first `partner_type` entity that names a partner the SME seeks.

    The NLU gives the role `partner` (or `target`, `provider`) where its cues say so. A
    partner type without a role counts only in an answer about partners, or beside other
    sought places or partners ("a university or a test lab in Finland"), and never right
    after words like "we are" that describe the company itself ("we are an SME"): "can a
    medtech startup get a voucher" names the company, not a partner.
    """
    message = message or {}
    sought_roles = ("partner", "target", "provider")
    about_partners = (
        about_partners
        or str(message.get("text") or "").startswith("/")  # a button says what it means
        or any(e.get("role") in sought_roles for e in message.get("entities") or [])
    )
    text = str(message.get("text") or "").casefold()
    cues = answer_words(language)["self_description"]
    for entity in sorted(message.get("entities") or [], key=lambda e: e.get("start") or 0):
        if entity.get("entity") != "partner_type":
            continue
        if entity.get("role") is None:
            if not about_partners:
                continue
            before = text[: int(entity.get("start") or 0)].strip()
            bare = re.sub(r"\b(a|an|the)$", "", before).strip()
            if any(b.endswith(cue) for cue in cues for b in (before, bare)):
                continue
        elif entity.get("role") not in sought_roles:
            continue
        return entity.get("value")
    return None


def names_home(message: dict[str, Any] | None, language: str = "en") -> bool:
    """Whether the message says where the company itself is: a place without a role in a
    clause that has a home cue ("we are based in", "actually", "not Lithuania")."""
    message = message or {}
    text = str(message.get("text") or "")
    cues = answer_words(language)["home_cues"]
    for entity in message.get("entities") or []:
        if entity.get("entity") not in ("country", "region") or entity.get("role"):
            continue
        start = int(entity.get("start") or 0)
        clause_start = max((s for s, e in clauses(text) if s <= start), default=0)
        before = text[clause_start:start].casefold()
        after = text[int(entity.get("end") or 0) :].casefold()
        if any(re.search(rf"\b{re.escape(cue)}\b", before) for cue in cues):
            return True
        if re.match(r"\s*(instead|not)\b", after):
            return True
    return False


def says_independent(message: dict[str, Any] | None, language: str = "en") -> bool:
    """Whether the message says nobody else owns a share of the company that counts ("no
    owners besides us founders", "the two founders own all of it")."""
    text = _words(str((message or {}).get("text") or ""))
    return any(_has_phrase(text, phrase) for phrase in answer_words(language)["independent"])


def owner_kind(message: dict[str, Any] | None, language: str = "en") -> str | None:
    """Who holds a share, as an owner kind of the SME definition, from the words of the
    message ("a business angel", "the city of Tartu"); the longest phrase found decides."""
    text = _words(str((message or {}).get("text") or ""))
    kinds: dict[str, list[str]] = answer_words_raw(language).get("owner_kinds") or {}
    found = [
        (len(_words(phrase)), kind)
        for kind, phrases in kinds.items()
        for phrase in phrases
        if _has_phrase(text, str(phrase))
    ]
    return max(found)[1] if found else None


def is_no_answer(text: str, language: str = "en") -> bool:
    """Whether a whole answer says nothing ("dunno", "hmm", "not sure")."""
    return _words(text) in _whole_answers(language, "not_a_name")


def means_none(text: str, language: str = "en", kind: str = "none_amount") -> bool:
    """Whether a whole answer means "none" ("we had none", "zero", "nothing received"), or
    with `kind="no_preference"` "anywhere" ("no preference", "dont mind")."""
    return _words(text) in _whole_answers(language, kind)


@lru_cache(maxsize=4096)  # pure; the same phrases and short answers come back every turn
def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w'-]+", fold(text)))


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """The regex that finds a phrase as whole words, compiled once per phrase."""
    return re.compile(rf"(?<![\w'-]){re.escape(_words(phrase))}(?![\w'-])")


def phrase_at(text: str, phrase: str) -> int | None:
    """Where `phrase` stands in `text` as whole words (`text` folded), or None."""
    match = _phrase_pattern(phrase).search(text)
    return match.start() if match else None


def _has_phrase(text: str, phrase: str) -> bool:
    return phrase_at(text, phrase) is not None


def stated_goal(message: dict[str, Any] | None, language: str = "en") -> str | None:
    """The goal a message names in passing ("..., 12 people, we want a voucher"), if any."""
    text = _words(str((message or {}).get("text") or ""))
    goals = _goals(language)
    for goal, phrases in goals.items():
        if any(_has_phrase(text, phrase) for phrase in phrases):
            return goal
    return None


def _goals(language: str) -> dict[str, list[str]]:
    """The goal words of a language."""
    data = answer_words_raw(language).get("goals") or {}
    return {str(goal): [str(p) for p in phrases] for goal, phrases in data.items()}


def switches_goal(message: dict[str, Any] | None, language: str = "en") -> bool:
    """Whether the message says the SME changes what it came for ("forget the voucher")."""
    text = _words(str((message or {}).get("text") or ""))
    return any(_has_phrase(text, phrase) for phrase in answer_words(language)["goal_switch"])


def replaces_earlier(message: dict[str, Any] | None, language: str = "en") -> bool:
    """Whether the message replaces what was said before ("make that Poland instead")."""
    text = _words(str((message or {}).get("text") or ""))
    return any(_has_phrase(text, phrase) for phrase in answer_words(language)["replace_cues"])


def rejected_places(message: dict[str, Any] | None, language: str = "en") -> set[str]:
    """The codes of places the message rules out ("Germany is too expensive, let's say
    Poland"): those in a clause with a word from `rejected_place`."""
    message = message or {}
    text = str(message.get("text") or "")
    cues = answer_words(language)["rejected_place"]
    rejected: set[str] = set()
    for start, end in clauses(text):
        clause = _words(text[start:end])
        if not any(_has_phrase(clause, cue) for cue in cues):
            continue
        for entity in message.get("entities") or []:
            inside = start <= int(entity.get("start") or 0) < end
            if inside and entity.get("entity") in ("country", "region"):
                value = entity.get("value")
                code = value.get("country") if isinstance(value, dict) else value
                rejected.add(str(code))
    return rejected


def renames_company(message: dict[str, Any] | None, language: str = "en") -> bool:
    """Whether the message gives the company's name as such ("our company is called X", "we
    are X"), so that a name the NLU found may replace one already known."""
    message = message or {}
    text = str(message.get("text") or "").casefold()
    intros = answer_words(language)["name_intros"]
    for entity in message.get("entities") or []:
        if entity.get("entity") != "company_name" or entity.get("role"):
            continue
        before = text[: int(entity.get("start") or 0)].strip()
        if any(before.endswith(intro) for intro in intros):
            return True
    return False
