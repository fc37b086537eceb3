"""The partner directory: organisations, their EEN-style profiles, and introduction requests.

An `Organisation` publishes one partnering profile, as in the EEN Partnering Opportunities
Database: a profile type (BO, BR, TO, TR, RDR), a title, a description and up to a few
keywords, the partnership types it is open to and, for technology, a stage of development.

Multi-valued attributes live in link tables, so every filter is an indexed lookup on SQLite
and PostgreSQL alike:

* `organisation_s3_field`: the S3 fields an organisation works in;
* `organisation_partnership_type`: the partnership types it accepts;
* `organisation_keyword`: the normalised search terms of its profile (a tiny inverted index).

The S3 field and keyword tables also carry the organisation's `profile_type`, copied on
write, so the candidate query narrows by matching direction inside the index.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.storage.models import JSONDocument, UTCDateTime, utcnow

ORG_TYPES: Final = (
    "sme",
    "large_company",
    "university",
    "rto",
    "test_facility",
    "cluster",
    "een_node",
    "business_development",
    "regional_authority",
)
SIZES: Final = ("micro", "small", "medium", "large")
PROFILE_TYPES: Final = ("BO", "BR", "TO", "TR", "RDR")
#: The partnership types of the EEN POD quality guidelines v1.2 (domain brief A6).
PARTNERSHIP_TYPES: Final = (
    "commercial_agreement",
    "commercial_agreement_with_technical_assistance",
    "investment_agreement",
    "outsourcing_agreement",
    "supplier_agreement",
    "research_development_cooperation_agreement",
)
#: The POD stage-of-development scale, from idea to product.
STAGES: Final = (
    "concept",
    "under_development",
    "lab_tested",
    "available_for_demonstration",
    "on_the_market",
)
S3_FIELDS: Final = (
    "bio",
    "circular",
    "digital",
    "energy",
    "health",
    "maritime",
    "manufacturing",
    "ict",
    "food",
    "mobility",
)
INTRODUCTION_STATUSES: Final = ("pending", "sent", "declined", "withdrawn")


class OrganisationBase(SQLModel):
    """The fields of a directory entry that a caller (CSV import, listing) may set."""

    ref: str = Field(max_length=64, unique=True, index=True, description="Stable public id.")
    name: str = Field(max_length=200)
    org_type: str = Field(max_length=32, index=True)
    size: str | None = Field(default=None, max_length=16)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2.")
    region: str | None = Field(default=None, max_length=8, description="NUTS code.")
    profile_type: str = Field(max_length=4)
    title: str = Field(max_length=256)
    description: str = Field(max_length=4000)
    keywords: str = Field(default="", max_length=255, description="Up to 5 keywords, ';'.")
    stage: str | None = Field(default=None, max_length=32)
    languages: str = Field(default="", max_length=64, description="ISO 639-1 codes, ';'.")
    website: str | None = Field(default=None, max_length=255)
    is_demo: bool = Field(default=False, index=True)
    listed_by_sender_id: str | None = Field(default=None, max_length=255, index=True)


class OrganisationCreate(OrganisationBase):
    """An organisation with its lists, as an import or a listing gives it."""

    s3_fields: list[str] = Field(default_factory=list)
    partnership_types: list[str] = Field(default_factory=list)
    search_terms: list[str] = Field(default_factory=list, description="Normalised terms.")


class Organisation(OrganisationBase, table=True):
    """One organisation and its partnering profile; link tables hold its lists."""

    __table_args__ = (Index("ix_organisation_profile_type_country", "profile_type", "country"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class OrganisationS3Field(SQLModel, table=True):
    """An S3 field an organisation works in."""

    __tablename__ = "organisation_s3_field"
    __table_args__ = (
        Index("ix_organisation_s3_field_lookup", "s3_field", "profile_type", "organisation_id"),
    )

    organisation_id: int = Field(
        foreign_key="organisation.id", ondelete="CASCADE", primary_key=True
    )
    s3_field: str = Field(max_length=32, primary_key=True)
    profile_type: str = Field(max_length=4)


class OrganisationPartnershipType(SQLModel, table=True):
    """A partnership type an organisation is open to."""

    __tablename__ = "organisation_partnership_type"

    organisation_id: int = Field(
        foreign_key="organisation.id", ondelete="CASCADE", primary_key=True
    )
    partnership_type: str = Field(max_length=64, primary_key=True)


class OrganisationKeyword(SQLModel, table=True):
    """A normalised search term of an organisation's profile (title and keywords)."""

    __tablename__ = "organisation_keyword"
    __table_args__ = (
        Index("ix_organisation_keyword_lookup", "keyword", "profile_type", "organisation_id"),
    )

    organisation_id: int = Field(
        foreign_key="organisation.id", ondelete="CASCADE", primary_key=True
    )
    keyword: str = Field(max_length=64, primary_key=True)
    profile_type: str = Field(max_length=4)


class IntroductionRequest(SQLModel, table=True):
    """A user's consented request to be introduced to an organisation of the directory.

    It holds exactly what the user agreed to pass on: the contact person's name and e-mail,
    and in `shared` the company name, country, offer and need as they were at consent time;
    and to whom: `consented_ref`, the partner the consent question named.
    Erasing the sender's data deletes the row.
    """

    __tablename__ = "introduction_request"
    __table_args__ = (
        Index("uq_introduction_request_sender_org", "sender_id", "organisation_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    sender_id: str = Field(max_length=255, index=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    consent: bool = Field(default=False)
    #: The ref of the partner the consent question named: what the user's yes agreed to.
    consented_ref: str | None = Field(default=None, max_length=64)
    status: str = Field(default="pending", max_length=16)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    shared: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
