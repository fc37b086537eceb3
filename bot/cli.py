"""The `s3bot` command: serve, shell, train, data validate, db upgrade, erase, sites, staff,
retention, test stories/nlu."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from actions.formatting import format_count
from bot.config import Settings, get_settings
from bot.dialogue.errors import DataError
from bot.observability.logs import configure_logging

if TYPE_CHECKING:
    from rich.progress import TaskID
    from sqlalchemy.engine import Engine

logger = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    level, libraries_level = _log_levels(args, settings)
    configure_logging(level, settings.LOG_FORMAT, libraries_level=libraries_level)
    try:
        return int(args.run(args, settings) or 0)
    except DataError as exc:
        print(f"Invalid data: {exc}", file=sys.stderr)
        return 2


def _log_levels(args: argparse.Namespace, settings: Settings) -> tuple[int, str | None]:
    """The root's level and the chatty libraries' level for this command.

    A command run by hand shows its own output and warnings only, and `s3bot shell` only
    the conversation (and errors), unless `--verbose` asks for every record at LOG_LEVEL.
    `serve` is a server: its records (requests, the models it loads) stay at LOG_LEVEL;
    the libraries' set-up chatter is hidden there too unless `--verbose`.
    """
    configured = logging.getLevelNamesMapping().get(settings.LOG_LEVEL.upper(), logging.INFO)
    if args.verbose:
        return configured, None
    floor = getattr(args, "log_floor", logging.WARNING)
    return max(configured, floor), "WARNING"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="s3bot", description="S3 Onboarding Assistant")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every record at LOG_LEVEL, libraries' included (default: warnings only; "
        "serve logs its own records at LOG_LEVEL)",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="validate data, migrate, train if needed, serve (with Telegram if configured)",
    )
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers", type=int, help="worker processes (default WORKERS; more than 1: PostgreSQL)"
    )
    serve.add_argument("--worker-fd", type=int, help=argparse.SUPPRESS)  # set by the supervisor
    serve.add_argument(
        "--demo-page-port", type=int, help="also serve the demo partner page on this port"
    )
    serve.set_defaults(run=_serve, log_floor=logging.NOTSET)
    shell = commands.add_parser("shell", help="chat with the assistant in this terminal")
    shell.add_argument("--sender", help="conversation id, as shell:<id> (default: a new one)")
    shell.set_defaults(run=_shell, log_floor=logging.ERROR)
    train = commands.add_parser("train", help="train the NLU models if the data changed")
    train.add_argument("--force", action="store_true", help="train even if unchanged")
    train.set_defaults(run=_train)
    data = commands.add_parser("data", help="data commands").add_subparsers(
        required=True, metavar="ACTION"
    )
    data.add_parser("validate", help="check domain, rules, stories and NLU data").set_defaults(
        run=_validate
    )
    db = commands.add_parser("db", help="database commands").add_subparsers(
        required=True, metavar="ACTION"
    )
    db.add_parser("upgrade", help="upgrade the schema to the latest migration").set_defaults(
        run=_db_upgrade
    )
    partners = commands.add_parser("partners", help="partner directory").add_subparsers(
        required=True, metavar="ACTION"
    )
    importer = partners.add_parser("import", help="import a directory CSV (all rows or none)")
    importer.add_argument("file", type=Path)
    importer.set_defaults(run=_partners, action="import")
    exporter = partners.add_parser("export", help="write the directory as CSV (stdout)")
    exporter.add_argument("file", type=Path, nargs="?")
    exporter.set_defaults(run=_partners, action="export")
    seeder = commands.add_parser(
        "seed", help="load the demo partner directory and demo widget site (idempotent)"
    )
    seeder.set_defaults(run=_partners, action="seed")
    from bot.cli_sites import add_commands as add_site_commands

    add_site_commands(commands)
    from bot.cli_staff import add_commands as add_staff_commands

    add_staff_commands(commands)
    from bot.cli_console import add_commands as add_console_commands

    add_console_commands(commands)
    erase = commands.add_parser("erase", help="erase everything stored about one sender")
    erase.add_argument("--sender", required=True, help="the sender (conversation) id")
    erase.add_argument("--yes", action="store_true", help="erase without asking first")
    erase.set_defaults(run=_erase)
    test = commands.add_parser("test", help="tests").add_subparsers(required=True, metavar="WHAT")
    test.add_parser("stories", help="play the test stories in data/stories").set_defaults(
        run=_test_stories
    )
    test_nlu = test.add_parser("nlu", help="evaluate the NLU on held-out data or by k-fold")
    test_nlu.add_argument(
        "--nlu",
        action="append",
        help="held-out examples, may repeat (default data/nlu_test/<lang>.yml and <lang>_*.yml)",
    )
    test_nlu.add_argument("--language", help="language (default DEFAULT_LANGUAGE)")
    test_nlu.add_argument("--cross-validation", action="store_true", help="k-fold on train data")
    test_nlu.add_argument("--folds", type=int, default=5)
    test_nlu.add_argument("--out", default="reports/nlu", help="report directory")
    test_nlu.add_argument("--min-intent-accuracy", type=float, help="fail below this (percent)")
    test_nlu.add_argument("--min-entity-f1", type=float, help="fail below this (percent)")
    test_nlu.set_defaults(run=_test_nlu)
    return parser


def _partners(args: argparse.Namespace, settings: Settings) -> int:
    from actions.matching import commands

    if args.action == "import":
        return commands.import_file(settings.DATABASE_URL, args.file)
    if args.action == "export":
        return commands.export_file(settings.DATABASE_URL, args.file)
    from bot.cli_sites import seed_demo_site

    seeded = commands.seed(settings.DATABASE_URL)
    seed_demo_site(settings.DATABASE_URL)
    return seeded


def _erase(args: argparse.Namespace, settings: Settings) -> int:
    """Show what is stored about the sender, confirm, then erase it under the turn lock, so
    it cannot interleave with a turn of that conversation in a running server."""
    from bot.storage import crud, make_engine, session, upgrade_schema

    engine = make_engine(settings.DATABASE_URL)
    try:
        upgrade_schema(engine)
        with session(engine) as db:
            counts = crud.count_sender_data(session=db, sender_id=args.sender)
        stored = ", ".join(f"{kind}: {count}" for kind, count in counts.items() if count)
        if not stored:
            print(f"Nothing is stored about {args.sender!r}.")
            return 0
        print(f"Stored about {args.sender!r} (rows): {stored}")
        if not args.yes and not _confirm("Erase all of it? This cannot be undone. [y/N] "):
            print("Nothing was erased.")
            return 1
        deleted = asyncio.run(_erase_under_lock(engine, args.sender))
        print(f"Erased {format_count(deleted, 'row', 'rows')} about {args.sender!r}.")
        return 0
    finally:
        engine.dispose()


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:  # no terminal to answer on: never erase without --yes
        return False


async def _erase_under_lock(engine: Engine, sender_id: str) -> int:
    from bot.storage import ConversationLocks, crud, session

    locks = ConversationLocks(engine)
    try:
        async with locks.hold(sender_id):

            def erase() -> int:
                with session(engine) as db:
                    return crud.delete_sender_data(session=db, sender_id=sender_id)

            return await asyncio.to_thread(erase)
    finally:
        locks.dispose()


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dialogue.bot_data import unspoken_languages, validate_bot_data

    problems: list[object] = list(
        validate_bot_data(settings.DATA_DIR, default_language=settings.DEFAULT_LANGUAGE)
    )
    problems += _content_problems(settings)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"Data in {settings.DATA_DIR} is valid.")
    for code, missing in unspoken_languages(
        settings.DATA_DIR, default_language=settings.DEFAULT_LANGUAGE
    ).items():
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        print(
            f"note: '{code}' has NLU data but is not spoken yet: "
            f"{format_count(len(missing), 'response has', 'responses have')} "
            f"no '{code}' variation ({shown})"
        )
    return 0


def _content_problems(settings: Settings) -> list[object]:
    """Problems of the awareness modules (Markdown) of every language."""
    from actions.content.modules import validate_modules

    content = settings.DATA_DIR / "content"
    languages = sorted(p for p in content.iterdir() if p.is_dir()) if content.is_dir() else []
    return [problem for language in languages for problem in validate_modules(language)]


def _train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dialogue.bot_data import load_bot_data
    from bot.main import train_models
    from bot.observability.progress import progress_display

    data = load_bot_data(settings.DATA_DIR, default_language=settings.DEFAULT_LANGUAGE)
    with progress_display() as progress:
        tasks: dict[str, TaskID] = {}

        def show(language: str, step: str, done: int, total: int) -> None:
            if language not in tasks:
                tasks[language] = progress.add_task(language, total=total)
            progress.update(
                tasks[language], description=f"{language}: {step}", completed=done, total=total
            )

        models = train_models(settings, data, force=args.force, on_step=show)
    for language, path in models.items():
        print(f"{language}: {path}")
    _index_content(settings)
    return 0


def _index_content(settings: Settings) -> None:
    """Build each language's content index once, so that with the `embeddings` extra the
    steps' vectors are cached before the first question instead of during it."""
    from actions.content import index_for
    from actions.content.semantic import available

    if not available():
        return
    content = settings.DATA_DIR / "content"
    for directory in sorted(p for p in content.iterdir() if p.is_dir()) if content.is_dir() else []:
        index_for(directory)
        print(f"content {directory.name}: indexed with sentence embeddings")


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage import upgrade_schema

    upgrade_schema(settings.DATABASE_URL)
    print("Database schema is up to date.")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve in this process, or supervise `--workers` processes sharing one socket."""
    from bot.storage import normalize_url

    workers = args.workers or settings.WORKERS
    if args.worker_fd is None:
        settings = _with_development_api_token(args, settings)
    if args.demo_page_port and args.worker_fd is None:
        from bot.web.demo_page import start_demo_page, widget_origin_for

        host = args.host or settings.HOST
        origin = widget_origin_for(host, args.port or settings.PORT)
        start_demo_page(host=host, port=args.demo_page_port, widget_origin=origin)
    if args.worker_fd is not None or workers == 1:
        return _serve_one(args, settings)
    if workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    if normalize_url(settings.DATABASE_URL).get_backend_name() != "postgresql":
        print(
            f"--workers {workers} needs PostgreSQL: SQLite has one writer and its "
            "conversation locks hold within one process only. Use --workers 1, or set "
            "DATABASE_URL to a PostgreSQL database.",
            file=sys.stderr,
        )
        return 2
    return _supervise(args, settings, workers)


def _with_development_api_token(args: argparse.Namespace, settings: Settings) -> Settings:
    """In development without an API_TOKEN, make one up in `.env` and print, this once, how
    to read a tracker with it; the settings to serve with. Never in production."""
    from bot.config import add_development_api_token, needs_development_api_token
    from bot.dialogue.bot_data import load_bot_data

    if not needs_development_api_token(settings):
        return settings
    # Invalid data refuses to start (DataError) before anything is written.
    load_bot_data(settings.DATA_DIR, default_language=settings.DEFAULT_LANGUAGE)
    env_file = Path(str(Settings.model_config.get("env_file") or ".env")).absolute()
    token = add_development_api_token(env_file)
    host = args.host or settings.HOST
    url_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    url_host = f"[{url_host}]" if ":" in url_host else url_host
    port = args.port or settings.PORT
    print(
        f"API_TOKEN was not set: a new one is in {env_file} (development only). "
        "Read a conversation's tracker with:\n"
        f"  curl -s -H 'Authorization: Bearer {token}' "
        f"http://{url_host}:{port}/conversations/u1/tracker",
        flush=True,
    )
    return settings.model_copy(update={"API_TOKEN": token})


def _serve_one(args: argparse.Namespace, settings: Settings) -> int:
    """One server process: drains on SIGTERM (503 to new turns, running ones finish)."""
    import socket

    from bot.main import create_app
    from bot.web.draining import DrainingServer
    from bot.web.server import server_config

    app = create_app(settings)
    agent = app.state.agent
    # Messages a dead worker accepted but never answered: counted, and answerable on retry.
    agent.recover_inbox(older_than_seconds=settings.LOCK_WAIT_SECONDS)
    config = server_config(
        app,
        header_timeout=settings.HEADER_TIMEOUT_SECONDS,
        host=args.host or settings.HOST,
        port=args.port or settings.PORT,
        log_level=settings.LOG_LEVEL.lower(),
        log_config=None,  # the server's records go through our safe handler, as all others
        access_log=False,
        timeout_graceful_shutdown=max(1, round(settings.SHUTDOWN_SECONDS / 2)),
    )
    server = DrainingServer(config, drain=agent.drain, drain_seconds=settings.SHUTDOWN_SECONDS)
    sockets = None if args.worker_fd is None else [socket.socket(fileno=args.worker_fd)]
    server.run(sockets=sockets)
    return 0


def _supervise(args: argparse.Namespace, settings: Settings, workers: int) -> int:
    """Bind the socket, prepare once (schema, models), start the workers, keep them running.

    The workers inherit the listening socket, so the kernel spreads connections over them. A
    worker that dies is started again; SIGTERM or SIGINT is passed to every worker, which
    drains, and one still running after the shutdown time is killed.
    """
    import os
    import signal
    import socket
    import subprocess
    import time

    from bot.dialogue.bot_data import load_bot_data
    from bot.main import train_models
    from bot.storage import upgrade_schema

    upgrade_schema(settings.DATABASE_URL)  # once, before the workers race to do it
    data = load_bot_data(settings.DATA_DIR, default_language=settings.DEFAULT_LANGUAGE)
    train_models(settings, data)
    host, port = args.host or settings.HOST, args.port or settings.PORT
    listener = socket.create_server((host, port), reuse_port=False, backlog=2048)
    listener.set_inheritable(True)
    fd = listener.fileno()
    verbose = ["--verbose"] if args.verbose else []
    command = [sys.executable, "-m", "bot", *verbose, "serve", "--worker-fd", str(fd)]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, pass_fds=(fd,))

    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    processes = [start() for _ in range(workers)]
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    logger.info("serving on %s:%d with %d workers (pid %d)", host, port, workers, os.getpid())
    try:
        while not stopping:
            for index, process in enumerate(processes):
                if process.poll() is not None and not stopping:
                    logger.warning(
                        "worker %d exited with %s; starting another",
                        process.pid,
                        process.returncode,
                    )
                    processes[index] = start()
            time.sleep(0.5)
        deadline = time.monotonic() + settings.SHUTDOWN_SECONDS + 5
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.error("worker %d did not stop in time; killing it", process.pid)
                process.kill()
                process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        listener.close()
    return 0


def _shell(args: argparse.Namespace, settings: Settings) -> int:
    from bot.shell import run_shell

    return asyncio.run(run_shell(settings, args.sender or uuid.uuid4().hex[:8]))


def _test_stories(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dialogue.stories import check_story, load_stories
    from bot.main import build_agent

    async def play() -> int:
        agent = build_agent(settings)
        passed = failed = 0
        try:
            for story in load_stories(settings.DATA_DIR / "stories", agent.domain):
                result = await check_story(agent, story, f"story-{uuid.uuid4().hex[:8]}")
                print(("FAIL " if result.failures else "ok   ") + story.name)
                for failure in result.failures:
                    print(f"     {failure}")
                failed += bool(result.failures)
                passed += not result.failures
        finally:
            await agent.close()
        print(f"{format_count(passed, 'story', 'stories')} passed, {failed} failed.")
        return 1 if failed else 0

    return asyncio.run(play())


def _test_nlu(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from nlu.evaluate import format_report, held_out_files, run_nlu_test, write_report

    language = args.language or settings.DEFAULT_LANGUAGE
    report = run_nlu_test(
        nlu_dir=settings.DATA_DIR / "nlu" / language,
        models_dir=settings.MODELS_DIR,
        language=language,
        threshold=settings.NLU_FALLBACK_THRESHOLD,
        test_path=[Path(p) for p in args.nlu]
        if args.nlu
        else held_out_files(settings.DATA_DIR / "nlu_test", language),
        folds=args.folds if args.cross_validation else None,
    )
    print(format_report(report))
    for path in write_report(report, Path(args.out)):
        print(f"wrote {path}")
    failed = []
    if args.min_intent_accuracy is not None and report.intent_accuracy < args.min_intent_accuracy:
        failed.append(f"intent accuracy {report.intent_accuracy:.1f} < {args.min_intent_accuracy}")
    if args.min_entity_f1 is not None and (report.entity_f1 or 0.0) < args.min_entity_f1:
        failed.append(f"entity F1 {report.entity_f1 or 0.0:.1f} < {args.min_entity_f1}")
    for message in failed:
        print(f"FAIL {message}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
