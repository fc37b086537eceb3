"""The widget API over real HTTP: sessions, messages, history, identity, origins, CORS, limits,
tokens, hostile text and attribution, against the real agent and database."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable

import httpx
import pytest
from web_helpers import API_TOKEN, assert_error, live_server, real_agent, send
from widget_helpers import (
    ORIGIN,
    OTHER_ORIGIN,
    create_site,
    open_session,
    post_message,
    read_history,
    say,
    start,
)

from bot.config import Settings
from bot.storage import crud, crud_sites, make_engine, session
from bot.web.routes.widget import WIDGET_SCRIPT
from bot.web.widget_tokens import WidgetClaims, member_hash, new_claims, sign_token

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow

MESSAGE_KEYS = {"seq", "role", "text", "buttons", "timestamp"}


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """One settings object shared by the server and the test's own database access."""
    return make_settings()


@pytest.fixture
def client(settings: Settings) -> httpx.Client:  # type: ignore[misc]
    """A client of a live server on `settings`."""
    with live_server(real_agent, settings) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http


@pytest.fixture
def site(client: httpx.Client, settings: Settings) -> tuple[str, str]:
    """A partner site allowing ORIGIN, created once the server migrated the database."""
    return create_site(settings)


def test_session_gives_token_site_words_and_empty_history(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    data = start(client, site[0], language="en-GB")
    assert set(data) == {
        "session_id",
        "token",
        "language",
        "identified",
        "site",
        "strings",
        "history",
    }
    assert 16 <= len(data["session_id"]) <= 64
    assert data["language"] == "en" and data["identified"] is False
    assert data["history"] == []
    assert data["site"]["name"] == "Regional Agency <b>"
    assert (data["site"]["title"], data["site"]["colour"]) == ("Ask us", "#112233")
    assert data["site"]["privacy_url"].endswith("/privacy?lang=en")
    assert data["strings"]["open_chat"] == "Open chat"
    assert "Regional Agency <b> sees" in data["strings"]["privacy_notice"]  # {name} filled


def test_unknown_language_falls_back_and_bad_session_id_is_replaced(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    data = start(client, site[0], language="xx", session_id="short")
    assert data["language"] == "en"
    assert data["session_id"] != "short"
    kept = start(client, site[0], session_id="A" * 16)
    assert kept["session_id"] == "A" * 16


def test_message_is_answered_and_a_retry_answered_once(
    client: httpx.Client, site: tuple[str, str], settings: Settings
) -> None:
    data = start(client, site[0])
    first = say(client, data["token"], "hello", message_id="retry-0001")
    assert first and all(set(m) == MESSAGE_KEYS and m["role"] == "bot" for m in first)
    assert all(m["seq"] >= 0 for m in first)
    again = say(client, data["token"], "hello", message_id="retry-0001")
    assert again == first
    history = read_history(client, data["token"]).json()["messages"]
    assert [m["text"] for m in history if m["role"] == "user"] == ["hello"]
    assert [m for m in history if m["role"] == "bot"] == first


def test_history_survives_a_reload_and_another_session_sees_nothing(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    data = start(client, site[0])
    replies = say(client, data["token"], "hello")
    reloaded = start(client, site[0], session_id=data["session_id"])
    assert reloaded["history"][0]["role"] == "user"
    assert reloaded["history"][0]["text"] == "hello"
    assert reloaded["history"][1:] == replies
    stranger = start(client, site[0])
    assert stranger["session_id"] != data["session_id"]
    assert stranger["history"] == []
    assert read_history(client, stranger["token"]).json() == {"messages": []}


def test_button_payload_shows_as_its_title_in_the_history(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    data = start(client, site[0])
    replies = say(client, data["token"], "hello")
    buttons = [b for m in replies for b in m["buttons"]]
    assert buttons, replies
    say(client, data["token"], buttons[0]["payload"])
    history = start(client, site[0], session_id=data["session_id"])["history"]
    assert [m["text"] for m in history if m["role"] == "user"][1] == buttons[0]["title"]


def test_member_has_one_conversation_in_two_browsers_and_a_forged_hash_is_anonymous(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    site_key, secret = site
    member = {"user_id": "member-42", "user_hash": member_hash("member-42", secret)}
    first_browser = start(client, site_key, **member)
    assert first_browser["identified"] is True
    say(client, first_browser["token"], "hello")
    second_browser = start(client, site_key, **{**member, "user_hash": member["user_hash"].upper()})
    assert second_browser["identified"] is True
    assert second_browser["session_id"] != first_browser["session_id"]
    assert [m["text"] for m in second_browser["history"] if m["role"] == "user"] == ["hello"]
    forged = start(client, site_key, user_id="member-42", user_hash="0" * 64)
    assert forged["identified"] is False and forged["history"] == []
    other_secret = start(
        client, site_key, user_id="member-42", user_hash=member_hash("member-42", "x")
    )
    assert other_secret["identified"] is False and other_secret["history"] == []


def test_refused_origin_unknown_site_and_no_origin_are_all_403(
    client: httpx.Client, site: tuple[str, str], settings: Settings
) -> None:
    create_site(settings, origins=[OTHER_ORIGIN])  # an origin some other site allows
    refusals = [
        open_session(client, site[0], origin="https://evil.example"),
        open_session(client, site[0], origin=OTHER_ORIGIN),  # allowed, but not for this site
        open_session(client, "no-such-site", origin=ORIGIN),
        open_session(client, site[0], origin=ORIGIN.replace("https", "http")),
        client.post("/widget/v1/sessions", json={"site_key": site[0]}),  # no Origin at all
        client.get("/widget/v1/history"),
    ]
    for response in refusals:
        assert_error(response, 403, "origin_not_allowed")
    token = start(client, site[0])["token"]
    assert_error(post_message(client, token, "hi", origin=OTHER_ORIGIN), 403, "origin_not_allowed")
    assert_error(read_history(client, token, origin="https://evil.example"), 403)
    no_origin = client.post(
        "/widget/v1/messages",
        json={"client_message_id": "m" * 8, "text": "hi"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(no_origin, 403, "origin_not_allowed")


def test_inactive_site_is_refused(
    client: httpx.Client, site: tuple[str, str], settings: Settings
) -> None:
    token = start(client, site[0])["token"]
    engine = make_engine(settings.DATABASE_URL)
    with session(engine) as db:
        crud_sites.update_site(session=db, site_key=site[0], active=False)
    engine.dispose()
    assert_error(open_session(client, site[0]), 403, "origin_not_allowed")
    assert_error(post_message(client, token, "hi"), 403, "origin_not_allowed")


def test_preflight_is_answered_for_allowed_origins_only(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    request_headers = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    allowed = client.options("/widget/v1/messages", headers={"Origin": ORIGIN, **request_headers})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert allowed.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert allowed.headers["access-control-allow-headers"] == "Authorization, Content-Type"
    assert allowed.headers["access-control-max-age"] == "600"
    assert "origin" in allowed.headers["vary"].lower()
    assert "access-control-allow-credentials" not in allowed.headers
    refused = client.options(
        "/widget/v1/sessions", headers={"Origin": "https://evil.example", **request_headers}
    )
    assert_error(refused, 403, "origin_not_allowed")
    assert "access-control-allow-origin" not in refused.headers
    # Other routes have no CORS at all.
    rest = client.options("/webhooks/rest/webhook", headers={"Origin": ORIGIN, **request_headers})
    assert rest.status_code == 405 and "access-control-allow-origin" not in rest.headers


def test_cors_headers_name_exactly_the_origin(client: httpx.Client, site: tuple[str, str]) -> None:
    response = open_session(client, site[0])
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "origin" in response.headers["vary"].lower()
    assert "retry-after" in response.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers
    assert "set-cookie" not in response.headers
    error = post_message(client, "not-a-token", "hi")
    assert_error(error, 401)
    assert error.headers["access-control-allow-origin"] == ORIGIN  # the page may read errors


def test_tokens_expired_forged_or_of_another_site_are_401(
    client: httpx.Client, site: tuple[str, str], settings: Settings
) -> None:
    site_key, secret = site
    other_key, other_secret = create_site(settings)
    conversation = f"widget:{site_key}:{'s' * 20}"
    expired = WidgetClaims(site_key, conversation, "en", int(time.time()) - 1, False)
    good = start(client, site_key)["token"]
    body, signature = good.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["c"] = f"widget:{site_key}:{'t' * 20}"  # another visitor's conversation
    tampered = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    for token in [
        "garbage",
        sign_token(expired, secret),
        f"{tampered}.{signature}",
        sign_token(new_claims(site_key, conversation, "en", False), other_secret),
        # signed by the other site, for a conversation of this one
        sign_token(new_claims(other_key, conversation, "en", False), other_secret),
    ]:
        response = post_message(client, token, "hi")
        assert_error(response, 401, "invalid_token")
        assert response.headers["www-authenticate"] == "Bearer"
    no_token = client.post(
        "/widget/v1/messages",
        json={"client_message_id": "m" * 8, "text": "hi"},
        headers={"Origin": ORIGIN},
    )
    assert_error(no_token, 401, "invalid_token")


def test_rotating_the_secret_ends_the_old_tokens(
    client: httpx.Client, site: tuple[str, str], settings: Settings
) -> None:
    token = start(client, site[0])["token"]
    engine = make_engine(settings.DATABASE_URL)
    with session(engine) as db:
        crud_sites.rotate_secret(session=db, site_key=site[0])
    engine.dispose()
    assert_error(post_message(client, token, "hello"), 401, "invalid_token")
    assert say(client, start(client, site[0])["token"], "hello")


def test_bad_bodies_are_422(client: httpx.Client, site: tuple[str, str]) -> None:
    token = start(client, site[0])["token"]
    headers = {"Origin": ORIGIN, "Authorization": f"Bearer {token}"}
    for body in [
        {"client_message_id": "short", "text": "hi"},
        {"client_message_id": "x" * 65, "text": "hi"},
        {"client_message_id": "m" * 8},
        {"client_message_id": "m" * 8, "text": 5},
        [],
    ]:
        assert_error(client.post("/widget/v1/messages", json=body, headers=headers), 422)
    assert_error(
        client.post("/widget/v1/sessions", json={"site_key": 5}, headers={"Origin": ORIGIN}), 422
    )


def test_hostile_text_is_stored_and_returned_verbatim(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script> **bold** & "quotes"'
    data = start(client, site[0])
    say(client, data["token"], hostile)
    history = read_history(client, data["token"]).json()["messages"]
    assert [m["text"] for m in history if m["role"] == "user"] == [hostile]
    response = read_history(client, data["token"])
    assert response.headers["content-type"].startswith("application/json")


def test_conversation_is_attributed_to_its_site_and_rest_cannot_reach_it(
    client: httpx.Client, site: tuple[str, str], settings: Settings
) -> None:
    data = start(client, site[0])
    say(client, data["token"], "hello")
    conversation = f"widget:{site[0]}:{data['session_id']}"
    engine = make_engine(settings.DATABASE_URL)
    try:
        with session(engine) as db:
            stored = crud.get_conversation(session=db, sender_id=conversation)
            expected = crud_sites.get_site(session=db, site_key=site[0])
        assert stored is not None and expected is not None
        assert stored.channel == "widget" and stored.partner_site_id == expected.id
    finally:
        engine.dispose()
    assert_error(send(client, conversation, "hello"), 422)
    tracker = client.get(f"/conversations/{conversation}/tracker", params={"token": API_TOKEN})
    user = [e for e in tracker.json()["events"] if e["event"] == "user"]
    assert user[0]["input_channel"] == "widget"
    assert user[0]["metadata"]["site"] == site[0]


def test_widget_script_is_served_for_other_origins(client: httpx.Client) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/javascript; charset=utf-8"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content and response.headers["etag"]
    cached = client.get("/widget.js", headers={"If-None-Match": response.headers["etag"]})
    assert cached.status_code == 304 and not cached.content


def test_widget_script_carries_its_early_words_from_data(client: httpx.Client) -> None:
    """The words shown before a session exists (or on a refused page) are data/widget/ui.yml's,
    written into the script when it is served: none is hard-coded in it."""
    script = client.get("/widget.js").text
    marked = re.search(r"/\*early-words\*/(.*?)/\*end\*/", script, re.DOTALL)
    assert marked is not None
    words = json.loads(marked.group(1))
    assert words["en"]["open_chat"] == "Open chat"
    assert words["en"]["error_unavailable"].startswith("The chat is not available")
    assert "Open chat" not in WIDGET_SCRIPT.read_text(encoding="utf-8")


def test_privacy_page_is_escaped_html_with_english_fallback(client: httpx.Client) -> None:
    page = client.get("/privacy", params={"lang": "fi"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text
    assert "How to erase it" in page.text and "/delete_my_data" in page.text
    assert "&quot;Delete my data&quot;" in page.text  # quotes of the data are escaped
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_rate_limit_per_session_answers_429_with_retry_after(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(WIDGET_RATE_LIMIT_PER_SESSION=3)
    with live_server(real_agent, settings) as url, httpx.Client(base_url=url, timeout=60) as http:
        site_key, _ = create_site(settings)
        data = start(http, site_key, session_id="limited-session-01")
        statuses = [read_history(http, data["token"]).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]  # the session's start counted too
        refused = read_history(http, data["token"])
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["access-control-allow-origin"] == ORIGIN
        assert read_history(http, start(http, site_key)["token"]).status_code == 200


def test_rate_limit_per_site(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(WIDGET_RATE_LIMIT_PER_SITE=2)
    with live_server(real_agent, settings) as url, httpx.Client(base_url=url, timeout=60) as http:
        site_key, _ = create_site(settings)
        other_key, _ = create_site(settings)
        assert [open_session(http, site_key).status_code for _ in range(3)] == [200, 200, 429]
        assert open_session(http, other_key).status_code == 200


def test_message_ids_of_two_visitors_do_not_mix(
    client: httpx.Client, site: tuple[str, str]
) -> None:
    shared = f"shared-{uuid.uuid4().hex[:8]}"
    first = start(client, site[0])
    second = start(client, site[0])
    say(client, first["token"], "hello", message_id=shared)
    say(client, second["token"], "what is a voucher?", message_id=shared)
    texts = [m["text"] for m in read_history(client, second["token"]).json()["messages"]]
    assert texts[0] == "what is a voucher?" and "hello" not in texts
