"""Recognising countries from what users type, using data/geo/countries.yml (no rasa-sdk here)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from actions import store
from nlu.yaml_reader import read_yaml


@dataclass(frozen=True)
class Country:
    """A country the assistant knows."""

    code: str
    in_bsr: bool
    names: dict[str, str]

    def name(self, language: str) -> str:
        """The display name in a language, English if that language has none."""
        return self.names.get(language) or self.names["en"]


@lru_cache(maxsize=4)
def load_countries(data_dir: Path) -> dict[str, tuple[Country, frozenset[str]]]:
    """Countries by code, each with its lower-cased aliases."""
    raw = read_yaml(data_dir / "geo" / "countries.yml")
    countries = {}
    for key, spec in raw["countries"].items():
        code = str(key)
        country = Country(code=code, in_bsr=bool(spec["bsr"]), names=dict(spec["names"]))
        aliases = {_fold(a) for a in spec.get("aliases") or []}
        aliases |= {_fold(n) for n in spec["names"].values()}
        aliases |= {_fold(n).removeprefix("the ") for n in spec["names"].values()}
        countries[code] = (country, frozenset(aliases | {code.lower()}))
    return countries


def find_country(text: str, data_dir: Path | None = None) -> Country | None:
    """The country a code, name or alias refers to, or None."""
    countries = load_countries(data_dir or store.data_dir())
    wanted = _fold(text).strip(" .!?,").removeprefix("in ").removeprefix("the ")
    if wanted.upper() in countries:
        return countries[wanted.upper()][0]
    for country, aliases in countries.values():
        if wanted in aliases:
            return country
    return None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip()
