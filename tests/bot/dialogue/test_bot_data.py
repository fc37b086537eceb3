"""Data validation names the file and the problem, and serve refuses to start on bad data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import get_settings
from bot.dialogue.bot_data import load_bot_data, missing_responses, validate_bot_data
from bot.dialogue.errors import DataError

REAL_DATA = get_settings().DATA_DIR


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the real data."""
    target = tmp_path / "data"
    shutil.copytree(REAL_DATA, target)
    return target


def _append(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(old + text, encoding="utf-8")


def test_validate_real_data_has_no_problems() -> None:
    assert validate_bot_data(REAL_DATA) == []


def test_load_merges_domain_files() -> None:
    domain = load_bot_data(REAL_DATA).domain
    assert "greet" in domain.intents  # intents.yml
    assert "profile_form" in domain.forms  # slots.yml
    assert "utter_greet" in domain.responses  # responses_en.yml
    assert "validate_profile_form" in domain.actions  # actions.yml


@pytest.mark.parametrize(
    ("file", "addition", "problem"),
    [
        ("domain/intents.yml", "\nsurprise: true\n", "unsupported top-level key(s): surprise"),
        (
            "domain/extra.yml",
            "slots:\n  broken_slot:\n    type: wibble\n    mappings: []\n",
            "slot 'broken_slot': type 'wibble'",
        ),
        (
            "domain/extra.yml",
            "slots:\n  needy:\n    type: text\n    mappings:\n"
            "      - type: from_entity\n        entity: unknown_thing\n",
            "entity 'unknown_thing' is not declared",
        ),
        (
            "domain/extra.yml",
            "slots:\n  no_mappings:\n    type: text\n",
            "'mappings' must be a list",
        ),
        (
            "domain/responses_en.yml",
            "  utter_nothing:\n    - buttons: []\n",
            "a variation needs text, image or custom",
        ),
        (
            "domain/actions.yml",
            "\n  - utter_missing_response\n",
            "action 'utter_missing_response' has no response",
        ),
        (
            "rules.yml",
            "  - rule: bad\n    steps:\n      - intent: never_declared\n",
            "unknown intent 'never_declared'",
        ),
        (
            "rules.yml",
            "  - rule: bad action\n    steps:\n      - intent: greet\n"
            "      - action: action_nobody_wrote\n",
            "unknown action 'action_nobody_wrote'",
        ),
        (
            "rules.yml",
            "  - rule: or step\n    steps:\n      - or:\n          - intent: greet\n",
            "the 'or' step is not supported",
        ),
        (
            "stories/extra.yml",
            "stories:\n  - story: wrong slot\n    steps:\n"
            "      - user: hi\n      - slot_was_set:\n          - not_a_slot: 1\n",
            "unknown slot 'not_a_slot'",
        ),
    ],
)
def test_validate_names_file_and_problem(
    data_dir: Path, file: str, addition: str, problem: str
) -> None:
    if file == "domain/actions.yml":
        text = (data_dir / file).read_text(encoding="utf-8")
        (data_dir / file).write_text(
            text.replace(
                "  - action_reset_profile", "  - action_reset_profile" + addition.rstrip()
            ),
            encoding="utf-8",
        )
    else:
        _append(data_dir / file, addition)
    problems = validate_bot_data(data_dir)
    assert problems, "the broken data was accepted"
    assert any(str(data_dir / file) in str(p) and problem in str(p) for p in problems), problems


def test_validate_reports_invalid_yaml_with_line(data_dir: Path) -> None:
    (data_dir / "rules.yml").write_text("rules:\n  - rule: x\n   steps: [\n", encoding="utf-8")
    problems = validate_bot_data(data_dir)
    assert any("rules.yml: invalid YAML at line" in str(p) for p in problems)


def test_validate_reports_intent_without_examples(data_dir: Path) -> None:
    text = (data_dir / "domain/intents.yml").read_text(encoding="utf-8")
    (data_dir / "domain/intents.yml").write_text(
        text.replace("  - out_of_scope\n", "  - out_of_scope\n  - lonely_intent\n"),
        encoding="utf-8",
    )
    assert any(
        "domain intent 'lonely_intent' has no training examples" in str(p)
        for p in validate_bot_data(data_dir)
    )


def test_validate_reports_bad_nlu_file(data_dir: Path) -> None:
    _append(data_dir / "nlu/en/basics.yml", "- intent: greet\n  examples: |\n    - [Turku\n")
    problems = validate_bot_data(data_dir)
    assert any("basics.yml" in str(p) for p in problems), problems


def test_load_raises_the_first_problem(data_dir: Path) -> None:
    _append(data_dir / "domain/intents.yml", "\nsurprise: true\n")
    with pytest.raises(DataError, match="intents.yml: unsupported top-level key"):
        load_bot_data(data_dir)


def test_cli_validate_and_serve_refuse_bad_data_with_the_same_message(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _append(data_dir / "rules.yml", "  - rule: bad\n    steps:\n      - intent: never_declared\n")
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{data_dir.parent / 'db.sqlite'}")
    get_settings.cache_clear()
    try:
        assert main(["data", "validate"]) == 1
        validate_err = capsys.readouterr().err
        assert main(["serve", "--port", "1"]) == 2
        serve_err = capsys.readouterr().err
    finally:
        get_settings.cache_clear()
    expected = "unknown intent 'never_declared'"
    assert expected in validate_err and expected in serve_err
    assert str(data_dir / "rules.yml") in serve_err


def test_cli_validate_reports_a_broken_content_module(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "content" / "en" / "zz_broken.md").write_text("---\nid: broken\n---\n", "utf-8")
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        assert main(["data", "validate"]) == 1
    finally:
        get_settings.cache_clear()
    assert "zz_broken.md: missing front-matter key(s)" in capsys.readouterr().err


def test_a_language_is_spoken_only_once_every_response_has_its_variation(data_dir: Path) -> None:
    """NLU data alone does not make a language spoken: a partial translation would mix
    languages in one conversation. Estonian stands for any language being written."""
    shutil.copytree(data_dir / "nlu" / "en", data_dir / "nlu" / "et")
    partial = load_bot_data(data_dir)
    assert "et" in partial.nlu_dirs and "et" not in partial.spoken
    assert "et" not in partial.spoken_nlu_dirs and "en" in partial.spoken_nlu_dirs
    missing = missing_responses(partial.domain, "et")
    assert "utter_greet" in missing and missing == sorted(missing)

    lines = ["responses:"]
    for name in partial.domain.responses:
        lines += [
            f"  {name}:",
            "    - text: Tere!",
            "      condition: [{type: slot, name: language, value: et}]",
        ]
    (data_dir / "domain" / "responses_et.yml").write_text("\n".join(lines) + "\n", "utf-8")
    complete = load_bot_data(data_dir)
    assert "et" in complete.spoken and missing_responses(complete.domain, "et") == []
    assert missing_responses(complete.domain, "en") == []


def test_validate_names_a_language_that_is_not_spoken_yet(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(data_dir / "nlu" / "en", data_dir / "nlu" / "et")
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        assert main(["data", "validate"]) == 0
    finally:
        get_settings.cache_clear()
    assert "note: 'et' has NLU data but is not spoken yet" in capsys.readouterr().out
