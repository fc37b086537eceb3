"""Partner matching: quality on labelled needs and profiles, and query time at scale.

Quality: the needs of data/partners/needs_eval.yml (SME phrasing, graded relevance) and the
older profiles of data/partners/labelled_profiles.yml (binary relevance) are matched against
the demo directory (a fresh SQLite file). For the needs it prints nDCG@5 (graded gains) and
precision@3 (relevant hits over min(3, |relevant|)); for the needs the directory cannot
serve, how often the answer says there is no good match. For the profiles it prints
precision@5 and nDCG@5 as before.

Scale: for each size and database, a child process fills a fresh database with generated
partners (executemany on SQLite, COPY on PostgreSQL), then another child runs top-5 queries
(the labelled profiles' needs, in turn) and reports p50/p95 query time and its peak RSS, so the
memory figure is that of a process answering queries, not of the one loading data.

    python bench/matching.py                                   # quality + 10k, 100k on SQLite
    python bench/matching.py --sizes 10000,100000,1000000 \\
        --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.matching import PartnerNeed, load_rules, seed_demo_directory, suggest_partners  # noqa: E402
from actions.matching.demo_data import generate_rows, load_spec  # noqa: E402
from actions.matching.text import profile_terms  # noqa: E402
from bot.storage import make_engine, session, upgrade_schema  # noqa: E402

LABELLED = ROOT / "data" / "partners" / "labelled_profiles.yml"
NEEDS = ROOT / "data" / "partners" / "needs_eval.yml"
CHUNK = 20_000
ORG_COLUMNS = (
    "id", "ref", "name", "org_type", "size", "country", "region", "profile_type", "title",
    "description", "keywords", "stage", "languages", "website", "is_demo",
    "listed_by_sender_id", "created_at",
)  # fmt: skip


def load_profiles() -> list[dict[str, Any]]:
    """The labelled profiles."""
    profiles: list[dict[str, Any]] = yaml.safe_load(LABELLED.read_text("utf-8"))["profiles"]
    return profiles


def need_of(profile: dict[str, Any]) -> PartnerNeed:
    """A labelled profile as the matcher's need."""
    return PartnerNeed(
        need_type=profile["need_type"],
        country=profile["country"],
        need_description=profile.get("need_description", ""),
        s3_fields=tuple(profile.get("s3_fields", ())),
        partner_types=tuple(profile.get("partner_types", ())),
        target_countries=tuple(profile.get("target_countries", ())),
        partnership_types=tuple(profile.get("partnership_types", ())),
    )


def load_needs() -> list[dict[str, Any]]:
    """The labelled needs."""
    needs: list[dict[str, Any]] = yaml.safe_load(NEEDS.read_text("utf-8"))["needs"]
    return needs


def need_of_labelled(labelled: dict[str, Any]) -> PartnerNeed:
    """A labelled need as the matcher's need (its words, type and stated preferences only)."""
    return PartnerNeed(
        need_type=labelled["need_type"],
        country=labelled["country"],
        need_description=labelled["need"],
        partner_types=tuple(labelled.get("partner_types", ())),
        target_countries=tuple(labelled.get("target_countries", ())),
    )


