"""Polygon union, intersection and area on an integer grid (Clipper2, through pyclipr).

The coverage engine spends its time unioning the footprints that meet in a tile
and intersecting that union with the tile's fragments. Clipper2 does these on
integer coordinates and is several times faster than GEOS for it; coordinates are
rounded to a grid of ``1 / SCALE`` metres (1 µm), which moves the area of a
1 km disc by about 1e-10 of itself.

A polygon set ("paths") is a list of (k, 2) float arrays, one per ring, without
the closing vertex. Filling is non-zero, so rings must be oriented: exteriors
counter-clockwise, holes clockwise (:func:`rings`). Results of Clipper2 are
oriented that way and can be fed back.
"""

from __future__ import annotations

import numpy as np
import pyclipr
import shapely

#: Clipper2 works in integers: coordinates (metres) are multiplied by this and rounded (UTM
#: coordinates stay below 1e13, far inside Clipper2's range of ±4.6e18).
SCALE = 1_000_000

Paths = list[np.ndarray]
_NONZERO = pyclipr.FillRule.NonZero


def rings(geom: shapely.Geometry) -> Paths:
    """The oriented rings of a (multi)polygon as paths (exteriors counter-clockwise, holes clockwise).

    Examples
    --------
    >>> [len(p) for p in rings(shapely.box(0, 0, 2, 1))]
    [4]
    >>> area(rings(shapely.box(0, 0, 2, 1).difference(shapely.box(0.5, 0.25, 1, 0.75))))
    1.75
    """
    return [] if geom is None else rings_of(np.array([geom], dtype=object))[0]


def rings_of(geoms: np.ndarray) -> list[Paths]:
    """:func:`rings` of each (multi)polygon of an array, in one pass over all of them.

    Examples
    --------
    >>> [len(p) for p in rings_of(np.array([shapely.box(0, 0, 1, 1), shapely.Polygon()]))]
    [1, 0]
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, part_of = shapely.get_parts(shapely.orient_polygons(geoms), return_index=True)
    ring_geoms, ring_of = shapely.get_rings(parts, return_index=True)
    out: list[Paths] = [[] for _ in range(len(geoms))]
    for ring, g in zip(_open_rings(ring_geoms), part_of[ring_of], strict=True):
        out[g].append(ring)
    return out


def exteriors(polygons: np.ndarray) -> Paths:
    """The exterior ring of each polygon (footprints have no holes), counter-clockwise.

    Parameters
    ----------
    polygons
        (n,) shapely polygons.

    Returns
    -------
    list of numpy.ndarray
        One (k, 2) array per polygon.
    """
    polygons = np.asarray(polygons, dtype=object)
    return _open_rings(shapely.get_exterior_ring(shapely.orient_polygons(polygons)))


def _open_rings(ring_geoms: np.ndarray) -> Paths:
    """The vertices of each linear ring, without the closing one."""
    if len(ring_geoms) == 0:
        return []
    coords, vertex_of = shapely.get_coordinates(ring_geoms, return_index=True)
    ends = np.cumsum(np.bincount(vertex_of, minlength=len(ring_geoms)))
    return [c[:-1] for c in np.split(coords, ends[:-1])]


def trim(rings: np.ndarray, rects: np.ndarray) -> list[np.ndarray]:
    """Rings with the vertices dropped that change nothing inside their rectangles.

    Each vertex gets the set of sides of its ring's rectangle it lies beyond
    (Cohen–Sutherland outcodes). A vertex is dropped when both its neighbours lie
    beyond every side it does. Then each run of dropped vertices, with the two
    vertices kept around it, lies beyond one common side, so the piece of the
    ring replaced by a chord stays outside the rectangle, and the winding number
    of every point inside is unchanged: intersections with the rectangle are
    exact. A 4 km disc on a 2 km tile keeps about a third of its vertices.

    Parameters
    ----------
    rings
        (n, k, 2) rings of k vertices each (e.g. discs).
    rects
        (n, 4) xmin, ymin, xmax, ymax of each ring's rectangle.

    Returns
    -------
    list of numpy.ndarray
        One ring per input; a ring left with fewer than 3 vertices does not
        reach inside its rectangle and comes back empty.

    Examples
    --------
    >>> square = np.array([[[-1.0, -1.0], [5.0, -1.0], [5.0, 5.0], [-1.0, 5.0]]])
    >>> [len(r) for r in trim(square, np.array([[0.0, 0.0, 1.0, 1.0]]))]
    [4]
    >>> right = np.array([[[9.0, 0.2], [15.0, 0.5], [9.0, 0.8]]])  # wholly beyond the right side
    >>> [len(r) for r in trim(right, np.array([[0.0, 0.0, 1.0, 1.0]]))]
    [0]
    """
    x, y = rings[..., 0], rings[..., 1]
    code = ((x < rects[:, 0:1]).view(np.uint8) | ((x > rects[:, 2:3]).view(np.uint8) << 1)
            | ((y < rects[:, 1:2]).view(np.uint8) << 2) | ((y > rects[:, 3:4]).view(np.uint8) << 3))
    around = np.roll(code, 1, axis=1) & np.roll(code, -1, axis=1)
    keep = (code == 0) | ((around & code) != code)
    count = keep.sum(axis=1)
    keep[count < 3] = False
    count[count < 3] = 0
    return np.split(rings[keep], np.cumsum(count)[:-1])


def _run(clip_type: pyclipr.ClipType, subject: Paths, clip: Paths | None = None) -> Paths:
    c = pyclipr.Clipper()
    c.scaleFactor = SCALE
    c.addPaths(subject, pyclipr.Subject)
    if clip is not None:
        c.addPaths(clip, pyclipr.Clip)
    return c.execute(clip_type, _NONZERO)


def union(paths: Paths) -> Paths:
    """Union of the regions of ``paths`` (overlapping rings allowed, all oriented)."""
    return _run(pyclipr.Union, paths) if paths else []


def intersection(subject: Paths | np.ndarray, clip: Paths) -> Paths:
    """Intersection of the union of ``subject`` with the union of ``clip``.

    Examples
    --------
    >>> a = rings(shapely.box(0, 0, 2, 2)) + rings(shapely.box(1, 1, 3, 3))
    >>> area(intersection(a, rings(shapely.box(0, 0, 4, 1.5))))
    3.5
    """
    return _run(pyclipr.Intersection, subject, clip) if len(subject) and len(clip) else []


def area(paths: Paths) -> float:
    """Area of oriented paths (holes count negative), by the shoelace formula around each ring's first vertex."""
    if not paths:
        return 0.0
    total = 0.0
    for p in paths:
        x, y = p[:, 0] - p[0, 0], p[:, 1] - p[0, 1]
        total += float(x[:-1] @ y[1:] - y[:-1] @ x[1:])
    return total / 2
