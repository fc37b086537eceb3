"""Answering free questions from the modules: BM25 over module steps, places and synonyms.

Each step of each module is a passage. Its text becomes terms through the shared
`nlu.search_terms` (folded, stop words out, Snowball-stemmed), the same as partner matching,
so "vouchers", "voucher's" and "voucher" meet. Before it is ranked, a question is read:

* **Clauses.** A clause that does not ask and speaks of the company ("we make windows in
  Vilnius, 25 staff - how can we take part?") states facts: its words weigh FACT_WEIGHT, so
  the question decides. A clause that neither asks nor speaks of the company names the subject
  ("EDP in smart specialisation, what does it mean?") and weighs fully.
* **Places.** A country, region or town in any form the geo data knows ("Skåne", "Tartu",
  "Trondheim", "Gdynia"; `nlu.places`) selects its country's module, and inside it the step
  about that region, by a boost; asked about with a word such as "priorities" or "national"
  outside a fact clause, it multiplies the topic score in that module (PLACE_FOCUS_FACTOR).
  Without a place, the SME's own country and region (from its profile) get a smaller boost, a
  larger one when the question says "my region".
* **Synonyms.** A phrase of a synonym group (the `synonyms` of data/content/<lang>/retrieval.yml:
  "RIS3", "smart specialisation strategy"; "have a say", "take part") adds the group's key
  term on both sides, so an abbreviation meets the words the content spells out. Phrases are
  matched with their stop words, which often make the phrase.
* **Typos.** A long word one edit from exactly one index term is read as that term, and one
  edit from a stop word as a stop word ("specialisaton").

Whether a question is answered at all is judged on its *topic* (the words that are not a
place): "what is the VAT rate in Latvia" names a country with a module, but nothing in the
modules speaks of VAT, so it is declined instead of answered with Latvia's priorities. With
the `embeddings` extra installed, the best RERANK_DEPTH passages of a question that is answered
are re-ranked by meaning (`actions.content.semantic`); which questions are declined does not
change.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from actions.content import semantic
from actions.content.modules import Module, load_modules
from nlu.entities.lexicon import within_one_edit
from nlu.entities.text import fold
from nlu.places import Place, places_in
from nlu.search_terms import search_terms, stem
from nlu.yaml_reader import read_yaml

K1, B = 1.2, 0.75
TITLE_WEIGHT = 2  # a step's and module's title words count this many times
COUNTRY_BOOST, REGION_BOOST = 1.15, 1.35  # the SME's own country module, and its region's step
UNKNOWN_OWN_PLACE = 0.6  # "my region" from an SME whose region is not known yet
PLACE_BONUS, PLACE_REGION_BONUS = 1.0, 3.0  # added for the place a question names
PLACE_FOCUS_FACTOR = 1.6  # multiplies the topic score in the module of a country asked about
MENTION_BONUS = 2.0  # added to a step that names the place the question names
RERANK_MARGIN = 0.6  # re-rank only when another module comes this close (chosen on tuning sets)
RERANK_DEPTH = 10  # passages the embedding model re-ranks, when installed
SEMANTIC_WEIGHT = 6.0  # cosine similarity's weight beside the BM25 score relative to the best
MIN_PLACE_SCORE = 2.5  # the topic score that answers inside the module of a named place
PLACE_PROFILE_BONUS = 10.0  # puts a place's profile step first when that is all one asks
MIN_ONE_WORD_SCORE = 4.0  # a step that shares one word with the question needs more
FUZZY_MIN_LETTERS = 6  # shorter terms are not corrected for typos
MIN_SCORE = 3.5  # below this the best passage's topic does not answer; chosen on the tuning half
FACT_WEIGHT = 0.5  # weight of the words of a clause that states facts beside the question
WORDS_FILE = "retrieval.yml"
_CLAUSE_BREAK = re.compile(r"[,;:.!?]+\s|\s[-–—]+\s|[.!?]+$")


@dataclass(frozen=True)
class RetrievalWords:
    """A language's words of retrieval (data/content/<lang>/retrieval.yml)."""

    stop_words: tuple[str, ...] = ()
    own_place: tuple[str, ...] = ()
    question_words: tuple[str, ...] = ()
    self_words: tuple[str, ...] = ()
    about_a_place: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Passage:
    """One module step as a retrievable unit; `step` is its index in file order."""

    module_id: str
    module_title: str
    step: int
    title: str
    text: str
    country: str | None
    region: str | None
    #: Countries and regions (NUTS codes) the step's text names, in any form.
    mentions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit:
    """A passage for one question: `score` ranks, `topic_score` (places left out) answers."""

    passage: Passage
    score: float
    topic_score: float
    in_named_place: bool = False
    #: How many of the question's topic words the step holds (synonym keys not counted).
    words: int = 0
    #: The step a question that asks only about a place is answered with.
    place_profile: bool = False
    #: Put first by its meaning, in a question that another passage's words answer.
    vouched: bool = False


