"""The web widget on partner pages, in a real Chromium: refused origins, member identity,
the phone layout and accessibility (axe-core, shadow DOM included)."""

from __future__ import annotations

import httpx
import pytest
from browser_helpers import (
    AXE_JS,
    Assistant,
    bot_messages,
    dialog,
    launcher,
    message_box,
    open_demo,
    open_member_page,
    open_panel,
    say,
    user_messages,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SEVERE = ("serious", "critical")


def test_widget_on_a_refused_origin_gets_no_session(page: Page, assistant: Assistant) -> None:
    # The same demo page, reached as http://localhost:PORT: an origin the site does not allow.
    refused = assistant.demo_url.replace("127.0.0.1", "localhost")
    page.goto(refused + "/")
    open_panel(page)
    expect(dialog(page)).to_contain_text("not available")
    expect(message_box(page)).to_be_hidden()
    page.keyboard.press("Escape")
    expect(launcher(page)).to_be_focused()
    assert page.evaluate("localStorage.getItem('s3bot:demo-partner:session')") is None
    # What the browser was told (its preflight is refused, so the page never sees it):
    answer = httpx.post(
        f"{assistant.url}/widget/v1/sessions",
        json={"site_key": "demo-partner"},
        headers={"Origin": refused},
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in answer.headers


def test_widget_signed_member_has_one_history_in_two_browsers(
    browser: Browser, assistant: Assistant
) -> None:
    signed = {"user_id": "member-42", "user_hash": assistant.user_hash("member-42")}
    first = browser.new_context().new_page()
    with first.expect_response("**/widget/v1/sessions") as answer:
        open_member_page(first, assistant, **signed)
    assert answer.value.json()["identified"] is True
    open_panel(first)
    say(first, "hello")
    shown = bot_messages(first).all_text_contents()

    second = browser.new_context().new_page()  # another browser: nothing shared but the member
    open_member_page(second, assistant, **signed)
    open_panel(second)
    expect(user_messages(second)).to_have_text(["hello"])
    expect(bot_messages(second)).to_have_text(shown)
    first.context.close()
    second.context.close()


def test_widget_forged_user_hash_is_anonymous(browser: Browser, assistant: Assistant) -> None:
    member = {"user_id": "member-7", "user_hash": assistant.user_hash("member-7")}
    page = browser.new_context().new_page()
    open_member_page(page, assistant, **member)
    open_panel(page)
    say(page, "hello")
    page.context.close()

    forger = browser.new_context().new_page()
    forged = {"user_id": "member-7", "user_hash": "0" * 64}
    with forger.expect_response("**/widget/v1/sessions") as answer:
        open_member_page(forger, assistant, **forged)
    assert answer.value.status == 200
    assert answer.value.json()["identified"] is False
    open_panel(forger)
    expect(user_messages(forger)).to_have_count(0)
    expect(bot_messages(forger)).to_have_count(1)  # the greeting, none of the member's
    forger.context.close()


def test_widget_works_under_the_strict_policy_of_the_docs(page: Page, assistant: Assistant) -> None:
    # The demo pages send what docs/widget.md asks a partner to allow, and nothing more: the
    # assistant's origin for scripts and connections, no inline styles but the page's own
    # (by hash), Trusted Types enforced (no innerHTML).
    with page.expect_response(assistant.demo_url + "/") as answer:
        open_demo(page, assistant.demo_url + "/")
    policy = answer.value.headers["content-security-policy"]
    assert f"connect-src {assistant.url};" in policy
    assert "require-trusted-types-for 'script'" in policy
    blocked = page.evaluate(
        """() => {
            const style = document.createElement("style");
            style.textContent = "h1 { color: rgb(0, 128, 0) !important }";
            document.head.append(style);
            return getComputedStyle(document.querySelector("h1")).color !== "rgb(0, 128, 0)";
        }"""
    )
    assert blocked, "the policy is not in force"
    open_panel(page)
    assert dialog(page).evaluate("e => getComputedStyle(e).position") == "fixed"
    say(page, "hello")
    expect(page.get_by_role("button", name="Check voucher eligibility")).to_be_visible()


def test_widget_fills_a_phone_screen(browser: Browser, assistant: Assistant) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    open_demo(page, assistant.demo_url + "/")
    open_panel(page)
    assert dialog(page).bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    page.get_by_role("button", name="Close chat").click()
    expect(dialog(page)).to_be_hidden()
    page.context.close()


def test_widget_has_no_serious_accessibility_violation(
    browser: Browser, assistant: Assistant
) -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run npm ci", pytrace=False)
    # axe-core is injected as a script the demo page's policy would refuse.
    page = browser.new_context(bypass_csp=True).new_page()
    open_demo(page, assistant.demo_url + "/")
    page.add_script_tag(path=str(AXE_JS))
    closed = _widget_violations(page)
    open_panel(page)
    say(page, "hello")  # a reply with buttons, a user message, the menu button
    page.get_by_role("button", name="Menu").click()
    opened = _widget_violations(page)
    page.context.close()
    assert closed == [] and opened == []


def _widget_violations(page: Page) -> list[tuple[str, str, list[object]]]:
    """axe-core's serious and critical violations inside the widget (its shadow DOM too)."""
    result = page.evaluate(
        """async () => {
            const found = await axe.run({include: [["s3bot-widget"]]});
            return found.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target)]);
        }"""
    )
    assert page.evaluate("document.querySelector('s3bot-widget').shadowRoot !== null")
    return [(rule, impact, nodes) for rule, impact, nodes in result if impact in SEVERE]
