"""Introduction requests: the list (by status), and one request with its partner, the SME's
contact (only when the SME consented to share it), notes and status changes.

Scoped like conversations: a reviewer limited to an organisation sees only the requests
whose conversation came through that organisation's sites; any other id answers 404.
Opening a request (it shows a contact) and changing it are audited by its number.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.storage import crud_introductions as intros
from bot.storage import session
from bot.storage.errors import NotFoundError
from bot.web.console import audit
from bot.web.console.auth import CsrfDep, Staff, StaffDep, not_found
from bot.web.console.masking import mask_personal
from bot.web.console.scope import limited_to
from bot.web.console.templating import render
from bot.web.deps import get_engine

router = APIRouter(prefix="/console/introductions", include_in_schema=False)

PAGE_SIZE: Final = 50


@router.get("")
def read_introductions(
    request: Request,
    staff: StaffDep,
    status: Annotated[str | None, Query(max_length=16)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The introduction requests, newest first, optionally of one status."""
    chosen = status if status in intros.STATUSES else None
    with session(get_engine(request)) as db:
        rows = intros.list_introductions(
            session=db,
            organisation=limited_to(staff),
            status=chosen,
            limit=PAGE_SIZE + 1,
            before_id=before,
        )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    items = [
        {
            "id": row.request.id,
            "created_at": row.request.created_at,
            "status": row.request.status,
            "partner": row.partner_name,
            "company": mask_personal(str((row.request.shared or {}).get("company_name") or "")),
            "sender_id": row.request.sender_id,
        }
        for row in rows
    ]
    older = rows[-1].request.id if more and rows else None
    context = {"items": items, "statuses": intros.STATUSES, "chosen": chosen, "older": older}
    return render(request, "introductions.html", context)


def _detail(request: Request, staff: Staff, introduction_id: int) -> dict[str, Any]:
    with session(get_engine(request)) as db:
        found = intros.get_introduction(
            session=db, introduction_id=introduction_id, organisation=limited_to(staff)
        )
        if found is None:
            raise not_found()
        introduction, organisation = found
        history = intros.introduction_history(session=db, introduction_id=introduction_id)
        audit.record(db, staff, "introduction_view", f"introduction:{introduction_id}")
    return {
        "introduction": introduction,
        "organisation": organisation,
        "history": history,
        "shared": (introduction.shared or {}) if introduction.consent else {},
        "next_statuses": intros.next_statuses(introduction.status),
    }


@router.get("/{introduction_id}")
async def read_introduction(
    request: Request, introduction_id: int, staff: StaffDep, error: bool = False
) -> Response:
    """One introduction request with its partner, contact (if consented) and history."""
    context = await run_in_threadpool(_detail, request, staff, introduction_id)
    return render(request, "introduction.html", {**context, "error": error})


def _update(
    request: Request, staff: Staff, introduction_id: int, status: str | None, note: str
) -> bool:
    """Apply the change; False when the status change is not allowed."""
    with session(get_engine(request)) as db:
        found = intros.get_introduction(
            session=db, introduction_id=introduction_id, organisation=limited_to(staff)
        )
        if found is None:
            raise not_found()
        before = found[0].status
        try:
            entry = intros.update_introduction(
                session=db,
                introduction_id=introduction_id,
                staff_id=staff.id,
                status=status,
                note=note,
            )
        except (ValueError, NotFoundError):
            return False
        if entry is not None:
            details = {"from": before, "to": entry.to_status, "note": entry.text is not None}
            audit.record(
                db, staff, "introduction_update", f"introduction:{introduction_id}", details
            )
    return True


@router.post("/{introduction_id}")
async def update_introduction(
    request: Request,
    introduction_id: int,
    staff: StaffDep,
    _csrf: CsrfDep,
    status: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Change a request's status and/or add a note."""
    done = await run_in_threadpool(_update, request, staff, introduction_id, status or None, note)
    suffix = "" if done else "?error=true"
    return RedirectResponse(f"/console/introductions/{introduction_id}{suffix}", status_code=303)
