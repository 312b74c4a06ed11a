"""A synthetic, deterministic demo inventory of passive sites and their radios.

Everything here is invented to look like Hanoi in shape (densities, operator
shares, mast classes, the 2G→5G timeline of DOMAIN.md) and is marked synthetic
wherever it is shown. Real inventories come in through the importers.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings

#: Sites per km² by legacy ward type (synthetic; urban wards denser than rural communes).
DENSITY_PER_KM2: dict[str, float] = {"phường": 9.0, "thị trấn": 4.0, "xã": 0.95}
#: Subscriber-like shares used to draw the host operator of a site (synthetic).
OPERATOR_SHARE: dict[str, float] = {
    "Viettel": 0.50, "VinaPhone": 0.26, "MobiFone": 0.19, "Vietnamobile": 0.04, "Gmobile": 0.01,
}
#: Probability that a site hosts 1, 2, 3, 4 operators (shared sites ≈ 33 %, DOMAIN.md 30–35 % M).
OPERATORS_PER_SITE_P: tuple[float, ...] = (0.67, 0.22, 0.09, 0.02)
#: Mast class mix of urban (phường) and other wards.
MAST_MIX_URBAN: dict[str, float] = {"A1a": 0.38, "A1b": 0.14, "A2a": 0.30, "pole": 0.12, "indoor": 0.06}
MAST_MIX_RURAL: dict[str, float] = {"A2b": 0.72, "A2a": 0.10, "A1a": 0.12, "pole": 0.06}
HEIGHT_M: dict[str, tuple[float, float]] = {
    "A1a": (2.0, 3.0), "A1b": (3.0, 8.0), "A2a": (12.0, 30.0), "A2b": (30.0, 60.0), "pole": (8.0, 15.0),
    "indoor": (2.0, 4.0),
}
#: 5G commercial launch per operator (DOMAIN.md: Viettel H; VNPT, MobiFone M).
FIVE_G_LAUNCH: dict[str, dt.date] = {
    "Viettel": settings.VIETTEL_5G_COMMERCIAL, "VinaPhone": dt.date(2024, 12, 1), "MobiFone": dt.date(2025, 4, 1),
}
BANDS_MHZ: dict[str, dict[str, float]] = {
    "2G": {"*": 900.0}, "3G": {"*": 2100.0}, "4G": {"*": 1800.0},
    "5G": {"Viettel": 2600.0, "VinaPhone": 3700.0, "MobiFone": 3500.0},
}
#: Mỹ Đình (Nam Từ Liêm), proposed for early 5G coverage (DOMAIN.md, M).
MY_DINH_LONLAT: tuple[float, float] = (105.7635, 21.0206)
FIRST_SITE_DATE = dt.date(2005, 1, 1)
LAST_PLANNED_DATE = dt.date(2030, 6, 30)


def _days(rng: np.random.Generator, start: dt.date, end: dt.date, n: int) -> np.ndarray:
    span = (end - start).days
    return np.datetime64(start) + rng.integers(0, span + 1, n).astype("timedelta64[D]")


def _points_in(rng: np.random.Generator, geom: shapely.Geometry, n: int) -> np.ndarray:
    """``n`` points drawn uniformly in ``geom`` (rejection sampling in its bounds)."""
    x0, y0, x1, y1 = geom.bounds
    out: list[np.ndarray] = []
    got = 0
    shapely.prepare(geom)
    while got < n:
        xy = np.c_[rng.uniform(x0, x1, 4 * n + 8), rng.uniform(y0, y1, 4 * n + 8)]
        xy = xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]
        out.append(xy)
        got += len(xy)
    return np.concatenate(out)[:n]


def _choice(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    keys = list(mix)
    p = np.array([mix[k] for k in keys])
    return np.asarray(keys)[rng.choice(len(keys), n, p=p / p.sum())]


def _draw_sites(rng: np.random.Generator, wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    metric = wards.to_crs(settings.METRIC_CRS)
    frames = []
    for ward in metric.sort_values("unit_code").itertuples():
        n = max(1, int(round(DENSITY_PER_KM2.get(ward.unit_type, 1.0) * ward.geometry.area / 1e6)))
        xy = _points_in(rng, ward.geometry, n)
        urban = ward.unit_type == "phường"
        frames.append(pd.DataFrame({
            "x": xy[:, 0], "y": xy[:, 1], "ward_code": ward.unit_code, "district_code": ward.district_code,
            "mast_class": _choice(rng, MAST_MIX_URBAN if urban else MAST_MIX_RURAL, n),
        }))
    df = pd.concat(frames, ignore_index=True)
    n = len(df)
    # ~60 % existed before the plan, ~30 % built 2017–2020 (≈2,250 new 4G masts), the rest later.
    era = rng.choice(3, n, p=[0.6, 0.3, 0.1])
    built = np.where(era == 0, _days(rng, FIRST_SITE_DATE, dt.date(2016, 12, 31), n),
                     np.where(era == 1, _days(rng, dt.date(2017, 1, 1), dt.date(2020, 12, 31), n),
                              _days(rng, dt.date(2021, 1, 1), LAST_PLANNED_DATE, n)))
    df["built_on"] = built
    small = df["mast_class"].isin(["pole", "indoor"]) & (era == 0)
    df.loc[small, "built_on"] = _days(rng, dt.date(2015, 1, 1), LAST_PLANNED_DATE, int(small.sum()))
    lo = np.array([HEIGHT_M[c][0] for c in df["mast_class"]])
    hi = np.array([HEIGHT_M[c][1] for c in df["mast_class"]])
    df["height_m"] = np.round(rng.uniform(lo, hi), 1)
    df["site_id"] = [f"SYN-{i:05d}" for i in range(1, n + 1)]
    pts = gpd.GeoSeries(gpd.points_from_xy(df["x"], df["y"]), crs=settings.METRIC_CRS).to_crs(settings.DEFAULT_CRS)
    return gpd.GeoDataFrame(df.drop(columns=["x", "y"]), geometry=pts.to_numpy(), crs=settings.DEFAULT_CRS)


def _restrict_zones(rng: np.random.Generator, sites: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """No new bulky masts in the zones; old ones converted (≥ 50 % by 2020, all before 2025)."""
    zone = shapely.union_all(zones.geometry.to_numpy())
    inside = sites.geometry.within(zone).to_numpy()
    sites = sites.assign(in_zone=inside, removed_on=pd.NaT, replaces="", notes="", origin_built=sites["built_on"])
    bulky = sites["mast_class"].isin(settings.BULKY_MAST_CLASSES).to_numpy()
    new_after_plan = sites["built_on"].to_numpy() >= np.datetime64(settings.PLAN_DECISION_DATE)
    fix_new = inside & bulky & new_after_plan
    sites.loc[fix_new, "mast_class"] = _choice(rng, {"A1a": 0.6, "A1b": 0.4}, int(fix_new.sum()))
    old = np.flatnonzero(inside & bulky & ~new_after_plan)
    by_2020 = np.zeros(len(old), dtype=bool)  # 60 % of them by 2020 (the plan asks for half), whatever the draw
    by_2020[rng.permutation(len(old))[:int(np.ceil(0.6 * len(old)))]] = True
    conv = np.where(by_2020, _days(rng, dt.date(2017, 9, 1), dt.date(2020, 12, 31), len(old)),
                    _days(rng, dt.date(2021, 1, 1), dt.date(2024, 12, 31), len(old)))
    sites.loc[sites.index[old], "removed_on"] = conv
    sites.loc[sites.index[old], "notes"] = "bulky mast in a restricted zone, converted"
    repl = sites.iloc[old].copy()
    repl["site_id"] = repl["site_id"] + "-C"
    repl["replaces"] = sites["site_id"].iloc[old].to_numpy()
    repl["mast_class"] = "A1b"
    repl["height_m"] = np.round(rng.uniform(3.0, 8.0, len(old)), 1)
    repl["built_on"] = conv
    repl["removed_on"] = pd.NaT
    repl["notes"] = "camouflaged mast replacing " + repl["replaces"]
    return pd.concat([sites, repl], ignore_index=True)


def _operators(rng: np.random.Generator, n: int) -> list[list[str]]:
    names = list(OPERATOR_SHARE)
    share = np.array([OPERATOR_SHARE[k] for k in names])
    count = rng.choice(len(OPERATORS_PER_SITE_P), n, p=OPERATORS_PER_SITE_P) + 1
    return [list(np.asarray(names)[rng.choice(len(names), k, replace=False, p=share)]) for k in count]


def _radio_rows(rng: np.random.Generator, site: pd.Series, ops: list[str], pilot_ops: set[str]) -> list[dict]:
    start = pd.Timestamp(site["built_on"]).date()
    built = pd.Timestamp(site["origin_built"]).date()  # the original mast's date, for a converted one
    end = pd.Timestamp(site["removed_on"]).date() if pd.notna(site["removed_on"]) else None
    rows = []

    def add(op: str, tech: str, on: dt.date, off: dt.date | None, pilot: bool = False) -> None:
        on = max(on, start)
        off = min(off, end) if off and end else (off or end)
        if off is not None and off <= on:
            return
        band = BANDS_MHZ[tech].get(op, BANDS_MHZ[tech].get("*", 3500.0))
        rows.append({"site_id": site["site_id"], "operator": op, "technology": tech, "band_mhz": band,
                     "on_date": on, "off_date": off, "pilot": pilot})

    def day(a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=int(rng.integers(0, (b - a).days + 1)))

    for op in ops:
        if built < dt.date(2020, 1, 1) and rng.random() < 0.85:
            add(op, "2G", built, day(settings.TWO_G_HANDSET_CUTOFF, settings.TWO_G_NETWORK_OFF))
        if built < dt.date(2023, 1, 1) and op != "Gmobile" and rng.random() < 0.8:
            add(op, "3G", max(built, dt.date(2010, 1, 1)), None)
        if op != "Gmobile":
            upgrade = day(dt.date(2017, 4, 1), dt.date(2020, 12, 31))  # existing sites get 4G in 2017–2020
            add(op, "4G", upgrade if built < dt.date(2017, 4, 1) else built, None)
        if op in pilot_ops:
            add(op, "5G", day(settings.FIRST_5G_CALL_HANOI, dt.date(2020, 12, 31)), settings.VIETTEL_5G_TRIAL_END, True)
        if op in FIVE_G_LAUNCH and rng.random() < 0.55:
            add(op, "5G", day(FIVE_G_LAUNCH[op], LAST_PLANNED_DATE), None)
    return rows


def _pilot_sites(rng: np.random.Generator, sites: gpd.GeoDataFrame, ops: list[list[str]],
                 urban_wards: set[str]) -> dict[int, set[str]]:
    """Viettel's trial sites (≤ 140, many around Mỹ Đình) and a few VNPT/MobiFone trials."""
    metric = sites.to_crs(settings.METRIC_CRS)
    md = gpd.GeoSeries([shapely.Point(MY_DINH_LONLAT)], crs=settings.DEFAULT_CRS).to_crs(settings.METRIC_CRS).iloc[0]
    dist = metric.distance(md).to_numpy()
    alive = (pd.to_datetime(sites["built_on"]) < "2019-01-01") & sites["removed_on"].isna()
    urban = sites["ward_code"].isin(urban_wards)
    pilots: dict[int, set[str]] = {}
    for op, near, total in (("Viettel", 45, 120), ("VinaPhone", 4, 12), ("MobiFone", 4, 10)):
        cand = np.flatnonzero(alive.to_numpy() & urban.to_numpy() & np.array([op in o for o in ops]))
        nearest = cand[np.argsort(dist[cand], kind="stable")[:near]]
        rest = np.setdiff1d(cand, nearest)
        chosen = np.r_[nearest, rng.choice(rest, min(total - near, len(rest)), replace=False)]
        for i in chosen:
            pilots.setdefault(int(i), set()).add(op)
    return pilots


