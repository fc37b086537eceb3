"""The audit log page (admins only): staff actions, newest first, a page at a time.

Paged by id ("older than this record") rather than by offset, so a page costs the same at
any depth of the log.
"""

from __future__ import annotations

import json
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bot.storage import crud_staff, session
from bot.web.console.auth import AdminDep
from bot.web.console.templating import render
from bot.web.deps import get_engine

router = APIRouter(prefix="/console/audit", include_in_schema=False)

PAGE_SIZE: Final = 50


@router.get("")
def read_audit(
    request: Request,
    staff: AdminDep,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """A page of the audit log."""
    with session(get_engine(request)) as db:
        rows = crud_staff.list_audit_records(session=db, limit=PAGE_SIZE + 1, before_id=before)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    entries = [
        {
            "at": record.at,
            "who": email,
            "action": record.action,
            "target": record.target,
            "details": json.dumps(record.details, sort_keys=True) if record.details else "",
        }
        for record, email in rows
    ]
    older = rows[-1][0].id if more and rows else None
    return render(
        request, "audit.html", {"entries": entries, "older": older, "first": before is None}
    )
