"""`s3bot sites ...`: register the partner sites that embed the widget, change them, rotate their
secrets; and the demo site that `s3bot seed` creates.

A site's secret is printed only when it is made (create, rotate-secret): the partner's server
needs it to sign members (docs/widget.md), and nothing else ever shows it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.storage import crud_sites, make_engine, session, upgrade_schema
from bot.storage.errors import NotFoundError
from bot.storage.models_sites import PartnerSite

DEMO_SITE_KEY = "demo-partner"
DEMO_SITE_NAME = "Demo Regional Development Agency"
DEMO_ORIGINS = ("http://127.0.0.1:8001", "http://localhost:8001")
#: Exit code of a refused value (an origin, a colour, a language), as argparse's own errors.
USAGE_ERROR = 2


def add_commands(commands: Any) -> None:
    """Add `sites create | list | update | rotate-secret` to the `s3bot` parser."""
    sites = commands.add_parser("sites", help="partner sites that embed the web widget")
    actions = sites.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="register a site; prints its key and secret")
    create.add_argument("--name", required=True)
    create.add_argument("--origin", action="append", required=True, help="may repeat")
    _add_fields(create)
    create.add_argument("--json", action="store_true", help='print {"site_key", "secret"}')
    create.set_defaults(run=_create)
    actions.add_parser("list", help="list the sites (never their secrets)").set_defaults(run=_list)
    update = actions.add_parser("update", help="change a site")
    update.add_argument("site_key")
    update.add_argument("--name")
    update.add_argument("--origin", action="append", help="replaces the origins; may repeat")
    update.add_argument("--add-origin", action="append", default=[])
    update.add_argument("--remove-origin", action="append", default=[])
    _add_fields(update)
    state = update.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_const", const=True)
    state.add_argument(
        "--inactive", dest="active", action="store_const", const=False, help="refuse its widget"
    )
    update.set_defaults(run=_update)
    rotate = actions.add_parser("rotate-secret", help="give a site a new secret")
    rotate.add_argument("site_key")
    rotate.add_argument("--json", action="store_true", help='print {"site_key", "secret"}')
    rotate.set_defaults(run=_rotate)


def _add_fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--language", help="default language, such as en or fi")
    parser.add_argument("--title")
    parser.add_argument("--greeting")
    parser.add_argument("--colour", help="accent colour, #rrggbb")
    parser.add_argument("--organisation", help="the partner organisation (a reference)")


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "default_language": args.language,
        "title": args.title,
        "greeting": args.greeting,
        "colour": args.colour,
        "organisation": args.organisation,
    }


@contextmanager
def _database(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.DATABASE_URL)
    try:
        upgrade_schema(engine)
        with session(engine) as db:
            yield db
    finally:
        engine.dispose()


def _refusing(change: Callable[[], int]) -> int:
    """Run `change`, turning a refused value into a message and exit code 2."""
    try:
        return change()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except NotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _print_secret(site: PartnerSite, as_json: bool, heading: str) -> None:
    if as_json:
        print(json.dumps({"site_key": site.site_key, "secret": site.secret}))
        return
    print(heading)
    print(f"site key: {site.site_key}")
    print(f"secret:   {site.secret}  (keep it on your server; it signs members)")


def _create(args: argparse.Namespace, settings: Settings) -> int:
    def create() -> int:
        with _database(settings) as db:
            site = crud_sites.create_site(
                session=db, name=args.name, origins=args.origin, **_fields(args)
            )
            _print_secret(site, args.json, f"Created partner site {site.name!r}.")
        return 0

    return _refusing(create)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings) as db:
        sites = crud_sites.list_sites(session=db)
        if not sites:
            print("No partner sites yet: s3bot sites create --name NAME --origin ORIGIN")
        for site in sites:
            state = "active" if site.active else "inactive"
            print(f"{site.site_key}  {site.name}  [{state}, {site.default_language}]")
            print(f"    origins: {', '.join(site.allowed_origins)}")
            if site.organisation:
                print(f"    organisation: {site.organisation}")
    return 0


def _update(args: argparse.Namespace, settings: Settings) -> int:
    def update() -> int:
        with _database(settings) as db:
            site = crud_sites.update_site(
                session=db,
                site_key=args.site_key,
                origins=args.origin,
                add_origins=args.add_origin,
                remove_origins=args.remove_origin,
                name=args.name,
                active=args.active,
                **_fields(args),
            )
            print(f"Updated {site.site_key}: origins {', '.join(site.allowed_origins)}")
        return 0

    return _refusing(update)


def _rotate(args: argparse.Namespace, settings: Settings) -> int:
    def rotate() -> int:
        with _database(settings) as db:
            site = crud_sites.rotate_secret(session=db, site_key=args.site_key)
            _print_secret(site, args.json, "New secret; the old one no longer works.")
        return 0

    return _refusing(rotate)


def seed_demo_site(database_url: str) -> None:
    """Create the demo partner site (the demo page's), unless it exists."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        with session(engine) as db:
            site, created = crud_sites.ensure_site(
                session=db, site_key=DEMO_SITE_KEY, name=DEMO_SITE_NAME, origins=DEMO_ORIGINS
            )
            origins = ", ".join(site.allowed_origins)
    finally:
        engine.dispose()
    print(f"Demo partner site {DEMO_SITE_KEY}: {'created' if created else 'kept'} ({origins}).")
