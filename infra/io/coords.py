"""Coordinates as users write them: decimal degrees, DMS, VN-2000 x/y; swapped lat/lon detected."""

from __future__ import annotations

import math
import re

import numpy as np
from pyproj import Transformer

from infra import settings
from infra.i18n import N_

#: VN-2000 grids users bring: the Hanoi local zone (TM-3, central meridian 105°, k = 0.9999,
#: EPSG:5897) and VN-2000 / UTM 48N (EPSG:3405).
VN2000_CRS: dict[str, str] = {"vn2000_local": "EPSG:5897", "vn2000_utm48": "EPSG:3405"}
#: The grids' names for people (msgids), in the import form's choice.
GRID_LABELS: dict[str, str] = {"vn2000_local": N_("VN-2000, Hanoi local zone (EPSG:5897)"),
                               "vn2000_utm48": N_("VN-2000, UTM zone 48N (EPSG:3405)")}
#: Rough extent of Hanoi (lon_min, lat_min, lon_max, lat_max) with a small margin.
HANOI_BBOX: tuple[float, float, float, float] = (105.25, 20.53, 106.05, 21.42)

_DMS = re.compile(
    r"""^\s*(?P<sign>[-+])?\s*(?P<deg>\d+(?:[.,]\d+)?)\s*(?:°|º|d|deg|\s)\s*
        (?:(?P<min>\d+(?:[.,]\d+)?)\s*(?:'|′|m|min|\s)?\s*)?
        (?:(?P<sec>\d+(?:[.,]\d+)?)\s*(?:"|″|''|s|sec)?\s*)?
        (?P<hem>[NSEWnsew])?\s*$""",
    re.VERBOSE,
)


def parse_angle(text: str) -> float:
    r"""Decimal degrees from decimal text (``21.0285``, ``21,0285``) or degrees-minutes-seconds.

    Returns
    -------
    float
        NaN when the text is not an angle.

    Examples
    --------
    >>> parse_angle("21°01'42.6\"N")
    21.0285
    >>> parse_angle("105 51 0 E")
    105.85
    >>> math.isnan(parse_angle("north"))
    True
    """
    text = str(text).strip()
    if not text:
        return math.nan
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    m = _DMS.match(text)
    if not m:
        return math.nan
    value = float(m["deg"].replace(",", "."))
    value += float((m["min"] or "0").replace(",", ".")) / 60 + float((m["sec"] or "0").replace(",", ".")) / 3600
    if m["sign"] == "-" or (m["hem"] or "").upper() in ("S", "W"):
        value = -value
    return round(value, 10)


def in_hanoi(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points inside the rough Hanoi extent."""
    x0, y0, x1, y1 = HANOI_BBOX
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def vn2000_to_lonlat(x_north: np.ndarray, y_east: np.ndarray, grid: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert VN-2000 grid coordinates to WGS84 lon/lat.

    Parameters
    ----------
    x_north, y_east
        Vietnamese survey convention: X is the northing, Y the easting (metres).
    grid
        A key of :data:`VN2000_CRS` or any CRS pyproj understands.

    Returns
    -------
    lon, lat : numpy.ndarray
    """
    crs = VN2000_CRS.get(grid, grid)
    tr = Transformer.from_crs(crs, settings.DEFAULT_CRS, always_xy=True)
    lon, lat = tr.transform(np.asarray(y_east, float), np.asarray(x_north, float))
    return np.asarray(lon), np.asarray(lat)
