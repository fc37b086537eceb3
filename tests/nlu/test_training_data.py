"""Reading Rasa NLU YAML: annotation forms, synonyms, regex, lookups and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import EntityAnnotation, NluDataError, load_training_data, validate_nlu_files


def write(tmp_path: Path, body: str, name: str = "x.yml") -> Path:
    path = tmp_path / name
    path.write_text('version: "3.1"\nnlu:\n' + body, encoding="utf-8")
    return path


def test_load_training_data_reads_all_annotation_forms(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "- intent: inform\n"
        "  examples: |\n"
        "    - we are [Baltic Bytes](company_name)\n"
        "    - based in [Suomi](country:FI) with [35](number) people\n"
        '    - from [Sverige]{"entity": "country", "value": "SE"}\n'
        "    - no entities here\n",
    )
    data = load_training_data(path)
    texts = [example.text for example in data.examples]
    assert texts == [
        "we are Baltic Bytes",
        "based in Suomi with 35 people",
        "from Sverige",
        "no entities here",
    ]
    assert data.examples[0].entities == (EntityAnnotation(7, 19, "company_name", "Baltic Bytes"),)
    assert data.examples[1].entities == (
        EntityAnnotation(9, 14, "country", "FI"),
        EntityAnnotation(20, 22, "number", "35"),
    )
    assert data.examples[2].entities == (EntityAnnotation(5, 12, "country", "SE"),)
    assert data.synonyms == {"suomi": "FI", "sverige": "SE"}
    assert data.intents == ["inform"]
    assert data.entity_types == ["company_name", "country", "number"]


def test_load_training_data_merges_synonyms_regex_and_lookups(tmp_path: Path) -> None:
    write(tmp_path, "- intent: greet\n  examples: |\n    - hi\n", "a.yml")
    write(
        tmp_path,
        '- synonym: "NO"\n  examples: |\n    - Norway\n    - Norge\n'
        "- regex: number\n  examples: |\n    - \\b\\d{1,7}\\b\n"
        "- lookup: country\n  examples: |\n    - Norway\n    - Eesti\n",
        "b.yml",
    )
    data = load_training_data(tmp_path)
    assert data.synonyms == {"norway": "NO", "norge": "NO"}
    assert data.regex_features == {"number": [r"\b\d{1,7}\b"]}
    assert data.lookup_tables == {"country": ["Norway", "Eesti"]}
    assert [example.text for example in data.examples] == ["hi"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "- intent: greet\n  examples: |\n    - hi\n    - hey\n    - hello [Turku\n",
            "x.yml: intent 'greet' example 3: unclosed entity annotation '[Turku'",
        ),
        ("- intent: greet\n  examples: |\n    - hi [there]\n", "has no (entity)"),
        ("- intent: greet\n  examples: |\n    - hi\n  metadata: {}\n", "unsupported keys"),
        ("- intent: greet\n", "intent 'greet': missing 'examples'"),
        ("- intent: ''\n  examples: |\n    - hi\n", "empty intent name"),
        ("- regex: zip\n  examples: |\n    - ([0-9]\n", "regex 'zip' example 1: regex does not"),
        ("- intent: greet\n  examples: |\n    - hi: [\n", "unclosed entity annotation"),
        ("- synonym: NO\n  examples: |\n    - Norway\n", "is not a string"),
        ("- intent: greet\n  examples: |\n    hi\n", "example must start with '- '"),
        (
            "- intent: greet\n  examples: |\n    - hi\n- intent: bye\n  examples: |\n    - Hi\n",
            "intent 'bye' example 1: 'Hi' is also an example of intent 'greet'",
        ),
    ],
)
def test_load_training_data_error_names_file_and_problem(
    tmp_path: Path, body: str, problem: str
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(NluDataError) as caught:
        load_training_data(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert problem in message
    assert isinstance(caught.value, ValueError)


def test_load_training_data_rejects_yaml_syntax_and_unknown_top_level_key(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "bad.yml"
    bad_yaml.write_text("nlu:\n- intent: greet\n  examples: [unclosed\n", encoding="utf-8")
    extra = tmp_path / "extra.yml"
    extra.write_text("version: '3.1'\nresponses: {}\nnlu: []\n", encoding="utf-8")
    problems = validate_nlu_files([bad_yaml, extra])
    assert len(problems) == 2
    assert problems[0].startswith(f"{bad_yaml}: invalid YAML at line")
    assert problems[1] == f"{extra}: unknown top-level key 'responses' (supported: version, nlu)"


def test_validate_nlu_files_returns_every_problem_and_nothing_for_valid_data(
    tmp_path: Path,
) -> None:
    write(tmp_path, "- intent: greet\n  examples: |\n    - hi\n", "good.yml")
    bad = write(tmp_path, "- intent: x\n- regex: r\n  examples: |\n    - (\n", "bad.yml")
    problems = validate_nlu_files(tmp_path)
    assert len(problems) == 2
    assert all(problem.startswith(str(bad)) for problem in problems)
    assert validate_nlu_files(tmp_path / "good.yml") == []


def test_duplicate_example_across_files_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "- intent: greet\n  examples: |\n    - hello\n", "a.yml")
    write(tmp_path, "- intent: goodbye\n  examples: |\n    - hello\n", "b.yml")
    (problem,) = validate_nlu_files(tmp_path)
    assert problem.startswith(str(tmp_path / "b.yml"))
    assert str(tmp_path / "a.yml") in problem


def test_real_english_data_is_valid() -> None:
    assert validate_nlu_files(Path(__file__).parents[2] / "data" / "nlu" / "en") == []


def test_load_training_data_reads_roles_and_groups(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "- intent: inform\n"
        "  examples: |\n"
        '    - [Alfa AB]{"entity": "company_name", "role": "owner", "group": 1} owns '
        '[60]{"entity": "number", "role": "owner", "group": "1"}% of us\n'
        '    - a lab in [Suomi]{"entity": "country", "value": "FI", "role": "target"}\n',
    )
    first, second = load_training_data(path).examples
    assert first.entities == (
        EntityAnnotation(0, 7, "company_name", "Alfa AB", "owner", "1"),
        EntityAnnotation(13, 15, "number", "60", "owner", "1"),
    )
    assert second.entities == (EntityAnnotation(9, 14, "country", "FI", "target"),)


@pytest.mark.parametrize(
    "annotation",
    [
        '[x]{"entity": "a", "role": ""}',
        '[x]{"entity": "a", "role": ["owner"]}',
        '[x]{"entity": "a", "group": true}',
        '[x]{"entity": "a", "role": "owner", "metadata": {}}',
    ],
)
def test_load_training_data_rejects_bad_roles_and_groups(tmp_path: Path, annotation: str) -> None:
    path = write(tmp_path, f"- intent: inform\n  examples: |\n    - {annotation}\n")
    problems = validate_nlu_files(path)
    assert len(problems) == 1 and "x.yml" in problems[0]
