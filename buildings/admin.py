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
from buildings.classification import building_reclassify, policy_row
from buildings.models import (
    BUILDING_FACT_FIELDS,
    ELEMENTS,
    Apartment,
    Building,
    ClassificationPolicy,
    ConditionAssessment,
    LandPlot,
    MonthlyConsumption,
    Ownership,
)
from buildings.policies import may_commission, may_edit_classification_policy, oversight_q
from buildings.services import (
    MSG_WEIGHTS_NOT_ONE,
    RegistryError,
    building_commission,
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
            *BUILDING_FACT_FIELDS,
            "total_area_m2",
            "management_method",
            "manager",
            "manager_name",
            "classification",
            "overall_wear",
            "commissioned_at",
        )
        export_order = fields


@admin.register(Building)
class BuildingAdmin(ExportMixin, RegionScopedAdmin):
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
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["district"]
    actions = ["commission"]
    show_full_result_count = False

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
    show_full_result_count = False


@admin.register(Ownership)
class OwnershipAdmin(ExportMixin, RegionScopedAdmin):
    region_path = "apartment__building__region_id"
    list_display = ["apartment", "person", "share", "since", "until"]
    list_filter = ["until"]
    search_fields = ["=apartment__account_number", "=person__pinfl", "person__full_name"]
    list_select_related = ["apartment__building", "person"]
    raw_id_fields = ["apartment", "person"]
    show_full_result_count = False


@admin.register(ConditionAssessment)
class ConditionAssessmentAdmin(ExportMixin, RegionScopedAdmin):
    region_path = "building__region_id"
    list_display = ["building", "assessed_on", "emergency", "source"]
    list_filter = ["emergency", "source", ("building__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=building__cadastral_number", "building__address"]
    autocomplete_fields = ["building"]
    readonly_fields = ["assessor", "source", "created_at"]
    list_select_related = ["building"]
    show_full_result_count = False

    def save_model(
        self, request: HttpRequest, obj: ConditionAssessment, form: Any, change: bool
    ) -> None:
        if not may_commission(roles_of(request.user), obj.building):
            raise PermissionDenied  # an assessment only inside one's own region
        if not change:
            obj.assessor = request.user  # type: ignore[assignment]
            obj.source = ConditionAssessment.Source.INSPECTOR
        super().save_model(request, obj, form, change)
        building_reclassify(obj.building)


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
