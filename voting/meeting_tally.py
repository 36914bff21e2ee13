"""Counting a general meeting (DOMAIN.md "General meeting").

- Each owner's last ballot counts; every ballot answers every question, so the
  participating weight is the same for all questions (abstentions participate).
- **Quorum**: the participating weight is MORE than ``quorum_percent`` of the total weight.
  Without quorum no question passes.
- **Simple** question: the weight *for* is more than half of the participating weight.
- **Qualified** question: the weight *for* is at least two thirds of the TOTAL weight.

Integer weight units throughout (voting.models), and every rule is a comparison of
integer products (``3 × for ≥ 2 × total``), never a division or a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, Subquery

from voting.models import Choice, Meeting, MeetingBallot, QuestionRule
from voting.tally import Tally


@dataclass
class QuestionCount:
    rule: str
    for_units: int = 0
    against_units: int = 0
    abstain_units: int = 0


def quorum_reached(participating: int, total: int, percent: int) -> bool:
    """Strictly more than ``percent`` of the total weight."""
    return participating * 100 > total * percent


def simple_passes(for_units: int, participating: int) -> bool:
    """More than half of the participating weight: exactly half is not a majority."""
    return 2 * for_units > participating


def qualified_passes(for_units: int, total: int) -> bool:
    """At least two thirds of the total weight: exactly two thirds passes."""
    return 3 * for_units >= 2 * total


@dataclass
class MeetingTally:
    total_units: int
    participating_units: int
    questions: dict[int, QuestionCount] = field(default_factory=dict)  # question id → count
    ballots_counted: int = 0
    quorum_percent: int = 50
    weight_scale: int = 1

    @property
    def quorum(self) -> bool:
        return quorum_reached(self.participating_units, self.total_units, self.quorum_percent)

    def passed(self, question_id: int) -> bool:
        if not self.quorum:
            return False
        count = self.questions[question_id]
        if count.rule == QuestionRule.QUALIFIED:
            return qualified_passes(count.for_units, self.total_units)
        return simple_passes(count.for_units, self.participating_units)

    def m2(self, units: int) -> str:
        """Units as exact m² (the election tally's formatting)."""
        return Tally(total_units=0, participating_units=0, weight_scale=self.weight_scale).m2(units)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total_weight": self.m2(self.total_units),
            "participating_weight": self.m2(self.participating_units),
            "quorum": self.quorum,
            "ballots_counted": self.ballots_counted,
            "results": {
                str(qid): {
                    "rule": count.rule,
                    "for": self.m2(count.for_units),
                    "against": self.m2(count.against_units),
                    "abstain": self.m2(count.abstain_units),
                    "passed": self.passed(qid),
                }
                for qid, count in sorted(self.questions.items())
            },
        }


def meeting_tally(meeting: Meeting) -> MeetingTally:
    """Each voter's last entry (one query), summed per question and choice in Python: a
    building's electorate is at most a few hundred owners."""
    last = (
        MeetingBallot.objects.filter(meeting=meeting, person_id=OuterRef("person_id"))
        .order_by()
        .values("person_id")
        .annotate(m=Max("seq"))
        .values("m")
    )
    counted = MeetingBallot.objects.filter(meeting=meeting, seq=Subquery(last)).values_list(
        "choices", "weight_units"
    )
    questions = {
        pk: QuestionCount(rule=rule)
        for pk, rule in meeting.questions.order_by("order").values_list("pk", "rule")
    }
    participating = 0
    ballots = 0
    for choices, weight in counted:
        ballots += 1
        participating += weight
        for key, choice in choices.items():
            count = questions[int(key)]
            if choice == Choice.FOR:
                count.for_units += weight
            elif choice == Choice.AGAINST:
                count.against_units += weight
            else:
                count.abstain_units += weight
    return MeetingTally(
        total_units=meeting.total_weight_units,
        participating_units=participating,
        questions=questions,
        ballots_counted=ballots,
        quorum_percent=meeting.quorum_percent or 0,
        weight_scale=meeting.weight_scale,
    )
