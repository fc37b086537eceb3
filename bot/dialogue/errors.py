"""Errors of the dialogue layer; each carries enough context to act on."""

from __future__ import annotations


class DataError(ValueError):
    """Invalid or unsupported training or domain data, naming the file and the problem."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


class ActionFailed(RuntimeError):
    """A custom action raised, timed out or answered badly; the user gets a polite message."""

    def __init__(self, action_name: str, reason: str) -> None:
        super().__init__(f"action '{action_name}' failed: {reason}")
        self.action_name = action_name
        self.reason = reason
