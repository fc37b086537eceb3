"""Reads and writes of partner sites, the attribution of conversations to them, and the reads
of a conversation's messages the widget shows.

Keyword-only functions working in the caller's session, as in `bot.storage.crud`; values are
normalised here (origins, colour, language), so every caller stores them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import String, cast, func, update
from sqlmodel import Session, col, select

from bot.storage.errors import NotFoundError
from bot.storage.models import Conversation, Event, utcnow
from bot.storage.models_sites import (
    PartnerSite,
    new_secret,
    new_site_key,
    normalise_colour,
    normalise_language,
    normalise_origin,
)

#: The fields `update_site` may change, besides the origins and the secret.
UPDATABLE = frozenset(
    {"name", "default_language", "title", "greeting", "colour", "organisation", "active"}
)


def normalise_origins(origins: Iterable[str]) -> list[str]:
    """Origins normalised, without duplicates, in their first order.

    Raises:
        ValueError: one of them is not an origin.
    """
    return list(dict.fromkeys(normalise_origin(origin) for origin in origins))


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if out.get("colour") is not None:
        out["colour"] = normalise_colour(out["colour"])
    if out.get("default_language") is not None:
        out["default_language"] = normalise_language(out["default_language"])
    return out


def create_site(
    *,
    session: Session,
    name: str,
    origins: Sequence[str],
    site_key: str | None = None,
    **fields: Any,
) -> PartnerSite:
    """Register a partner site with a new random site key (unless one is given) and secret.

    Args:
        session: The database session.
        name: The site's name, as the widget and the staff console show it.
        origins: The origins its pages are served from (at least one).
        site_key: A chosen site key (the demo site's); random when None.
        **fields: Any of `default_language`, `title`, `greeting`, `colour`, `organisation`.

    Returns:
        The stored site, with its secret.

    Raises:
        ValueError: an origin, the colour or the language is invalid, or no origin is given.
    """
    allowed = normalise_origins(origins)
    if not allowed:
        raise ValueError("give at least one origin")
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValueError(f"unknown site fields: {', '.join(sorted(unknown))}")
    values = _normalised({k: v for k, v in fields.items() if v is not None})
    site = PartnerSite(
        site_key=site_key or new_site_key(),
        secret=new_secret(),
        name=name,
        allowed_origins=allowed,
        **values,
    )
    session.add(site)
    session.flush()
    return site


def get_site(*, session: Session, site_key: str) -> PartnerSite | None:
    """Find a site by its key.

    Args:
        session: The database session.
        site_key: The public site key.

    Returns:
        The site (active or not), or None.
    """
    return session.exec(select(PartnerSite).where(PartnerSite.site_key == site_key)).first()


def get_active_site(*, session: Session, site_key: str) -> PartnerSite | None:
    """Find an active site by its key: what the widget may talk to.

    Args:
        session: The database session.
        site_key: The public site key.

    Returns:
        The site, or None if there is no such site or it is inactive.
    """
    site = get_site(session=session, site_key=site_key)
    return site if site is not None and site.active else None


def list_sites(*, session: Session) -> Sequence[PartnerSite]:
    """Every site, in the order they were created.

    Args:
        session: The database session.

    Returns:
        The sites.
    """
    return session.exec(select(PartnerSite).order_by(col(PartnerSite.id))).all()


def update_site(
    *,
    session: Session,
    site_key: str,
    origins: Sequence[str] | None = None,
    add_origins: Sequence[str] = (),
    remove_origins: Sequence[str] = (),
    **fields: Any,
) -> PartnerSite:
    """Change a site: its fields, and its origins (replaced, then added to, then removed from).

    Args:
        session: The database session.
        site_key: The site to change.
        origins: The new list of origins, replacing the old one (None: kept).
        add_origins: Origins to add.
        remove_origins: Origins to remove.
        **fields: New values of fields in `UPDATABLE`; None leaves a field as it is.

    Returns:
        The changed site.

    Raises:
        NotFoundError: There is no such site.
        ValueError: An invalid value, an unknown field, or no origin would be left.
    """
    site = get_site(session=session, site_key=site_key)
    if site is None:
        raise NotFoundError(f"no partner site {site_key!r}")
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValueError(f"unknown site fields: {', '.join(sorted(unknown))}")
    allowed = normalise_origins(origins) if origins is not None else list(site.allowed_origins)
    removed = set(normalise_origins(remove_origins))
    allowed = [o for o in normalise_origins([*allowed, *add_origins]) if o not in removed]
    if not allowed:
        raise ValueError("a site needs at least one origin")
    for name, value in _normalised({k: v for k, v in fields.items() if v is not None}).items():
        setattr(site, name, value)
    site.allowed_origins = allowed
    site.updated_at = utcnow()
    session.add(site)
    session.flush()
    return site


def rotate_secret(*, session: Session, site_key: str) -> PartnerSite:
    """Give a site a new secret: its members' hashes and its widget tokens stop working.

    Args:
        session: The database session.
        site_key: The site.

    Returns:
        The site, with its new secret.

    Raises:
        NotFoundError: There is no such site.
    """
    site = get_site(session=session, site_key=site_key)
    if site is None:
        raise NotFoundError(f"no partner site {site_key!r}")
    site.secret = new_secret()
    site.updated_at = utcnow()
    session.add(site)
    session.flush()
    return site


def ensure_site(
    *, session: Session, site_key: str, name: str, origins: Sequence[str], **fields: Any
) -> tuple[PartnerSite, bool]:
    """The site with this key, created as given when it does not exist yet (the demo site).

    Args:
        session: The database session.
        site_key: The site key to find or create.
        name: The name of a new site.
        origins: The origins of a new site.
        **fields: Other fields of a new site.

    Returns:
        The site, and whether it was created now.
    """
    existing = get_site(session=session, site_key=site_key)
    if existing is not None:
        return existing, False
    created = create_site(session=session, name=name, origins=origins, site_key=site_key, **fields)
    return created, True


def origin_is_allowed(*, session: Session, origin: str) -> bool:
    """Whether any active site allows `origin` (what a CORS preflight may be told).

    The stored JSON text is searched for the quoted origin first, so only candidate sites are
    read; the match itself is exact.

    Args:
        session: The database session.
        origin: An Origin header's value.

    Returns:
        Whether an active site lists exactly this origin.
    """
    try:
        wanted = normalise_origin(origin)
    except ValueError:
        return False
    if wanted != origin.strip().lower():  # browsers send origins already in this form
        return False
    escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    statement = select(PartnerSite.allowed_origins).where(
        col(PartnerSite.active),
        cast(PartnerSite.allowed_origins, String).like(f'%"{escaped}"%', escape="\\"),
    )
    return any(wanted in origins for origins in session.exec(statement).all())


def attribute_conversation(*, session: Session, sender_id: str, site_id: int) -> bool:
    """Record the site a conversation came through, unless it already has one.

    Args:
        session: The database session.
        sender_id: The conversation id.
        site_id: The partner site's row id.

    Returns:
        Whether the conversation was attributed now.
    """
    statement = (
        update(Conversation)
        .where(
            col(Conversation.sender_id) == sender_id,
            col(Conversation.partner_site_id).is_(None),
        )
        .values(partner_site_id=site_id)
    )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


#: The events a person sees as messages.
MESSAGE_EVENTS = ("user", "bot")


def read_messages(
    *, session: Session, sender_id: str, after_seq: int | None = None, kinds: Sequence[str] = ()
) -> tuple[int | None, list[tuple[int, dict[str, Any]]]]:
    """A conversation's user and bot events with their seq, after its last restart or after
    `after_seq`, in order.

    Args:
        session: The database session.
        sender_id: The conversation id.
        after_seq: Only events with a greater seq (None: those after the latest restart).
        kinds: The event types to read (default: user and bot).

    Returns:
        The conversation's row id (None when it does not exist) and its (seq, event) pairs.
    """
    conversation = session.exec(
        select(Conversation.id).where(Conversation.sender_id == sender_id)
    ).first()
    if conversation is None:
        return None, []
    if after_seq is None:
        restart = select(func.max(Event.seq)).where(
            Event.conversation_id == conversation, Event.event_type == "restart"
        )
        found = session.exec(restart).one()
        after_seq = -1 if found is None else int(found)
    statement = (
        select(Event.seq, Event.data)
        .where(
            Event.conversation_id == conversation,
            col(Event.seq) > after_seq,
            col(Event.event_type).in_(tuple(kinds) or MESSAGE_EVENTS),
        )
        .order_by(col(Event.seq))
    )
    return conversation, [(int(seq), dict(data)) for seq, data in session.exec(statement).all()]


def last_seq(*, session: Session, sender_id: str) -> int:
    """The seq of a conversation's latest event, -1 when it has none or does not exist.

    Args:
        session: The database session.
        sender_id: The conversation id.

    Returns:
        That seq.
    """
    statement = (
        select(func.max(Event.seq))
        .join(Conversation, col(Conversation.id) == col(Event.conversation_id))
        .where(Conversation.sender_id == sender_id)
    )
    found = session.exec(statement).one()
    return -1 if found is None else int(found)
