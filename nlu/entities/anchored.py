"""A token `Matcher` that is not run on messages none of its patterns can match.

spaCy's `Matcher` walks every token through every pattern, and patterns with optional gap
tokens ("* owns") keep many partial matches alive: on a typical chat message the ownership and
role cues cost more than the intent classifier, although most messages hold none of their words.
Every pattern has at least one token that must be there as one of a few words (its anchor).
When a message holds no anchor word of any pattern, no pattern can match, so the result is the
same as the `Matcher`'s without running it.
"""

from __future__ import annotations

from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

Pattern = list[dict[str, Any]]
_REQUIRED = frozenset({None, "+", "1"})  # operators under which a token must be there


class AnchoredMatcher:
    """`spacy.matcher.Matcher`, skipped when a message has none of the patterns' anchor words.

    A pattern without an anchor (no required token with a literal `LOWER` value) turns the
    skipping off, so the matcher is always exact.
    """

    def __init__(self, vocab: Vocab) -> None:
        self._matcher = Matcher(vocab)
        self._anchors: set[str] = set()
        self._always = False

    def add(self, key: str, patterns: list[Pattern]) -> None:
        """Add patterns under `key`, as `Matcher.add` does, and note their anchors."""
        for pattern in patterns:
            words = _anchor_of(pattern)
            if words is None:
                self._always = True
            else:
                self._anchors.update(words)
        self._matcher.add(key, patterns)

    def __len__(self) -> int:
        return len(self._matcher)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """`(match_id, start, end)` for every match, as `Matcher.__call__` returns them."""
        if not self._always and not any(token.lower_ in self._anchors for token in doc):
            return []
        return list(self._matcher(doc))


def _anchor_of(pattern: Pattern) -> frozenset[str] | None:
    """The words of the pattern's first required token that names its words literally (a
    `LOWER` string or `LOWER: {IN: [...]}`), or None when it has no such token."""
    for token in pattern:
        if token.get("OP") not in _REQUIRED:
            continue
        lower = token.get("LOWER")
        if isinstance(lower, str):
            return frozenset({lower})
        if isinstance(lower, dict) and set(lower) == {"IN"}:
            return frozenset(str(word) for word in lower["IN"])
    return None
