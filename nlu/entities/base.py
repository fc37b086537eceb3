"""The base of the entity normalisers: JSON state, safe calls and the shared entity list."""

from __future__ import annotations

import logging

from spacy.tokens import Doc

from nlu.components import ENTITIES_ATTR, JsonDataComponent
from nlu.entities.text import Entity

logger = logging.getLogger(__name__)


def found_entities(doc: Doc) -> list[Entity]:
    """The entity list that rule components append to (created when missing)."""
    found = doc._.get(ENTITIES_ATTR)
    if found is None:
        found = []
        doc._.set(ENTITIES_ATTR, found)
    return found


class EntityNormaliser(JsonDataComponent):
    """Finds one family of entities in the text and normalises their values.

    Subclasses implement ``find(doc)``; this class owns the contract that a chat turn never
    fails because of it: any error is logged and the component then adds nothing.
    """

    extractor = "EntityNormaliser"

    def find(self, doc: Doc) -> list[Entity]:
        """Entities in ``doc`` (Rasa shape, normalised values)."""
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        try:
            entities = self.find(doc)
        except Exception:  # one odd message must not break the turn
            logger.exception("%s failed on a message of %d characters", self.name, len(doc.text))
            return doc
        found_entities(doc).extend(entities)
        return doc
