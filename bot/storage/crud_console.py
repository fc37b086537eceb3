"""The staff console's reads and writes: the filtered conversation list, review marks, tags,
and the NLU inbox.

The list reads only `conversation_summary` (with the review, the conversation's partner site
and its organisation joined), newest first, paged by keyset: a page deep in 100,000
conversations costs what the first one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, text, update
from sqlmodel import Session, col, select

from bot.storage.models import Conversation, utcnow
from bot.storage.models_console import (
    ConversationReview,
    ConversationSummary,
    ConversationTag,
    NluAnnotation,
)
from bot.storage.models_sites import PartnerSite
from bot.storage.search import matching_conversations

#: The outcome flags a list can be filtered on (columns of `ConversationSummary`).
OUTCOMES = ("profiled", "partners_shown", "introduction_requested", "fallback", "handed_over")
REVIEW_STATES = ("reviewed", "unreviewed", "flagged")
PAGE_SIZE = 50
MAX_TAG_CHARS = 64


@dataclass(frozen=True)
class ConversationFilter:
    """What a staff member narrowed the list to; every field left None matches all."""

    channel: str | None = None
    partner_site_id: int | None = None
    organisation: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    outcomes: tuple[str, ...] = ()
    verdict: str | None = None
    review: str | None = None
    tag: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class ListedConversation:
    """One row of the list."""

    summary: ConversationSummary
    site_name: str | None
    reviewed: bool
    flagged: bool


@dataclass(frozen=True)
class Page:
    """A page of the list and the cursor of the next one (None on the last page)."""

    rows: list[ListedConversation]
    next_cursor: tuple[datetime, int] | None


@dataclass
class Review:
    """A conversation's review marks and tags."""

    notes: str = ""
    reviewed: bool = False
    flagged: bool = False
    updated_by: int | None = None
    updated_at: datetime | None = None
    tags: list[str] = field(default_factory=list)


def _conditions(session: Session, filters: ConversationFilter, scope: str | None) -> list[Any]:
    """The filters as conditions on `conversation_summary` alone (other tables only in
    subqueries), so the page is picked from one table's indexes before anything is joined."""
    summary = ConversationSummary
    found: list[Any] = []
    ids = col(summary.conversation_id)
    # The site's: EXISTS, checked row by row as the newest are walked (a site may have few).
    of_conversation = select(Conversation.id).where(col(Conversation.id) == ids)
    for organisation in (scope, filters.organisation):
        if organisation is not None:
            sites = select(PartnerSite.id).where(col(PartnerSite.organisation) == organisation)
            found.append(
                of_conversation.where(col(Conversation.partner_site_id).in_(sites)).exists()
            )
    if filters.partner_site_id is not None:
        site = col(Conversation.partner_site_id) == filters.partner_site_id
        found.append(of_conversation.where(site).exists())
    for name in ("channel", "language", "verdict"):
        value = getattr(filters, name)
        if value:
            found.append(getattr(summary, name) == value)
    if filters.since is not None:
        found.append(col(summary.last_at) >= filters.since)
    if filters.until is not None:  # last active in [since, until): one range of an index
        found.append(col(summary.last_at) < filters.until)
    found.extend(getattr(summary, name).is_(True) for name in filters.outcomes if name in OUTCOMES)
    review = ConversationReview
    if filters.review == "reviewed":
        found.append(ids.in_(select(review.conversation_id).where(col(review.reviewed).is_(True))))
    elif filters.review == "unreviewed":
        reviewed = select(review.conversation_id).where(col(review.reviewed).is_(True))
        found.append(ids.not_in(reviewed))
    elif filters.review == "flagged":
        found.append(ids.in_(select(review.conversation_id).where(col(review.flagged).is_(True))))
    if filters.tag:
        tagged = select(ConversationTag.conversation_id).where(ConversationTag.tag == filters.tag)
        found.append(ids.in_(tagged))
    if filters.q and filters.q.strip():
        dialect = session.connection().dialect.name
        found.append(matching_conversations(filters.q, dialect))
    return found


