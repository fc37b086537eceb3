"""Exceptions raised by the NLU package.

Hierarchy:

* ``NluError`` -- base class of everything raised on purpose by ``nlu``.
    * ``NluDataError`` (also a ``ValueError``) -- training data that cannot be
      read or is outside the supported Rasa NLU YAML subset. The message names
      the file and the problem; ``problems`` holds each problem separately.
    * ``NluModelError`` -- a trained model that is missing or unreadable.
"""

from __future__ import annotations


class NluError(Exception):
    """Base class of the errors raised by the NLU package."""


class NluDataError(NluError, ValueError):
    """Invalid NLU training data; each problem names its file.

    Attributes:
        problems: One human-readable line per problem found.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class NluModelError(NluError):
    """A trained NLU model that is missing or cannot be loaded."""
