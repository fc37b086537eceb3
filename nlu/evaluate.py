"""Evaluating an NLU model: intent and entity metrics, threshold choice, error reports.

Used by ``s3bot test nlu`` (held-out file or k-fold cross-validation) and by
``bench/nlu.py`` (public benchmarks). Out-of-scope handling follows the CLINC150
paper: a gold ``out_of_scope`` example is right when the model predicts
``out_of_scope`` or its top confidence is below the threshold; any in-scope
example whose confidence is below the threshold is wrong (it would fall back).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from nlu.interpreter import FALLBACK_INTENT, Interpreter
from nlu.training_data import Example, TrainingData, load_training_data, nlu_files

OUT_OF_SCOPE = "out_of_scope"
# Label of entities without a role (facts of the user's own company) in the per-role scores.
NO_ROLE = "(no role)"
Span = tuple[int, int, str]
RoleSpan = tuple[int, int, str, str]  # start, end, entity type, role (NO_ROLE when none)


@dataclass(frozen=True)
class LabelledText:
    """One evaluation example: text, gold intent, gold entity spans and their roles.

    ``roles`` repeats every entity with its role (``NO_ROLE`` for the user's own facts). Only
    examples with ``role_scored`` count for roles: a file that annotates no role at all says
    nothing about them, one that annotates some is taken to annotate all.
    """

    text: str
    intent: str
    entities: tuple[Span, ...] = ()
    roles: tuple[RoleSpan, ...] = ()
    role_scored: bool = False


@dataclass(frozen=True)
class Prediction:
    """The model's raw answer for one example (before any threshold)."""

    intent: str
    confidence: float
    entities: tuple[Span, ...] = ()
    roles: tuple[RoleSpan, ...] = ()


@dataclass
class Scores:
    """Precision, recall, F1 and support of one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class NluReport:
    """Everything ``s3bot test nlu`` and the bench print or write."""

    threshold: float
    intent_accuracy: float
    in_scope_accuracy: float | None
    oos_recall: float | None
    macro_f1: float
    intents: dict[str, Scores]
    confusions: list[tuple[str, str, int]]
    entity_f1: float | None
    entities: dict[str, Scores]
    errors: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, Scores] = field(default_factory=dict)
    role_errors: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The headline figures (percent), as the bench's JSON keys."""
        return {
            "intent_accuracy": self.intent_accuracy,
            "in_scope_accuracy": self.in_scope_accuracy,
            "oos_recall": self.oos_recall,
            "macro_f1": self.macro_f1,
            "entity_f1": self.entity_f1,
            "threshold": self.threshold,
        }


def from_training_data(data: TrainingData) -> list[LabelledText]:
    """Evaluation examples from Rasa NLU YAML data (entities by character span).

    They are scored for roles when some example of the data has a role annotation.
    """
    scored = any(e.role for example in data.examples for e in example.entities)
    return [_labelled(example, role_scored=scored) for example in data.examples]


def _labelled(example: Example, *, role_scored: bool = False) -> LabelledText:
    spans = tuple(sorted((e.start, e.end, e.entity) for e in example.entities))
    if not role_scored:
        return LabelledText(example.text, example.intent, spans)
    roles = _role_spans([(e.start, e.end, e.entity, e.role) for e in example.entities])
    return LabelledText(example.text, example.intent, spans, roles, role_scored=True)


def _role_spans(entities: Iterable[tuple[int, int, str, str | None]]) -> tuple[RoleSpan, ...]:
    return tuple(sorted((s, e, t, role or NO_ROLE) for s, e, t, role in entities))


def load_jsonl(path: Path) -> list[LabelledText]:
    """Read ``{"text", "intent", "entities"?}`` lines (entities: start, end, entity, role?).

    As for YAML, the lines are scored for roles when some entity of the file has a role.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    scored = any(e.get("role") for row in rows for e in row.get("entities", []))
    examples = []
    for row in rows:
        found = row.get("entities", [])
        spans = tuple(sorted((e["start"], e["end"], e["entity"]) for e in found))
        roles = _role_spans((e["start"], e["end"], e["entity"], e.get("role")) for e in found)
        if not scored:
            roles = ()
        examples.append(LabelledText(row["text"], row["intent"], spans, roles, scored))
    return examples


def load_examples(path: Path | Sequence[Path]) -> list[LabelledText]:
    """Read evaluation examples from ``.jsonl`` files or Rasa NLU YAML (files or directories)."""
    paths = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    examples: list[LabelledText] = []
    for item in paths:
        for file in nlu_files(item) if item.is_dir() else [item]:
            if file.suffix == ".jsonl":
                examples.extend(load_jsonl(file))
            else:  # one file at a time: whether roles are scored is decided per file
                examples.extend(from_training_data(load_training_data([file])))
    return examples


def held_out_files(test_dir: Path, language: str) -> list[Path]:
    """The held-out files of a language: ``<lang>.yml`` and every ``<lang>_*.yml``.

    Args:
        test_dir: The held-out directory (``data/nlu_test``).
        language: Language code.

    Returns:
        The files that exist, ``<lang>.yml`` first, then the others by name.
    """
    main = Path(test_dir) / f"{language}.yml"
    others = sorted(Path(test_dir).glob(f"{language}_*.yml"))
    return ([main] if main.is_file() else []) + others


def predict(interpreter: Interpreter, examples: Iterable[LabelledText]) -> list[Prediction]:
    """Parse every example with no fallback threshold (thresholds are applied later)."""
    raw = Interpreter(interpreter.nlp, fallback_threshold=0.0)
    predictions = []
    for example in examples:
        parsed = raw.parse(example.text)
        # An entity inferred from another (a region's country) is not read from the text,
        # so it has no span of its own to score.
        read = [e for e in parsed["entities"] if "derived_from" not in e]
        spans = tuple(sorted((e["start"], e["end"], e["entity"]) for e in read))
        roles = tuple(
            sorted((e["start"], e["end"], e["entity"], e.get("role") or NO_ROLE) for e in read)
        )
        intent = parsed["intent"]
        predictions.append(Prediction(intent["name"] or "", intent["confidence"], spans, roles))
    return predictions


def apply_threshold(prediction: Prediction, threshold: float) -> str:
    """The predicted intent after the fallback threshold (fallback counts as out of scope)."""
    if prediction.confidence < threshold or prediction.intent == FALLBACK_INTENT:
        return OUT_OF_SCOPE
    return prediction.intent


def choose_threshold(examples: Sequence[LabelledText], predictions: Sequence[Prediction]) -> float:
    """The fallback threshold with the best accuracy on (validation) examples.

    Candidates are 0 and every distinct confidence; ties go to the lower threshold.
    Call this on validation data only, never on the test set.

    Args:
        examples: Labelled validation examples (``out_of_scope`` marks out of scope).
        predictions: The model's raw predictions for them, in the same order.

    Returns:
        The chosen threshold.
    """
    pairs = sorted(zip(predictions, examples, strict=True), key=lambda p: p[0].confidence)
    # With threshold t, examples with confidence < t become out_of_scope.
    correct = sum(p.intent == e.intent for p, e in pairs)
    best, best_threshold = correct, 0.0
    for i, (prediction, example) in enumerate(pairs):
        was = prediction.intent == example.intent
        now = example.intent == OUT_OF_SCOPE
        correct += int(now) - int(was)
        nxt = pairs[i + 1][0].confidence if i + 1 < len(pairs) else prediction.confidence + 1e-6
        if nxt > prediction.confidence and correct > best:
            best, best_threshold = correct, (prediction.confidence + nxt) / 2
    return float(min(best_threshold, 1.0))


def _scores(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(100 * precision, 100 * recall, 100 * f1, tp + fn)


def _per_label(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Scores]:
    labels = sorted(set(gold) | set(predicted))
    tp = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    gold_count, predicted_count = Counter(gold), Counter(predicted)
    return {
        label: _scores(tp[label], predicted_count[label] - tp[label], gold_count[label] - tp[label])
        for label in labels
    }


def _entity_scores(
    examples: Sequence[LabelledText], predictions: Sequence[Prediction]
) -> tuple[float | None, dict[str, Scores]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for example, prediction in zip(examples, predictions, strict=True):
        gold, found = set(example.entities), set(prediction.entities)
        for span in gold & found:
            tp[span[2]] += 1
        for span in found - gold:
            fp[span[2]] += 1
        for span in gold - found:
            fn[span[2]] += 1
    gold_types = sorted({span[2] for example in examples for span in example.entities})
    if not gold_types:
        return None, {}
    per_type = {t: _scores(tp[t], fp[t], fn[t]) for t in sorted(set(gold_types) | set(fp))}
    micro = _scores(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return micro.f1, per_type


def _role_scores(
    examples: Sequence[LabelledText], predictions: Sequence[Prediction]
) -> tuple[dict[str, Scores], list[dict[str, Any]]]:
    """Per-role scores over the role-annotated examples: right = span, type and role equal.

    Entities without a role are scored too, under ``NO_ROLE``: a fact of the user's company
    read as someone else's is as wrong as the other way round.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors = []
    for example, prediction in zip(examples, predictions, strict=True):
        if not example.role_scored:
            continue
        gold, found = set(example.roles), set(prediction.roles)
        for span in gold & found:
            tp[span[3]] += 1
        for span in found - gold:
            fp[span[3]] += 1
        for span in gold - found:
            fn[span[3]] += 1
        if gold != found:
            errors.append(
                {
                    "text": example.text,
                    "missed": [_role_text(example.text, s) for s in sorted(gold - found)],
                    "wrong": [_role_text(example.text, s) for s in sorted(found - gold)],
                }
            )
    labels = sorted(set(tp) | set(fn) | set(fp))
    return {label: _scores(tp[label], fp[label], fn[label]) for label in labels}, errors


def _role_text(text: str, span: RoleSpan) -> str:
    start, end, entity, role = span
    return f"{text[start:end]} ({entity}, {role})"


def evaluate(
    examples: Sequence[LabelledText], predictions: Sequence[Prediction], threshold: float
) -> NluReport:
    """Intent and entity metrics of predictions at one fallback threshold.

    Args:
        examples: Gold examples.
        predictions: Raw predictions in the same order (see ``predict``).
        threshold: Confidence below which the prediction counts as out of scope.

    Returns:
        The report; percentages in 0-100. ``in_scope_accuracy``/``oos_recall`` are
        None when the examples have no in-scope/out-of-scope item. Entities match
        when start, end and type are equal (the value is not compared).
    """
    gold = [example.intent for example in examples]
    predicted = [apply_threshold(p, threshold) for p in predictions]
    right = [g == p for g, p in zip(gold, predicted, strict=True)]
    in_scope = [r for r, g in zip(right, gold, strict=True) if g != OUT_OF_SCOPE]
    oos = [r for r, g in zip(right, gold, strict=True) if g == OUT_OF_SCOPE]
    intents = _per_label(gold, predicted)
    gold_labels = set(gold)
    macro = sum(s.f1 for label, s in intents.items() if label in gold_labels) / len(gold_labels)
    pairs = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    entity_f1, entities = _entity_scores(examples, predictions)
    roles, role_errors = _role_scores(examples, predictions)
    errors = [
        {
            "text": example.text,
            "intent": example.intent,
            "predicted": label,
            "confidence": round(prediction.confidence, 4),
        }
        for example, prediction, label in zip(examples, predictions, predicted, strict=True)
        if label != example.intent
    ]
    return NluReport(
        threshold=threshold,
        intent_accuracy=_percent(right),
        in_scope_accuracy=_percent(in_scope) if in_scope else None,
        oos_recall=_percent(oos) if oos else None,
        macro_f1=macro,
        intents=intents,
        confusions=[(g, p, n) for (g, p), n in pairs.most_common()],
        entity_f1=entity_f1,
        entities=entities,
        errors=errors,
        roles=roles,
        role_errors=role_errors,
    )


def _percent(flags: Sequence[bool]) -> float:
    return 100.0 * sum(flags) / len(flags) if flags else 0.0


def cross_validation_folds(
    data: TrainingData, folds: int, *, seed: int = 42
) -> list[tuple[list[Example], list[Example]]]:
    """Stratified k-fold splits of training examples: (train, held out) per fold."""
    by_intent: dict[str, list[Example]] = {}
    for example in data.examples:
        by_intent.setdefault(example.intent, []).append(example)
    rng = random.Random(seed)
    assignment: list[list[Example]] = [[] for _ in range(folds)]
    for intent in sorted(by_intent):
        examples = list(by_intent[intent])
        rng.shuffle(examples)
        for i, example in enumerate(examples):
            assignment[i % folds].append(example)
    return [
        ([e for j, part in enumerate(assignment) if j != k for e in part], assignment[k])
        for k in range(folds)
    ]


def write_report(report: NluReport, out_dir: Path) -> list[Path]:
    """Write the intent, entity (with roles) and error reports as JSON; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "intent_report.json": {
            "summary": report.summary(),
            "intents": {k: asdict(v) for k, v in report.intents.items()},
            "confusions": [
                {"intent": g, "predicted": p, "count": n} for g, p, n in report.confusions
            ],
        },
        "entity_report.json": {
            "entity_f1": report.entity_f1,
            "entities": {k: asdict(v) for k, v in report.entities.items()},
            "roles": {k: asdict(v) for k, v in report.roles.items()},
        },
        "intent_errors.json": report.errors,
        "role_errors.json": report.role_errors,
    }
    paths = []
    for name, content in files.items():
        path = out_dir / name
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def format_report(report: NluReport, *, top_confusions: int = 10) -> str:
    """The report as a plain-text table for the terminal."""
    lines = [f"{'intent':<28}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for label, s in report.intents.items():
        lines.append(f"{label:<28}{s.precision:>10.1f}{s.recall:>8.1f}{s.f1:>8.1f}{s.support:>9}")
    lines.append("")
    lines.append(f"intent accuracy {report.intent_accuracy:.1f}%  macro F1 {report.macro_f1:.1f}")
    if report.in_scope_accuracy is not None and report.oos_recall is not None:
        lines.append(
            f"in-scope accuracy {report.in_scope_accuracy:.1f}%  "
            f"out-of-scope recall {report.oos_recall:.1f}%  (threshold {report.threshold:.3f})"
        )
    if report.confusions:
        lines.append("most confused (gold -> predicted: count):")
        for gold, predicted, count in report.confusions[:top_confusions]:
            lines.append(f"  {gold} -> {predicted}: {count}")
    if report.entities:
        lines.append("")
        lines.append(f"{'entity':<28}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
        for label, s in report.entities.items():
            lines.append(
                f"{label:<28}{s.precision:>10.1f}{s.recall:>8.1f}{s.f1:>8.1f}{s.support:>9}"
            )
        lines.append(f"entity F1 (micro) {report.entity_f1:.1f}")
    if report.roles:
        lines.append("")
        lines.append(f"{'entity role':<28}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
        for label, s in report.roles.items():
            lines.append(
                f"{label:<28}{s.precision:>10.1f}{s.recall:>8.1f}{s.f1:>8.1f}{s.support:>9}"
            )
    return "\n".join(lines)


def cross_validate(
    data: TrainingData, folds: int, *, language: str = "en"
) -> tuple[list[LabelledText], list[Prediction]]:
    """Train one model per fold (the ``nlu.train`` pipeline) and predict its held-out part.

    Args:
        data: All training data.
        folds: Number of stratified folds (at least 2).
        language: spaCy language code.

    Returns:
        Every example once, with the prediction of the model that did not see it.
    """
    from thinc.api import Config

    from nlu.pipeline_config import pipeline_config_text
    from nlu.train import build_and_train, ner_types

    examples: list[LabelledText] = []
    predictions: list[Prediction] = []
    for train_part, held_out in cross_validation_folds(data, folds):
        fold_data = replace(data, examples=train_part)
        config = pipeline_config_text(language, with_ner=bool(ner_types(fold_data)))
        interpreter = Interpreter(build_and_train(fold_data, Config().from_str(config)))
        labelled = [_labelled(example) for example in held_out]
        examples.extend(labelled)
        predictions.extend(predict(interpreter, labelled))
    return examples, predictions


def run_nlu_test(
    *,
    nlu_dir: Path,
    models_dir: Path,
    language: str,
    threshold: float,
    test_path: Path | Sequence[Path] | None = None,
    folds: int | None = None,
) -> NluReport:
    """Evaluate the NLU like ``rasa test nlu``: on a held-out file or by cross-validation.

    Args:
        nlu_dir: Training data directory (``data/nlu/<lang>``).
        models_dir: Models directory; the held-out mode trains there unless unchanged.
        language: spaCy language code.
        threshold: Fallback threshold to apply (the configured ``NLU_FALLBACK_THRESHOLD``).
        test_path: Held-out examples (Rasa NLU YAML or JSONL files); used when ``folds`` is
            None.
        folds: Number of cross-validation folds on the training data instead.

    Returns:
        The report at ``threshold``.
    """
    if folds is not None:
        examples, predictions = cross_validate(load_training_data(nlu_files(nlu_dir)), folds)
    else:
        from nlu.train import train

        if test_path is None:
            raise ValueError("give test_path or folds")
        result = train(nlu_dir, models_dir, language=language)
        examples = load_examples(test_path)
        predictions = predict(Interpreter.load(result.model_path), examples)
    return evaluate(examples, predictions, threshold)
