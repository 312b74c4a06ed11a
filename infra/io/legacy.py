"""Wards of older sources (the 2019–2024 sets: GADM 4.1 has 584 in Hanoi) matched to the register by location.

The register (``vietnamadminunits``) knows the wards as they stood before 1 Jul
2025 (526); a ward merged into another in 2020 or 2025 has a name it does not
know. Such a ward gets the code of the register ward that holds most of its area,
within its district when the file names one, measured against the legacy wards of
the embedded default data (approximate polygons, fitted to the register's
centroids, boxes and areas). Wards that end with the same code are merged into one
unit, as the register merged them.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from infra import settings


@functools.cache
def reference_wards() -> gpd.GeoDataFrame:
    """The register's legacy wards with approximate polygons (``unit_code``, ``name``, ``district_code``), UTM 48N.

    Read once per process from the embedded default data; callers must not change it.
    """
    wards = pyogrio.read_dataframe(settings.DEFAULT_GPKG, layer="wards_legacy")
    return wards[["unit_code", "name", "district_code", "geometry"]].to_crs(settings.METRIC_CRS)


def match_by_location(geoms: gpd.GeoSeries, districts: pd.Series | None = None) -> pd.DataFrame:
    """For each polygon, the register ward holding most of its area (within its district, when given).

    Parameters
    ----------
    geoms
        The file's ward polygons, any CRS.
    districts
        The district code of each polygon, or missing where unknown; ``None``: unknown for all.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``geoms``: ``code``, ``name`` (of the register ward), ``share`` (of the polygon's area it
        holds, 0–1); ``code`` missing where no register ward overlaps it.
    """
    ref = reference_wards()
    g = geoms.to_crs(settings.METRIC_CRS).to_numpy()
    out = pd.DataFrame({"code": pd.Series([None] * len(g), dtype=object), "name": None, "share": 0.0},
                       index=geoms.index)
    if not len(g):
        return out
    ri, wi = shapely.STRtree(ref.geometry.to_numpy()).query(g, predicate="intersects")[::-1]
    if districts is not None:
        want = districts.reindex(geoms.index).to_numpy()[wi]
        same = pd.isna(want) | (ref["district_code"].to_numpy()[ri] == want)
        ri, wi = ri[same], wi[same]
    area = shapely.area(shapely.intersection(g[wi], ref.geometry.to_numpy()[ri]))
    order = np.lexsort((-area, wi))  # per polygon, the largest overlap first
    first = order[np.r_[True, wi[order][1:] != wi[order][:-1]]] if len(order) else order
    total = shapely.area(g)
    rows = out.index[wi[first]]
    out.loc[rows, "code"] = ref["unit_code"].to_numpy()[ri[first]]
    out.loc[rows, "name"] = ref["name"].to_numpy()[ri[first]]
    out.loc[rows, "share"] = np.divide(area[first], total[wi[first]], out=np.zeros(len(first)),
                                       where=total[wi[first]] > 0)
    return out
