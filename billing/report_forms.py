"""Forms of the quarterly report page. They read formats (amounts in so'm, a file, a
program item); the rules are billing.reports' services, whose refusals the views show."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.documents import ACCEPT, validate_document
from billing.models import ExpenseCategory, QuarterlyReport, WorkStatus
from billing.revenue_forms import SomField
from lots.models import ProgramItem

UNPLANNED = "unplanned"
MSG_PICK_ITEM = _("Choose the program item, or “unplanned work”.")


class ExpensesForm(forms.Form):
    """The quarter's expenses, one amount per category (blank: unchanged)."""

    def __init__(self, *args: Any, report: QuarterlyReport | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {}
        if report is not None:
            current = {e.category: e.amount_tiyin for e in report.expenses.all()}
        for value, label in ExpenseCategory.choices:
            self.fields[value] = SomField(label=label, required=False)
            if value in current:
                self.initial[value] = f"{current[value] // 100}"

    def amounts(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class WorkForm(forms.Form):
    item = forms.ChoiceField(label=_("Program item"))
    description = forms.CharField(label=_("What was done"), max_length=500)
    status = forms.ChoiceField(label=_("Status"), choices=WorkStatus.choices)
    cost = SomField(label=_("Cost, so'm"))
    document = forms.FileField(
        label=_("Document or photo (PDF, JPG or PNG; required for done work)"),
        required=False,
        validators=[validate_document],
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, items: list[ProgramItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in items}
        choices: list[tuple[str, str]] = [("", "—"), (UNPLANNED, str(_("unplanned work")))]
        choices += [
            (str(item.pk), f"{item.year} · {item.building.address} · {item.work}") for item in items
        ]
        field = self.fields["item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_item(self) -> str:
        value = self.cleaned_data.get("item") or ""
        if value != UNPLANNED and value not in self.items:
            raise forms.ValidationError(MSG_PICK_ITEM, code="item")
        return value

    def program_item(self) -> ProgramItem | None:
        return self.items.get(self.cleaned_data["item"])
