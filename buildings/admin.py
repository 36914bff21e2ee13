"""The inspection console for the registry. Every list, detail, search, autocomplete and
export is scoped to the inspector's region (national inspectors and administrators see all).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin

from accounts.admin_scoping import NotFoundOutsideScope
from accounts.permissions import roles_of
from buildings.classification import policy_row
from buildings.models import (
    BUILDING_PUBLIC_FIELDS,
    ELEMENTS,
    Apartment,
    Building,
    ClassificationPolicy,
    ConditionAssessment,
    LandPlot,
    MonthlyConsumption,
    Ownership,
)
from buildings.policies import (
    may_commission,
    may_edit_classification_policy,
    oversight_q,
    region_scope,
)
from buildings.selectors import buildings_in_scope_of
from buildings.services import (
    APARTMENT_EDITABLE,
    BUILDING_EDITABLE,
    MSG_WEIGHTS_NOT_ONE,
    RegistryError,
    apartment_update,
    assessment_problems,
    assessment_record,
    building_commission,
    building_update,
    building_update_problems,
    policy_update,
)
from territory.models import District, Region


class RegionScopedAdmin(NotFoundOutsideScope):
    """Rows outside the inspector's region do not exist for them (404 on direct links)."""

    region_path = "region_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .filter(oversight_q(roles_of(request.user), path=self.region_path))
        )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ru", "code"]
    search_fields = ["name", "name_ru"]


