"""The console's conversation list: filters, search, keyset paging, and the list as CSV.

Previews are masked (`mask_personal`): a list shows many people at a glance; the full text
is in the transcript, opened and audited one conversation at a time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from bot.storage import crud_console, session
from bot.storage.crud_console import OUTCOMES, REVIEW_STATES, ConversationFilter, Page
from bot.storage.models_console import VERDICTS
from bot.web.console import audit
from bot.web.console.auth import ConsoleError, StaffDep
from bot.web.console.exports_formats import csv_text
from bot.web.console.masking import mask_personal
from bot.web.console.scope import limited_to
from bot.web.console.templating import render
from bot.web.deps import get_engine

router = APIRouter(prefix="/console", include_in_schema=False)

#: The CSV export stops after this many rows (narrow the filters for the rest).
MAX_CSV_ROWS: Final = 10_000
MAX_QUERY_CHARS: Final = 200
_TEXT_FILTERS: Final = ("channel", "language", "verdict", "review", "tag", "organisation")


def _invalid() -> ConsoleError:
    return ConsoleError(400, "invalid", "error_invalid", "a filter value was not accepted")


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _invalid() from None


def _start_of(day: date | None, plus_days: int = 0) -> datetime | None:
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=plus_days)


def parse_filters(params: QueryParams) -> ConversationFilter:
    """The list's filters from its query string; 400 for a value that cannot be one."""
    text = {
        name: (params.get(name) or "").strip()[:MAX_QUERY_CHARS] or None for name in _TEXT_FILTERS
    }
    if text["verdict"] is not None and text["verdict"] not in VERDICTS:
        raise _invalid()
    if text["review"] is not None and text["review"] not in REVIEW_STATES:
        raise _invalid()
    outcomes = tuple(name for name in params.getlist("outcome") if name)
    if any(name not in OUTCOMES for name in outcomes):
        raise _invalid()
    site = params.get("site") or None
    if site is not None and not site.isdigit():
        raise _invalid()
    return ConversationFilter(
        channel=text["channel"],
        partner_site_id=int(site) if site else None,
        organisation=text["organisation"],
        language=text["language"],
        since=_start_of(_day(params.get("since"))),
        until=_start_of(_day(params.get("until")), plus_days=1),
        outcomes=outcomes,
        verdict=text["verdict"],
        review=text["review"],
        tag=text["tag"],
        q=(params.get("q") or "").strip()[:MAX_QUERY_CHARS] or None,
    )


def parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    """A page cursor `<microseconds since the epoch>-<conversation id>`; 400 if malformed."""
    if not value:
        return None
    stamp, _, conversation_id = value.partition("-")
    if not (stamp.isdigit() and conversation_id.isdigit()) or len(value) > 40:
        raise _invalid()
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(stamp))
    return moment, int(conversation_id)


def format_cursor(cursor: tuple[datetime, int]) -> str:
    """The cursor's text in a page's address."""
    moment, conversation_id = cursor
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}-{conversation_id}"


def transcript_url(sender_id: str) -> str:
    """The address of a conversation's transcript."""
    return "/console/conversations/" + quote(sender_id, safe="")


def _rows(page: Page) -> list[dict[str, Any]]:
    rows = []
    for row in page.rows:
        summary = row.summary
        rows.append(
            {
                "id": summary.conversation_id,
                "url": transcript_url(summary.sender_id),
                "sender": mask_personal(summary.sender_id),
                "channel": summary.channel,
                "site": row.site_name,
                "language": summary.language,
                "first_at": summary.first_at,
                "last_at": summary.last_at,
                "messages": summary.user_messages,
                "preview": mask_personal(summary.preview or ""),
                "outcomes": [name for name in OUTCOMES if getattr(summary, name)],
                "verdict": summary.verdict,
                "reviewed": row.reviewed,
                "flagged": row.flagged,
            }
        )
    return rows


@router.get("/conversations", response_class=HTMLResponse)
def read_conversations(request: Request, staff: StaffDep) -> HTMLResponse:
    """The filtered list of conversations, newest first, 50 a page."""
    filters = parse_filters(request.query_params)
    after = parse_cursor(request.query_params.get("after"))
    scope = limited_to(staff)
    with session(get_engine(request)) as db:
        page = crud_console.list_conversations(
            session=db, filters=filters, scope=scope, after=after
        )
        choices = crud_console.filter_choices(session=db, scope=scope)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "after" and v]
    next_url = None
    if page.next_cursor is not None:
        next_url = "?" + urlencode([*kept, ("after", format_cursor(page.next_cursor))])
    context = {
        "rows": _rows(page),
        "filters": filters,
        "choices": choices,
        "outcome_names": OUTCOMES,
        "verdicts": VERDICTS,
        "review_states": REVIEW_STATES,
        "params": request.query_params,
        "next_url": next_url,
        "first_url": "?" + urlencode(kept) if after is not None else None,
        "csv_url": "/console/conversations.csv" + ("?" + urlencode(kept) if kept else ""),
    }
    return render(request, "conversations.html", context)


CSV_HEADER: Final = (
    "conversation_id",
    "sender_id",
    "channel",
    "partner_site",
    "language",
    "first_message_at",
    "last_message_at",
    "user_messages",
    *OUTCOMES,
    "verdict",
    "reviewed",
    "flagged",
    "first_message",
)


@router.get("/conversations.csv")
def export_conversations_csv(request: Request, staff: StaffDep) -> Response:
    """The filtered list as CSV (at most 10,000 rows), audited."""
    filters = parse_filters(request.query_params)
    rows: list[list[Any]] = []
    with session(get_engine(request)) as db:
        after = None
        while len(rows) < MAX_CSV_ROWS:
            page = crud_console.list_conversations(
                session=db, filters=filters, scope=limited_to(staff), after=after, limit=500
            )
            rows += [_csv_row(row) for row in page.rows]
            if page.next_cursor is None:
                break
            after = page.next_cursor
        rows = rows[:MAX_CSV_ROWS]
        used = sorted(k for k, v in request.query_params.items() if v and k != "q")
        details = {"format": "csv", "rows": len(rows), "filters": used, "searched": bool(filters.q)}
        audit.record(db, staff, "conversations.export", None, details)
    headers = {"Content-Disposition": 'attachment; filename="conversations.csv"'}
    return Response(csv_text(CSV_HEADER, rows), media_type="text/csv", headers=headers)


def _csv_row(row: crud_console.ListedConversation) -> list[Any]:
    summary = row.summary
    return [
        summary.conversation_id,
        summary.sender_id,
        summary.channel,
        row.site_name,
        summary.language,
        summary.first_at.isoformat(),
        summary.last_at.isoformat(),
        summary.user_messages,
        *(getattr(summary, name) for name in OUTCOMES),
        summary.verdict,
        row.reviewed,
        row.flagged,
        mask_personal(summary.preview or ""),
    ]
