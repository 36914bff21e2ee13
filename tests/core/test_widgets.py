"""core.widgets.QuickSelect renders what Django's Select renders, in Python."""

from __future__ import annotations

import pytest
from django import forms

from core.widgets import QuickSelect

CHOICES = [
    ("1", "Amir Temur ko'chasi, 1"),
    ("2", 'Uy "Bahor" <2-bino> & hovli'),
    ("Guruh", [("3", "Chilonzor, 9"), ("4", "Olmazor, 12")]),
    ("", "—"),
]


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        ("2", {"id": "id_building", "required": True}),
        (None, {"id": "x", "disabled": False, "aria-describedby": "help"}),
        (["4"], {}),
    ],
)
def test_the_markup_is_djangos(value, attrs) -> None:
    django = forms.Select(choices=CHOICES).render("building", value, attrs=attrs)
    quick = QuickSelect(choices=CHOICES).render("building", value, attrs=attrs)
    assert quick == django


def test_a_model_choice_field_renders_the_same(db) -> None:
    from territory.models import Region

    regions = Region.objects.order_by("name")
    plain = forms.ModelChoiceField(queryset=regions)
    quick = forms.ModelChoiceField(queryset=regions, widget=QuickSelect)
    first = regions.first()
    assert first is not None
    form_value = first.pk
    assert quick.widget.render("r", form_value) == plain.widget.render("r", form_value)
    assert f'value="{first.pk}" selected' in quick.widget.render("r", form_value)
