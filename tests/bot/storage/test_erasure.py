"""Erasure of a sender's data: every table that can hold it, and the receipt for a redelivery."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from bot.storage import crud, crud_handoff, session
from bot.storage.crud_partners import (
    create_introduction_request,
    get_organisation_by_ref,
    upsert_organisations,
)
from bot.storage.models_partners import OrganisationCreate

#: Tables that hold rows about a sender, all erased by `crud.delete_sender_data`.
SENDER_TABLES = {
    "conversation",
    "event",
    "inbox_entry",
    "company_profile",
    "introduction_request",
    "organisation",  # a listing the sender asked for
    "organisation_s3_field",
    "organisation_partnership_type",
    "organisation_keyword",
    "conversation_summary",  # the staff console's row of the conversation
    "conversation_text",  # its messages' search text
    "handoff_request",  # a request for a person, with a contact left in it
}
#: The console's rows of a conversation that name no sender, and the search index's own
#: tables on SQLite; all erased with the conversation.
CONSOLE_TABLES = (
    {"conversation_review", "conversation_tag", "nlu_annotation"}
    | {
        "introduction_note",  # a request's notes, deleted with the request
    }
    | {f"conversation_text_fts{part}" for part in ("", "_data", "_idx", "_docsize", "_config")}
)
#: Rows of a listing that hold only its organisation id and codes, never the sender's id.
LINK_TABLES = {"organisation_s3_field", "organisation_partnership_type"}
#: SQLite's full-text index reads its rows from `conversation_text`: no rows of its own.
MIRROR_TABLES = {"conversation_text_fts"}
#: Tables that never hold anything about a sender.
OTHER_TABLES = {"alembic_version", "partner_site"}  # a site outlives its conversations
#: The console's staff tables: accounts, their sessions and sign-in failures, and the audit
#: log, whose targets are opaque (never a sender id).
STAFF_TABLES = {"staff_account", "staff_session", "login_failure", "audit_record"}
OTHER_TABLES |= STAFF_TABLES


def _organisation(ref: str, listed_by: str | None) -> OrganisationCreate:
    return OrganisationCreate.model_validate(
        {
            "ref": ref,
            "name": f"{ref} Oy",
            "org_type": "sme",
            "country": "FI",
            "profile_type": "TO",
            "title": f"{ref} sensors",
            "description": f"Sensors made by {ref}.",
            "is_demo": listed_by is None,
            "listed_by_sender_id": listed_by,
            "s3_fields": ["digital"],
            "partnership_types": ["commercial_agreement"],
            "search_terms": [f"{ref.lower()}term"],
        }
    )


def _store_everything(engine: Engine, sender: str) -> None:
    """A row in every table that can hold data about `sender`, marked with its id."""
    with session(engine) as db:
        conversation = crud.get_or_create_conversation(session=db, sender_id=sender, channel="rest")
        assert conversation.id is not None
        crud.append_events(
            session=db,
            conversation_id=conversation.id,
            events=[{"event": "user", "text": f"we are {sender} company", "timestamp": 1.0}],
            first_seq=0,
        )
        crud.claim_inbox(
            session=db,
            channel="rest",
            message_id=f"{sender}-m1",
            sender_id=sender,
            conversation_id=conversation.id,
        )
        crud.save_profile(session=db, sender_id=sender, data={"company_name": f"{sender} company"})
        upsert_organisations(
            session=db,
            organisations=[
                _organisation(f"demo-{len(sender)}", None),
                _organisation(f"own-{sender}", sender),
            ],
        )
    with session(engine) as db:
        demo = get_organisation_by_ref(session=db, ref=f"demo-{len(sender)}")
        assert demo is not None and demo.id is not None
        create_introduction_request(session=db, sender_id=sender, organisation_id=demo.id)
        conversation = crud.get_conversation(session=db, sender_id=sender)
        assert conversation is not None and conversation.id is not None
        request = crud_handoff.create_request(
            session=db,
            conversation_id=conversation.id,
            sender_id=sender,
            channel="rest",
            partner_site_id=None,
            language="en",
            summary={"company_name": f"{sender} company"},
            outside_hours=True,
        )
        request.contact = f"{sender}@example.org"


def _rows_naming(engine: Engine, marker: str) -> dict[str, int]:
    """How many rows of each table contain `marker` anywhere."""
    with engine.connect() as connection:
        found = {}
        for table in set(inspect(connection).get_table_names()) - MIRROR_TABLES:
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            found[table] = sum(marker in repr(row) for row in rows)
        return found


def test_every_table_is_known_to_the_erasure(engine: Engine) -> None:
    """A new table must be added to SENDER_TABLES (and to the erasure) or to OTHER_TABLES."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names()) - CONSOLE_TABLES
        assert tables == SENDER_TABLES | OTHER_TABLES


