"""Entity extraction and normalisation for what SMEs type.

One module per entity family, each a spaCy component under a versioned factory name:

==========================  =============================  ==================================
factory                     entities                       value
==========================  =============================  ==================================
``s3_headcount_v1``         ``headcount``                  int
``s3_money_v1``             ``money``                      dict with ``amount_eur`` ...
``s3_periods_v1``           ``year``, ``duration``         int (year), int months
``s3_geo_entities_v1``      ``country``, ``region``        ISO code; dict with NUTS ``code``
``s3_sector_entities_v1``   ``sector``                     dict with ``nace``, ``s3_field``
``s3_partner_type_entities_v1`` ``partner_type``           canonical key
``s3_ownership_v1``         ``ownership``                  ``none``, ``partner``, ``linked``
``s3_entity_resolver_v1``   (overlaps, before the merger)
``s3_company_names_v1``     ``company_name`` (after the merger) trimmed, legal form added
``s3_language_names_v1``    (drops countries that name a language: "på dansk")
``s3_entity_links_v1``      (region -> country, after the merger)
``s3_entity_roles_v1``      (``role``/``group`` keys, last)  whose fact: owner, target ...
==========================  =============================  ==================================

``add_entity_normalisers(nlp, training_data)`` adds them all to a pipeline before training;
their data is saved with the model, so a loaded model needs no data files. See
``docs/entities.md``.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from nlu.components import JsonDataComponent
from nlu.entities.headcount import HeadcountEntities, find_headcounts
from nlu.entities.language_names import LanguageNames, language_name_data
from nlu.entities.lexicon import GeoEntities, PartnerTypeEntities, SectorEntities
from nlu.entities.money import MoneyEntities, find_money
from nlu.entities.names import CompanyNames, legal_form_data
from nlu.entities.ownership import OwnershipEntities, ownership_data
from nlu.entities.periods import PeriodEntities, find_durations, find_years
from nlu.entities.resolve import EntityLinks, EntityResolver
from nlu.entities.roles import RoleEntities, role_data
from nlu.entities.vocabulary import (
    DEFAULT_DATA_DIR,
    geo_data,
    partner_type_data,
    rate_data,
    sector_data,
)
from nlu.training_data import TrainingData

MERGER = "entity_merger"
# (pipe name, factory) in pipeline order, all placed before the entity merger.
NORMALISERS = [
    ("headcount_entities", "s3_headcount_v1"),
    ("money_entities", "s3_money_v1"),
    ("period_entities", "s3_periods_v1"),
    ("geo_entities", "s3_geo_entities_v1"),
    ("sector_entities", "s3_sector_entities_v1"),
    ("partner_type_entities", "s3_partner_type_entities_v1"),
    ("ownership_entities", "s3_ownership_v1"),
    ("entity_resolver", "s3_entity_resolver_v1"),
]
NAMES = ("company_names", "s3_company_names_v1")
LANGUAGE_NAMES = ("language_names", "s3_language_names_v1")
LINKS = ("entity_links", "s3_entity_links_v1")
ROLES = ("entity_roles", "s3_entity_roles_v1")
# Entity types the rule components produce; the statistical NER is not trained on them.
NORMALISED_TYPES = frozenset(
    {
        "headcount",
        "money",
        "year",
        "duration",
        "country",
        "region",
        "sector",
        "partner_type",
        "ownership",
    }
)


ENTITY_DATA_DIRS = ("geo", "sectors", "rates", "roles", "names")
ENTITY_DATA_FILES = ("languages.yml",)


def entity_data_files(data_dir: Path | None = None) -> list[Path]:
    """The data files the normalisers read, so a change to them retrains the model."""
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    files = [p for sub in ENTITY_DATA_DIRS for p in (root / sub).glob("*.yml")]
    files += [root / name for name in ENTITY_DATA_FILES if (root / name).is_file()]
    return sorted(files)


def add_entity_normalisers(
    nlp: Language, training_data: TrainingData | None = None, *, data_dir: Path | None = None
) -> None:
    """Add the entity normalisers to a pipeline and give them their data.

    They go just before the ``entity_merger`` component (or at the end if there is none),
    the region-to-country linker just after it, and the entity roles after that (roles need
    every entity, derived countries included). Calling it again does nothing.

    Args:
        nlp: The pipeline being built (before ``nlp.initialize``).
        training_data: The NLU training data (not needed by the rule-based normalisers;
            accepted so the pipeline builder has one call for all entity set-up).
        data_dir: Directory holding ``geo/``, ``sectors/``, ``rates/``, ``roles/`` and
            ``names/``; the repository's ``data/`` by default.

    Raises:
        NluDataError: If an entity data file is missing or malformed.
    """
    del training_data  # rule-based: nothing to learn from the examples
    if NORMALISERS[0][0] in nlp.pipe_names:
        return
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    data = {
        "money_entities": rate_data(root),
        "geo_entities": geo_data(root),
        "sector_entities": sector_data(root, nlp.lang or "en"),
        "partner_type_entities": partner_type_data(root),
        "ownership_entities": ownership_data(root, nlp.lang or "en"),
    }
    has_merger = MERGER in nlp.pipe_names
    for name, factory in NORMALISERS:
        if has_merger:
            component = nlp.add_pipe(factory, name=name, before=MERGER)
        else:
            component = nlp.add_pipe(factory, name=name)
        if name in data and isinstance(component, JsonDataComponent):
            component.set_data(data[name])
    if has_merger:
        names = nlp.add_pipe(NAMES[1], name=NAMES[0], after=MERGER)
    else:
        names = nlp.add_pipe(NAMES[1], name=NAMES[0])
    if isinstance(names, JsonDataComponent):
        names.set_data(legal_form_data(root, nlp.lang or "en"))
    languages = nlp.add_pipe(LANGUAGE_NAMES[1], name=LANGUAGE_NAMES[0], after=NAMES[0])
    if isinstance(languages, JsonDataComponent):
        languages.set_data(language_name_data(root))
    nlp.add_pipe(LINKS[1], name=LINKS[0], after=LANGUAGE_NAMES[0])
    roles = nlp.add_pipe(ROLES[1], name=ROLES[0], after=LINKS[0])
    if isinstance(roles, JsonDataComponent):
        roles.set_data(role_data(root, nlp.lang or "en"))


__all__ = [
    "NORMALISED_TYPES",
    "EntityLinks",
    "CompanyNames",
    "EntityResolver",
    "GeoEntities",
    "HeadcountEntities",
    "LanguageNames",
    "MoneyEntities",
    "OwnershipEntities",
    "PartnerTypeEntities",
    "PeriodEntities",
    "RoleEntities",
    "SectorEntities",
    "add_entity_normalisers",
    "find_durations",
    "find_headcounts",
    "find_money",
    "find_years",
]