def list_conversations(
    *,
    session: Session,
    filters: ConversationFilter,
    scope: str | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """A page of conversations, the most recently active first.

    Args:
        session: The database session.
        filters: What to narrow the list to.
        scope: The only organisation whose partner sites' conversations to list (a
            reviewer's), or None for all.
        after: The cursor of the page: (last_at, conversation_id) of the previous page's last row.
        limit: The page size.

    Returns:
        The page, and the cursor of the next one.
    """
    order = (
        col(ConversationSummary.last_at).desc(),
        col(ConversationSummary.conversation_id).desc(),
    )
    page = select(ConversationSummary.conversation_id)
    for condition in _conditions(session, filters, scope):
        page = page.where(condition)
    if after is not None:
        last_at, conversation_id = after
        page = page.where(
            or_(
                col(ConversationSummary.last_at) < last_at,
                and_(
                    col(ConversationSummary.last_at) == last_at,
                    col(ConversationSummary.conversation_id) < conversation_id,
                ),
            )
        )
    picked = page.order_by(*order).limit(limit + 1).subquery()
    statement = (
        select(
            ConversationSummary,
            PartnerSite.name,
            ConversationReview.reviewed,
            ConversationReview.flagged,
        )
        .join(picked, picked.c.conversation_id == ConversationSummary.conversation_id)
        .join(Conversation, col(Conversation.id) == ConversationSummary.conversation_id)
        .outerjoin(PartnerSite, col(PartnerSite.id) == Conversation.partner_site_id)
        .outerjoin(
            ConversationReview,
            col(ConversationReview.conversation_id) == ConversationSummary.conversation_id,
        )
        .order_by(*order)
    )
    rows = [
        ListedConversation(summary, site, bool(reviewed), bool(flagged))
        for summary, site, reviewed, flagged in session.exec(statement).all()
    ]
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1].summary
        cursor = (last.last_at, last.conversation_id)
    return Page(rows, cursor)


def distinct_values(session: Session, table: str, column: str, limit: int = 200) -> list[str]:
    """The distinct values of an indexed column, by a loose index scan: one index probe per
    value, not a walk over every row (neither database skips through an index by itself).

    `table` and `column` are names from this module, never from a request.
    """
    statement = text(
        f"WITH RECURSIVE found(v) AS ("
        f" SELECT min({column}) FROM {table}"
        f" UNION ALL SELECT (SELECT min({column}) FROM {table} WHERE {column} > found.v)"
        f" FROM found WHERE found.v IS NOT NULL)"
        f" SELECT v FROM found WHERE v IS NOT NULL LIMIT :limit"
    )
    return [str(value) for value in session.execute(statement, {"limit": limit}).scalars()]


def filter_choices(*, session: Session, scope: str | None) -> dict[str, list[Any]]:
    """The values the list's selects offer: channels, languages, partner sites, organisations
    and tags in use."""
    sites = select(PartnerSite.id, PartnerSite.name, PartnerSite.organisation)
    if scope is not None:
        sites = sites.where(col(PartnerSite.organisation) == scope)
    site_rows = session.exec(sites.order_by(PartnerSite.name)).all()
    return {
        "channels": distinct_values(session, "conversation_summary", "channel"),
        "languages": distinct_values(session, "conversation_summary", "language"),
        "sites": [(site_id, name) for site_id, name, _ in site_rows],
        "organisations": sorted({org for _, _, org in site_rows if org}),
        "tags": distinct_values(session, "conversation_tag", "tag"),
    }


def get_summary(*, session: Session, conversation_id: int) -> ConversationSummary | None:
    """A conversation's summary row, if it has one."""
    return session.get(ConversationSummary, conversation_id)


def get_review(*, session: Session, conversation_id: int) -> Review:
    """A conversation's review marks and tags (empty ones when never reviewed)."""
    row = session.get(ConversationReview, conversation_id)
    tags = session.exec(
        select(ConversationTag.tag)
        .where(ConversationTag.conversation_id == conversation_id)
        .order_by(ConversationTag.tag)
    ).all()
    if row is None:
        return Review(tags=list(tags))
    return Review(row.notes, row.reviewed, row.flagged, row.updated_by, row.updated_at, list(tags))


def set_review(
    *,
    session: Session,
    conversation_id: int,
    staff_id: int | None,
    notes: str | None = None,
    reviewed: bool | None = None,
    flagged: bool | None = None,
) -> None:
    """Change a conversation's notes, reviewed mark or flag (None leaves one as it is)."""
    row = session.get(ConversationReview, conversation_id) or ConversationReview(
        conversation_id=conversation_id
    )
    if notes is not None:
        row.notes = notes
    if reviewed is not None:
        row.reviewed = reviewed
    if flagged is not None:
        row.flagged = flagged
    row.updated_by, row.updated_at = staff_id, utcnow()
    session.add(row)
    session.flush()


def clean_tag(tag: str) -> str:
    """A tag as stored: trimmed, lower case, inner spaces as single dashes."""
    return "-".join(tag.strip().lower().split())[:MAX_TAG_CHARS]


def add_tag(*, session: Session, conversation_id: int, tag: str) -> bool:
    """Tag a conversation; False when the tag is empty or already there."""
    tag = clean_tag(tag)
    if not tag:
        return False
    exists = session.exec(
        select(ConversationTag.id).where(
            ConversationTag.conversation_id == conversation_id, ConversationTag.tag == tag
        )
    ).first()
    if exists is not None:
        return False
    session.add(ConversationTag(conversation_id=conversation_id, tag=tag))
    session.flush()
    return True