@dataclass(frozen=True)
class Query:
    """A question read for retrieval: its topic terms and the places it names."""

    #: Each topic term with its weight: 1 in the clause that asks, FACT_WEIGHT in the others.
    topic: dict[str, float]
    places: tuple[Place, ...]
    own_place: bool
    #: Names a place and asks nothing but its S3 profile ("Tartu priorities?").
    only_about_place: bool = False
    #: Countries whose S3 the question asks about: a place named outside the clauses that state
    #: company facts (anywhere, with "our region"), asked about with a word such as
    #: "priority", "national" or "fields" ("is circular economy a priority in Poland?").
    focus: frozenset[str] = frozenset()


class Synonyms:
    """Synonym groups as stemmed phrases; a phrase found in a text adds its group's key."""

    def __init__(self, groups: Iterable[Iterable[str]], language: str) -> None:
        self.phrases: list[tuple[tuple[str, ...], str]] = []
        for number, group in enumerate(groups):
            for phrase in group:
                words = tuple(every_word(str(phrase), language))
                if words:
                    self.phrases.append((words, f"~{number}"))

    def keys(self, words: list[str]) -> list[str]:
        """The group keys of every phrase that occurs, word after word, in `words`."""
        found = []
        for phrase, key in self.phrases:
            size = len(phrase)
            if any(tuple(words[i : i + size]) == phrase for i in range(len(words) - size + 1)):
                found.append(key)
        return found


