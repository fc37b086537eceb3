"""The staff console in a real Chromium, against the served assistant: signing in and out, a
wrong password, filters and search, hostile user text that must not run, a relabel that
reaches the exported story and training data, an erasure, and a reviewer kept from the
staff page. With S3BOT_SCREENSHOTS=1 also takes the screenshots of docs/console.md (else they go
to a temporary folder, so a test run leaves the checkout as it was).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from browser_helpers import ROOT, Assistant, create_staff, run_cli, sign_in
from playwright.sync_api import Page, expect
from sqlalchemy import inspect, text

from bot.storage import crud, make_engine, session

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HOSTILE = "<img src=x onerror=window.__pwned=1> <script>window.__pwned=1</script>"
DOCS = ROOT / "docs"
SHOTS = DOCS if os.environ.get("S3BOT_SCREENSHOTS") == "1" else Path(tempfile.mkdtemp())


def _say(assistant: Assistant, sender: str, message: str) -> list[dict[str, Any]]:
    """One real turn over the REST channel."""
    answer = httpx.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    replies: list[dict[str, Any]] = answer.json()
    return replies


@pytest.fixture
def admin(page: Page, assistant: Assistant) -> Iterator[Page]:
    """The page, signed in as a new admin; fails on any script dialog."""
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    sign_in(page, assistant, create_staff(assistant, "admin"))
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    yield page


def _database(assistant: Assistant) -> Any:
    return make_engine(assistant.env["DATABASE_URL"])


def test_sign_in_with_a_wrong_password_then_right_then_out(
    page: Page, assistant: Assistant
) -> None:
    email = create_staff(assistant, "admin")
    page.goto(f"{assistant.url}/console/conversations")
    expect(page).to_have_url(re.compile(r"/console/login\?next=/console/conversations$"))
    sign_in(page, assistant, email, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    sign_in(page, assistant, email)
    expect(page).to_have_url(re.compile(r"/console/conversations$"))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to the console")).to_be_visible()
    page.goto(f"{assistant.url}/console/conversations")
    expect(page).to_have_url(re.compile(r"/console/login"))


def test_filters_and_search_narrow_the_list(admin: Page, assistant: Assistant) -> None:
    word = f"lidar{uuid.uuid4().hex[:6]}"
    searched = f"console-search-{uuid.uuid4().hex[:6]}"
    _say(assistant, searched, f"we make {word} sensors in Tallinn")
    for number, message in enumerate(["hello", "I want to find partners", "what is S3?"]):
        _say(assistant, f"console-list-{uuid.uuid4().hex[:6]}-{number}", message)
    admin.goto(f"{assistant.url}/console/conversations")
    admin.get_by_label("Search messages or sender id").fill(word.upper())
    admin.get_by_role("button", name="Filter").click()
    rows = admin.locator("table.conversations tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"we make {word} sensors in Tallinn")
    admin.get_by_label("asked for a person").check()
    admin.get_by_role("button", name="Filter").click()
    expect(admin.get_by_text("No conversation matches these filters.")).to_be_visible()
    admin.get_by_role("link", name="Clear filters").click()
    expect(rows).not_to_have_count(0)
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.screenshot(path=str(SHOTS / "console_list.png"), full_page=False)


def test_hostile_user_text_is_shown_and_never_run(admin: Page, assistant: Assistant) -> None:
    sender = f"console-hostile-{uuid.uuid4().hex[:6]}"
    _say(assistant, sender, "hello")
    _say(assistant, sender, HOSTILE)
    _say(assistant, sender, "I run a small company in Tallinn")
    admin.goto(f"{assistant.url}/console/conversations?q={sender}")
    expect(admin.locator("table.conversations tbody tr")).to_have_count(1)
    admin.locator("table.conversations tbody tr a").first.click()
    expect(admin.get_by_text(HOSTILE, exact=True).first).to_be_visible()
    admin.wait_for_timeout(300)  # a broken image's onerror would have run by now
    assert admin.evaluate("() => window.__pwned") is None
    assert admin.locator("main img, main script").count() == 0
    admin.set_viewport_size({"width": 1280, "height": 1100})
    admin.screenshot(path=str(SHOTS / "console_transcript.png"), full_page=False)


def _fallen_back(assistant: Assistant, sender: str, text_: str) -> None:
    """A stored turn whose message the NLU fell back on (its best guess: ask_help)."""
    engine = _database(assistant)
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "ask_help", "confidence": 0.25},
        ],
        "entities": [],
    }
    try:
        with session(engine) as db:
            conversation = crud.get_or_create_conversation(
                session=db, sender_id=sender, channel="rest"
            )
            events = [
                {"event": "user", "timestamp": time.time(), "text": text_, "parse_data": parse},
                {"event": "bot", "timestamp": time.time(), "text": "Sorry, once more?"},
            ]
            crud.append_events(
                session=db, conversation_id=int(conversation.id), events=events, first_seq=0
            )
    finally:
        engine.dispose()


def test_relabel_ends_up_in_the_exported_yaml(
    admin: Page, assistant: Assistant, tmp_path: Path
) -> None:
    word = f"grantish{uuid.uuid4().hex[:6]}"
    sender = f"console-relabel-{uuid.uuid4().hex[:6]}"
    message = f"is there {word} money for firms in Latvia"
    _fallen_back(assistant, sender, message)
    admin.goto(f"{assistant.url}/console/nlu")
    group = admin.locator("section.nlu-group").filter(has_text=message)
    expect(group).to_have_count(1)
    group.get_by_label("Intent").select_option("check_voucher")
    group.get_by_label("Words").first.fill("Latvia")
    group.get_by_label("Type").first.select_option("country")
    group.get_by_role("button", name="Accept").click()
    expect(admin.locator("section.nlu-group").filter(has_text=message)).to_have_count(0)

    exported = admin.request.get(f"{assistant.url}/console/conversations/{sender}/export.yml")
    assert exported.ok
    steps = yaml.safe_load(exported.text())["stories"][0]["steps"]
    assert steps[0] == {"user": message, "intent": "check_voucher"}

    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "nlu" / "en", data_dir / "nlu" / "en")
    run_cli({**assistant.env, "DATA_DIR": str(data_dir)}, "nlu", "export-annotations")
    written = (data_dir / "nlu" / "en" / "console_annotations.yml").read_text(encoding="utf-8")
    assert f"- is there {word} money for firms in [Latvia](country)" in written


def test_erasure_leaves_no_row_of_the_user(admin: Page, assistant: Assistant) -> None:
    sender = f"console-erase-{uuid.uuid4().hex[:6]}"
    _say(assistant, sender, "hello")
    _fallen_back(assistant, f"{sender}-x", "zzkq")  # another user's row stays
    _say(assistant, sender, f"my company is {sender} Oy")
    admin.goto(f"{assistant.url}/console/conversations?q={sender}")
    admin.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    admin.get_by_role("link", name="Erase this user's data").click()
    admin.get_by_label("Type the conversation id to confirm").fill(sender)
    admin.get_by_role("button", name="Erase permanently").click()
    expect(admin.get_by_text("The user's data was erased.")).to_be_visible()
    engine = _database(assistant)
    try:
        with engine.connect() as connection:
            left = {}
            for table in inspect(connection).get_table_names():
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                left[table] = sum(
                    sender + "'" in repr(row) or sender + " " in repr(row) for row in rows
                )
        assert not any(left.values()), left
    finally:
        engine.dispose()


def test_reviewer_is_refused_on_the_staff_page(page: Page, assistant: Assistant) -> None:
    sign_in(page, assistant, create_staff(assistant, "reviewer"))
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    expect(page.get_by_role("link", name="Staff")).to_have_count(0)
    answer = page.goto(f"{assistant.url}/console/staff")
    assert answer is not None and answer.status == 403
    expect(page.get_by_text("Only administrators may open this page.")).to_be_visible()
