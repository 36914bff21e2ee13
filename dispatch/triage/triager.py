"""Triage on filing (DOMAIN.md "Dispatch"): the category and urgency of a ticket's text, with
a confidence; below TRIAGE_REVIEW_BELOW the ticket goes to a dispatcher.

The model is loaded once per process from TRIAGE_MODEL_PATH (built by `make`, see
`train_triage`) or, when that file is missing or was written by another scikit-learn, trained
on first use from the data set, under a lock so that concurrent first calls train once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from dispatch.triage import model as triage_model
from dispatch.triage.labels import EMERGENCY, NORMAL, OTHER
from dispatch.triage.normalize import views
from dispatch.triage.rules import emergency_rule

DEFAULT_REVIEW_BELOW = 0.6
DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "tickets.jsonl"


@dataclass(frozen=True, slots=True)
class Triage:
    category: str
    urgency: str
    confidence: float  # the model's probability of the category and the urgency (the lower)
    needs_review: bool
    rule: str | None = None  # the emergency rule that fired (rules.EMERGENCY_RULES kind)

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "urgency": self.urgency,
            "confidence": round(self.confidence, 4),
            "needs_review": self.needs_review,
            "rule": self.rule,
        }


def review_below() -> float:
    return float(getattr(settings, "TRIAGE_REVIEW_BELOW", DEFAULT_REVIEW_BELOW))


def model_path() -> Path:
    configured = getattr(settings, "TRIAGE_MODEL_PATH", None)
    if configured:
        return Path(configured)
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    return var_dir / "triage" / "model.joblib"


_lock = threading.Lock()
_loaded: tuple[Path, triage_model.TriageModel] | None = None


def get_model() -> triage_model.TriageModel:
    """The process's model for the configured path: loaded, or trained and saved, once."""
    global _loaded
    path = model_path()
    current = _loaded
    if current is not None and current[0] == path:
        return current[1]
    with _lock:
        current = _loaded
        if current is not None and current[0] == path:
            return current[1]
        loaded = triage_model.load(path)
        if loaded is None:
            loaded = triage_model.train(triage_model.read_records(DATA_PATH))
            triage_model.save(loaded, path)
        _loaded = (path, loaded)
        return loaded


def use_model(model: triage_model.TriageModel | None) -> None:
    """Serve this model (None: load again from the configured path on the next call)."""
    global _loaded
    with _lock:
        _loaded = None if model is None else (model_path(), model)


def _unsure(confidence: float = 0.0) -> Triage:
    return Triage(category=OTHER, urgency=NORMAL, confidence=confidence, needs_review=True)


def triage(text: str, *, model: triage_model.TriageModel | None = None) -> Triage:
    """The category and urgency of a ticket's text, and whether a dispatcher must review it.

    Emergency (DOMAIN.md "Dispatch"): the binary emergency model at its cross-validated
    cut-off (model.choose_threshold) decides emergency or not; a phrase of
    rules.EMERGENCY_RULES makes the ticket an emergency whatever the model says, and never
    lowers an urgency. The rule's category replaces the model's only when the model is
    unsure. Text with no letters, or
    with no word the model has seen and an unsure model, is other/normal for review."""
    doc = views(text if isinstance(text, str) else "")
    if not doc.has_letters:
        return _unsure()
    model = model or get_model()
    threshold = review_below()
    (categories,), (urgencies,), (emergency_score,) = model.scores([doc])
    category = max(categories, key=lambda k: categories[k])
    urgency = max(urgencies, key=lambda k: urgencies[k])
    category_confidence = categories[category]
    urgency_confidence = urgencies[urgency]
    rule = emergency_rule(doc)
    if rule is None and category_confidence < threshold and not model.knows(doc):
        return _unsure(min(category_confidence, urgency_confidence))
    if emergency_score >= model.emergency_threshold:
        # the recall-first emergency model decides emergency or not; when it raises a
        # ticket the urgency model did not call one, its own (often low) probability is the
        # confidence, so that a doubtful emergency is dispatched at once and still reviewed
        if urgency != EMERGENCY:
            urgency, urgency_confidence = EMERGENCY, emergency_score
    elif urgency == EMERGENCY:
        # below the cut-off (chosen for exactly this decision) the more likely of the others
        urgency = max((u for u in urgencies if u != EMERGENCY), key=lambda k: urgencies[k])
        urgency_confidence = urgencies[urgency]
    if rule is not None:
        urgency, urgency_confidence = EMERGENCY, 1.0
        if rule.category is not None and category_confidence < threshold:
            category = rule.category
            category_confidence = categories.get(category, 0.0)
    confidence = min(category_confidence, urgency_confidence)
    return Triage(
        category=category,
        urgency=urgency,
        confidence=confidence,
        needs_review=confidence < threshold,
        rule=None if rule is None else rule.kind,
    )
