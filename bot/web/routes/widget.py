"""The web chat widget's API (``/widget/v1/``), its script (``/widget.js``) and the privacy page.

The widget talks to the same `Agent.handle` as every channel, as the conversation
``widget:<site key>:<session id>`` (or ``widget:<site key>:member:<hash>`` for a member the
partner signed). Every call is checked against the site: its Origin (`bot.web.widget_cors`
refuses origins no site allows; here, those of other sites), its signed token
(`bot.web.widget_tokens`) and its rate limits (`bot.web.widget_state`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, UserMessage
from bot.storage import crud_sites, session
from bot.storage.models_sites import PartnerSite, normalise_language
from bot.web.deps import AgentDep, SettingsDep
from bot.web.errors import ApiError
from bot.web.schemas import error_responses
from bot.web.turns import answer
from bot.web.widget_cors import ORIGIN_REFUSED_MESSAGE
from bot.web.widget_messages import (
    early_words,
    history,
    interface_words,
    replies_to,
    reply_message,
)
from bot.web.widget_privacy import PAGE_CSP, privacy_page
from bot.web.widget_schemas import (
    HistoryOut,
    MessageIn,
    MessagesOut,
    SessionIn,
    SessionOut,
    SiteOut,
)
from bot.web.widget_state import WidgetState, get_widget_state
from bot.web.widget_stream import latest_seq, stream_messages
from bot.web.widget_tokens import (
    CHANNEL,
    MAX_TOKEN_CHARS,
    InvalidToken,
    WidgetClaims,
    conversation_id,
    is_member,
    new_claims,
    session_id_or_new,
    sign_token,
    site_key_of,
    verify_token,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/widget/v1", tags=["widget"])
assets = APIRouter(tags=["widget"])

WIDGET_SCRIPT = Path(__file__).resolve().parent.parent / "static" / "widget.js"
SCRIPT_MAX_AGE_SECONDS = 300
_bearer = HTTPBearer(auto_error=False, description="The token of POST /widget/v1/sessions.")
StateDep = Annotated[WidgetState, Depends(get_widget_state)]


def _refused() -> ApiError:
    return ApiError(403, "origin_not_allowed", ORIGIN_REFUSED_MESSAGE)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "invalid_token", message, headers={"WWW-Authenticate": "Bearer"})


def _read_site(engine: Engine, site_key: str) -> PartnerSite | None:
    with session(engine) as db:
        return crud_sites.get_active_site(session=db, site_key=site_key)


async def _site_for(request: Request, engine: Engine, site_key: str) -> PartnerSite | None:
    """The active site, if the request's Origin is one of its own; None for an unknown key."""
    site = await run_in_threadpool(_read_site, engine, site_key)
    origin = (request.headers.get("origin") or "").strip().lower()
    if site is None or origin not in site.allowed_origins:
        return None
    return site


class WidgetCall:
    """An authenticated widget call: its site and the claims of its token."""

    def __init__(self, site: PartnerSite, claims: WidgetClaims) -> None:
        self.site = site
        self.claims = claims


async def _authenticate(request: Request, engine: Engine, token: str | None) -> WidgetCall:
    if not token:
        raise _unauthorized("missing widget token: start a session first")
    try:
        site_key = site_key_of(token)
    except InvalidToken as error:
        raise _unauthorized("invalid widget token") from error
    site = await run_in_threadpool(_read_site, engine, site_key)
    if site is None:
        raise _unauthorized("invalid widget token")
    origin = (request.headers.get("origin") or "").strip().lower()
    if origin not in site.allowed_origins:
        raise _refused()
    try:
        claims = verify_token(token, site.secret)
    except InvalidToken as error:
        raise _unauthorized(f"invalid widget token ({error}): start a new session") from error
    return WidgetCall(site, claims)


