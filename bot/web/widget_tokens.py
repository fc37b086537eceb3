"""The widget's session tokens and member identity, both keyed by the partner site's secret.

A token is ``<payload>.<signature>``: the payload is url-safe base64 of a small JSON object
(site key, conversation id, language, expiry), the signature url-safe base64 of its
HMAC-SHA256 under the site's secret. Rotating the secret therefore ends every token of the
site; the widget then asks for a new session. No server state is kept per token.

A member's `user_hash` is the hex HMAC-SHA256 of its `user_id` under the same secret, as the
partner's own server computes it (docs/widget.md); a valid pair gives the member one
conversation in every browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Final

#: How long a token is valid; the widget asks for a new session when one expires.
TOKEN_LIFETIME_SECONDS: Final = 12 * 3600
TOKEN_VERSION: Final = 1
MAX_TOKEN_CHARS: Final = 1024
CHANNEL: Final = "widget"
SESSION_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{16,64}")
SITE_KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: Printable ASCII, as every conversation id and language code of a token is.
_PLAIN: Final = re.compile(r"[!-~]{1,255}")


class InvalidToken(Exception):
    """A token that is malformed, forged, of another site or expired."""


@dataclass(frozen=True, slots=True)
class WidgetClaims:
    """What a token says: the site, the conversation, its language and the expiry."""

    site_key: str
    conversation_id: str
    language: str
    expires: int
    identified: bool = False


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise InvalidToken("not url-safe base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, data: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), data, hashlib.sha256).digest()


def sign_token(claims: WidgetClaims, secret: str) -> str:
    """The token carrying `claims`, signed with the site's `secret`."""
    payload = {
        "v": TOKEN_VERSION,
        "s": claims.site_key,
        "c": claims.conversation_id,
        "l": claims.language,
        "e": claims.expires,
        "m": claims.identified,
    }
    body = _b64encode(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_b64encode(_mac(secret, body.encode('ascii')))}"


def site_key_of(token: str) -> str:
    """The site key a token names, read before its signature is checked (to find the secret).

    Raises:
        InvalidToken: the token is malformed.
    """
    return _payload(token)["s"]  # type: ignore[no-any-return]


def _payload(token: str) -> dict[str, Any]:
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise InvalidToken("malformed token")
    body, _ = token.split(".")
    try:
        payload = json.loads(_b64decode(body))
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidToken("malformed token") from error
    expected = {"v": int, "s": str, "c": str, "l": str, "e": int, "m": bool}
    if not isinstance(payload, dict) or set(payload) != set(expected):
        raise InvalidToken("malformed token")
    if any(type(payload[key]) is not kind for key, kind in expected.items()):
        raise InvalidToken("malformed token")
    if payload["v"] != TOKEN_VERSION:
        raise InvalidToken("unknown token version")
    # Read before the signature is checked, so only plain values go on (to the database).
    if not SITE_KEY_PATTERN.fullmatch(payload["s"]) or not _PLAIN.fullmatch(payload["c"]):
        raise InvalidToken("malformed token")
    if not _PLAIN.fullmatch(payload["l"]):
        raise InvalidToken("malformed token")
    return payload


def verify_token(token: str, secret: str, *, now: float | None = None) -> WidgetClaims:
    """The claims of a token signed with `secret`, if it has not expired.

    The signature is compared in constant time, and the conversation must be one of the
    token's own site.

    Raises:
        InvalidToken: malformed, signed with another secret, of another site's namespace, or
            expired.
    """
    payload = _payload(token)
    body, signature = token.split(".")
    if not hmac.compare_digest(_b64decode(signature), _mac(secret, body.encode("ascii"))):
        raise InvalidToken("bad signature")
    claims = WidgetClaims(
        site_key=payload["s"],
        conversation_id=payload["c"],
        language=payload["l"],
        expires=payload["e"],
        identified=payload["m"],
    )
    if not claims.conversation_id.startswith(f"{CHANNEL}:{claims.site_key}:"):
        raise InvalidToken("conversation of another site")
    if claims.expires <= (time.time() if now is None else now):
        raise InvalidToken("expired")
    return claims


def member_hash(user_id: str, secret: str) -> str:
    """The `user_hash` a partner's server computes for a member: hex HMAC-SHA256 of the id."""
    return hmac.new(secret.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def is_member(user_id: str | None, user_hash: str | None, secret: str) -> bool:
    """Whether the pair is valid for the site (compared in constant time; hex in any case)."""
    if not user_id or not user_hash:
        return False
    expected = member_hash(user_id, secret)
    return hmac.compare_digest(user_hash.strip().lower().encode(), expected.encode())


def session_id_or_new(session_id: str | None) -> str:
    """The browser's own widget session id when it is well formed, else a new random one."""
    if session_id is not None and SESSION_ID_PATTERN.fullmatch(session_id):
        return session_id
    return secrets.token_urlsafe(24)


def conversation_id(site_key: str, session_id: str, member_id: str | None = None) -> str:
    """The conversation id of a visitor (its session) or of a signed-in member (its user id).

    A member's id is hashed, so the partner's user ids never appear in conversation ids.
    """
    if member_id is not None:
        digest = hashlib.sha256(member_id.encode("utf-8")).hexdigest()[:32]
        return f"{CHANNEL}:{site_key}:member:{digest}"
    return f"{CHANNEL}:{site_key}:{session_id}"


def new_claims(site_key: str, conversation: str, language: str, identified: bool) -> WidgetClaims:
    """Claims of a new session, expiring after `TOKEN_LIFETIME_SECONDS`."""
    expires = int(time.time()) + TOKEN_LIFETIME_SECONDS
    return WidgetClaims(site_key, conversation, language, expires, identified)
