"""Partner sites: the web pages that embed the chat widget, and what the widget needs of them.

A `PartnerSite` is one partner's embedding: a public site key (in the embed line), a secret
(for member identity and the widget's session tokens; kept as is, since it must compute
HMACs), the origins its pages are served from, its branding and default language, and the
partner organisation conversations started there are attributed to.

`PartnerSitePublic` is what may be shown or listed: it has no secret.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from sqlmodel import Field, SQLModel

from bot.storage.models import JSONDocument, UTCDateTime, utcnow

#: A site key as the widget sends it: url-safe, never a ":" (it is part of conversation ids).
SITE_KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
COLOUR_PATTERN: Final = re.compile(r"#[0-9a-fA-F]{6}")
LANGUAGE_PATTERN: Final = re.compile(r"[a-z]{2,3}")
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def new_site_key() -> str:
    """A random public site key: 22 url-safe characters, the first a letter or digit, so that
    a key pasted after a command (`s3bot sites rotate-secret KEY`) is never read as an option."""
    while True:
        key = secrets.token_urlsafe(16)
        if key[0].isalnum():
            return key


def new_secret() -> str:
    """A random site secret: 32 bytes as 64 hex digits."""
    return secrets.token_hex(32)


def normalise_origin(value: str) -> str:
    """An origin as browsers send it: ``scheme://host[:port]``, lower-case, without a path
    and without the scheme's default port.

    Raises:
        ValueError: not an http(s) origin, or one with a path, query, user or wildcard.
    """
    text = value.strip()
    if not text.isascii():
        raise ValueError(f"{value!r}: write the host in ASCII (punycode)")
    parts = urlsplit(text.lower())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin such as https://www.example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"{value!r}: an origin has no path, query or user, only scheme://host")
    if "*" in parts.netloc:
        raise ValueError(f"{value!r}: wildcards are not allowed; list every origin")
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{value!r}: invalid port") from error
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def normalise_colour(value: str) -> str:
    """A colour as ``#rrggbb`` in lower case.

    Raises:
        ValueError: not of that form.
    """
    if not COLOUR_PATTERN.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a colour of the form #rrggbb")
    return value.strip().lower()


def normalise_language(value: str) -> str:
    """A language code as the dialogue uses it (``en``, ``fi``), from ``en-GB`` and the like.

    Raises:
        ValueError: not a language code.
    """
    code = value.strip().split("-")[0].split("_")[0].lower()
    if not LANGUAGE_PATTERN.fullmatch(code):
        raise ValueError(f"{value!r} is not a language code such as en or fi")
    return code


class PartnerSiteBase(SQLModel):
    """What an operator sets for a site (the `s3bot sites` commands)."""

    name: str = Field(max_length=200)
    allowed_origins: list[str] = Field(
        default_factory=list,
        sa_type=JSONDocument,
        nullable=False,
        description='Origins the widget may be used from, as "scheme://host[:port]".',
    )
    default_language: str = Field(default="en", max_length=16)
    title: str | None = Field(default=None, max_length=200)
    greeting: str | None = Field(default=None, max_length=1000)
    colour: str | None = Field(default=None, max_length=7, description="#rrggbb")
    organisation: str | None = Field(
        default=None, max_length=200, description="The partner organisation (a free reference)."
    )
    active: bool = Field(default=True)


class PartnerSite(PartnerSiteBase, table=True):
    """One partner's embedding of the widget; conversations remember the site they came from."""

    __tablename__ = "partner_site"

    id: int | None = Field(default=None, primary_key=True)
    site_key: str = Field(max_length=64, unique=True, index=True)
    secret: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class PartnerSitePublic(PartnerSiteBase):
    """A site as it may be listed: everything but the secret."""

    id: int
    site_key: str
    created_at: datetime
    updated_at: datetime
