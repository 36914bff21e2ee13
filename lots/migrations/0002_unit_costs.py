"""Load the default unit costs of the five-year program (settings.PROGRAM_UNIT_COSTS)."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    unit_cost = apps.get_model("lots", "UnitCost")
    for element, (work, tiyin) in settings.PROGRAM_UNIT_COSTS.items():
        unit_cost.objects.get_or_create(element=element, defaults={"work": work, "tiyin_per_m2": tiyin})


class Migration(migrations.Migration):
    dependencies = [("lots", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
