"""The coverage map: choropleth of a metric, sites by mast class and technology, zones, footprints.

:func:`coverage_map` returns a :class:`~infra.views.maps.MapDoc` (a state and the
parts it names) and never imports streamlit; the renderer in ``infra/web`` draws it.
Every text of the state is in the current language (:mod:`infra.i18n`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.dataset import Dataset
from infra.engine import ModelOptions
from infra.engine.asof import active, ended, started
from infra.engine.footprints import footprints
from infra.engine.lookup import positions
from infra.engine.model import radio_ranges
from infra.i18n import N_, _, date_text, number, percent
from infra.views.labels import layer_label, mast_label, metric_label
from infra.views.map_parts import MapParts, geojson, map_parts
from infra.views.maps import MAST_STYLES, MapDoc, map_words, mask, part, ticks

#: Colour per radio layer: the Okabe–Ito palette (colour-blind safe), grey for what was switched off.
TECH_COLOURS: dict[str, str] = {"2G": "#E69F00", "2G off": "#999999", "3G": "#009E73", "4G": "#0072B2",
                                "5G": "#D55E00", "5G pilot": "#CC79A7"}
TECH_NAMES: dict[str, str] = {"2G off": N_("2G switched off"), "5G pilot": N_("5G pilot")}
ATTRIBUTION = "Map data © OpenStreetMap contributors; admin codes: vietnamadminunits (MIT)"
TILES = {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": ATTRIBUTION,
         "name": "OpenStreetMap"}
#: Sequential scale of a level (ColorBrewer Blues), diverging scale of a change (PuOr; both colour-blind safe).
SCALE = ["#f7fbff", "#6baed6", "#08306b"]
DIVERGING = ["#b35806", "#f7f7f7", "#542788"]
#: Sites are grouped in cells of ``cell_px`` pixels with their count below ``below_zoom``, one by one above.
CLUSTER = {"below_zoom": 14, "cell_px": 56}
SHARED_COLOUR, BULKY_COLOUR = "#000000", "#000000"
TITLE = N_("Hanoi telecom infrastructure transition")
MODELS = {"fixed": N_("fixed radius"), "pathloss": N_("path loss")}


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
        The choropleth metric (engine names), e.g. ``area_coverage_pct`` / ``5G`` / ``*``: by default the 5G
        area coverage, which differs from unit to unit (4G covers every district).
    footprints
        Draw the coverage footprints of this technology ('' for none).
    options
        The coverage model whose ranges the footprints use.
    compare
        A second date: the choropleth shows the change of the metric from it to ``as_of``.
    title
        Title of the map (in the language of the moment it is made).
    """

    layer: str = settings.LAYER_DISTRICT
    as_of: dt.date = field(default_factory=dt.date.today)
    units: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    metric: str = "area_coverage_pct"
    technology: str = "5G"
    operator: str = "*"
    footprints: str = ""
    options: ModelOptions = field(default_factory=ModelOptions)
    compare: dt.date | None = None
    title: str = field(default_factory=lambda: _(TITLE))

    def describe(self) -> str:
        """One line describing the view (for titles and exports), in the current language."""
        return _("{layer}: {units} · {operators} · {technologies} · as of {date}").format(
            layer=layer_label(self.layer), units=", ".join(self.units) or _("all units"),
            operators=", ".join(self.operators) or _("all operators"),
            technologies=", ".join(self.technologies) or _("all technologies"), date=date_text(self.as_of))

    def caption(self) -> str:
        """The choropleth's caption, e.g. "5G area coverage (%)", or the change since the comparison date."""
        name = metric_label(self.metric, self.technology, self.operator)
        if self.compare is None:
            return name
        return _("Change in {metric} from {then} to {now}").format(metric=name, then=date_text(self.compare),
                                                                   now=date_text(self.as_of))


def _radios_at(ds: Dataset, view: MapView, ranges: np.ndarray) -> pd.DataFrame:
    r = ds.radios.assign(model_range_m=ranges)
    if view.operators:
        r = r[r["operator"].isin(view.operators)]
    if view.technologies:
        r = r[r["technology"].isin(view.technologies)]
    began, over = started(r["on_date"], view.as_of), ended(r["off_date"], view.as_of)
    return r.assign(on_air=began & ~over, was_on=began & over)


