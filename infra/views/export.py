"""Exports of what users see: tables as files people open, and the coverage map made standalone.

Tables (:func:`table_file`): headers and statuses in the chosen language, values rounded. The map:
with its title, filters and sources.

The exported file holds everything it draws: Leaflet (from the ``xstatic-leaflet``
package), the renderer, the map's state and parts. Opened with no network, it
draws its units, sites, legend and notices; only the base map's tiles need the
internet, and the map says so when they cannot load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from infra import i18n
from infra.dataset import Dataset
from infra.engine import Engine, ModelOptions, select
from infra.io.exports import Format, table_bytes, write_table
from infra.io.web import asset_text, leaflet_css_inline
from infra.views.coverage_map import ATTRIBUTION, MapView, coverage_map
from infra.views.labels import sources_line
from infra.views.map_parts import MapParts
from infra.views.maps import MapDoc, mask, part, to_json, unmask
from infra.views.tables import decimals, for_people, headers


def _people(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    words = for_people(table)
    return gpd.GeoDataFrame(words, geometry=table.geometry.to_numpy(), crs=table.crs)


def table_file(table: gpd.GeoDataFrame, *, fmt: Format, notices: list[str] | None = None,
               compare: dt.date | None = None, path: Path | None = None) -> bytes | Path:
    """A unit table as a file people open: headers, statuses and trends in the current language, values rounded.

    Parameters
    ----------
    table
        :func:`~infra.views.tables.unit_table` (or the rows of it that are shown).
    fmt
        ``csv`` (UTF-8 with BOM), ``xlsx`` (frozen header, filters, number formats, a sheet of the machine
        column names and one of the notices) or ``gpkg``.
    notices
        What is approximate or synthetic about the data.
    compare
        The comparison date, for the headers of the values then.
    path
        Write the file there and return the path; ``None`` returns its bytes (a download).
    """
    words = _people(table)
    names = headers(table, compare=compare)
    places = {c: decimals(c) for c in table.columns if c != "geometry"}
    if path is None:
        return table_bytes(words, fmt=fmt, notices=notices, headers=names, decimals=places)
    return write_table(words, path, fmt=fmt, notices=notices, headers=names, decimals=places)


def metric_values(metrics: pd.DataFrame, view: MapView) -> pd.Series:
    """The choropleth metric of ``view`` per unit code, from engine metrics."""
    m = select(metrics, layer=view.layer, metric=view.metric, technology=view.technology, operator=view.operator,
               as_of=view.as_of, city=False)
    return m.set_index("unit_code")["value"]


def title(ds: Dataset, view: MapView) -> dict:
    """Title, as-of date and filters, provenance and attribution of a standalone map (plain texts)."""
    return {"heading": view.title, "lines": [view.describe()], "small": [sources_line(ds.provenance), ATTRIBUTION]}


def map_for_export(ds: Dataset, view: MapView, *, options: ModelOptions | None = None,
                   metrics: pd.DataFrame | None = None, parts: MapParts | None = None) -> MapDoc:
    """The coverage map of ``view`` with its title box, ready for :func:`standalone_html`."""
    if metrics is None:
        metrics = Engine.from_dataset(ds, layer=view.layer, options=options).metrics(view.as_of)
    doc = coverage_map(ds, view, metric_values(metrics, view), parts=parts)
    return _only_shown(dataclasses.replace(doc, state={**doc.state, "title": title(ds, view)}))


def _only_shown(doc: MapDoc) -> MapDoc:
    """The document with only the units and sites it shows: a file of one district carries that district alone."""
    st = doc.state
    n_sites = len(doc.load(st["sites"]["ref"])["lon"])
    keep = np.zeros(n_sites, bool)
    for p in st["points"]:
        keep |= unmask(p["mask"], n_sites)
    sites, popups = doc.load(st["sites"]["ref"]), doc.load(st["sites"]["popups"])
    sites = {k: np.asarray(v)[keep].tolist() for k, v in sites.items()}
    popups = {"text": np.asarray(popups["text"], dtype=object)[keep].tolist()}
    units = doc.load(st["units"]["ref"])
    n_units = len(units["features"])
    shown = unmask(st["units"]["shown"], n_units)
    units = {**units, "features": [f for f, s in zip(units["features"], shown, strict=True) if s]}
    refs = {"units": part(units), "sites": part(sites), "popups": part(popups)}
    unit_state = {**st["units"], "ref": refs["units"][0], "shown": mask(np.ones(int(shown.sum()), bool))}
    points = [{**p, "mask": mask(unmask(p["mask"], n_sites)[keep])} for p in st["points"]]
    state = {**st, "units": unit_state, "sites": {"ref": refs["sites"][0], "popups": refs["popups"][0]},
             "points": points}
    blobs = {ref: body for ref, body in refs.values()}
    blobs |= {o["ref"]: doc.parts[o["ref"]] for o in st["overlays"]}
    return MapDoc(state=state, parts=blobs)


def _script(text: str) -> str:
    """A script's text with every ``</script`` broken, so that nothing ends the element early."""
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def standalone_html(doc: MapDoc) -> str:
    """One HTML file that draws ``doc`` with no network: Leaflet, the renderer, the state and parts inlined.

    The same document gives the same bytes (the parts in the order the state names them).
    """
    heading = (doc.state.get("title") or {}).get("heading", "Hanoi telecom map")
    popups = doc.state["sites"]["popups"]

    def scripts(refs: list[str]) -> str:
        return "\n".join(f'<script type="application/json" data-part="{ref}">{doc.parts[ref].decode("utf-8")}</script>'
                         for ref in refs)

    first = scripts([ref for ref in doc.parts if ref != popups])
    later = scripts([popups])  # after the script that draws: read on a site's first click, not before the drawing
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.current()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(heading)}</title>\n"
        f"<style>{leaflet_css_inline()}</style>\n<style>{asset_text('itt_map.css')}</style>\n"
        f"<script>{_script(asset_text('leaflet.js'))}</script>\n<script>{_script(asset_text('itt_map.js'))}</script>\n"
        '</head>\n<body>\n<div id="itt-map"></div>\n'
        f'<script type="application/json" id="itt-state">{to_json(doc.state)}</script>\n{first}\n'
        f"<script>IttMap.fromDocument();</script>\n{later}\n</body>\n</html>\n"
    )
