"""Folium map builders. They return folium objects and never import streamlit.

Every text that comes from data (names, owners, notes) is HTML-escaped before it
is embedded, so a site called ``<img src=x onerror=alert(1)>`` shows as text.
"""

from __future__ import annotations

import datetime as dt
import html

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element

from infra.dataset import Dataset

#: Colour per mast class (bulky classes in warm colours).
MAST_COLOURS: dict[str, str] = {
    "A1a": "#1b9e77", "A1b": "#66a61e", "A2a": "#d95f02", "A2b": "#e7298a",
    "pole": "#7570b3", "indoor": "#a6761d", "unknown": "#666666",
}
_HANOI_CENTRE = (21.03, 105.80)


def _escaped(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame[columns].copy()
    for col in columns:
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else html.escape(str(v)))
    return out


def active_sites(sites: gpd.GeoDataFrame, as_of: dt.date) -> gpd.GeoDataFrame:
    """Sites standing at ``as_of`` (built on or before, not yet removed)."""
    ts = pd.Timestamp(as_of)
    built = sites["built_on"].isna() | (sites["built_on"] <= ts)
    standing = sites["removed_on"].isna() | (sites["removed_on"] > ts)
    return sites[built & standing]


def units_layer(units: gpd.GeoDataFrame, *, name: str) -> folium.GeoJson:
    """Admin unit polygons with an escaped tooltip (name, code, type)."""
    data = gpd.GeoDataFrame(_escaped(units, ["unit_code", "name", "unit_type"]), geometry=units.geometry.to_numpy(),
                            crs=units.crs)
    return folium.GeoJson(
        data.to_json(drop_id=True),
        name=name,
        style_function=lambda _: {"color": "#2c3e50", "weight": 1.2, "fillColor": "#3498db", "fillOpacity": 0.08},
        highlight_function=lambda _: {"weight": 3, "fillOpacity": 0.25},
        tooltip=folium.GeoJsonTooltip(["name", "unit_code", "unit_type"], aliases=["Unit", "Code", "Type"]),
    )


def sites_layer(sites: gpd.GeoDataFrame, *, name: str = "Passive sites") -> folium.GeoJson:
    """Sites as canvas circle markers coloured by mast class, with escaped popups."""
    cols = ["site_id", "name", "owner", "mast_class", "built_on"]
    data = _escaped(sites.assign(built_on=sites["built_on"].dt.strftime("%Y-%m-%d")), cols)
    data = gpd.GeoDataFrame(data, geometry=sites.geometry.to_numpy(), crs=sites.crs)
    return folium.GeoJson(
        data.to_json(drop_id=True),
        name=name,
        marker=folium.CircleMarker(radius=3, weight=0.5, fill=True, fill_opacity=0.8),
        style_function=lambda f: {"color": MAST_COLOURS.get(f["properties"]["mast_class"], "#666666"),
                                  "fillColor": MAST_COLOURS.get(f["properties"]["mast_class"], "#666666")},
        popup=folium.GeoJsonPopup(cols, aliases=["Site", "Name", "Owner", "Mast class", "Built"]),
    )


def notice_box(lines: list[str]) -> Element:
    """A fixed box on the map listing the notices (escaped)."""
    items = "".join(f"<li>{html.escape(t)}</li>" for t in lines)
    return Element(
        '<div class="itt-notice" style="position:fixed;bottom:24px;left:12px;z-index:9999;max-width:460px;'
        'background:rgba(255,255,240,.92);border:1px solid #c9a400;padding:6px 10px;font:12px sans-serif;">'
        f"<b>Approximate / synthetic data</b><ul style='margin:4px 0 0 16px;padding:0'>{items}</ul></div>"
    )


def legend_box(title: str, colours: dict[str, str]) -> Element:
    """A fixed legend box (escaped labels)."""
    rows = "".join(
        f"<div><span style='display:inline-block;width:10px;height:10px;background:{c};margin-right:6px'></span>"
        f"{html.escape(k)}</div>" for k, c in colours.items()
    )
    return Element(
        '<div class="itt-legend" style="position:fixed;top:12px;right:56px;z-index:9999;background:white;'
        f'border:1px solid #999;padding:6px 10px;font:12px sans-serif;"><b>{html.escape(title)}</b>{rows}</div>'
    )


def overview_map(ds: Dataset, *, layer: str, as_of: dt.date | None = None) -> folium.Map:
    """Admin units of one layer, restricted zones and the sites standing at ``as_of``.

    Parameters
    ----------
    ds
        The dataset.
    layer
        Admin layer to draw (e.g. ``district``).
    as_of
        Date at which sites are shown; ``None`` means today.

    Returns
    -------
    folium.Map
        With layers named after the admin layer, ``Restricted zones`` and
        ``Passive sites``, a layer control, a legend and the data notices.
    """
    as_of = as_of or dt.date.today()
    m = folium.Map(location=_HANOI_CENTRE, zoom_start=10, tiles="OpenStreetMap", prefer_canvas=True,
                   control_scale=True)
    units_layer(ds.layer(layer), name=f"Admin units: {layer}").add_to(m)
    if len(ds.zones):
        folium.GeoJson(
            ds.zones[["zone_id", "geometry"]].to_json(drop_id=True), name="Restricted zones",
            style_function=lambda _: {"color": "#c0392b", "weight": 1, "fillColor": "#e74c3c", "fillOpacity": 0.25},
        ).add_to(m)
    sites_layer(active_sites(ds.sites, as_of), name=f"Passive sites on {as_of:%Y-%m-%d}").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.get_root().html.add_child(legend_box("Mast class", MAST_COLOURS))
    if ds.notices():
        m.get_root().html.add_child(notice_box(ds.notices()))
    return m
