"""Footprint polygons of radios, in a metric CRS: discs, or sectors when aimed.

A disc is the polygon GEOS draws for ``buffer(point, r)`` with
``settings.FOOTPRINT_QUAD_SEGS`` segments per quarter (a 64-gon by default, whose
area is 0.16 % below the true circle's). A sector is the wedge from the site
between ``azimuth − beamwidth/2`` and ``azimuth + beamwidth/2`` (degrees clockwise
from north), with its arc drawn at the same angular step.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely

from infra import settings


def is_aimed(azimuth_deg: np.ndarray, beamwidth_deg: np.ndarray) -> np.ndarray:
    """Radios drawn as sectors: an azimuth and a beamwidth strictly between 0 and 360 degrees."""
    return np.isfinite(azimuth_deg) & np.isfinite(beamwidth_deg) & (beamwidth_deg > 0) & (beamwidth_deg < 360)


def _sector(x: float, y: float, r: float, az: float, bw: float, step_deg: float) -> shapely.Polygon:
    n = max(2, int(np.ceil(bw / step_deg)) + 1)
    bearings = np.radians(np.linspace(az - bw / 2, az + bw / 2, n))
    arc = np.c_[x + r * np.sin(bearings), y + r * np.cos(bearings)]
    return shapely.Polygon(np.vstack([[x, y], arc, [x, y]]))


def footprints(xy: np.ndarray, range_m: np.ndarray, azimuth_deg: np.ndarray | None = None,
               beamwidth_deg: np.ndarray | None = None, *, quad_segs: int | None = None) -> np.ndarray:
    """Footprint polygons for radios at ``xy`` (metres).

    Parameters
    ----------
    xy
        (n, 2) site coordinates in a metric CRS.
    range_m
        (n,) ranges in metres.
    azimuth_deg, beamwidth_deg
        (n,) sector direction and width; NaN (or a width ≥ 360) means omni.
    quad_segs
        Segments per quarter circle; ``None`` reads ``settings.FOOTPRINT_QUAD_SEGS``.

    Returns
    -------
    numpy.ndarray
        (n,) shapely polygons.

    Examples
    --------
    >>> fp = footprints(np.array([[0.0, 0.0]]), np.array([1000.0]))
    >>> round(float(shapely.area(fp[0])) / (np.pi * 1e6), 4)
    0.9984
    """
    q = settings.FOOTPRINT_QUAD_SEGS if quad_segs is None else quad_segs
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    r = np.asarray(range_m, dtype=float)
    out = shapely.buffer(shapely.points(xy), r, quad_segs=q)
    if azimuth_deg is None or beamwidth_deg is None:
        return out
    az = np.asarray(azimuth_deg, dtype=float)
    bw = np.asarray(beamwidth_deg, dtype=float)
    aimed = np.flatnonzero(is_aimed(az, bw))
    step = 90.0 / q
    for i in aimed:
        out[i] = _sector(xy[i, 0], xy[i, 1], r[i], az[i], bw[i], step)
    return out


@lru_cache
def _unit_disc(quad_segs: int) -> np.ndarray:
    """Vertices of GEOS's buffer of the unit disc, counter-clockwise, without the closing vertex."""
    disc = shapely.orient_polygons(shapely.buffer(shapely.Point(0.0, 0.0), 1.0, quad_segs=quad_segs))
    ring = shapely.get_coordinates(disc.exterior)[:-1]
    ring.flags.writeable = False  # shared by every call
    return ring


def footprint_rings(xy: np.ndarray, range_m: np.ndarray, azimuth_deg: np.ndarray | None = None,
                    beamwidth_deg: np.ndarray | None = None, *,
                    quad_segs: int | None = None) -> np.ndarray | list[np.ndarray]:
    """The rings of :func:`footprints`, counter-clockwise, for :mod:`infra.engine.polyclip`; discs without GEOS.

    A disc is GEOS's unit-disc polygon scaled and moved, so its vertices are those
    of ``buffer(point, r)`` up to floating-point rounding.

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray
        One (k, 2) ring per radio, without the closing vertex: an (n, k, 2)
        array when all are discs, else a list.

    Examples
    --------
    >>> from infra.engine import polyclip
    >>> xy, r = np.array([[10.0, 20.0]]), np.array([1000.0])
    >>> ring = footprint_rings(xy, r)[0]
    >>> round(polyclip.area([ring]) / float(shapely.area(footprints(xy, r)[0])), 12)
    1.0
    """
    q = settings.FOOTPRINT_QUAD_SEGS if quad_segs is None else quad_segs
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    r = np.asarray(range_m, dtype=float)
    discs = xy[:, None, :] + r[:, None, None] * _unit_disc(q)[None]
    if azimuth_deg is None or beamwidth_deg is None:
        return discs
    az = np.asarray(azimuth_deg, dtype=float)
    bw = np.asarray(beamwidth_deg, dtype=float)
    aimed = np.flatnonzero(is_aimed(az, bw))
    if not len(aimed):
        return discs
    out = list(discs)
    for i in aimed:
        sector = shapely.orient_polygons(_sector(xy[i, 0], xy[i, 1], r[i], az[i], bw[i], 90.0 / q))
        out[i] = shapely.get_coordinates(sector.exterior)[:-1]
    return out
