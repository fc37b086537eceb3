"""Helpers for the console's tests: staff accounts made directly in the database, and
clients signed in without going through the sign-in page.

Self-contained (only `bot.*` imports), so tests elsewhere (the browser tests) can load it too.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from datetime import timedelta
from typing import Final

import httpx
from sqlalchemy.engine import Engine

from bot.storage import (
    crud,
    crud_partners,
    crud_sites,
    crud_staff,
    make_engine,
    session,
    upgrade_schema,
)
from bot.storage.models_partners import OrganisationCreate
from bot.storage.models_staff import StaffAccount
from bot.web.console.auth import COOKIE_NAME, COOKIE_PATH, new_token, token_hash
from bot.web.console.passwords import hash_password

#: The password every helper-made account has, unless told otherwise.
PASSWORD: Final = "correct horse battery staple"
ADMIN_EMAIL: Final = "admin@example.org"
REVIEWER_EMAIL: Final = "reviewer@example.org"


def create_staff(
    database_url: str,
    *,
    email: str = ADMIN_EMAIL,
    role: str = "admin",
    organisation: str | None = None,
    password: str = PASSWORD,
) -> int:
    """Create an active staff account in the database; returns its id."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        with session(engine) as db:
            account = crud_staff.create_staff(
                session=db,
                email=email,
                password_hash=hash_password(password),
                role=role,
                organisation=organisation,
            )
            return int(account.id)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def open_session(database_url: str, email: str = ADMIN_EMAIL) -> tuple[str, str]:
    """A new session of the account with `email`: (cookie token, CSRF token).

    For clients that set cookies themselves (a browser context: name `COOKIE_NAME`, path
    `COOKIE_PATH`).
    """
    engine = make_engine(database_url)
    try:
        with session(engine) as db:
            account = crud_staff.get_staff_by_email(session=db, email=email)
            assert isinstance(account, StaffAccount) and account.id is not None, email
            token, csrf = new_token(), new_token()
            crud_staff.create_session(
                session=db,
                staff_id=account.id,
                token_hash=token_hash(token),
                csrf_token=csrf,
                lifetime=timedelta(hours=24),
            )
            return token, csrf
    finally:
        engine.dispose()


def cookie_domain(client: httpx.Client) -> str:
    """The cookie domain the standard cookie jar files `client`'s host under."""
    host = client.base_url.host
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return host if "." in host else f"{host}.local"


def sign_in(client: httpx.Client, database_url: str, email: str = ADMIN_EMAIL) -> str:
    """Sign `client` in as the account with `email`; returns the session's CSRF token."""
    token, csrf = open_session(database_url, email)
    client.cookies.set(COOKIE_NAME, token, domain=cookie_domain(client), path=COOKIE_PATH)
    return csrf


def sign_in_new(
    client: httpx.Client,
    database_url: str,
    *,
    email: str = ADMIN_EMAIL,
    role: str = "admin",
    organisation: str | None = None,
) -> str:
    """Create an account and sign `client` in as it; returns the CSRF token."""
    create_staff(database_url, email=email, role=role, organisation=organisation)
    return sign_in(client, database_url, email)


HTML: Final = {"Accept": "text/html"}
JSON: Final = {"Accept": "application/json"}


def unique(name: str) -> str:
    """A name (or e-mail address, given ``x@example.org``) no other test uses."""
    local, at, domain = name.partition("@")
    return f"{local}-{uuid.uuid4().hex[:8]}{at}{domain}"


def login_form_token(client: httpx.Client) -> str:
    """Open the sign-in page; returns its form's CSRF token (its cookie is now set)."""
    page = client.get("/console/login")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in_with_form(
    client: httpx.Client, email: str, password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    """Sign in through the sign-in form, as a browser does; returns the answer."""
    token = login_form_token(client)
    form = {"email": email, "password": password, "csrf_token": token, "next": next_path}
    return client.post("/console/login", data=form)


def add_organisation(engine: Engine, ref: str, name: str = "Partner Oy") -> int:
    """A directory organisation to introduce SMEs to; returns its id."""
    organisation = OrganisationCreate(
        ref=ref,
        name=name,
        org_type="rto",
        country="FI",
        profile_type="TO",
        title="Applied research in digital manufacturing",
        description="We help manufacturers adopt digital tools.",
        website="https://partner.example",
    )
    with session(engine) as db:
        crud_partners.upsert_organisations(session=db, organisations=[organisation])
        found = crud_partners.get_organisation_by_ref(session=db, ref=ref)
        assert found is not None and found.id is not None
        return found.id


def add_conversation(engine: Engine, sender_id: str, organisation: str | None = None) -> int:
    """A conversation with one user message, through a partner site of `organisation` if
    given; returns its id."""
    with session(engine) as db:
        conversation_id = crud.conversation_id_of(session=db, sender_id=sender_id, channel="rest")
        crud.append_events(
            session=db,
            conversation_id=conversation_id,
            events=[{"event": "user", "text": "hello", "timestamp": 1.0, "parse_data": {}}],
            first_seq=0,
        )
        if organisation is not None:
            site = crud_sites.create_site(
                session=db,
                name=f"Site of {organisation}",
                origins=[f"https://{uuid.uuid4().hex[:8]}.example"],
                organisation=organisation,
            )
            crud_sites.attribute_conversation(
                session=db,
                sender_id=sender_id,
                site_id=site.id,  # type: ignore[arg-type]
            )
        return conversation_id


def add_introduction(
    engine: Engine, sender_id: str, organisation_id: int, *, consent: bool = True
) -> int:
    """An introduction request of `sender_id` with a contact; returns its id."""
    with session(engine) as db:
        request = crud_partners.create_introduction_request(
            session=db,
            sender_id=sender_id,
            organisation_id=organisation_id,
            contact_name="Maija Meikäläinen",
            contact_email=f"maija.{uuid.uuid4().hex[:6]}@sme.example",
            shared={"company_name": "Sme Oy", "country": "FI"},
        )
        request.consent = consent
        db.add(request)
        db.flush()
        return int(request.id)  # type: ignore[arg-type]
