"""Introduction requests in the console: the list and its status filter, the scope of a
reviewer limited to an organisation (404 outside it), status changes along the allowed
path with notes, audited, and the contact shown only with consent."""

from __future__ import annotations

import re

import httpx
import pytest
from console_helpers import (
    HTML,
    add_conversation,
    add_introduction,
    add_organisation,
    create_staff,
    sign_in,
    unique,
)
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.storage import session
from bot.storage.models_partners import IntroductionRequest
from bot.storage.models_staff import AuditRecord, IntroductionNote

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


def _request_of(engine: Engine, organisation: str | None, *, consent: bool = True) -> int:
    sender = unique("rest-sme")
    add_conversation(engine, sender, organisation)
    partner = add_organisation(engine, unique("ORG"), name=unique("Partner"))
    return add_introduction(engine, sender, partner, consent=consent)


def _signed_in(web: httpx.Client, db_url: str, role: str, organisation: str | None) -> str:
    email = unique(f"{role}@example.org")
    create_staff(db_url, email=email, role=role, organisation=organisation)
    return sign_in(web, db_url, email)


def _listed_ids(page: httpx.Response) -> set[int]:
    return {int(i) for i in re.findall(r'href="/console/introductions/(\d+)"', page.text)}


def _status(engine: Engine, introduction_id: int) -> str:
    with session(engine) as db:
        request = db.get(IntroductionRequest, introduction_id)
        assert request is not None
        return request.status


def test_an_admin_sees_every_request_and_filters_by_status(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    ours = _request_of(console_engine, unique("org"))
    theirs = _request_of(console_engine, None)
    csrf = _signed_in(web, console_db, "admin", None)
    listing = web.get("/console/introductions", headers=HTML)
    assert listing.status_code == 200
    assert {ours, theirs} <= _listed_ids(listing)
    moved = web.post(
        f"/console/introductions/{ours}", data={"status": "contacted", "csrf_token": csrf}
    )
    assert moved.status_code == 303
    contacted = _listed_ids(web.get("/console/introductions?status=contacted", headers=HTML))
    pending = _listed_ids(web.get("/console/introductions?status=pending", headers=HTML))
    assert ours in contacted and ours not in pending
    assert theirs in pending and theirs not in contacted


def test_a_reviewer_sees_only_its_organisation(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    organisation = unique("org")
    ours = _request_of(console_engine, organisation)
    elsewhere = _request_of(console_engine, unique("other-org"))
    unattributed = _request_of(console_engine, None)
    csrf = _signed_in(web, console_db, "reviewer", organisation)
    listed = _listed_ids(web.get("/console/introductions", headers=HTML))
    assert listed == {ours}
    assert web.get(f"/console/introductions/{ours}", headers=HTML).status_code == 200
    for hidden in (elsewhere, unattributed, 999_999):
        assert web.get(f"/console/introductions/{hidden}", headers=HTML).status_code == 404
        change = {"status": "declined", "note": "no", "csrf_token": csrf}
        assert web.post(f"/console/introductions/{hidden}", data=change).status_code == 404
    assert _status(console_engine, elsewhere) == "pending"


def test_a_reviewer_without_an_organisation_sees_all(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    first = _request_of(console_engine, unique("org"))
    second = _request_of(console_engine, None)
    _signed_in(web, console_db, "reviewer", None)
    assert {first, second} <= _listed_ids(web.get("/console/introductions", headers=HTML))


def test_status_moves_along_the_path_with_notes_and_is_audited(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    introduction = _request_of(console_engine, None)
    csrf = _signed_in(web, console_db, "admin", None)
    url = f"/console/introductions/{introduction}"
    skipped = web.post(url, data={"status": "met", "csrf_token": csrf})
    assert skipped.headers["location"].endswith("?error=true")
    assert _status(console_engine, introduction) == "pending"
    note = "Called them; <b>meeting</b> next week"
    for status in ("contacted", "met", "closed"):
        answer = web.post(url, data={"status": status, "note": note, "csrf_token": csrf})
        assert answer.status_code == 303 and "error" not in answer.headers["location"]
        assert _status(console_engine, introduction) == status
    reopened = web.post(url, data={"status": "contacted", "csrf_token": csrf})
    assert reopened.headers["location"].endswith("?error=true")
    page = web.get(url, headers=HTML)
    assert "Called them; &lt;b&gt;meeting&lt;/b&gt; next week" in page.text
    assert "<b>meeting</b>" not in page.text
    with session(console_engine) as db:
        notes = db.exec(
            select(IntroductionNote).where(IntroductionNote.introduction_id == introduction)
        ).all()
        records = db.exec(
            select(AuditRecord).where(AuditRecord.target == f"introduction:{introduction}")
        ).all()
    assert [(n.from_status, n.to_status) for n in notes] == [
        ("pending", "contacted"),
        ("contacted", "met"),
        ("met", "closed"),
    ]
    updates = [r.details for r in records if r.action == "introduction_update"]
    assert updates == [
        {"from": "pending", "to": "contacted", "note": True},
        {"from": "contacted", "to": "met", "note": True},
        {"from": "met", "to": "closed", "note": True},
    ]
    assert any(r.action == "introduction_view" for r in records)


def test_a_note_alone_keeps_the_status(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    introduction = _request_of(console_engine, None)
    csrf = _signed_in(web, console_db, "admin", None)
    url = f"/console/introductions/{introduction}"
    assert web.post(url, data={"note": "Left a voicemail", "csrf_token": csrf}).status_code == 303
    assert _status(console_engine, introduction) == "pending"
    assert "Left a voicemail" in web.get(url, headers=HTML).text


def test_the_contact_is_shown_only_with_consent(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    consented = _request_of(console_engine, None, consent=True)
    refused = _request_of(console_engine, None, consent=False)
    _signed_in(web, console_db, "admin", None)
    with session(console_engine) as db:
        email = {
            i: db.get(IntroductionRequest, i).contact_email  # type: ignore[union-attr]
            for i in (consented, refused)
        }
    shown = web.get(f"/console/introductions/{consented}", headers=HTML).text
    hidden = web.get(f"/console/introductions/{refused}", headers=HTML).text
    assert email[consented] in shown and "Maija" in shown and "Sme Oy" in shown
    assert email[refused] not in hidden and "Maija" not in hidden and "Sme Oy" not in hidden
    assert "did not consent" in hidden
    for page in (shown, hidden):
        assert "Applied research in digital manufacturing" in page  # the partner's details
