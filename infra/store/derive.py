"""Layers derived from an imported one: the districts (2017–2025) dissolved from imported legacy wards."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from infra import settings
from infra.i18n import _
from infra.io.register import read_hanoi_register


def districts_from_wards(wards: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The districts whose every legacy ward the file has, each the union of its wards.

    Parameters
    ----------
    wards
        Imported units of layer ``ward_legacy`` with official ward codes.

    Returns
    -------
    districts : geopandas.GeoDataFrame
        Canonical units of layer ``district`` (EPSG:4326).
    partial : list of str
        Districts left out because the file lacks some of their wards (``"017 Hoài Đức: 3 of 20 wards"``).
    """
    reg = read_hanoi_register().legacy
    have = set(wards["unit_code"])
    by_district = reg.groupby("district_code")
    geoms = wards.set_index("unit_code").geometry
    rows, partial = [], []
    for code, g in by_district:
        present = g["ward_code"].isin(have)
        if not present.any():
            continue
        name = g["district_name"].iloc[0]
        if not present.all():
            partial.append(_("{code} {name}: {n} of {total} wards").format(code=code, name=name, n=int(present.sum()),
                                                                           total=len(g)))
            continue
        rows.append({"layer": settings.LAYER_DISTRICT, "unit_code": code, "name": name,
                     "unit_type": g["district_type"].iloc[0],
                     "geometry": shapely.union_all(geoms.loc[g["ward_code"]].to_numpy())})
    out = gpd.GeoDataFrame(rows, columns=["layer", "unit_code", "name", "unit_type", "geometry"],
                           geometry="geometry", crs=settings.DEFAULT_CRS)
    out.insert(4, "area_km2", (out.to_crs(settings.METRIC_CRS).area / 1e6).round(3).to_numpy())
    return out.reset_index(drop=True), partial


def with_districts(frames: dict) -> tuple[dict, list[str]]:
    """The import's frames with the districts derived from its legacy wards added (see :func:`districts_from_wards`)."""
    units = frames["units"]
    derived, partial = districts_from_wards(units[units["layer"] == "ward_legacy"])
    return {**frames, "units": pd.concat([units, derived], ignore_index=True)}, partial
