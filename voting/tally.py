"""Counting an election (DOMAIN.md "Voting"): each owner's last ballot counts; quorum is
more than ``quorum_percent`` of the total weight; the most weight wins. Integer weight
units throughout (voting.models), so every comparison is exact."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery, Sum

from voting.models import Ballot, Election


@dataclass
class Tally:
    total_units: int
    participating_units: int
    per_candidate: dict[int, int] = field(default_factory=dict)  # candidate id → units
    ballots_counted: int = 0
    quorum_percent: int = 50
    weight_scale: int = 1

    @property
    def quorum(self) -> bool:
        """Strictly more than the quorum share of the total weight."""
        return self.participating_units * 100 > self.total_units * self.quorum_percent

    @property
    def leaders(self) -> list[int]:
        if not self.per_candidate:
            return []
        top = max(self.per_candidate.values())
        return sorted(c for c, units in self.per_candidate.items() if units == top and units > 0)

    def m2(self, units: int) -> str:
        """Units as m², an exact decimal string where it terminates, else a fraction."""
        value = Fraction(units, self.weight_scale * 100)
        denominator = value.denominator
        while denominator % 2 == 0:
            denominator //= 2
        while denominator % 5 == 0:
            denominator //= 5
        if denominator != 1:
            return f"{value.numerator}/{value.denominator}"
        places = 0
        while (value * 10**places).denominator != 1:
            places += 1
        text = str(value.numerator * 10**places // value.denominator).rjust(places + 1, "0")
        return f"{text[:-places]}.{text[-places:]}" if places else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "total_weight": self.m2(self.total_units),
            "participating_weight": self.m2(self.participating_units),
            "quorum": self.quorum,
            "ballots_counted": self.ballots_counted,
            "results": {str(c): self.m2(u) for c, u in sorted(self.per_candidate.items())},
        }


# Each voter's last ballot in one pass: DISTINCT ON keeps the first row per voter in
# ``seq DESC`` order (seq is unique in an election), then the sums and counts per candidate.
LAST_BALLOTS_SQL = """
SELECT last.candidate_id, SUM(last.weight_units), COUNT(*)
FROM (
    SELECT DISTINCT ON (person_id) candidate_id, weight_units
    FROM voting_ballot
    WHERE election_id = %s
    ORDER BY person_id, seq DESC
) AS last
GROUP BY last.candidate_id
"""


def _last_ballots_postgres(election: Election) -> list[tuple[int, int, int]]:
    """(candidate, units, voters) of the voters' last ballots, on PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute(LAST_BALLOTS_SQL, [election.pk])
        return [(int(c), int(units), int(n)) for c, units, n in cursor.fetchall()]


def _last_ballots_portable(election: Election) -> list[tuple[int, int, int]]:
    """The same figures on any database: a ballot counts if its entry is its voter's
    last (a correlated MAX(seq) on the (election, person, seq) index)."""
    last = (
        Ballot.objects.filter(election=election, person_id=OuterRef("person_id"))
        .order_by()
        .values("person_id")
        .annotate(m=Max("seq"))
        .values("m")
    )
    rows = (
        Ballot.objects.filter(election=election, seq=Subquery(last))
        .order_by()
        .values("candidate_id")
        .annotate(units=Sum("weight_units"), voters=Count("pk"))
        .values_list("candidate_id", "units", "voters")
    )
    return [(c, int(units), n) for c, units, n in rows]


def tally(election: Election) -> Tally:
    """Two queries: each voter's last entry summed and counted by candidate, and the
    candidates (those without a counted ballot have 0)."""
    if connection.vendor == "postgresql":
        rows = _last_ballots_postgres(election)
    else:
        rows = _last_ballots_portable(election)
    per_candidate = {candidate_id: units for candidate_id, units, _ in rows}
    for candidate_id in election.candidates.values_list("pk", flat=True):
        per_candidate.setdefault(candidate_id, 0)
    return Tally(
        total_units=election.total_weight_units,
        participating_units=sum(per_candidate.values()),
        per_candidate=per_candidate,
        ballots_counted=sum(voters for _, _, voters in rows),
        quorum_percent=election.quorum_percent,
        weight_scale=election.weight_scale,
    )