def model_ranges(ds: Dataset, options: ModelOptions) -> np.ndarray:
    """Range (m) of every radio of ``ds`` under a coverage model, without an engine.

    The path-loss model then assumes the default clutter: pass the engine's ranges,
    which know each site's clutter, when there is one.
    """
    return radio_ranges(ds.radios, model=options.model, fixed_radii_m=dict(options.fixed_radii_m),
                        max_loss_db=dict(options.max_loss_db)).to_numpy(dtype=float)


def value_text(x: float, *, pct: bool, change: bool) -> str:
    """A unit's value for people: a percent, a count or a signed change; "no data" when missing."""
    if pd.isna(x):
        return _("no data")
    text = percent(x, 1) if pct else number(x, 0 if float(x).is_integer() else 1)
    return ("+" + text) if change and x > 0 else text


def fill_colours(colours: list[str], vmin: float, vmax: float, values: pd.Series | np.ndarray) -> list[str]:
    """The colour of each value on a linear scale through ``colours`` (``#rrggbb``), as ``#rrggbbaa``.

    The colours stand evenly from ``vmin`` to ``vmax``; between two, each channel is interpolated linearly;
    below and above, the end colours; a missing value gets the first. The same figures as branca's
    ``LinearColormap``, which the app no longer imports for this (0.16 s with jinja2 at start-up).
    """
    n = len(colours)
    index = np.array([vmin + (vmax - vmin) * i * 1.0 / (n - 1) for i in range(n)])
    rgba = np.array([[int(c[k:k + 2], 16) / 255.0 for k in (1, 3, 5)] + [1.0] for c in colours])
    x = np.nan_to_num(np.asarray(values, dtype=float), nan=vmin)
    i = np.clip(np.searchsorted(index, x, side="left"), 1, n - 1)  # how many stops lie below x
    lo, hi = index[i - 1], index[i]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(lo < hi, (x - lo) * 1.0 / (hi - lo), 1.0)[:, None]
    out = (1.0 - p) * rgba[i - 1] + p * rgba[i]
    out = np.where((x <= index[0])[:, None], rgba[0], np.where((x >= index[-1])[:, None], rgba[-1], out))
    return ["#" + "".join(f"{int(u * 255.9999):02x}" for u in row) for row in out]


def choropleth(codes: list[str], values: pd.Series, shown: np.ndarray, *, caption: str, pct: bool = False,
               change: bool = False) -> tuple[dict, dict]:
    """The units' fill colours and value texts (in the order of ``codes``), and the colour scale.

    A level runs from 0 (to 100 for a percent); a ``change`` runs on a diverging scale
    centred on 0, as far either way as the largest change.
    """
    v = pd.Series(codes).map(values).astype(float)
    if change:
        vmax = max(float(v.abs().max()) if v.notna().any() else 0.0, 1.0)
        vmin, colours = -vmax, DIVERGING
    else:
        vmin, colours = 0.0, SCALE
        vmax = 100.0 if pct else max(float(v.max()) if v.notna().any() else 0.0, 1.0)
    fill = ["#cccccc" if pd.isna(x) else c for x, c in zip(v, fill_colours(colours, vmin, vmax, v), strict=True)]
    text = [value_text(x, pct=pct, change=change) for x in v]
    units = {"shown": mask(shown), "fill": fill, "text": text, "caption": caption}
    return units, {"caption": caption, "colours": colours, "ticks": ticks(vmin, vmax)}


