"""The source rule: every fact of a step ends with a citation of one of the module's sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actions.content import content_dir
from actions.content.modules import ModuleError, load_modules, parse_module, uncited_lines

MODULE = """---
id: sourced_module
title: A sourced module
order: 99
summary: For tests.
sources: [https://s3platform.jrc.ec.europa.eu/about-us, https://www.ris3.cz/en/about]
check:
  question: Which?
  choices: {a: One, b: Two, c: Three}
  answer: b
  explanation: "Because (source: s3platform.jrc.ec.europa.eu)."
---
## Facts

The platform was set up in 2011 (source: s3platform.jrc.ec.europa.eu).
Seven criteria apply (source: ris3.cz).

## A list

- Place-based.
- Choices.
(source: s3platform.jrc.ec.europa.eu)
"""


def test_uncited_lines_accepts_cited_prose_and_lists_cited_at_their_end() -> None:
    body = "A fact (source: a.eu).\n\n- one\n- two (source: b.eu)\n\n- three\n(sources: c.eu)"
    assert uncited_lines(body) == []


def test_uncited_lines_finds_a_sentence_after_the_last_citation_and_an_open_list() -> None:
    body = "A fact (source: a.eu). And an unsourced claim.\n- one\n- two\n\nLast (source: a.eu)."
    assert uncited_lines(body) == ["A fact (source: a.eu). And an unsourced claim.", "- two"]


def test_parse_module_accepts_every_fact_sourced() -> None:
    module = parse_module(MODULE, "x.md")
    assert [s.title for s in module.steps] == ["Facts", "A list"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("Seven criteria apply (source: ris3.cz).", "Seven criteria apply."),
            "step 1 ('Facts') states facts without a source at its end: 'Seven criteria apply.",
        ),
        (
            ("(source: ris3.cz).", "(source: ris3.cz). Regions must comply by 2027."),
            "step 1 ('Facts') states facts without a source at its end",
        ),
        (
            ("(source: s3platform.jrc.ec.europa.eu)\n", "Nothing cites this list.\n"),
            "step 2 ('A list') cites no source",
        ),
        (
            ("(source: ris3.cz).", "(source: the national schemes).\n"),
            "step 1 ('Facts') cites 'the national schemes', which names no host",
        ),
    ],
)
def test_parse_module_rejects_an_unsourced_step_naming_module_and_step(
    change: tuple[str, str], problem: str
) -> None:
    with pytest.raises(ModuleError) as error:
        parse_module(MODULE.replace(*change, 1), "data/content/en/99_x.md")
    assert str(error.value).startswith("data/content/en/99_x.md: ")
    assert problem in str(error.value)


def test_real_modules_source_every_line() -> None:
    for module in load_modules(content_dir("en")):
        for step in module.steps:
            assert uncited_lines(step.body) == [], (module.id, step.title)


def test_data_validate_fails_on_a_module_with_an_unsourced_step(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parents[3] / "data", data)
    broken = MODULE.replace("Seven criteria apply (source: ris3.cz).", "Seven criteria apply.")
    (data / "content" / "en" / "99_unsourced.md").write_text(broken, encoding="utf-8")
    env = {**os.environ, "DATA_DIR": str(data), "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "data", "validate"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "99_unsourced.md: step 1 ('Facts') states facts without a source" in result.stderr
