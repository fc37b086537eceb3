"""The anchored matcher finds exactly what spaCy's Matcher finds, and skips hopeless texts."""

from __future__ import annotations

from typing import Any

import spacy
from spacy.matcher import Matcher

from nlu.entities.anchored import AnchoredMatcher

PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "owner": [
        [{"LOWER": {"IN": ["we", "i"]}}, {"IS_SPACE": False, "OP": "?"}, {"LOWER": "own"}],
        [{"IS_SPACE": False, "OP": "?"}, {"LOWER": "subsidiary"}],
    ],
    "parent": [[{"LOWER": "owned"}, {"LOWER": "by"}]],
}
TEXTS = [
    "we own 30 % of a lab",
    "we fully own it",
    "a subsidiary of a group",
    "owned by our founders",
    "hello there",
    "",
    "We, I and OWN",
]


def test_same_matches_as_spacy_matcher() -> None:
    nlp = spacy.blank("en")
    plain, anchored = Matcher(nlp.vocab), AnchoredMatcher(nlp.vocab)
    for key, patterns in PATTERNS.items():
        plain.add(key, patterns)
        anchored.add(key, patterns)
    for text in TEXTS:
        doc = nlp.make_doc(text)
        assert anchored(doc) == list(plain(doc)), text
    assert len(anchored) == len(plain) == 2


def test_skips_a_text_without_anchor_words_and_not_one_without_anchors() -> None:
    nlp = spacy.blank("en")
    anchored = AnchoredMatcher(nlp.vocab)
    anchored.add("owner", PATTERNS["owner"])
    assert anchored._anchors == {"we", "i", "subsidiary"}
    assert not anchored._always
    # A pattern whose every token is optional or unnamed can match anything: never skipped.
    anchored.add("any", [[{"IS_DIGIT": True}, {"LOWER": "staff", "OP": "?"}]])
    assert anchored._always
    assert anchored(nlp.make_doc("12 people")) != []
