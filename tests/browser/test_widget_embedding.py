"""The web widget on partner pages, in a real Chromium: refused origins, member identity,
the phone layout and accessibility (axe-core, shadow DOM included)."""

from __future__ import annotations

import pytest
from browser_helpers import (
    AXE_JS,
    Assistant,
    bot_messages,
    dialog,
    embed_page,
    launcher,
    message_box,
    open_demo,
    open_member_page,
    open_own_page,
    open_panel,
    say,
    user_messages,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SEVERE = ("serious", "critical")


def test_widget_on_a_refused_origin_gets_no_session(page: Page, assistant: Assistant) -> None:
    # The same demo page, reached as http://localhost:PORT: an origin the site does not allow.
    refused = assistant.demo_url.replace("127.0.0.1", "localhost") + "/"
    with page.expect_response("**/widget/v1/sessions") as answer:
        page.goto(refused)
    assert answer.value.status == 403
    open_panel(page)
    expect(dialog(page)).to_contain_text("not available")
    expect(message_box(page)).to_be_hidden()
    page.keyboard.press("Escape")
    expect(launcher(page)).to_be_focused()


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
    shown = bot_messages(first).all_inner_texts()

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


def test_widget_works_under_a_strict_content_security_policy(
    page: Page, assistant: Assistant
) -> None:
    # What docs/widget.md asks a partner to allow, and nothing else: no inline styles,
    # Trusted Types enforced (no innerHTML).
    csp = (
        f"default-src 'none'; script-src {assistant.url}; connect-src {assistant.url}; "
        "style-src 'none'; require-trusted-types-for 'script'"
    )
    head = f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
    head += "<style>h1 { color: rgb(255, 0, 0) }</style>"  # must be refused
    open_own_page(page, assistant, embed_page(assistant, "demo-partner", head=head))
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") != (
        "rgb(255, 0, 0)"
    ), "the policy is not in force"
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


def test_widget_has_no_serious_accessibility_violation(page: Page, assistant: Assistant) -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run npm ci", pytrace=False)
    open_demo(page, assistant.demo_url + "/")
    page.add_script_tag(path=str(AXE_JS))
    closed = _widget_violations(page)
    open_panel(page)
    say(page, "hello")  # a reply with buttons, a user message, the menu button
    page.get_by_role("button", name="Menu").click()
    opened = _widget_violations(page)
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
