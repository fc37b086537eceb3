"""Reads and writes of the partner directory, and its SQL candidate query.

Like `bot.storage.crud`, every function takes keyword arguments only and works inside the
caller's session; the caller commits. Search terms are computed by the caller (the matcher
owns tokenisation); this module stores and queries them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Integer, case, delete, func, insert, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from bot.storage.errors import NotFoundError
from bot.storage.models import utcnow
from bot.storage.models_partners import (
    IntroductionRequest,
    Organisation,
    OrganisationCreate,
    OrganisationKeyword,
    OrganisationPartnershipType,
    OrganisationS3Field,
)

_ORG = Organisation.__table__  # type: ignore[attr-defined]
_KEYWORD = OrganisationKeyword.__table__  # type: ignore[attr-defined]
_S3 = OrganisationS3Field.__table__  # type: ignore[attr-defined]
_PARTNERSHIP = OrganisationPartnershipType.__table__  # type: ignore[attr-defined]
_INTRODUCTION = IntroductionRequest.__table__  # type: ignore[attr-defined]
_BASE_COLUMNS = tuple(
    name for name in Organisation.model_fields if name not in ("id", "created_at")
)

#: Weights of the cheap SQL pre-score; the matcher's real score is computed afterwards.
KEYWORD_HIT = 2
S3_HIT = 3
TYPE_FIT = 2
TARGET_COUNTRY = 1
#: Rows sent per statement when writing many organisations.
CHUNK = 500


@dataclass(frozen=True)
class OrganisationRecord:
    """An organisation with its lists, as the matcher and exports read it."""

    organisation: Organisation
    s3_fields: tuple[str, ...]
    partnership_types: tuple[str, ...]
    search_terms: tuple[str, ...]


@dataclass(frozen=True)
class CandidateQuery:
    """The hard filters and the hints of the cheap pre-score of one candidate search."""

    profile_types: tuple[str, ...]
    partnership_types: tuple[str, ...]
    exclude_country: str | None = None
    org_types: tuple[str, ...] = ()
    s3_fields: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    preferred_org_types: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    limit: int = 100
    exclude_ids: tuple[int, ...] = field(default=())


def upsert_organisations(
    *, session: Session, organisations: Sequence[OrganisationCreate]
) -> tuple[int, int]:
    """Insert new organisations and replace existing ones (same `ref`) with their lists.

    Existing rows keep their id and `created_at`, so introduction requests stay attached.

    Args:
        session: The database session; the caller commits, so a failure writes nothing.
        organisations: Checked organisations; refs must be unique within the sequence.

    Returns:
        How many were inserted and how many updated.
    """
    refs = [org.ref for org in organisations]
    existing: dict[str, int] = {}
    for start in range(0, len(refs), CHUNK):
        chunk = refs[start : start + CHUNK]
        rows = session.execute(select(_ORG.c.ref, _ORG.c.id).where(_ORG.c.ref.in_(chunk)))
        existing.update({ref: oid for ref, oid in rows})
    now = utcnow()
    new = [
        _base_values(org) | {"created_at": now} for org in organisations if org.ref not in existing
    ]
    for start in range(0, len(new), CHUNK):
        session.execute(insert(_ORG), new[start : start + CHUNK])
    for org in organisations:
        if org.ref in existing:
            values = _base_values(org)
            session.execute(_ORG.update().where(_ORG.c.id == existing[org.ref]).values(values))
    ids = dict(existing)
    new_refs = [org.ref for org in organisations if org.ref not in existing]
    for start in range(0, len(new_refs), CHUNK):
        chunk = new_refs[start : start + CHUNK]
        rows = session.execute(select(_ORG.c.ref, _ORG.c.id).where(_ORG.c.ref.in_(chunk)))
        ids.update({ref: oid for ref, oid in rows})
    _replace_links(session, [(ids[org.ref], org) for org in organisations], list(existing.values()))
    return len(new), len(existing)


def _base_values(org: OrganisationCreate) -> dict[str, Any]:
    return {name: getattr(org, name) for name in _BASE_COLUMNS}


def _replace_links(
    session: Session, rows: list[tuple[int, OrganisationCreate]], stale_ids: list[int]
) -> None:
    """Rewrite the link rows of the given organisations."""
    for start in range(0, len(stale_ids), CHUNK):
        chunk = stale_ids[start : start + CHUNK]
        for table in (_S3, _PARTNERSHIP, _KEYWORD):
            session.execute(delete(table).where(table.c.organisation_id.in_(chunk)))
    s3, partnership, keyword = [], [], []
    for oid, org in rows:
        pt = org.profile_type
        s3 += [{"organisation_id": oid, "s3_field": f, "profile_type": pt} for f in org.s3_fields]
        partnership += [
            {"organisation_id": oid, "partnership_type": p} for p in org.partnership_types
        ]
        keyword += [
            {"organisation_id": oid, "keyword": t, "profile_type": pt} for t in org.search_terms
        ]
    for table, values in ((_S3, s3), (_PARTNERSHIP, partnership), (_KEYWORD, keyword)):
        for start in range(0, len(values), CHUNK * 4):
            session.execute(insert(table), values[start : start + CHUNK * 4])


def count_organisations(*, session: Session, is_demo: bool | None = None) -> int:
    """How many organisations the directory holds (only demo ones, or only real ones)."""
    statement = select(func.count()).select_from(_ORG)
    if is_demo is not None:
        statement = statement.where(_ORG.c.is_demo == is_demo)
    return int(session.execute(statement).scalar_one())


def load_organisations(
    *, session: Session, ids: Sequence[int], with_terms: bool = True
) -> list[OrganisationRecord]:
    """The organisations with these ids and their lists, in the order of `ids`.

    Args:
        session: The database session.
        ids: Organisation ids; unknown ids are skipped.
        with_terms: Also read the search terms (the matcher does not need them).

    Returns:
        One record per found id.
    """
    found: dict[int, Organisation] = {}
    lists: dict[str, dict[int, list[str]]] = {"s3": {}, "pt": {}, "kw": {}}
    tables = [("s3", _S3, _S3.c.s3_field), ("pt", _PARTNERSHIP, _PARTNERSHIP.c.partnership_type)]
    if with_terms:
        tables.append(("kw", _KEYWORD, _KEYWORD.c.keyword))
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        statement = select(Organisation).where(col(Organisation.id).in_(chunk))
        found.update({org.id: org for org in session.scalars(statement) if org.id is not None})
        for kind, table, column in tables:
            rows = session.execute(
                select(table.c.organisation_id, column).where(table.c.organisation_id.in_(chunk))
            )
            for oid, value in rows:
                lists[kind].setdefault(oid, []).append(value)
    for values in lists.values():
        for items in values.values():
            items.sort()
    return [
        OrganisationRecord(
            organisation=found[oid],
            s3_fields=tuple(lists["s3"].get(oid, ())),
            partnership_types=tuple(lists["pt"].get(oid, ())),
            search_terms=tuple(lists["kw"].get(oid, ())),
        )
        for oid in ids
        if oid in found
    ]


def iter_organisations(*, session: Session, chunk: int = CHUNK) -> Iterator[OrganisationRecord]:
    """Every organisation with its lists, by id, read `chunk` rows at a time."""
    last = 0
    while True:
        ids = list(
            session.scalars(
                select(_ORG.c.id).where(_ORG.c.id > last).order_by(_ORG.c.id).limit(chunk)
            )
        )
        if not ids:
            return
        yield from load_organisations(session=session, ids=ids)
        last = ids[-1]


def get_organisation_by_ref(*, session: Session, ref: str) -> Organisation | None:
    """The organisation with this public ref, or None."""
    statement = select(Organisation).where(col(Organisation.ref) == ref)
    return session.scalars(statement).first()


def _filters(query: CandidateQuery, *, by_profile_type: bool = True) -> list[Any]:
    """The hard filters as SQL conditions on `organisation`.

    `by_profile_type=False` leaves out the profile type, for statements driven by an index
    that already holds it: on PostgreSQL the condition would tempt the planner into scanning
    every organisation of that type instead of probing the few hits by primary key.
    """
    conditions: list[Any] = (
        [_ORG.c.profile_type.in_(query.profile_types)] if by_profile_type else []
    )
    if query.exclude_country:
        conditions.append(_ORG.c.country != query.exclude_country)
    if query.org_types:
        conditions.append(_ORG.c.org_type.in_(query.org_types))
    if query.exclude_ids:
        conditions.append(_ORG.c.id.not_in(query.exclude_ids))
    shared_partnership = _probe(
        _PARTNERSHIP.c.organisation_id == _ORG.c.id,
        _PARTNERSHIP.c.partnership_type.in_(query.partnership_types),
    )
    conditions.append(shared_partnership)
    return conditions


def _bonus(query: CandidateQuery) -> Any:
    """The row-level part of the cheap pre-score: partner type and target country."""
    bonus: Any = literal(0, Integer)
    if query.preferred_org_types:
        bonus = bonus + case((_ORG.c.org_type.in_(query.preferred_org_types), TYPE_FIT), else_=0)
    if query.target_countries:
        bonus = bonus + case((_ORG.c.country.in_(query.target_countries), TARGET_COUNTRY), else_=0)
    return bonus


def _probe(*conditions: Any) -> Any:
    """Whether a correlated row exists, checked row by row through an index.

    Written as a scalar subquery with LIMIT 1 rather than EXISTS: PostgreSQL turns EXISTS into
    a hash semi-join over the whole link table when it overestimates the outer rows, which at
    100k organisations costs more than probing the few candidates one by one.
    """
    return select(literal(1)).where(*conditions).limit(1).scalar_subquery().is_not(None)


def _s3_match(query: CandidateQuery) -> Any:
    """Whether the organisation works in one of the query's S3 fields."""
    return _probe(
        _S3.c.organisation_id == _ORG.c.id,
        _S3.c.s3_field.in_(query.s3_fields),
    )


