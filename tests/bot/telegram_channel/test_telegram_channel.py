"""The Telegram channel end to end: the real PTB stack and the real agent against a local
fake Bot API over HTTP, in polling mode and in webhook mode."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from fake_bot_api import BOT_USERNAME, FakeBotApi, fake_bot_api, serve_in_thread
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.dialogue.messages import BotMessage, Button
from bot.dialogue.responses import render_response
from bot.main import create_app
from bot.storage import crud, session
from bot.telegram_channel import split_text
from bot.telegram_channel.adapter import PayloadStore, TelegramAdapter

TOKEN = "123456:TEST-token"
SECRET = "webhook-secret-123"
CHAT_ID = 4242
_ids = itertools.count(1)


def _user() -> dict[str, Any]:
    return {"id": CHAT_ID, "is_bot": False, "first_name": "Ann", "language_code": "en"}


def _chat(chat_id: int = CHAT_ID, kind: str = "private") -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": kind}
    if kind != "private":
        chat["title"] = "A group"
    return chat


def message_update(text: str, *, update_id: int | None = None, **extra: Any) -> dict[str, Any]:
    """An update with a text message (a bot_command entity when it starts with '/')."""
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": _chat(),
        "from": _user(),
        "text": text,
        **extra,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id or next(_ids), "message": message}


def photo_update() -> dict[str, Any]:
    photo = [{"file_id": "f1", "file_unique_id": "u1", "width": 10, "height": 10}]
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": _chat(),
            "from": _user(),
            "photo": photo,
        },
    }


def callback_update(data: str) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": f"cq{next(_ids)}",
            "from": _user(),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 999,
                "date": int(time.time()),
                "chat": _chat(),
                "text": "a message with buttons",
            },
        },
    }


def sent_texts(fake: FakeBotApi) -> list[str]:
    return [str(c.params.get("text")) for c in fake.calls_to("sendMessage")]


def keyboard_of(call_params: dict[str, Any]) -> list[dict[str, Any]]:
    markup = call_params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def settle(fake: FakeBotApi, count: int, quiet: float = 0.4) -> None:
    """Wait for at least `count` sent messages, then until no more arrive for `quiet` s."""
    fake.wait_for("sendMessage", count)
    seen = len(fake.calls_to("sendMessage"))
    while True:
        time.sleep(quiet)
        now = len(fake.calls_to("sendMessage"))
        if now == seen:
            return
        seen = now


def user_events(engine: Engine, sender_id: str) -> list[dict[str, Any]]:
    with session(engine) as db:
        conversation = crud.get_conversation(session=db, sender_id=sender_id)
        if conversation is None:
            return []
        events = crud.load_events(session=db, conversation_id=int(conversation.id))  # type: ignore[arg-type]
    return [e for e in events if e["event"] == "user"]


@pytest.fixture
def polling(
    make_settings: Callable[..., Settings],
) -> Iterator[tuple[FakeBotApi, Any]]:
    """The app in polling mode against the fake; yields the fake and the app."""
    with fake_bot_api(TOKEN) as (fake, base_url):
        settings = make_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url)
        app = create_app(settings)
        app.state.telegram._poll_timeout = 1
        with serve_in_thread(app, lifespan="on"):
            fake.wait_for("getUpdates")
            yield fake, app


def test_polling_conversation(polling: tuple[FakeBotApi, Any], engine: Engine) -> None:
    fake, app = polling
    domain = app.state.agent.domain
    sender = f"telegram:{CHAT_ID}"
    assert fake.calls_to("deleteWebhook"), "polling starts by removing any webhook"
    commands = fake.calls_to("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} >= {"start", "help", "menu", "delete_my_data"}

    # /start with a deep link: the greeting, an inline keyboard, the code kept as `source`.
    fake.push_update(message_update("/start partner-fair-2026"))
    settle(fake, 1)
    greeting = fake.calls_to("sendMessage")[0]
    expected = render_response(domain, "utter_greet", {})
    assert expected is not None
    assert greeting.params["parse_mode"] == "HTML"
    assert greeting.params["text"].startswith("Hello!")
    buttons = keyboard_of(greeting.params)
    assert [b["callback_data"] for b in buttons] == [b["payload"] for b in expected["buttons"]]
    assert fake.calls_to("sendChatAction")[0].params["action"] == "typing"
    first = user_events(engine, sender)[0]
    assert first["metadata"]["source"] == "partner-fair-2026"
    assert first["metadata"]["language_code"] == "en"
    assert first["parse_data"]["intent"]["name"] == "greet"

    # A typed text goes through the NLU; the same update delivered twice is handled once.
    sent = len(fake.calls_to("sendMessage"))
    duplicate = message_update("hello there")
    fake.push_update(duplicate)
    fake.push_update(duplicate)
    settle(fake, sent + 1, quiet=1.0)
    assert len(fake.calls_to("sendMessage")) == sent + 1
    assert [e["text"] for e in user_events(engine, sender)].count("hello there") == 1

    # A button press: answered, its keyboard removed, its payload handled as a message.
    sent = len(fake.calls_to("sendMessage"))
    press = callback_update(buttons[0]["callback_data"])
    fake.push_update(press)
    settle(fake, sent + 1)
    answered = fake.calls_to("answerCallbackQuery")
    assert answered[0].params["callback_query_id"] == press["callback_query"]["id"]
    edited = fake.calls_to("editMessageReplyMarkup")[0].params
    assert edited["message_id"] == 999 and "reply_markup" not in edited
    events = user_events(engine, sender)
    assert events[-1]["text"] == buttons[0]["callback_data"]
    assert events[-1]["message_id"] == f"cb:{press['callback_query']['id']}"

    # A photo: the polite only-text reply, and nothing for the dialogue.
    sent = len(fake.calls_to("sendMessage"))
    fake.push_update(photo_update())
    fake.wait_for("sendMessage", sent + 1)
    only_text = render_response(domain, "utter_only_text", {})
    assert only_text is not None
    assert sent_texts(fake)[-1] == only_text["text"]

    # /delete_my_data asks first; confirming erases everything about the chat.
    sent = len(fake.calls_to("sendMessage"))
    fake.push_update(message_update("/delete_my_data"))
    ask = fake.wait_for("sendMessage", sent + 1)[-1]
    choices = {b["text"]: b["callback_data"] for b in keyboard_of(ask.params)}
    assert "#delete_confirm" in choices.values()
    fake.push_update(callback_update("#delete_confirm"))
    fake.wait_for("sendMessage", sent + 2)
    deleted = render_response(domain, "utter_data_deleted", {})
    assert deleted is not None and sent_texts(fake)[-1] == deleted["text"]
    with session(engine) as db:
        assert crud.get_conversation(session=db, sender_id=sender) is None
        assert crud.get_profile(session=db, sender_id=sender) is None


def test_group_messages_are_answered_only_when_addressed(
    polling: tuple[FakeBotApi, Any], engine: Engine
) -> None:
    fake, _ = polling
    group = -100123
    chatter = message_update("hello everyone")
    chatter["message"]["chat"] = _chat(group, "supergroup")
    addressed = message_update(f"@{BOT_USERNAME} hello")
    addressed["message"]["chat"] = _chat(group, "supergroup")
    edited = message_update("hello, edited")
    edited["edited_message"] = edited.pop("message")
    fake.push_update(chatter)
    fake.push_update(edited)
    fake.push_update(addressed)
    reply = fake.wait_for("sendMessage", 1)
    time.sleep(0.5)
    assert len(fake.calls_to("sendMessage")) == 1
    assert int(reply[0].params["chat_id"]) == group
    assert [e["text"] for e in user_events(engine, f"telegram:{group}")] == ["hello"]


def test_webhook_mode(make_settings: Callable[..., Settings], engine: Engine) -> None:
    hook = "https://bot.example.org/telegram/hook-7f3a"
    with fake_bot_api(TOKEN) as (fake, base_url):
        settings = make_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=base_url,
            TELEGRAM_WEBHOOK_URL=hook,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
        )
        with serve_in_thread(create_app(settings), lifespan="on") as url:
            registered = fake.wait_for("setWebhook")[0].params
            assert registered["url"] == hook
            assert registered["secret_token"] == SECRET
            assert not fake.calls_to("getUpdates")
            update = message_update("/start")
            with httpx.Client(base_url=url, timeout=10) as client:
                assert client.post("/telegram/hook-7f3a", json=update).status_code == 403
                wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
                assert (
                    client.post("/telegram/hook-7f3a", json=update, headers=wrong).status_code
                    == 403
                )
                not_an_update = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                response = client.post("/telegram/hook-7f3a", json=[1], headers=not_an_update)
                assert response.status_code == 400
                time.sleep(0.3)
                assert not fake.calls_to("sendMessage")
                right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                response = client.post("/telegram/hook-7f3a", json=update, headers=right)
                assert response.status_code == 200
                reply = fake.wait_for("sendMessage")[0]
                assert reply.params["text"].startswith("Hello!")
                # Telegram redelivers when unsure: the same update_id is answered once.
                response = client.post("/telegram/hook-7f3a", json=update, headers=right)
                assert response.status_code == 200
                time.sleep(0.5)
                assert len(fake.calls_to("sendMessage")) == 1
    assert len(user_events(engine, f"telegram:{CHAT_ID}")) == 1


def test_long_texts_are_split_cleanly() -> None:
    paragraph = "word " * 300
    text = "\n\n".join([paragraph.strip()] * 5)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(0 < len(p) <= 4096 for p in pieces)
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert split_text("x" * 5000) == ["x" * 4096, "x" * 904]


def test_long_payloads_are_kept_server_side() -> None:
    store = PayloadStore()
    short = "/learn_s3"
    long = '/inform{"company_name": "' + "A" * 80 + '"}'
    assert store.callback_data(short) == short
    key = store.callback_data(long)
    assert len(key.encode()) <= 64
    assert store.payload(key) == long
    assert store.payload("#k:unknown") is None


def test_own_commands_answer_from_the_domain(polling: tuple[FakeBotApi, Any]) -> None:
    fake, app = polling
    domain = app.state.agent.domain
    fake.push_update(message_update("/privacy"))
    settle(fake, 1)
    expected = render_response(domain, "utter_privacy", {})
    assert expected is not None and sent_texts(fake)[-1] == expected["text"]
    fake.push_update(message_update("/delete_my_data"))
    settle(fake, 2)
    fake.push_update(callback_update("#delete_cancel"))
    settle(fake, 3)
    cancelled = render_response(domain, "utter_delete_cancelled", {})
    assert cancelled is not None and sent_texts(fake)[-1] == cancelled["text"]


def test_language_command_switches_and_the_menu_exists_per_language(
    polling: tuple[FakeBotApi, Any],
) -> None:
    fake, app = polling
    domain = app.state.agent.domain
    by_language = {
        c.params.get("language_code"): c.params["commands"] for c in fake.calls_to("setMyCommands")
    }
    assert set(by_language) == {None, "fi", "sv", "da", "lt", "no"}
    swedish_start = render_response(domain, "utter_command_start", {"language": "sv"})
    assert swedish_start is not None
    assert by_language["sv"][0]["description"] == swedish_start["text"]
    assert by_language["sv"][0]["description"] != by_language[None][0]["description"]

    fake.push_update(message_update("/language"))
    settle(fake, 1)
    choice = fake.calls_to("sendMessage")[-1]
    titles = {b["text"] for b in keyboard_of(choice.params)}
    assert {"English", "svenska", "suomi"} <= titles
    swedish = next(b for b in keyboard_of(choice.params) if b["text"] == "svenska")
    fake.push_update(callback_update(swedish["callback_data"]))
    settle(fake, 2)
    assert sent_texts(fake)[-1] == "Visst, vi fortsätter på svenska."
    fake.push_update(message_update("/privacy"))  # the adapter's own text, in the chat's language
    settle(fake, 3)
    privacy = render_response(domain, "utter_privacy", {"language": "sv"})
    assert privacy is not None and sent_texts(fake)[-1] == privacy["text"]


def test_a_failing_turn_gets_a_polite_reply_and_a_log_without_the_text(
    polling: tuple[FakeBotApi, Any], caplog: pytest.LogCaptureFixture
) -> None:
    fake, app = polling
    adapter = app.state.telegram.adapter

    async def broken(message: Any) -> Any:
        raise RuntimeError("storage is down")

    adapter.agent = SimpleNamespace(domain=app.state.agent.domain, handle=broken)
    with caplog.at_level(logging.INFO):
        fake.push_update(message_update("my secret company plans"))
        settle(fake, 1)
    apology = render_response(app.state.agent.domain, "utter_telegram_error", {})
    assert apology is not None and sent_texts(fake) == [apology["text"]]
    failures = [r for r in caplog.records if r.name.startswith("bot.telegram_channel")]
    assert any(r.levelno == logging.ERROR and r.exc_info for r in failures)
    assert all("secret company" not in r.getMessage() for r in caplog.records)


def test_replies_are_escaped_html_with_one_keyboard_row_per_button() -> None:
    sent: list[dict[str, Any]] = []

    class RecordingBot:
        async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
            sent.append({"chat_id": chat_id, "text": text, **kwargs})

    async def erase(sender_id: str) -> int:
        return 0

    adapter = TelegramAdapter(cast(Any, None), delete_sender_data=erase)
    long_payload = '/inform{"company_name": "' + "B" * 80 + '"}'
    reply = BotMessage(
        text="Costs < 5 000 € & more <b>bold</b>",
        buttons=(Button("A", "/affirm"), Button("B", long_payload)),
    )
    asyncio.run(adapter._send(RecordingBot(), 7, [reply, BotMessage(text="x" * 5000)]))
    assert sent[0]["text"] == "Costs &lt; 5 000 € &amp; more &lt;b&gt;bold&lt;/b&gt;"
    assert sent[0]["parse_mode"] == "HTML"
    rows = sent[0]["reply_markup"].inline_keyboard
    assert [len(row) for row in rows] == [1, 1]
    assert rows[0][0].callback_data == "/affirm"
    assert adapter.payloads.payload(rows[1][0].callback_data) == long_payload
    assert [len(m["text"]) for m in sent[1:]] == [4096, 904]
    assert sent[1]["reply_markup"] is None


def test_sends_go_through_a_rate_limiter(polling: tuple[FakeBotApi, Any]) -> None:
    from telegram.ext import AIORateLimiter

    _, app = polling
    assert isinstance(app.state.telegram.application.bot.rate_limiter, AIORateLimiter)
