"""Turar-Joy import: JSON Lines of buildings, assessments, consumption and land plots.

All or nothing: every line is validated first; if any line is bad nothing is written and
the report lists every bad line with its reason. Importing the same file twice changes
nothing (upsert by natural keys: cadastral number; + apartment number; + assessment date;
+ month). The import never deletes: an apartment missing from a later file stays in the
registry (it may have owners, bills and votes), and the report's ``warnings`` name every
such flat, line by line. A building's apartments_count and living_area_m2 are those of its
Apartment rows (buildings.integrity), whatever a file lists.

Refused lines, beyond malformed values:

- a building whose lot is past draft (proposed, approved, election, managed, re-election)
  moved to another region or district: the error names the lot (the admin's rule too,
  buildings.services.building_move_problems); a regional inspector moves nothing across
  their region's border;
- a wear with more than one decimal (stored in tenths: 60.04 is not rounded to 60.0, which
  would change the class); an assessment dated after today;
- owners that change from a date before the apartment's recorded ownership (history is
  never rewritten; buildings.services.ownership_history_problem).

One JSON object a line, ``kind`` one of:

- ``building``: cadastral_number, region (one of the 14 by Uzbek or Russian name or ISO
  code), district (by name; a new one is created in its region), address, lat, lon,
  year_built, floors, entrances, wall_material (brick, panel, monolith, block, wood,
  other), has_elevator, cadastral_passport, solar_panels, solar_transferred,
  total_area_m2? (the total floor area, common areas included; without it a new building
  starts at its living area and an existing one keeps its own),
  apartments: [{number, area_m2, rooms, owners?: [{pinfl, full_name, share}],
  owners_since?: YYYY-MM-DD}] (shares "1/3" or 0.5; the shares of one flat add up to
  exactly 1; owners_since, the day the listed owners own the flat from, defaults to the
  day of the import, Asia/Tashkent, and only matters when the owners change);
- ``assessment``: cadastral_number, assessed_on (YYYY-MM-DD), wear: {foundation, walls,
  floors, roof, facade, heating, water, electricity, gas, elevators} in % with at most one
  decimal, emergency;
- ``consumption``: cadastral_number, month (YYYY-MM), electricity_kwh, gas_m3, water_m3;
- ``land_plot``: cadastral_number, area_m2, boundary (optional GeoJSON Polygon).
"""

from __future__ import annotations

from buildings.turarjoy.parse import KINDS, ImportReport, parse_lines
from buildings.turarjoy.write import turar_joy_import

__all__ = ["KINDS", "ImportReport", "parse_lines", "turar_joy_import"]
