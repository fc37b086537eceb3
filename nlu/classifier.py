"""The intent classifier: an ensemble of linear SVMs over word and character n-grams.

Registered as the spaCy factory ``s3_intent_classifier_v1``; ``nlp(text)`` fills
``doc.cats`` with a calibrated probability per intent. Each ensemble member is a
linear SVM (liblinear, one-vs-rest) over TF-IDF rows of its feature views (word
1-2 grams; character 2-5 grams inside words, which tolerate typos and
inflections). Members' decision scores are averaged, divided by a temperature
and passed through a softmax. The temperature is fitted by k-fold cross-validation
on the training data (minimum negative log-likelihood of out-of-fold scores), so
confidences are comparable to a fallback threshold without any held-out file.

The state is plain JSON plus a ``.npz`` of arrays (no pickles), saved with the
spaCy model, so ``spacy.load`` restores it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from spacy.language import Language
from spacy.tokens import Doc

from nlu.features import CHAR, PAIR, WORD, NgramView

CONFIG_FILE = "classifier.json"
ARRAYS_FILE = "classifier.npz"
_TEMPERATURES = np.geomspace(0.01, 100.0, 121)


def tokens_of(doc: Doc) -> list[str]:
    """The lower-cased norms of a doc's non-space tokens (what the features see)."""
    return [token.norm_.lower() for token in doc if not token.is_space]


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    result: np.ndarray = exp / exp.sum(axis=-1, keepdims=True)
    return result


