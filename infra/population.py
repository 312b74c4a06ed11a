"""Where people live, per coverage fragment: from a population grid, or from unit totals.

Pure: geometry and frames in, arrays out. Population coverage is the population
inside the covered part of each fragment (a piece of the admin layers within one
coverage tile), with the population spread evenly within whatever it is known
for: a grid cell, or a unit when only unit totals are known. So a grid of 100 m
cells gives population coverage at the fragments' resolution (tiles of
``settings.COVERAGE_TILE_M``, cut by every unit boundary), and the totals of one
layer (say the 2025 communes) give population coverage on every other layer
(the old districts) through the pieces the two layers share.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.coverage import Fragments


@dataclass(frozen=True)
class Population:
    """Population of each fragment, and what it came from.

    Attributes
    ----------
    per_fragment
        (n_fragments,) people.
    source
        ``grid`` or ``units of <layer>``.
    outside
        People of the grid outside every unit (counted nowhere; callers report them).
    """

    per_fragment: np.ndarray
    source: str
    outside: float = 0.0


def from_grid(frag: Fragments, grid: gpd.GeoDataFrame) -> Population:
    """Spread a population grid over the fragments.

    Parameters
    ----------
    frag
        Fragments in the metric CRS.
    grid
        Polygons (cells, population even within each) or points (cell centres, all
        the cell's people at the point), any CRS, with a numeric ``population``.

    Returns
    -------
    Population

    Raises
    ------
    ValueError
        Without a ``population`` column, or with negative or missing values.
    """
    if "population" not in grid:
        raise ValueError(f"population grid: no 'population' column; columns are {list(grid.columns)}")
    pop = pd.to_numeric(grid["population"], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(pop).all() or (pop < 0).any():
        bad = int(np.flatnonzero(~np.isfinite(pop) | (pop < 0))[0])
        raise ValueError(f"population grid: row {bad + 1} has population {grid['population'].iloc[bad]!r}; "
                         "every cell needs a number ≥ 0")
    geom = grid.to_crs(settings.METRIC_CRS).geometry.to_numpy()
    out = np.zeros(len(frag.geom))
    tree = shapely.STRtree(frag.geom)
    points = shapely.get_type_id(geom) == shapely.GeometryType.POINT
    if points.any():  # a point on a shared edge goes to the first fragment, never to two
        cell, fr = tree.query(geom[points], predicate="intersects")
        first = np.full(int(points.sum()), -1)
        first[cell[::-1]] = fr[::-1]
        hit = first >= 0
        np.add.at(out, first[hit], pop[points][hit])
    cells = ~points
    if cells.any():
        g, p = geom[cells], pop[cells]
        cell, fr = tree.query(g, predicate="intersects")
        shapely.prepare(frag.geom)  # most cells lie wholly in one fragment: a prepared test, no overlay (4x faster)
        share = shapely.contains_properly(frag.geom[fr], g[cell]).astype(float)
        cut = share == 0
        share[cut] = shapely.area(shapely.intersection(g[cell[cut]], frag.geom[fr[cut]])) / np.maximum(
            shapely.area(g[cell[cut]]), 1e-12)
        np.add.at(out, fr, p[cell] * share)
    return Population(out, "grid", outside=max(float(pop.sum() - out.sum()), 0.0))


def from_units(frag: Fragments, pieces: pd.DataFrame, units: dict[str, pd.DataFrame]) -> Population | None:
    """Spread unit totals evenly over each unit's area, from the finest layer whose every unit has one.

    Parameters
    ----------
    frag
        Fragments of ``pieces``.
    pieces
        Common refinement with ``u_<layer>`` (unit index of each piece, -1 outside).
    units
        Layer → units with an optional ``population`` column.

    Returns
    -------
    Population or None
        None when no layer has a population for every unit.
    """
    known = []
    for lay, u in units.items():
        if "population" in u:
            pop = pd.to_numeric(u["population"], errors="coerce").to_numpy(dtype=float)
            if len(pop) and np.isfinite(pop).all() and (pop >= 0).all() and pop.sum() > 0:
                known.append((len(u), lay, pop))
    if not known:
        return None
    _, lay, pop = max(known, key=lambda k: k[0])
    piece_unit = pieces[f"u_{lay}"].to_numpy()[frag.poly_of]
    inside = piece_unit >= 0
    area = np.bincount(piece_unit[inside], weights=frag.area[inside], minlength=len(pop))
    density = np.divide(pop, area, out=np.zeros(len(pop)), where=area > 0)
    return Population(np.where(inside, density[np.maximum(piece_unit, 0)] * frag.area, 0.0), f"units of {lay}")
