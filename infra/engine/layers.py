"""Admin layers prepared once for the engine: projected, refined into common pieces, cut into tiles.

Pure: units in, arrays out. The preparation depends only on the boundaries, so
it is reused for every inventory, coverage model and date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.engine.coverage import Fragments, prepare_fragments


@dataclass(frozen=True)
class PreparedLayers:
    """Admin layers projected, refined into common pieces and cut into tiles; reusable across inventories.

    Attributes
    ----------
    layers
        Layer names, in order.
    units
        Layer → its units in the metric CRS (fresh index).
    pieces
        Common refinement: polygons with ``u_<layer>`` = index of the unit of each layer (-1 outside it).
    frag
        The pieces cut by the tile grid.
    """

    layers: list[str]
    units: dict[str, gpd.GeoDataFrame]
    pieces: gpd.GeoDataFrame
    frag: Fragments


def prepare_layers(units: gpd.GeoDataFrame, layers: Iterable[str] | None = None) -> PreparedLayers:
    """Project the layers, overlay them into common pieces and cut those into tiles.

    Parameters
    ----------
    units
        Canonical admin units (EPSG:4326).
    layers
        Layers to prepare; ``None`` means all.

    Returns
    -------
    PreparedLayers

    Raises
    ------
    ValueError
        If a layer is not in ``units``.
    """
    names = list(layers) if layers is not None else list(dict.fromkeys(units["layer"]))
    missing = [lay for lay in names if lay not in set(units["layer"])]
    if missing:
        raise ValueError(f"unknown layer {missing[0]!r}; the units have {sorted(set(units['layer']))}")
    metric_units = units[units["layer"].isin(names)].to_crs(settings.METRIC_CRS)
    per_layer = {lay: metric_units[metric_units["layer"] == lay].reset_index(drop=True) for lay in names}
    first, *rest = names
    pieces = per_layer[first][["geometry"]].assign(**{f"u_{first}": np.arange(len(per_layer[first]))})
    for lay in rest:
        other = per_layer[lay][["geometry"]].assign(**{f"u_{lay}": np.arange(len(per_layer[lay]))})
        inter = _intersection(pieces, other)
        total = inter.geometry.area.sum()
        if np.isclose(total, pieces.geometry.area.sum(), rtol=1e-7) and np.isclose(
                total, other.geometry.area.sum(), rtol=1e-7):
            pieces = inter  # the layers tile the same territory: nothing lies outside the intersection
        else:
            pieces = gpd.overlay(pieces, other, how="union", keep_geom_type=True)
    pieces = pieces[pieces.geometry.area > 1.0].reset_index(drop=True)
    for lay in names:
        pieces[f"u_{lay}"] = pieces[f"u_{lay}"].fillna(-1).astype(int)
    return PreparedLayers(names, per_layer, pieces, prepare_fragments(pieces.geometry.to_numpy()))


def _intersection(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Polygonal intersections of every overlapping pair of rows, with the columns of both.

    What ``geopandas.overlay(how="intersection", keep_geom_type=True)`` gives, in
    a third less time: one tree query and one vectorised intersection.
    """
    ga, gb = a.geometry.to_numpy(), b.geometry.to_numpy()
    ib, ia = shapely.STRtree(gb).query(ga, predicate="intersects")[::-1]
    geom = shapely.intersection(ga[ia], gb[ib])
    mixed = np.flatnonzero(shapely.get_type_id(geom) == shapely.GeometryType.GEOMETRYCOLLECTION)
    for i in mixed:  # an intersection along a shared edge carries lines and points too: keep the polygons
        parts = shapely.get_parts(shapely.get_parts(geom[i]))
        geom[i] = shapely.union_all(parts[shapely.get_dimensions(parts) == 2])
    keep = shapely.get_dimensions(geom) == 2
    cols = [a.drop(columns="geometry").iloc[ia[keep]].reset_index(drop=True),
            b.drop(columns="geometry").iloc[ib[keep]].reset_index(drop=True)]
    return gpd.GeoDataFrame(pd.concat(cols, axis=1), geometry=geom[keep], crs=a.crs)
