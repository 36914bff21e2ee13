"""Forms of the dispatch pages: they read formats; the rules are dispatch.services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from buildings.models import Building
from core.widgets import QuickSelect
from dispatch.models import TEXT_MAX, Category, Urgency

COMMON = ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files]


class TicketForm(forms.Form):
    """An owner's ticket: the building, the apartment or the common areas, the text."""

    building = forms.ChoiceField(label=_("Building"))
    apartment = forms.ChoiceField(label=_("Where"), required=False)
    text = forms.CharField(
        label=_("What happened"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos (JPG or PNG, optional)"))

    def __init__(self, *args: Any, buildings: Any, apartments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buildings = {str(b.pk): b for b in buildings}
        self.apartments = {str(a.pk): a for a in apartments}
        self.fields["building"].choices = [(k, b.address) for k, b in self.buildings.items()]  # type: ignore[attr-defined]
        self.fields["apartment"].choices = [(COMMON, _("the building's common areas"))] + [  # type: ignore[attr-defined]
            (k, f"{a.building.address}, {a.number}") for k, a in self.apartments.items()
        ]


class CallForm(forms.Form):
    """A dispatcher takes a call: any building the MC manages."""

    building: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Building"),
        queryset=Building.objects.none(),
        empty_label=None,
        widget=QuickSelect,  # every building of the company
    )
    apartment_number = forms.CharField(
        label=_("Flat number (empty: common areas)"), max_length=20, required=False
    )
    caller = forms.CharField(label=_("Caller (name, phone)"), max_length=200)
    text = forms.CharField(
        label=_("What happened"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, buildings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)


class AssignForm(forms.Form):
    technician: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Technician"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, technicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians  # type: ignore[attr-defined]


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)]
    )


class AppealForm(forms.Form):
    building = forms.ChoiceField(label=_("Building"))
    text = forms.CharField(
        label=_("Your complaint about the management company"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, buildings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buildings = {str(b.pk): b for b in buildings}
        self.fields["building"].choices = [(k, b.address) for k, b in self.buildings.items()]  # type: ignore[attr-defined]
