"""Loading and checking all of the assistant's Rasa-format data in one place.

`s3bot data validate` and `s3bot serve` both go through `load_bot_data`, so serve refuses to
start with exactly the messages that validate prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.dialogue.domain import Domain, load_domain
from bot.dialogue.errors import DataError
from bot.dialogue.rules import RuleSet, load_rules, rule_files
from bot.dialogue.stories import load_stories


@dataclass
class BotData:
    """The validated domain and rules, and where each language's NLU data is.

    `nlu_dirs` holds every language with NLU data; `spoken` only those the assistant also
    answers in (the default language, and each language every response has a variation for).
    A language whose data is still partial is understood by nobody and is named to the user as
    not spoken, instead of mixing languages in one conversation.
    """

    domain: Domain
    rules: RuleSet
    nlu_dirs: dict[str, Path]
    spoken: frozenset[str]

    @property
    def spoken_nlu_dirs(self) -> dict[str, Path]:
        """The NLU directories of the spoken languages: the models to train and load."""
        return {code: path for code, path in self.nlu_dirs.items() if code in self.spoken}


def load_bot_data(data_dir: Path, *, default_language: str = "en") -> BotData:
    """Load the domain, rules and NLU directories, validating the test stories too.

    Raises:
        DataError: for the first problem found (use `validate_bot_data` for all of them).
    """
    problems = validate_bot_data(data_dir, default_language=default_language)
    if problems:
        raise problems[0]
    domain = load_domain(data_dir / "domain")
    nlu_dirs = _nlu_dirs(data_dir)
    spoken = {default_language} | {
        code for code in nlu_dirs if not missing_responses(domain, code, default_language)
    }
    return BotData(
        domain=domain,
        rules=load_rules(rule_files(data_dir), domain),
        nlu_dirs=nlu_dirs,
        spoken=frozenset(spoken),
    )


def missing_responses(domain: Domain, language: str, default_language: str = "en") -> list[str]:
    """The responses with no variation for `language` (a `language` slot condition; for the
    default language, a variation without one), in name order."""

    def speaks(variation: dict[str, object]) -> bool:
        conditions = variation.get("condition") or []
        assert isinstance(conditions, list)
        for condition in conditions:
            if isinstance(condition, dict) and condition.get("name") == "language":
                return bool(condition.get("value") == language)
        return language == default_language

    return sorted(
        name
        for name, variations in domain.responses.items()
        if not any(speaks(variation) for variation in variations)
    )


def unspoken_languages(data_dir: Path, *, default_language: str = "en") -> dict[str, list[str]]:
    """Languages with NLU data that are not spoken yet, with the responses they lack."""
    domain = load_domain(data_dir / "domain")
    return {
        code: missing
        for code in _nlu_dirs(data_dir)
        if code != default_language
        and (missing := missing_responses(domain, code, default_language))
    }


def validate_bot_data(data_dir: Path, *, default_language: str = "en") -> list[DataError]:
    """Every problem in the data, each naming its file."""
    from nlu import validate_nlu_files

    try:
        domain = load_domain(data_dir / "domain")
    except DataError as exc:
        return [exc]
    problems: list[DataError] = []
    for check in (
        lambda: load_rules(rule_files(data_dir), domain),
        lambda: load_stories(data_dir / "stories", domain),
    ):
        try:
            check()
        except DataError as exc:
            problems.append(exc)
    nlu_dirs = _nlu_dirs(data_dir)
    if default_language not in nlu_dirs:
        problems.append(
            DataError(
                str(data_dir / "nlu" / default_language), "no NLU data for the default language"
            )
        )
    for language, nlu_dir in nlu_dirs.items():
        files = sorted(nlu_dir.glob("*.yml"))
        for problem in validate_nlu_files(files):
            problems.append(
                DataError(str(nlu_dir), problem) if ":" not in problem else _split(problem)
            )
        problems.extend(_check_intents(domain, files, language))
    return problems


def _split(problem: str) -> DataError:
    file, _, rest = problem.partition(": ")
    return DataError(file, rest)


def _nlu_dirs(data_dir: Path) -> dict[str, Path]:
    root = data_dir / "nlu"
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and any(p.glob("*.yml"))}


def _check_intents(domain: Domain, files: list[Path], language: str) -> list[DataError]:
    from nlu import NluDataError, load_training_data

    try:
        data = load_training_data(files)
    except NluDataError:
        return []  # already reported by validate_nlu_files
    problems = []
    trained = {example.intent for example in data.examples}
    for intent in sorted(trained - set(domain.intents)):
        problems.append(
            DataError(
                f"data/nlu/{language}", f"intent '{intent}' has examples but is not in the domain"
            )
        )
    for intent in sorted(set(domain.intents) - trained):
        problems.append(
            DataError(f"data/nlu/{language}", f"domain intent '{intent}' has no training examples")
        )
    return problems
