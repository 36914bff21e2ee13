"""The dispatcher's empty call form, kept in the shared cache per company and language
(dispatch.views._call_form_html): the same markup as the form renders, and a building the
company comes to manage, or one renamed, is in it at once."""

from __future__ import annotations

import pytest
from django.test import Client

from buildings.models import Building
from buildings.services import buildings_manager_assign
from dispatch.forms import CallForm
from dispatch.selectors import call_buildings
from mening_uyim.demo import Cast

pytestmark = pytest.mark.django_db


def _form_part(client: Client) -> str:
    response = client.get("/dispatch/")
    assert response.status_code == 200
    page = response.content.decode()
    return page.split('id="call-form">', 1)[1].split("</form>", 1)[0]


@pytest.fixture
def dispatcher(client: Client, cast: Cast) -> Client:
    client.force_login(cast.users["mc_dispatcher"])
    return client


def test_the_cached_form_is_the_forms_own_markup(cast: Cast, dispatcher: Client) -> None:
    first = _form_part(dispatcher)
    again = _form_part(dispatcher)
    form = CallForm(buildings=call_buildings(cast.users["mc_dispatcher"]))
    assert str(form.as_div()) in again
    assert first.split("</label>", 1)[1] == again.split("</label>", 1)[1]


def test_a_building_managed_or_renamed_is_in_the_form_at_once(
    cast: Cast, dispatcher: Client, make_building
) -> None:
    building = make_building(flats=4)
    assert f'value="{building.pk}"' not in _form_part(dispatcher)  # cached without it
    buildings_manager_assign(building_ids=[building.pk], company_id=cast.mc.pk)
    assert f'value="{building.pk}"' in _form_part(dispatcher)
    building = Building.objects.get(pk=building.pk)
    building.address = "Bodomzor yo'li, 77-uy"
    building.save(update_fields=["address"])
    assert "Bodomzor yo" in _form_part(dispatcher)
