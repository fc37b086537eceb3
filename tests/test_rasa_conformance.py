"""Real Rasa 3.6.21 accepts the Rasa data in data/: `rasa data validate` and `rasa train`.

Our engine reads Rasa's formats; this checks that Rasa itself reads the same files the same way
(the domain, the NLU data, the rules, and the test stories, which Rasa's RulePolicy also checks
against the rules). Rasa needs Python 3.10 and TensorFlow, so it is not a dependency of the
project: the test runs when a Rasa 3.6.21 environment is found (`RASA_BIN`, default
/work/rasa-venv/bin/rasa) and is skipped otherwise. docs/rasa_subset.md, "Checking
conformance with Rasa 3.6.21", says how to make that environment.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = Path(os.environ.get("RASA_BIN", "/work/rasa-venv/bin/rasa"))
# Only these hold Rasa data: the other folders of data/ are our own (data/nlu_test would be
# read as NLU training data, and data/vouchers/bsr_demo.yml's `rules:` as dialogue rules).
RASA_DATA = ["data/nlu", "data/rules.yml", "data/rules", "data/stories"]
DOMAIN = "data/domain"
CONFIG = "docs/rasa_config.yml"
TIMEOUT_SECONDS = 1800

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not RASA_BIN.is_file(),
        reason=f"no Rasa 3.6.21 at {RASA_BIN} (set RASA_BIN); see docs/rasa_subset.md, "
        "'Checking conformance with Rasa 3.6.21'",
    ),
]


def _rasa(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run Rasa in the project root, with its cache and telemetry kept out of the repository."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(tmp_path / "cache"),
    }
    return subprocess.run(
        [str(RASA_BIN), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )


def test_rasa_is_the_version_checked_against(tmp_path: Path) -> None:
    result = _rasa(["--version"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Rasa Version      :         3.6.21" in result.stdout


def test_rasa_data_validate_accepts_the_data(tmp_path: Path) -> None:
    result = _rasa(
        ["data", "validate", "--domain", DOMAIN, "--data", *RASA_DATA, "--config", CONFIG],
        tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert "No story structure conflicts found." in output


def test_rasa_trains_nlu_and_core_on_the_data(tmp_path: Path) -> None:
    out = tmp_path / "models"
    result = _rasa(
        [
            "train",
            "--domain",
            DOMAIN,
            "--data",
            *RASA_DATA,
            "--config",
            CONFIG,
            "--out",
            str(out),
            "--fixed-model-name",
            "conformance",
        ],
        tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert (out / "conformance.tar.gz").is_file(), output[-5000:]
