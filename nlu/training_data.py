"""Reading Rasa NLU YAML training data (the subset documented in docs/nlu.md).

A file holds ``version`` and an ``nlu`` list whose items are one of
``intent``, ``synonym``, ``regex`` or ``lookup``, each with an ``examples``
block of ``- `` lines. Anything else is rejected with an ``NluDataError``
naming the file and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlu.annotations import AnnotationError, EntityAnnotation, parse_annotated_text
from nlu.errors import NluDataError
from nlu.yaml_reader import YamlFileError, read_yaml

_TOP_LEVEL_KEYS = frozenset({"version", "nlu"})
_ITEM_KINDS = ("intent", "synonym", "regex", "lookup")
_YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Example:
    """One training sentence with its intent and annotated entities."""

    text: str
    intent: str
    entities: tuple[EntityAnnotation, ...] = ()


@dataclass
class TrainingData:
    """Everything read from one or more Rasa NLU YAML files.

    Attributes:
        examples: Intent examples with their entity annotations.
        synonyms: Lower-cased entity text mapped to its canonical value.
        regex_features: Regex name mapped to its patterns.
        lookup_tables: Lookup table name mapped to its elements.
    """

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    regex_features: dict[str, list[str]] = field(default_factory=dict)
    lookup_tables: dict[str, list[str]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        """Sorted names of the intents that have examples."""
        return sorted({example.intent for example in self.examples})

    @property
    def entity_types(self) -> list[str]:
        """Sorted names of the entity types annotated in examples."""
        return sorted({e.entity for example in self.examples for e in example.entities})


class _Reader:
    """Accumulates training data and problems across files."""

    def __init__(self) -> None:
        self.data = TrainingData()
        self.problems: list[str] = []
        self._intent_of_text: dict[str, tuple[str, str]] = {}
        self._synonym_source: dict[str, str] = {}

    def read_file(self, path: Path) -> None:
        try:
            document = read_yaml(path)
        except YamlFileError as exc:
            self.problems.append(str(exc))
            return
        if document is None:
            return
        if not isinstance(document, dict):
            self.problems.append(f"{path}: top level must be a mapping with 'version' and 'nlu'")
            return
        for key in document:
            if key not in _TOP_LEVEL_KEYS:
                self.problems.append(
                    f"{path}: unknown top-level key {key!r} (supported: version, nlu)"
                )
        items = document.get("nlu") or []
        if not isinstance(items, list):
            self.problems.append(f"{path}: 'nlu' must be a list of items")
            return
        for number, item in enumerate(items, start=1):
            self._read_item(path, number, item)

    def _read_item(self, path: Path, number: int, item: Any) -> None:
        where = f"{path}: nlu item {number}"
        if not isinstance(item, dict):
            self.problems.append(f"{where}: must be a mapping such as '- intent: greet'")
            return
        kinds = [kind for kind in _ITEM_KINDS if kind in item]
        unknown = [key for key in item if key not in _ITEM_KINDS and key != "examples"]
        if unknown or len(kinds) != 1:
            keys = ", ".join(repr(str(key)) for key in item)
            self.problems.append(
                f"{where}: unsupported keys {keys} (expected one of intent, synonym, regex, "
                "lookup, plus examples)"
            )
            return
        kind = kinds[0]
        name = item[kind]
        if isinstance(name, bool | int | float):
            self.problems.append(
                f'{where}: {kind} name {name!r} is not a string (quote it, e.g. "NO")'
            )
            return
        if not isinstance(name, str) or not name.strip():
            self.problems.append(f"{where}: empty {kind} name")
            return
        name = name.strip()
        label = f"{path}: {kind} {name!r}"
        lines = self._example_lines(label, item)
        if lines is None:
            return
        if kind == "intent":
            self._add_intent(path, label, name, lines)
        elif kind == "synonym":
            for line in lines:
                self._add_synonym(label, line, name)
        elif kind == "regex":
            self._add_regex(label, name, lines)
        else:
            self.data.lookup_tables.setdefault(name, []).extend(lines)

    def _example_lines(self, label: str, item: dict[str, Any]) -> list[str] | None:
        if "examples" not in item:
            self.problems.append(f"{label}: missing 'examples'")
            return None
        block = item["examples"]
        if not isinstance(block, str):
            self.problems.append(f"{label}: 'examples' must be a block of '- ' lines (use '|')")
            return None
        lines: list[str] = []
        for number, line in enumerate(block.splitlines(), start=1):
            stripped = line.strip()
            if not stripped:
                continue
            if not stripped.startswith("- "):
                self.problems.append(f"{label} line {number}: example must start with '- '")
                continue
            lines.append(stripped[2:].strip())
        if not lines:
            self.problems.append(f"{label}: no examples")
            return None
        return lines

    def _add_intent(self, path: Path, label: str, intent: str, lines: list[str]) -> None:
        for number, raw in enumerate(lines, start=1):
            try:
                text, entities = parse_annotated_text(raw)
            except AnnotationError as exc:
                self.problems.append(f"{label} example {number}: {exc}")
                continue
            if not text.strip():
                self.problems.append(f"{label} example {number}: empty example")
                continue
            key = " ".join(text.lower().split())
            previous = self._intent_of_text.get(key)
            if previous is not None and previous[0] != intent:
                self.problems.append(
                    f"{label} example {number}: {text!r} is also an example of intent "
                    f"{previous[0]!r} in {previous[1]}"
                )
                continue
            self._intent_of_text[key] = (intent, str(path))
            for entity in entities:
                if entity.value != text[entity.start : entity.end]:
                    self._add_synonym(label, text[entity.start : entity.end], entity.value)
            self.data.examples.append(Example(text, intent, tuple(entities)))

    def _add_synonym(self, label: str, text: str, value: str) -> None:
        key = text.lower()
        known = self.data.synonyms.get(key)
        if known is not None and known != value:
            self.problems.append(
                f"{label}: {text!r} maps to {value!r} but already to {known!r} "
                f"in {self._synonym_source[key]}"
            )
            return
        self.data.synonyms[key] = value
        self._synonym_source[key] = label

    def _add_regex(self, label: str, name: str, patterns: list[str]) -> None:
        for number, pattern in enumerate(patterns, start=1):
            try:
                re.compile(pattern)
            except re.error as exc:
                self.problems.append(f"{label} example {number}: regex does not compile: {exc}")
                continue
            self.data.regex_features.setdefault(name, []).append(pattern)


def nlu_files(paths_or_dir: Path | str | Iterable[Path | str]) -> list[Path]:
    """List the YAML files named by a directory, a file, or several of them.

    Args:
        paths_or_dir: A directory (its ``*.yml``/``*.yaml`` files, sorted by name),
            a file, or an iterable of either.

    Returns:
        The files, directories expanded, in a stable order.
    """
    items = [paths_or_dir] if isinstance(paths_or_dir, str | Path) else list(paths_or_dir)
    files: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            files.extend(sorted(p for p in item.iterdir() if p.suffix in _YAML_SUFFIXES))
        else:
            files.append(item)
    return files


def _read(paths_or_dir: Path | str | Iterable[Path | str]) -> _Reader:
    reader = _Reader()
    files = nlu_files(paths_or_dir)
    if not files:
        reader.problems.append(f"{paths_or_dir}: no NLU YAML files found")
    for path in files:
        reader.read_file(path)
    return reader


def load_training_data(paths_or_dir: Path | str | Iterable[Path | str]) -> TrainingData:
    """Read and merge Rasa NLU YAML files.

    Args:
        paths_or_dir: A directory of ``*.yml`` files, one file, or several paths.

    Returns:
        The merged training data.

    Raises:
        NluDataError: If any file is invalid; the message lists every problem,
            each naming its file.
    """
    reader = _read(paths_or_dir)
    if reader.problems:
        raise NluDataError(reader.problems)
    return reader.data


def validate_nlu_files(paths: Path | str | Iterable[Path | str]) -> list[str]:
    """Check Rasa NLU YAML files without raising.

    Args:
        paths: A directory of ``*.yml`` files, one file, or several paths.

    Returns:
        One line per problem, each naming its file; empty if the data is valid.
    """
    return _read(paths).problems
