"""Classification rule (DOMAIN.md "Building registry"): boundaries, emergency, no elevator,
the Python path equal to the set-based SQL path, and policy changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from buildings.classification import classify, policy_current, reclassify_all
from buildings.models import ELEMENTS, Building, ConditionAssessment
from buildings.services import assessment_record, policy_update
from tests.buildings.conftest import wear

pytestmark = pytest.mark.django_db


def klass(values: Mapping[str, object], *, emergency: bool = False, elevator: bool = True) -> str:
    return classify(
        values, emergency=emergency, has_elevator=elevator, policy=policy_current()
    ).classification


@pytest.mark.parametrize(
    ("overall", "expected"),
    [(40, "green"), (41, "yellow"), (60, "yellow"), (61, "red"), (Decimal("40.1"), "yellow")],
)
def test_overall_wear_bands(overall: int, expected: str) -> None:
    # Every element at the same wear gives W = that wear; no element is above 70, and
    # "an element above 60" coincides with "W above 60", so only the bands decide.
    values = {e: overall for e in ELEMENTS}
    assert klass(values) == expected


def test_w_of_exactly_60_is_yellow_and_60_point_1_is_red() -> None:
    assert klass({e: 60 for e in ELEMENTS}) == "yellow"
    # Raise W just above 60 without any structural element above 70.
    values = {e: 60 for e in ELEMENTS} | {"facade": Decimal("61.0")}
    assert klass(values) == "red"


@pytest.mark.parametrize("element", ["foundation", "walls", "floors", "roof"])
def test_a_structural_element_above_70_is_red(element: str) -> None:
    assert klass(wear(**{element: 70})) == "yellow"  # > 60 but not > 70
    assert klass(wear(**{element: 71})) == "red"


@pytest.mark.parametrize(
    "element", ["facade", "heating", "water", "electricity", "gas", "elevators"]
)
def test_a_non_structural_element_above_70_is_only_yellow(element: str) -> None:
    assert klass(wear(**{element: 60})) == "green"
    assert klass(wear(**{element: 61})) == "yellow"
    assert klass(wear(**{element: 95})) == "yellow"


def test_the_emergency_flag_is_red_whatever_the_wear() -> None:
    assert klass(wear(), emergency=True) == "red"


def test_without_an_elevator_its_wear_is_ignored_and_its_weight_spread() -> None:
    values = wear(elevators=99)
    assert klass(values, elevator=True) == "yellow"  # elevators 99 > 60
    assert klass(values, elevator=False) == "green"
    values = {e: 50 for e in ELEMENTS} | {"elevators": None}
    result = classify(values, emergency=False, has_elevator=False, policy=policy_current())
    assert result.overall_wear == Decimal("50.00")  # the 0.10 is spread over the others


def test_overall_wear_is_the_weighted_mean() -> None:
    values = {e: 0 for e in ELEMENTS} | {"walls": 50}  # walls weigh 0.20
    result = classify(values, emergency=False, has_elevator=True, policy=policy_current())
    assert result.overall_wear == Decimal("10.00")


def test_the_latest_assessment_decides_and_history_is_kept(make_building) -> None:
    building = make_building()
    assessment_record(building=building, assessed_on=dt.date(2025, 1, 1), wear=wear(walls=90))
    building.refresh_from_db()
    assert building.classification == "red"
    assessment_record(building=building, assessed_on=dt.date(2026, 1, 1), wear=wear())
    building.refresh_from_db()
    assert building.classification == "green"
    # An older assessment recorded later does not override the latest one.
    assessment_record(building=building, assessed_on=dt.date(2024, 1, 1), wear=wear(walls=90))
    building.refresh_from_db()
    assert building.classification == "green"
    assert building.assessments.count() == 3


def test_a_building_without_assessment_is_unassessed(make_building) -> None:
    building = make_building()
    reclassify_all()
    building.refresh_from_db()
    assert building.classification == "unassessed"
    assert building.overall_wear is None


def test_wear_outside_0_100_is_refused_naming_the_field(make_building) -> None:
    building = make_building()
    with pytest.raises(ValidationError) as exc:
        assessment_record(building=building, assessed_on=dt.date(2026, 1, 1), wear=wear(walls=130))
    assert "walls" in exc.value.message_dict
    assert not ConditionAssessment.objects.filter(building=building).exists()


def test_changing_thresholds_reclassifies_every_building(make_building) -> None:
    building = make_building()
    assessment_record(
        building=building, assessed_on=dt.date(2026, 1, 1), wear={e: 45 for e in ELEMENTS}
    )
    building.refresh_from_db()
    assert building.classification == "yellow"
    counts = policy_update(values={"yellow_overall": Decimal(50)})
    building.refresh_from_db()
    assert building.classification == "green"
    assert counts["green"] >= 1


def test_weights_must_sum_to_one(make_building) -> None:
    policy_current()
    with pytest.raises(ValidationError):
        policy_update(values={"weight_walls": Decimal("0.300")})


def test_classify_command_prints_counts(make_building) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    building = make_building()
    assessment_record(building=building, assessed_on=dt.date(2026, 1, 1), wear=wear(roof=75))
    out = StringIO()
    call_command("classify_buildings", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {"green", "yellow", "red", "unassessed", "seconds"}
    assert summary["red"] == Building.objects.filter(classification="red").count() >= 1
    out = StringIO()
    call_command("building_class", building.cadastral_number, stdout=out)
    assert json.loads(out.getvalue()) == {building.cadastral_number: "red"}


wear_values = st.one_of(
    st.integers(min_value=0, max_value=100).map(Decimal),
    st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(40), Decimal(41), Decimal(60), Decimal(61), Decimal(70), Decimal(71)]),
)


class TestSqlAgreesWithPython(HypothesisTestCase):
    """The set-based SQL path and the one-building Python path are the same rule."""

    @settings(max_examples=60, deadline=None)
    @given(
        values=st.fixed_dictionaries({e: wear_values for e in ELEMENTS}),
        emergency=st.booleans(),
        elevator=st.booleans(),
    )
    def test_same_class_and_wear(
        self, values: dict[str, Decimal], emergency: bool, elevator: bool
    ) -> None:
        from territory.models import District, Region

        region = Region.objects.get(code="UZ-TK")
        district = District.objects.filter(region=region).first()
        assert district is not None
        building = Building.objects.create(
            region=region,
            district=district,
            cadastral_number="H:1",
            address="x",
            lat=41.3,
            lon=69.3,
            floors=5,
            entrances=1,
            has_elevator=elevator,
            total_area_m2=1,
            living_area_m2=1,
        )
        ConditionAssessment.objects.create(
            building=building,
            assessed_on=dt.date(2026, 1, 1),
            emergency=emergency,
            **{e: (v if (e != "elevators" or elevator) else None) for e, v in values.items()},
        )
        reclassify_all(building_ids=[building.pk])
        building.refresh_from_db()
        expected = classify(
            values, emergency=emergency, has_elevator=elevator, policy=policy_current()
        )
        assert building.classification == expected.classification
        assert building.overall_wear is not None
        assert abs(building.overall_wear - expected.overall_wear) <= Decimal("0.01")


def test_an_elevator_without_assessed_wear_is_left_out_on_both_paths(make_building) -> None:
    building = make_building(has_elevator=False)
    ConditionAssessment.objects.create(
        building=building, assessed_on=dt.date(2026, 1, 1), **{e: 44 for e in ELEMENTS[:-1]}
    )
    Building.objects.filter(pk=building.pk).update(has_elevator=True)  # installed later
    from buildings.classification import building_reclassify

    building.refresh_from_db()
    python = building_reclassify(building)
    assert (python.classification, python.overall_wear) == ("yellow", Decimal("44.00"))
    reclassify_all(building_ids=[building.pk])
    building.refresh_from_db()
    assert (building.classification, building.overall_wear) == ("yellow", Decimal("44.00"))


def test_a_national_inspector_edits_the_policy_in_the_admin_and_all_is_reclassified(
    make_building, client
) -> None:
    from accounts.models import Role
    from accounts.services import membership_grant
    from buildings.classification import policy_row
    from tests.factories import UserFactory

    building = make_building()
    assessment_record(
        building=building, assessed_on=dt.date(2026, 1, 1), wear={e: 45 for e in ELEMENTS}
    )
    national = UserFactory.create()
    membership_grant(user=national, role=Role.INSPECTOR, region_id=None)
    row = policy_row()
    data = {f"weight_{e}": str(getattr(row, f"weight_{e}")) for e in ELEMENTS}
    data |= {
        "red_overall": "60",
        "red_structural": "70",
        "yellow_overall": "50",
        "yellow_element": "60",
    }
    client.force_login(national)
    response = client.post(f"/admin/buildings/classificationpolicy/{row.pk}/change/", data)
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.classification == "green"
    # Weights that do not sum to 1 are a form error, and nothing changes.
    response = client.post(
        f"/admin/buildings/classificationpolicy/{row.pk}/change/", data | {"weight_walls": "0.5"}
    )
    assert response.status_code == 200
    assert policy_row().weight_walls == Decimal("0.200")


def test_a_regional_inspector_cannot_change_the_policy(client, cast) -> None:
    from buildings.classification import policy_row

    row = policy_row()
    client.force_login(cast.users["inspector"])
    response = client.post(
        f"/admin/buildings/classificationpolicy/{row.pk}/change/", {"yellow_overall": "10"}
    )
    assert response.status_code == 403
    assert policy_row().yellow_overall == Decimal("40.0")


@pytest.mark.parametrize("value", [Decimal("60.04"), 60.04, "60.05"])
def test_the_service_refuses_a_wear_with_more_than_one_decimal(make_building, value) -> None:
    """The same rule as the import: refused, never rounded to 60.0 (which is not > 60)."""
    from buildings.services import MSG_WEAR_TOO_PRECISE

    building = make_building()
    with pytest.raises(ValidationError) as exc:
        assessment_record(
            building=building, assessed_on=dt.date(2026, 1, 1), wear={e: value for e in ELEMENTS}
        )
    assert exc.value.message_dict["walls"] == [str(MSG_WEAR_TOO_PRECISE % {"value": value})]
    assert not ConditionAssessment.objects.filter(building=building).exists()


def test_the_service_refuses_an_assessment_dated_after_today(make_building) -> None:
    from django.utils import timezone

    building = make_building()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        assessment_record(building=building, assessed_on=tomorrow, wear=wear())
    assert "assessed_on" in exc.value.message_dict
    assert not ConditionAssessment.objects.filter(building=building).exists()
