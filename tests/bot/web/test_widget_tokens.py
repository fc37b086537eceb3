"""Widget tokens and member hashes: what is accepted, and everything that is not."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from bot.web.widget_tokens import (
    InvalidToken,
    WidgetClaims,
    conversation_id,
    is_member,
    member_hash,
    new_claims,
    session_id_or_new,
    sign_token,
    verify_token,
)

SECRET = "a" * 64


def _token(payload: dict[str, object], signature: str = "sig") -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{body}.{signature}"


def test_a_signed_token_round_trips_and_expires() -> None:
    claims = new_claims("site", "widget:site:abcdefghijklmnop", "fi", True)
    assert verify_token(sign_token(claims, SECRET), SECRET) == claims
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(sign_token(claims, SECRET), SECRET, now=claims.expires)
    with pytest.raises(InvalidToken, match="signature"):
        verify_token(sign_token(claims, SECRET), "b" * 64)


def test_a_token_for_another_sites_conversation_is_refused() -> None:
    claims = WidgetClaims("site", "widget:other:abcdefghijklmnop", "en", 2**40)
    with pytest.raises(InvalidToken, match="another site"):
        verify_token(sign_token(claims, SECRET), SECRET)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "no-dot",
        "a.b.c",
        "%%%.sig",
        _token({"v": 1}),
        _token({"v": 2, "s": "s", "c": "widget:s:x", "l": "en", "e": 1, "m": False}),
        _token({"v": 1, "s": 5, "c": "widget:s:x", "l": "en", "e": 1, "m": False}),
        _token({"v": 1, "s": "s", "c": "widget:s:x", "l": "en", "e": 1.5, "m": False}),
        _token({"v": 1, "s": "s", "c": "widget:s:x", "l": "en", "e": 1, "m": 0}),
        _token({"v": 1, "s": "s:x", "c": "widget:s:x", "l": "en", "e": 1, "m": False}),
        _token({"v": 1, "s": "s", "c": "widget:s:\u00e4", "l": "en", "e": 1, "m": False}),
        "x" * 2000 + ".y",
    ],
)
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidToken):
        verify_token(token, SECRET)


def test_member_hash_is_the_hex_hmac_and_checked_in_any_case() -> None:
    digest = member_hash("member-1", SECRET)
    # What docs/widget.md tells partners to compute on their server.
    assert digest == hmac.new(SECRET.encode(), b"member-1", hashlib.sha256).hexdigest()
    assert is_member("member-1", digest, SECRET)
    assert is_member("member-1", digest.upper(), SECRET)
    assert not is_member("member-2", digest, SECRET)
    assert not is_member("member-1", digest, "b" * 64)
    assert not is_member("member-1", None, SECRET) and not is_member(None, digest, SECRET)


def test_session_ids_and_conversation_ids() -> None:
    assert session_id_or_new("A" * 16) == "A" * 16
    for bad in (None, "short", "a" * 65, "has space in it!!", "x:" * 10):
        fresh = session_id_or_new(bad)
        assert fresh != bad and 16 <= len(fresh) <= 64
    assert conversation_id("k", "s" * 16) == "widget:k:" + "s" * 16
    member = conversation_id("k", "s" * 16, "user@example.org")
    assert member.startswith("widget:k:member:") and "user" not in member
    assert len(member.rsplit(":", 1)[1]) == 32
