"""Messages that arrive later: Rasa's tracker events endpoint appends them, the widget's
Server-Sent Events stream delivers them (live, and again from `Last-Event-ID`)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
import pytest
from web_helpers import API_TOKEN, assert_error, live_server, real_agent, tracker
from widget_helpers import ORIGIN, create_site, read_history, say, start

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.dialogue.outbound import StoredMessage
from bot.storage import crud_sites, session
from bot.web.widget_stream import POLL_SECONDS, WidgetStreams, stream_messages

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """One settings object shared by the server and the test's own database access."""
    return make_settings()


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    """A client of a live server on `settings`."""
    with live_server(real_agent, settings) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


@pytest.fixture
def visitor(client: httpx.Client, settings: Settings) -> dict[str, Any]:
    """A widget session that has said hello, so its conversation exists."""
    site_key, _ = create_site(settings)
    data = start(client, site_key)
    say(client, data["token"], "hello")
    data["conversation"] = f"widget:{site_key}:{data['session_id']}"
    return data


def post_events(client: httpx.Client, conversation: str, events: Any) -> httpx.Response:
    """POST Rasa events to the conversation's tracker, with the API token."""
    return client.post(
        f"/conversations/{conversation}/tracker/events",
        params={"token": API_TOKEN},
        json=events,
    )


def staff_reply(text: str) -> dict[str, Any]:
    """A bot event as a staff member's tool posts it."""
    return {
        "event": "bot",
        "text": text,
        "data": {"buttons": [{"title": "OK", "payload": "/affirm"}]},
    }


def read_sse(lines: Iterator[str], count: int) -> list[tuple[str, dict[str, Any]]]:
    """The next `count` SSE events as (id, data), skipping comments and other fields."""
    found: list[tuple[str, dict[str, Any]]] = []
    event_id, kind = "", ""
    for line in lines:
        if line.startswith("id: "):
            event_id = line[4:]
        elif line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            assert kind == "message"
            found.append((event_id, json.loads(line[6:])))
            if len(found) == count:
                return found
    raise AssertionError(f"stream ended after {found}")


def open_stream(client: httpx.Client, token: str, last_event_id: int | None = None) -> Any:
    """The event stream of the session (a context manager of the streaming response)."""
    headers = {"Origin": ORIGIN}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    return client.stream("GET", "/widget/v1/events", params={"token": token}, headers=headers)


def test_stream_receives_a_message_posted_to_the_tracker(
    client: httpx.Client, visitor: dict[str, Any]
) -> None:
    with open_stream(client, visitor["token"]) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"].startswith("no-cache")
        assert response.headers["x-accel-buffering"] == "no"
        assert response.headers["access-control-allow-origin"] == ORIGIN
        lines = response.iter_lines()
        assert next(lines).startswith("retry: ")  # the stream knows where it starts
        started = time.monotonic()
        posted = post_events(client, visitor["conversation"], staff_reply("A person here: hi!"))
        assert posted.status_code == 200, posted.text
        ((event_id, message),) = read_sse(lines, 1)
        assert time.monotonic() - started < POLL_SECONDS + 3
    assert message["role"] == "bot" and message["text"] == "A person here: hi!"
    assert message["buttons"] == [{"title": "OK", "payload": "/affirm"}]
    assert event_id == str(message["seq"])
    history = read_history(client, visitor["token"]).json()["messages"]
    assert history[-1] == message  # the log is the truth: the history has it too


def test_last_event_id_resumes_and_replies_of_turns_are_not_streamed(
    client: httpx.Client, visitor: dict[str, Any]
) -> None:
    before = read_history(client, visitor["token"]).json()["messages"][-1]["seq"]
    posted = post_events(
        client, visitor["conversation"], [staff_reply("first"), staff_reply("second")]
    )
    assert posted.status_code == 200, posted.text
    say(client, visitor["token"], "hello")  # a turn's replies come with its answer only
    with open_stream(client, visitor["token"], last_event_id=before) as response:
        received = read_sse(response.iter_lines(), 2)
    assert [m["text"] for _, m in received] == ["first", "second"]
    first_id = int(received[0][0])
    assert first_id > before
    with open_stream(client, visitor["token"], last_event_id=first_id) as response:
        lines = response.iter_lines()
        next(lines)
        post_events(client, visitor["conversation"], staff_reply("third"))
        again = read_sse(lines, 2)
    assert [m["text"] for _, m in again] == ["second", "third"]


def test_stream_needs_a_valid_token_and_an_allowed_origin(
    client: httpx.Client, visitor: dict[str, Any]
) -> None:
    refused = client.get("/widget/v1/events", params={"token": "x.y"}, headers={"Origin": ORIGIN})
    assert_error(refused, 401, "invalid_token")
    elsewhere = client.get(
        "/widget/v1/events",
        params={"token": visitor["token"]},
        headers={"Origin": "https://evil.example"},
    )
    assert_error(elsewhere, 403, "origin_not_allowed")


