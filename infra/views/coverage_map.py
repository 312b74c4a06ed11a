"""The coverage map: choropleth of a metric, sites by mast class and technology, zones, footprints.

:func:`coverage_map` returns a :class:`~infra.views.maps.MapDoc` (a state and the
parts it names) and never imports streamlit; the renderer in ``infra/web`` draws it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import branca.colormap as cm
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.dataset import Dataset
from infra.engine.asof import active, ended, started
from infra.engine.footprints import footprints
from infra.engine.lookup import positions
from infra.engine.model import radio_ranges
from infra.views.map_parts import MapParts, geojson, map_parts
from infra.views.maps import MAST_COLOURS, MapDoc, map_words, mask, part, ticks

TECH_COLOURS: dict[str, str] = {"2G": "#8c564b", "2G off": "#bbbbbb", "3G": "#9467bd", "4G": "#1f77b4",
                                "5G": "#d62728", "5G pilot": "#ff7f0e"}
ATTRIBUTION = "Map data © OpenStreetMap contributors; admin codes: vietnamadminunits (MIT)"
TILES = {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": ATTRIBUTION,
         "name": "OpenStreetMap"}
SCALE = ["#f7fbff", "#6baed6", "#08306b"]


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

    def caption(self) -> str:
        """The choropleth's caption, e.g. ``area_coverage_pct 4G/* (%)``."""
        return f"{self.metric} {self.technology}/{self.operator}" + (" (%)" if self.metric.endswith("pct") else "")


def _radios_at(ds: Dataset, view: MapView) -> pd.DataFrame:
    r = ds.radios
    if view.operators:
        r = r[r["operator"].isin(view.operators)]
    if view.technologies:
        r = r[r["technology"].isin(view.technologies)]
    began, over = started(r["on_date"], view.as_of), ended(r["off_date"], view.as_of)
    return r.assign(on_air=began & ~over, was_on=began & over)


def choropleth(codes: list[str], values: pd.Series, shown: np.ndarray, *, caption: str) -> tuple[dict, dict]:
    """The units' fill colours and value texts (in the order of ``codes``), and the colour scale."""
    vmax = 100.0 if caption.endswith("(%)") else max(float(values.max() if len(values) else 0), 1.0)
    cmap = cm.LinearColormap(SCALE, vmin=0, vmax=vmax)
    v = pd.Series(codes).map(values).astype(float).round(2)
    fill = ["#cccccc" if pd.isna(x) else cmap(x) for x in v]
    text = ["no data" if pd.isna(x) else f"{x:,.2f}" for x in v]
    units = {"shown": mask(shown), "fill": fill, "text": text, "caption": caption}
    return units, {"caption": caption, "colours": SCALE, "ticks": ticks(0, vmax)}