def candidate_statements(query: CandidateQuery) -> list[Any]:
    """The bounded SELECTs of a candidate search, most telling first.

    1. driven by the keyword index: organisations sharing search terms with the need, scored
       by shared terms, S3 field and the row-level bonus;
    2. driven by the S3 field index: organisations in one of the need's S3 fields;
    3. any organisation passing the hard filters, by the row-level bonus alone.

    Each has the hard filters and a LIMIT; the caller runs them in turn until it has enough.
    """
    statements = []
    if query.terms:
        hits = (
            select(_KEYWORD.c.organisation_id.label("oid"), func.count().label("n"))
            .where(
                _KEYWORD.c.keyword.in_(query.terms),
                _KEYWORD.c.profile_type.in_(query.profile_types),
            )
            .group_by(_KEYWORD.c.organisation_id)
            .subquery("hits")
        )
        s3_bonus = case((_s3_match(query), S3_HIT), else_=0) if query.s3_fields else literal(0)
        cheap = (hits.c.n * KEYWORD_HIT + s3_bonus + _bonus(query)).label("cheap")
        statements.append(
            select(_ORG.c.id, cheap)
            .select_from(hits.join(_ORG, _ORG.c.id == hits.c.oid))
            .where(*_filters(query, by_profile_type=False))
            .order_by(cheap.desc(), _ORG.c.id)
            .limit(query.limit)
        )
    if query.s3_fields:
        cheap = (literal(S3_HIT, Integer) + _bonus(query)).label("cheap")
        statements.append(
            select(_ORG.c.id, cheap)
            .select_from(_S3.join(_ORG, _ORG.c.id == _S3.c.organisation_id))
            .where(
                _S3.c.s3_field.in_(query.s3_fields),
                _S3.c.profile_type.in_(query.profile_types),
                *_filters(query, by_profile_type=False),
            )
            .distinct()
            .order_by(cheap.desc(), _ORG.c.id)
            .limit(query.limit)
        )
    cheap = _bonus(query).label("cheap")
    statements.append(
        select(_ORG.c.id, cheap)
        .where(*_filters(query))
        .order_by(cheap.desc(), _ORG.c.id)
        .limit(query.limit)
    )
    return statements