async def bearer_call(
    request: Request,
    agent: AgentDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> WidgetCall:
    """The call's site and session, from its `Authorization: Bearer` token."""
    token = credentials.credentials if credentials is not None else None
    return await _authenticate(request, agent.engine, token)


async def query_call(
    request: Request,
    agent: AgentDep,
    token: Annotated[
        str | None,
        Query(
            max_length=MAX_TOKEN_CHARS,
            description="The session token (EventSource sends no headers).",
        ),
    ] = None,
) -> WidgetCall:
    """The call's site and session, from its `?token=` (the event stream's only way)."""
    return await _authenticate(request, agent.engine, token)


BearerCall = Annotated[WidgetCall, Depends(bearer_call)]
QueryCall = Annotated[WidgetCall, Depends(query_call)]


def _language(requested: str | None, site: PartnerSite, agent: Agent, default: str) -> str:
    """The session's language: the page's, else the site's, else the default, among those the
    assistant speaks."""
    for candidate in (requested, site.default_language, default):
        try:
            code = normalise_language(candidate or "")
        except ValueError:
            continue
        if code in agent.languages:
            return code
    return default


def _history(engine: Engine, conversation: str) -> list[dict[str, Any]]:
    with session(engine) as db:
        _, events = crud_sites.read_messages(session=db, sender_id=conversation)
    return history(events)


@router.post(
    "/sessions",
    response_model=SessionOut,
    responses=error_responses(403, 413, 415, 422, 429),
)
async def create_session(
    body: SessionIn,
    request: Request,
    agent: AgentDep,
    settings: SettingsDep,
    state: StateDep,
) -> dict[str, Any]:
    """Open a widget session: its token, the site's branding and words, and the history."""
    site = await _site_for(request, agent.engine, body.site_key)
    if site is None:
        raise _refused()
    language = _language(body.language, site, agent, settings.DEFAULT_LANGUAGE)
    session_id = session_id_or_new(body.session_id)
    member = is_member(body.user_id, body.user_hash, site.secret)
    conversation = conversation_id(site.site_key, session_id, body.user_id if member else None)
    state.limits.check(site.site_key, conversation)
    token = sign_token(new_claims(site.site_key, conversation, language, member), site.secret)
    base = str(request.base_url).rstrip("/")
    return {
        "session_id": session_id,
        "token": token,
        "language": language,
        "identified": member,
        "site": SiteOut(
            name=site.name,
            title=site.title,
            greeting=site.greeting,
            colour=site.colour,
            privacy_url=f"{base}/privacy?lang={language}",
        ),
        "strings": interface_words(settings.DATA_DIR, language, site.name),
        "history": await run_in_threadpool(_history, agent.engine, conversation),
    }


def _answer(
    engine: Engine,
    state: WidgetState,
    call: WidgetCall,
    message_id: str,
    replies: list[BotMessage],
) -> list[dict[str, Any]]:
    """The replies as they are in the log (with their seq); the site recorded on the
    conversation on its first message."""
    conversation = call.claims.conversation_id
    with session(engine) as db:
        if not state.was_attributed(conversation) and call.site.id is not None:
            crud_sites.attribute_conversation(
                session=db, sender_id=conversation, site_id=call.site.id
            )
            state.remember_attributed(conversation)
        _, recent = crud_sites.read_messages(session=db, sender_id=conversation)
        found = replies_to(recent, message_id)
        if found is None:
            _, everything = crud_sites.read_messages(
                session=db, sender_id=conversation, after_seq=-1
            )
            found = replies_to(everything, message_id)
    if found is not None:
        return found
    # Not in the log: the conversation was erased in answer (the receipt is all there is).
    state.attributed.pop(conversation, None)
    now = time.time()
    return [reply_message(reply, now, index) for index, reply in enumerate(replies)]


@router.post(
    "/messages",
    response_model=MessagesOut,
    responses=error_responses(401, 403, 413, 415, 422, 429, 503),
)
async def create_message(
    body: MessageIn, call: BearerCall, agent: AgentDep, state: StateDep
) -> dict[str, Any]:
    """Send the visitor's text or button payload; return the assistant's replies to it."""
    conversation = call.claims.conversation_id
    state.limits.check(call.site.site_key, conversation)
    message = UserMessage(
        sender_id=conversation,
        text=body.text,
        channel=CHANNEL,
        message_id=body.client_message_id,
        metadata={"language": call.claims.language, "site": call.site.site_key},
    )
    replies = await answer(agent, message)
    messages = await run_in_threadpool(
        _answer, agent.engine, state, call, body.client_message_id, replies
    )
    return {"messages": messages}


@router.get("/history", response_model=HistoryOut, responses=error_responses(401, 403, 429))
async def read_history(call: BearerCall, agent: AgentDep, state: StateDep) -> dict[str, Any]:
    """The conversation's messages since its last restart."""
    state.limits.check(call.site.site_key, call.claims.conversation_id)
    messages = await run_in_threadpool(_history, agent.engine, call.claims.conversation_id)
    return {"messages": messages}


class EventStreamResponse(StreamingResponse):
    """A Server-Sent Events stream, never cached or buffered on the way."""

    media_type = "text/event-stream"


@router.get(
    "/events",
    response_class=EventStreamResponse,
    responses={
        200: {
            "description": "Server-Sent Events: `event: message`, the id is the message's seq.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **error_responses(401, 403, 429),
    },
)
async def read_events(
    call: QueryCall,
    agent: AgentDep,
    state: StateDep,
    last_event_id: Annotated[
        str | None, Header(max_length=32, description="The last seq received.")
    ] = None,
) -> EventStreamResponse:
    """Stream the messages added to the conversation later (a person's reply, a reminder)."""
    conversation = call.claims.conversation_id
    state.limits.check(call.site.site_key, conversation)
    after = _seq_or_none(last_event_id)
    if after is None:
        after = await run_in_threadpool(latest_seq, agent.engine, conversation)
    events = stream_messages(
        engine=agent.engine,
        streams=state.streams,
        sender_id=conversation,
        after=after,
        stopping=lambda: agent.draining,
    )
    headers = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}
    return EventStreamResponse(events, headers=headers)


def _seq_or_none(value: str | None) -> int | None:
    try:
        return max(-1, int(value)) if value is not None else None
    except ValueError:
        return None


class _Script:
    """widget.js with its ETag, read again when the file changes, and with the words it shows
    before a session exists (or when the page is refused one) filled in from data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, str] | None = None
        self.body = b""
        self.etag = ""

    def load(self, data_dir: Path) -> None:
        stat = self.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, str(data_dir))
        if stamp != self._stamp:
            words = json.dumps(early_words(data_dir), ensure_ascii=False, sort_keys=True)
            script = self.path.read_text(encoding="utf-8")
            filled = EARLY_WORDS_SLOT.sub(
                lambda _: f"/*early-words*/ {words} /*end*/", script, count=1
            )
            self.body = filled.encode("utf-8")
            self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
            self._stamp = stamp


_script = _Script(WIDGET_SCRIPT)
#: Where widget.js holds its early words (an object literal between two markers).
EARLY_WORDS_SLOT = re.compile(r"/\*early-words\*/.*?/\*end\*/", re.DOTALL)


@assets.get(
    "/widget.js",
    response_class=Response,
    responses={
        200: {
            "description": "The widget's script, for partners' pages.",
            "content": {"application/javascript": {"schema": {"type": "string"}}},
        },
        304: {"description": "Not modified (If-None-Match)."},
        404: {"description": "The script is not installed."},
    },
)
async def read_widget_script(
    settings: SettingsDep,
    if_none_match: Annotated[str | None, Header(max_length=256)] = None,
) -> Response:
    """Serve the widget's script, loadable by pages of any origin."""
    try:
        await run_in_threadpool(_script.load, settings.DATA_DIR)
    except OSError as error:
        raise ApiError(404, "not_found", "widget.js is not installed") from error
    headers = {
        "ETag": _script.etag,
        "Cache-Control": f"public, max-age={SCRIPT_MAX_AGE_SECONDS}",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if if_none_match and _script.etag in (tag.strip() for tag in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(
        _script.body, media_type="application/javascript; charset=utf-8", headers=headers
    )


@assets.get("/privacy", response_class=HTMLResponse)
async def read_privacy(
    settings: SettingsDep,
    lang: Annotated[str | None, Query(max_length=35, description="A language code.")] = None,
) -> HTMLResponse:
    """Show the privacy notice as a page, in the language asked for (English otherwise)."""
    page = privacy_page(settings.DATA_DIR, lang)
    return HTMLResponse(page, headers={"Content-Security-Policy": PAGE_CSP})