def remove_tag(*, session: Session, conversation_id: int, tag: str) -> bool:
    """Take a tag off a conversation; False when it was not there."""
    statement = delete(ConversationTag).where(
        col(ConversationTag.conversation_id) == conversation_id,
        col(ConversationTag.tag) == clean_tag(tag),
    )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AnnotationGroup:
    """Inbox entries of one status whose texts fold to the same key, in one language."""

    text_key: str
    language: str
    count: int
    example: NluAnnotation
    conversation_ids: list[int]


def _in_scope(statement: Any, scope: str | None) -> Any:
    if scope is None:
        return statement
    sites = select(PartnerSite.id).where(col(PartnerSite.organisation) == scope)
    scoped = select(Conversation.id).where(col(Conversation.partner_site_id).in_(sites))
    return statement.where(col(NluAnnotation.conversation_id).in_(scoped))


def list_annotation_groups(
    *,
    session: Session,
    status: str = "new",
    scope: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> list[AnnotationGroup]:
    """The inbox's groups of similar messages with `status`, the largest first.

    Args:
        session: The database session.
        status: "new", "accepted" or "rejected".
        scope: The only organisation whose conversations count (a reviewer's), or None.
        limit: How many groups at most.
        offset: How many to skip.

    Returns:
        The groups, each with its newest entry as the example.
    """
    grouped = select(
        NluAnnotation.text_key,
        NluAnnotation.language,
        func.count().label("n"),
        func.max(NluAnnotation.id).label("newest"),
    ).where(NluAnnotation.status == status)
    grouped = _in_scope(grouped, scope)
    grouped = (
        grouped.group_by(NluAnnotation.text_key, NluAnnotation.language)
        .order_by(func.count().desc(), func.max(NluAnnotation.id).desc())
        .limit(limit)
        .offset(offset)
    )
    groups = []
    for key, language, count, newest in session.exec(grouped).all():
        example = session.get(NluAnnotation, newest)
        members = select(NluAnnotation.conversation_id).where(
            NluAnnotation.text_key == key,
            NluAnnotation.language == language,
            NluAnnotation.status == status,
        )
        ids = sorted(set(session.exec(_in_scope(members, scope).limit(20)).all()))
        groups.append(AnnotationGroup(key, language, int(count), example, ids))  # type: ignore[arg-type]
    return groups


def get_annotation(*, session: Session, annotation_id: int) -> NluAnnotation | None:
    """One inbox entry."""
    return session.get(NluAnnotation, annotation_id)


def decide_annotation_group(
    *,
    session: Session,
    example: NluAnnotation,
    status: str,
    intent: str | None,
    entities: Sequence[dict[str, Any]],
    staff_id: int | None,
    scope: str | None = None,
) -> int:
    """Accept (with an intent and entities) or reject the group of `example`: every entry of
    its status, text key and language. Entities are offsets in the example's text, so they
    go to the entries with exactly that text.

    Returns:
        How many entries were decided.
    """
    now = utcnow()
    members = select(NluAnnotation.id).where(
        NluAnnotation.text_key == example.text_key,
        NluAnnotation.language == example.language,
        NluAnnotation.status == example.status,
    )
    ids = list(session.exec(_in_scope(members, scope)).all())
    values = {
        "status": status,
        "accepted_intent": intent,
        "updated_by": staff_id,
        "updated_at": now,
    }
    statement = update(NluAnnotation).where(col(NluAnnotation.id).in_(ids))
    decided = session.execute(statement.values(**values)).rowcount  # type: ignore[attr-defined]
    same_text = statement.where(col(NluAnnotation.text) == example.text)
    session.execute(same_text.values(entities=list(entities)))
    session.expire_all()
    return int(decided)


def accepted_annotations(*, session: Session, language: str | None = None) -> list[NluAnnotation]:
    """The accepted inbox entries (of one language), oldest first."""
    statement = select(NluAnnotation).where(NluAnnotation.status == "accepted")
    if language is not None:
        statement = statement.where(NluAnnotation.language == language)
    return list(session.exec(statement.order_by(col(NluAnnotation.id))).all())


def corrected_intents(*, session: Session, conversation_id: int) -> dict[int, str]:
    """The intents staff gave a conversation's messages, by the messages' seq."""
    statement = select(NluAnnotation.seq, NluAnnotation.accepted_intent).where(
        NluAnnotation.conversation_id == conversation_id,
        NluAnnotation.status == "accepted",
        col(NluAnnotation.accepted_intent).is_not(None),
    )
    return {int(seq): str(intent) for seq, intent in session.exec(statement).all()}
