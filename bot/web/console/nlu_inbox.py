"""The NLU inbox: messages the NLU fell back on, grouped by similar text, for staff to
confirm or relabel (with entities) or reject. Accepted ones are exported as training data
by `s3bot nlu export-annotations`; a decision is audited, without the message's text.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from bot.storage import crud_console, session
from bot.storage.models import Conversation
from bot.storage.models_console import ANNOTATION_STATUSES, ConversationSummary, NluAnnotation
from bot.storage.models_sites import PartnerSite
from bot.web.console import audit
from bot.web.console.auth import ConsoleError, CsrfDep, StaffDep, not_found
from bot.web.console.conversations import transcript_url
from bot.web.console.scope import limited_to
from bot.web.console.templating import render
from bot.web.deps import get_agent, get_engine

router = APIRouter(prefix="/console/nlu", include_in_schema=False)

#: Entity rows on the decision form.
ENTITY_ROWS: Final = 3


def _invalid() -> ConsoleError:
    return ConsoleError(422, "invalid", "error_invalid", "a value was not accepted")


@router.get("", response_class=HTMLResponse)
def read_nlu_inbox(
    request: Request, staff: StaffDep, status: str = "new", page: int = 0
) -> HTMLResponse:
    """The inbox's groups of similar messages, the largest first."""
    if status not in ANNOTATION_STATUSES or not 0 <= page <= 10_000:
        raise _invalid()
    limit = crud_console.PAGE_SIZE
    with session(get_engine(request)) as db:
        groups = crud_console.list_annotation_groups(
            session=db, status=status, scope=limited_to(staff), limit=limit + 1, offset=page * limit
        )
        ids = {i for group in groups for i in group.conversation_ids}
        senders = dict(
            db.exec(
                select(ConversationSummary.conversation_id, ConversationSummary.sender_id).where(
                    col(ConversationSummary.conversation_id).in_(ids)
                )
            ).all()
        )
    domain = get_agent(request).domain
    context = {
        "groups": groups[:limit],
        "status": status,
        "statuses": ANNOTATION_STATUSES,
        "links": {i: transcript_url(s) for i, s in senders.items()},
        "intents": sorted(domain.intents),
        "entity_types": sorted(domain.entities),
        "entity_rows": range(ENTITY_ROWS),
        "next_page": page + 1 if len(groups) > limit else None,
        "previous_page": page - 1 if page > 0 else None,
    }
    return render(request, "nlu.html", context)


def _entities(
    text: str, values: list[str], types: list[str], known: list[str]
) -> list[dict[str, Any]]:
    """Entities from the form's (value, type) rows: each value is found in the text."""
    found = []
    for value, kind in zip(values, types, strict=False):
        value = value.strip()
        if not value and not kind:
            continue
        start = text.find(value) if value else -1
        if start < 0 or kind not in known:
            raise _invalid()
        found.append({"start": start, "end": start + len(value), "value": value, "entity": kind})
    return found


@router.post("/{annotation_id}")
async def decide_annotation(
    annotation_id: int,
    request: Request,
    staff: StaffDep,
    _csrf: CsrfDep,
    decision: Annotated[str, Form()],
    intent: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Accept the group of an inbox entry with an intent (and entities), or reject it."""
    form = await request.form()
    values = [str(v) for v in form.getlist("entity_value")][:ENTITY_ROWS]
    types = [str(v) for v in form.getlist("entity_type")][:ENTITY_ROWS]
    domain = get_agent(request).domain
    if decision not in ("accept", "reject") or (
        decision == "accept" and intent not in domain.intents
    ):
        raise _invalid()
    engine = get_engine(request)

    def decide() -> None:
        with session(engine) as db:
            example = crud_console.get_annotation(session=db, annotation_id=annotation_id)
            if example is None or not _visible(db, example, limited_to(staff)):
                raise not_found()
            accepted = decision == "accept"
            entities = _entities(example.text, values, types, domain.entities) if accepted else []
            predicted = example.predicted_intent
            decided = crud_console.decide_annotation_group(
                session=db,
                example=example,
                status="accepted" if accepted else "rejected",
                intent=intent if accepted else None,
                entities=entities,
                staff_id=staff.id,
                scope=limited_to(staff),
            )
            details = {
                "status": "accepted" if accepted else "rejected",
                "intent": intent if accepted else None,
                "predicted": predicted,
                "entries": decided,
                "entities": [e["entity"] for e in entities],
            }
            audit.record(db, staff, "nlu.relabel", f"nlu_annotation:{annotation_id}", details)

    await run_in_threadpool(decide)
    return RedirectResponse("/console/nlu", status_code=303)


def _visible(db: Session, annotation: NluAnnotation, scope: str | None) -> bool:
    """Whether a staff member limited to `scope` may see this entry's conversation."""
    if scope is None:
        return True
    statement = (
        select(Conversation.id)
        .join(PartnerSite, col(PartnerSite.id) == Conversation.partner_site_id)
        .where(Conversation.id == annotation.conversation_id, PartnerSite.organisation == scope)
    )
    return db.exec(statement).first() is not None
