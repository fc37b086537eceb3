"""The privacy notice as a small HTML page (``GET /privacy``), from data/privacy/notice.yml.

Every piece of text is HTML-escaped: the notice is data, never markup. The page loads
nothing and runs nothing, so its content policy allows only its own inline style.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from nlu.yaml_reader import read_yaml

FALLBACK_LANGUAGE = "en"
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
    "color:#1a1a1a}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem}"
)


@lru_cache(maxsize=4)
def _notices(path: Path) -> dict[str, dict[str, Any]]:
    data = read_yaml(path) or {}
    return {str(language): notice for language, notice in data.items()}


def notice_language(data_dir: Path, requested: str | None) -> str:
    """The language the notice is shown in: the requested one if it has a text, else English."""
    code = (requested or "").split("-")[0].strip().lower()
    return code if code in _notices(data_dir / "privacy" / "notice.yml") else FALLBACK_LANGUAGE


def privacy_page(data_dir: Path, requested: str | None) -> str:
    """The notice in the requested language (English when it has none) as an HTML page."""
    language = notice_language(data_dir, requested)
    notice = _notices(data_dir / "privacy" / "notice.yml")[language]
    parts = [
        "<!doctype html>",
        f'<html lang="{escape(language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(str(notice['title']))}</title><style>{_STYLE}</style></head><body>",
        f"<main><h1>{escape(str(notice['title']))}</h1>",
    ]
    if notice.get("intro"):
        parts.append(f"<p>{escape(str(notice['intro']))}</p>")
    for section in notice.get("sections") or []:
        parts.append(f"<h2>{escape(str(section['heading']))}</h2>")
        if section.get("items"):
            items = "".join(f"<li>{escape(str(item))}</li>" for item in section["items"])
            parts.append(f"<ul>{items}</ul>")
        parts.extend(f"<p>{escape(str(p))}</p>" for p in section.get("paragraphs") or [])
    parts.append("</main></body></html>")
    return "\n".join(parts)
