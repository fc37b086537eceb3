"""A person in the same chat on Telegram, end to end: the real PTB stack and the real agent
polling a local fake Bot API over HTTP, and the console's routes on the same served app. A
Telegram user asks for a person in the middle of the profile form; a member of staff takes the
request, reads the conversation and replies; the reply is sent to the chat (`sendMessage`);
the bot sends nothing else meanwhile; handing back resumes the form."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fake_bot_api import FakeBotApi, fake_bot_api, serve_in_thread
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from test_telegram_channel import CHAT_ID, TOKEN, message_update, sent_texts, settle, user_events

from actions import handoff
from bot.config import Settings
from bot.main import create_app
from bot.storage import crud, crud_staff, session
from bot.storage.models_handoff import HandoffRequest
from bot.web.console.auth import COOKIE_NAME, COOKIE_PATH, new_token, token_hash
from bot.web.console.passwords import hash_password

#: A Monday at 10:00 in Helsinki: inside the default staffed hours (data/handoff/hours.yml).
STAFFED = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
SENDER = f"telegram:{CHAT_ID}"
HTML = {"Accept": "text/html"}
REQUESTED = (
    "I've asked a person from the programme team to join this chat. They will answer here, "
    "usually within a few minutes; until then I'll stay quiet. Your messages are kept for them."
)
ON_THE_WAY = "A person is on the way and will see everything you write here."
BACK = "You're back with the assistant. Let's carry on where we left off."


@pytest.fixture
def served(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FakeBotApi, str]]:
    """The app polling the fake, served on loopback; yields the fake and the app's URL."""
    monkeypatch.setattr(handoff, "now", lambda: STAFFED)
    with fake_bot_api(TOKEN) as (fake, base_url):
        settings = make_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=base_url,
            RATE_LIMIT_PER_ADDRESS=0,
            RATE_LIMIT_PER_SENDER=0,
        )
        app = create_app(settings)
        app.state.telegram._poll_timeout = 1
        with serve_in_thread(app, lifespan="on") as url:
            fake.wait_for("getUpdates")
            yield fake, url


def _staff_client(engine: Engine, url: str) -> tuple[httpx.Client, str, int]:
    """A client signed in to the console as a new reviewer: (client, CSRF token, account id)."""
    token, csrf = new_token(), new_token()
    with session(engine) as db:
        account = crud_staff.create_staff(
            session=db,
            email="anna@example.org",
            password_hash=hash_password("a long enough password"),
            role="reviewer",
        )
        assert account.id is not None
        staff_id = account.id
        crud_staff.create_session(
            session=db,
            staff_id=staff_id,
            token_hash=token_hash(token),
            csrf_token=csrf,
            lifetime=timedelta(hours=1),
        )
    client = httpx.Client(base_url=url, timeout=30)
    client.cookies.set(COOKIE_NAME, token, domain="127.0.0.1", path=COOKIE_PATH)
    return client, csrf, staff_id


def _say(fake: FakeBotApi, text: str) -> list[str]:
    """Send `text` as the user; the messages the bot sent in answer."""
    sent = len(fake.calls_to("sendMessage"))
    fake.push_update(message_update(text))
    settle(fake, sent + 1)
    return sent_texts(fake)[sent:]


def _say_unanswered(fake: FakeBotApi, engine: Engine, text: str) -> None:
    """Send `text` as the user: it is stored for staff, and the bot sends nothing."""
    sent = len(fake.calls_to("sendMessage"))
    fake.push_update(message_update(text))
    deadline = time.monotonic() + 20
    while text not in [e.get("text") for e in user_events(engine, SENDER)]:
        assert time.monotonic() < deadline, f"{text!r} was never stored"
        time.sleep(0.05)
    time.sleep(1.0)  # the turn is stored before its answer is sent
    assert sent_texts(fake)[sent:] == []


def _request(engine: Engine) -> HandoffRequest:
    with session(engine) as db:
        found = db.exec(select(HandoffRequest).where(HandoffRequest.sender_id == SENDER)).one()
        db.expunge(found)
        return found


def test_staff_answer_a_telegram_user_in_the_same_chat(
    served: tuple[FakeBotApi, str], engine: Engine
) -> None:
    fake, url = served
    assert _say(fake, "I am looking for partners in Sweden") == ["What is your company's name?"]
    (question,) = _say(fake, "Kestrel Robotics")
    assert "?" in question and "Kestrel" not in question
    assert _say(fake, "can I talk to a real person please") == [REQUESTED]
    assert _say(fake, "hello, is anyone there?") == [ON_THE_WAY]
    _say_unanswered(fake, engine, "we make drones for farms")
    request = _request(engine)
    assert request.channel == "telegram" and request.taken_at is None
    assert request.summary["company_name"] == "Kestrel Robotics"

    web, csrf, staff_id = _staff_client(engine, url)
    with web:
        listed = web.get("/console/handoffs", headers=HTML)
        assert listed.status_code == 200 and f"/console/handoffs/{request.id}" in listed.text
        page = f"/console/handoffs/{request.id}"
        assert web.post(f"{page}/take", data={"csrf_token": csrf}).status_code == 303
        shown = web.get(page, headers=HTML)
        assert shown.status_code == 200 and "we make drones for farms" in shown.text

        sent = len(fake.calls_to("sendMessage"))
        reply = "Hi, Anna here from the programme team. R&D partners in Sweden? Let's see."
        answered = web.post(f"{page}/reply", data={"text": reply, "csrf_token": csrf})
        assert answered.status_code == 303
        (delivered,) = fake.wait_for("sendMessage", sent + 1)[sent:]
        assert int(delivered.params["chat_id"]) == CHAT_ID
        assert delivered.params["text"] == reply.replace("&", "&amp;")
        assert delivered.params["parse_mode"] == "HTML"
        _say_unanswered(fake, engine, "thanks Anna, Poland is our home market")

        sent = len(fake.calls_to("sendMessage"))
        assert web.post(f"{page}/close", data={"csrf_token": csrf}).status_code == 303
        settle(fake, sent + 2)
        assert sent_texts(fake)[sent:] == [BACK, question]
    handed = _request(engine)
    assert handed.taken_by == staff_id and handed.closed_at is not None

    goes_on = _say(fake, "Poland")
    assert goes_on and goes_on[-1] not in (question, BACK, ON_THE_WAY)
    assert [e.get("value") for e in _slot_events(engine, "country")][-1] == "PL"

    # Asking again after the hand back is a new request, and the bot is silent once more.
    assert _say(fake, "I'd like to speak to a human again") == [REQUESTED]
    with session(engine) as db:
        requests = db.exec(
            select(HandoffRequest)
            .where(HandoffRequest.sender_id == SENDER)
            .order_by(col(HandoffRequest.id))
        )
        assert [r.closed_at is None for r in requests.all()] == [False, True]
    assert _say(fake, "hello?") == [ON_THE_WAY]
    _say_unanswered(fake, engine, "one more thing")


def _slot_events(engine: Engine, name: str) -> list[dict[str, Any]]:
    with session(engine) as db:
        conversation = crud.get_conversation(session=db, sender_id=SENDER)
        assert conversation is not None and conversation.id is not None
        events = crud.load_events(session=db, conversation_id=conversation.id)
    return [e for e in events if e["event"] == "slot" and e.get("name") == name]
