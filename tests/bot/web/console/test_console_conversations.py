"""The console's conversation list and transcript over real HTTP: filters, search, paging,
scoping per organisation, masking, text never served as HTML, review marks and tags."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from console_data import XSS_IMG, XSS_SCRIPT, bot, slot, store, user
from console_helpers import HTML, sign_in_new, unique
from markupsafe import escape
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.storage import crud_sites, session
from bot.storage.models_staff import AuditRecord

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


def listed(page: httpx.Response) -> set[int]:
    assert page.status_code == 200, page.text
    return {
        int(n) for n in re.findall(r'href="/console/conversations/[^"]+">#(\d+)</a>', page.text)
    }


def test_list_filters_by_outcome_verdict_channel_and_search(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    word = unique("zanzibarlaser").replace("-", "")
    eligible = store(
        console_engine,
        unique("tg:eligible"),
        [
            user(f"we build {word} kits"),
            slot("profile_saved", True),
            bot("Eligible!", "utter_voucher_eligible"),
        ],
        channel="telegram",
    )
    fallback = store(
        console_engine,
        unique("w:fallback"),
        [user("blorp", "nlu_fallback", 0.2), bot("Sorry?")],
        channel="widget",
    )
    assert listed(web.get("/console/conversations", params={"outcome": "profiled"})) >= {eligible}
    assert fallback not in listed(web.get("/console/conversations", params={"outcome": "profiled"}))
    assert listed(
        web.get("/console/conversations", params={"outcome": "fallback", "channel": "widget"})
    ) >= {fallback}
    by_verdict = listed(web.get("/console/conversations", params={"verdict": "eligible"}))
    assert eligible in by_verdict and fallback not in by_verdict
    assert listed(web.get("/console/conversations", params={"q": word[:-3].upper()})) == {eligible}
    assert (
        listed(web.get("/console/conversations", params={"q": "nothing-like-this-anywhere"}))
        == set()
    )


def test_list_finds_a_conversation_by_its_sender_id(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    sender = unique("tg:findme")
    found = store(console_engine, sender, [user("hello")])
    assert listed(web.get("/console/conversations", params={"q": sender})) == {found}


def test_list_pages_by_fifty_without_repeating_a_row(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    tag = unique("batch")
    ids = [store(console_engine, unique("tg:page"), [user("hi")]) for _ in range(53)]
    seen: list[int] = []
    for conversation_id in ids:
        with session(console_engine) as db:
            crud_console_add_tag(db, conversation_id, tag)
    page = web.get("/console/conversations", params={"tag": tag})
    first = listed(page)
    assert len(first) == 50
    next_url = re.search(r'href="(\?[^"]+)" rel="next"', page.text)
    assert next_url is not None
    second = listed(web.get("/console/conversations" + next_url.group(1).replace("&amp;", "&")))
    seen = [*first, *second]
    assert sorted(seen) == sorted(ids)


def crud_console_add_tag(db: Any, conversation_id: int, tag: str) -> None:
    from bot.storage import crud_console

    assert crud_console.add_tag(session=db, conversation_id=conversation_id, tag=tag)


def test_reviewer_of_an_organisation_sees_only_its_sites(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    organisation = unique("org-north")
    with session(console_engine) as db:
        site = crud_sites.create_site(
            session=db, name="North", origins=["https://north.example"], organisation=organisation
        )
        other = crud_sites.create_site(
            session=db,
            name="South",
            origins=["https://south.example"],
            organisation=unique("org-south"),
        )
        site_id, other_id = int(site.id), int(other.id)  # type: ignore[arg-type]
    mine_sender, theirs_sender = unique("w:mine"), unique("w:theirs")
    mine = store(console_engine, mine_sender, [user("hello north")], channel="widget", site=site_id)
    theirs = store(
        console_engine, theirs_sender, [user("hello south")], channel="widget", site=other_id
    )
    sign_in_new(
        web,
        console_db,
        email=unique("reviewer@example.org"),
        role="reviewer",
        organisation=organisation,
    )
    seen = listed(web.get("/console/conversations"))
    assert mine in seen and theirs not in seen
    assert web.get(f"/console/conversations/{theirs_sender}", headers=HTML).status_code == 404
    assert web.get(f"/console/conversations/{theirs_sender}/export.yml").status_code == 404
    assert web.get(f"/console/conversations/{mine_sender}", headers=HTML).status_code == 200


def test_list_masks_emails_and_phone_numbers(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    sender = unique("tg:masked")
    store(console_engine, sender, [user("write to aino.virtanen@firm.fi or call +358 40 123 4567")])
    page = web.get("/console/conversations", params={"q": sender})
    assert "aino.virtanen@firm.fi" not in page.text and "123 4567" not in page.text
    transcript = web.get(f"/console/conversations/{sender}", headers=HTML)
    assert "aino.virtanen@firm.fi" in transcript.text


def test_transcript_shows_markup_as_text_and_is_audited(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    sender = unique("w:xss")
    entity = {"entity": "country", "value": "FI", "role": "origin", "start": 0, "end": 2}
    first = user(f"{XSS_IMG} {XSS_SCRIPT}", "inform", 0.77)
    first["parse_data"]["entities"] = [entity]
    conversation_id = store(
        console_engine,
        sender,
        [
            first,
            {
                "event": "action",
                "timestamp": time.time(),
                "name": "action_check_voucher_eligibility",
            },
            slot("country", "FI"),
            bot("Pick one", "utter_menu", [{"title": "<b>Menu</b>", "payload": "/show_menu"}]),
            user("/show_menu", "show_menu", 1.0),
        ],
    )
    page = web.get(f"/console/conversations/{sender}", headers=HTML)
    assert page.status_code == 200
    assert XSS_IMG not in page.text and XSS_SCRIPT not in page.text
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in page.text
    assert "&lt;b&gt;Menu&lt;/b&gt;" in page.text
    assert "inform (0.77)" in page.text and "role: origin" in page.text
    assert "action_check_voucher_eligibility" in page.text and "country = FI" in page.text
    with session(console_engine) as db:
        views = db.exec(
            select(AuditRecord).where(
                AuditRecord.action == "conversation.view",
                AuditRecord.target == f"conversation:{conversation_id}",
            )
        ).all()
    assert len(views) == 1 and sender not in repr(views[0].details)


def test_review_marks_and_tags_need_csrf_and_filter_the_list(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    csrf = sign_in_new(web, console_db, email=unique("admin@example.org"))
    sender = unique("tg:review")
    conversation_id = store(console_engine, sender, [user("hello")])
    refused = web.post(f"/console/conversations/{sender}/review", data={"reviewed": "true"})
    assert refused.status_code == 403
    saved = web.post(
        f"/console/conversations/{sender}/review",
        data={"csrf_token": csrf, "reviewed": "true", "flagged": "true", "notes": "check <this>"},
    )
    assert saved.status_code == 303
    tag = unique("follow-up")
    assert (
        web.post(
            f"/console/conversations/{sender}/tags", data={"csrf_token": csrf, "tag": tag}
        ).status_code
        == 303
    )
    assert conversation_id in listed(
        web.get("/console/conversations", params={"review": "flagged"})
    )
    assert listed(web.get("/console/conversations", params={"tag": tag})) == {conversation_id}
    assert conversation_id not in listed(
        web.get("/console/conversations", params={"review": "unreviewed"})
    )
    page = web.get(f"/console/conversations/{sender}", headers=HTML)
    assert "check &lt;this&gt;" in page.text and tag in page.text
    removed = web.post(
        f"/console/conversations/{sender}/tags",
        data={"csrf_token": csrf, "tag": tag, "remove": "true"},
    )
    assert removed.status_code == 303
    assert listed(web.get("/console/conversations", params={"tag": tag})) == set()


def test_list_refuses_a_filter_value_it_does_not_know(web: httpx.Client, console_db: str) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    assert web.get("/console/conversations", params={"verdict": "maybe"}).status_code == 400
    assert web.get("/console/conversations", params={"since": "yesterday"}).status_code == 400
    assert web.get("/console/conversations", params={"after": "x-1"}).status_code == 400


def test_a_real_turn_is_listed_and_transcribed(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    sender = unique("rest-user")
    answer = web.post("/webhooks/rest/webhook", json={"sender": sender, "message": "hello"})
    assert answer.status_code == 200 and answer.json()
    reply = answer.json()[0]["text"]
    page = web.get("/console/conversations", params={"q": sender})
    assert len(listed(page)) == 1 and ">hello<" in page.text
    transcript = web.get(f"/console/conversations/{sender}", headers=HTML)
    assert transcript.status_code == 200
    assert "Intent: greet" in transcript.text
    assert str(escape(reply)) in transcript.text