def coverage_map(ds: Dataset, view: MapView, values: pd.Series, *, parts: MapParts | None = None,
                 before: pd.Series | None = None, ranges: np.ndarray | pd.Series | None = None) -> MapDoc:
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
    before
        The metric per unit code at ``view.compare``: the choropleth shows ``values - before``.
    ranges
        The range (m) of every radio of ``ds.radios`` (in its order) under the view's model, e.g. the engine's
        ``radios["range_m"]``; ``None`` computes them from ``view.options`` (:func:`model_ranges`).

    Returns
    -------
    MapDoc
        Layers: the choropleth, the passive sites by mast class (grouped at city zoom,
        with history popups), one layer per technology (``5G pilot`` apart, ``2G
        switched off``), shared sites, bulky masts in restricted zones, the zones and,
        if asked, the footprints (shown); the colour scale, two legends (radio layers,
        mast classes) and the data notices.
    """
    parts = parts or map_parts(ds)
    blobs = {ref: parts.blobs[ref] for ref in (parts.units[view.layer], parts.sites, parts.popups)}
    codes = parts.unit_codes[view.layer]
    layer_units = ds.layer(view.layer)
    shown = np.isin(codes, view.units) if view.units else np.ones(len(codes), bool)
    units = layer_units[shown]
    change = before is not None and view.compare is not None
    caption = (view if change else dataclasses.replace(view, compare=None)).caption()  # says what it shows
    shown_values = values.sub(before, fill_value=np.nan) if change else values
    unit_state, scale = choropleth(codes, shown_values, shown, caption=caption, pct=view.metric.endswith("pct"),
                                   change=change)
    crosswalk = {settings.LAYER_COMMUNE_2025: "former", settings.LAYER_DISTRICT: "new"}.get(view.layer)
    unit_state |= {"ref": parts.units[view.layer], "name": _("Choropleth: {caption}").format(caption=caption),
                   "crosswalk": crosswalk}
    sites = ds.sites
    standing = active(sites["built_on"], sites["removed_on"], view.as_of) & _inside(sites, units.geometry)
    rng = model_ranges(ds, view.options) if ranges is None else np.asarray(ranges, dtype=float)
    radios = _radios_at(ds, view, rng)
    radios = radios[_among(radios["site_id"], sites.loc[standing, "site_id"])]
    if view.operators or view.technologies:
        standing &= _among(sites["site_id"], radios.loc[radios["on_air"], "site_id"])
    points = [_sites_layer(sites, standing, parts.classes)]
    for label, sel in _tech_layers(radios):
        on = standing & _among(sites["site_id"], radios.loc[sel, "site_id"])
        points.append({"key": f"tech:{label}", "name": f"{_(TECH_NAMES.get(label, label))} ({number(on.sum())})",
                       "mask": mask(on), "colour": TECH_COLOURS[label], "radius": 2.5, "shape": "circle",
                       "show": label in ("5G", "5G pilot")})
    on_air = radios[radios["on_air"]]
    many = on_air.groupby("site_id")["operator"].nunique()
    shared = standing & _among(sites["site_id"], pd.Series(many.index[many > 1]))
    points.append({"key": "shared", "name": _("Shared sites ({n})").format(n=number(shared.sum())),
                   "mask": mask(shared), "colour": SHARED_COLOUR, "radius": 6, "shape": "ring", "show": True})
    zone = shapely.union_all(ds.zones.geometry.to_numpy()) if len(ds.zones) else shapely.Polygon()
    bulky = standing & sites["mast_class"].isin(settings.BULKY_MAST_CLASSES).to_numpy() & _inside(sites, [zone])
    points.append({"key": "bulky", "name": _("Bulky masts in restricted zones ({n})").format(n=number(bulky.sum())),
                   "mask": mask(bulky), "colour": BULKY_COLOUR, "radius": 6, "shape": "cross", "show": True})
    overlays = []
    if parts.zones:
        blobs[parts.zones] = parts.blobs[parts.zones]
        overlays.append({"key": "zones", "name": _("Restricted zones"), "ref": parts.zones, "show": False,
                         "style": {"color": "#c0392b", "weight": 1, "fillOpacity": 0.2}})
    if view.footprints:
        body, radii = _footprints(sites[standing], radios, view.footprints)
        ref, data = part(body)
        blobs[ref] = data
        overlays.append({"key": "footprints", "ref": ref, "show": True, "model": view.options.model,
                         "radius_m": radii,
                         "name": _("Footprints {tech}, {model} model").format(tech=view.footprints,
                                                                             model=_(MODELS[view.options.model])),
                         "style": {"color": TECH_COLOURS.get(view.footprints, "#333"), "weight": 0.5,
                                   "fillOpacity": 0.15}})
    bounds = None
    if view.units and len(units):
        x0, y0, x1, y1 = units.to_crs(4326).total_bounds
        bounds = [[float(y0), float(x0)], [float(y1), float(x1)]]
    notices = ds.notices()
    state = {"units": unit_state, "sites": {"ref": parts.sites, "popups": parts.popups}, "points": points,
             "operators": parts.operators, "overlays": overlays, "scale": scale,
             "legends": legends(parts.classes),
             "notice_title": (_("Some of this data is approximate or synthetic: read before use")
                              if notices else _("No approximate or synthetic data in this view.")),
             "notices": notices, "bounds": bounds, "tiles": TILES, "title": None, "words": map_words()}
    return MapDoc(state=state, parts=blobs)


def legends(classes: list[str]) -> list[dict]:
    """The two legends: the radio layers (Okabe–Ito circles) and the passive sites.

    The passive sites: a shape and colour per mast class, the marks of shared sites,
    bulky masts and groups of sites.
    """
    radio = [{"label": _(TECH_NAMES.get(t, t)), "colour": c, "shape": "circle"} for t, c in TECH_COLOURS.items()]
    masts = [{"label": mast_label(c), "colour": MAST_STYLES.get(c, ("#777777", "circle"))[0],
              "shape": MAST_STYLES.get(c, ("#777777", "circle"))[1]} for c in classes]
    masts += [{"label": _("Shared site (two operators or more)"), "colour": SHARED_COLOUR, "shape": "ring"},
              {"label": _("Bulky mast in a restricted zone"), "colour": BULKY_COLOUR, "shape": "cross"},
              {"label": _("Group of sites (zoom in to see each)"), "colour": "#3b6ea5", "shape": "cluster"}]
    return [{"key": "radio", "title": _("Radio layers: sites with a radio on air"), "items": radio},
            {"key": "mast", "title": _("Passive sites by mast class"), "items": masts}]


def _sites_layer(sites: gpd.GeoDataFrame, standing: np.ndarray, classes: list[str]) -> dict:
    counts = sites.loc[standing, "mast_class"].astype(str).value_counts()
    order = [classes.index(c) for c in counts.index]  # the commonest class drawn first, the rarest on top
    styles = [MAST_STYLES.get(c, ("#777777", "circle")) for c in classes]
    return {"key": "sites", "name": _("Passive sites by mast class ({n})").format(n=number(standing.sum())),
            "mask": mask(standing), "colours": [c for c, _s in styles], "shapes": [s for _c, s in styles],
            "order": order, "radius": 3.5, "interactive": True, "show": True, "cluster": CLUSTER}


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


def _footprints(sites: gpd.GeoDataFrame, radios: pd.DataFrame, tech: str) -> tuple[dict, dict]:
    """Union of the footprints of one technology's radios on air (simplified 25 m) as GeoJSON, and their ranges.

    The ranges are ``min``, ``median`` and ``max`` in metres, from the model's ``model_range_m``.
    """
    r = radios[radios["on_air"] & (radios["technology"] == tech)]
    r = r[_among(r["site_id"], sites["site_id"])]
    rng = r["model_range_m"].to_numpy(float)
    radii = ({"min": round(float(rng.min())), "median": round(float(np.median(rng))), "max": round(float(rng.max()))}
             if len(rng) else {})
    if not len(r):
        return {"type": "FeatureCollection", "features": []}, radii
    pts = sites.set_index("site_id").loc[r["site_id"]].to_crs(settings.METRIC_CRS).geometry
    fps = footprints(np.c_[pts.x, pts.y], rng, r["azimuth_deg"].to_numpy(float), r["beamwidth_deg"].to_numpy(float))
    union = gpd.GeoDataFrame(geometry=[shapely.union_all(fps).simplify(25)], crs=settings.METRIC_CRS)
    return geojson(union, {}), radii
