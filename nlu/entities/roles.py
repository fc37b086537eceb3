"""Entity roles: whose fact each entity is (the SME's own, an owner's, a sought partner's ...).

SMEs talk about other organisations in the same breath as about themselves: "Nordvind Group
owns 60% of us, they have 4000 employees" gives a share, a name and a headcount that all
belong to the owner. Without roles the dialogue would take every one of them as the SME's
own. This component reads each message left to right and keeps a *frame* (whose facts are
being told), changed by cue phrases from ``data/roles/<lang>.yml``; each entity then gets
the role its frame gives its type, as Rasa's ``role`` key. No role means a fact of the SME.

Rules rather than a learned model: the roles hinge on a few function words ("of us", "we
own", "they") that a classifier trained on a few hundred examples would not weigh reliably,
and the cue lists are reviewable and per language. See docs/entities.md, "Roles".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlu.components import JsonDataComponent
from nlu.entities.anchored import AnchoredMatcher
from nlu.entities.base import found_entities, logger
from nlu.entities.text import Entity
from nlu.entities.vocabulary import read_mapping
from nlu.errors import NluDataError

ROLES_DIR = "roles"
SELF, REFER, NEUTRAL, FRAME = "self", "refer", "neutral", "frame"
GAP = "*"
GAP_WORDS = 3
BACKWARD = "< "
ANY_TYPE = "*"
# Entity types whose spans hide cue words: a name such as "Baltic Capital Fund" is not a cue.
NAME_TYPES = frozenset({"company_name"})


def role_data(data_dir: Path, language: str) -> dict[str, Any]:
    """Read ``roles/<language>.yml`` into the component's JSON state.

    Args:
        data_dir: The data directory (holding ``roles/``).
        language: Language code; a language without a file gets empty data (no roles).

    Returns:
        ``{"sentence_ends", "boundaries", "cues", "roles", "absorbs", "grouped", "spellings"}``.

    Raises:
        NluDataError: If the file is malformed.
    """
    path = Path(data_dir) / ROLES_DIR / f"{language}.yml"
    if not path.is_file():
        return {}
    raw = read_mapping(path)
    try:
        cues = [_cue(p, SELF) for p in raw.get("self", [])]
        cues += [_cue(p, REFER) for p in raw.get("refer", [])]
        cues += [_cue(p, NEUTRAL) for p in raw.get("neutral", [])]
        # "no parent company", "nobody owns us": saying there is no owner cues no owner.
        cues += [_cue(p, NEUTRAL) for p in (raw.get("ownership") or {}).get("none", [])]
        roles: dict[str, dict[str, str]] = {}
        absorbs: dict[str, list[str]] = {}
        grouped: list[str] = []
        for name, frame in raw["frames"].items():
            roles[str(name)] = {str(k): str(v) for k, v in frame["roles"].items()}
            absorbs[str(name)] = [str(a) for a in frame.get("absorbs", [])]
            if frame.get("grouped"):
                grouped.append(str(name))
            for strength in ("strong", "weak"):
                cues += [_cue(p, FRAME, str(name), strength) for p in frame.get(strength, [])]
        return {
            "sentence_ends": [str(s) for s in raw.get("sentence_ends", [])],
            "boundaries": [str(s).lower() for s in raw.get("boundaries", [])],
            "clause_ends": [str(s).lower() for s in raw.get("clause_ends", [])],
            "determiners": [str(s).lower() for s in raw.get("determiners", [])],
            "entity_cues": [_entity_cue(c) for c in raw.get("entity_cues", [])],
            "own_only": [str(t) for t in raw.get("own_only", [])],
            "cues": cues,
            "roles": roles,
            "absorbs": absorbs,
            "grouped": grouped,
            "spellings": _spellings(raw.get("spellings") or {}),
        }
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise NluDataError(f"{path}: malformed role cues: {exc!r}") from exc


def _spellings(raw: dict[str, Any]) -> dict[str, list[str]]:
    """Word -> its chat spellings, all lower-case ("you" -> ["u"])."""
    return {str(k).lower(): [str(v).lower() for v in values] for k, values in raw.items()}


def _entity_cue(item: dict[str, Any]) -> dict[str, Any]:
    """An entity that starts a frame by itself ("a university in Finland ..." is sought)."""
    return {
        "entity": str(item["entity"]),
        "values": [str(v) for v in item.get("values", [])] or None,
        "frame": str(item["frame"]),
    }


def _cue(item: Any, kind: str, frame: str = "", strength: str = "strong") -> dict[str, Any]:
    """One cue as JSON: its phrase, what it does, the entity types it limits a frame to, and
    whether the frame ends with its clause (``until: clause``)."""
    types, clause = None, False
    if isinstance(item, dict):
        phrase, types = str(item["phrase"]), [str(t) for t in item.get("types", [])] or None
        clause = item.get("until") == "clause"
    else:
        phrase = str(item)
    backward = phrase.startswith(BACKWARD)
    phrase = phrase.removeprefix(BACKWARD).strip().lower()
    if not phrase:
        raise ValueError(f"empty cue phrase in {kind} {frame}")
    return {
        "phrase": phrase,
        "kind": kind,
        "frame": frame,
        "weak": strength == "weak",
        "backward": backward,
        "types": types,
        "clause": clause,
    }


@dataclass
class Frame:
    """Whose facts are being told: a kind of frame (None for the SME itself).

    ``types`` limits the frame to some entity types; entities of other types fall back to
    ``parent``, the frame that was active when this one started. A ``clause`` frame ends at
    the next clause end (a comma), back to ``parent``: "X owns 60% of us, 20 people" lists
    the SME's own facts after the comma, unless "they" names X again.
    """

    kind: str | None = None
    types: frozenset[str] | None = None
    parent: Frame | None = None
    number: int = 0
    sentence: int = 0
    clause: bool = False

    def for_type(self, entity_type: str) -> Frame:
        """The frame that owns a fact of this type."""
        frame: Frame | None = self
        while frame is not None and frame.types is not None and entity_type not in frame.types:
            frame = frame.parent
        return frame or Frame()


class EntityRoles:
    """Assigns Rasa entity roles from cue phrases; its state is the JSON from ``role_data``.

    Kept apart from the spaCy component so it can be tested on a bare tokenizer.
    """

    def __init__(self, nlp: Language, data: dict[str, Any]) -> None:
        self.data = data
        self.cues: list[dict[str, Any]] = data.get("cues", [])
        self.roles: dict[str, dict[str, str]] = data.get("roles", {})
        self.absorbs: dict[str, list[str]] = data.get("absorbs", {})
        self.grouped = frozenset(data.get("grouped", []))
        self.sentence_ends = frozenset(data.get("sentence_ends", []))
        self.boundaries = frozenset(data.get("boundaries", []))
        self.clause_ends = frozenset(data.get("clause_ends", []))
        self.determiners = frozenset(data.get("determiners", []))
        self.entity_cues: list[dict[str, Any]] = data.get("entity_cues", [])
        self.own_only = frozenset(data.get("own_only", []))
        self.matcher = AnchoredMatcher(nlp.vocab)
        spellings: dict[str, list[str]] = data.get("spellings", {})
        for index, cue in enumerate(self.cues):
            self.matcher.add(str(index), _patterns(nlp, cue["phrase"], spellings))
        self._ids = {nlp.vocab.strings[str(i)]: i for i in range(len(self.cues))}

    def frames(self, doc: Doc, entities: list[Entity]) -> list[Frame]:
        """The frame of every token of ``doc`` (see the module docstring).

        Args:
            doc: The tokenised message.
            entities: Its entities; cue words inside a company name are ignored.

        Returns:
            One ``Frame`` per token; tokens share frame objects.
        """
        cues = self._cue_starts(doc, entities)
        opening = self._entity_cue_starts(doc, entities, cues)
        own = Frame()
        current, last_other = own, None
        at: list[Frame] = []
        clause_start, sentence, count, said_self = 0, 0, 0, False
        closed: Frame | None = None  # a clause frame just ended by a comma
        i = 0
        while i < len(doc):
            token = doc[i]
            if i in cues:
                end, cue = cues[i]
                said_self = said_self or cue["kind"] == SELF
                if closed is not None and cue["frame"] == closed.kind and not cue["backward"]:
                    current, closed.clause = closed, False  # "..., the group has 900 staff"
                else:
                    current, last_other, count = self._apply(
                        cue, current, last_other, own, sentence, count
                    )
                closed = None
                if cue["backward"] and current.kind is not None:
                    at[clause_start:i] = [current] * (i - clause_start)
                at.extend([current] * (end - i))
                i, clause_start = end, end
                continue
            # "we are a university spin-off" describes the SME: no search after "we".
            if (
                i in opening
                and not said_self
                and current.for_type(opening[i]["entity"]).kind is None
            ):
                count += 1
                current = Frame(opening[i]["frame"], None, current, count, sentence)
                last_other = current
                start = self._phrase_start(doc, i, max(clause_start, len(at) - 3))
                at[start:i] = [current] * (i - start)
            text = token.text.lower()
            at.append(current)
            if text in self.sentence_ends or (token.is_space and "\n" in token.text):
                current, clause_start, sentence, said_self = own, i + 1, sentence + 1, False
                closed = None
            elif text in self.boundaries:
                clause_start, said_self = i + 1, False
                while current.clause and text in self.clause_ends:
                    closed, current = current, current.parent or own
            i += 1
        return at

    def _phrase_start(self, doc: Doc, i: int, limit: int) -> int:
        """Where the noun phrase of the entity at token ``i`` starts: back to its article
        ("a finnish research institute"), never before ``limit``."""
        for j in range(i - 1, limit - 1, -1):
            if doc[j].text.lower() in self.determiners:
                return j
        return i

    def _entity_cue_starts(
        self, doc: Doc, entities: list[Entity], cues: dict[int, tuple[int, dict[str, Any]]]
    ) -> dict[int, dict[str, Any]]:
        """Entities that open a frame themselves, by start token (not inside a cue phrase)."""
        if not self.entity_cues:
            return {}
        covered = {j for start, (end, _) in cues.items() for j in range(start, end)}
        by_char = {token.idx: token.i for token in doc}
        opening: dict[int, dict[str, Any]] = {}
        for entity in entities:
            token = by_char.get(entity["start"])
            if token is None or token in covered or token in opening:
                continue
            for cue in self.entity_cues:
                values = cue["values"]
                if entity["entity"] == cue["entity"] and (
                    values is None or str(entity.get("value")) in values
                ):
                    opening[token] = cue
                    break
        return opening

    def _apply(
        self,
        cue: dict[str, Any],
        current: Frame,
        last_other: Frame | None,
        own: Frame,
        sentence: int,
        count: int,
    ) -> tuple[Frame, Frame | None, int]:
        """The frame after one cue, the last other organisation's frame, and frames so far."""
        kind = cue["kind"]
        if kind == SELF:
            return own, last_other, count
        if kind == REFER:
            if last_other is not None:
                last_other.clause = False  # "..., they have 4000 staff, EUR 1 bn": theirs
            return (last_other or current), last_other, count
        if kind == NEUTRAL:
            return current, last_other, count
        name = cue["frame"]
        if current.kind is not None and current.kind != name:
            if name in self.absorbs.get(current.kind, []) and (
                cue["backward"] or current.sentence == sentence
            ):
                return current, last_other, count  # "a vc fund ... owns 30% of us"
            if current.kind in self.absorbs.get(name, []):
                current.kind = name  # "our owner, a vc fund": the owner is an investor
                return current, last_other, count
            if cue["weak"]:
                return current, last_other, count
        elif current.kind == name and (cue["weak"] or not cue["backward"]):
            return current, last_other, count  # "..., the owner has 4000 staff": the same one
        types = frozenset(cue["types"]) if cue["types"] else None
        frame = Frame(name, types, current, count + 1, sentence, bool(cue.get("clause")))
        return frame, (frame if types is None else last_other), count + 1

    def _cue_starts(
        self, doc: Doc, entities: list[Entity]
    ) -> dict[int, tuple[int, dict[str, Any]]]:
        """Non-overlapping cue matches by start token, longest first at each position."""
        names = [(e["start"], e["end"]) for e in entities if e["entity"] in NAME_TYPES]
        matches = sorted(self.matcher(doc), key=lambda m: (m[1], m[1] - m[2]))
        starts: dict[int, tuple[int, dict[str, Any]]] = {}
        taken = 0
        for match_id, start, end in matches:
            if start < taken:
                continue
            span = doc[start:end]
            if any(s < span.end_char and span.start_char < e for s, e in names):
                continue
            starts[start] = (end, self.cues[self._ids[match_id]])
            taken = end
        return starts

    def assign(self, doc: Doc, entities: list[Entity]) -> None:
        """Set ``role`` (and ``group`` when a role has several organisations) on entities.

        Args:
            doc: The message.
            entities: Its entities, changed in place; an entity whose frame gives no role
                keeps no ``role`` key (a fact of the SME itself).
        """
        if not self.cues or not entities or len(doc) == 0:
            return
        frames = self.frames(doc, entities)
        by_char = {token.idx: token.i for token in doc}
        chosen: list[tuple[Entity, Frame, str]] = []
        for entity in entities:
            entity.pop("role", None)
            entity.pop("group", None)
            if entity["entity"] in self.own_only:
                continue
            token = by_char.get(entity["start"])
            if token is None:
                span = doc.char_span(entity["start"], entity["end"], alignment_mode="expand")
                token = span.start if span is not None else None
            if token is None or token >= len(frames):
                continue
            frame = frames[token].for_type(entity["entity"])
            if frame.kind is None:
                continue
            table = self.roles.get(frame.kind, {})
            role = table.get(entity["entity"], table.get(ANY_TYPE))
            if role:
                chosen.append((entity, frame, role))
        self._set(chosen)

    def _set(self, chosen: list[tuple[Entity, Frame, str]]) -> None:
        """Write roles; number groups when one role has facts of several organisations."""
        numbers: dict[str, list[int]] = {}
        for _, frame, role in chosen:
            seen = numbers.setdefault(role, [])
            if frame.kind in self.grouped and frame.number not in seen:
                seen.append(frame.number)
        for entity, frame, role in chosen:
            entity["role"] = role
            if frame.kind in self.grouped and len(numbers[role]) > 1:
                entity["group"] = str(numbers[role].index(frame.number) + 1)


