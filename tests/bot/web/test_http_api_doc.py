"""docs/http_api.md lists exactly the routes of the JSON API the app serves, so the page
cannot drift from the code: a route added, removed or renamed fails here until the table
says so."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.config import PROJECT_ROOT, Settings
from bot.dialogue.agent import Agent
from bot.web.app import create_web_app

DOC = PROJECT_ROOT / "docs" / "http_api.md"
#: A table row's first cell: `METHOD /path`, maybe with a query string.
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)[^`]*` \|", re.MULTILINE)


def documented_routes() -> set[tuple[str, str]]:
    return {(method, path) for method, path in ROW.findall(DOC.read_text(encoding="utf-8"))}


def test_the_doc_lists_every_route_of_the_api_and_no_other(
    agent: Agent, make_settings: Callable[..., Settings]
) -> None:
    app = create_web_app(agent, make_settings())
    served = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    documented = documented_routes()
    assert len(served) > 10
    assert served - documented == set(), "served but not in docs/http_api.md"
    assert documented - served == set(), "in docs/http_api.md but not served"
