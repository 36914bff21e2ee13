"""Who may see or do what in lot elections (ARCHITECTURE.md "policies.py")."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import UserRoles
from buildings import policies as building_policies
from buildings.models import Building, Ownership
from buildings.policies import oversight_q
from core.scopes import EVERYTHING, NOTHING
from lots import policies as lot_policies
from lots.models import Lot
from organizations.models import RegisterStatus
from voting.models import (
    Candidate,
    Election,
    ElectionStatus,
    Elector,
    Meeting,
    MeetingElector,
    MeetingInitiator,
)


def election_scope_q(roles: UserRoles) -> Q:
    """Elections of the lots a login may see (lots.policies.lot_scope_q), those where the
    login's person is in the electorate, and, for a registered company's staff, every open
    election (nomination is public to the register) and those it stands in."""
    condition = Q(lot__in=Lot.objects.filter(lot_policies.lot_scope_q(roles)).values("pk"))
    if roles.managing_organization_id is not None:
        # a registered company's staff see open elections (to stand) and those it stands in
        condition |= Q(status=ElectionStatus.OPEN) | Q(
            pk__in=Candidate.objects.filter(company_id=roles.managing_organization_id).values(
                "election_id"
            )
        )
    if roles.person is not None:
        condition |= Q(
            pk__in=Elector.objects.filter(person_id=roles.person.pk).values("election_id")
        )
    return condition if roles.authenticated else NOTHING


# The elections whose frozen electorate holds a login's person: the part of
# election_scope_q by which a voter sees their election, as an SQL condition on an
# election id column, for the hand-written SQL of the ballot's hot path
# (voting.selectors.candidate_for_voter), which need not read the login's other roles.
ELECTORATE_SQL = """{column} IN (
    SELECT elector.election_id
    FROM voting_elector AS elector
    JOIN accounts_person AS person ON person.id = elector.person_id
    WHERE person.user_id = %s
)"""


def electorate_sql(user: Any, column: str) -> tuple[str, list[Any]]:
    """(SQL condition on ``column``, parameters); ``column`` is a name in the caller's
    SQL, never input. An inactive login is in no electorate (accounts.permissions.roles_of:
    an inactive login may do nothing)."""
    if not _active(user):
        return "1 = 0", []
    return ELECTORATE_SQL.format(column=column), [user.pk]


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def election_visible(roles: UserRoles, election: Any) -> bool:
    return Election.objects.filter(election_scope_q(roles), pk=election.pk).exists()


def may_run(roles: UserRoles, lot: Any) -> bool:
    """Opening, closing and appointing are the acts of a council of the lot."""
    return lot_policies.is_council_of(roles, lot)


def may_apply(roles: UserRoles, company: Any) -> bool:
    """A company stands through its director, while it is in the register."""
    return roles.mc_role == Role.MC_DIRECTOR and roles.managing_organization_id == company.pk


def may_stand(roles: UserRoles, election: Any) -> bool:
    """The login's company may still stand in ``election``: its director asks, the company
    is in the register (roles carry no company otherwise) and is not a candidate yet.
    Eligibility itself (the minimum requirements) is voting.services.candidate_apply's."""
    company_id = roles.managing_organization_id
    return (
        company_id is not None
        and roles.mc_role == Role.MC_DIRECTOR
        and not Candidate.objects.filter(election_id=election.pk, company_id=company_id).exists()
    )


def board_q(roles: UserRoles) -> Q:
    """The bulletin board of an election: its electorate, the councils of the lot and the
    region's inspectors (DOMAIN.md: "which only that electorate can see"; the candidates
    do not see it)."""
    if not roles.authenticated:
        return NOTHING
    condition = Q(lot__in=Lot.objects.filter(lot_policies.council_q(roles)).values("pk"))
    if roles.inspector:
        condition |= Q(lot__in=Lot.objects.filter(oversight_q(roles)).values("pk"))
    if roles.person is not None:
        condition |= Q(
            pk__in=Elector.objects.filter(person_id=roles.person.pk).values("election_id")
        )
    return condition


def board_visible(roles: UserRoles, election: Any) -> bool:
    return Election.objects.filter(board_q(roles), pk=election.pk).exists()


# --- general meetings (DOMAIN.md "General meeting") ---------------------------------------


def building_owner_q(roles: UserRoles) -> Q:
    """Buildings in which the login's person holds a current ownership."""
    if not roles.authenticated or roles.person is None:
        return NOTHING
    return Q(
        pk__in=Ownership.objects.filter(person_id=roles.person.pk, until__isnull=True).values(
            "apartment__building_id"
        )
    )