def fit_temperature(scores: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising the mean negative log-likelihood of the gold labels.

    Args:
        scores: Decision scores, one row per example, one column per label.
        gold: Column index of each example's gold label.

    Returns:
        The best temperature on a log grid from 0.01 to 100.
    """
    rows = np.arange(len(gold))
    losses = [-np.log(_softmax(scores / t)[rows, gold] + 1e-12).mean() for t in _TEMPERATURES]
    return float(_TEMPERATURES[int(np.argmin(losses))])


class IntentClassifier:
    """Owns the n-gram views, the linear models and the temperature of intent classification.

    Trained once by ``fit`` (not by spaCy's update loop, which a linear SVM does not need);
    applied to every doc by ``__call__``.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        word_ngram_max: int,
        char_ngram_min: int,
        char_ngram_max: int,
        char_min_df: int,
        pair_window: int,
        pair_min_df: int,
        ensemble: Sequence[str],
        svm_c: float,
        calibration_folds: int,
        seed: int,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.settings: dict[str, Any] = {
            "word_ngram_max": word_ngram_max,
            "char_ngram_min": char_ngram_min,
            "char_ngram_max": char_ngram_max,
            "char_min_df": char_min_df,
            "pair_window": pair_window,
            "pair_min_df": pair_min_df,
            "ensemble": list(ensemble),
            "svm_c": svm_c,
            "calibration_folds": calibration_folds,
            "seed": seed,
        }
        self.labels: list[str] = []
        self.views: dict[str, NgramView] = {}
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        self.temperature = 1.0

    # -- applying --------------------------------------------------------------

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Averaged decision scores of the ensemble for one tokenised text."""
        rows = {name: view.row(tokens) for name, view in self.views.items()}
        total = np.zeros(len(self.labels), dtype=np.float32)
        for member, weights, bias in zip(
            self.settings["ensemble"], self.weights, self.biases, strict=True
        ):
            offset = 0
            total += bias
            for view_name in member.split("+"):
                columns, values = rows[view_name]
                if len(columns):
                    total += values @ weights[columns + offset]
                offset += len(self.views[view_name].vocabulary)
        return total / len(self.weights)

    def probabilities(self, tokens: Sequence[str]) -> np.ndarray:
        """Calibrated probability of each label (in ``self.labels`` order)."""
        return _softmax(self.scores(tokens) / self.temperature)

    def __call__(self, doc: Doc) -> Doc:
        if not self.labels:
            return doc
        probabilities = self.probabilities(tokens_of(doc)).tolist()
        doc.cats = dict(zip(self.labels, probabilities, strict=True))
        return doc

    # -- training --------------------------------------------------------------

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> IntentClassifier:
        """Train on texts and their intents, then calibrate the temperature by k-fold.

        Args:
            texts: Training texts.
            intents: The intent of each text (at least two distinct intents).

        Returns:
            This component, trained.
        """
        tokens = [tokens_of(self.nlp.make_doc(text)) for text in texts]
        self.labels = sorted(set(intents))
        index = {label: i for i, label in enumerate(self.labels)}
        gold = np.array([index[intent] for intent in intents])
        self.temperature = self._cross_validated_temperature(tokens, gold)
        self.views, self.weights, self.biases = self._train(tokens, gold)
        return self

    def _new_views(self) -> dict[str, NgramView]:
        s = self.settings
        return {
            WORD: NgramView(WORD, 1, s["word_ngram_max"], 1),
            CHAR: NgramView(CHAR, s["char_ngram_min"], s["char_ngram_max"], s["char_min_df"]),
            PAIR: NgramView(PAIR, 1, s["pair_window"], s["pair_min_df"]),
        }

    def _train(
        self, tokens: Sequence[Sequence[str]], gold: np.ndarray
    ) -> tuple[dict[str, NgramView], list[np.ndarray], list[np.ndarray]]:
        from sklearn.svm import LinearSVC

        used = {name for member in self.settings["ensemble"] for name in member.split("+")}
        views = {name: view.fit(tokens) for name, view in self._new_views().items() if name in used}
        matrices = {name: view.matrix(tokens) for name, view in views.items()}
        weights, biases = [], []
        for member in self.settings["ensemble"]:
            features = _stack([matrices[name] for name in member.split("+")])
            svm = LinearSVC(C=self.settings["svm_c"], random_state=self.settings["seed"])
            svm.fit(features, gold)
            coef, intercept = svm.coef_, svm.intercept_
            if coef.shape[0] == 1:  # two labels: liblinear fits one binary model
                coef = np.vstack([-coef / 2, coef / 2])
                intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
            weights.append(np.ascontiguousarray(coef.T, dtype=np.float32))
            biases.append(intercept.astype(np.float32))
        return views, weights, biases

    def _cross_validated_temperature(
        self, tokens: Sequence[Sequence[str]], gold: np.ndarray
    ) -> float:
        from sklearn.model_selection import StratifiedKFold

        smallest = int(np.bincount(gold).min())
        folds = min(self.settings["calibration_folds"], smallest)
        if folds < 2:
            return 1.0
        splitter = StratifiedKFold(folds, shuffle=True, random_state=self.settings["seed"])
        out_of_fold = np.zeros((len(gold), len(self.labels)), dtype=np.float32)
        for train_rows, test_rows in splitter.split(np.zeros(len(gold)), gold):
            fold = IntentClassifier(self.nlp, self.name, **self.settings)
            fold.labels = self.labels
            fold_gold = gold[train_rows]
            if len(set(fold_gold.tolist())) < len(self.labels):
                return 1.0
            fold.views, fold.weights, fold.biases = self._train(
                [tokens[i] for i in train_rows], fold_gold
            )
            for i in test_rows:
                out_of_fold[i] = fold.scores(tokens[i])
        return fit_temperature(out_of_fold, gold)

    # -- serialisation ---------------------------------------------------------

    def to_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        state = {
            "settings": self.settings,
            "labels": self.labels,
            "temperature": self.temperature,
            "views": {name: view.settings() for name, view in self.views.items()},
        }
        (path / CONFIG_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        arrays = {f"idf_{name}": view.idf for name, view in self.views.items()}
        for i, (weights, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            arrays[f"weights_{i}"] = weights.astype(np.float16)
            arrays[f"bias_{i}"] = bias
        np.savez_compressed(path / ARRAYS_FILE, **arrays)  # type: ignore[arg-type]

    def from_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> IntentClassifier:
        path = Path(path)
        state = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
        with np.load(path / ARRAYS_FILE, allow_pickle=False) as arrays:
            self.views = {
                name: NgramView.from_settings(settings, arrays[f"idf_{name}"])
                for name, settings in state["views"].items()
            }
            count = len(state["settings"]["ensemble"])
            self.weights = [arrays[f"weights_{i}"].astype(np.float32) for i in range(count)]
            self.biases = [arrays[f"bias_{i}"] for i in range(count)]
        self.settings = state["settings"]
        self.labels = state["labels"]
        self.temperature = float(state["temperature"])
        return self


def _stack(matrices: list[csr_matrix]) -> csr_matrix:
    return matrices[0] if len(matrices) == 1 else hstack(matrices, format="csr")


@Language.factory(
    "s3_intent_classifier_v1",
    default_config={
        "word_ngram_max": 2,
        "char_ngram_min": 2,
        "char_ngram_max": 5,
        "char_min_df": 2,
        "pair_window": 4,
        "pair_min_df": 2,
        "ensemble": ["word+char+pair", "char", "word+pair"],
        "svm_c": 1.0,
        "calibration_folds": 3,
        "seed": 42,
    },
)
def make_intent_classifier(
    nlp: Language,
    name: str,
    word_ngram_max: int,
    char_ngram_min: int,
    char_ngram_max: int,
    char_min_df: int,
    pair_window: int,
    pair_min_df: int,
    ensemble: list[str],
    svm_c: float,
    calibration_folds: int,
    seed: int,
) -> IntentClassifier:
    """Create the (untrained) intent classifier; ``fit`` trains it."""
    return IntentClassifier(
        nlp,
        name,
        word_ngram_max=word_ngram_max,
        char_ngram_min=char_ngram_min,
        char_ngram_max=char_ngram_max,
        char_min_df=char_min_df,
        pair_window=pair_window,
        pair_min_df=pair_min_df,
        ensemble=ensemble,
        svm_c=svm_c,
        calibration_folds=calibration_folds,
        seed=seed,
    )
