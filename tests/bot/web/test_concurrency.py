"""Many conversations at once over REST: every user event kept, in order, exactly once."""

from __future__ import annotations

import asyncio

import httpx
from web_helpers import API_TOKEN

CONVERSATIONS = 50
SCRIPT = [
    "hello",
    "what can you do?",
    "I run a small company in Tallinn",
    "we make software",
    "tell me about vouchers",
    "thanks, bye",
]


def _script(conversation: int) -> list[str]:
    return [f"{text} [{conversation}:{turn}]" for turn, text in enumerate(SCRIPT)]


async def _converse(http: httpx.AsyncClient, conversation: int) -> None:
    sender = f"load-{conversation}"
    for turn, text in enumerate(_script(conversation)):
        body = {
            "sender": sender,
            "message": text,
            "metadata": {"message_id": f"{sender}-{turn}"},
        }
        response = await _post_once_or_again(http, body)
        assert response.status_code == 200, response.text
        assert all(r["recipient_id"] == sender for r in response.json())


async def _post_once_or_again(http: httpx.AsyncClient, body: dict[str, object]) -> httpx.Response:
    """Send a message; when the connection breaks (a kept-alive connection the server closed
    just as it was reused, likely on a busy machine), send it again with the same message_id,
    as a real client would: the server answers a repeated id once."""
    for attempt in range(3):
        try:
            return await http.post("/webhooks/rest/webhook", json=body)
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def test_create_message_many_conversations_keep_every_event(base_url: str) -> None:
    limits = httpx.Limits(max_connections=CONVERSATIONS, max_keepalive_connections=CONVERSATIONS)
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=limits) as http:
        await asyncio.gather(*(_converse(http, c) for c in range(CONVERSATIONS)))
        for conversation in range(CONVERSATIONS):
            response = await http.get(
                f"/conversations/load-{conversation}/tracker", params={"token": API_TOKEN}
            )
            assert response.status_code == 200, response.text
            events = response.json()["events"]
            texts = [e["text"] for e in events if e["event"] == "user"]
            assert texts == _script(conversation)
