"""Admin layers prepared once for the engine: projected, refined into common pieces, cut into tiles.

Pure: units in, arrays out. The preparation depends only on the boundaries, so
it is reused for every inventory, coverage model and date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
    repairs: Repairs


@dataclass(frozen=True)
class Repairs:
    """What preparing the layers mended, and how far the layers disagree (all areas in m²).

    Attributes
    ----------
    repaired
        Pieces of the overlay that were invalid (made valid, snapped to ``settings.PRECISION_M``).
    slivers, sliver_m2
        Pieces smaller than ``settings.SLIVER_M2`` left out, and their total area.
    territory_m2
        Area of everything any layer covers.
    outside_m2
        Per layer: the area the other layers cover and it does not (0 when the layers tile one territory).
    overlap_m2
        Per layer: the area covered by two or more of its own units.
    """

    repaired: int = 0
    slivers: int = 0
    sliver_m2: float = 0.0
    territory_m2: float = 0.0
    outside_m2: dict[str, float] = field(default_factory=dict)
    overlap_m2: dict[str, float] = field(default_factory=dict)

    def disagree(self, *, share: float | None = None) -> bool:
        """The layers disagree by more than ``share`` of the territory (``settings.LAYERS_DISAGREE_SHARE``)."""
        limit = settings.LAYERS_DISAGREE_SHARE if share is None else share
        worst = max([*self.outside_m2.values(), *self.overlap_m2.values(), 0.0])
        return self.territory_m2 > 0 and worst > limit * self.territory_m2


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
    repaired, tiled = 0, True
    for lay in rest:
        other = per_layer[lay][["geometry"]].assign(**{f"u_{lay}": np.arange(len(per_layer[lay]))})
        inter = _intersection(pieces, other)
        total = inter.geometry.area.sum()
        if np.isclose(total, pieces.geometry.area.sum(), rtol=1e-7) and np.isclose(
                total, other.geometry.area.sum(), rtol=1e-7):
            pieces = inter  # the layers tile the same territory: nothing lies outside the intersection
        else:  # layers from different sources: their overlay leaves slivers, some degenerate; mend them
            pieces = gpd.overlay(pieces, other, how="union", keep_geom_type=True)
            geom, mended = _mend(pieces.geometry.to_numpy())
            pieces = pieces.set_geometry(geom)
            repaired, tiled = repaired + mended, False
    area = pieces.geometry.area.to_numpy()
    sliver = ~(area > settings.SLIVER_M2)  # NaN and empty included
    slivers, sliver_m2 = int(sliver.sum()), float(np.nansum(area[sliver]))
    pieces = pieces[~sliver].reset_index(drop=True)
    for lay in names:
        pieces[f"u_{lay}"] = pieces[f"u_{lay}"].fillna(-1).astype(int)
    area = pieces.geometry.area.to_numpy()
    repairs = Repairs(repaired, slivers, sliver_m2, float(area.sum()),
                      {lay: float(area[pieces[f"u_{lay}"].to_numpy() < 0].sum()) for lay in names},
                      # layers that tile one territory, their totals equal to 1e-7, leave no overlap to measure
                      {lay: 0.0 if tiled and rest else _overlap(per_layer[lay].geometry.to_numpy()) for lay in names})
    return PreparedLayers(names, per_layer, pieces, prepare_fragments(pieces.geometry.to_numpy()), repairs)


def _mend(geom: np.ndarray) -> tuple[np.ndarray, int]:
    """Pieces made valid and polygonal, snapped to ``settings.PRECISION_M``; returns them and how many were mended.

    Snapping drops the rings of 3 points and the spikes an overlay of unrelated boundaries leaves, which GEOS's
    rectangle clipping (used to cut the pieces into tiles) refuses.
    """
    geom = np.asarray(geom, dtype=object).copy()
    bad = ~shapely.is_valid(geom)
    geom[bad] = [_polygonal(g) for g in shapely.make_valid(geom[bad])]
    snapped = shapely.set_precision(geom, settings.PRECISION_M)
    changed = ~shapely.equals_exact(snapped, geom, tolerance=0) | bad
    return np.array([_polygonal(g) for g in snapped], dtype=object), int(changed.sum())


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of ``g`` (an empty polygon when it has none)."""
    if g is None or g.is_empty:
        return shapely.Polygon()
    if shapely.get_dimensions(g) == 2 and g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = shapely.get_parts(shapely.get_parts(g))
    parts = parts[shapely.get_dimensions(parts) == 2]
    return shapely.union_all(parts) if len(parts) else shapely.Polygon()


def _overlap(geom: np.ndarray) -> float:
    """Area covered by two or more of the polygons (m²): their total area minus that of their union."""
    if len(geom) < 2:
        return 0.0
    return max(float(shapely.area(geom).sum() - shapely.area(shapely.union_all(geom))), 0.0)


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
