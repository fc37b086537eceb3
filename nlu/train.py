"""Training an NLU model from Rasa NLU YAML, skipped when nothing changed.

A model is named after a fingerprint of its inputs (training files, pipeline
config, pipeline version). Training writes to a temporary directory that is
renamed into place, so an interrupted run never leaves a half-written model.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.training import Example as SpacyExample
from spacy.util import compounding, fix_random_seed, minibatch
from thinc.api import Config, Optimizer, registry

from nlu.classifier import IntentClassifier  # importing registers the classifier factory
from nlu.components import (  # importing registers the s3_* factories
    NER_INTENTS_META,
    JsonDataComponent,
)
from nlu.entities import (  # registers the entity factories
    NORMALISED_TYPES,
    add_entity_normalisers,
    entity_data_files,
)
from nlu.pipeline_config import PIPELINE_VERSION, pipeline_config_text
from nlu.training_data import TrainingData, load_training_data, nlu_files

LATEST_SUFFIX = ".latest"

#: Told of each training step as it starts: (what, steps done, steps in all); then of the end
#: as ("trained" or "unchanged", all, all). A command shows it as progress.
StepCallback = Callable[[str, int, int], None]


class _Steps:
    """Counts the steps of one training for a `StepCallback` (none: nothing is told)."""

    def __init__(self, on_step: StepCallback | None, total: int) -> None:
        self.on_step, self.total, self.done = on_step, total, 0

    def start(self, what: str) -> None:
        if self.on_step is not None:
            self.on_step(what, self.done, self.total)
        self.done += 1

    def end(self, what: str) -> None:
        if self.on_step is not None:
            self.on_step(what, self.total, self.total)


@dataclass(frozen=True)
class TrainResult:
    """Outcome of ``train``.

    Attributes:
        model_path: Directory of the model for the current training data.
        trained: False when an existing model with the same fingerprint was reused.
        fingerprint: Hex sha256 of the training files, config and pipeline version.
    """

    model_path: Path
    trained: bool
    fingerprint: str


def fingerprint(files: list[Path], config_text: str) -> str:
    """Hash the training inputs.

    Args:
        files: Training files; hashed in order of file name.
        config_text: The full pipeline config text.

    Returns:
        The hex sha256 digest.
    """
    digest = hashlib.sha256()
    digest.update(PIPELINE_VERSION.encode())
    digest.update(b"\0config\0" + config_text.encode())
    for path in sorted(files, key=lambda p: (p.name, str(p))):
        digest.update(b"\0file\0" + path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def latest_pointer(models_dir: Path, language: str) -> Path:
    """Path of the text file naming the current model directory for a language."""
    return models_dir / f"nlu-{language}{LATEST_SUFFIX}"


def train(
    nlu_dir: Path,
    models_dir: Path,
    *,
    language: str = "en",
    force: bool = False,
    on_step: StepCallback | None = None,
) -> TrainResult:
    """Train the NLU pipeline for one language unless an identical model exists.

    Args:
        nlu_dir: Directory of Rasa NLU YAML files (``data/nlu/<lang>``).
        models_dir: Where models are stored; created if missing.
        language: spaCy language code of the data.
        force: Retrain even when a model with the same fingerprint exists.
        on_step: Told of each step as it starts, and of the end.

    Returns:
        Where the model is, whether it was trained now, and its fingerprint.

    Raises:
        NluDataError: If the training data is invalid.
    """
    files = nlu_files(Path(nlu_dir))
    data = load_training_data(files)
    config_text = pipeline_config_text(language, with_ner=bool(ner_types(data)))
    digest = fingerprint([*files, *entity_data_files()], config_text)
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    model_path = models_dir / f"nlu-{language}-{digest[:12]}"
    if model_path.is_dir() and not force:
        _write_latest(models_dir, language, model_path)
        _Steps(on_step, 1).end("unchanged")
        return TrainResult(model_path, False, digest)
    config = Config().from_str(config_text)
    # The classifier, each epoch of the NER when there is one, saving.
    steps = _Steps(on_step, 2 + (config["training"]["max_epochs"] if ner_types(data) else 0))
    nlp = build_and_train(data, config, steps=steps)
    steps.start("saving")
    nlp.meta["s3_fingerprint"] = digest
    nlp.meta[NER_INTENTS_META] = ner_intents(data)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{model_path.name}-", dir=models_dir))
    try:
        nlp.to_disk(tmp / "model")
        _replace_dir(tmp / "model", model_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _write_latest(models_dir, language, model_path)
    steps.end("trained")
    return TrainResult(model_path, True, digest)


def _replace_dir(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``, replacing an existing ``target`` safely."""
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}-{time.time_ns()}")
        os.rename(target, old)
        os.rename(source, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(source, target)


def _write_latest(models_dir: Path, language: str, model_path: Path) -> None:
    """Point the language's "latest" file at the model; left untouched when it already does,
    so that reusing a model changes nothing in the models folder."""
    pointer = latest_pointer(models_dir, language)
    try:
        if pointer.read_text(encoding="utf-8").strip() == model_path.name:
            return
    except OSError:  # no pointer yet
        pass
    tmp = pointer.with_name(f".{pointer.name}.{os.getpid()}.tmp")
    tmp.write_text(model_path.name + "\n", encoding="utf-8")
    os.replace(tmp, pointer)


def ner_types(data: TrainingData) -> set[str]:
    """Annotated entity types that only the statistical NER can find (no regex, lookup or
    normaliser produces them); the pipeline has an ``ner`` component only if there are some."""
    rules = NORMALISED_TYPES | set(data.regex_features) | set(data.lookup_tables)
    return set(data.entity_types) - rules


def ner_intents(data: TrainingData) -> list[str]:
    """The intents whose examples carry entities only the NER finds: where the interpreter
    must run it even when the text shows no sign of a name (``Interpreter`` reads this)."""
    learned = ner_types(data)
    return sorted({e.intent for e in data.examples if any(a.entity in learned for a in e.entities)})


def _ner_examples(nlp: Language, data: TrainingData) -> list[SpacyExample]:
    """NER examples for the types only the NER finds (company names ...).

    Types that regexes, lookups or the entity normalisers produce are left out: the merger
    would discard NER spans of them anyway, and annotating a headcount with its role in the
    data must not teach the NER a second, string-valued headcount.
    """
    learned = ner_types(data)
    examples = []
    for example in data.examples:
        doc = nlp.make_doc(example.text)
        entities = []
        for entity in example.entities:
            if entity.entity not in learned:
                continue
            span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
            if span is not None:
                entities.append((span.start_char, span.end_char, entity.entity))
        annotations: dict[str, Any] = {"entities": _without_overlaps(entities)}
        examples.append(SpacyExample.from_dict(doc, annotations))
    return examples


def _without_overlaps(entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for start, end, label in sorted(entities):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, label))
    return kept


