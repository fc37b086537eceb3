"""Company names: the NER's spans cleaned and completed with the company's legal form.

The small NER learns names from a few hundred examples, so it cuts them at odd places: a
span that starts with the full stop before it (". Havsans AS"), a legal form split off
("Stocznia Wiosło" and ". z o.o."), a lower-case "oy" left out. A legal form is the surest
sign of a company name in the region ("UAB", "OÜ", "SIA", "Oy", "ApS", "sp. z o.o."), so this
component, after the entity merger, trims punctuation off company names, extends them over an
adjacent legal form, and adds a name for capitalised words next to a legal form that the NER
missed. The forms are data (``data/names/legal_forms.yml``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlu.components import ENTITIES_ATTR, JsonDataComponent
from nlu.entities.base import found_entities, logger
from nlu.entities.text import Entity, fold, make_entity
from nlu.entities.vocabulary import read_mapping

NAME = "company_name"
EXTRACTOR = "CompanyNameExtractor"
LEGAL_FORMS_FILE = Path("names") / "legal_forms.yml"
# Entities that a company name may contain: "Stockholm Sensorik AB" names a place.
LEXICAL = frozenset({"country", "region", "sector", "partner_type"})
PLACES = frozenset({"country", "region"})
MAX_NAME_WORDS = 4
MAX_FORM_CHARS = 12  # longer than any legal form ("sp. z o.o.", "Aktiengesellschaft" aside)
MIN_NAME_LETTERS = 3
_LEADING = ".,;:!?)]}-–—/ \t\n"
_TRAILING = ",;:!?([{-–—/ \t\n"
_WORD = re.compile(r"[^\W\d_][\w&'’.-]*", re.UNICODE)
_CLAUSE_END = re.compile(r"[,;:!?\n()]|\.(?=\s|$)")
_JOIN = re.compile(r"\s*,\s*|\s+(?:and|or)\s+", re.IGNORECASE)


def legal_form_data(data_dir: Path, language: str) -> dict[str, Any]:
    """Read the legal forms file into the component's JSON state.

    Args:
        data_dir: The data directory (holding ``names/``).
        language: Language whose stop words end a name read back from its form.

    Returns:
        ``{"suffixes", "prefixes", "exact_case", "stop_words"}``; empty lists if the file
        is missing.

    Raises:
        NluDataError: If the file is malformed.
    """
    path = Path(data_dir) / LEGAL_FORMS_FILE
    if not path.is_file():
        return {}
    raw = read_mapping(path)
    stop = (raw.get("stop_words") or {}).get(language) or []
    return {
        "suffixes": sorted({str(f) for f in raw.get("suffixes") or []}, key=len, reverse=True),
        "prefixes": sorted({str(f) for f in raw.get("prefixes") or []}, key=len, reverse=True),
        "exact_case": sorted({str(f) for f in raw.get("exact_case") or []}),
        "name_heads": sorted({str(f) for f in raw.get("name_heads") or []}),
        "stop_words": sorted({fold(str(w)) for w in stop}),
    }


def _form_pattern(forms: list[str]) -> str:
    """One alternation of legal forms; a final dot is optional, spaces may vary."""
    parts = []
    for form in forms:
        body = re.escape(form.rstrip(".")).replace(r"\ ", r"\s*")
        parts.append(body + (r"\.?" if form.endswith(".") else ""))
    return "|".join(parts)


class CompanyNames(JsonDataComponent):
    """Cleans and completes ``company_name`` entities (see the module docstring)."""

    def _compile(self) -> None:
        exact = set(self.data.get("exact_case", []))
        self._stop = set(self.data.get("stop_words", []))
        self._suffix = self._regexes([f for f in self.data.get("suffixes", [])], exact)
        self._prefix = self._regexes([f for f in self.data.get("prefixes", [])], exact)
        heads = self.data.get("name_heads", [])
        self._heads = self._regexes(heads, set(heads))

    @staticmethod
    def _regexes(forms: list[str], exact: set[str]) -> list[re.Pattern[str]]:
        loose = [f for f in forms if f not in exact]
        strict = [f for f in forms if f in exact]
        found = []
        for group, flags in ((loose, re.IGNORECASE), (strict, 0)):
            if group:
                pattern = rf"(?<![\w/])(?:{_form_pattern(group)})(?![\w/&])"
                found.append(re.compile(pattern, flags))
        return found

    def has_legal_form(self, text: str) -> bool:
        """Whether the text names a legal form ("Oy", "sp. z o.o."): a sign of a company."""
        return any(regex.search(text) for regex in (*self._suffix, *self._prefix))

    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.set(ENTITIES_ATTR, self.complete(doc.text, found_entities(doc)))
        except Exception:  # keep the names as they were rather than fail the turn
            logger.exception("company names failed on a message of %d characters", len(doc.text))
        return doc

    def complete(self, text: str, entities: list[Entity]) -> list[Entity]:
        """The entities with company names trimmed, completed and added.

        Args:
            text: The message.
            entities: The merged entities, in text order.

        Returns:
            The entities in text order; place, sector and partner-type entities inside a
            completed name are dropped (the name's words, not statements).
        """
        if not self._suffix:
            return entities
        names: list[Entity] = []
        for entity in entities:
            if entity["entity"] != NAME:
                continue
            places = [e for e in entities if e["entity"] in PLACES]
            for part in self._split(entity, text):
                if self._trim(part, text):
                    self._drop_sentence_opener(part, text)
                    self._extend(part, text, places)
                    names.append(part)
        kept = [e for e in entities if e["entity"] != NAME] + names
        names = self._merge(names)
        kept = [e for e in kept if e["entity"] != NAME or any(e is n for n in names)]
        for start, end in self._unnamed(text, names + kept):
            found = make_entity(NAME, start, end, text[start:end], text, EXTRACTOR)
            names.append(found)
            kept.append(found)
        kept = [
            e
            for e in kept
            if not (
                e["entity"] in LEXICAL
                and any(n["start"] <= e["start"] and e["end"] <= n["end"] for n in names)
            )
        ]
        return sorted(kept, key=lambda e: (e["start"], e["end"]))

    def _split(self, entity: Entity, text: str) -> list[Entity]:
        """Two names the NER joined ("Baltic Angels Network and Vilnius Tech Fund"): split
        after a legal form or an institution word followed by "and", "or" or a comma."""
        start, end = int(entity["start"]), int(entity["end"])
        parts: list[Entity] = []
        for match in _JOIN.finditer(text, start, end):
            if match.end() < end and self._ends_with_form(text, start, match.start(), heads=True):
                parts.append({**entity, "start": start, "end": match.start()})
                start = match.end()
        if not parts:
            return [entity]
        parts.append({**entity, "start": start, "end": end})
        for part in parts:
            _set_span(part, part["start"], part["end"], text)
        return parts

    @staticmethod
    def _trim(entity: Entity, text: str) -> bool:
        """Strip punctuation the NER took into a name (". Havsans AS"); False if nothing left."""
        start, end = int(entity["start"]), int(entity["end"])
        while start < end and text[start] in _LEADING:
            start += 1
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if sum(ch.isalpha() for ch in text[start:end]) < MIN_NAME_LETTERS:
            return False  # "No." or "Hi" taken for a name
        _set_span(entity, start, end, text)
        return True

    def _drop_sentence_opener(self, entity: Entity, text: str) -> None:
        """Leave out a first word that is capitalised only because it opens the sentence and is
        no name word ("Can Östgöta Drönare AB get a voucher?": a question's "Can"), when a name
        remains after it."""
        start, end = int(entity["start"]), int(entity["end"])
        while True:  # "Hi. Does Kotka Fibre Oy": both words open a sentence
            opens = not text[:start].strip() or text[:start].rstrip()[-1] in ".!?"
            word = _WORD.match(text, start)
            if not opens or word is None or fold(word.group().rstrip(".")) not in self._stop:
                break
            rest = word.end() + _spaces(text, word.end())
            if rest >= end or sum(ch.isalpha() for ch in text[rest:end]) < MIN_NAME_LETTERS:
                break
            start = rest
        if start != int(entity["start"]):
            _set_span(entity, start, end, text)

    def _extend(self, entity: Entity, text: str, places: list[Entity]) -> None:
        """Take an adjacent legal form into the name ("Merenkurkun Energia" + "oy"), and
        capitalised words right after it that name no place ("Baltic Green" + "Energy")."""
        start, end = int(entity["start"]), int(entity["end"])
        start, end = self._around_form(text, start, end)
        while not self._ends_with_form(text, start, end, heads=True):
            word = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
            if word is None or not word.group()[:1].isupper() or fold(word.group()) in self._stop:
                break
            if any(_overlap({"start": word.start(), "end": word.end()}, p) for p in places):
                break
            if self._form_start(text, start, word.end()) is not None:
                break  # a legal form: taken below, with its dots
            end = word.end()
        for regex in self._heads + self._suffix:
            match = regex.match(text, end + _spaces(text, end))
            if match and match.start() > end and not self._ends_with_form(text, start, end):
                end = match.end()
        form = self._form_start(text, start, end)
        if form is not None:  # "Stockholm Sensorik AB", of which the NER took "Sensorik AB"
            first = self._words_before(text, form, lower_case=False)
            start = min(start, first) if first is not None else start
        for regex in self._prefix:
            before = text[:start].rstrip()
            for match in regex.finditer(before, max(0, len(before) - 8)):
                if match.end() == len(before) and len(before) < start:
                    start = match.start()
        _set_span(entity, start, end, text)

    def _around_form(self, text: str, start: int, end: int) -> tuple[int, int]:
        """A span that is only (a piece of) a legal form ("z o.o." of "Stocznia Wiosło sp. z
        o.o."): the whole form with the capitalised words before it, which are the name."""
        window = (max(0, start - MAX_FORM_CHARS), min(len(text), end + MAX_FORM_CHARS))
        for regex in self._suffix:
            for match in regex.finditer(text, *window):
                if match.start() <= start < match.end() and end <= match.end():
                    first = self._words_before(text, match.start(), lower_case=False)
                    if first is not None:
                        return first, match.end()
        return start, end

    def _form_start(self, text: str, start: int, end: int) -> int | None:
        """Where the legal form that ends ``text[start:end]`` starts, if one does."""
        for regex in self._suffix:
            for match in regex.finditer(text, start, end):
                if match.end() == end and match.start() > start:
                    return match.start()
        return None

    def _ends_with_form(self, text: str, start: int, end: int, *, heads: bool = False) -> bool:
        """Whether ``text[start:end]`` ends with a legal form (or an institution word)."""
        regexes = self._suffix + (self._heads if heads else [])
        return any(m.end() == end for regex in regexes for m in regex.finditer(text, start, end))

    @staticmethod
    def _merge(names: list[Entity]) -> list[Entity]:
        """Drop names inside a longer one (the split-off ". z o.o." of a completed name)."""
        kept: list[Entity] = []
        for entity in sorted(names, key=lambda e: (e["start"] - e["end"], e["start"])):
            if not any(_overlap(entity, k) for k in kept):
                kept.append(entity)
        return kept

    def _unnamed(self, text: str, entities: list[Entity]) -> list[tuple[int, int]]:
        """Spans of names next to a legal form that no entity other than a place, sector or
        partner type covers yet."""
        spans: list[tuple[int, int]] = []
        taken = [e for e in entities if e["entity"] not in LEXICAL]
        for regex in self._suffix:
            for match in regex.finditer(text):
                start = self._words_before(text, match.start())
                if start is not None:
                    spans.append((start, match.end()))
        for regex in self._heads:  # "Oulu Test Lab": a head needs a capitalised word before
            for match in regex.finditer(text):
                start = self._words_before(text, match.start(), lower_case=False)
                if start is not None:
                    spans.append((start, match.end()))
        for regex in self._prefix:
            for match in regex.finditer(text):
                end = self._words_after(text, match.end())
                if end is not None:
                    spans.append((match.start(), end))
        # A span that one known term covers is that term ("Enterprise Europe Network").
        known = {(e["start"], e["end"]) for e in entities if e["entity"] in LEXICAL}
        spans = [span for span in spans if span not in known]
        free: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            span = {"start": start, "end": end}
            if not any(_overlap(span, e) for e in taken) and not any(
                _overlap(span, {"start": s, "end": e}) for s, e in free
            ):
                free.append((start, end))
        return free

    def _words_before(self, text: str, at: int, *, lower_case: bool = True) -> int | None:
        """Start of the name before a legal form: capitalised words of the same clause, or
        (``lower_case``) the whole clause when it is only a few words ("kalevan leipomo oy")."""
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, at)), default=0)
        words = list(_WORD.finditer(text, clause_start, at))
        chosen: list[re.Match[str]] = []
        for word in reversed(words):
            if fold(word.group()) in self._stop or len(chosen) == MAX_NAME_WORDS:
                break
            if not word.group()[:1].isupper():
                break
            chosen.insert(0, word)
        if chosen:
            return chosen[0].start()
        if not lower_case:
            return None
        plain = [w for w in words if fold(w.group()) not in self._stop]
        if (
            words
            and 0 < len(plain) == len(words) <= 3
            and not text[clause_start:at].strip(" \t").startswith(tuple("0123456789"))
        ):
            return words[0].start()
        return None

    def _words_after(self, text: str, at: int) -> int | None:
        """End of the capitalised words after a prefix form ("UAB Šviesos Kirtis")."""
        end = None
        for count, word in enumerate(_WORD.finditer(text, at)):
            gap = text[end if end is not None else at : word.start()]
            if count == MAX_NAME_WORDS or gap.strip() or not word.group()[:1].isupper():
                break
            if fold(word.group()) in self._stop:
                break
            end = word.end()
        return end


def _spaces(text: str, at: int) -> int:
    count = 0
    while at + count < len(text) and text[at + count] in " \t":
        count += 1
    return count


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def _set_span(entity: Entity, start: int, end: int, text: str) -> None:
    entity["start"], entity["end"] = start, end
    entity["value"] = text[start:end]
    if "raw" in entity:
        entity["raw"] = text[start:end]


@Language.factory("s3_company_names_v1")
def make_company_names(nlp: Language, name: str) -> CompanyNames:
    """Create the company name component (legal forms are set before training)."""
    return CompanyNames(nlp, name)
