"""`bench/run.py triage`: the triage model on the held-out tickets.

Trains on dispatch/data/tickets.jsonl only (never on the held-out file), then triages every
line of dispatch/data/heldout.jsonl through ``dispatch.triage.triage`` (the rules included)
and reports the category accuracy and macro-F1, the emergency recall and precision, where
the false emergencies come from (a rule that fired, or the model alone: counts only), the
share sent to review and the time per ticket. Targets (the issue): macro-F1 >= 0.85,
emergency recall 1.0 with precision >= 0.7.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "dispatch" / "data" / "tickets.jsonl"
HELDOUT = ROOT / "dispatch" / "data" / "heldout.jsonl"


def _macro_f1(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> float:
    scores = []
    for label in labels:
        tp = sum(1 for gold, got in pairs if gold == label and got == label)
        fp = sum(1 for gold, got in pairs if gold != label and got == label)
        fn = sum(1 for gold, got in pairs if gold == label and got != label)
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def _f1_by_label(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> dict[str, float]:
    scores = {}
    for label in labels:
        tp = sum(1 for gold, got in pairs if gold == label and got == label)
        wrong = sum(1 for gold, got in pairs if (gold == label) != (got == label))
        if tp + wrong:
            scores[label] = round(2 * tp / (2 * tp + wrong), 4)
    return scores


def bench_triage(
    say: Callable[[str], None], train_path: Path = TRAIN, heldout_path: Path = HELDOUT
) -> dict[str, Any]:
    from dispatch.triage import CATEGORIES, triage
    from dispatch.triage.model import read_records, train

    records = read_records(train_path)
    heldout = read_records(heldout_path)
    say(f"training on {len(records)} tickets of {train_path.name}")
    started = time.perf_counter()
    model = train(records)
    train_seconds = time.perf_counter() - started
    triage("warm-up", model=model)
    say(f"triaging {len(heldout)} held-out tickets of {heldout_path.name}")
    started = time.perf_counter()
    results = [triage(r.text, model=model) for r in heldout]
    seconds = time.perf_counter() - started

    categories = [(r.category, t.category) for r, t in zip(heldout, results, strict=True)]
    urgencies = [(r.urgency, t.urgency) for r, t in zip(heldout, results, strict=True)]
    gold_em = sum(1 for gold, _ in urgencies if gold == "emergency")
    got_em = sum(1 for _, got in urgencies if got == "emergency")
    hit_em = sum(1 for gold, got in urgencies if gold == got == "emergency")
    by_lang: dict[str, list[bool]] = {}
    em_by_lang: dict[str, list[bool]] = {}
    for record, result in zip(heldout, results, strict=True):
        by_lang.setdefault(record.lang, []).append(record.category == result.category)
        if record.urgency == "emergency":
            em_by_lang.setdefault(record.lang, []).append(result.urgency == "emergency")
    return {
        "samples": len(heldout),
        "train_samples": len(records),
        "category_accuracy": round(sum(g == p for g, p in categories) / len(heldout), 4),
        "category_macro_f1": round(_macro_f1(categories, CATEGORIES), 4),
        "urgency_accuracy": round(sum(g == p for g, p in urgencies) / len(heldout), 4),
        "emergency_recall": round(hit_em / gold_em, 4) if gold_em else None,
        "emergency_precision": round(hit_em / got_em, 4) if got_em else None,
        "emergency_missed": gold_em - hit_em,
        "rule_fired_share": round(sum(t.rule is not None for t in results) / len(heldout), 4),
        # where the false emergencies come from: a rule that fired, or the model alone
        "false_emergencies": {
            "rule": sum(
                1
                for r, t in zip(heldout, results, strict=True)
                if t.urgency == "emergency" and r.urgency != "emergency" and t.rule is not None
            ),
            "model": sum(
                1
                for r, t in zip(heldout, results, strict=True)
                if t.urgency == "emergency" and r.urgency != "emergency" and t.rule is None
            ),
        },
        "review_share": round(sum(t.needs_review for t in results) / len(heldout), 4),
        "category_accuracy_by_lang": {
            lang: round(sum(hits) / len(hits), 4) for lang, hits in sorted(by_lang.items())
        },
        "category_f1": _f1_by_label(categories, CATEGORIES),
        "emergency_recall_by_lang": {
            lang: round(sum(hits) / len(hits), 4) for lang, hits in sorted(em_by_lang.items())
        },
        "train_seconds": round(train_seconds, 3),
        "ms_per_ticket": round(1000 * seconds / len(heldout), 3),
    }
