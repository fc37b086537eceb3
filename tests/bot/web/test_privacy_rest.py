"""Privacy over Rasa's REST channel: erasing on request, and a redelivered request."""

from __future__ import annotations

import httpx
from web_helpers import send, tracker, user_texts


def test_erasure_over_rest_then_a_fresh_conversation(client: httpx.Client) -> None:
    send(client, "rest-gone", "hi, we are Kalmar Kelp AB from Sweden")
    send(client, "rest-kept", "hello there")

    ask = send(client, "rest-gone", "pls delete all my data", message_id="g1").json()
    assert [b["payload"] for b in ask[-1]["buttons"]] == ["/affirm", "/deny"]
    receipt = send(client, "rest-gone", ask[-1]["buttons"][0]["payload"], message_id="g2")
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()[-1]["text"].startswith("Done. I have erased:")

    state = tracker(client, "rest-gone")
    assert state["events"] == [] and user_texts(state) == []
    assert user_texts(tracker(client, "rest-kept")) == ["hello there"]
    # The same request delivered again: the same receipt, and nothing runs.
    again = send(client, "rest-gone", "/affirm", message_id="g2")
    assert again.json() == receipt.json()
    assert tracker(client, "rest-gone")["events"] == []

    send(client, "rest-gone", "hello again")
    state = tracker(client, "rest-gone")
    assert user_texts(state) == ["hello again"]
    assert state["slots"]["country"] is None


def test_no_over_rest_keeps_the_conversation(client: httpx.Client) -> None:
    send(client, "rest-keeper", "hello")
    send(client, "rest-keeper", "/delete_my_data")
    replies = send(client, "rest-keeper", "nope").json()
    assert replies[-1]["text"].startswith("Nothing was erased")
    assert user_texts(tracker(client, "rest-keeper")) == ["hello", "/delete_my_data", "nope"]


def test_what_is_stored_over_rest(client: httpx.Client) -> None:
    replies = send(client, "rest-curious", "what data do u keep about me?").json()
    assert replies[0]["text"].startswith("What I store about you")
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/delete_my_data"]
