"""`s3bot sites ...` and the demo site of `s3bot seed`, run as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy.engine import Engine

from bot.storage import crud_sites, session

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


def _s3bot(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _create(database_url: str, *extra: str) -> dict[str, str]:
    result = _s3bot(
        database_url,
        "sites",
        "create",
        "--name",
        "Agency",
        "--origin",
        "https://Agency.example",
        "--origin",
        "http://localhost:8001",
        "--json",
        *extra,
    )
    assert result.returncode == 0, result.stderr
    created: dict[str, str] = json.loads(result.stdout)
    return created


def test_create_json_prints_exactly_key_and_secret(engine: Engine, database_url: str) -> None:
    created = _create(database_url, "--language", "fi", "--colour", "#AABBCC")
    assert set(created) == {"site_key", "secret"}
    with session(engine) as db:
        site = crud_sites.get_site(session=db, site_key=created["site_key"])
    assert site is not None and site.secret == created["secret"]
    assert site.allowed_origins == ["https://agency.example", "http://localhost:8001"]
    assert (site.default_language, site.colour) == ("fi", "#aabbcc")


def test_create_without_json_shows_key_and_secret(database_url: str) -> None:
    result = _s3bot(database_url, "sites", "create", "--name", "A", "--origin", "https://a.example")
    assert result.returncode == 0, result.stderr
    assert "site key: " in result.stdout and "secret: " in result.stdout


def test_bad_origin_or_colour_is_a_clear_error_with_exit_code_2(
    engine: Engine, database_url: str
) -> None:
    bad_origin = _s3bot(
        database_url, "sites", "create", "--name", "A", "--origin", "https://a.example/path"
    )
    assert bad_origin.returncode == 2
    assert "no path" in bad_origin.stderr
    bad_colour = _s3bot(
        database_url, "sites", "create", "--name", "A", "--origin", "https://a.example",
        "--colour", "blue",
    )  # fmt: skip
    assert bad_colour.returncode == 2 and "#rrggbb" in bad_colour.stderr
    with session(engine) as db:
        assert list(crud_sites.list_sites(session=db)) == []


def test_list_never_prints_secrets(database_url: str) -> None:
    created = _create(database_url)
    result = _s3bot(database_url, "sites", "list")
    assert result.returncode == 0, result.stderr
    assert created["site_key"] in result.stdout and "agency.example" in result.stdout
    assert created["secret"] not in result.stdout + result.stderr


def test_update_changes_origins_and_state(engine: Engine, database_url: str) -> None:
    key = _create(database_url)["site_key"]
    result = _s3bot(
        database_url, "sites", "update", key,
        "--add-origin", "https://new.example", "--remove-origin", "http://localhost:8001",
        "--title", "Ask us", "--inactive",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with session(engine) as db:
        site = crud_sites.get_site(session=db, site_key=key)
    assert site is not None
    assert site.allowed_origins == ["https://agency.example", "https://new.example"]
    assert (site.title, site.active) == ("Ask us", False)
    replaced = _s3bot(database_url, "sites", "update", key, "--origin", "https://only.example")
    assert replaced.returncode == 0, replaced.stderr
    assert "https://only.example" in replaced.stdout and "agency" not in replaced.stdout
    assert _s3bot(database_url, "sites", "update", key, "--origin", "nope").returncode == 2
    assert _s3bot(database_url, "sites", "update", "no-such-key", "--name", "x").returncode == 1


def test_rotate_secret_prints_a_new_one(engine: Engine, database_url: str) -> None:
    created = _create(database_url)
    result = _s3bot(database_url, "sites", "rotate-secret", created["site_key"], "--json")
    assert result.returncode == 0, result.stderr
    rotated = json.loads(result.stdout)
    assert rotated["site_key"] == created["site_key"]
    assert rotated["secret"] != created["secret"] and len(rotated["secret"]) == 64


def test_seed_creates_the_demo_site_once(engine: Engine, database_url: str) -> None:
    for _ in range(2):
        result = _s3bot(database_url, "seed")
        assert result.returncode == 0, result.stderr
    with session(engine) as db:
        sites = list(crud_sites.list_sites(session=db))
    assert [s.site_key for s in sites] == ["demo-partner"]
    assert sites[0].name == "Demo Regional Development Agency"
    assert sites[0].allowed_origins == ["http://127.0.0.1:8001", "http://localhost:8001"]
