"""Turar-Joy import: JSON Lines of buildings, assessments, consumption and land plots.

All or nothing: every line is validated first; if any line is bad nothing is written and
the report lists every bad line with its reason. Importing the same file twice changes
nothing (upsert by natural keys: cadastral number; + apartment number; + assessment date;
+ month). The import never deletes: an apartment missing from a later file stays in the
registry (it may have owners, bills and votes).
"""

from __future__ import annotations

from buildings.turarjoy.parse import KINDS, ImportReport, parse_lines
from buildings.turarjoy.write import turar_joy_import

__all__ = ["KINDS", "ImportReport", "parse_lines", "turar_joy_import"]
