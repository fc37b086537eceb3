"""Module files: the real ones load, steps fit a phone screen, broken ones say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.content import content_dir
from actions.content.modules import (
    MAX_STEP_CHARS,
    ModuleError,
    load_modules,
    parse_module,
    split_steps,
    validate_modules,
)

GOOD = """---
id: demo_module
title: A demo module
order: 1
summary: For tests.
sources: [https://s3platform.jrc.ec.europa.eu/about-us]
country: FI
regions:
  - {name: Tampere, nuts: [FI197], aliases: [Pirkanmaa]}
  - {name: Uusimaa, nuts: [FI1B]}
check:
  question: Which?
  choices: {a: One, b: Two, c: Three}
  answer: b
  explanation: "Because (source: s3platform.jrc.ec.europa.eu)."
---
## Intro
Finland's regions (source: s3platform.jrc.ec.europa.eu).

## Uusimaa
Helsinki things (source: s3platform.jrc.ec.europa.eu).

## Tampere
Tampere things (source: s3platform.jrc.ec.europa.eu).
"""


def test_load_modules_real_content_is_valid_and_covers_the_topics() -> None:
    directory = content_dir("en")
    assert validate_modules(directory) == []
    ids = {m.id for m in load_modules(directory)}
    countries = {"s3_finland", "s3_sweden", "s3_denmark", "s3_lithuania", "s3_norway"}
    countries |= {"s3_estonia", "s3_latvia", "s3_poland", "s3_germany"}
    topics = {"what_is_s3", "entrepreneurial_discovery", "bio_circular_digital"}
    topics |= {"transnational_collaboration", "innovation_vouchers", "where_to_get_help"}
    assert countries | topics <= ids


def test_load_modules_every_step_fits_a_phone_screen() -> None:
    for module in load_modules(content_dir("en")):
        for step in module.steps:
            assert len(step.text) <= MAX_STEP_CHARS, (module.path, step.title)


def test_load_modules_demo_voucher_is_marked_as_a_demo() -> None:
    module = next(m for m in load_modules(content_dir("en")) if m.id == "innovation_vouchers")
    demo = [s for s in module.steps if "demo" in s.title.lower()]
    assert demo and "not an official programme" in demo[0].body


def test_parse_module_reads_front_matter_steps_and_regions() -> None:
    module = parse_module(GOOD, "demo.md")
    assert module.id == "demo_module" and module.country == "FI"
    assert [s.title for s in module.steps] == ["Intro", "Uusimaa", "Tampere"]
    assert [s.region for s in module.steps] == [None, "Uusimaa", "Tampere"]
    assert module.check.answer == "b" and module.check.choice_text("c") == "Three"


def test_steps_for_puts_the_smes_region_right_after_the_intro() -> None:
    module = parse_module(GOOD, "demo.md")
    assert [s.title for s in module.steps_for("FI", "FI197")] == ["Intro", "Tampere", "Uusimaa"]
    assert [s.title for s in module.steps_for("FI", "pirkanmaa")][1] == "Tampere"
    assert [s.title for s in module.steps_for("SE", "FI197")][1] == "Uusimaa"
    assert [s.title for s in module.steps_for(None, None)][1] == "Uusimaa"


def test_split_steps_accepts_rules_and_headings() -> None:
    assert split_steps("one\n---\ntwo\n## Three\nthree") == [
        ("", "one"),
        ("", "two"),
        ("Three", "three"),
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("id: demo_module\n", ""), "missing front-matter key(s): id"),
        (("answer: b", "answer: d"), "check 'answer' must be a, b or c"),
        (("c: Three}", "d: Three}"), "exactly the keys a, b and c"),
        (("order: 1", "order: first"), "'order' must be a whole number"),
        (("Tampere things", "x" * 700), "more than 600: split it"),
        (("(source: s3platform.jrc.ec.europa.eu).\n\n## Uusimaa", ".\n\n## Uusimaa"), "cites no"),
        (
            ("Helsinki things (source: s3platform", "Helsinki (source: example.org; s3platform"),
            "example.org",
        ),
        (("## Tampere", "## Tampere region"), "no step titled like region(s): Tampere"),
        (("summary: For tests.\n", "summary: For tests.\nauthor: me\n"), "unknown front-matter"),
    ],
)
def test_parse_module_broken_names_file_and_problem(change: tuple[str, str], problem: str) -> None:
    with pytest.raises(ModuleError) as error:
        parse_module(GOOD.replace(*change, 1), "data/content/en/broken.md")
    assert str(error.value).startswith("data/content/en/broken.md: ")
    assert problem in str(error.value)


def test_parse_module_without_front_matter_is_rejected() -> None:
    with pytest.raises(ModuleError, match="x.md: the file must start with YAML front matter"):
        parse_module("## Just text\nhello", "x.md")


def test_validate_modules_lists_every_broken_file_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.md").write_text(GOOD.replace("order: 1", "order: 2"), encoding="utf-8")
    (tmp_path / "c.md").write_text("no front matter", encoding="utf-8")
    problems = validate_modules(tmp_path)
    assert any(p.startswith(f"{tmp_path / 'c.md'}: ") for p in problems)
    assert any("id demo_module is also used by" in p for p in problems)
    with pytest.raises(ModuleError):
        load_modules(tmp_path)
