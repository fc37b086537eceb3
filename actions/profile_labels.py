"""Names of profile values for people: partner types, and the summary's readable lines."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from actions import store
from nlu.yaml_reader import read_yaml


@lru_cache(maxsize=2)
def _partner_types(data_dir: Path) -> dict[str, dict[str, Any]]:
    raw = read_yaml(data_dir / "profile" / "partner_types.yml")
    return dict(raw["partner_types"])


def partner_type_key(value: Any) -> str | None:
    """The partner-type key of an entity value (a key) or of plain words."""
    types = _partner_types(store.data_dir())
    if isinstance(value, dict):
        value = value.get("key") or value.get("value")
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold().removeprefix("a ").removeprefix("an ").strip(" .!")
    if wanted in types:
        return wanted
    for key, spec in types.items():
        if wanted in spec.get("aliases", []) or wanted.rstrip("s") in spec.get("aliases", []):
            return key
    return None


def partner_type_name(key: str | None, language: str = "en") -> str | None:
    """A partner type's display name."""
    spec = _partner_types(store.data_dir()).get(key or "")
    if not spec:
        return key
    return str(spec["names"].get(language) or spec["names"]["en"])