class ContentIndex:
    """A BM25 index over every step of a set of modules."""

    def __init__(
        self,
        modules: list[Module],
        language: str = "en",
        words: RetrievalWords | None = None,
        *,
        meaning: semantic.SemanticScores | None = None,
    ) -> None:
        """`meaning`, when given, scores the passages' meaning (the `embeddings` extra); it
        must hold the passages in the order `passage_texts(modules)` gives."""
        words = words or RetrievalWords()
        self.language = language
        self.modules = {m.id: m for m in modules}
        self.by_country = {m.country: m for m in modules if m.country}
        self.synonyms = Synonyms(words.synonyms, language)
        self._own_place = _phrase_pattern(words.own_place)
        self._question_words = frozenset(fold(w) for w in words.question_words)
        self._self_words = frozenset(fold(w) for w in words.self_words)
        self._stop = {fold(w) for w in words.stop_words}
        self._stop |= {stem(w, language) for w in self._stop}
        self._about_place = {
            term
            for word in words.about_a_place
            for raw in [search_terms(word, language)]
            for term in [*raw, *self.synonyms.keys(every_word(word, language))]
        }
        self._idf: dict[str, float] = {}  # filled once the documents are read
        self._meaning = meaning
        self._at: dict[int, int] = {}  # a passage's position, by identity
        self.passages: list[Passage] = []
        self._docs: list[Counter[str]] = []
        for module in modules:
            for number, step in enumerate(module.steps):
                self.passages.append(
                    Passage(
                        module.id,
                        module.title,
                        number,
                        step.title,
                        step.body,
                        module.country,
                        step.region,
                        _mentions(places_in(f"{step.title} {step.body}", language)),
                    )
                )
                self._at[id(self.passages[-1])] = len(self.passages) - 1
                titles = " ".join([module.title, step.title] * TITLE_WEIGHT)
                self._docs.append(Counter(self.terms(f"{titles} {step.body}")))
        lengths = [sum(doc.values()) for doc in self._docs]
        self._lengths = lengths
        self._average = sum(lengths) / max(len(lengths), 1)
        frequency: Counter[str] = Counter(t for doc in self._docs for t in doc)
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self._by_first: dict[str, list[str]] = {}
        for term in sorted(self._idf):
            if len(term) >= FUZZY_MIN_LETTERS - 1 and term.isalpha():
                self._by_first.setdefault(term[0], []).append(term)

    def terms(self, text: str) -> list[str]:
        """The index terms of a text: its words' stems without stop words, and synonym keys."""
        words = search_terms(text, self.language)
        kept = [w for w in words if not self._is_stop(w)]
        return kept + self.synonyms.keys(every_word(text, self.language))

    def read(self, question: str, country: str | None = None, region: str | None = None) -> Query:
        """Split a question into its topic and the places it names; "my region" names the
        SME's own `country` and `region` when they are known."""
        places = tuple(places_in(question, self.language))
        own_place = self.asks_about_own_place(question)
        if own_place and country and not any(p.country in self.by_country for p in places):
            places = (*places, Place(str(country).upper(), region, 0, 0))
        topic = question
        for place in places:  # blanked, not cut, so clause spans stay those of the question
            topic = f"{topic[: place.start]}{' ' * (place.end - place.start)}{topic[place.end :]}"
        clauses = self._clauses(topic)
        weights: dict[str, float] = {}
        for begin, end, weight in clauses:
            for term in self.terms(topic[begin:end]):
                known = self._known(term)
                weights[known] = max(weights.get(known, 0.0), weight)
        asked = {term for term, weight in weights.items() if weight == 1.0}  # not the facts
        facts = [(begin, end) for begin, end, weight in clauses if weight < 1.0]
        about = [p for p in places if own_place or not _within(p, facts)]
        only_place = any(p.country in self.by_country for p in about) and (
            asked <= self._about_place
        )
        focus = frozenset(p.country for p in about) if asked & self._about_place else frozenset()
        return Query(weights, places, own_place, only_place, focus)

    def _clauses(self, text: str) -> list[tuple[int, int, float]]:
        """The clauses of a message as (start, end, weight): where a message mixes facts about
        the company with a question ("we make windows in Vilnius, 25 staff - how can we take
        part?"), the facts weigh FACT_WEIGHT, so the question decides."""
        spans, begin = [], 0
        for match in [*_CLAUSE_BREAK.finditer(text), None]:
            end = match.start() if match else len(text)
            if text[begin:end].strip():
                spans.append((begin, end))
            begin = match.end() if match else len(text)
        facts = {
            (a, b)
            for a, b in spans
            if not self._is_question(text[a:b]) and self._speaks_of_self(text[a:b])
        }
        if not facts or len(facts) == len(spans):
            return [(0, len(text), 1.0)]
        return [(a, b, FACT_WEIGHT if (a, b) in facts else 1.0) for a, b in spans]

    def _speaks_of_self(self, clause: str) -> bool:
        """Whether a clause speaks of the SME ("we make windows", "our firm", "8 person
        startup in Tartu"): only such a clause states facts beside the question; another clause
        that does not ask ("EDP in smart specialisation, what does it mean") names its subject."""
        words = fold(clause).split()
        return any(w in self._self_words for w in words) or any(c.isdigit() for c in clause)

    def _is_question(self, clause: str) -> bool:
        words = fold(clause).split()
        return clause.rstrip().endswith("?") or bool(words and words[0] in self._question_words)

    def asks_about_own_place(self, question: str) -> bool:
        """Whether a question speaks of the SME's own place ("my region", "where we are")."""
        return self._own_place is not None and bool(self._own_place.search(fold(question)))

    def _is_stop(self, term: str) -> bool:
        """A stop word, or a typo of a long one ("specialisaton")."""
        if term in self._stop:
            return True
        if (
            not self._idf
            or term in self._idf
            or len(term) < FUZZY_MIN_LETTERS
            or not term.isalpha()
        ):
            return False
        return any(len(s) >= FUZZY_MIN_LETTERS - 1 and within_one_edit(term, s) for s in self._stop)

    def _known(self, term: str) -> str:
        """An index term one typo away from a term the index lacks ("inov" -> "innov"), if
        exactly one is; else the term itself."""
        if term in self._idf or len(term) < FUZZY_MIN_LETTERS or not term.isalpha():
            return term
        near = [t for t in self._by_first.get(term[0], ()) if within_one_edit(term, t)]
        return near[0] if len(near) == 1 else term

    def search(
        self, question: str, *, country: str | None = None, region: str | None = None, k: int = 3
    ) -> list[Hit]:
        """The `k` best passages for a question, best first.

        `country` and `region` are the SME's own (its profile); a place the question names
        counts more than them.
        """
        query = self.read(question, country, region)
        hits = []
        for passage, doc, length in zip(self.passages, self._docs, self._lengths, strict=True):
            topic = sum(w * self._term_score(t, doc, length) for t, w in query.topic.items())
            place = self._named_place_bonus(passage, query)
            profile = (
                query.only_about_place and place > 0 and self._is_place_profile(passage, query)
            )
            if topic <= 0 and not profile:
                continue
            topic *= self._profile_boost(passage, query, country, region)
            if passage.country in query.focus:
                topic *= PLACE_FOCUS_FACTOR
            score = topic + place + (PLACE_PROFILE_BONUS if profile else 0.0)
            in_place = passage.country is not None and place > 0
            words = sum(1 for t in query.topic if t in doc and not t.startswith("~"))
            hits.append(Hit(passage, score, topic, in_place, words, profile))
        hits.sort(key=lambda h: (-h.score, h.passage.module_id, h.passage.step))
        if self._meaning is not None and hits and answers(hits[0]) and self._close(hits):
            hits = self._reranked(question, hits)
        return hits[:k]

    @staticmethod
    def _close(hits: list[Hit]) -> bool:
        """Whether another module's best passage comes within RERANK_MARGIN of the best one:
        only then is meaning asked to decide (embedding a question costs far more than BM25)."""
        best = hits[0]
        rival = next((h for h in hits if h.passage.module_id != best.passage.module_id), None)
        return rival is not None and rival.score >= RERANK_MARGIN * best.score

    def _reranked(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The best RERANK_DEPTH hits that answer, ordered by their BM25 score relative to the
        best one plus SEMANTIC_WEIGHT times their meaning's similarity; the rest after them.
        Only passages that answer compete, so whether a question is declined stays BM25's."""
        assert self._meaning is not None
        similarity = self._meaning.similarities(question)
        best = hits[0].score
        competing = [h for h in hits[:RERANK_DEPTH]]
        competing.sort(
            key=lambda h: -(h.score / best + SEMANTIC_WEIGHT * similarity[self._at[id(h.passage)]])
        )
        chosen = {id(h) for h in competing}
        if competing and not answers(competing[0]):
            competing[0] = replace(competing[0], vouched=True)
        return competing + [h for h in hits if id(h) not in chosen]

    def answer(
        self, question: str, *, country: str | None = None, region: str | None = None
    ) -> Hit | None:
        """The best passage if its topic answers: MIN_SCORE, or MIN_PLACE_SCORE in the module
        of the place the question names ("Tartu priorities?")."""
        hits = self.search(question, country=country, region=region, k=1)
        return hits[0] if hits and answers(hits[0]) else None

    def _term_score(self, term: str, doc: Counter[str], length: int) -> float:
        tf = doc.get(term, 0)
        if not tf:
            return 0.0
        norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self._average))
        return self._idf[term] * norm

    def _named_place_bonus(self, passage: Passage, query: Query) -> float:
        """For the places the question names: MENTION_BONUS when the step names the place too,
        PLACE_BONUS in the place's country module, PLACE_REGION_BONUS on its region's step."""
        bonus = 0.0
        for place in query.places:
            mentioned = (place.region or place.country) in passage.mentions
            found = MENTION_BONUS if mentioned else 0.0
            if passage.country == place.country:
                module = self.modules[passage.module_id]
                own = module.region_for(place.country, place.region) if place.region else None
                on_step = own is not None and passage.region == own.name
                found += PLACE_REGION_BONUS if on_step else PLACE_BONUS
            bonus = max(bonus, found)
        return bonus

    def _is_place_profile(self, passage: Passage, query: Query) -> bool:
        """Whether a passage profiles a place the question names: the region's step, or the
        first step of the country's module when the region has none."""
        module = self.modules[passage.module_id]
        for place in query.places:
            if passage.country != place.country:
                continue
            own = module.region_for(place.country, place.region) if place.region else None
            if own is not None:
                return passage.region == own.name
            return passage.step == 0
        return False

    def _profile_boost(
        self, passage: Passage, query: Query, country: str | None, region: str | None
    ) -> float:
        """Without a named place: COUNTRY_BOOST and REGION_BOOST for the SME's own country
        module and region step; "my region" of an SME whose place is unknown makes another
        country's passages less likely (UNKNOWN_OWN_PLACE)."""
        if query.places or passage.country is None:
            return 1.0
        if not country:
            return UNKNOWN_OWN_PLACE if query.own_place else 1.0
        if passage.country != str(country).upper():
            return 1.0
        own = self.modules[passage.module_id].region_for(country, region) if region else None
        return REGION_BOOST if own is not None and passage.region == own.name else COUNTRY_BOOST


