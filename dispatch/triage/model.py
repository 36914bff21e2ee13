"""The triage model: TF-IDF features over both views of normalize.py and two linear models,
one for the category and one for the urgency.

Features: character n-grams (char_wb, 2 to 5) of the native and of the latin view, which
carry typos, missing apostrophes and inflected forms, and word uni- and bigrams of the latin
view. Both models are multinomial LogisticRegression (lbfgs, fixed random_state), trained
on the records sorted, so that two trainings on the same file give the same model.

A third, binary model, on the latin-view features only, says emergency or not, with recall
first (DOMAIN.md: an emergency must never be triaged lower): its class weights are balanced
and its cut-off is low, chosen on the training data alone by cross-validation
(``choose_threshold``): the highest cut-off with the best out-of-fold recall (of the model
alone) whose precision stays at or above EMERGENCY_MIN_PRECISION. The held-out file plays no part.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from dispatch.triage.labels import CATEGORIES, EMERGENCY, URGENCIES
from dispatch.triage.normalize import Views, views

FORMAT = 3  # bump when the saved object changes; an older file is retrained
RANDOM_STATE = 0
C = 20.0
# the binary emergency model (C picked by 5-fold cross-validation on the training file)
EMERGENCY_C = 20.0
EMERGENCY_FOLDS = 5
EMERGENCY_MIN_PRECISION = 0.75
# texts this alike (character-trigram Jaccard of the latin views) stay in one fold: many
# situations are written in several languages and scripts, and a rendering in the other
# fold would make the cross-validated precision look better than it is on new texts
SAME_SITUATION = 0.4
# the cut-off when the training set is too small to cross-validate
DEFAULT_EMERGENCY_THRESHOLD = 0.5


class DataError(ValueError):
    """A training or evaluation file that cannot be read."""


@dataclass(frozen=True, slots=True, order=True)
class Record:
    text: str
    category: str
    urgency: str
    lang: str = ""


def read_records(path: Path) -> list[Record]:
    """The labelled tickets of a JSON Lines file, sorted (the training order is fixed).

    Raises DataError naming the line of a bad record: a training file is curated data, and a
    label outside DOMAIN.md's sets would teach the model a category that does not exist."""
    records = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            record = Record(
                text=str(row["text"]),
                category=str(row["category"]),
                urgency=str(row["urgency"]),
                lang=str(row.get("lang", "")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}:{number}: not a labelled ticket ({exc})") from exc
        if record.category not in CATEGORIES:
            raise DataError(f"{path}:{number}: unknown category {record.category!r}")
        if record.urgency not in URGENCIES:
            raise DataError(f"{path}:{number}: unknown urgency {record.urgency!r}")
        records.append(record)
    if not records:
        raise DataError(f"{path}: no labelled tickets")
    return sorted(records)


def _char(**extra: Any) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        min_df=1,
        lowercase=False,
        dtype=np.float32,
        **extra,
    )


