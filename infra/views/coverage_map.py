"""The coverage map: choropleth of a metric, technology and mast-class layers, footprints, popups.

Builders return folium objects and never import streamlit. Every text from
data is escaped (:func:`infra.maps.escape`) before it is embedded.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import branca.colormap as cm
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium import plugins

from infra import settings
from infra.dataset import Dataset
from infra.engine.asof import ended, started
from infra.engine.footprints import footprints
from infra.engine.lookup import positions
from infra.engine.model import radio_ranges
from infra.views.maps import MAST_COLOURS, active_sites, escape, legend_box, notice_box, scale_box, stable_ids

TECH_COLOURS: dict[str, str] = {"2G": "#8c564b", "2G off": "#bbbbbb", "3G": "#9467bd", "4G": "#1f77b4",
                                "5G": "#d62728", "5G pilot": "#ff7f0e"}
ATTRIBUTION = "Map data © OpenStreetMap contributors; admin codes: vietnamadminunits (MIT)"


@dataclass(frozen=True)
class MapView:
    """What the map shows: layer, units, date, filters and the metric of the choropleth.

    Attributes
    ----------
    layer
        Admin layer.
    as_of
        Date.
    units
        Unit codes to show; empty means all.
    operators, technologies
        Filters of the site and footprint layers; empty means all.
    metric, technology, operator
        The choropleth metric (engine names), e.g. ``area_coverage_pct`` / ``4G`` / ``*``.
    footprints
        Draw the coverage footprints of this technology ('' for none).
    title
        Title of the map.
    """

    layer: str = settings.LAYER_DISTRICT
    as_of: dt.date = field(default_factory=dt.date.today)
    units: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    metric: str = "area_coverage_pct"
    technology: str = "4G"
    operator: str = "*"
    footprints: str = ""
    title: str = "Hanoi telecom infrastructure transition"

    def describe(self) -> str:
        """One line describing the view (for titles and exports)."""
        units = ", ".join(self.units) if self.units else "all units"
        ops = ", ".join(self.operators) if self.operators else "all operators"
        techs = ", ".join(self.technologies) if self.technologies else "all technologies"
        return f"{self.layer}: {units} · {ops} · {techs} · as of {self.as_of:%Y-%m-%d}"


class _LeafletOnlyMap(folium.Map):
    """A folium map that loads Leaflet and nothing else by default.

    folium also loads jQuery, Bootstrap (CSS and JS), Font Awesome and
    awesome-markers for every map; none of these layers uses them. Without them a
    map loads 4 files instead of 10 (plus its plugins), restyles nothing around
    it, and an exported file depends on fewer CDNs.
    """

    default_js = [(n, u) for n, u in folium.Map.default_js if n == "leaflet"]
    default_css = [(n, u) for n, u in folium.Map.default_css if n == "leaflet_css"]


def _radios_at(ds: Dataset, view: MapView) -> pd.DataFrame:
    r = ds.radios
    if view.operators:
        r = r[r["operator"].isin(view.operators)]
    if view.technologies:
        r = r[r["technology"].isin(view.technologies)]
    began, over = started(r["on_date"], view.as_of), ended(r["off_date"], view.as_of)
    return r.assign(on_air=began & ~over, was_on=began & over)


def site_history(sites: pd.DataFrame, radios: pd.DataFrame) -> pd.Series:
    """Popup text per site (escaped, one line per fact): name, mast, owner, built/removed, radios with on–off."""
    def fmt(d: pd.Series) -> pd.Series:
        return d.dt.strftime("%Y-%m-%d").fillna("")

    r = radios.sort_values(["technology", "operator", "on_date"])
    lines = ("\n" + r["technology"] + np.where(r["pilot"], " pilot", "") + " " + r["operator"].map(escape)
             + " " + fmt(r["on_date"]) + "–" + fmt(r["off_date"])).groupby(r["site_id"]).agg("".join)
    head = (sites["name"].fillna(sites["site_id"]).astype(str).map(escape) + " ("
            + sites["site_id"].astype(str).map(escape) + ")\n" + sites["mast_class"].astype(str).map(escape)
            + " · " + sites["owner"].fillna("").astype(str).map(escape) + " · built " + fmt(sites["built_on"])
            + np.where(sites["removed_on"].notna(), " · removed " + fmt(sites["removed_on"]), ""))
    radio_lines = sites["site_id"].map(lines).astype(object).fillna("")  # a site may have no radio
    return pd.Series((head + radio_lines).to_numpy(), index=sites["site_id"].to_numpy())


def _rounded(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Coordinates rounded to 5 decimals (about 1 m), for display only: keeps exports small."""
    return frame.set_geometry(shapely.transform(frame.geometry.to_numpy(), lambda c: np.round(c, 5)))