def every_word(text: str, language: str) -> list[str]:
    """A text's stemmed words, stop words included: what synonym phrases are matched on, so
    that "have a say" or "take part" keep the words that make them a phrase."""
    return search_terms(text, language, min_length=1, keep_stop_words=True)


def _within(place: Place, spans: list[tuple[int, int]]) -> bool:
    """Whether a place starts inside one of the spans."""
    return any(a <= place.start < b for a, b in spans)


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the folded phrases as whole words."""
    alternatives = sorted({re.escape(fold(p)) for p in phrases if p.strip()}, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b") if alternatives else None


def _mentions(places: Iterable[Place]) -> frozenset[str]:
    """The keys of the places a step names: each country, and each region's NUTS code."""
    return frozenset(key for place in places for key in (place.country, place.region) if key)


def answers(hit: Hit, threshold: float | None = None) -> bool:
    """Whether a hit's topic score is high enough to answer with it: `threshold` (MIN_SCORE
    by default), or MIN_PLACE_SCORE inside the module of a place the question names."""
    if hit.place_profile or hit.vouched:
        return True
    needed = MIN_SCORE if threshold is None else threshold
    if hit.words < 2:
        needed = max(needed, MIN_ONE_WORD_SCORE)
    return hit.topic_score >= (min(needed, MIN_PLACE_SCORE) if hit.in_named_place else needed)