class TriageModel:
    """Three vectorizers and two classifiers; read-only after fit, so one instance serves
    every thread."""

    def __init__(self) -> None:
        self.native_chars = _char()
        self.latin_chars = _char()
        self.latin_words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            lowercase=False,
            token_pattern=r"(?u)\b\w+\b|!",  # noqa: S106 (a regex, not a password)
            dtype=np.float32,
        )
        self.category = _classifier()
        self.urgency = _classifier()
        self.emergency = _emergency_classifier()
        self.emergency_threshold = DEFAULT_EMERGENCY_THRESHOLD
        self._native_width = 0  # the native-view character columns, which the emergency model skips
        self.samples = 0
        self._vocabulary: frozenset[str] = frozenset()

    def _features(self, docs: Sequence[Views], *, fit: bool = False) -> sparse.csr_matrix:
        native = [d.native for d in docs]
        latin = [d.latin for d in docs]
        parts = []
        for vectorizer, texts in (
            (self.native_chars, native),
            (self.latin_chars, latin),
            (self.latin_words, latin),
        ):
            parts.append(vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts))
        return sparse.hstack(parts, format="csr")

    def fit(self, records: Sequence[Record]) -> TriageModel:
        docs = [views(r.text) for r in records]
        x = self._features(docs, fit=True)
        self.category.fit(x, [r.category for r in records])
        self.urgency.fit(x, [r.urgency for r in records])
        gold = np.array([r.urgency == EMERGENCY for r in records])
        self._native_width = len(self.native_chars.vocabulary_)
        latin_x = self._latin_columns(x)
        self.emergency.fit(latin_x, gold)
        self.emergency_threshold = _cross_validated_threshold(latin_x, gold, docs)
        self.samples = len(records)
        self._vocabulary = frozenset(self.latin_words.vocabulary_)
        return self

    def _latin_columns(self, x: sparse.csr_matrix) -> sparse.csr_matrix:
        # the emergency model reads the latin view only (its characters and words): 5-fold
        # cross-validation on the training file, three fold seeds, precision at 0.97 recall
        # 0.74-0.78 against 0.72-0.76 with the native characters too
        return x[:, self._native_width :]

    def knows(self, doc: Views) -> bool:
        """Whether any word of the ticket occurred in the training texts."""
        return any(word in self._vocabulary for word in doc.latin.split())

    def proba(self, docs: Sequence[Views]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
        """Per ticket, the probability of every category and of every urgency."""
        x = self._features(docs)
        return _rows(self.category, x), _rows(self.urgency, x)

    def scores(
        self, docs: Sequence[Views]
    ) -> tuple[list[dict[str, float]], list[dict[str, float]], list[float]]:
        """``proba`` and, per ticket, the binary model's probability of an emergency (compare
        with ``emergency_threshold``), from one pass over the features."""
        x = self._features(docs)
        return (
            _rows(self.category, x),
            _rows(self.urgency, x),
            _positive(self.emergency, self._latin_columns(x)),
        )


def _classifier() -> LogisticRegression:
    # balanced class weights and C: 5-fold cross-validation on the training file (category
    # macro-F1 0.930 balanced against 0.926 unweighted at C=20; C 10 and 50 no better)
    return LogisticRegression(
        C=C, class_weight="balanced", max_iter=3000, random_state=RANDOM_STATE
    )


def _emergency_classifier() -> LogisticRegression:
    return LogisticRegression(
        C=EMERGENCY_C,
        class_weight="balanced",
        solver="liblinear",
        max_iter=3000,
        random_state=RANDOM_STATE,
    )


def _positive(classifier: LogisticRegression, x: sparse.csr_matrix) -> list[float]:
    column = list(classifier.classes_).index(True)
    return [float(p) for p in classifier.predict_proba(x)[:, column]]


def choose_threshold(
    scores: Sequence[float], gold: Sequence[bool], min_precision: float = EMERGENCY_MIN_PRECISION
) -> float:
    """The cut-off (flag when score >= it) with the best recall among those whose precision
    is at least ``min_precision``; of equal recalls the highest cut-off. Recall first: when
    no cut-off reaches the precision, the one that keeps every gold positive."""
    pairs = sorted(zip(scores, gold, strict=True), key=lambda pair: -pair[0])
    positives = sum(1 for _, g in pairs if g)
    if not positives:
        return DEFAULT_EMERGENCY_THRESHOLD
    best: tuple[float, float] | None = None  # (recall, cut-off)
    hits = flagged = 0
    for index, (score, is_gold) in enumerate(pairs):
        flagged += 1
        hits += bool(is_gold)
        if index + 1 < len(pairs) and pairs[index + 1][0] == score:
            continue  # a cut-off flags every ticket of the same score
        recall = hits / positives
        if hits / flagged >= min_precision and (best is None or recall > best[0]):
            best = (recall, score)
    if best is None:
        return min(s for s, g in pairs if g)
    return best[1]


def _situations(docs: Sequence[Views]) -> np.ndarray:
    """A group number per text: texts linked by a chain of trigram Jaccard >= SAME_SITUATION
    share one (e.g. an Uzbek Latin line, its Cyrillic rendering and a mixed version)."""
    trigrams = CountVectorizer(analyzer="char", ngram_range=(3, 3), binary=True, lowercase=False)
    b = trigrams.fit_transform([d.latin or "-" for d in docs]).astype(np.float32).tocsr()
    sizes = np.asarray(b.sum(axis=1)).ravel()
    shared = (b @ b.T).tocoo()
    union = sizes[shared.row] + sizes[shared.col] - shared.data
    alike = shared.data >= SAME_SITUATION * np.maximum(union, 1)
    graph = sparse.csr_matrix(
        (np.ones(int(alike.sum())), (shared.row[alike], shared.col[alike])), shape=shared.shape
    )
    return np.asarray(connected_components(graph, directed=False)[1])


def _cross_validated_threshold(
    x: sparse.csr_matrix, gold: np.ndarray, docs: Sequence[Views]
) -> float:
    """The emergency cut-off from out-of-fold probabilities on the training data (folds
    fixed by RANDOM_STATE, alike texts kept together), the model alone: the emergency rules
    were written with the training texts in view, so counting their hits here would make
    the cut-off rise on a recall that new texts do not have. Too few emergencies or
    non-emergencies to fold: the default cut-off."""
    positives = int(gold.sum())
    if min(positives, len(gold) - positives) < EMERGENCY_FOLDS:
        return DEFAULT_EMERGENCY_THRESHOLD
    folds = StratifiedGroupKFold(EMERGENCY_FOLDS, shuffle=True, random_state=RANDOM_STATE)
    out_of_fold = np.zeros(len(gold))
    for train_rows, test_rows in folds.split(x, gold, _situations(docs)):
        classifier = _emergency_classifier().fit(x[train_rows], gold[train_rows])
        out_of_fold[test_rows] = _positive(classifier, x[test_rows])
    return float(choose_threshold(out_of_fold.tolist(), gold.tolist()))


def _rows(classifier: LogisticRegression, x: sparse.csr_matrix) -> list[dict[str, float]]:
    labels = [str(label) for label in classifier.classes_]
    return [dict(zip(labels, map(float, row), strict=True)) for row in classifier.predict_proba(x)]


def train(records: Iterable[Record]) -> TriageModel:
    return TriageModel().fit(sorted(records))


def save(model: TriageModel, path: Path) -> None:
    """Write the model atomically: a process loading it never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT, "sklearn": sklearn.__version__, "model": model}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(payload, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> TriageModel | None:
    """The saved model, or None when there is none or it was written by another format or
    scikit-learn version (a pickled model is only safe to load under the version that made
    it; the caller retrains)."""
    if not path.exists():
        return None
    try:
        payload = joblib.load(path)
    except Exception:
        return None
    if (
        not isinstance(payload, dict)
        or payload.get("format") != FORMAT
        or payload.get("sklearn") != sklearn.__version__
        or not isinstance(payload.get("model"), TriageModel)
    ):
        return None
    return payload["model"]
