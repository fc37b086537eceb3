"""Names instead of codes in everything the user reads: countries, regions and NACE sectors.

Reasons, verdicts, the profile summary and the guess questions all name a fact the same way,
so "LT", "LT011" or "A03" never reach a user on their own: a NACE code is shown as
"fishing and aquaculture (NACE A03)", a country or region by its name. The names come from
data/geo/ and data/vouchers/nace.yml, per language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from actions.countries import find_country
from actions.eligibility.nace import NaceError, normalise_nace
from actions.eligibility.scheme import Texts, pick
from nlu.yaml_reader import read_yaml


@lru_cache(maxsize=4)
def _yaml(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Names:
    """Display names of the codes the rules read, from the data directory `data_dir`."""

    data_dir: Path

    def country(self, code: str | None, language: str = "en") -> str:
        """A country's name; an unknown code is shown as given."""
        if not code:
            return ""
        found = find_country(code, self.data_dir)
        return found.name(language) if found else code

    def countries(self, codes: Iterable[str], language: str = "en") -> str:
        """Several countries by name, comma-separated."""
        return ", ".join(self.country(code, language) for code in codes)

    def region(self, value: str | None, language: str = "en") -> str:
        """A region's name from its NUTS code; anything else is shown as typed."""
        if not value:
            return ""
        regions = _yaml(self.data_dir / "geo" / "regions.yml").get("regions") or {}
        names = (regions.get(value.strip().upper()) or {}).get("names") or {}
        return str(names.get(language) or names.get("en") or value.strip())

    def nace(self, code: str | None, language: str = "en") -> str:
        """``fishing and aquaculture (NACE A03)``; a section letter alone names the section."""
        normal = normalise_nace(code) if code else None
        if normal is None:
            return code or ""
        data = _yaml(self.data_dir / "vouchers" / "nace.yml")
        text: dict[str, Texts] = data["text"]
        if len(normal) == 1:
            name = pick(data["sections"][normal], language)
            return pick(text["section_code"], language).format(name=name, code=normal)
        name = pick(data["divisions"][normal[1:3]], language)
        return pick(text["with_code"], language).format(name=name, code=normal)

    def nace_error(self, error: NaceError, language: str = "en") -> str:
        """Why a text is not a NACE code, in words (the API's 422 message, the chat's answer)."""
        data = _yaml(self.data_dir / "vouchers" / "nace.yml")
        template = pick(data["errors"][error.key], language)
        return " ".join(template.format(**error.values).split())

    def sector(self, label: str | None, code: str | None, language: str = "en") -> str:
        """The sector as the rules understood it: its NACE code in words when there is one
        ("manufacture of machinery and equipment (NACE C28)"), so a wrong reading shows;
        otherwise the user's own words."""
        return self.nace(code, language) if code else " ".join(str(label or "").split())

    def fact_value(self, fact: str, value: Any, language: str = "en") -> str:
        """A profile fact's value as the user should read it (codes become names)."""
        text = str(value) if value is not None else ""
        if fact in ("nace_code", "nace_section"):
            return self.nace(text, language)
        if fact in ("country", "provider_country"):
            return self.country(text, language)
        if fact == "region":
            return self.region(text, language)
        return text
