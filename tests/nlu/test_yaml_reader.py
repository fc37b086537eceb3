"""The one YAML reader: the same values as PyYAML's safe loader, errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from nlu.yaml_reader import YamlFileError, parse_yaml, read_yaml


def test_every_data_file_reads_to_the_same_values_as_the_safe_loader() -> None:
    files = sorted((PROJECT_ROOT / "data").rglob("*.yml"))
    assert len(files) > 100
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(YamlFileError):
        parse_yaml("!!python/object/apply:os.system ['true']")


def test_a_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("a: 1\nb: [2,\nc: 3\n", encoding="utf-8")
    with pytest.raises(YamlFileError) as raised:
        read_yaml(path)
    assert str(raised.value).startswith(f"{path}: invalid YAML at line ")


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", None])
def test_an_unreadable_file_is_a_clear_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "file.yml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(YamlFileError, match="cannot read file"):
        read_yaml(path)
