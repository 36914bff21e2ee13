"""Load the fixed 14 regions and their districts (territory/data/regions.json)."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from territory.reference import regions_ensure

    regions_ensure(apps.get_model("territory", "Region"), apps.get_model("territory", "District"))


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
