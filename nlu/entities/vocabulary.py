"""Reading the entity data files into the JSON state of the normaliser components.

Files (under the data directory, ``data/`` of the repository by default):
``geo/countries.yml``, ``geo/regions.yml``, ``sectors/<lang>.yml`` (English if missing),
``sectors/partner_types.yml`` and ``rates/eur.yml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlu.entities.text import fold
from nlu.errors import NluDataError
from nlu.yaml_reader import YamlFileError, read_yaml

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
MIN_FUZZY_LETTERS = 6
# Partner-type words are closer to ordinary words ("testbed" ~ "tested"): only long ones.
MIN_FUZZY_PARTNER_LETTERS = 9


def read_mapping(path: Path) -> dict[str, Any]:
    """An entity data file that must hold a mapping (geo, sectors, names, ownership words)."""
    try:
        loaded = read_yaml(path)
    except YamlFileError as exc:
        raise NluDataError(f"cannot read entity data: {exc}") from exc
    if not isinstance(loaded, dict):
        raise NluDataError(f"{path}: expected a mapping at the top level")
    return loaded


def _with_plural(term: str) -> list[str]:
    term = str(term).strip()
    last = term.split(" ")[-1]
    if last.isalpha() and len(last) > 3 and not last.endswith("s"):
        if last.endswith("y") and last[-2:-1] not in "aeiou":  # "bakery" -> "bakeries"
            return [term, term + "s", term[:-1] + "ies"]
        return [term, term + "s"]
    return [term]


def geo_data(data_dir: Path) -> dict[str, Any]:
    """Entries and targets for countries and regions (see ``LexiconEntities``).

    Args:
        data_dir: The data directory.

    Returns:
        The geo component's data; regions come before countries, level 3 before level 2.

    Raises:
        NluDataError: If a file is missing or malformed.
    """
    regions = read_mapping(data_dir / "geo" / "regions.yml")
    countries = read_mapping(data_dir / "geo" / "countries.yml").get("countries") or {}
    excluded = {fold(str(w)) for w in regions.get("free_text_exclude") or []}
    entries: list[list[Any]] = []
    targets: dict[str, Any] = {}
    by_level = sorted((regions.get("regions") or {}).items(), key=lambda kv: -int(kv[1]["level"]))
    for code, spec in by_level:
        targets[f"region:{code}"] = {"entity": "region", "value": _region_value(str(code), spec)}
        names = [*spec.get("names", {}).values(), *(spec.get("aliases") or [])]
        for phrase in [*names, *(spec.get("cities") or [])]:
            entries.append([str(phrase), f"region:{code}", len(str(phrase)) >= MIN_FUZZY_LETTERS])
    for key, spec in countries.items():
        code = str(key)
        targets[f"country:{code}"] = {"entity": "country", "value": code}
        names = [*spec.get("names", {}).values(), *(spec.get("aliases") or [])]
        for name in names:
            phrase = str(name).removeprefix("the ")
            if len(phrase) > 2 and fold(phrase) not in excluded:
                entries.append([phrase, f"country:{code}", bool(spec.get("bsr"))])
    return {
        "nuts_version": str(regions.get("nuts_version", "")),
        "entries": entries,
        "targets": targets,
        "fuzzy_exclude": [str(w) for w in regions.get("fuzzy_exclude") or []],
        "capitalised_only": [str(w) for w in regions.get("capitalised_only") or []],
    }


def _region_value(code: str, spec: dict[str, Any]) -> dict[str, Any]:
    level = int(spec["level"])
    return {
        "code": code,
        "name": str(spec["names"]["en"]),
        "level": level,
        "nuts2": code if level == 2 else str(spec.get("parent") or code[:4]),
        "country": str(spec["country"]),
    }


def sector_data(data_dir: Path, language: str) -> dict[str, Any]:
    """Entries and targets for sectors, from ``sectors/<language>.yml`` (else English)."""
    path = data_dir / "sectors" / f"{language}.yml"
    raw = read_mapping(path if path.is_file() else data_dir / "sectors" / "en.yml")
    fields = raw.get("s3_fields") or {}
    entries: list[list[Any]] = []
    targets: dict[str, Any] = {}
    for key, spec in (raw.get("sectors") or {}).items():
        if spec.get("s3_field") not in fields:
            raise NluDataError(f"{path}: sector {key!r} has an unknown s3_field")
        nace = spec.get("nace")
        value = {
            "sector": str(key),
            "label": str(spec.get("label", key)),
            "nace": nace,
            "nace_section": str(nace)[0] if nace else None,
            "s3_field": str(spec["s3_field"]),
        }
        targets[f"sector:{key}"] = {"entity": "sector", "value": value}
        for term in spec.get("terms") or []:
            entries.extend([phrase, f"sector:{key}", False] for phrase in _with_plural(term))
    return {"entries": entries, "targets": targets, "s3_fields": fields}


def partner_type_data(data_dir: Path) -> dict[str, Any]:
    """Entries and targets for partner types, from ``sectors/partner_types.yml``."""
    raw = read_mapping(data_dir / "sectors" / "partner_types.yml")
    entries: list[list[Any]] = []
    targets: dict[str, Any] = {}
    for key, spec in (raw.get("partner_types") or {}).items():
        targets[f"partner_type:{key}"] = {"entity": "partner_type", "value": str(key)}
        for term in spec.get("terms") or []:
            fuzzy = len(str(term)) >= MIN_FUZZY_PARTNER_LETTERS and " " not in str(term)
            entries.extend([phrase, f"partner_type:{key}", fuzzy] for phrase in _with_plural(term))
    return {"entries": entries, "targets": targets}


def rate_data(data_dir: Path) -> dict[str, Any]:
    """Exchange rates to EUR with their date and source, from ``rates/eur.yml``."""
    path = data_dir / "rates" / "eur.yml"
    raw = read_mapping(path)
    rates = raw.get("units_per_eur") or {}
    if raw.get("base") != "EUR" or not rates or not raw.get("date"):
        raise NluDataError(f"{path}: needs base: EUR, a date and units_per_eur")
    return {
        "date": str(raw["date"]),
        "source": str(raw.get("source", "")),
        "units_per_eur": {str(code): float(rate) for code, rate in rates.items()},
    }