def _points(frame: gpd.GeoDataFrame, *, colour: str, name: str | None = None, show: bool = True,
            popup: bool = False, radius: float = 3) -> folium.GeoJson:
    """Canvas circle markers of one colour (with history popups if asked); coordinates rounded to 1 m."""
    coords = np.round(np.c_[frame.geometry.x, frame.geometry.y], 5).tolist()
    if popup:
        features = [{"type": "Feature", "properties": {"history": h}, "geometry": {"type": "Point", "coordinates": xy}}
                    for xy, h in zip(coords, frame["history"].tolist(), strict=True)]
    else:  # one MultiPoint: Leaflet still draws a marker per point, at a fifth of the bytes
        features = [{"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": coords}}]
    marker = folium.CircleMarker(radius=radius, weight=0.6, color=colour, fill=True, fill_color=colour,
                                 fill_opacity=0.8)
    marker.options["interactive"] = popup  # the others (5G over the sites) let clicks through to the site below
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name=name, show=show, control=name is not None,
        marker=marker,
        popup=folium.GeoJsonPopup(["history"], labels=False, max_width=420, style="white-space:pre-line")
        if popup else None,
    )


def _sites_by_mast(sites: gpd.GeoDataFrame, *, name: str) -> folium.FeatureGroup:
    """Sites with their history popups, a marker colour per mast class: one layer per class in one group.

    Not a style function: folium keys one by the first property of each feature,
    here the popup text, so the page carried every history twice, in a switch of
    thousands of cases run for every marker.
    """
    group = folium.FeatureGroup(name=name)
    for cls in sites["mast_class"].value_counts().index:  # the commonest class drawn first, the rarest on top
        part = sites[sites["mast_class"] == cls]
        _points(part, colour=MAST_COLOURS.get(cls, "#555555"), popup=True).add_to(group)
    return group


SCALE = ["#f7fbff", "#6baed6", "#08306b"]


def choropleth(units: gpd.GeoDataFrame, values: pd.Series, *, caption: str) -> tuple[folium.GeoJson, cm.ColorMap]:
    """Units coloured by ``values`` (indexed by unit code), with a tooltip; and the colour scale."""
    vmax = 100.0 if caption.endswith("(%)") else max(float(values.max() if len(values) else 0), 1.0)
    cmap = cm.LinearColormap(SCALE, vmin=0, vmax=vmax, caption=caption)
    data = _rounded(units[["unit_code", "name", "unit_type", "geometry"]].copy())
    for c in ("unit_code", "name", "unit_type"):
        data[c] = data[c].astype(str).map(escape)
    data["value"] = units["unit_code"].map(values).round(2)
    data["value_text"] = data["value"].map(lambda v: "no data" if pd.isna(v) else f"{v:,.2f}")

    def style(feature: dict) -> dict:
        v = feature["properties"]["value"]
        return {"fillColor": "#cccccc" if v is None else cmap(v), "color": "#2c3e50", "weight": 1,
                "fillOpacity": 0.65}

    layer = folium.GeoJson(
        data.to_json(drop_id=True), name=f"Choropleth: {caption}", style_function=style,
        highlight_function=lambda _: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(["name", "unit_code", "value_text"], aliases=["Unit", "Code", caption]),
    )
    return layer, cmap


