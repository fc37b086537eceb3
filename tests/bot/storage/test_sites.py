"""Partner sites: create, find, update, rotate, the origin check, attribution and erasure."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from bot.storage import crud, crud_sites, session
from bot.storage.errors import NotFoundError
from bot.storage.models_sites import (
    SITE_KEY_PATTERN,
    PartnerSitePublic,
    new_site_key,
    normalise_origin,
)


def _create(engine: Engine, **overrides: object) -> str:
    values: dict[str, object] = {
        "name": "Agency",
        "origins": ["https://Partner.example/", "http://localhost:8001"],
    }
    values.update(overrides)
    with session(engine) as db:
        return crud_sites.create_site(session=db, **values).site_key  # type: ignore[arg-type]


def test_create_site_normalises_and_makes_key_and_secret(engine: Engine) -> None:
    key = _create(engine, colour="#A0B1C2", default_language="fi-FI", title="Chat")
    with session(engine) as db:
        site = crud_sites.get_site(session=db, site_key=key)
    assert site is not None
    assert len(key) == 22 and ":" not in key
    assert len(site.secret) == 64 and int(site.secret, 16) >= 0
    assert site.allowed_origins == ["https://partner.example", "http://localhost:8001"]
    assert (site.colour, site.default_language, site.title) == ("#a0b1c2", "fi", "Chat")
    assert site.active
    assert "secret" not in PartnerSitePublic.model_validate(site, from_attributes=True).model_dump()


def test_two_sites_get_different_keys_and_secrets(engine: Engine) -> None:
    first, second = _create(engine), _create(engine)
    with session(engine) as db:
        a = crud_sites.get_site(session=db, site_key=first)
        b = crud_sites.get_site(session=db, site_key=second)
    assert a is not None and b is not None
    assert a.site_key != b.site_key and a.secret != b.secret


@pytest.mark.parametrize(
    "origin",
    [
        "partner.example",
        "ftp://partner.example",
        "https://partner.example/path",
        "https://partner.example?x=1",
        "https://user@partner.example",
        "https://*.partner.example",
        "https://pärtner.example",
        "https://partner.example:99999",
    ],
)
def test_bad_origins_are_refused(origin: str) -> None:
    with pytest.raises(ValueError):
        normalise_origin(origin)


def test_origin_drops_default_port_and_keeps_others() -> None:
    assert normalise_origin("HTTPS://Example.org:443") == "https://example.org"
    assert normalise_origin("http://127.0.0.1:8001/") == "http://127.0.0.1:8001"


def test_bad_colour_and_no_origin_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError):
        _create(engine, colour="red")
    with pytest.raises(ValueError):
        _create(engine, origins=[])


def test_update_site_replaces_adds_and_removes_origins(engine: Engine) -> None:
    key = _create(engine)
    with session(engine) as db:
        site = crud_sites.update_site(
            session=db,
            site_key=key,
            origins=["https://a.example"],
            add_origins=["https://b.example", "https://c.example"],
            remove_origins=["https://c.example"],
            name="Renamed",
            active=False,
        )
    assert site.allowed_origins == ["https://a.example", "https://b.example"]
    assert (site.name, site.active) == ("Renamed", False)
    with session(engine) as db:
        assert crud_sites.get_active_site(session=db, site_key=key) is None
        with pytest.raises(ValueError):
            crud_sites.update_site(
                session=db, site_key=key, remove_origins=["https://a.example", "https://b.example"]
            )
        with pytest.raises(NotFoundError):
            crud_sites.update_site(session=db, site_key="nope", name="x")


def test_rotate_secret_changes_only_the_secret(engine: Engine) -> None:
    key = _create(engine)
    with session(engine) as db:
        before = crud_sites.get_site(session=db, site_key=key)
        assert before is not None
        old = before.secret
    with session(engine) as db:
        after = crud_sites.rotate_secret(session=db, site_key=key)
    assert after.secret != old and after.site_key == key


def test_ensure_site_is_idempotent(engine: Engine) -> None:
    for expected in (True, False):
        with session(engine) as db:
            site, created = crud_sites.ensure_site(
                session=db, site_key="demo-partner", name="Demo", origins=["http://localhost:8001"]
            )
        assert created is expected
    with session(engine) as db:
        assert [s.site_key for s in crud_sites.list_sites(session=db)] == ["demo-partner"]


def test_origin_is_allowed_only_exactly_and_only_for_active_sites(engine: Engine) -> None:
    key = _create(engine, origins=["https://my_site.example"])
    with session(engine) as db:
        assert crud_sites.origin_is_allowed(session=db, origin="https://my_site.example")
        for other in (
            "https://my_site.example.evil",
            "https://myXsite.example",  # "_" is not a wildcard
            "https://my_site.example/",
            "http://my_site.example",
            "null",
            "",
        ):
            assert not crud_sites.origin_is_allowed(session=db, origin=other), other
        crud_sites.update_site(session=db, site_key=key, active=False)
    with session(engine) as db:
        assert not crud_sites.origin_is_allowed(session=db, origin="https://my_site.example")


def test_attribution_is_set_once_and_survives_erasure_of_the_conversation(engine: Engine) -> None:
    key = _create(engine)
    other = _create(engine)
    with session(engine) as db:
        site = crud_sites.get_site(session=db, site_key=key)
        second = crud_sites.get_site(session=db, site_key=other)
        assert site is not None and site.id is not None
        assert second is not None and second.id is not None
        crud.get_or_create_conversation(session=db, sender_id="widget:k:s", channel="widget")
        assert crud_sites.attribute_conversation(
            session=db, sender_id="widget:k:s", site_id=site.id
        )
        assert not crud_sites.attribute_conversation(
            session=db, sender_id="widget:k:s", site_id=second.id
        )
        conversation = crud.get_conversation(session=db, sender_id="widget:k:s")
        assert conversation is not None and conversation.partner_site_id == site.id
    with session(engine) as db:
        assert crud.delete_sender_data(session=db, sender_id="widget:k:s") == 1
    with session(engine) as db:
        assert crud.get_conversation(session=db, sender_id="widget:k:s") is None
        assert crud_sites.get_site(session=db, site_key=key) is not None


def test_deleting_a_site_keeps_its_conversations(engine: Engine) -> None:
    key = _create(engine)
    with session(engine) as db:
        site = crud_sites.get_site(session=db, site_key=key)
        assert site is not None and site.id is not None
        crud.get_or_create_conversation(session=db, sender_id="widget:k:t", channel="widget")
        crud_sites.attribute_conversation(session=db, sender_id="widget:k:t", site_id=site.id)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM partner_site WHERE site_key = :k"), {"k": key})
    with session(engine) as db:
        conversation = crud.get_conversation(session=db, sender_id="widget:k:t")
    assert conversation is not None and conversation.partner_site_id is None


def test_migration_adds_the_table_and_the_indexed_column(engine: Engine) -> None:
    inspector = inspect(engine)
    assert "partner_site" in inspector.get_table_names()
    indexes = {i["name"]: i for i in inspector.get_indexes("conversation")}
    assert indexes["ix_conversation_partner_site_id"]["column_names"] == ["partner_site_id"]
    (foreign_key,) = [
        fk
        for fk in inspector.get_foreign_keys("conversation")
        if fk["referred_table"] == "partner_site"
    ]
    assert foreign_key["options"].get("ondelete") == "SET NULL"


def _count_events(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM event")).scalar_one())


def test_migration_up_and_down_keeps_conversations_and_events(database_url: str) -> None:
    from alembic import command

    from bot.storage.db import make_engine
    from bot.storage.migrate import alembic_config, upgrade_schema

    engine = make_engine(database_url)
    try:
        upgrade_schema(engine, "0005")
        with engine.begin() as connection:  # the models are ahead of 0005: plain SQL
            connection.execute(
                text(
                    "INSERT INTO conversation (sender_id, channel, created_at, updated_at) "
                    "VALUES ('kept', 'rest', :now, :now)"
                ),
                {"now": "2026-01-01 00:00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO event (conversation_id, seq, event_type, timestamp, data) "
                    "SELECT id, 0, 'user', 1.0, '{}' FROM conversation"
                )
            )
        upgrade_schema(engine)
        assert _count_events(engine) == 1
        command.downgrade(alembic_config(engine), "0005")
        assert _count_events(engine) == 1
        assert "partner_site" not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":  # enforcement is back on for the pool
                assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        upgrade_schema(engine)
        assert _count_events(engine) == 1
    finally:
        engine.dispose()


def test_widget_ids_belong_to_the_widget_channel_only() -> None:
    from bot.storage.identity import belongs_to, namespace_of

    conversation = "widget:demo-partner:abcdefghijklmnop"
    assert namespace_of(conversation) == "widget"
    assert belongs_to(conversation, "widget")
    # A stored profile is loaded only into a conversation of the channel that saved it.
    assert not belongs_to(conversation, "rest") and not belongs_to(conversation, "telegram")
    assert not belongs_to("alice", "widget")


def test_a_new_site_key_never_starts_like_a_command_line_option() -> None:
    keys = [new_site_key() for _ in range(3000)]  # about 47 would start with "-" by chance
    assert all(SITE_KEY_PATTERN.fullmatch(key) and key[0].isalnum() for key in keys)
    assert len(set(keys)) == len(keys)
