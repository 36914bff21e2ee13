"""Turar-Joy import: JSON Lines of buildings, assessments, consumption and land plots.

All or nothing: every line is validated first; if any line is bad nothing is written and
the report lists every bad line with its reason. Importing the same file twice changes
nothing (upsert by natural keys: cadastral number; + apartment number; + assessment date;
+ month). The import never deletes: an apartment missing from a later file stays in the
registry (it may have owners, bills and votes).

One JSON object a line, ``kind`` one of:

- ``building``: cadastral_number, region (one of the 14 by Uzbek or Russian name or ISO
  code), district (by name; a new one is created in its region), address, lat, lon,
  year_built, floors, entrances, wall_material (brick, panel, monolith, block, wood,
  other), has_elevator, cadastral_passport, solar_panels, solar_transferred,
  apartments: [{number, area_m2, rooms, owners?: [{pinfl, full_name, share}]}]
  (shares "1/3" or 0.5; the shares of one flat add up to exactly 1);
- ``assessment``: cadastral_number, assessed_on (YYYY-MM-DD), wear: {foundation, walls,
  floors, roof, facade, heating, water, electricity, gas, elevators} in %, emergency;
- ``consumption``: cadastral_number, month (YYYY-MM), electricity_kwh, gas_m3, water_m3;
- ``land_plot``: cadastral_number, area_m2, boundary (optional GeoJSON Polygon).
"""

from __future__ import annotations

from buildings.turarjoy.parse import KINDS, ImportReport, parse_lines
from buildings.turarjoy.write import turar_joy_import

__all__ = ["KINDS", "ImportReport", "parse_lines", "turar_joy_import"]
