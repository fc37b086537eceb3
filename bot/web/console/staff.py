"""Staff administration (admins only): the accounts, adding one, disabling one.

Every change is audited, naming the account by its number, never its address.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.storage import crud_staff, session
from bot.storage.errors import NotFoundError
from bot.storage.models_staff import ROLES, StaffAccount
from bot.web.console import audit
from bot.web.console.auth import AdminDep, CsrfDep, Staff, not_found
from bot.web.console.passwords import check_new_password, hash_password
from bot.web.console.templating import render
from bot.web.deps import get_engine

router = APIRouter(prefix="/console/staff", include_in_schema=False)


def _accounts(request: Request) -> list[StaffAccount]:
    with session(get_engine(request)) as db:
        return crud_staff.list_staff(session=db)


def _page(
    request: Request,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "staff.html",
        {"accounts": _accounts(request), "roles": ROLES, "notice": notice, "error": error},
        status_code=status_code,
    )


@router.get("")
def read_staff(request: Request, staff: AdminDep, done: str | None = None) -> Response:
    """The staff accounts and the form to add one."""
    notices = {"created": "staff_created_notice", "disabled": "staff_disabled_notice"}
    return _page(request, notice=notices.get(done or ""))


def _create(
    request: Request, staff: Staff, email: str, role: str, organisation: str, password: str
) -> str | None:
    """Create the account; the reason it was refused, or None."""
    problem = check_new_password(password)
    if problem:
        return problem
    with session(get_engine(request)) as db:
        try:
            account = crud_staff.create_staff(
                session=db,
                email=email,
                password_hash=hash_password(password),
                role=role,
                organisation=organisation if role == "reviewer" else None,
            )
        except ValueError as error:
            return str(error)
        audit.record(db, staff, "staff_create", f"staff:{account.id}", {"role": account.role})
    return None


@router.post("")
async def create_staff(
    request: Request,
    staff: AdminDep,
    _csrf: CsrfDep,
    email: Annotated[str, Form(max_length=254)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
    organisation: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Add a staff account."""
    refused = await run_in_threadpool(_create, request, staff, email, role, organisation, password)
    if refused:
        return _page(request, error=refused, status_code=422)
    return RedirectResponse("/console/staff?done=created", status_code=303)


def _disable(request: Request, staff: Staff, staff_id: int) -> None:
    with session(get_engine(request)) as db:
        account = db.get(StaffAccount, staff_id)
        if account is None:
            raise NotFoundError(f"no staff account {staff_id}")
        crud_staff.disable_staff(session=db, email=account.email)
        audit.record(db, staff, "staff_disable", f"staff:{staff_id}")


@router.post("/{staff_id}/disable")
async def update_staff_disable(
    request: Request, staff_id: int, staff: AdminDep, _csrf: CsrfDep
) -> Response:
    """Disable an account and end its sessions."""
    try:
        await run_in_threadpool(_disable, request, staff, staff_id)
    except NotFoundError:
        raise not_found() from None
    return RedirectResponse("/console/staff?done=disabled", status_code=303)
