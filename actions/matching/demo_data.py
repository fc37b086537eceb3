"""The fictional demo directory, generated deterministically from data/partners/generator.yml.

    python -m actions.matching.demo_data            # rewrites data/partners/demo_directory.csv
    python -m actions.matching.demo_data --count 10000 --out /tmp/big.csv

Every organisation is fictional, named "... (demo)", with a website under the reserved
`.example` domain, and flagged `is_demo`.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from actions.matching.directory_csv import write_rows
from actions.matching.rules import load_rules, partners_dir
from nlu.yaml_reader import read_yaml

DEMO_CSV = "demo_directory.csv"
SERVICE_TYPES = ("een_node", "business_development", "cluster")
SERVICE_OFFER = (
    "{name} offers matchmaking, market access and innovation support to companies "
    "working on {offer}."
)


def load_spec(directory: Path | None = None) -> dict[str, Any]:
    """The generator's inputs."""
    path = (directory or partners_dir()) / "generator.yml"
    spec: dict[str, Any] = read_yaml(path)
    return spec


def _weighted(rng: random.Random, table: dict[str, dict[str, Any]]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k]["weight"] for k in keys])[0]


def generate_rows(
    spec: dict[str, Any], *, count: int | None = None, seed: int | None = None
) -> Iterator[dict[str, str]]:
    """`count` demo organisations as CSV rows; the same seed gives the same rows."""
    rng = random.Random(spec["seed"] if seed is None else seed)
    rules = load_rules()
    themes = spec["themes"]
    total = spec["count"] if count is None else count
    used: dict[str, int] = {}
    for index in range(total):
        theme = themes[index % len(themes)]
        country = _weighted(rng, spec["countries"])
        org_type = _weighted(rng, spec["org_types"])
        profile_type = rng.choice(spec["org_types"][org_type]["profiles"])
        name = _name(rng, spec, org_type, country, theme, used)
        yield _row(rng, spec, rules, index, theme, country, org_type, profile_type, name)


def _name(
    rng: random.Random,
    spec: dict[str, Any],
    org_type: str,
    country: str,
    theme: dict[str, Any],
    used: dict[str, int],
) -> str:
    stem = rng.choice(spec["name_stems"])
    kind = rng.choice(spec["type_names"][org_type])
    topic = theme["id"].replace("_", " ").title()
    suffix = spec["countries"][country]["suffix"] if org_type in ("sme", "large_company") else ""
    base = " ".join(part for part in (stem, topic, kind, suffix) if part)
    used[base] = used.get(base, 0) + 1
    name = base if used[base] == 1 else f"{base} {used[base]}"
    return f"{name} (demo)"


def _row(
    rng: random.Random,
    spec: dict[str, Any],
    rules: Any,
    index: int,
    theme: dict[str, Any],
    country: str,
    org_type: str,
    profile_type: str,
    name: str,
) -> dict[str, str]:
    short = name.removesuffix(" (demo)")
    if profile_type in ("BO", "TO"):
        template = (
            SERVICE_OFFER if org_type in SERVICE_TYPES else spec["offer_sentences"][profile_type]
        )
        first = theme["offer"]
    else:
        template = spec["request_sentences"][profile_type]
        first = theme["offer"] if profile_type == "RDR" else theme["request"]
    description = template.format(name=short, offer=theme["offer"], request=theme["request"])
    title = f"{first[0].upper()}{first[1:]}"[:256]
    allowed = rules.partnership_types_by_need[profile_type]
    partnership = sorted(rng.sample(allowed, k=rng.randint(1, min(3, len(allowed)))))
    country_spec = spec["countries"][country]
    sizes = spec["org_types"][org_type]["sizes"]
    stage = ""
    if profile_type == "TO":
        stage = rng.choices(rules.stages, weights=[1, 2, 3, 4, 4])[0]
    slug = "-".join(short.lower().replace(".", "").split())
    return {
        "ref": f"DEMO-{index + 1:04d}",
        "name": name,
        "org_type": org_type,
        "size": rng.choice(sizes) if sizes else "",
        "country": country,
        "region": rng.choice(country_spec["regions"]),
        "s3_fields": ";".join(sorted(theme["s3"])),
        "profile_type": profile_type,
        "title": title,
        "description": description,
        "keywords": ";".join(rng.sample(theme["keywords"], k=4)),
        "partnership_types": ";".join(partnership),
        "stage": stage,
        "languages": ";".join(country_spec["languages"]),
        "website": f"https://{slug}.example",
        "is_demo": "true",
    }


def main(argv: list[str] | None = None) -> int:
    """Write the demo directory CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, help="organisations (default: generator.yml)")
    parser.add_argument("--seed", type=int, help="random seed (default: generator.yml)")
    parser.add_argument("--out", type=Path, default=partners_dir() / DEMO_CSV)
    args = parser.parse_args(argv)
    rows = generate_rows(load_spec(), count=args.count, seed=args.seed)
    with args.out.open("w", encoding="utf-8", newline="") as stream:
        written = write_rows(stream, rows)
    print(f"{written} demo organisations written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
