"""Per-unit report tables (one row per unit plus the city) and their files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd

from infra.dataset import Dataset
from infra.engine import CITY, Engine, ModelOptions
from infra.io import write_gpkg_layers
from infra.plan import TARGET_METRICS, plan_vs_actual
from infra.population import layers_for

Format = Literal["csv", "xlsx", "gpkg"]

#: Metrics shown as columns: (metric, technology); operator is always "*".
KEY_METRICS: tuple[tuple[str, str], ...] = (
    ("area_km2", "*"), ("population", "*"),
    ("area_coverage_pct", "2G"), ("area_coverage_pct", "3G"), ("area_coverage_pct", "4G"), ("area_coverage_pct", "5G"),
    ("pop_coverage_pct", "4G"), ("pop_coverage_pct", "5G"),
    ("sites_standing", "*"), ("sites_on_air", "*"), ("radios_on_air", "2G"), ("radios_on_air", "3G"),
    ("radios_on_air", "4G"), ("radios_on_air", "5G"), ("two_g_off_pct", "2G"), ("sites_5g_pilot", "5G"),
    ("sites_5g_commercial", "5G"), ("shared_site_pct", "*"), ("bulky_masts_in_zones", "*"),
    ("bulky_masts_converted_pct", "*"), ("new_sites_since_2017", "*"),
)
#: First date of the series behind target paths and trends.
SERIES_START = pd.Timestamp("2019-03-31")


def series_dates(as_of: dt.date | str | pd.Timestamp, *, start: pd.Timestamp | None = None) -> list[pd.Timestamp]:
    """Quarter ends from ``start`` (default 31 Mar 2019) up to ``as_of``, and ``as_of`` itself."""
    t = pd.Timestamp(as_of).normalize()
    dates = list(pd.date_range(start or SERIES_START, t, freq="QE"))
    return [d for d in dates if d < t] + [t]


def column_name(metric: str, tech: str) -> str:
    """Column of a key metric, e.g. ``area_coverage_pct_4G`` or ``sites_standing``."""
    return metric if tech == "*" else f"{metric}_{tech}"


def unit_table(ds: Dataset, *, layer: str, as_of: dt.date | str | pd.Timestamp,
               options: ModelOptions | None = None, engine: Engine | None = None,
               series: pd.DataFrame | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """One row per unit of ``layer`` plus the city: key metrics, targets, gaps and status.

    Parameters
    ----------
    ds
        The dataset.
    layer
        Admin layer.
    as_of
        Date of the report.
    options
        Coverage model (ignored when ``engine`` is given).
    engine
        A prepared engine covering ``layer`` (to reuse its caches).
    series
        Engine metrics for :func:`series_dates`; computed when ``None``.

    Returns
    -------
    table : geopandas.GeoDataFrame
        Wide table in EPSG:4326 (the city row has no geometry).
    plan : pandas.DataFrame
        The long plan-vs-actual rows behind the target columns.
    """
    eng = engine or Engine(ds.units, ds.sites, ds.radios, ds.zones, options=options, population=ds.population,
                          layers=layers_for(ds.units, layer, grid=ds.population))
    t = pd.Timestamp(as_of).normalize()
    series = series if series is not None else eng.series(series_dates(t))
    now = series[(series["layer"] == layer) & (pd.to_datetime(series["as_of"]) == t) & (series["operator"] == "*")]
    units = ds.layer(layer)
    base = pd.DataFrame({"unit_code": [*units["unit_code"], CITY], "name": [*units["name"], "Whole city"],
                         "unit_type": [*units["unit_type"], ""]})
    wide = now.pivot_table(index="unit_code", columns=["metric", "technology"], values="value", aggfunc="first")
    for metric, tech in KEY_METRICS:
        if (metric, tech) in wide.columns:
            base[column_name(metric, tech)] = base["unit_code"].map(wide[(metric, tech)])
    plan = plan_vs_actual(ds.targets, series, as_of=t, layer=layer)
    for tmetric in TARGET_METRICS:
        p = plan[plan["target_metric"] == tmetric].set_index("unit_code")
        if p.empty:
            continue
        for col in ("next_target", "next_year", "path", "gap", "status", "trend", "source"):
            base[f"{tmetric}:{col}"] = base["unit_code"].map(p[col])
    base.insert(3, "as_of", t.date().isoformat())
    geom = units.set_index("unit_code").geometry.reindex(base["unit_code"]).to_numpy()
    return gpd.GeoDataFrame(base, geometry=geom, crs=units.crs), plan


def write_table(table: gpd.GeoDataFrame, path: Path, *, fmt: Format, notices: list[str] | None = None) -> Path:
    """Write a unit table as CSV, Excel (with a ``notices`` sheet) or GeoPackage.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    path = Path(path)
    plain = pd.DataFrame(table.drop(columns="geometry"))
    if fmt == "csv":
        plain.to_csv(path, index=False, lineterminator="\n")
    elif fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            plain.to_excel(xl, sheet_name="units", index=False)
            pd.DataFrame({"notice": notices or []}).to_excel(xl, sheet_name="notices", index=False)
    elif fmt == "gpkg":
        layers: dict[str, pd.DataFrame] = {"units": table[table.geometry.notna()].copy()}
        layers["city"] = plain[plain["unit_code"] == CITY]
        if notices:
            layers["notices"] = pd.DataFrame({"notice": notices})
        write_gpkg_layers(path, layers)
    else:
        raise ValueError(f"unknown format {fmt!r}; use csv, xlsx or gpkg")
    return path