def read_words(directory: Path) -> RetrievalWords:
    """The retrieval words of a content directory (none when it has no words file)."""
    path = directory / WORDS_FILE
    if not path.is_file():
        return RetrievalWords()
    raw = read_yaml(path) or {}
    return RetrievalWords(
        stop_words=tuple(str(w) for w in raw.get("stop_words") or []),
        own_place=tuple(str(w) for w in raw.get("own_place") or []),
        question_words=tuple(str(w) for w in raw.get("question_words") or []),
        self_words=tuple(str(w) for w in raw.get("self_words") or []),
        about_a_place=tuple(str(w) for w in raw.get("about_a_place") or []),
        synonyms=tuple(tuple(str(p) for p in group) for group in raw.get("synonyms") or []),
    )


def passage_texts(modules: list[Module]) -> list[str]:
    """Each step as the embedding model reads it: module title, step title and text."""
    return [f"{m.title}. {step.title}. {step.body}" for m in modules for step in m.steps]


@lru_cache(maxsize=8)
def index_for(directory: Path) -> ContentIndex:
    """The index of the modules in `directory` (named by its language), built once per process;
    re-ranked by meaning when the `embeddings` extra is installed."""
    modules = load_modules(directory)
    meaning = semantic.SemanticScores(passage_texts(modules)) if semantic.available() else None
    return ContentIndex(modules, directory.name, read_words(directory), meaning=meaning)
