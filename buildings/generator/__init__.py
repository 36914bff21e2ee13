"""National data generator (`generate_national`): a realistic, deterministic registry.

Scale 1: the 14 regions with their real districts and cities, 44,000 buildings (±1 %),
1.9–2.1 M apartments, owners with valid-format PINFLs (about 12 % of flats co-owned),
assessments for about 95 % of buildings in an age-driven mix, 12 months of consumption,
land plots, coordinates around each district's centre, Tashkent city dense and tall.

Rows are produced in Python from one seeded ``random.Random`` (deterministic for a seed)
and written with PostgreSQL's COPY (or batched executemany on SQLite) with ids allocated
here, so that account numbers can be derived from building ids without a second pass.
Classification afterwards is the set-based ``reclassify_all``.

The modules, in the order ``generate`` uses them: ``wipe`` (``--replace``), ``postgres``
(bulk-load tuning), ``companies``, ``plan`` (buildings and land plots), ``people``
(apartments and owners), ``assessments`` (and consumption); ``load`` writes the rows.
The draws from the one ``random.Random`` happen in that order, so moving a call between
steps changes the data for a seed.
"""

from __future__ import annotations

from buildings.generator.errors import GeneratorRefused
from buildings.generator.load import write_rows
from buildings.generator.national import Counts, generate
from buildings.generator.wipe import registry_wipe

__all__ = ["Counts", "GeneratorRefused", "generate", "registry_wipe", "write_rows"]
