"""Notices in words about what the data is: layers that disagree, pieces that were mended."""

from __future__ import annotations

from collections.abc import Mapping

from infra import settings
from infra.dataset import Provenance
from infra.engine.layers import Repairs

LAYER_NAMES = {"district": "district layer", "commune_2025": "layer of 2025 communes and wards"}


def _name(layer: str) -> str:
    return LAYER_NAMES.get(layer, f"layer {layer}")


def layer_notices(repairs: Repairs, provenance: Mapping[str, Provenance]) -> list[str]:
    """What every view must say when the admin layers do not tile one territory, or were mended.

    Examples
    --------
    >>> r = Repairs(territory_m2=3.4e9, outside_m2={"district": 1.2e8, "commune_2025": 0.0})
    >>> layer_notices(r, {})[0][:60]
    'The admin layers disagree: 120.0 km² that the other layers c'
    """
    out = []
    if repairs.disagree():
        total = repairs.territory_m2 / 1e6
        parts = [f"{_name(lay)}: {m2 / 1e6:,.1f} km² outside it" for lay, m2 in repairs.outside_m2.items() if m2 > 0]
        worst = max(repairs.outside_m2.values(), default=0.0) / 1e6
        text = (f"The admin layers disagree: {worst:,.1f} km² that the other layers cover lie outside one of them "
                f"({100 * worst / total:.1f} % of {total:,.0f} km²; " + "; ".join(parts) + "). ")
        overlaps = [f"{_name(lay)}: {m2 / 1e6:,.2f} km²" for lay, m2 in repairs.overlap_m2.items()
                    if m2 > 1e-3 * repairs.territory_m2]
        if overlaps:
            text += "Units of one layer overlap each other (" + "; ".join(overlaps) + "): they count twice there. "
        source = provenance.get("units")
        text += ("Each figure counts the area and sites inside the units that cover them"
                 + (f"; the units come from {source.source}" if source else "") + ".")
        out.append(text)
    if repairs.sliver_m2 >= 1e4:  # mending is routine; leaving out a hectare or more is worth saying
        out.append(f"Preparing the boundaries left out {repairs.slivers:,} slivers of {repairs.sliver_m2 / 1e6:,.2f} "
                   f"km² in all (pieces under {settings.SLIVER_M2:g} m² where the layers' lines almost meet), and "
                   f"mended {repairs.repaired:,} pieces.")
    return out