def test_delete_sender_data_leaves_no_row_naming_the_sender(engine: Engine) -> None:
    _store_everything(engine, "zed-gone")
    _store_everything(engine, "amy-kept")
    named = _rows_naming(engine, "zed-gone")
    assert {table for table, count in named.items() if count} == SENDER_TABLES - LINK_TABLES
    kept = _rows_naming(engine, "amy-kept")

    with session(engine) as db:
        deleted = crud.delete_sender_data(session=db, sender_id="zed-gone")

    views = named["conversation_summary"] + named["conversation_text"]  # the log's views
    assert deleted == sum(named.values()) - named["organisation_keyword"] - views  # not counted
    assert not any(_rows_naming(engine, "zed-gone").values())
    assert _rows_naming(engine, "amy-kept") == kept
    with engine.connect() as connection:
        for table in LINK_TABLES | {"organisation_keyword", "introduction_request"}:
            orphans = connection.execute(
                text(
                    f'SELECT count(*) FROM "{table}" WHERE organisation_id NOT IN '
                    "(SELECT id FROM organisation)"
                )
            ).scalar()
            assert orphans == 0, table
    with session(engine) as db:
        assert set(crud.count_sender_data(session=db, sender_id="zed-gone").values()) == {0}
        assert crud.delete_sender_data(session=db, sender_id="zed-gone") == 0


def test_count_sender_data_counts_each_kind(engine: Engine) -> None:
    _store_everything(engine, "counted")
    with session(engine) as db:
        counts = crud.count_sender_data(session=db, sender_id="counted")
    assert counts == {
        "conversation": 1,
        "events": 1,
        "inbox": 1,
        "profile": 1,
        "introductions": 1,
        "listings": 1,
    }


def test_erasure_in_answer_keeps_only_the_receipt(engine: Engine) -> None:
    _store_everything(engine, "asker")
    receipt = [{"recipient_id": "asker", "text": "Done."}]
    with session(engine) as db:
        crud.delete_sender_data_answering(
            session=db, sender_id="asker", channel="rest", message_id="asker-m2", reply=receipt
        )
    with session(engine) as db:
        counts = crud.count_sender_data(session=db, sender_id="asker")
        entry = crud.get_inbox_entry(session=db, channel="rest", message_id="asker-m2")
        assert crud.get_inbox_entry(session=db, channel="rest", message_id="asker-m1") is None
    assert counts == {
        "conversation": 1,
        "events": 0,
        "inbox": 1,
        "profile": 0,
        "introductions": 0,
        "listings": 0,
    }
    assert entry is not None and entry.reply == receipt and entry.sender_id == "asker"
    named = _rows_naming(engine, "asker company")
    assert named == dict.fromkeys(SENDER_TABLES | OTHER_TABLES | (CONSOLE_TABLES & set(named)), 0)


def test_erasure_in_answer_never_answers_another_senders_message(engine: Engine) -> None:
    _store_everything(engine, "owner")
    _store_everything(engine, "asker")
    with session(engine) as db:
        crud.delete_sender_data_answering(
            session=db, sender_id="asker", channel="rest", message_id="owner-m1", reply=[]
        )
    with session(engine) as db:
        entry = crud.get_inbox_entry(session=db, channel="rest", message_id="owner-m1")
        assert entry is not None and entry.sender_id == "owner" and entry.reply is None
        assert crud.count_sender_data(session=db, sender_id="asker")["inbox"] == 0
