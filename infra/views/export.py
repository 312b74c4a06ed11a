"""Exports of what users see: the coverage map made standalone, with its title, filters and sources."""

from __future__ import annotations

import folium
import pandas as pd
from branca.element import Element

from infra.dataset import Dataset
from infra.engine import Engine, ModelOptions, select
from infra.views.coverage_map import ATTRIBUTION, MapView, coverage_map
from infra.views.maps import escape


def metric_values(metrics: pd.DataFrame, view: MapView) -> pd.Series:
    """The choropleth metric of ``view`` per unit code, from engine metrics."""
    m = select(metrics, layer=view.layer, metric=view.metric, technology=view.technology, operator=view.operator,
               as_of=view.as_of, city=False)
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
        metrics = Engine.from_dataset(ds, layer=view.layer, options=options).metrics(view.as_of)
    m = coverage_map(ds, view, metric_values(metrics, view), history=history)
    m.get_root().html.add_child(title_box(ds, view))
    return m