def meeting_initiate_q(roles: UserRoles, initiator: str) -> Q:
    """Buildings where a login may initiate a general meeting as ``initiator``: an owner of
    the building (an owners' initiative, which then collects signatures); the director of
    the building's management company, while it is in the register; a council member of
    the building's district."""
    if not roles.authenticated:
        return NOTHING
    if initiator == MeetingInitiator.OWNERS:
        return building_owner_q(roles)
    if initiator == MeetingInitiator.MC:
        if roles.mc_role != Role.MC_DIRECTOR or roles.managing_organization_id is None:
            return NOTHING
        return Q(
            manager_id=roles.managing_organization_id,
            manager__status=RegisterStatus.REGISTERED,
        )
    if initiator == MeetingInitiator.COUNCIL:
        if roles.council_district_id is None:
            return NOTHING
        return Q(district_id=roles.council_district_id)
    return NOTHING


def may_initiate_meeting(roles: UserRoles, building: Any, initiator: str) -> bool:
    return Building.objects.filter(meeting_initiate_q(roles, initiator), pk=building.pk).exists()


def may_sign_meeting(roles: UserRoles, meeting: Any) -> bool:
    """An owners' initiative is co-signed by the building's current owners."""
    return Building.objects.filter(building_owner_q(roles), pk=meeting.building_id).exists()


def meeting_scope_q(roles: UserRoles) -> Q:
    """Meetings a login may see: those of the buildings its person owns in, or whose
    electorate it is in; the building's company (while in the register); the councils of
    the building's district; the region's inspectors."""
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    if not roles.authenticated:
        return NOTHING
    condition = building_policies.oversight_q(roles, path="building__region_id")
    if roles.person is not None:
        owned = Building.objects.filter(building_owner_q(roles)).values("pk")
        condition |= Q(building_id__in=owned) | _elector_q(roles)
    if roles.managing_organization_id is not None:
        condition |= Q(building__manager_id=roles.managing_organization_id)
    if roles.council_district_id is not None:
        condition |= Q(building__district_id=roles.council_district_id)
    return condition


def _elector_q(roles: UserRoles) -> Q:
    """Meetings whose frozen electorate holds the login's person."""
    if roles.person is None:
        return NOTHING
    return Q(pk__in=MeetingElector.objects.filter(person_id=roles.person.pk).values("meeting_id"))


def meeting_visible(roles: UserRoles, meeting: Any) -> bool:
    return Meeting.objects.filter(meeting_scope_q(roles), pk=meeting.pk).exists()


def meeting_close_q(roles: UserRoles) -> Q:
    """Who may close a meeting once its voting has ended: its electorate, the building's
    company (while in the register) and the councils of the building's district. The
    outcome is fixed by the stored ballots alone, so any party may trigger it (and the beat
    task does, with no login)."""
    if not roles.authenticated:
        return NOTHING
    condition = _elector_q(roles)
    if roles.managing_organization_id is not None:
        condition |= Q(building__manager_id=roles.managing_organization_id)
    if roles.council_district_id is not None:
        condition |= Q(building__district_id=roles.council_district_id)
    return condition


def may_close_meeting(roles: UserRoles, meeting: Any) -> bool:
    return Meeting.objects.filter(meeting_close_q(roles), pk=meeting.pk).exists()


def meeting_board_q(roles: UserRoles) -> Q:
    """The bulletin board of a meeting, as for elections (DOMAIN.md: "which only that
    electorate can see"): its electorate, the councils of the building's district and the
    region's inspectors. The building's company calls and closes meetings but does not
    read the board: it is a party to what the owners decide."""
    if not roles.authenticated:
        return NOTHING
    condition = _elector_q(roles)
    if roles.council_district_id is not None:
        condition |= Q(building__district_id=roles.council_district_id)
    if roles.inspector:
        condition |= building_policies.oversight_q(roles, path="building__region_id")
    return condition


def may_comment_meeting(roles: UserRoles, meeting: Any) -> bool:
    """The discussion belongs to the meeting's electorate."""
    return Meeting.objects.filter(_elector_q(roles), pk=meeting.pk).exists()


def meeting_board_visible(roles: UserRoles, meeting: Any) -> bool:
    return Meeting.objects.filter(meeting_board_q(roles), pk=meeting.pk).exists()