def test_tracker_events_accept_bot_and_slot_events_only(
    client: httpx.Client, visitor: dict[str, Any]
) -> None:
    conversation = visitor["conversation"]
    slot = post_events(
        client, conversation, {"event": "slot", "name": "company_name", "value": "Acme Oy"}
    )
    assert slot.status_code == 200, slot.text
    assert slot.json()["slots"]["company_name"] == "Acme Oy"
    assert tracker(client, conversation)["slots"]["company_name"] == "Acme Oy"
    for bad in [
        {"event": "user", "text": "pretending to be the visitor"},
        {"event": "restart"},
        {"event": "slot", "name": "no_such_slot", "value": 1},
        {"event": "bot"},
        [],
        [staff_reply("fine"), {"event": "action", "name": "action_listen"}],
    ]:
        assert_error(post_events(client, conversation, bad), 422)
    for raw in [
        '{"event": "bot", "text": "\\ud800"}',  # a lone surrogate: not storable text
        '{"event": "slot", "name": "company_name", "value": NaN}',
        '{"event": "bot", "text": "x", "timestamp": Infinity}',
    ]:
        response = client.post(
            f"/conversations/{conversation}/tracker/events",
            params={"token": API_TOKEN},
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code in (400, 422), (raw, response.text)
    texts = [m["text"] for m in read_history(client, visitor["token"]).json()["messages"]]
    assert "fine" not in texts  # a refused list appends nothing
    assert_error(post_events(client, "widget:nobody:here-0000000000", staff_reply("x")), 404)
    unauthorised = client.post(
        f"/conversations/{conversation}/tracker/events", json=staff_reply("x")
    )
    assert_error(unauthorised, 401)


def test_rest_conversations_take_tracker_events_too(client: httpx.Client) -> None:
    client.post("/webhooks/rest/webhook", json={"sender": "plain-rest", "message": "hello"})
    response = post_events(client, "plain-rest", staff_reply("Noted."))
    assert response.status_code == 200, response.text
    bot_texts = [e.get("text") for e in response.json()["events"] if e["event"] == "bot"]
    assert bot_texts[-1] == "Noted."


class _CheckingPort:
    """An outbound port that records what the log held when each delivery came."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.seen: list[tuple[list[int], list[int]]] = []

    async def deliver(self, sender_id: str, messages: Sequence[StoredMessage]) -> None:
        with session(self.agent.engine) as db:
            _, events = crud_sites.read_messages(session=db, sender_id=sender_id, after_seq=-1)
        self.seen.append(([m.seq for m in messages], [seq for seq, _ in events]))


async def test_append_stores_first_then_delivers_on_the_channel(agent: Agent) -> None:
    from bot.dialogue.messages import UserMessage

    sender = "widget:site:append-test-000001"
    await agent.handle(UserMessage(sender, "hello", channel="widget", message_id="m-000001"))
    port = _CheckingPort(agent)
    agent.set_outbound("widget", port)
    stored = await agent.append_events(
        sender, [staff_reply("later"), {"event": "slot", "name": "company_name", "value": "X"}]
    )
    assert stored is not None and [m.message.text for m in stored] == ["later"]
    ((delivered, logged),) = port.seen
    assert delivered == [stored[0].seq] and stored[0].seq in logged
    assert await agent.append_events("widget:site:nobody-00000001", [staff_reply("x")]) is None
    assert len(port.seen) == 1


async def test_stream_is_woken_by_a_delivery_and_ends_when_stopping(agent: Agent) -> None:
    from bot.dialogue.messages import UserMessage

    sender = "widget:site:stream-test-000001"
    await agent.handle(UserMessage(sender, "hello", channel="widget", message_id="m-000002"))
    streams = WidgetStreams()
    agent.set_outbound("widget", streams)
    stopping = False
    chunks = stream_messages(
        engine=agent.engine,
        streams=streams,
        sender_id=sender,
        after=10**6,
        stopping=lambda: stopping,
    )
    assert (await anext(chunks)).startswith("retry:")
    reading = asyncio.ensure_future(anext(chunks))
    await asyncio.sleep(0.2)
    assert streams.open_streams() == 1
    assert not reading.done()
    stopping = True
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(reading, POLL_SECONDS + 2)
    assert streams.open_streams() == 0


async def test_delivery_wakes_the_stream_before_its_poll(agent: Agent) -> None:
    from bot.dialogue.messages import UserMessage

    sender = "widget:site:stream-test-000002"
    await agent.handle(UserMessage(sender, "hello", channel="widget", message_id="m-000003"))
    streams = WidgetStreams()
    agent.set_outbound("widget", streams)
    with session(agent.engine) as db:
        latest = crud_sites.last_seq(session=db, sender_id=sender)
    chunks = stream_messages(
        engine=agent.engine, streams=streams, sender_id=sender, after=latest, stopping=lambda: False
    )
    await anext(chunks)
    reading = asyncio.ensure_future(anext(chunks))
    await asyncio.sleep(0.3)  # the stream has read the log and waits
    started = time.monotonic()
    await agent.append_events(sender, [staff_reply("now")])
    chunk = await asyncio.wait_for(reading, POLL_SECONDS)
    assert time.monotonic() - started < POLL_SECONDS / 2
    assert chunk.startswith(f"id: {latest + 1}\nevent: message\ndata: ")
    assert json.loads(chunk.split("data: ", 1)[1])["text"] == "now"
    await chunks.aclose()
    assert streams.open_streams() == 0
