"""Build the default admin layers (districts 2017–2025, 2025 units, zones) from the register.

The polygons are approximate (see :mod:`infra.defaults._tessellate`); codes, names, types
and the 2025 areas are official.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from infra import settings
from infra._errors import BuildError
from infra.defaults._tessellate import Seeds, tessellate
from infra.io.register import HanoiRegister


@dataclass(frozen=True)
class AdminLayers:
    """The default admin layers, all in EPSG:4326.

    Attributes
    ----------
    units
        Both canonical layers (``district`` and ``commune_2025``) in one frame.
    wards
        The legacy wards (before 1 Jul 2025), layer ``ward_legacy``, with ``district_code``.
    pieces
        One row per (legacy ward, 2025 unit) piece: ``ward_code``, ``unit_code``,
        ``district_code``, ``divided``, geometry — the common refinement of all layers.
    figures
        What the build reached (areas, fit errors), for the provenance and the log.
    """

    units: gpd.GeoDataFrame
    wards: gpd.GeoDataFrame
    pieces: gpd.GeoDataFrame
    figures: dict[str, float]


def _project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tr = Transformer.from_crs(settings.DEFAULT_CRS, settings.METRIC_CRS, always_xy=True)
    x, y = tr.transform(np.asarray(lon), np.asarray(lat))
    return np.asarray(x), np.asarray(y)


def _seeds(reg: HanoiRegister) -> Seeds:
    ward_idx = {c: i for i, c in enumerate(reg.legacy["ward_code"])}
    unit_idx = {c: i for i, c in enumerate(reg.units_2025["unit_code"])}
    wx, wy = _project(reg.legacy["lon"], reg.legacy["lat"])
    x0, y0 = _project(reg.legacy["west"], reg.legacy["south"])
    x1, y1 = _project(reg.legacy["east"], reg.legacy["north"])
    ux, uy = _project(reg.units_2025["lon"], reg.units_2025["lat"])
    return Seeds(
        ward_xy=np.c_[wx, wy],
        ward_bbox=np.c_[np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)],
        unit_xy=np.c_[ux, uy],
        unit_area_m2=reg.units_2025["area_km2"].to_numpy() * 1e6,
        piece_ward=reg.crosswalk["ward_code"].map(ward_idx).to_numpy(),
        piece_unit=reg.crosswalk["unit_code"].map(unit_idx).to_numpy(),
        ward_district=pd.factorize(reg.legacy["district_code"], sort=True)[0],
    )


def _dissolve(pieces: gpd.GeoDataFrame, by: str) -> gpd.GeoSeries:
    grouped = pieces.groupby(by, sort=True)["geometry"]
    geoms = {k: shapely.coverage_union_all(np.asarray(g.array)) for k, g in grouped}
    return gpd.GeoSeries(geoms, crs=pieces.crs)


def build_admin_layers(reg: HanoiRegister, *, resolution: float | None = None, smooth: float | None = None,
                       simplify: float | None = None) -> AdminLayers:
    """Draw the approximate district, 2025-unit and legacy-ward polygons.

    Parameters
    ----------
    reg
        The register read by :func:`infra._vau.read_hanoi_register`.
    resolution
        Grid cell (m); ``None`` reads ``settings.TESSELLATION_RESOLUTION_M``.
    smooth
        Smoothing of the shared edges (m, a Gaussian's standard deviation along them); ``None`` reads
        ``settings.TESSELLATION_SMOOTH_M``.
    simplify
        Simplification tolerance of the smoothed edges (m); ``None`` reads ``settings.TESSELLATION_SIMPLIFY_M``.

    Returns
    -------
    AdminLayers

    Raises
    ------
    BuildError
        If a 2025 unit or a legacy ward gets no territory.
    """
    res = settings.TESSELLATION_RESOLUTION_M if resolution is None else resolution
    sigma = settings.TESSELLATION_SMOOTH_M if smooth is None else smooth
    tol = settings.TESSELLATION_SIMPLIFY_M if simplify is None else simplify
    tess = tessellate(_seeds(reg), resolution=res, smooth=sigma, simplify=tol)
    pieces = reg.crosswalk.merge(reg.legacy[["ward_code", "district_code"]], on="ward_code")
    pieces = gpd.GeoDataFrame(pieces, geometry=list(tess.piece_geometry), crs=settings.METRIC_CRS)
    pieces = pieces[pieces.geometry.notna() & ~pieces.geometry.is_empty].reset_index(drop=True)
    missing_units = sorted(set(reg.units_2025["unit_code"]) - set(pieces["unit_code"]))
    missing_wards = sorted(set(reg.legacy["ward_code"]) - set(pieces["ward_code"]))
    if missing_units or missing_wards:
        raise BuildError(f"no territory drawn for 2025 units {missing_units} / legacy wards {missing_wards}")

    districts = reg.legacy.drop_duplicates("district_code").set_index("district_code").sort_index()
    d_geom = _dissolve(pieces, "district_code")
    d_frame = gpd.GeoDataFrame(
        {"layer": settings.LAYER_DISTRICT, "unit_code": districts.index,
         "name": districts["district_name"].to_numpy(), "unit_type": districts["district_type"].to_numpy(),
         "area_km2": (d_geom.area / 1e6).round(3).to_numpy()},
        geometry=d_geom.to_numpy(), crs=settings.METRIC_CRS,
    )
    u = reg.units_2025.set_index("unit_code").sort_index()
    u_geom = _dissolve(pieces, "unit_code")
    u_frame = gpd.GeoDataFrame(
        {"layer": settings.LAYER_COMMUNE_2025, "unit_code": u.index, "name": u["name"].to_numpy(),
         "unit_type": u["unit_type"].to_numpy(), "area_km2": u["area_km2"].to_numpy()},
        geometry=u_geom.reindex(u.index).to_numpy(), crs=settings.METRIC_CRS,
    )
    w = reg.legacy.set_index("ward_code").sort_index()
    w_geom = _dissolve(pieces, "ward_code")
    wards = gpd.GeoDataFrame(
        {"layer": "ward_legacy", "unit_code": w.index, "name": w["ward_name"].to_numpy(),
         "unit_type": w["ward_type"].to_numpy(), "area_km2": (w_geom.reindex(w.index).area / 1e6).round(3).to_numpy(),
         "district_code": w["district_code"].to_numpy()},
        geometry=w_geom.reindex(w.index).to_numpy(), crs=settings.METRIC_CRS,
    )
    drawn = u_frame.geometry.area.to_numpy() / 1e6
    rel = np.abs(drawn / u_frame["area_km2"].to_numpy() - 1)
    figures = {
        "district_total_km2": round(float(d_frame.geometry.area.sum() / 1e6), 2),
        "commune_2025_total_km2": round(float(drawn.sum()), 2),
        "official_2025_total_km2": round(float(u_frame["area_km2"].sum()), 2),
        "commune_2025_area_error_median_pct": round(float(np.median(rel) * 100), 2),
        "commune_2025_area_error_max_pct": round(float(rel.max() * 100), 2),
        "grid_resolution_m": res,
        "smoothing_m": sigma,
        "simplify_tolerance_m": tol,
        "boundary_edges": tess.figures["edges"],
        "boundary_edges_less_smoothed": tess.figures["edges_less_smoothed"],
    }
    units = pd.concat([d_frame, u_frame], ignore_index=True)
    return AdminLayers(
        units=units.to_crs(settings.DEFAULT_CRS),
        wards=wards.to_crs(settings.DEFAULT_CRS),
        pieces=pieces.to_crs(settings.DEFAULT_CRS),
        figures=figures,
    )


def build_zones(wards: gpd.GeoDataFrame, zone_wards: pd.DataFrame) -> gpd.GeoDataFrame:
    """Approximate the plan's restricted zones by the legacy wards that contain them.

    Parameters
    ----------
    wards
        Legacy wards from :func:`build_admin_layers`.
    zone_wards
        One row per (zone, ward): ``zone_id``, ``zone_name``, ``kind``, ``ward_code``,
        ``ward_name``, ``reason`` (the file ``data/restricted_zone_wards.csv``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone: ``zone_id``, ``name``, ``kind``, ``ward_codes``, geometry.

    Raises
    ------
    BuildError
        If a listed ward code is not in ``wards`` or its name does not match.
    """
    names = wards.set_index("unit_code")["name"]
    bad = [f"{r.ward_code} ({r.ward_name})" for r in zone_wards.itertuples()
           if names.get(r.ward_code) != r.ward_name]
    if bad:
        raise BuildError(f"restricted_zone_wards.csv: wards not found or renamed: {', '.join(bad)}")
    geom = wards.set_index("unit_code").geometry
    rows = []
    for (zid, zname, kind), g in zone_wards.groupby(["zone_id", "zone_name", "kind"], sort=True):
        codes = sorted(g["ward_code"])
        rows.append({"zone_id": zid, "name": zname, "kind": kind, "ward_codes": " ".join(codes),
                     "geometry": shapely.union_all(geom.loc[codes].to_numpy())})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=wards.crs)
