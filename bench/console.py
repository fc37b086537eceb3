"""Console list latency at scale: p50/p95 per page with 100,000 conversations.

Fills a database (a temporary SQLite file by default, or ``--database-url`` for PostgreSQL,
whose tables are created and then emptied first) with N conversations in bulk: each a
few turns of realistic events (greeting, a profile answer, a fallback here and there, a
verdict, partners shown), its console summary and search text computed by the same code a
turn uses (`bot.storage.summary`). Then it starts the server (`python -m bot serve` on a
free loopback port), signs in as a staff member (a session made in the database) and times
each kind of list page over real HTTP: the first page, a deep page (by its keyset cursor),
filtered pages, searched pages, and the same as a reviewer limited to one organisation.

    python bench/console.py [--conversations 100000] [--requests 40]
    python bench/console.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The target is p95 < 200 ms for every page. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.turns import free_port, percentile, stop_server, wait_until_up  # noqa: E402
from bot.storage import crud_sites, crud_staff, make_engine, session, upgrade_schema  # noqa: E402
from bot.storage.models import Conversation, Event, utcnow  # noqa: E402
from bot.storage.models_console import (  # noqa: E402
    ConversationSummary,
    ConversationText,
    NluAnnotation,
)
from bot.storage.summary import summarise  # noqa: E402
from bot.web.console.auth import COOKIE_NAME, new_token, token_hash  # noqa: E402
from bot.web.console.conversations import format_cursor  # noqa: E402
from bot.web.console.passwords import hash_password  # noqa: E402

TARGET_P95_MS = 200.0
BATCH = 2_000
CHANNELS = ("telegram", "widget", "rest")
LANGUAGES = ("en", "en", "en", "fi", "et", "lv", "lt", "pl", "de", "sv")
COMPANIES = ("sensors", "lasers", "bakery", "software for ports", "bioplastics", "timber houses")
CITIES = ("Tallinn", "Gdańsk", "Turku", "Riga", "Kaunas", "Rostock", "Malmö", "Tartu")
QUESTIONS = (
    "can we get an innovation voucher?",
    "who could test our prototype abroad?",
    "what is smart specialisation",
    "find me a university partner",
    "is there funding for a pilot line",
)
GIBBERISH = ("asdf qwer", "hmm??", "the thing with the stuff", "blorp")


@dataclass(frozen=True)
class Timing:
    """The latencies of one kind of page."""

    page: str
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    rows: int


def _turn(
    rng: random.Random, at: float, text: str, intent: str, confidence: float
) -> list[dict[str, Any]]:
    parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
    if intent == "nlu_fallback":
        parse["intent_ranking"] = [
            {"name": "nlu_fallback", "confidence": confidence},
            {"name": "ask_question", "confidence": confidence * 0.8},
        ]
    return [
        {"event": "user", "timestamp": at, "text": text, "parse_data": parse},
        {
            "event": "action",
            "timestamp": at + 0.01,
            "name": "utter_greet" if intent == "greet" else "action_answer_question",
        },
        {
            "event": "bot",
            "timestamp": at + 0.02,
            "text": f"Answer to {text[:40]}",
            "data": {},
            "metadata": {},
        },
    ]


def conversation_events(rng: random.Random, start: float) -> list[dict[str, Any]]:
    """A few realistic turns: a greeting, the company, a question, now and then a fallback,
    a verdict, partners, a handover."""
    at = start
    events = [{"event": "action", "timestamp": at, "name": "action_session_start"}]
    events += [{"event": "session_started", "timestamp": at}]
    events += _turn(rng, at + 1, rng.choice(("hello", "hi there", "moi", "tere")), "greet", 0.97)
    language = rng.choice(LANGUAGES)
    events.append({"event": "slot", "timestamp": at + 1.1, "name": "language", "value": language})
    company = f"we make {rng.choice(COMPANIES)} in {rng.choice(CITIES)}"
    events += _turn(rng, at + 20, company, "inform", 0.9)
    if rng.random() < 0.5:
        events.append(
            {"event": "slot", "timestamp": at + 21, "name": "profile_saved", "value": True}
        )
    if rng.random() < 0.15:
        events += _turn(rng, at + 40, rng.choice(GIBBERISH), "nlu_fallback", 0.3)
    events += _turn(rng, at + 60, rng.choice(QUESTIONS), "ask_question", 0.8)
    if rng.random() < 0.4:
        verdict = rng.choice(("eligible", "not_eligible", "needs_info"))
        events.append(
            {
                "event": "bot",
                "timestamp": at + 61,
                "text": "The verdict",
                "data": {},
                "metadata": {"utter_action": f"utter_voucher_{verdict}"},
            }
        )
    if rng.random() < 0.3:
        events.append(
            {
                "event": "slot",
                "timestamp": at + 62,
                "name": "partner_suggestions",
                "value": ["demo-1", "demo-2"],
            }
        )
    if rng.random() < 0.05:
        events += _turn(rng, at + 80, "can I talk to a person", "talk_to_human", 0.95)
    return events


def fill(engine: Engine, count: int, seed: int = 7) -> dict[str, Any]:
    """Insert `count` conversations with their events, summaries, search text and inbox."""
    rng = random.Random(seed)
    with session(engine) as db:
        sites = [
            crud_sites.create_site(
                session=db,
                name=f"Bench site {i}",
                origins=[f"https://bench{i}.example"],
                organisation=f"bench-org-{i % 3}",
            )
            for i in range(6)
        ]
        site_ids = [int(s.id) for s in sites]  # type: ignore[arg-type]
        first_id = (
            int(
                db.execute(
                    select(text("coalesce(max(id), 0)")).select_from(Conversation.__table__)
                ).scalar_one()
            )
            + 1
        )  # type: ignore[attr-defined]
    now = time.time()
    started = time.perf_counter()
    for offset in range(0, count, BATCH):
        tables: dict[str, list[dict[str, Any]]] = {"c": [], "e": [], "s": [], "t": [], "a": []}
        for number in range(offset, min(count, offset + BATCH)):
            conversation_id = first_id + number
            channel = rng.choice(CHANNELS)
            start = now - rng.uniform(0, 365 * 86_400)
            events = conversation_events(rng, start)
            sender = f"{channel[:2]}:{rng.getrandbits(48):x}"
            moment = utcnow() - timedelta(seconds=now - start)
            tables["c"].append(
                {
                    "id": conversation_id,
                    "sender_id": sender,
                    "channel": channel,
                    "created_at": moment,
                    "updated_at": moment,
                    "partner_site_id": rng.choice(site_ids) if channel == "widget" else None,
                }
            )
            tables["e"] += [
                {
                    "conversation_id": conversation_id,
                    "seq": seq,
                    "event_type": e["event"],
                    "timestamp": e["timestamp"],
                    "data": e,
                }
                for seq, e in enumerate(events)
            ]
            turn = summarise(events, 0)
            tables["s"].append(
                {
                    "conversation_id": conversation_id,
                    "sender_id": sender,
                    "channel": channel,
                    **{
                        k: getattr(turn, k)
                        for k in (
                            "language",
                            "first_at",
                            "last_at",
                            "user_messages",
                            "preview",
                            "profiled",
                            "verdict",
                            "partners_shown",
                            "introduction_requested",
                            "fallback",
                            "handed_over",
                        )
                    },
                }
            )
            tables["t"] += [
                {"conversation_id": conversation_id, "seq": seq, "text": folded}
                for seq, folded in turn.texts
            ]
            tables["a"] += [
                {
                    **u,
                    "language": u["language"] or "en",
                    "conversation_id": conversation_id,
                    "entities": [],
                    "status": "new",
                    "created_at": moment,
                    "updated_at": moment,
                }
                for u in turn.unsure
            ]
        with engine.begin() as connection:
            for key, model in (
                ("c", Conversation),
                ("e", Event),
                ("s", ConversationSummary),
                ("t", ConversationText),
                ("a", NluAnnotation),
            ):
                if tables[key]:
                    connection.execute(insert(model.__table__), tables[key])  # type: ignore[attr-defined]
        print(
            f"  {min(count, offset + BATCH):>7} conversations "
            f"({time.perf_counter() - started:.0f} s)",
            end="\r",
            flush=True,
        )
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('conversation', 'id'), "
                    "(SELECT max(id) FROM conversation))"
                )
            )
        else:
            connection.execute(text("ANALYZE"))
    print(f"  filled {count} conversations in {time.perf_counter() - started:.0f} s")
    return {"site_id": site_ids[0], "organisation": "bench-org-0"}


def staff_cookie(engine: Engine, role: str, organisation: str | None) -> str:
    """A signed-in session of a new staff account, made directly in the database."""
    with session(engine) as db:
        account = crud_staff.create_staff(
            session=db,
            email=f"bench-{role}-{time.time_ns()}@example.org",
            password_hash=hash_password("bench password 123"),
            role=role,
            organisation=organisation,
        )
        token = new_token()
        crud_staff.create_session(
            session=db,
            staff_id=int(account.id),
            token_hash=token_hash(token),
            csrf_token=new_token(),
            lifetime=timedelta(hours=2),
        )  # type: ignore[arg-type]
    return token


def deep_cursor(engine: Engine, depth: int) -> str:
    """The keyset cursor of the page after `depth` rows."""
    with engine.connect() as connection:
        table = ConversationSummary.__table__  # type: ignore[attr-defined]
        row = connection.execute(
            select(table.c.last_at, table.c.conversation_id)
            .order_by(table.c.last_at.desc(), table.c.conversation_id.desc())
            .offset(depth - 1)
            .limit(1)
        ).one()
    return format_cursor((row[0], row[1]))


def sample_sender(engine: Engine) -> str:
    with engine.connect() as connection:
        table = ConversationSummary.__table__  # type: ignore[attr-defined]
        return str(connection.execute(select(table.c.sender_id).limit(1).offset(777)).scalar_one())


def measure(client: httpx.Client, name: str, params: dict[str, Any], requests: int) -> Timing:
    """Time `requests` GETs of one list page (after one unmeasured warm-up)."""
    client.get("/console/conversations", params=params).raise_for_status()
    times: list[float] = []
    rows = 0
    for _ in range(requests):
        began = time.perf_counter()
        answer = client.get("/console/conversations", params=params)
        times.append((time.perf_counter() - began) * 1000)
        answer.raise_for_status()
        rows = answer.text.count("<tr>") - 1
    times.sort()
    return Timing(
        name,
        requests,
        round(statistics.median(times), 1),
        round(percentile(times, 0.95), 1),
        round(times[-1], 1),
        max(rows, 0),
    )


def print_table(database: str, count: int, timings: list[Timing]) -> None:
    print(
        f"\nConsole list pages, {count} conversations on {database} "
        f"(target p95 < {TARGET_P95_MS:.0f} ms)"
    )
    print(f"{'page':<34}{'rows':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  ok")
    for t in timings:
        ok = "yes" if t.p95_ms < TARGET_P95_MS else "NO"
        print(f"{t.page:<34}{t.rows:>6}{t.p50_ms:>9}{t.p95_ms:>9}{t.max_ms:>9}  {ok}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        help="PostgreSQL to fill (emptied first); default: a temporary SQLite file",
    )
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-console-"))
    url = args.database_url or f"sqlite:///{work / 'console.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_schema(engine)
    print(f"Filling {url.split('@')[-1]} ...")
    facts = fill(engine, args.conversations)
    admin, reviewer = (
        staff_cookie(engine, "admin", None),
        staff_cookie(engine, "reviewer", facts["organisation"]),
    )
    pages: list[tuple[str, str, dict[str, Any]]] = [
        ("first page", admin, {}),
        (
            "deep page (row 50,000)",
            admin,
            {"after": deep_cursor(engine, min(50_000, args.conversations - 50))},
        ),
        ("filter: widget + fallback", admin, {"channel": "widget", "outcome": "fallback"}),
        ("filter: verdict not eligible, fi", admin, {"verdict": "not_eligible", "language": "fi"}),
        (
            "filter: handed over, unreviewed",
            admin,
            {"outcome": "handed_over", "review": "unreviewed"},
        ),
        (
            "filter: site + date range",
            admin,
            {"site": facts["site_id"], "since": "2026-01-01", "until": "2026-06-30"},
        ),
        ("search: common word (voucher)", admin, {"q": "voucher"}),
        ("search: two words (pilot line)", admin, {"q": "pilot line"}),
        ("search: no match (zzqxw)", admin, {"q": "zzqxw"}),
        ("search: prefix (gdan)", admin, {"q": "gdan"}),
        ("search: a sender id", admin, {"q": sample_sender(engine)}),
        ("search + filter (lasers, widget)", admin, {"q": "lasers", "channel": "widget"}),
        ("reviewer of one organisation", reviewer, {}),
    ]
    engine.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, 300)
        timings = []
        for name, token, params in pages:
            with httpx.Client(
                base_url=base,
                timeout=30,
                cookies={COOKIE_NAME: token},
                headers={"Accept": "text/html"},
            ) as client:
                timings.append(measure(client, name, params, args.requests))
    finally:
        stop_server(process)
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print_table(database, args.conversations, timings)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "database": database,
                    "conversations": args.conversations,
                    "pages": [asdict(t) for t in timings],
                },
                indent=2,
            )
        )
    return 0 if all(t.p95_ms < TARGET_P95_MS for t in timings) else 1


if __name__ == "__main__":
    raise SystemExit(main())
