"""Load the fixed 14 regions and their districts (buildings/data/regions.json)."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from buildings.reference import regions_ensure

    regions_ensure(apps.get_model("buildings", "Region"), apps.get_model("buildings", "District"))


class Migration(migrations.Migration):
    dependencies = [("buildings", "0002_registry")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
