"""Draw approximate unit polygons from centroids, bounding boxes and official areas.

The register gives, per legacy ward, a centroid and a bounding box, and per 2025
unit a centroid and its official area, plus which legacy wards (or parts of
them) make up each 2025 unit. On a metric grid:

1. every cell goes to the legacy ward with the smallest *bounding-box-normalised*
   distance (the offset from the ward centroid divided by the distance from the
   centroid to the bbox edge on that side), among wards whose bbox holds the
   cell, divided by a per-ward scale (a ward always keeps the cell of its
   centroid); cells no ward reaches lie outside, unless
   the territory encloses them (then they join their nearest labelled cell);
2. a cell of a ward divided between several 2025 units goes to the candidate
   unit nearest in distance normalised by the unit's equivalent radius;
3. per-ward and per-unit scales are fitted so each 2025 unit gets its official
   area, and unit seeds are nudged towards their official centroids;
4. the labelled grid is turned into one polygon per (ward, unit) piece, smoothed as
   one coverage (:mod:`infra.defaults._smooth`: each shared edge, and the outline,
   drawn once and smoothed once, so the 100 m steps vanish), so that any dissolve of
   them (districts, 2025 units, legacy wards) tiles one territory without gaps or overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage
from scipy.spatial import cKDTree

from infra.defaults._smooth import smooth_labels

_NEIGHBOURS = 32          # legacy wards considered per cell
_MIN_HALF_EXTENT_M = 150  # floor of a bbox half-extent, for tiny or degenerate boxes
_ITERATIONS = 40
_DAMPING = 0.5            # exponent applied to area ratios per iteration
_SEED_SHIFT = 0.15        # share of the centroid error corrected per iteration
_SHIFT_ITERATIONS = range(5, 35)
_MAX_SHIFT_M = 3000.0


@dataclass(frozen=True)
class Seeds:
    """Inputs of :func:`tessellate`, all in a metric CRS (metres).

    Attributes
    ----------
    ward_xy
        (n_wards, 2) legacy ward centroids.
    ward_bbox
        (n_wards, 4) legacy ward bboxes: xmin, ymin, xmax, ymax.
    unit_xy
        (n_units, 2) 2025 unit centroids.
    unit_area_m2
        (n_units,) official 2025 unit areas.
    piece_ward, piece_unit
        (n_pieces,) index of the ward and of the unit of each piece.
    ward_district
        (n_wards,) index of each ward's district (whose boundaries the smoothing keeps smoothest).
    """

    ward_xy: np.ndarray
    ward_bbox: np.ndarray
    unit_xy: np.ndarray
    unit_area_m2: np.ndarray
    piece_ward: np.ndarray
    piece_unit: np.ndarray
    ward_district: np.ndarray


@dataclass(frozen=True)
class Tessellation:
    """Result of :func:`tessellate`.

    Attributes
    ----------
    piece_geometry
        (n_pieces,) shapely polygons (or ``None`` for a piece that got no cell).
    unit_area_m2
        (n_units,) area each unit got on the grid, before smoothing.
    figures
        What the smoothing did (:func:`infra.defaults._smooth.smooth_labels`).
    """

    piece_geometry: np.ndarray
    unit_area_m2: np.ndarray
    figures: dict[str, int]


class _Grid:
    """Cell centres of a regular grid and, for the cells some ward's box reaches, the nearest wards' distances.

    Cells that no ward's (normalised) bounding box reaches lie outside whatever the
    scales, so only the others (``cells``, about a third of the grid over Hanoi)
    are measured: the labels are the same as if every cell were, in a third of the time.
    """

    def __init__(self, seeds: Seeds, resolution: float) -> None:
        box = seeds.ward_bbox
        self.res = resolution
        self.gx = np.arange(box[:, 0].min(), box[:, 2].max(), resolution) + resolution / 2
        self.gy = np.arange(box[:, 1].min(), box[:, 3].max(), resolution) + resolution / 2
        xx, yy = np.meshgrid(self.gx, self.gy)
        self.xy = np.c_[xx.ravel(), yy.ravel()]
        col = np.clip(((seeds.ward_xy[:, 0] - self.gx[0]) / resolution).round().astype(int), 0, len(self.gx) - 1)
        row = np.clip(((seeds.ward_xy[:, 1] - self.gy[0]) / resolution).round().astype(int), 0, len(self.gy) - 1)
        self.seed_cell = row * len(self.gx) + col
        centre, extent = self._boxes(seeds)
        self.cells = np.flatnonzero(self._reached(centre, extent) | np.isin(np.arange(len(self.xy)), self.seed_cell))
        self.seed_pos = np.searchsorted(self.cells, self.seed_cell)
        k = min(_NEIGHBOURS, len(seeds.ward_xy))
        _, nn = cKDTree(seeds.ward_xy).query(self.xy[self.cells], k=k)
        self.nn = nn.reshape(len(self.cells), k)
        dist, self.in_box = self._normalised(centre, extent)
        # the (cell, ward) pairs where the cell is in the ward's box: under 2 of the 32 neighbours on average,
        # listed row by row in the neighbours' order (so a tie goes to the same ward as in the dense table)
        self.hit_row, col = np.nonzero(np.isfinite(dist))
        self.hit_ward, self.hit_dist = self.nn[self.hit_row, col], dist[self.hit_row, col]
        self.hit_start = np.flatnonzero(np.r_[True, np.diff(self.hit_row) > 0])

    @staticmethod
    def _boxes(seeds: Seeds) -> tuple[np.ndarray, np.ndarray]:
        """Each ward's centre (its centroid, clipped to its bbox) and half-extents east, west, north, south."""
        box = seeds.ward_bbox
        cx = np.clip(seeds.ward_xy[:, 0], box[:, 0], box[:, 2])
        cy = np.clip(seeds.ward_xy[:, 1], box[:, 1], box[:, 3])
        east, west = np.maximum(box[:, 2] - cx, _MIN_HALF_EXTENT_M), np.maximum(cx - box[:, 0], _MIN_HALF_EXTENT_M)
        north, south = np.maximum(box[:, 3] - cy, _MIN_HALF_EXTENT_M), np.maximum(cy - box[:, 1], _MIN_HALF_EXTENT_M)
        return np.c_[cx, cy], np.c_[east, west, north, south]

    def _reached(self, centre: np.ndarray, extent: np.ndarray) -> np.ndarray:
        """Cells inside at least one ward's box, with a cell of margin on every side."""
        hit = np.zeros((len(self.gy), len(self.gx)), dtype=bool)
        x0 = np.searchsorted(self.gx, centre[:, 0] - extent[:, 1] - self.res)
        x1 = np.searchsorted(self.gx, centre[:, 0] + extent[:, 0] + self.res, side="right")
        y0 = np.searchsorted(self.gy, centre[:, 1] - extent[:, 3] - self.res)
        y1 = np.searchsorted(self.gy, centre[:, 1] + extent[:, 2] + self.res, side="right")
        for a, b, c, d in zip(y0, y1, x0, x1, strict=True):
            hit[a:b, c:d] = True
        return hit.ravel()

    def _normalised(self, centre: np.ndarray, extent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cx, cy = centre[:, 0], centre[:, 1]
        east, west, north, south = extent.T
        nn = self.nn
        xy = self.xy[self.cells]
        dx = xy[:, 0:1] - cx[nn]
        dy = xy[:, 1:2] - cy[nn]
        ndx = np.where(dx > 0, dx / east[nn], -dx / west[nn])
        ndy = np.where(dy > 0, dy / north[nn], -dy / south[nn])
        in_box = np.maximum(ndx, ndy) <= 1.0
        dist = np.where(in_box, np.hypot(ndx, ndy), np.inf)
        return dist, in_box.any(axis=1)


def _assign(grid: _Grid, seeds: Seeds, cand: np.ndarray, ward_scale: np.ndarray,
            unit_scale: np.ndarray, unit_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label every cell with (ward, unit) indices, or -1 outside the territory."""
    xy = grid.xy[grid.cells]
    weighted = grid.hit_dist / ward_scale[grid.hit_ward]
    best = np.minimum.reduceat(weighted, grid.hit_start)  # per cell in some box: the smallest weighted distance
    row = grid.hit_row[grid.hit_start]
    first = np.flatnonzero(weighted == np.repeat(best, np.diff(np.r_[grid.hit_start, len(weighted)])))
    _, pick = np.unique(grid.hit_row[first], return_index=True)  # the first ward reaching it, as argmin would
    ward = grid.nn[:, 0].copy()  # cells in no box: outside, whatever ward this says
    ward[row] = grid.hit_ward[first[pick]]
    inside = np.zeros(len(grid.cells), dtype=bool)
    inside[row] = best <= 1.0
    ward[grid.seed_pos] = np.arange(len(grid.seed_cell))  # every ward keeps the cell of its centroid
    inside[grid.seed_pos] = True
    units = cand[ward]
    unit = units[:, 0].copy()  # a ward that went whole to one 2025 unit: that unit
    split = ((cand >= 0).sum(axis=1) > 1)[ward]  # cells of divided wards: the nearest of their units
    if split.any():
        units, xy = units[split], xy[split]
        valid = units >= 0
        safe = np.where(valid, units, 0)
        radius = np.sqrt(seeds.unit_area_m2)[safe] * unit_scale[safe]
        d = np.hypot(xy[:, 0:1] - unit_xy[safe, 0], xy[:, 1:2] - unit_xy[safe, 1]) / radius
        d[~valid] = np.inf
        unit[split] = units[np.arange(len(units)), d.argmin(axis=1)]
    full_ward, full_unit = np.full(len(grid.xy), -1), np.full(len(grid.xy), -1)
    full_ward[grid.cells] = np.where(inside, ward, -1)
    full_unit[grid.cells] = np.where(inside, unit, -1)
    return _fill_holes(grid, full_ward, full_unit)


def _fill_holes(grid: _Grid, ward: np.ndarray, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give cells enclosed by the territory (gaps between wards) the labels of their nearest labelled cell."""
    shape = (len(grid.gy), len(grid.gx))
    inside = (ward >= 0).reshape(shape)
    holes = ndimage.binary_fill_holes(inside) & ~inside
    if not holes.any():
        return ward, unit
    _, (iy, ix) = ndimage.distance_transform_edt(~inside, return_indices=True)
    source = (iy * shape[1] + ix).ravel()
    flat = holes.ravel()
    ward, unit = ward.copy(), unit.copy()
    ward[flat], unit[flat] = ward[source[flat]], unit[source[flat]]
    return ward, unit


def _fit(grid: _Grid, seeds: Seeds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_wards, n_units = len(seeds.ward_xy), len(seeds.unit_xy)
    width = int(np.bincount(seeds.piece_ward, minlength=n_wards).max())
    cand = np.full((n_wards, width), -1)
    fill = np.zeros(n_wards, dtype=int)
    for w, u in zip(seeds.piece_ward, seeds.piece_unit, strict=True):
        cand[w, fill[w]] = u
        fill[w] += 1
    ward_scale, unit_scale = np.ones(n_wards), np.ones(n_units)
    unit_xy = seeds.unit_xy.astype(float).copy()
    cell = grid.res**2
    for it in range(_ITERATIONS):
        ward, unit = _assign(grid, seeds, cand, ward_scale, unit_scale, unit_xy)
        got = np.bincount(unit[unit >= 0], minlength=n_units) * cell
        log_ratio = np.log(seeds.unit_area_m2 / np.maximum(got, cell))
        per_ward = np.bincount(seeds.piece_ward, weights=log_ratio[seeds.piece_unit], minlength=n_wards)
        per_ward /= np.bincount(seeds.piece_ward, minlength=n_wards)
        ward_scale *= np.exp(_DAMPING * per_ward)
        unit_scale *= np.exp(_DAMPING * log_ratio)
        if it in _SHIFT_ITERATIONS:
            inside = unit >= 0
            count = np.maximum(np.bincount(unit[inside], minlength=n_units), 1)
            est = np.c_[np.bincount(unit[inside], weights=grid.xy[inside, 0], minlength=n_units),
                        np.bincount(unit[inside], weights=grid.xy[inside, 1], minlength=n_units)] / count[:, None]
            unit_xy += _SEED_SHIFT * np.clip(seeds.unit_xy - est, -_MAX_SHIFT_M, _MAX_SHIFT_M)
    return ward, unit, got


def tessellate(seeds: Seeds, *, resolution: float, smooth: float, simplify: float) -> Tessellation:
    """Draw one polygon per (legacy ward, 2025 unit) piece; see the module docstring.

    Parameters
    ----------
    seeds
        Centroids, bboxes, official areas and pieces, in metres.
    resolution
        Grid cell size in metres.
    smooth
        Standard deviation in metres of the Gaussian that smooths each shared edge (0: the edges keep
        the diagonals of the grid's steps, see :func:`infra.defaults._smooth.smooth_labels`).
    simplify
        Douglas–Peucker tolerance in metres of the smoothed edges.

    Returns
    -------
    Tessellation
        Deterministic for the same inputs.
    """
    grid = _Grid(seeds, resolution)
    ward, unit, got = _fit(grid, seeds)
    piece_of = {(int(w), int(u)): i for i, (w, u) in enumerate(zip(seeds.piece_ward, seeds.piece_unit, strict=True))}
    lookup = np.full((len(seeds.ward_xy), len(seeds.unit_xy)), -1)
    for (w, u), i in piece_of.items():
        lookup[w, u] = i
    label = np.where(ward >= 0, lookup[np.maximum(ward, 0), np.maximum(unit, 0)], -1)
    groups = np.stack([seeds.ward_district[seeds.piece_ward], seeds.piece_unit, seeds.piece_ward])
    cells, figures = smooth_labels(label.reshape(len(grid.gy), len(grid.gx)), len(seeds.piece_ward),
                                   sigma=smooth / resolution, tolerance=simplify / resolution, groups=groups)
    origin = np.array([grid.gx[0], grid.gy[0]]) - resolution / 2
    present = np.array([g is not None for g in cells])
    geoms = np.empty(len(cells), dtype=object)
    geoms[present] = shapely.transform(np.asarray(list(cells[present]), dtype=object),
                                       lambda xy: origin + xy * resolution)
    return Tessellation(geoms, got, figures)
