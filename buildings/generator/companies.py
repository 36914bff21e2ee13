"""Management companies (900+ nationally): most meet the minimum requirements."""

from __future__ import annotations

import random

from buildings.generator.load import next_id, write_rows
from buildings.generator.names import STREETS
from core.money import TIYIN_PER_SOM


def write_companies(scale: float, rng: random.Random) -> tuple[int, list[int]]:
    """Write the management companies; returns their count and their ids."""
    mc_first = next_id("organizations_managementcompany")
    n_mc = max(3, round(900 * scale))
    mc_rows = []
    for i in range(n_mc):
        # Most meet the minimum requirements; some lack funds, a base or a dispatch service.
        funds_som = rng.choice([rng.randint(50, 490), rng.randint(500, 9000)]) * 1_000_000
        mc_rows.append(
            (
                mc_first + i,
                f"{rng.choice(STREETS)} {rng.choice(['Servis', 'Uy-Joy', 'Komfort', 'Xizmat'])} "
                f"{i + 1} MChJ",
                f"{400_000_000 + i:09d}",
                "",
                f"+99871{2_000_000 + i:07d}",
                funds_som * TIYIN_PER_SOM,
                rng.random() < 0.9,
                "Ustaxona, avtotransport, asbob-uskunalar",
                rng.random() < 0.85,
                rng.randint(12, 240),
                "registered",
            )
        )
    count = write_rows(
        "organizations_managementcompany",
        [
            "id",
            "name",
            "tin",
            "address",
            "dispatch_phone",
            "own_funds_tiyin",
            "has_material_base",
            "material_base",
            "dispatch_24h",
            "staff_count",
            "status",
        ],
        mc_rows,
    )
    return count, [row[0] for row in mc_rows]