def select_candidates(*, session: Session, query: CandidateQuery) -> list[tuple[int, int]]:
    """Organisations passing the hard filters, best cheap pre-score first, at most `limit`.

    Args:
        session: The database session.
        query: The hard filters and the pre-score hints.

    Returns:
        (organisation id, pre-score) pairs; never more than `query.limit`.
    """
    if not query.profile_types or not query.partnership_types or query.limit <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # These short queries look costly to the planner; compiling them (JIT) takes longer
        # than running them.
        session.execute(text("SET LOCAL jit = off"))
    found: list[tuple[int, int]] = []
    for stage in range(len(candidate_statements(query))):
        if len(found) >= query.limit:
            break
        rest = replace(
            query,
            limit=query.limit - len(found),
            exclude_ids=query.exclude_ids + tuple(oid for oid, _ in found),
        )
        statement = candidate_statements(rest)[stage]
        found += [(int(oid), int(score)) for oid, score in session.execute(statement)]
    return found


def _upsert(session: Session, table: Any, values: dict[str, Any], update: list[str]) -> None:
    """Insert a row; on a unique conflict, overwrite only the `update` columns."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table).values(values)
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=["sender_id", "organisation_id"],
            set_={name: statement.excluded[name] for name in update},
        )
    else:
        statement = statement.on_conflict_do_nothing()
    session.execute(statement)


def create_introduction_request(
    *,
    session: Session,
    sender_id: str,
    organisation_id: int,
    consented_ref: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    shared: dict[str, Any] | None = None,
) -> IntroductionRequest:
    """Record a consented introduction request; asking twice keeps one request.

    A repeated request keeps its id, status and date; a contact or shared profile given
    with it replaces the earlier one, since the latest consent is what the user agreed to.

    Args:
        session: The database session.
        sender_id: The conversation's sender id.
        organisation_id: The organisation the user wants to meet.
        consented_ref: The ref of the partner the consent question named (the dialogue
            passes it; it must be this organisation's).
        contact_name: The contact person the organisation may reach.
        contact_email: The contact person's e-mail address (already validated).
        shared: The company facts the user agreed to pass on (name, country, offer, need).

    Returns:
        The stored request (status "pending" when new).

    Raises:
        NotFoundError: No organisation has this id.
        ValueError: `consented_ref` is another organisation's.
    """
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFoundError(f"no organisation with id {organisation_id}")
    if consented_ref is not None and consented_ref != organisation.ref:
        raise ValueError(f"consent to {consented_ref!r} is no consent to {organisation.ref!r}")
    given = {
        name: value
        for name, value in (
            ("consented_ref", consented_ref),
            ("contact_name", contact_name),
            ("contact_email", contact_email),
            ("shared", shared),
        )
        if value is not None
    }
    values = {
        "sender_id": sender_id,
        "organisation_id": organisation_id,
        "consent": True,
        "status": "pending",
        "created_at": utcnow(),
        **given,
    }
    _upsert(session, _INTRODUCTION, values, list(given))
    statement = select(IntroductionRequest).where(
        col(IntroductionRequest.sender_id) == sender_id,
        col(IntroductionRequest.organisation_id) == organisation_id,
    )
    request = session.scalars(statement).one()
    session.refresh(request)
    return request


def list_introduction_requests(*, session: Session, sender_id: str) -> list[IntroductionRequest]:
    """A sender's introduction requests, oldest first."""
    statement = (
        select(IntroductionRequest)
        .where(col(IntroductionRequest.sender_id) == sender_id)
        .order_by(col(IntroductionRequest.id))
    )
    return list(session.scalars(statement))


def delete_partner_data_of_sender(*, session: Session, sender_id: str) -> int:
    """Erase a sender's introduction requests and self-listed organisations; the row count.

    Args:
        session: The database session.
        sender_id: The conversation's sender id.

    Returns:
        How many introduction requests and organisations were deleted.
    """
    listed = list(session.scalars(select(_ORG.c.id).where(_ORG.c.listed_by_sender_id == sender_id)))
    deleted = session.execute(delete(_INTRODUCTION).where(_INTRODUCTION.c.sender_id == sender_id))
    count = int(deleted.rowcount or 0)  # type: ignore[attr-defined]
    if listed:
        for table in (_S3, _PARTNERSHIP, _KEYWORD, _INTRODUCTION):
            session.execute(delete(table).where(table.c.organisation_id.in_(listed)))
        count += int(session.execute(delete(_ORG).where(_ORG.c.id.in_(listed))).rowcount or 0)  # type: ignore[attr-defined]
    return count