@admin.register(District)
class DistrictAdmin(RegionScopedAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_ru"]


class BuildingResource(resources.ModelResource):
    region = fields.Field(attribute="region__name", column_name="region")
    district = fields.Field(attribute="district__name", column_name="district")
    manager = fields.Field(attribute="manager__name", column_name="manager")

    class Meta:
        model = Building
        fields = (
            "cadastral_number",
            "region",
            "district",
            *BUILDING_PUBLIC_FIELDS,
            "total_area_m2",
            "management_method",
            "manager",
            "manager_name",
            "classification",
            "overall_wear",
            "commissioned_at",
        )
        export_order = fields


class BuildingAdminForm(forms.ModelForm):
    """Shows the registry's refusals next to the fields (buildings.services.
    building_update_problems); the save itself goes through building_update."""

    region_scope: int | None = -1  # set per request by BuildingAdmin.get_form

    class Meta:
        model = Building
        fields = list(BUILDING_EDITABLE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None:
            return cleaned
        # The instance still holds the stored values here (the form writes to it later).
        values = {
            n: cleaned[n] for n in self.changed_data if n in cleaned and n in BUILDING_EDITABLE
        }
        problems = building_update_problems(
            building=self.instance, values=values, region_scope=self.region_scope
        )
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(Building)
class BuildingAdmin(ExportMixin, RegionScopedAdmin):
    """The admin is a path like any other: a change goes through building_update (the move
    rules shared with the Turar-Joy import, reclassification when the elevator flag changes,
    the passport of a commissioned building kept). Derived figures are read-only: the areas
    and apartments_count follow the Apartment rows (or Turar-Joy, for the total area), the
    class follows the latest assessment. Buildings are created by the Turar-Joy import."""

    form = BuildingAdminForm
    resource_classes = [BuildingResource]
    list_display = [
        "cadastral_number",
        "address",
        "district",
        "classification",
        "management_method",
        "apartments_count",
        "commissioned_at",
    ]
    list_filter = [
        ("region", admin.RelatedOnlyFieldListFilter),
        ("district", admin.RelatedOnlyFieldListFilter),
        "classification",
        "management_method",
    ]
    search_fields = ["=cadastral_number", "address", "=apartments__account_number"]
    list_select_related = ["district"]
    autocomplete_fields = ["manager"]
    readonly_fields = [
        "classification",
        "overall_wear",
        "latest_assessment",
        "commissioned_at",
        "commissioned_by",
        "apartments_count",
        "living_area_m2",
        "total_area_m2",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["district"]
    actions = ["commission"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # buildings come from Turar-Joy (import_turar_joy, the import API)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form: Any = super().get_form(request, obj, change, **kwargs)
        form.region_scope = region_scope(roles_of(request.user))  # a fresh class on every call
        return form

    def save_model(self, request: HttpRequest, obj: Building, form: Any, change: bool) -> None:
        values = {n: form.cleaned_data[n] for n in form.changed_data if n in BUILDING_EDITABLE}
        building_update(
            building=obj, values=values, region_scope=region_scope(roles_of(request.user))
        )

    @admin.action(description=_("Commission the selected buildings"))
    def commission(self, request: HttpRequest, queryset: QuerySet[Building]) -> None:
        done = 0
        for building in queryset:
            if not may_commission(roles_of(request.user), building):
                raise PermissionDenied
            try:
                building_commission(building=building, by=request.user)  # type: ignore[arg-type]
                done += 1
            except RegistryError as exc:
                self.message_user(
                    request,
                    _("%(building)s was not commissioned: %(reasons)s")
                    % {"building": building.cadastral_number, "reasons": " ".join(exc.messages)},
                    messages.ERROR,
                )
        if done:
            self.message_user(
                request, _("%(n)s building(s) commissioned.") % {"n": done}, messages.SUCCESS
            )


class ApartmentResource(resources.ModelResource):
    building = fields.Field(attribute="building__cadastral_number", column_name="building")

    class Meta:
        model = Apartment
        fields = ("account_number", "building", "number", "area_m2", "rooms")
        export_order = fields


@admin.register(Apartment)
class ApartmentAdmin(ExportMixin, RegionScopedAdmin):
    region_path = "building__region_id"
    resource_classes = [ApartmentResource]
    list_display = ["account_number", "building", "number", "area_m2", "rooms"]
    search_fields = ["=account_number", "=building__cadastral_number"]
    list_select_related = ["building"]
    raw_id_fields = ["building"]
    readonly_fields = ["building", "account_number"]
    show_full_result_count = False

    # Apartments come from Turar-Joy and are never deleted (owners, bills and votes point
    # at them); an edit goes through apartment_update, so the building's totals follow.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Apartment, form: Any, change: bool) -> None:
        values = {n: form.cleaned_data[n] for n in form.changed_data if n in APARTMENT_EDITABLE}
        apartment_update(apartment=obj, values=values)


@admin.register(Ownership)
class OwnershipAdmin(ExportMixin, RegionScopedAdmin):
    """Read-only: ownership history is written by buildings.services.ownership_replace
    (same-day replacement only; no back-dated rewrite), never row by row."""

    region_path = "apartment__building__region_id"
    list_display = ["apartment", "person", "share", "since", "until"]
    list_filter = ["until"]
    search_fields = ["=apartment__account_number", "=person__pinfl", "person__full_name"]
    list_select_related = ["apartment__building", "person"]
    raw_id_fields = ["apartment", "person"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConditionAssessmentAdminForm(forms.ModelForm):
    """The import's checks (buildings.services.assessment_problems), next to the fields."""

    class Meta:
        model = ConditionAssessment
        fields = ["building", "assessed_on", *ELEMENTS, "emergency", "assessor_name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        building = cleaned.get("building")
        if building is None:
            return cleaned
        problems = assessment_problems(
            has_elevator=building.has_elevator,
            assessed_on=cleaned.get("assessed_on"),
            wear={e: cleaned.get(e) for e in ELEMENTS},
        )
        for field, message in problems.items():
            if field not in self.errors:  # a field's own error (e.g. not a number) says it
                self.add_error(field, message)
        return cleaned


@admin.register(ConditionAssessment)
class ConditionAssessmentAdmin(ExportMixin, RegionScopedAdmin):
    """An assessment is added through assessment_record (the checks of the Turar-Joy
    import, then reclassification). History is kept: a recorded one is read-only; a
    correction is a new assessment, or Turar-Joy's for the same date."""

    form = ConditionAssessmentAdminForm
    region_path = "building__region_id"
    list_display = ["building", "assessed_on", "emergency", "source"]
    list_filter = ["emergency", "source", ("building__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=building__cadastral_number", "building__address"]
    autocomplete_fields = ["building"]
    readonly_fields = ["assessor", "source", "created_at"]
    list_select_related = ["building"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [f.name for f in ConditionAssessment._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "building":
            kwargs["queryset"] = buildings_in_scope_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ConditionAssessment, form: Any, change: bool
    ) -> None:
        if change:
            raise PermissionDenied  # recorded assessments are history (read-only above)
        if not may_commission(roles_of(request.user), obj.building):
            raise PermissionDenied  # an assessment only inside one's own region
        saved = assessment_record(
            building=obj.building,
            assessed_on=obj.assessed_on,
            wear={e: getattr(obj, e) for e in ELEMENTS},
            emergency=obj.emergency,
            assessor=request.user,  # type: ignore[arg-type]
            assessor_name=obj.assessor_name,
            source=ConditionAssessment.Source.INSPECTOR,
        )
        obj.pk, obj.assessor, obj.source = saved.pk, saved.assessor, saved.source


@admin.register(MonthlyConsumption)
class MonthlyConsumptionAdmin(RegionScopedAdmin):
    region_path = "building__region_id"
    list_display = ["building", "month", "electricity_kwh", "gas_m3", "water_m3"]
    search_fields = ["=building__cadastral_number"]
    list_select_related = ["building"]
    show_full_result_count = False


@admin.register(LandPlot)
class LandPlotAdmin(RegionScopedAdmin):
    region_path = "building__region_id"
    list_display = ["building", "area_m2"]
    search_fields = ["=building__cadastral_number"]
    list_select_related = ["building"]


class ClassificationPolicyForm(forms.ModelForm):
    class Meta:
        model = ClassificationPolicy
        fields = [
            *[f"weight_{e}" for e in ELEMENTS],
            "red_overall",
            "red_structural",
            "yellow_overall",
            "yellow_element",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        weights = [cleaned.get(f"weight_{e}") for e in ELEMENTS]
        if all(w is not None for w in weights):
            total = sum(w for w in weights if w is not None)
            if total != 1:
                raise forms.ValidationError(MSG_WEIGHTS_NOT_ONE % {"total": total})
        return cleaned


@admin.register(ClassificationPolicy)
class ClassificationPolicyAdmin(admin.ModelAdmin):
    """Saving reclassifies every building at once (one set-based pass)."""

    form = ClassificationPolicyForm

    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_edit_classification_policy(roles_of(request.user))

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClassificationPolicy]:
        policy_row()  # the row exists from the first visit on
        return super().get_queryset(request)

    def save_model(
        self, request: HttpRequest, obj: ClassificationPolicy, form: Any, change: bool
    ) -> None:
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        counts = policy_update(values=values)
        self.message_user(
            request,
            _("Every building was reclassified: %(counts)s")
            % {"counts": ", ".join(f"{k} {v}" for k, v in counts.items())},
            messages.SUCCESS,
        )