def coverage_map(ds: Dataset, view: MapView, values: pd.Series, *, history: pd.Series | None = None) -> folium.Map:
    """The full map of a view.

    Parameters
    ----------
    ds
        Dataset.
    view
        What to show.
    values
        The choropleth metric per unit code (from the engine).
    history
        Popup text per site id (:func:`site_history` of the whole dataset); computed when ``None``.

    Returns
    -------
    folium.Map
        Layers: the choropleth, ``Passive sites`` (by mast class, with history
        popups), ``Bulky masts in restricted zones``, one layer per technology
        (``5G pilot`` apart, ``2G switched off``), ``Restricted zones`` and, if
        asked, ``Footprints``; layer control, fullscreen, measure, scale, legends
        and the data notices.
    """
    units = ds.layer(view.layer)
    if view.units:
        units = units[units["unit_code"].isin(view.units)]
    m = _LeafletOnlyMap(location=[21.03, 105.80], zoom_start=10, tiles=None, prefer_canvas=True,
                        control_scale=True)
    folium.TileLayer("OpenStreetMap", attr=ATTRIBUTION, name="OpenStreetMap").add_to(m)
    caption = f"{view.metric} {view.technology}/{view.operator}" + (" (%)" if view.metric.endswith("pct") else "")
    layer, cmap = choropleth(units, values, caption=caption)
    layer.add_to(m)
    m.get_root().html.add_child(scale_box(caption, SCALE, cmap.vmin, cmap.vmax))
    area = shapely.union_all(units.geometry.to_numpy())
    sites = active_sites(ds.sites, view.as_of)
    sites = sites[_inside(sites, area)]
    radios = _radios_at(ds, view)
    radios = radios[_among(radios["site_id"], sites["site_id"])]
    if view.operators or view.technologies:
        sites = sites[_among(sites["site_id"], radios.loc[radios["on_air"], "site_id"])]
    if history is None:
        history = site_history(sites, ds.radios[_among(ds.radios["site_id"], sites["site_id"])])
    sites = sites.assign(history=sites["site_id"].map(history).astype(object).fillna("").to_numpy())
    _sites_by_mast(sites, name=f"Passive sites by mast class ({len(sites):,})").add_to(m)
    zone = shapely.union_all(ds.zones.geometry.to_numpy()) if len(ds.zones) else shapely.Polygon()
    bulky = sites[sites["mast_class"].isin(settings.BULKY_MAST_CLASSES) & _inside(sites, zone)]
    _points(bulky, name=f"Bulky masts in restricted zones ({len(bulky)})", colour="#e31a1c", radius=6).add_to(m)
    for label, sel in _tech_layers(radios):
        pts = sites[_among(sites["site_id"], radios.loc[sel, "site_id"])]
        _points(pts, name=f"{label} ({len(pts):,})", colour=TECH_COLOURS[label], show=label in ("5G", "5G pilot"),
                radius=2.5).add_to(m)
    if len(ds.zones):
        folium.GeoJson(_rounded(ds.zones[["geometry"]]).to_json(drop_id=True), name="Restricted zones", show=False,
                       style_function=lambda _: {"color": "#c0392b", "weight": 1, "fillOpacity": 0.2}).add_to(m)
    if view.footprints:
        _footprint_layer(sites, radios, view.footprints).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MeasureControl(primary_length_unit="meters", primary_area_unit="sqmeters").add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.get_root().html.add_child(legend_box("Technology · mast class", {**TECH_COLOURS, **MAST_COLOURS}))
    m.get_root().html.add_child(notice_box(ds.notices() or ["No approximate or synthetic data in this view."]))
    if view.units and len(units):
        x0, y0, x1, y1 = units.total_bounds
        m.fit_bounds([[y0, x0], [y1, x1]])
    stable_ids(m)
    return m


def _among(ids: pd.Series, pool: pd.Series) -> np.ndarray:
    """``ids.isin(pool)`` for id columns, ~4x faster than pandas' Arrow-string ``isin`` on the default data."""
    return positions(ids, pool) >= 0


def _inside(points: gpd.GeoDataFrame, area) -> np.ndarray:
    """Points strictly inside ``area`` (as ``within``), tested against the prepared area."""
    shapely.prepare(area)
    return shapely.contains_xy(area, points.geometry.x.to_numpy(), points.geometry.y.to_numpy())


def _tech_layers(radios: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    tech, pilot = radios["technology"], radios["pilot"]
    return [("2G", radios["on_air"] & (tech == "2G")), ("2G off", radios["was_on"] & (tech == "2G")),
            ("3G", radios["on_air"] & (tech == "3G")), ("4G", radios["on_air"] & (tech == "4G")),
            ("5G", radios["on_air"] & (tech == "5G") & ~pilot), ("5G pilot", radios["on_air"] & (tech == "5G") & pilot)]


def _footprint_layer(sites: gpd.GeoDataFrame, radios: pd.DataFrame, tech: str) -> folium.GeoJson:
    """Union of the fixed-model footprints of one technology (simplified 25 m), hidden by default."""
    r = radios[radios["on_air"] & (radios["technology"] == tech)]
    pts = sites.set_index("site_id").loc[r["site_id"]].to_crs(settings.METRIC_CRS).geometry
    fps = footprints(np.c_[pts.x, pts.y], radio_ranges(r).to_numpy(), r["azimuth_deg"].to_numpy(float),
                     r["beamwidth_deg"].to_numpy(float))
    union = _rounded(gpd.GeoDataFrame(geometry=[shapely.union_all(fps).simplify(25)], crs=settings.METRIC_CRS)
                     .to_crs(4326))
    return folium.GeoJson(json.loads(union.to_json()), name=f"Footprints {tech}", show=False,
                          style_function=lambda _: {"color": TECH_COLOURS.get(tech, "#333"), "weight": 0.5,
                                                    "fillOpacity": 0.15})
