"""Console pages: Jinja2 templates, autoescaped everywhere, with the console's words.

Every page gets `staff` (or None), `csrf_token` (the session's, for its forms), `t` (the
console's words in the language of the request, English filling the gaps) and
`static_url(name)`. Undefined names fail loudly (StrictUndefined), so a missing word is a
failing test rather than a blank on a page.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.web.deps import get_settings
from nlu.yaml_reader import read_yaml

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
STATIC_PREFIX: Final = "/console/static/"
FALLBACK_LANGUAGE: Final = "en"

_ENVIRONMENT: Final = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def static_url(name: str) -> str:
    """The address of a console static file."""
    return STATIC_PREFIX + name


@lru_cache(maxsize=4)
def _ui_words(path: Path) -> dict[str, dict[str, str]]:
    data = read_yaml(path) or {}
    return {str(lang): {str(k): str(v) for k, v in words.items()} for lang, words in data.items()}


def console_words(data_dir: Path, language: str = FALLBACK_LANGUAGE) -> dict[str, str]:
    """The console's words in `language`, English filling the gaps."""
    words = _ui_words(data_dir / "console" / "ui.yml")
    return {**words.get(FALLBACK_LANGUAGE, {}), **words.get(language, {})}


def request_language(request: Request, known: set[str] | frozenset[str]) -> str:
    """The first language of the request's Accept-Language the console has words for."""
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in known:
            return code
    return FALLBACK_LANGUAGE


def words_for(request: Request) -> dict[str, str]:
    """The console's words for this request."""
    data_dir = get_settings(request).DATA_DIR
    known = frozenset(_ui_words(data_dir / "console" / "ui.yml"))
    return console_words(data_dir, request_language(request, known))


def render(
    request: Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a console template as an HTML response."""
    values: dict[str, Any] = {
        "request": request,
        "staff": getattr(request.state, "console_staff", None),
        "csrf_token": getattr(request.state, "console_csrf", ""),
        "t": words_for(request),
        "static_url": static_url,
        **(context or {}),
    }
    html = _ENVIRONMENT.get_template(template_name).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)
