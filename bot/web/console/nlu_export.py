"""The NLU inbox's accepted messages as Rasa NLU training data, one file per language.

The file (`data/nlu/<lang>/console_annotations.yml`) is the console's own, rewritten whole
on every export, for review in git before `s3bot train`. An example is left out, and
reported, when it would make the data invalid: text an annotation cannot hold (brackets,
line breaks), or a text the other files already give another intent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlu.annotations import AnnotationError, parse_annotated_text
from nlu.training_data import load_training_data, nlu_files

FILE_NAME = "console_annotations.yml"
HEADER = (
    "# Examples that staff confirmed or relabelled in the console's NLU inbox.\n"
    "# Written by `s3bot nlu export-annotations`; edit in the console, not here.\n"
)


@dataclass
class Export:
    """What an export wrote and what it left out (with the reason)."""

    written: int = 0
    skipped: list[str] = field(default_factory=list)


def annotated(text: str, entities: Sequence[dict[str, Any]]) -> str:
    """`text` with Rasa's `[words](type)` around each entity."""
    parts, position = [], 0
    for entity in sorted(entities, key=lambda e: int(e["start"])):
        start, end = int(entity["start"]), int(entity["end"])
        if start < position or text[start:end] != text[start:end].strip() or start >= end:
            raise AnnotationError(f"entity at {start}-{end} overlaps or is blank")
        parts += [text[position:start], f"[{text[start:end]}]({entity['entity']})"]
        position = end
    return "".join([*parts, text[position:]])


def _example_line(text: str, entities: Sequence[dict[str, Any]]) -> str:
    """The example as one YAML block line; AnnotationError if it cannot be one."""
    if "\n" in text or "\r" in text or text != text.strip() or not text:
        raise AnnotationError("the text spans lines or has surrounding spaces")
    line = annotated(text, entities)
    plain, found = parse_annotated_text(line)
    spans = sorted((e.start, e.end, e.entity) for e in found)
    if plain != text or spans != sorted((e["start"], e["end"], e["entity"]) for e in entities):
        raise AnnotationError("the text holds brackets an annotation cannot be told from")
    return line


def _known_intents(language_dir: Path) -> dict[str, str]:
    """The intent each example text of the other files has (folded to lower case)."""
    files = (
        [p for p in nlu_files(language_dir) if p.name != FILE_NAME] if language_dir.is_dir() else []
    )
    if not files:
        return {}
    data = load_training_data(files)
    return {" ".join(e.text.lower().split()): e.intent for e in data.examples}


def nlu_document(
    rows: Iterable[tuple[str, str, Sequence[dict[str, Any]]]], known: dict[str, str]
) -> tuple[str, Export]:
    """The YAML of the accepted (text, intent, entities) rows, and what was left out."""
    by_intent: dict[str, list[str]] = {}
    seen: set[str] = set()
    export = Export()
    for text, intent, entities in rows:
        key = " ".join(text.lower().split())
        if key in seen:
            continue
        seen.add(key)
        if key in known:
            if known[key] != intent:
                export.skipped.append(f"{text!r}: already an example of {known[key]!r}")
            continue
        try:
            by_intent.setdefault(intent, []).append(_example_line(text, entities))
        except AnnotationError as error:
            export.skipped.append(f"{text!r}: {error}")
            continue
        export.written += 1
    items = [
        {"intent": intent, "examples": "".join(f"- {line}\n" for line in lines)}
        for intent, lines in sorted(by_intent.items())
    ]
    body = yaml.safe_dump(
        {"version": "3.1", "nlu": items}, sort_keys=False, allow_unicode=True, width=1000
    )
    return HEADER + body, export


def write_language(
    data_dir: Path, language: str, rows: Iterable[tuple[str, str, Sequence[dict[str, Any]]]]
) -> tuple[Path, Export]:
    """Write a language's accepted examples to its console file; the file and the report.

    Nothing accepted in the language: the file is removed (an empty intent list is no
    valid NLU file), so the data stays as if the console had never been used.
    """
    language_dir = data_dir / "nlu" / language
    path = language_dir / FILE_NAME
    body, export = nlu_document(rows, _known_intents(language_dir))
    if export.written:
        language_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    elif path.exists():
        path.unlink()
    return path, export