def _patterns(
    nlp: Language, phrase: str, spellings: dict[str, list[str]]
) -> list[list[dict[str, Any]]]:
    """Matcher patterns for a cue phrase: ``*`` matches one to three words, and a word also
    matches its chat spellings (a spelling of several words gives a pattern of its own)."""
    patterns: list[list[dict[str, Any]]] = [[]]
    for word in phrase.split():
        if word == GAP:
            gap: list[dict[str, Any]] = [{"IS_SPACE": False}]
            gap += [{"IS_SPACE": False, "OP": "?"} for _ in range(GAP_WORDS - 1)]
            patterns = [p + gap for p in patterns]
            continue
        forms = [word, *spellings.get(word, [])]
        single = [f for f in forms if len(nlp.make_doc(f)) == 1]
        options: list[list[dict[str, Any]]] = []
        if single:
            options.append([{"LOWER": {"IN": [nlp.make_doc(f)[0].lower_ for f in single]}}])
        for form in forms:
            if form not in single:
                options.append([{"LOWER": token.lower_} for token in nlp.make_doc(form)])
        patterns = [p + option for p in patterns for option in options]
    return patterns


class RoleEntities(JsonDataComponent):
    """The spaCy component: roles for the merged entities, after the region links."""

    def _compile(self) -> None:
        self.reader = EntityRoles(self.nlp, self.data)

    def __call__(self, doc: Doc) -> Doc:
        try:
            self.reader.assign(doc, found_entities(doc))
        except Exception:  # a message without roles is better than a failed turn
            logger.exception("entity roles failed on a message of %d characters", len(doc.text))
        return doc


@Language.factory("s3_entity_roles_v1")
def make_entity_roles(nlp: Language, name: str) -> RoleEntities:
    """Create the entity role component (its cues are set before training)."""
    return RoleEntities(nlp, name)
