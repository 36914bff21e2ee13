"""The triage model: TF-IDF features over both views of normalize.py and two linear models,
one for the category and one for the urgency.

Features: character n-grams (char_wb, 2 to 5) of the native and of the latin view, which
carry typos, missing apostrophes and inflected forms, and word uni- and bigrams of the latin
view. Both models are multinomial LogisticRegression (lbfgs, fixed random_state), trained
on the records sorted, so that two trainings on the same file give the same model.
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
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from dispatch.triage.labels import CATEGORIES, URGENCIES
from dispatch.triage.normalize import Views, views

FORMAT = 1  # bump when the saved object changes; an older file is retrained
RANDOM_STATE = 0
C = 20.0


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
        self.samples = len(records)
        self._vocabulary = frozenset(self.latin_words.vocabulary_)
        return self

    def knows(self, doc: Views) -> bool:
        """Whether any word of the ticket occurred in the training texts."""
        return any(word in self._vocabulary for word in doc.latin.split())

    def proba(self, docs: Sequence[Views]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
        """Per ticket, the probability of every category and of every urgency."""
        x = self._features(docs)
        return _rows(self.category, x), _rows(self.urgency, x)


def _classifier() -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=3000, random_state=RANDOM_STATE)


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