def build_and_train(data: TrainingData, config: Config, *, steps: _Steps | None = None) -> Language:
    """Create the pipeline from a config and train it on the data.

    The intent classifier is fitted directly (linear models, calibrated by k-fold);
    the statistical NER, when present, by spaCy's update loop from ``[training]``.

    Args:
        data: Validated training data with at least two intents.
        config: Full pipeline config, including its ``[training]`` section.
        steps: Told as the classifier's fit and each epoch of the NER start.

    Returns:
        The trained pipeline, ready to save or use.
    """
    settings = config["training"]
    fix_random_seed(settings["seed"])
    nlp = spacy.util.load_model_from_config(config, auto_fill=False, validate=True)
    regexes = _rule_tables(data.regex_features, data)
    lookups = _rule_tables(data.lookup_tables, data)
    _component(nlp, "regex_entities").set_data(regexes)
    _component(nlp, "lookup_entities").set_data(lookups)
    _component(nlp, "entity_merger").set_data(
        {
            "synonyms": dict(sorted(data.synonyms.items())),
            "rule_types": sorted(set(regexes) | set(lookups)),
        }
    )
    add_entity_normalisers(nlp, data)
    steps = steps or _Steps(None, 0)
    classifier = nlp.get_pipe("intent_classifier")
    assert isinstance(classifier, IntentClassifier)
    steps.start("fitting the intent classifier")
    classifier.fit([e.text for e in data.examples], [e.intent for e in data.examples])
    if "ner" in nlp.pipe_names:
        _train_ner(nlp, _ner_examples(nlp, data), settings, steps)
    else:
        nlp.initialize()
    nlp.meta["s3_intents"] = data.intents
    return nlp


def _train_ner(
    nlp: Language, examples: list[SpacyExample], settings: dict[str, Any], steps: _Steps
) -> None:
    """spaCy's update loop for the ``ner`` component, keeping the averaged weights."""
    rng = random.Random(settings["seed"])
    optimizer: Optimizer = registry.resolve({"o": settings["optimizer"]})["o"]
    nlp.initialize(lambda: examples, sgd=optimizer)
    sizes = compounding(
        settings["batch_size_start"], settings["batch_size_stop"], settings["batch_size_compound"]
    )
    for epoch in range(settings["max_epochs"]):
        steps.start(f"training the NER, epoch {epoch + 1} of {settings['max_epochs']}")
        rng.shuffle(examples)
        for batch in minibatch(examples, size=sizes):
            nlp.update(batch, sgd=optimizer, drop=settings["dropout"])
    _keep_averaged_weights(nlp, optimizer, ["ner"])


def _keep_averaged_weights(nlp: Language, optimizer: Optimizer, names: list[str]) -> None:
    """Replace the trained weights by their running averages (better on small data)."""
    if not optimizer.averages:
        return
    with nlp.use_params(optimizer.averages):
        weights = {name: _trainable(nlp, name).to_bytes(exclude=["vocab"]) for name in names}
    for name, blob in weights.items():
        _trainable(nlp, name).from_bytes(blob, exclude=["vocab"])


def _component(nlp: Language, name: str) -> JsonDataComponent:
    component = nlp.get_pipe(name)
    assert isinstance(component, JsonDataComponent)
    return component


def _trainable(nlp: Language, name: str) -> TrainablePipe:
    component = nlp.get_pipe(name)
    assert isinstance(component, TrainablePipe)
    return component


def _rule_tables(tables: dict[str, list[str]], data: TrainingData) -> dict[str, list[str]]:
    """Keep the regexes or lookups named after an annotated entity type (as Rasa does)."""
    entity_types = set(data.entity_types)
    return {name: values for name, values in sorted(tables.items()) if name in entity_types}