def ndcg(gains: list[int], relevant: list[int], k: int) -> float:
    """nDCG@k of the gains found, against the best order of all relevant gains."""
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(relevant, reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def needs_quality(db: Any) -> dict[str, Any]:
    """nDCG@5 and precision@3 over the labelled needs; the no-match rate over the others."""
    ndcgs, precisions, rows, none_rows = [], [], [], []
    for labelled in load_needs():
        found = suggest_partners(session=db, need=need_of_labelled(labelled), limit=5)
        top = found[0] if found else None
        weak = top is None or bool(getattr(top, "weak", False))
        summary = {
            "id": labelled["id"],
            "top5": [s.ref for s in found],
            "top_score": top.score if top else 0.0,
            "top_text": top.components.get("text", 0.0) if top else 0.0,
            "says_no_good_match": weak,
        }
        if labelled.get("none"):
            none_rows.append(summary)
            continue
        grades: dict[str, int] = labelled.get("relevant") or {}
        gains = [grades.get(s.ref, 0) for s in found]
        ndcgs.append(ndcg(gains, list(grades.values()), 5))
        hits = sum(1 for g in gains[:3] if g > 0)
        precisions.append(hits / min(3, len(grades)) if grades else 0.0)
        rows.append({**summary, "ndcg_at_5": round(ndcgs[-1], 4)})
    return {
        "needs": len(rows),
        "ndcg_at_5": round(statistics.fmean(ndcgs), 4),
        "precision_at_3": round(statistics.fmean(precisions), 4),
        "mean_top_text": round(statistics.fmean(r["top_text"] for r in rows), 4),
        "no_match_needs": len(none_rows),
        "no_match_said": sum(r["says_no_good_match"] for r in none_rows),
        "no_match_mean_top_text": round(statistics.fmean(r["top_text"] for r in none_rows), 4),
        "false_no_match": sum(r["says_no_good_match"] for r in rows),
        "per_need": rows + none_rows,
    }


def quality() -> dict[str, Any]:
    """The labelled needs' measures, and precision@5 and nDCG@5 over the labelled profiles."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/quality.db")
        upgrade_schema(engine)
        seed_demo_directory(engine)
        precisions, ndcgs, rows = [], [], []
        with session(engine) as db:
            needs = needs_quality(db)
            for profile in load_profiles():
                if not profile["relevant"]:
                    continue  # the directory has no entry for it since it changed
                found = [
                    s.ref for s in suggest_partners(session=db, need=need_of(profile), limit=5)
                ]
                relevant = set(profile["relevant"])
                ideal = min(5, len(relevant))
                hits = [ref in relevant for ref in found]
                precisions.append(sum(hits) / ideal)
                dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
                ndcgs.append(dcg / sum(1 / math.log2(i + 2) for i in range(ideal)))
                rows.append({"id": profile["id"], "hits": sum(hits), "of": ideal, "top5": found})
        engine.dispose()
    return {
        "needs": needs,
        "profiles": len(rows),
        "precision_at_5": round(statistics.fmean(precisions), 4),
        "ndcg_at_5": round(statistics.fmean(ndcgs), 4),
        "per_profile": rows,
    }


def _generated(count: int) -> Iterator[tuple[dict[str, Any], list[str], list[str], list[str]]]:
    """Generated organisations with their S3 fields, partnership types and search terms."""
    terms_cache: dict[tuple[str, str], list[str]] = {}
    now = datetime.now(UTC)
    for index, row in enumerate(generate_rows(load_spec(), count=count, seed=7), start=1):
        key = (row["title"], row["keywords"])
        if key not in terms_cache:
            terms_cache[key] = profile_terms(row["title"], row["keywords"].split(";"))
        org = {name: row.get(name) or None for name in ORG_COLUMNS}
        org.update(
            id=index,
            ref=f"GEN-{index:07d}",
            is_demo=True,
            keywords=row["keywords"],
            languages=row["languages"],
            created_at=now,
        )
        yield (
            org,
            row["s3_fields"].split(";"),
            row["partnership_types"].split(";"),
            terms_cache[key],
        )


def _chunks(count: int) -> Iterator[tuple[list[tuple[Any, ...]], ...]]:
    orgs: list[tuple[Any, ...]] = []
    s3: list[tuple[Any, ...]] = []
    partnership: list[tuple[Any, ...]] = []
    keyword: list[tuple[Any, ...]] = []
    for org, fields, types, terms in _generated(count):
        oid, pt = org["id"], org["profile_type"]
        orgs.append(tuple(org[c] for c in ORG_COLUMNS))
        s3 += [(oid, f, pt) for f in fields]
        partnership += [(oid, t) for t in types]
        keyword += [(oid, t, pt) for t in terms]
        if len(orgs) >= CHUNK:
            yield orgs, s3, partnership, keyword
            orgs, s3, partnership, keyword = [], [], [], []
    if orgs:
        yield orgs, s3, partnership, keyword


TABLES = (
    ("organisation", ORG_COLUMNS),
    ("organisation_s3_field", ("organisation_id", "s3_field", "profile_type")),
    ("organisation_partnership_type", ("organisation_id", "partnership_type")),
    ("organisation_keyword", ("organisation_id", "keyword", "profile_type")),
)


def fill(url: str, count: int) -> dict[str, Any]:
    """Migrate a fresh database and load `count` generated organisations into it."""
    engine = make_engine(url)
    upgrade_schema(engine)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        postgres = engine.dialect.name == "postgresql"
        for chunk in _chunks(count):
            for (table, columns), rows in zip(TABLES, chunk, strict=True):
                if postgres:
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join("?" for _ in columns)
                    rows = [_sqlite_row(r) for r in rows] if table == "organisation" else rows
                    cursor.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                    )
        raw.commit()
        if not postgres:
            cursor.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()
    if postgres:  # as autovacuum would: statistics and the visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return {"load_s": round(time.perf_counter() - started, 1), "rss_mb": _peak_rss_mb()}


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite stores our datetimes as naive UTC text, as UTCDateTime does."""
    return tuple(
        v.replace(tzinfo=None).isoformat(sep=" ") if isinstance(v, datetime) else v for v in row
    )


def query(url: str, rounds: int) -> dict[str, Any]:
    """Time top-5 queries; the first pass over the profiles warms caches and is not counted."""
    engine = make_engine(url)
    rules = load_rules()
    needs = [need_of(p) for p in load_profiles()]
    times = []
    with session(engine) as db:
        for need in needs:
            suggest_partners(session=db, need=need, limit=5, rules=rules)
        for i in range(rounds):
            started = time.perf_counter()
            found = suggest_partners(session=db, need=needs[i % len(needs)], limit=5, rules=rules)
            times.append((time.perf_counter() - started) * 1000)
            assert found, "every benchmark need has matches"
    engine.dispose()
    times.sort()
    return {
        "queries": rounds,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, math.ceil(0.95 * len(times)) - 1)], 2),
        "rss_mb": _peak_rss_mb(),
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _postgres_database(server: str) -> tuple[str, Any]:
    """A fresh PostgreSQL database on `server`, and a function that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from bot.storage import normalize_url

    base = normalize_url(server)
    name = f"s3bot_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def scale(sizes: list[int], postgres_url: str | None, rounds: int) -> list[dict[str, Any]]:
    """Load then query each size on SQLite (and PostgreSQL if given)."""
    results = []
    for size in sizes:
        for backend in ("sqlite", "postgresql") if postgres_url else ("sqlite",):
            with tempfile.TemporaryDirectory() as tmp:
                if backend == "sqlite":
                    url, drop = f"sqlite:///{tmp}/bench.db", None
                else:
                    assert postgres_url is not None
                    url, drop = _postgres_database(postgres_url)
                try:
                    loaded = _child("--fill", url, str(size))
                    timed = _child("--query", url, str(rounds))
                finally:
                    if drop is not None:
                        drop()
            row = {"backend": backend, "partners": size, **timed, "load_s": loaded["load_s"]}
            print(_format_row(row), flush=True)
            results.append(row)
    return results


HEADER = f"{'database':<11}{'partners':>10}{'p50 ms':>9}{'p95 ms':>9}{'RSS MB':>9}{'load s':>9}"


def _format_row(row: dict[str, Any]) -> str:
    return (
        f"{row['backend']:<11}{row['partners']:>10,}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
        f"{row['rss_mb']:>9.0f}{row['load_s']:>9.1f}"
    )


def main() -> int:
    """Run the benches and print a table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated partner counts")
    parser.add_argument("--postgres-url", help="also run on PostgreSQL (a server URL)")
    parser.add_argument("--rounds", type=int, default=200, help="timed queries per size")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--json", type=Path, help="write all results here")
    parser.add_argument("--fill", nargs=2, metavar=("URL", "COUNT"), help=argparse.SUPPRESS)
    parser.add_argument("--query", nargs=2, metavar=("URL", "ROUNDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        print(json.dumps(fill(args.fill[0], int(args.fill[1]))))
        return 0
    if args.query:
        print(json.dumps(query(args.query[0], int(args.query[1]))))
        return 0
    report: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    if not args.skip_quality:
        report["quality"] = quality()
        q = report["quality"]
        n = q["needs"]
        print(f"Quality on {n['needs']} labelled needs (data/partners/needs_eval.yml):")
        print(f"  nDCG@5 {n['ndcg_at_5']:.3f}   precision@3 {n['precision_at_3']:.3f}")
        print(f"  mean text fit of the first suggestion {n['mean_top_text']:.3f}")
        print(f"  'no good match' said wrongly for {n['false_no_match']} of {n['needs']}")
        print(
            f"  needs with no good partner: 'no good match' said for {n['no_match_said']} of "
            f"{n['no_match_needs']} (mean text fit of the first {n['no_match_mean_top_text']:.3f})"
        )
        print(f"Quality on {q['profiles']} labelled profiles (labelled_profiles.yml):")
        print(f"  precision@5 {q['precision_at_5']:.3f}   nDCG@5 {q['ndcg_at_5']:.3f}\n")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if sizes:
        print(f"Top-5 query time ({args.rounds} queries each), peak RSS of the querying process")
        print(HEADER)
        report["scale"] = scale(sizes, args.postgres_url, args.rounds)
    report["load_average_after"] = os.getloadavg()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
