"""A change to the entity data (places, sectors, rates) changes the model's fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path

from nlu.entities import entity_data_files
from nlu.entities.vocabulary import DEFAULT_DATA_DIR
from nlu.train import fingerprint


def test_entity_data_files_cover_geo_sectors_rates_roles_names_and_languages() -> None:
    files = entity_data_files()
    folders = {path.parent.name for path in files if path.parent != DEFAULT_DATA_DIR}
    assert folders == {"geo", "sectors", "rates", "roles", "names"}
    assert DEFAULT_DATA_DIR / "languages.yml" in files


def test_fingerprint_changes_with_the_entity_data(tmp_path: Path) -> None:
    for sub in ("geo", "sectors", "rates"):
        shutil.copytree(DEFAULT_DATA_DIR / sub, tmp_path / sub)
    before = fingerprint(entity_data_files(tmp_path), "config")
    rates = tmp_path / "rates" / "eur.yml"
    rates.write_text(rates.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint(entity_data_files(tmp_path), "config") != before
