"""General meeting pages for the right personas: the council calls a meeting from the
building's page, an owner comments, votes, finds the receipt on the board; a question
answered twice in one request is refused with the chain unchanged; the close, the
protocol in Uzbek and Russian; pinned query counts, constant as the electorate grows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mening_uyim.demo import Cast
from tests.voting.conftest import World
from tests.voting.test_meetings import CLEANING, LEASE, chain_ok, questions, retally
from tests.voting.test_pages import _grow
from voting.meetings import meeting_initiate
from voting.models import (
    Meeting,
    MeetingBallot,
    MeetingInitiator,
    MeetingStatus,
    Question,
    QuestionKind,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _meeting(cast: Cast, world: World, *, voting: bool = True) -> Meeting:
    """Called by the council: in its voting window now (or in its discussion)."""
    back = settings.VOTING_MEETING_DISCUSSION_DAYS * DAY + dt.timedelta(hours=1)
    return meeting_initiate(
        building=world.building,
        by=cast.users["council"],
        initiator=MeetingInitiator.COUNCIL,
        agenda=[LEASE, CLEANING],
        at=timezone.now() - (back if voting else dt.timedelta(hours=1)),
    )


def _form(initiator: str, *rows: tuple[str, str, str]) -> dict[str, str]:
    data = {
        "initiator": initiator,
        "q-TOTAL_FORMS": str(len(rows)),
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "1",
        "q-MAX_NUM_FORMS": "30",
    }
    for i, (text, kind, rule) in enumerate(rows):
        data |= {f"q-{i}-text": text, f"q-{i}-kind": kind, f"q-{i}-rule": rule}
    return data


def test_the_council_calls_a_meeting_from_the_buildings_page(
    client: Client, cast: Cast, world: World
) -> None:
    client.force_login(cast.users["council"])
    path = f"/voting/buildings/{world.building.pk}/meetings/"
    page = client.get(path)
    assert page.status_code == 200
    assert 'value="council"' in page.content.decode()
    response = client.post(
        path,
        _form(
            "council",
            ("Yerto'la ijarasi", QuestionKind.LEASE, ""),
            ("Hovli obodonlashtirish", QuestionKind.OTHER, ""),
            ("", QuestionKind.OTHER, ""),  # a blank row is skipped
        ),
    )
    meeting = Meeting.objects.get(building=world.building)
    assert response.status_code == 302
    assert response["Location"] == f"/voting/meetings/{meeting.pk}/"
    assert meeting.status == MeetingStatus.OPEN
    assert meeting.initiator == MeetingInitiator.COUNCIL
    assert [(q.kind, q.rule) for q in questions(meeting)] == [
        ("lease", "qualified"),
        ("other", "simple"),
    ]
    assert "Yerto&#x27;la ijarasi" in client.get(response["Location"]).content.decode()


def test_a_lease_decided_simply_is_refused_and_nothing_is_written(
    client: Client, cast: Cast, world: World
) -> None:
    client.force_login(cast.users["council"])
    response = client.post(
        f"/voting/buildings/{world.building.pk}/meetings/",
        _form("council", ("Yerto'la ijarasi", QuestionKind.LEASE, "simple")),
        HTTP_ACCEPT_LANGUAGE="uz",
    )
    assert response.status_code == 400
    assert "malaka" in response.content.decode().lower() or "2/3" in response.content.decode()
    assert not Meeting.objects.exists()
    assert not Question.objects.exists()


def test_an_owner_may_not_call_it_as_the_council(client: Client, cast: Cast, world: World) -> None:
    client.force_login(cast.users["owner"])
    path = f"/voting/buildings/{world.building.pk}/meetings/"
    page = client.get(path).content.decode()
    assert 'value="owners"' in page
    assert 'value="council"' not in page
    response = client.post(path, _form("council", ("Savol", QuestionKind.OTHER, "")))
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_an_outsider_sees_no_meeting_and_no_form(client: Client, cast: Cast, world: World) -> None:
    meeting = _meeting(cast, world)
    client.force_login(cast.users["rival_mc"])
    page = client.get(f"/voting/buildings/{world.building.pk}/meetings/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/voting/meetings/{meeting.pk}/" not in body
    assert '<form method="post">' not in body
    assert client.get(f"/voting/meetings/{meeting.pk}/").status_code == 404


def test_an_owner_comments_in_the_discussion(client: Client, cast: Cast, world: World) -> None:
    meeting = _meeting(cast, world, voting=False)
    client.force_login(cast.users["owner"])
    page = client.get(f"/voting/meetings/{meeting.pk}/").content.decode()
    assert f"/voting/meetings/{meeting.pk}/comment/" in page
    assert f"/voting/meetings/{meeting.pk}/ballot/" not in page.split("<h2")[2]
    response = client.post(
        f"/voting/meetings/{meeting.pk}/comment/", {"text": "Roziman, oʻylab koʻraylik"}
    )
    assert response.status_code == 302
    assert (
        "Roziman, oʻylab koʻraylik"
        in client.get(f"/voting/meetings/{meeting.pk}/").content.decode()
    )
    refused = client.post(f"/voting/meetings/{meeting.pk}/comment/", {"text": "   "})
    assert refused.status_code == 303
    assert meeting.comments.count() == 1


def test_an_owner_votes_and_finds_the_receipt_on_the_board(
    client: Client, cast: Cast, world: World
) -> None:
    meeting = _meeting(cast, world)
    lease, cleaning = questions(meeting)
    client.force_login(cast.users["owner"])
    page = client.get(f"/voting/meetings/{meeting.pk}/").content.decode()
    assert f'name="q{lease.pk}"' in page
    response = client.post(
        f"/voting/meetings/{meeting.pk}/ballot/",
        {f"q{lease.pk}": "for", f"q{cleaning.pk}": "abstain"},
    )
    assert response.status_code == 302
    ballot = MeetingBallot.objects.get(meeting=meeting)
    assert ballot.person == cast.users["owner"].person
    assert ballot.choices == {str(lease.pk): "for", str(cleaning.pk): "abstain"}
    assert ballot.weight_units == 25 * 100 * 2  # ½ of 50 m², scale 2
    assert ballot.receipt in client.get(f"/voting/meetings/{meeting.pk}/").content.decode()
    board = client.get(f"/voting/meetings/{meeting.pk}/board/").content.decode()
    assert ballot.receipt in board
    assert "<td>25</td>" in board


def test_a_question_answered_twice_in_one_request_is_refused(
    client: Client, cast: Cast, world: World
) -> None:
    meeting = _meeting(cast, world)
    lease, cleaning = questions(meeting)
    client.force_login(cast.users["owner"])
    response = client.post(
        f"/voting/meetings/{meeting.pk}/ballot/",
        f"q{lease.pk}=for&q{lease.pk}=against&q{cleaning.pk}=for",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 303
    assert not MeetingBallot.objects.exists()
    assert chain_ok(meeting)


def test_the_council_closes_and_the_protocol_opens_in_uzbek_and_russian(
    client: Client, cast: Cast, world: World
) -> None:
    meeting = _meeting(cast, world)
    lease, cleaning = questions(meeting)
    for key in ("owner", "co_owner", "neighbour"):
        client.force_login(cast.users[key])
        client.post(
            f"/voting/meetings/{meeting.pk}/ballot/",
            {f"q{lease.pk}": "for", f"q{cleaning.pk}": "for"},
        )
    assert MeetingBallot.objects.filter(meeting=meeting).count() == 3
    Meeting.objects.filter(pk=meeting.pk).update(
        voting_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    client.force_login(cast.users["council"])
    page = client.get(f"/voting/meetings/{meeting.pk}/").content.decode()
    assert f"/voting/meetings/{meeting.pk}/close/" in page
    assert client.post(f"/voting/meetings/{meeting.pk}/close/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert retally(meeting)["matches_published"] is True
    # 100 of 200 m²: no quorum (more than half is needed), nothing adopted
    assert meeting.result["quorum"] is False
    for lang in ("uz", "ru"):
        pdf = client.get(f"/voting/meetings/{meeting.pk}/protocol.pdf?lang={lang}")
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert f"meeting-{meeting.pk}-{lang}.pdf" in pdf["Content-Disposition"]


def test_the_protocol_of_an_open_meeting_does_not_exist(
    client: Client, cast: Cast, world: World
) -> None:
    meeting = _meeting(cast, world)
    client.force_login(cast.users["owner"])
    assert client.get(f"/voting/meetings/{meeting.pk}/protocol.pdf").status_code == 404


def test_interim_results_stay_hidden_until_the_close(
    client: Client, cast: Cast, world: World, settings: object
) -> None:
    meeting = _meeting(cast, world)
    lease, cleaning = questions(meeting)
    client.force_login(cast.users["neighbour"])
    client.post(
        f"/voting/meetings/{meeting.pk}/ballot/", {f"q{lease.pk}": "for", f"q{cleaning.pk}": "for"}
    )
    page = client.get(f"/voting/meetings/{meeting.pk}/").content.decode()
    assert "50 m² ·" not in page  # the weight for, by question
    settings.VOTING_INTERIM_RESULTS_VISIBLE = True  # type: ignore[attr-defined]
    page = client.get(f"/voting/meetings/{meeting.pk}/").content.decode()
    assert "50 m² ·" in page


PINS = {"/voting/meetings/{pk}/": 12, "/voting/meetings/{pk}/board/": 8}


@pytest.mark.parametrize("path", list(PINS))
def test_the_meeting_page_and_board_take_the_same_queries_as_the_electorate_grows(
    client: Client, cast: Cast, world: World, path: str
) -> None:
    from voting.meetings import meeting_ballot_cast

    counts: list[int] = []
    for grow in (0, 30):
        _grow(world, grow)
        meeting = _meeting(cast, world)
        for person_user in [world.voters["neighbour"], world.voters["third"]]:
            meeting_ballot_cast(
                meeting=meeting,
                voter=person_user,
                choices={q.pk: "for" for q in questions(meeting)},
            )
        client.force_login(cast.users["owner"])
        client.get(
            path.format(pk=meeting.pk)
        )  # the roles are cached across requests (accounts.permissions): count a warm request
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path.format(pk=meeting.pk)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= PINS[path], counts


# --- the API --------------------------------------------------------------------------------


def _answers(meeting: Meeting, choice: str = "for") -> list[dict[str, object]]:
    return [{"question": q.pk, "choice": choice} for q in questions(meeting)]


def test_an_owner_votes_through_the_api_and_finds_the_receipt(
    client: Client, cast: Cast, world: World
) -> None:
    meeting = _meeting(cast, world)
    client.force_login(cast.users["co_owner"])
    detail = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [q["kind"] for q in detail["questions"]] == ["lease", "other"]
    assert detail["phase"] == "voting"
    assert detail["result"] is None  # interim results hidden
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/ballots/",
        {"answers": _answers(meeting)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    receipt = response.json()["receipt"]
    assert response.json()["weight_m2"] == "25"
    board = client.get(f"/api/v1/meetings/{meeting.pk}/board/").json()
    assert receipt in [row["receipt"] for row in board["results"]]
    mine = client.get("/api/v1/me/meeting-receipts/").json()
    assert [row["receipt"] for row in mine["results"]] == [receipt]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda m, w: {"answers": _answers(m), "weight_units": 10_000}, id="forged"),
        pytest.param(
            lambda m, w: {
                "answers": _answers(m),
                "apartments": [w.building.apartments.order_by("pk")[1].pk],
            },
            id="another-owners-apartment",
        ),
        pytest.param(
            lambda m, w: {"answers": [*_answers(m), _answers(m, "against")[0]]}, id="twice"
        ),
        pytest.param(lambda m, w: {"answers": _answers(m)[:1]}, id="unanswered"),
        pytest.param(
            lambda m, w: {"answers": [{"question": 9_999_999, "choice": "for"}]},
            id="not-on-the-agenda",
        ),
    ],
)
def test_a_bad_api_ballot_is_refused_and_the_chain_is_unchanged(
    client: Client, cast: Cast, world: World, body: object
) -> None:
    meeting = _meeting(cast, world)
    client.force_login(cast.users["owner"])
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/ballots/",
        body(meeting, world),  # type: ignore[operator]
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not MeetingBallot.objects.exists()
    assert chain_ok(meeting)


def test_a_non_owner_gets_404_from_the_api_and_nothing_is_written(
    client: Client, cast: Cast, world: World
) -> None:
    meeting = _meeting(cast, world)
    client.force_login(cast.users["rival_mc"])
    for response in (
        client.get(f"/api/v1/meetings/{meeting.pk}/"),
        client.get(f"/api/v1/meetings/{meeting.pk}/board/"),
        client.post(
            f"/api/v1/meetings/{meeting.pk}/ballots/",
            {"answers": _answers(meeting)},
            content_type="application/json",
        ),
    ):
        assert response.status_code == 404
    assert not MeetingBallot.objects.exists()
