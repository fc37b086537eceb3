"""Reading YAML data files with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.dialogue.errors import DataError
from nlu.yaml_reader import YamlFileError
from nlu.yaml_reader import read_yaml as _read


def read_yaml(path: Path) -> Any:
    """Parse one YAML file safely (the project's one reader, `nlu.yaml_reader`).

    Raises:
        DataError: if the file cannot be read or is not valid YAML.
    """
    try:
        return _read(path)
    except YamlFileError as exc:
        raise DataError(exc.path, exc.problem) from exc
