"""The directory's CSV format: checked import (all rows or none) and export.

Columns, in order (lists are separated by ";"):

    ref, name, org_type, size, country, region, s3_fields, profile_type, title, description,
    keywords, partnership_types, stage, languages, website, is_demo

An import checks every row before writing anything; if any row is wrong it raises
`CsvImportError` listing each bad row with its line number, and writes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from sqlmodel import Session

from actions.eligibility.iso3166 import normalise_country
from actions.matching import text
from actions.matching.rules import MatchingRules, load_rules
from bot.storage.crud_partners import OrganisationRecord, iter_organisations, upsert_organisations
from bot.storage.models_partners import (
    ORG_TYPES,
    PARTNERSHIP_TYPES,
    PROFILE_TYPES,
    S3_FIELDS,
    SIZES,
    STAGES,
    OrganisationCreate,
)

COLUMNS = (
    "ref",
    "name",
    "org_type",
    "size",
    "country",
    "region",
    "s3_fields",
    "profile_type",
    "title",
    "description",
    "keywords",
    "partnership_types",
    "stage",
    "languages",
    "website",
    "is_demo",
)
MAX_KEYWORDS = 5
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_NUTS = re.compile(r"[A-Z]{2}[0-9A-Z]{0,3}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}
_LIMITS = {"name": 200, "title": 256, "description": 4000, "website": 255}


class CsvImportError(ValueError):
    """Rows of a directory CSV that cannot be imported: (line number, message) pairs."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        lines = "\n".join(f"line {line}: {message}" for line, message in errors)
        super().__init__(f"{len(errors)} bad row(s), nothing imported:\n{lines}")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_row(row: dict[str, str], rules: MatchingRules) -> OrganisationCreate:
    """One CSV row as a checked organisation.

    Raises:
        ValueError: naming the first wrong column.
    """
    values = {key: (row.get(key) or "").strip() for key in COLUMNS}
    for key, limit in _LIMITS.items():
        if len(values[key]) > limit:
            raise ValueError(f"{key}: longer than {limit} characters")
    for key in ("name", "title", "description"):
        if not values[key]:
            raise ValueError(f"{key}: missing")
    if not _REF.fullmatch(values["ref"]):
        raise ValueError("ref: 1-64 letters, digits, '.', '_' or '-'")
    _one_of("org_type", values["org_type"], ORG_TYPES)
    _one_of("profile_type", values["profile_type"], PROFILE_TYPES)
    if values["size"]:
        _one_of("size", values["size"], SIZES)
    if values["stage"]:
        _one_of("stage", values["stage"], STAGES)
    country = normalise_country(values["country"])
    if country is None:
        raise ValueError(f"country: {values['country']!r} is not an ISO 3166-1 alpha-2 code")
    region = values["region"].upper() or None
    if region is not None and not (_NUTS.fullmatch(region) and region[:2] == country):
        raise ValueError(f"region: {values['region']!r} is not a NUTS code of {country}")
    s3_fields = _list("s3_fields", values["s3_fields"], S3_FIELDS, required=True)
    allowed = rules.partnership_types_by_need[values["profile_type"]]
    partnership_types = _list(
        "partnership_types", values["partnership_types"], PARTNERSHIP_TYPES, required=True
    )
    if wrong := [t for t in partnership_types if t not in allowed]:
        raise ValueError(
            f"partnership_types: {', '.join(wrong)} not for a {values['profile_type']}"
        )
    keywords = _split(values["keywords"])
    if len(keywords) > MAX_KEYWORDS or any(len(k) > 50 for k in keywords):
        raise ValueError(f"keywords: at most {MAX_KEYWORDS}, each up to 50 characters")
    languages = [lang.lower() for lang in _split(values["languages"])]
    if len(languages) > 10 or not all(_LANGUAGE.fullmatch(lang) for lang in languages):
        raise ValueError("languages: ISO 639-1 codes such as en;fi")
    website = values["website"] or None
    if website is not None and not website.startswith(("https://", "http://")):
        raise ValueError("website: must start with https:// or http://")
    flag = values["is_demo"].lower()
    if flag not in _TRUE | _FALSE:
        raise ValueError("is_demo: true or false")
    return OrganisationCreate(
        ref=values["ref"],
        name=values["name"],
        org_type=values["org_type"],
        size=values["size"] or None,
        country=country,
        region=region,
        profile_type=values["profile_type"],
        title=values["title"],
        description=values["description"],
        keywords=";".join(keywords),
        stage=values["stage"] or None,
        languages=";".join(languages),
        website=website,
        is_demo=flag in _TRUE,
        s3_fields=s3_fields,
        partnership_types=partnership_types,
        search_terms=text.profile_terms(values["title"], keywords),
    )


def _one_of(name: str, value: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(allowed)}")


def _list(name: str, value: str, allowed: Iterable[str], *, required: bool) -> list[str]:
    items = list(dict.fromkeys(_split(value)))
    if required and not items:
        raise ValueError(f"{name}: at least one needed")
    for item in items:
        _one_of(name, item, allowed)
    return items


def read_csv(
    stream: TextIO,
    rules: MatchingRules | None = None,
    *,
    on_row: Callable[[], None] | None = None,
) -> list[OrganisationCreate]:
    """Every row of a directory CSV, checked; `on_row` is told of each row as it is read
    (for progress).

    Raises:
        CsvImportError: listing every bad row (line numbers count the header as line 1).
    """
    rules = rules or load_rules()
    reader = csv.DictReader(stream)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CsvImportError([(1, f"header lacks column(s): {', '.join(missing)}")])
    errors: list[tuple[int, str]] = []
    rows: list[OrganisationCreate] = []
    seen: dict[str, int] = {}
    line = reader.line_num
    for row in reader:
        if on_row is not None:
            on_row()
        start, line = line + 1, reader.line_num
        if None in row:
            errors.append((start, "more fields than the header has"))
            continue
        try:
            organisation = parse_row(row, rules)
        except ValueError as exc:
            errors.append((start, str(exc)))
            continue
        if organisation.ref in seen:
            errors.append(
                (start, f"ref: {organisation.ref!r} already on line {seen[organisation.ref]}")
            )
            continue
        seen[organisation.ref] = start
        rows.append(organisation)
    if errors:
        raise CsvImportError(errors)
    return rows


def import_csv(
    *, session: Session, stream: TextIO, on_row: Callable[[], None] | None = None
) -> tuple[int, int]:
    """Check a whole CSV, then write it in the caller's transaction; (inserted, updated).
    `on_row` is told of each row as it is read."""
    organisations = read_csv(stream, on_row=on_row)
    return upsert_organisations(session=session, organisations=organisations)


def format_row(record: OrganisationRecord) -> dict[str, str]:
    """One organisation as a CSV row."""
    org = record.organisation
    return {
        "ref": org.ref,
        "name": org.name,
        "org_type": org.org_type,
        "size": org.size or "",
        "country": org.country,
        "region": org.region or "",
        "s3_fields": ";".join(record.s3_fields),
        "profile_type": org.profile_type,
        "title": org.title,
        "description": org.description,
        "keywords": org.keywords,
        "partnership_types": ";".join(record.partnership_types),
        "stage": org.stage or "",
        "languages": org.languages,
        "website": org.website or "",
        "is_demo": "true" if org.is_demo else "false",
    }


def write_rows(stream: TextIO, rows: Iterable[dict[str, Any]]) -> int:
    """Write a header and rows; returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def export_csv(*, session: Session, stream: TextIO) -> int:
    """Write the whole directory as CSV; returns the number of organisations."""
    return write_rows(stream, (format_row(r) for r in iter_organisations(session=session)))
