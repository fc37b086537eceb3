"""Every route of the app under /console, found by walking the app's routes (so routes added
later are checked too): without a session it refuses (a browser's page request is sent to
the sign-in page, anything else gets 401), and every state-changing request of a signed-in
admin without its CSRF token gets 403."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from console_helpers import HTML, JSON, create_staff, sign_in, unique
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from bot.config import Settings
from bot.web.app import create_web_app
from bot.web.console.auth import PUBLIC_PATHS

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Routes the console must have; the walk below must find at least these.
EXPECTED = {
    ("GET", "/console/login"),
    ("POST", "/console/login"),
    ("POST", "/console/logout"),
    ("GET", "/console"),
    ("GET", "/console/staff"),
    ("POST", "/console/staff"),
    ("POST", "/console/staff/{staff_id}/disable"),
    ("GET", "/console/audit"),
    ("GET", "/console/introductions"),
    ("GET", "/console/introductions/{introduction_id}"),
    ("POST", "/console/introductions/{introduction_id}"),
    ("GET", "/console/conversations/{sender_id:path}/erase"),
    ("POST", "/console/conversations/{sender_id:path}/erase"),
}


def _console_routes() -> tuple[list[tuple[str, str]], list[str]]:
    """(method, path) of every console route of the app, and the console's mounts."""
    app = create_web_app(
        SimpleNamespace(engine=None),  # type: ignore[arg-type]  # only the routes are read
        Settings(_env_file=None, ENVIRONMENT="test"),  # type: ignore[call-arg]
    )
    routes: list[tuple[str, str]] = []
    mounts: list[str] = []
    for context in iter_route_contexts(app.routes):  # included routers, flattened
        path = context.path or ""
        if not (path == "/console" or path.startswith("/console/")):
            continue
        route = context.original_route
        if isinstance(route, Mount):
            mounts.append(path)
        elif isinstance(route, APIRoute):
            routes += [(method, path) for method in sorted(context.methods or ())]
        else:
            raise AssertionError(f"unexpected kind of console route: {route!r}")
    return routes, mounts


ROUTES, MOUNTS = _console_routes()
GUARDED = [(m, p) for m, p in ROUTES if p not in PUBLIC_PATHS and m != "HEAD"]
POSTS = [(m, p) for m, p in GUARDED if m in STATE_CHANGING]


def _concrete(path: str) -> str:
    """`path` with each parameter filled in with a plausible value."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.endswith("id") and ":" not in match.group(0) and name != "sender_id":
            return "1"
        return quote("rest-someone", safe="")

    return re.sub(r"\{([a-z_]+)(?::[a-z]+)?\}", value, path)


def _send(client: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return client.request(method, _concrete(path), **kwargs)


def test_the_walk_finds_every_known_console_route() -> None:
    assert set(ROUTES) >= EXPECTED
    assert MOUNTS == ["/console/static"]


def test_only_the_sign_in_page_and_static_files_are_public() -> None:
    assert {"/console/login"} == PUBLIC_PATHS


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_a_request_without_a_session_is_refused(web: httpx.Client, method: str, path: str) -> None:
    if method == "GET":
        page = _send(web, method, path, headers=HTML)
        assert page.status_code == 303, page.text
        location = page.headers["location"]
        assert location.startswith("/console/login?next=")
    answer = _send(web, method, path, headers=JSON, data={"csrf_token": "x"})
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_a_request_with_an_unknown_session_is_refused(
    web: httpx.Client, method: str, path: str
) -> None:
    web.cookies.set("s3bot_console", "made-up-token", domain="127.0.0.1", path="/console")
    answer = _send(web, method, path, headers=JSON)
    assert answer.status_code == 401, answer.text


@pytest.mark.parametrize(("method", "path"), POSTS)
def test_a_signed_in_post_without_its_csrf_token_is_refused(
    web: httpx.Client, console_db: str, method: str, path: str
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    csrf = sign_in(web, console_db, email)
    missing = _send(web, method, path, data={"confirm": "rest-someone"})
    assert missing.status_code == 403, missing.text
    wrong = _send(web, method, path, data={"csrf_token": csrf[::-1]})
    assert wrong.status_code == 403, wrong.text
    header = _send(web, method, path, headers={"X-CSRF-Token": "not-" + csrf})
    assert header.status_code == 403, header.text


def test_the_sign_in_form_refuses_a_post_without_its_token(web: httpx.Client) -> None:
    form = {"email": "a@example.org", "password": "whatever whatever"}
    assert web.post("/console/login", data=form).status_code == 403


def test_static_files_need_no_session(web: httpx.Client) -> None:
    css = web.get("/console/static/console.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


GUARD_PROBE = """
import sys
from types import SimpleNamespace
from fastapi import APIRouter
from fastapi.testclient import TestClient
from bot.config import Settings
from bot.storage import make_engine, upgrade_schema
import bot.web.console as console
from bot.web.app import create_web_app

bare = APIRouter(prefix="/console/bare")
bare.add_api_route("", lambda: {"ok": True}, methods=["GET"])
bare.add_api_route("", lambda: {"ok": True}, methods=["POST"])
console.console_router.include_router(bare)  # a route that asks for no session at all
url = sys.argv[1]
engine = make_engine(url)
upgrade_schema(engine)
app = create_web_app(SimpleNamespace(engine=engine), Settings(_env_file=None, DATABASE_URL=url))
client = TestClient(app, follow_redirects=False)
print(client.get("/console/bare").status_code, client.post("/console/bare").status_code)
"""


def test_a_route_that_asks_for_nothing_is_still_guarded(tmp_path: Any) -> None:
    """The console router's own dependency refuses, not the route (a new process, so the
    probe's route is added to no other test's app)."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'probe.db'}"
    probe = subprocess.run(
        [sys.executable, "-c", GUARD_PROBE, url], capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["401", "401"]
