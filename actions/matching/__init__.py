"""Partner matching: the demo directory, a pure matcher (no rasa-sdk), and its actions.

    from actions.matching import PartnerNeed, suggest_partners
    with session(engine) as db:
        suggestions = suggest_partners(session=db, need=PartnerNeed(need_type="TR", country="FI"))

The rasa-sdk actions live in `actions.matching.action`, imported only by the action server.
"""

from __future__ import annotations

from actions.matching.directory_csv import CsvImportError, export_csv, import_csv, read_csv
from actions.matching.matcher import Suggestion, candidate_query, rank, suggest_partners
from actions.matching.need import PartnerNeed, need_from_values
from actions.matching.rules import MatchingRules, load_rules, partners_dir
from actions.matching.seed import demo_csv_path, seed_demo_directory

__all__ = [
    "CsvImportError",
    "MatchingRules",
    "PartnerNeed",
    "Suggestion",
    "candidate_query",
    "demo_csv_path",
    "export_csv",
    "import_csv",
    "load_rules",
    "need_from_values",
    "partners_dir",
    "rank",
    "read_csv",
    "seed_demo_directory",
    "suggest_partners",
]
