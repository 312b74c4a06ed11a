"""Exports of what users see: the coverage map as a standalone HTML file."""

from __future__ import annotations

from pathlib import Path

import folium
import pandas as pd
from branca.element import Element

from infra.coverage_map import ATTRIBUTION, MapView, coverage_map
from infra.dataset import Dataset
from infra.engine import Engine, ModelOptions
from infra.maps import escape
from infra.population import layers_for


def metric_values(metrics: pd.DataFrame, view: MapView) -> pd.Series:
    """The choropleth metric of ``view`` per unit code, from engine metrics."""
    m = metrics[(metrics["layer"] == view.layer) & (metrics["metric"] == view.metric)
                & (metrics["technology"] == view.technology) & (metrics["operator"] == view.operator)
                & (metrics["unit_code"] != "*") & (pd.to_datetime(metrics["as_of"]) == pd.Timestamp(view.as_of))]
    return m.set_index("unit_code")["value"]


def title_box(ds: Dataset, view: MapView) -> Element:
    """Title, as-of date, filters, provenance and attribution (escaped) for a standalone map."""
    sources = "; ".join(f"{escape(k)}: {escape(p.source)}" for k, p in ds.provenance.items())
    return Element(
        '<div class="itt-title" style="position:fixed;top:10px;left:54px;z-index:9999;max-width:560px;'
        'background:rgba(255,255,255,.93);border:1px solid #888;padding:6px 10px;font:13px sans-serif;">'
        f"<b>{escape(view.title)}</b><br>{escape(view.describe())}<br>"
        f"<span style='font-size:11px'>Sources: {sources}<br>{escape(ATTRIBUTION)}</span></div>"
    )


def map_for_export(ds: Dataset, view: MapView, *, options: ModelOptions | None = None,
                   metrics: pd.DataFrame | None = None, history: pd.Series | None = None) -> folium.Map:
    """The coverage map of ``view`` with its title box, ready to save as one HTML file."""
    if metrics is None:
        eng = Engine(ds.units, ds.sites, ds.radios, ds.zones, options=options, population=ds.population,
                     layers=layers_for(ds.units, view.layer, grid=ds.population))
        metrics = eng.metrics(view.as_of)
    m = coverage_map(ds, view, metric_values(metrics, view), history=history)
    m.get_root().html.add_child(title_box(ds, view))
    return m


def export_map_html(ds: Dataset, view: MapView, path: Path, *, options: ModelOptions | None = None) -> Path:
    """Write the map of ``view`` as a standalone HTML file (scripts from the Leaflet CDNs, as folium does)."""
    path = Path(path)
    map_for_export(ds, view, options=options).save(str(path))
    return path