def build_synthetic_inventory(wards: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *,
                              seed: int | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Draw the synthetic sites and radios for all of Hanoi.

    Parameters
    ----------
    wards
        Legacy wards (``unit_code``, ``unit_type``, ``district_code``, polygons).
    zones
        Restricted zones for bulky masts.
    seed
        Random seed; ``None`` reads ``settings.SYNTHETIC_SEED``.

    Returns
    -------
    sites : geopandas.GeoDataFrame
        Canonical sites plus ``ward_code``, ``district_code``, ``in_zone``, ``replaces``, ``notes``.
    radios : pandas.DataFrame
        Canonical radios.
    """
    rng = np.random.default_rng(settings.SYNTHETIC_SEED if seed is None else seed)
    sites = _restrict_zones(rng, _draw_sites(rng, wards), zones)
    ops = _operators(rng, len(sites))
    for i in np.flatnonzero(sites["replaces"].to_numpy() != ""):
        ops[i] = ops[int(np.flatnonzero(sites["site_id"].to_numpy() == sites["replaces"].iloc[i])[0])]
    pilots = _pilot_sites(rng, sites, ops, set(wards.loc[wards["unit_type"] == "phường", "unit_code"]))
    rows: list[dict] = []
    for i, (_, site) in enumerate(sites.iterrows()):
        rows += _radio_rows(rng, site, ops[i], pilots.get(i, set()))
    radios = pd.DataFrame(rows)
    for col in ("on_date", "off_date"):
        radios[col] = pd.to_datetime(radios[col])
    radios["pilot"] = radios["pilot"].astype(bool)
    for col in ("azimuth_deg", "beamwidth_deg", "range_m"):
        radios[col] = np.nan
    owner_is_towerco = rng.random(len(sites)) < 0.08
    sites["owner"] = np.where(owner_is_towerco, "TowerCo (synthetic)", [o[0] for o in ops])
    sites["name"] = "Synthetic site " + sites["site_id"]
    sites["built_on"] = pd.to_datetime(sites["built_on"])
    sites["removed_on"] = pd.to_datetime(sites["removed_on"])
    cols = ["site_id", "name", "owner", "mast_class", "height_m", "built_on", "removed_on",
            "ward_code", "district_code", "in_zone", "replaces", "notes", "geometry"]
    return sites[cols], radios
