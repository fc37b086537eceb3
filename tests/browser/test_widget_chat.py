"""The web widget on the demo partner page, in a real Chromium: keyboard, chat, history,
hostile text, late messages and the menu, against the real assistant."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    REPLY_TIMEOUT_MS,
    Assistant,
    bot_messages,
    dialog,
    launcher,
    message_box,
    open_demo,
    open_panel,
    run_cli,
    say,
    session_id,
    user_messages,
)
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HOSTILE = [
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=1</script>",
]


def _widget_focus(page: Page) -> str | None:
    """The class of the element focused inside the widget's shadow root, if any."""
    return page.evaluate(
        """() => {
            const host = document.activeElement;
            if (!host || host.tagName !== "S3BOT-WIDGET") return null;
            const inner = host.shadowRoot.activeElement;
            return inner ? inner.className || inner.tagName.toLowerCase() : null;
        }"""
    )


def test_widget_opens_and_closes_by_keyboard(page: Page, assistant: Assistant) -> None:
    open_demo(page, assistant.demo_url + "/")
    for _ in range(12):  # the page's links and button come first
        page.keyboard.press("Tab")
        if _widget_focus(page) == "launcher":
            break
    assert _widget_focus(page) == "launcher", "Tab never reached the launcher"
    page.keyboard.press("Enter")
    expect(dialog(page)).to_be_visible()
    expect(dialog(page)).to_have_accessible_name("S3 Onboarding Assistant")
    expect(message_box(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(dialog(page)).to_be_hidden()
    assert _widget_focus(page) == "launcher"


def test_widget_chats_with_text_and_buttons(page: Page, assistant: Assistant) -> None:
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    notice = page.locator("s3bot-widget .notice")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("link")).to_have_attribute("href", re.compile(r"/privacy"))
    expect(bot_messages(page)).to_have_count(1)  # the greeting
    say(page, "hello")
    expect(notice).to_be_hidden()  # sending the first message acknowledged it
    expect(bot_messages(page).last).to_contain_text("S3 Onboarding Assistant")
    voucher = page.get_by_role("button", name="Check voucher eligibility")
    expect(voucher).to_be_visible()
    replies = bot_messages(page).count()
    voucher.click()
    expect(user_messages(page).last).to_have_text("Check voucher eligibility")
    expect(bot_messages(page)).not_to_have_count(replies, timeout=REPLY_TIMEOUT_MS)
    expect(voucher).to_have_count(0)  # a pressed set of buttons goes away

    page.get_by_role("button", name="Menu").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the transcript").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert "You: hello" in text
    assert "You: Check voucher eligibility" in text
    assert "Assistant: Hello! I'm the S3 Onboarding Assistant." in text


def test_widget_history_survives_reload_and_second_page(page: Page, assistant: Assistant) -> None:
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    say(page, "hello")
    say(page, "tell me about innovation vouchers")
    shown = bot_messages(page).all_text_contents()
    first_session = session_id(page)

    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    expect(user_messages(page)).to_have_text(["hello", "tell me about innovation vouchers"])
    expect(bot_messages(page)).to_have_text(shown)
    expect(page.locator("s3bot-widget .notice")).to_be_hidden()

    open_demo(page, assistant.demo_url + "/second.html")
    assert session_id(page) == first_session
    open_panel(page)
    expect(user_messages(page)).to_have_text(["hello", "tell me about innovation vouchers"])
    expect(bot_messages(page)).to_have_text(shown)


def test_widget_shows_hostile_text_as_text(page: Page, assistant: Assistant) -> None:
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    for text in HOSTILE:
        say(page, text)
    late = "Staff: <img src=x onerror=window.__pwned=1> [click](javascript:window.__pwned=1)"
    assistant.post_bot_message(f"widget:demo-partner:{session_id(page)}", late)
    expect(bot_messages(page).last).to_contain_text("<img src=x onerror", timeout=10_000)

    def check() -> None:
        expect(user_messages(page)).to_have_text(HOSTILE)
        assert page.evaluate("window.__pwned") is None
        assert page.locator("s3bot-widget img, s3bot-widget script").count() == 0
        assert page.locator("img, script:not([src])").count() == 0
        assert page.locator("s3bot-widget a[href^='javascript']").count() == 0
        expect(bot_messages(page).last).to_have_text(
            "Staff: <img src=x onerror=window.__pwned=1> [click](javascript:window.__pwned=1)"
        )

    check()
    open_demo(page, assistant.demo_url + "/")  # the same, restored from the history
    open_panel(page)
    check()


def test_widget_counts_unread_late_messages(page: Page, assistant: Assistant) -> None:
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    say(page, "hello")
    page.keyboard.press("Escape")
    badge = page.locator("s3bot-widget .badge")
    expect(badge).to_be_hidden()
    conversation = f"widget:demo-partner:{session_id(page)}"
    assistant.post_bot_message(conversation, "A partner replied: see **your inbox**.")
    expect(badge).to_have_text("1", timeout=10_000)
    assistant.post_bot_message(conversation, "And a reminder.")
    expect(badge).to_have_text("2", timeout=10_000)
    expect(launcher(page)).to_have_accessible_name(re.compile("Open chat.*2 unread"))
    open_panel(page)
    expect(badge).to_be_hidden()
    expect(bot_messages(page).nth(-2).locator("strong")).to_have_text("your inbox")
    expect(bot_messages(page).last).to_have_text("And a reminder.")


def test_widget_delete_my_data_forgets_the_session(page: Page, assistant: Assistant) -> None:
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    say(page, "hello")
    before = session_id(page)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Delete my data").click()
    confirm = page.get_by_role("button", name="Yes, erase everything")
    expect(confirm).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    confirm.click()
    expect(bot_messages(page).last).to_contain_text("erased", timeout=REPLY_TIMEOUT_MS)
    page.wait_for_function(
        "old => localStorage.getItem('s3bot:demo-partner:session') !== old", arg=before
    )
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    expect(user_messages(page)).to_have_count(0)
    expect(bot_messages(page)).to_have_count(1)  # only the greeting


def test_widget_retries_a_failed_message_with_the_same_id(page: Page, assistant: Assistant) -> None:
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    sent: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.post_data_json["client_message_id"])
            if request.url.endswith("/widget/v1/messages") and request.method == "POST"
            else None
        ),
    )
    page.route("**/widget/v1/messages", lambda route: route.abort("connectionreset"))
    message_box(page).fill("hello")
    message_box(page).press("Enter")
    retry = page.get_by_role("button", name="Try again")
    expect(retry).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_role("alert")).to_contain_text("could not be sent")
    page.unroute("**/widget/v1/messages")
    retry.click()
    expect(bot_messages(page)).to_have_count(2, timeout=REPLY_TIMEOUT_MS)
    expect(retry).to_have_count(0)
    assert len(sent) == 2 and sent[0] == sent[1], sent


def test_widget_renews_its_session_when_the_secret_is_rotated(
    page: Page, assistant: Assistant
) -> None:
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    say(page, "hello")
    before = session_id(page)
    run_cli(assistant.env, "sites", "rotate-secret", "demo-partner")  # old tokens: 401
    with page.expect_response("**/widget/v1/sessions") as renewed:
        say(page, "tell me about innovation vouchers")
    assert renewed.value.status == 200
    assert session_id(page) == before  # the same conversation, with a new token
    expect(user_messages(page)).to_have_text(["hello", "tell me about innovation vouchers"])