def coverage_map(ds: Dataset, view: MapView, values: pd.Series, *, parts: MapParts | None = None) -> MapDoc:
    """The full map of a view.

    Parameters
    ----------
    ds
        Dataset.
    view
        What to show.
    values
        The choropleth metric per unit code (from the engine).
    parts
        The dataset's static parts (:func:`~infra.views.map_parts.map_parts`); built when ``None``.

    Returns
    -------
    MapDoc
        Layers: the choropleth, ``Passive sites`` (by mast class, with history
        popups), ``Bulky masts in restricted zones``, one layer per technology
        (``5G pilot`` apart, ``2G switched off``), ``Restricted zones`` and, if
        asked, ``Footprints``; the colour scale, the legend and the data notices.
    """
    parts = parts or map_parts(ds)
    blobs = {ref: parts.blobs[ref] for ref in (parts.units[view.layer], parts.sites, parts.popups)}
    codes = parts.unit_codes[view.layer]
    layer_units = ds.layer(view.layer)
    shown = np.isin(codes, view.units) if view.units else np.ones(len(codes), bool)
    units = layer_units[shown]
    caption = view.caption()
    unit_state, scale = choropleth(codes, values, shown, caption=caption)
    unit_state |= {"ref": parts.units[view.layer], "name": f"Choropleth: {caption}"}
    sites = ds.sites
    standing = active(sites["built_on"], sites["removed_on"], view.as_of) & _inside(sites, units.geometry)
    radios = _radios_at(ds, view)
    radios = radios[_among(radios["site_id"], sites.loc[standing, "site_id"])]
    if view.operators or view.technologies:
        standing &= _among(sites["site_id"], radios.loc[radios["on_air"], "site_id"])
    counts = sites.loc[standing, "mast_class"].astype(str).value_counts()
    order = [parts.classes.index(c) for c in counts.index]  # the commonest class drawn first, the rarest on top
    points = [{"key": "sites", "name": f"Passive sites by mast class ({int(standing.sum()):,})",
               "mask": mask(standing), "colours": [MAST_COLOURS.get(c, "#555555") for c in parts.classes],
               "order": order, "radius": 3, "interactive": True, "show": True}]
    zone = shapely.union_all(ds.zones.geometry.to_numpy()) if len(ds.zones) else shapely.Polygon()
    bulky = standing & sites["mast_class"].isin(settings.BULKY_MAST_CLASSES).to_numpy() & _inside(sites, [zone])
    points.append({"key": "bulky", "name": f"Bulky masts in restricted zones ({int(bulky.sum())})", "mask": mask(bulky),
                   "colour": "#e31a1c", "radius": 6, "show": True})
    for label, sel in _tech_layers(radios):
        on = standing & _among(sites["site_id"], radios.loc[sel, "site_id"])
        points.append({"key": f"tech:{label}", "name": f"{label} ({int(on.sum()):,})", "mask": mask(on),
                       "colour": TECH_COLOURS[label], "radius": 2.5, "show": label in ("5G", "5G pilot")})
    overlays = []
    if parts.zones:
        blobs[parts.zones] = parts.blobs[parts.zones]
        overlays.append({"key": "zones", "name": "Restricted zones", "ref": parts.zones, "show": False,
                         "style": {"color": "#c0392b", "weight": 1, "fillOpacity": 0.2}})
    if view.footprints:
        ref, body = part(_footprints(sites[standing], radios, view.footprints))
        blobs[ref] = body
        overlays.append({"key": "footprints", "name": f"Footprints {view.footprints}", "ref": ref, "show": False,
                         "style": {"color": TECH_COLOURS.get(view.footprints, "#333"), "weight": 0.5,
                                   "fillOpacity": 0.15}})
    bounds = None
    if view.units and len(units):
        x0, y0, x1, y1 = units.to_crs(4326).total_bounds
        bounds = [[float(y0), float(x0)], [float(y1), float(x1)]]
    state = {"units": unit_state, "sites": {"ref": parts.sites, "popups": parts.popups}, "points": points,
             "overlays": overlays, "scale": scale,
             "legend": {"title": "Technology · mast class", "items": [*TECH_COLOURS.items(), *MAST_COLOURS.items()]},
             "notice_title": "Approximate / synthetic data",
             "notices": ds.notices() or ["No approximate or synthetic data in this view."],
             "bounds": bounds, "tiles": TILES, "title": None, "words": map_words()}
    return MapDoc(state=state, parts=blobs)


def _among(ids: pd.Series, pool: pd.Series) -> np.ndarray:
    """``ids.isin(pool)`` for id columns, ~4x faster than pandas' Arrow-string ``isin`` on the default data."""
    return positions(ids, pool) >= 0


def _inside(points: gpd.GeoDataFrame, areas) -> np.ndarray:
    """Points strictly inside the union of ``areas`` (as ``within``), tested against the prepared union."""
    area = shapely.union_all(np.asarray(areas, dtype=object))
    shapely.prepare(area)
    pts = points.to_crs(4326).geometry if points.crs and not points.crs.equals(4326) else points.geometry
    return shapely.contains_xy(area, pts.x.to_numpy(), pts.y.to_numpy())


def _tech_layers(radios: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    tech, pilot = radios["technology"], radios["pilot"]
    return [("2G", radios["on_air"] & (tech == "2G")), ("2G off", radios["was_on"] & (tech == "2G")),
            ("3G", radios["on_air"] & (tech == "3G")), ("4G", radios["on_air"] & (tech == "4G")),
            ("5G", radios["on_air"] & (tech == "5G") & ~pilot), ("5G pilot", radios["on_air"] & (tech == "5G") & pilot)]


def _footprints(sites: gpd.GeoDataFrame, radios: pd.DataFrame, tech: str) -> dict:
    """Union of the footprints of one technology's radios on air (simplified 25 m), as GeoJSON."""
    r = radios[radios["on_air"] & (radios["technology"] == tech)]
    r = r[_among(r["site_id"], sites["site_id"])]
    pts = sites.set_index("site_id").loc[r["site_id"]].to_crs(settings.METRIC_CRS).geometry
    fps = footprints(np.c_[pts.x, pts.y], radio_ranges(r).to_numpy(), r["azimuth_deg"].to_numpy(float),
                     r["beamwidth_deg"].to_numpy(float))
    union = gpd.GeoDataFrame(geometry=[shapely.union_all(fps).simplify(25)], crs=settings.METRIC_CRS)
    return geojson(union, {})
