"""Ownership links typed in words: "no owners besides us founders", "yes, more than 50 %".

The profile asks whether another company owns 25 % or more of the SME (or the SME of
another). Its buttons send the ``ownership`` entity (``none``, ``partner``, ``linked``); SMEs
who type answer in words, often inside a longer message ("..., 12 people, no owners besides
us founders. we want a voucher"). This component reads those phrases into the same entity,
so a typed answer counts as the button would. The phrases are per language, in the
``ownership`` section of ``data/roles/<lang>.yml``, matched on tokens like the role cues
(``*`` is one to three words, chat spellings included).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlu.entities.anchored import AnchoredMatcher
from nlu.entities.base import EntityNormaliser
from nlu.entities.headcount import longest_non_overlapping
from nlu.entities.roles import ROLES_DIR, _patterns, _spellings
from nlu.entities.text import Entity, make_entity
from nlu.entities.vocabulary import read_mapping
from nlu.errors import NluDataError

VALUES = ("none", "partner", "linked")


def ownership_data(data_dir: Path, language: str) -> dict[str, Any]:
    """Read the ``ownership`` phrases of ``roles/<language>.yml``.

    Args:
        data_dir: The data directory (holding ``roles/``).
        language: Language code; a language without a file gets no phrases.

    Returns:
        ``{"phrases": {value: [phrase, ...]}, "spellings": {...}}``.

    Raises:
        NluDataError: If the section is malformed or names an unknown value.
    """
    path = Path(data_dir) / ROLES_DIR / f"{language}.yml"
    if not path.is_file():
        return {}
    raw = read_mapping(path)
    section = raw.get("ownership") or {}
    if not isinstance(section, dict) or any(key not in VALUES for key in section):
        raise NluDataError(f"{path}: ownership: expected keys among {', '.join(VALUES)}")
    return {
        "phrases": {str(k): [str(p).lower() for p in v or []] for k, v in section.items()},
        "spellings": _spellings(raw.get("spellings") or {}),
    }


class OwnershipEntities(EntityNormaliser):
    """Finds typed answers about ownership links; the value is the ``ownership_links`` slot's."""

    extractor = "OwnershipExtractor"

    def _compile(self) -> None:
        self.matcher = AnchoredMatcher(self.nlp.vocab)
        spellings: dict[str, list[str]] = self.data.get("spellings", {})
        for value, phrases in self.data.get("phrases", {}).items():
            patterns = [p for phrase in phrases for p in _patterns(self.nlp, phrase, spellings)]
            if patterns:
                self.matcher.add(value, patterns)

    def find(self, doc: Doc) -> list[Entity]:
        if not len(self.matcher):
            return []
        found = [
            make_entity(
                "ownership",
                doc[start].idx,
                doc[end - 1].idx + len(doc[end - 1].text),
                self.nlp.vocab.strings[match_id],
                doc.text,
                self.extractor,
            )
            for match_id, start, end in self.matcher(doc)
        ]
        return longest_non_overlapping(found)


@Language.factory("s3_ownership_v1")
def make_ownership(nlp: Language, name: str) -> OwnershipEntities:
    """Create the typed-ownership extractor (phrases are set by ``add_entity_normalisers``)."""
    return OwnershipEntities(nlp, name)
