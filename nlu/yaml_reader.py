"""The one YAML reader of the project: safe loading, libyaml's speed, errors naming file and line.

Every data file (domain, NLU examples, content, vouchers, partners, words) is YAML, and the
data is read at every start and by every CLI command. PyYAML's pure-Python loader took about
1.2 s for the whole data folder; its libyaml binding (`CSafeLoader`, in PyYAML's wheels) reads
the same documents to the same values in a tenth of that. It lives in `nlu`, the lowest layer,
so the NLU, the actions and the engine all read YAML the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: libyaml's safe loader when PyYAML was built with it (its wheels are), else the Python one.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """A YAML file that cannot be read or parsed; the message names the file and the line."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


def parse_yaml(text: str, source: Path | str = "<text>") -> Any:
    """The value of a YAML document (safe tags only).

    Raises:
        YamlFileError: naming `source` and the line of the first problem.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlFileError(source, f"invalid YAML{where}: {problem}") from exc


def read_yaml(path: Path) -> Any:
    """The value of a YAML file, read as UTF-8.

    Raises:
        YamlFileError: the file cannot be read, is not UTF-8 or is not valid YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlFileError(path, f"cannot read file: {exc}") from exc
    return parse_yaml(text, path)
