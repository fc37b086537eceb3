"""The demo partner page: a fictional agency's two pages with the widget embedded, served on
a second port (another origin) beside the assistant, so the widget can be seen working as a
partner's visitors see it, cross-origin, without a site of one's own.

The pages (bot/web/demo/) hold two placeholders, filled when served: `{{WIDGET_ORIGIN}}`, the
assistant's origin the embed line loads widget.js from, and `{{SITE_KEY}}`. Their own CSS is
deliberately hostile (global `!important` rules, `button { all: unset }`): the widget's shadow
root must keep its looks regardless. They are sent with the strict Content-Security-Policy that
docs/widget.md asks of partners (the assistant's origin for scripts and connections, nothing
else; the page's own inline style by its hash; Trusted Types), so the widget is seen to need
no more.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import re
import threading
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

logger = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parent / "demo"
#: The demo pages by path; anything else is 404.
PAGES = {"/": "index.html", "/index.html": "index.html", "/second.html": "second.html"}
DEMO_SITE_KEY = "demo-partner"
NONE = "'none'"


def render_page(name: str, *, widget_origin: str, site_key: str) -> str:
    """The demo page `name` with the assistant's origin and the site key filled in."""
    text = (DEMO_DIR / name).read_text(encoding="utf-8")
    return text.replace("{{WIDGET_ORIGIN}}", html.escape(widget_origin.rstrip("/"))).replace(
        "{{SITE_KEY}}", html.escape(site_key)
    )


def content_security_policy(page: str, widget_origin: str) -> str:
    """The policy a careful partner sends: the widget's origin, and the page's own styles."""
    styles = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    )
    origin = widget_origin.rstrip("/")
    return (
        f"default-src 'none'; script-src {origin}; connect-src {origin}; "
        f"style-src {styles or NONE}; "
        "require-trusted-types-for 'script'; base-uri 'none'; form-action 'none'"
    )


def create_demo_app(widget_origin: str, *, site_key: str = DEMO_SITE_KEY) -> Starlette:
    """The demo partner site: its pages embed widget.js from `widget_origin` for `site_key`."""
    pages = {
        path: render_page(name, widget_origin=widget_origin, site_key=site_key)
        for path, name in PAGES.items()
    }

    policies = {path: content_security_policy(page, widget_origin) for path, page in pages.items()}

    async def read_page(request: Request) -> Response:
        """One demo page, with its policy."""
        path = request.url.path
        headers = {"Cache-Control": "no-store", "Content-Security-Policy": policies[path]}
        return HTMLResponse(pages[path], headers=headers)

    return Starlette(routes=[Route(path, read_page) for path in pages])


def widget_origin_for(host: str, port: int) -> str:
    """The origin a browser on this machine reaches the assistant at (not 0.0.0.0 or ::)."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def start_demo_page(*, host: str, port: int, widget_origin: str) -> str:
    """Serve the demo page in a daemon thread (it ends with the process); returns its URL."""
    config = uvicorn.Config(
        create_demo_app(widget_origin),
        host=host,
        port=port,
        log_level="warning",
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, name="demo-page", daemon=True).start()
    url = widget_origin_for(host, port) + "/"
    logger.info("demo partner page: %s", url)
    print(f"Demo partner page: {url}", flush=True)
    return url
