"""The registry list read district by district (buildings.selectors.RegistryRows): the same
rows in the same order as the plain queryset, with counts cached under the registry's
stamp, which every path that adds, moves, reclassifies or deletes a building renews."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buildings.classification import reclassify_all
from buildings.filters import RegistryFilter
from buildings.models import Building, Classification
from buildings.selectors import RegistryRows, buildings_filtered, registry_rows
from territory.models import District, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(make_building) -> list[Building]:
    """Buildings over districts of three regions, whose ids do not follow their names."""
    made = []
    regions = list(Region.objects.order_by("-code")[:3])
    addresses = itertools.cycle(["Bog'", "amir Temur", "Zarqaynar", "Chilonzor", "bog'"])
    for region in regions:
        districts = list(District.objects.filter(region=region).order_by("-pk")[:4])
        for n, district in enumerate(districts):
            for i in range(n + 1 + (region.pk % 3)):
                made.append(
                    make_building(
                        region_code=region.code,
                        district=district,
                        address=f"{next(addresses)} {i}",
                        flats=1,
                        classification=(Classification.GREEN, Classification.YELLOW)[i % 2],
                    )
                )
    return made


def _filters(**values) -> RegistryFilter:
    return RegistryFilter(**values)


def _cases() -> list[RegistryFilter]:
    region = Region.objects.order_by("-code").first()
    assert region is not None
    district = District.objects.filter(region=region).order_by("-pk").first()
    assert district is not None
    return [
        _filters(),
        _filters(region_code=region.code),
        _filters(region_id=region.pk),
        _filters(district_id=district.pk),
        _filters(klass=Classification.YELLOW),
        _filters(region_code=region.code, klass=Classification.GREEN),
        _filters(district_id=-1),
    ]


def test_every_page_holds_the_querysets_rows_in_its_order(spread) -> None:
    for filters in _cases():
        expected = list(buildings_filtered(filters).values_list("pk", flat=True))
        rows = RegistryRows(filters)
        assert rows.count() == len(expected)
        for size in (1, 4, 7, 50):
            for start in range(0, len(expected) + size, size):
                page = [b.pk for b in rows[start : start + size]]
                assert page == expected[start : start + size], (filters, size, start)


def test_a_search_keeps_the_queryset(spread) -> None:
    assert not isinstance(registry_rows(_filters(q="BOG")), RegistryRows)
    assert isinstance(registry_rows(_filters()), RegistryRows)


def test_the_count_is_read_once_per_stamp(spread) -> None:
    RegistryRows(_filters()).count()
    with CaptureQueriesContext(connection) as ctx:
        assert RegistryRows(_filters()).count() == len(spread)
    assert len(ctx.captured_queries) == 0


def test_a_building_added_moved_or_deleted_changes_the_counts(spread, make_building) -> None:
    everything, one = _filters(), spread[0]
    assert RegistryRows(everything).count() == len(spread)
    make_building(flats=1)
    assert RegistryRows(everything).count() == len(spread) + 1
    target = District.objects.exclude(pk=one.district_id).filter(region=one.region).first()
    assert target is not None
    before = RegistryRows(_filters(district_id=target.pk)).count()
    one.district = target
    one.save()
    assert RegistryRows(_filters(district_id=target.pk)).count() == before + 1
    gone = make_building(flats=1)
    gone.apartments.all().delete()
    gone.delete()  # one by one: a signal
    assert RegistryRows(everything).count() == len(spread) + 1


def test_a_bulk_reclassification_changes_the_class_counts(spread) -> None:
    b_count = RegistryRows(_filters(klass=Classification.YELLOW)).count()
    assert b_count > 0
    # the class follows the assessments: none here, so every building becomes unassessed
    reclassify_all()
    assert RegistryRows(_filters(klass=Classification.YELLOW)).count() == 0
    assert RegistryRows(_filters(klass=Classification.UNASSESSED)).count() == len(spread)


def test_a_page_past_the_end_is_empty_and_a_bad_slice_refused(spread) -> None:
    rows = RegistryRows(_filters())
    assert rows[len(spread) : len(spread) + 50] == []
    assert rows[2].pk == list(rows)[2].pk == rows[2:3][0].pk
    with pytest.raises(IndexError):
        rows[len(spread)]
    with pytest.raises(TypeError):
        rows[::2]


# --- the cached pages of the public registry (buildings.selectors.registry_cached) ---------


def _list(client, **params) -> str:
    response = client.get("/registry/buildings/", params)
    assert response.status_code == 200
    return response.content.decode()


def _api(client, **params) -> dict:
    response = client.get("/api/v1/buildings/", params)
    assert response.status_code == 200
    return response.json()


def test_a_cached_page_reads_no_rows(client, spread) -> None:
    def rows(page: str) -> str:
        return _list(client, page=page).split('<div id="rows"', 1)[1]

    first = rows("1")
    with CaptureQueriesContext(connection) as ctx:
        assert rows("1") == first
    assert not any('FROM "buildings_building"' in q["sql"] for q in ctx.captured_queries)
    _api(client)
    with CaptureQueriesContext(connection) as ctx:
        _api(client)
    assert len(ctx.captured_queries) == 0


def test_every_writer_of_what_the_registry_shows_renews_its_pages(client, spread) -> None:
    from buildings.services import building_totals_refresh, buildings_manager_assign
    from organizations.models import ManagementCompany

    one = spread[0]
    _list(client)
    _api(client, district=str(one.district_id))
    one.address = "Yangi ko'cha 1"
    one.save()  # one by one
    assert "Yangi ko&#x27;cha 1" in _list(client)
    Building.objects.filter(pk=one.pk).update(apartments_count=999)  # past every receiver
    building_totals_refresh(building_ids=[one.pk])  # the rows say 1
    row = next(
        b for b in _api(client, district=str(one.district_id))["results"] if b["id"] == one.pk
    )
    assert row["apartments_count"] == 1
    mc = ManagementCompany.objects.create(name="Registr Servis MChJ", tin="399000001")
    buildings_manager_assign(building_ids=[one.pk], company_id=mc.pk)
    row = next(
        b for b in _api(client, district=str(one.district_id))["results"] if b["id"] == one.pk
    )
    assert row["manager"] == mc.name
    mc.name = "Boshqa Servis MChJ"
    mc.save()
    row = next(
        b for b in _api(client, district=str(one.district_id))["results"] if b["id"] == one.pk
    )
    assert row["manager"] == "Boshqa Servis MChJ"
    district = one.district
    district.name = "Yangi tuman"
    district.save()
    assert "Yangi tuman" in _list(client, district=str(district.pk))


def test_a_page_is_cached_per_language_and_per_query(client, spread) -> None:
    uz = _list(client)
    client.cookies["django_language"] = "ru"
    ru = _list(client)
    assert uz != ru
    region = spread[0].region
    assert _list(client, region=region.code) != ru
