"""Per-unit report tables: one row per unit plus the city, with key metrics, targets, gaps and status."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from infra.contract import CITY, TARGET_METRICS
from infra.dataset import Dataset
from infra.engine import Engine, ModelOptions, as_timestamp, select
from infra.plan.series import series_dates
from infra.plan.status import plan_vs_actual

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
    eng = engine or Engine.from_dataset(ds, layer=layer, options=options)
    t = as_timestamp(as_of)
    series = series if series is not None else eng.series(series_dates(t))
    now = select(series, layer=layer, as_of=t, operator="*")
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


#: Background of each status in the Units table.
STATUS_COLOURS: dict[str, str] = {"achieved": "#c7e9c0", "on track": "#fff3b0", "behind": "#fcbba1",
                                  "placeholder target": "#e0e0e0"}


def styled(table: pd.DataFrame) -> pd.io.formats.style.Styler:
    """A unit table for the screen: statuses coloured, counts without decimals, the rest to one decimal."""
    plain = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    status_cols = [col for col in plain.columns if col.endswith(":status")]
    numeric = list(plain.select_dtypes("number").columns)
    counts = [col for col in numeric if (plain[col].dropna() % 1 == 0).all()]
    return (plain.style.map(lambda v: f"background-color: {STATUS_COLOURS.get(v, '')}", subset=status_cols)
            .format(precision=1, thousands=",", subset=[col for col in numeric if col not in counts])
            .format(precision=0, thousands=",", subset=counts))
