"""Helpers of the browser tests: the running assistant, and the widget as a visitor uses it.

Playwright's role and CSS locators pierce open shadow roots, so the widget is reached the way
assistive technology reaches it: by role and accessible name.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Long enough for a turn of the real agent on a loaded 2-core machine.
REPLY_TIMEOUT_MS = 20_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Assistant:
    """The served assistant: its origin, the demo page's, and a site for signed members."""

    url: str
    demo_url: str
    api_token: str
    member_site_key: str
    member_secret: str
    env: dict[str, str] = field(repr=False)  # the server's environment, for `s3bot` commands

    def user_hash(self, user_id: str) -> str:
        """What a partner's server computes for a signed-in member (docs/widget.md)."""
        key = self.member_secret.encode()
        return hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()

    def post_bot_message(self, conversation_id: str, text: str) -> None:
        """Add a bot message outside a turn, as a staff reply arrives (Rasa's events API)."""
        response = httpx.post(
            f"{self.url}/conversations/{conversation_id}/tracker/events",
            params={"token": self.api_token},
            json={"event": "bot", "text": text},
            timeout=30,
        )
        assert response.status_code == 200, response.text


def run_cli(env: dict[str, str], *args: str) -> str:
    """Run `s3bot ARGS` as an operator would; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"s3bot {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


#: The password of the staff accounts the browser tests create.
STAFF_PASSWORD = "browser console password"


def create_staff(assistant: Assistant, role: str, organisation: str | None = None) -> str:
    """A new staff account made with `s3bot staff create`, as an admin would; its e-mail."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    command = [sys.executable, "-m", "bot", "staff", "create", "--email", email, "--role", role]
    if organisation:
        command += ["--organisation", organisation]
    done = subprocess.run(
        [*command, "--password-stdin"],
        cwd=ROOT,
        env=assistant.env,
        input=STAFF_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return email


def sign_in(page: Page, assistant: Assistant, email: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in to the staff console through its login page."""
    page.goto(f"{assistant.url}/console/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def embed_page(assistant: Assistant, site_key: str, head: str = "", **data: str) -> str:
    """A partner page embedding the widget with extra `data-` attributes (user_id=...)."""
    attributes = "".join(
        f' data-{name.replace("_", "-")}="{html.escape(value)}"' for name, value in data.items()
    )
    return (
        f'<!doctype html><html lang="en"><head>{head}<title>Member area</title></head><body>'
        "<h1>Members' area</h1>"
        f'<script src="{assistant.url}/widget.js" data-site="{html.escape(site_key)}"'
        f"{attributes} async></script></body></html>"
    )


def open_own_page(page: Page, assistant: Assistant, content: str) -> None:
    """Show `content` as a page of the demo origin (allowed for both sites).

    It replaces a page without the widget (the demo server's 404), since the document keeps
    its window: a widget already defined there would not be defined again.
    """
    page.goto(f"{assistant.demo_url}/no-widget-here")
    with page.expect_response("**/widget/v1/sessions"):
        page.set_content(content)


def open_member_page(page: Page, assistant: Assistant, **data: str) -> None:
    """A page of the demo origin embedding the member site with `data` attributes."""
    open_own_page(page, assistant, embed_page(assistant, assistant.member_site_key, **data))


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name="Open chat")


def dialog(page: Page) -> Locator:
    return page.get_by_role("dialog")


def message_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Message")


def bot_messages(page: Page) -> Locator:
    """The bot's messages in the log, the greeting first."""
    return page.locator("s3bot-widget .msg.bot")


def user_messages(page: Page) -> Locator:
    return page.locator("s3bot-widget .msg.user")


def open_demo(page: Page, url: str) -> None:
    """Load a demo page and wait until the widget has its session (the launcher is named)."""
    with page.expect_response("**/widget/v1/sessions") as answer:
        page.goto(url)
    assert answer.value.status == 200, answer.value.text()
    expect(launcher(page)).to_be_visible()


def open_panel(page: Page) -> None:
    launcher(page).click()
    expect(dialog(page)).to_be_visible()


def say(page: Page, text: str) -> None:
    """Type `text`, press Enter, and wait for the bot's answer to it."""
    before = bot_messages(page).count()
    message_box(page).fill(text)
    message_box(page).press("Enter")
    expect(bot_messages(page)).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("s3bot-widget [role=status]")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)


def session_id(page: Page, site_key: str = "demo-partner") -> str:
    """The widget session id the page keeps in localStorage."""
    value = page.evaluate("key => localStorage.getItem(key)", f"s3bot:{site_key}:session")
    assert value, "no widget session id in localStorage"
    return str(value)
