"""A person in the same chat, in two real Chromium contexts against the served assistant: a
visitor of the demo partner page asks the widget for a person in the middle of the profile
form; a member of staff signed in to the console takes the request, reads the conversation and
replies; the reply is pushed into the open widget (no reload, no message of the visitor
fetched it); the bot says nothing to the visitor meanwhile; staff hand back and the form asks
its question again. The console's person requests pages are checked with axe-core too.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from browser_helpers import (
    AXE_JS,
    REPLY_TIMEOUT_MS,
    ROOT,
    Assistant,
    bot_messages,
    create_staff,
    message_box,
    open_demo,
    open_panel,
    say,
    sign_in,
    user_messages,
)
from playwright.sync_api import Browser, Page, expect

from actions.handoff_hours import schedule_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SEVERE = ("serious", "critical")
REQUESTED = (
    "I've asked a person from the programme team to join this chat. They will answer here, "
    "usually within a few minutes; until then I'll stay quiet. Your messages are kept for them."
)
OUTSIDE_HOURS = re.compile(r"^Our team is not in right now\.")
ON_THE_WAY = "A person is on the way and will see everything you write here."
BACK = "You're back with the assistant. Let's carry on where we left off."


def _send_unanswered(page: Page, text: str) -> None:
    """Send `text` from the widget; the server answers it with no message, and none shows."""
    before = bot_messages(page).count()
    with page.expect_response("**/widget/v1/messages") as answer:
        message_box(page).fill(text)
        message_box(page).press("Enter")
    assert answer.value.status == 200, answer.value.text()
    assert answer.value.json()["messages"] == []
    expect(user_messages(page).last).to_have_text(text)
    page.wait_for_timeout(1500)  # a pushed message would have come by now (POLL_SECONDS 2)
    expect(bot_messages(page)).to_have_count(before)


def _axe_violations(page: Page) -> list[tuple[str, str, list[Any]]]:
    """axe-core's serious and critical violations on the console page shown."""
    page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate(
        """async () => (await axe.run(document)).violations.map(
            v => [v.id, v.impact, v.nodes.map(n => n.target)])"""
    )
    return [(rule, impact, nodes) for rule, impact, nodes in found if impact in SEVERE]


def test_staff_answer_a_widget_visitor_in_the_same_chat(
    page: Page, browser: Browser, assistant: Assistant
) -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run npm ci", pytrace=False)
    company = f"Kestrel {uuid.uuid4().hex[:6]} Robotics"
    staffed = schedule_for(ROOT / "data", None).is_open(datetime.now(UTC))

    # The visitor: the profile form, then a person asked for in their own words.
    fetched: list[str] = []  # the widget's calls, but for its event stream
    page.on(
        "request",
        lambda r: (
            fetched.append(f"{r.method} {r.url}")
            if "/widget/v1/" in r.url and "/widget/v1/events" not in r.url
            else None
        ),
    )
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    say(page, "I am looking for partners in Sweden")
    expect(bot_messages(page).last).to_have_text("What is your company's name?")
    say(page, company)
    question = bot_messages(page).last.inner_text()
    assert company not in question and "?" in question, question
    say(page, "can I talk to a real person please")
    if staffed:
        expect(bot_messages(page).last).to_have_text(REQUESTED)
    else:
        expect(bot_messages(page).last).to_have_text(OUTSIDE_HOURS)
    say(page, "hello, is anyone there?")
    expect(bot_messages(page).last).to_have_text(ON_THE_WAY)
    _send_unanswered(page, "we make drones for farms")

    # Staff, in a browser context of their own: the request, the conversation so far.
    staff_page = browser.new_context(bypass_csp=True).new_page()  # axe is injected
    staff_page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    email = create_staff(assistant, "reviewer")
    sign_in(staff_page, assistant, email)
    expect(staff_page.get_by_role("heading", name="Conversations")).to_be_visible()
    staff_page.get_by_role("link", name="Person requests").click()
    expect(staff_page.get_by_role("heading", name="People waiting for a person")).to_be_visible()
    row = staff_page.locator("table.handoffs.waiting tbody tr").filter(has_text=company)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("widget")
    assert _axe_violations(staff_page) == []
    row.get_by_role("button", name="Take").click()
    expect(staff_page).to_have_url(re.compile(r"/console/handoffs/\d+$"))
    turns = staff_page.locator("ol.turns")
    for said in ("I am looking for partners in Sweden", company, "we make drones for farms"):
        expect(turns.get_by_text(said, exact=True)).to_be_visible()
    expect(staff_page.locator("dl.facts")).to_contain_text(email)  # taken by this account
    assert _axe_violations(staff_page) == []

    # The reply reaches the open widget by its event stream: no reload, no visitor's message.
    page.evaluate("window.__sameDocument = true")
    fetched_before = len(fetched)
    reply = f"Hi, this is Anna from the programme team ({uuid.uuid4().hex[:4]}). How can I help?"
    staff_page.get_by_label("Reply in the chat").fill(reply)
    staff_page.get_by_role("button", name="Send").click()
    expect(staff_page.locator("ol.turns .bot.staff").last).to_contain_text(reply)
    expect(bot_messages(page).last).to_have_text(reply, timeout=REPLY_TIMEOUT_MS)
    assert page.evaluate("window.__sameDocument") is True
    assert fetched[fetched_before:] == []

    # What the visitor writes now is for the person: the bot stays silent.
    _send_unanswered(page, "thanks Anna, we need a partner in Sweden")
    staff_page.reload()
    expect(
        turns.get_by_text("thanks Anna, we need a partner in Sweden", exact=True)
    ).to_be_visible()

    # The visitor goes on to another page of the partner's site: the same conversation, the
    # reply in its history, still with the person.
    open_demo(page, assistant.demo_url + "/second.html")
    open_panel(page)
    expect(bot_messages(page).last).to_have_text(reply)
    expect(user_messages(page).last).to_have_text("thanks Anna, we need a partner in Sweden")
    _send_unanswered(page, "are you still there?")

    # Staff hand back: the visitor is told, and the form asks its question again.
    staff_page.get_by_role("button", name="Hand back to the assistant").click()
    expect(staff_page).to_have_url(re.compile(r"/console/handoffs$"))
    expect(staff_page.locator("table.handoffs").filter(has_text=company)).to_have_count(0)
    shown = bot_messages(page)
    expect(shown.nth(-2)).to_have_text(BACK, timeout=REPLY_TIMEOUT_MS)
    expect(shown.last).to_have_text(question)
    say(page, "Poland")
    expect(bot_messages(page).last).not_to_have_text(question)
    assert bot_messages(page).last.inner_text() not in (BACK, ON_THE_WAY, reply)
    staff_page.context.close()
