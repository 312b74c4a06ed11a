"""Notices in words about what the data is: layers that disagree, pieces that were mended."""

from __future__ import annotations

from collections.abc import Mapping

from infra import settings
from infra.dataset import Provenance
from infra.engine.layers import Repairs
from infra.i18n import N_, _, number, percent

#: Layer → how a notice names it (msgids).
LAYER_NAMES = {"district": N_("the district layer"), "commune_2025": N_("the layer of 2025 communes and wards")}


def _name(layer: str) -> str:
    return _(LAYER_NAMES[layer]) if layer in LAYER_NAMES else _("the layer {layer}").format(layer=layer)


def layer_notices(repairs: Repairs, provenance: Mapping[str, Provenance]) -> list[str]:
    """What every view must say when the admin layers do not tile one territory, or were mended (current language).

    Examples
    --------
    >>> r = Repairs(territory_m2=3.4e9, outside_m2={"district": 1.2e8, "commune_2025": 0.0})
    >>> layer_notices(r, {})[0][:60]
    'The admin layers disagree: 120.0 km² that one layer covers l'
    """
    out = []
    if repairs.disagree():
        total = repairs.territory_m2 / 1e6
        parts = [_("{layer} leaves out {area} km²").format(layer=_name(lay), area=number(m2 / 1e6, 1))
                 for lay, m2 in repairs.outside_m2.items() if m2 > 0]
        worst = max(repairs.outside_m2.values(), default=0.0) / 1e6
        text = _("The admin layers disagree: {area} km² that one layer covers lie outside "
                 "another ({share} of {total} km²; {parts}).").format(
            area=number(worst, 1), share=percent(100 * worst / total, 1), total=number(total),
            parts="; ".join(parts))
        overlaps = [f"{_name(lay)}: {number(m2 / 1e6, 2)} km²" for lay, m2 in repairs.overlap_m2.items()
                    if m2 > 1e-3 * repairs.territory_m2]
        if overlaps:
            text += " " + _("Units of one layer overlap each other ({parts}): that ground counts twice.").format(
                parts="; ".join(overlaps))
        text += " " + _("Each figure counts the area and sites inside the units that cover them.")
        out.append(text)
    if repairs.sliver_m2 >= 1e4:  # mending is routine; leaving out a hectare or more is worth saying
        out.append(_("Preparing the boundaries left out {n} slivers, {area} km² in all (pieces under {size} m² where "
                     "the layers' lines almost meet), and mended {mended} pieces.").format(
            n=number(repairs.slivers), area=number(repairs.sliver_m2 / 1e6, 2), size=number(settings.SLIVER_M2),
            mended=number(repairs.repaired)))
    return out

