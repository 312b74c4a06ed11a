"""Shared pieces of the map builders: colours, standing sites, escaping, legend and notice boxes.

Every text that comes from data (names, owners, notes) goes through :func:`escape`
before it is embedded, so a site called ``<img src=x onerror=alert(1)>`` shows as
text, and one called ``{{ 7*7 }}`` shows as typed: folium renders each element's
output once more as a Jinja template, which would otherwise evaluate it.
"""

from __future__ import annotations

import datetime as dt
import html

import folium
import geopandas as gpd
import shapely
from branca.element import Element

from infra.engine.asof import active

#: Colour per mast class (bulky classes in warm colours).
MAST_COLOURS: dict[str, str] = {
    "A1a": "#1b9e77", "A1b": "#66a61e", "A2a": "#d95f02", "A2b": "#e7298a",
    "pole": "#7570b3", "indoor": "#a6761d", "unknown": "#666666",
}


def escape(text: object) -> str:
    """Text made safe for a folium map: HTML-escaped, and its braces as entities.

    Besides ``html.escape``, ``{`` and ``}`` become ``&#123;`` and ``&#125;``:
    branca compiles every rendered element as a Jinja template, so ``{{ … }}`` in a
    site name would be evaluated on the server and ``{% … %}`` would break the map.

    Examples
    --------
    >>> escape("<b>{{ 7*7 }}</b>")
    '&lt;b&gt;&#123;&#123; 7*7 &#125;&#125;&lt;/b&gt;'
    """
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


def stable_ids(element, base: str = "div") -> None:
    """Name every element of a folium tree by its place in it (``div``, ``div_0``, ``div_0_1``).

    folium gives elements random ids. streamlit-folium renames them by this same
    scheme the first time it converts a map, and folium then adds a second
    ``addTo`` under the new name, which changes the script on the next rerun (the
    component is remounted and a click's value is lost) and leaves references to
    the old names. Named this way first, nothing is renamed, every render of a map
    gives the same script, and exported files are reproducible.

    Parameters
    ----------
    element
        A ``folium.Map`` (or any branca element), before it is rendered.
    base
        The id of ``element``; its children get ``{base}_{index}``.
    """
    element._id = base
    for i, child in enumerate(element._children.values()):
        stable_ids(child, f"{base}_{i}")


def render_once(m: folium.Map) -> folium.Map:
    """Render ``m`` now and make its later renders reuse this one; returns ``m``.

    streamlit-folium calls ``Map.render`` on every rerun, even with
    ``render=False``; for the default map that is half a second of Jinja work that
    gives the same output each time (see :func:`stable_ids`). For a map that is
    cached and no longer changed, the first render is kept.
    """
    m.get_root().render()
    m.render = lambda **kwargs: None  # the figure keeps what the first render put in it
    return m


def unit_at(units: gpd.GeoDataFrame, lon: float, lat: float) -> str | None:
    """The code of the unit under a clicked point (WGS84), or None outside every unit.

    Examples
    --------
    >>> import shapely
    >>> units = gpd.GeoDataFrame({"unit_code": ["001"]}, geometry=[shapely.box(105, 21, 106, 22)], crs=4326)
    >>> unit_at(units, 105.5, 21.5), unit_at(units, 104.0, 21.5)
    ('001', None)
    """
    hit = units.loc[units.to_crs(4326).contains(shapely.Point(lon, lat)), "unit_code"]
    return None if hit.empty else str(hit.iloc[0])


def clicked_unit(units: gpd.GeoDataFrame, now: dict | None, before: dict | None) -> str | None:
    """The unit a click on the app's map selects, from streamlit-folium's values at this run and the previous one.

    Units are drawn with tooltips, sites with popups; streamlit-folium keeps the
    last tooltip and popup it saw. A click on a unit changes the tooltip; a click on
    a site changes the popup, and must open it rather than select the unit under it.

    Parameters
    ----------
    units
        The units drawn.
    now, before
        ``last_object_clicked``, ``last_object_clicked_tooltip`` and
        ``last_object_clicked_popup`` at this run and at the previous one.

    Examples
    --------
    >>> units = gpd.GeoDataFrame({"unit_code": ["001"]}, geometry=[shapely.box(105, 21, 106, 22)], crs=4326)
    >>> unit = {"last_object_clicked": {"lat": 21.5, "lng": 105.5}, "last_object_clicked_tooltip": "Unit 001",
    ...         "last_object_clicked_popup": None}
    >>> clicked_unit(units, unit, None)
    '001'
    >>> site = {**unit, "last_object_clicked_popup": "Site S1 ..."}
    >>> clicked_unit(units, site, unit) is None  # the site's popup opens; the selection stays
    True
    """
    before = before or {}
    if not now or not now.get("last_object_clicked") or now == before:
        return None
    if now.get("last_object_clicked_popup") != before.get("last_object_clicked_popup"):
        return None  # a site
    if now.get("last_object_clicked_tooltip") in (None, before.get("last_object_clicked_tooltip")):
        return None  # not a unit, or the same unit again
    where = now["last_object_clicked"]
    return unit_at(units, where["lng"], where["lat"])


def active_sites(sites: gpd.GeoDataFrame, as_of: dt.date) -> gpd.GeoDataFrame:
    """Sites standing at ``as_of`` (built on or before, not yet removed)."""
    return sites[active(sites["built_on"], sites["removed_on"], as_of)]


def notice_box(lines: list[str]) -> Element:
    """A fixed box on the map listing the notices (escaped), which the user can fold."""
    items = "".join(f"<li>{escape(t)}</li>" for t in lines)
    return Element(  # open at first; a click on its title folds it away from the map
        '<details open class="itt-notice" style="position:fixed;bottom:24px;left:12px;z-index:9999;max-width:460px;'
        'background:rgba(255,255,240,.92);border:1px solid #c9a400;padding:6px 10px;font:12px sans-serif;">'
        "<summary style='cursor:pointer'><b>Approximate / synthetic data</b></summary>"
        f"<ul style='margin:4px 0 0 16px;padding:0'>{items}</ul></details>"
    )


def scale_box(caption: str, colours: list[str], vmin: float, vmax: float) -> Element:
    """A fixed colour-scale legend (CSS gradient; no d3, unlike branca's), with its caption escaped.

    Examples
    --------
    >>> html = scale_box("4G <area>", ["#fff", "#000"], 0, 100).render()
    >>> "linear-gradient(to right, #fff, #000)" in html and "4G &lt;area&gt;" in html
    True
    """
    mid = (vmin + vmax) / 2
    ticks = "".join(f"<span>{v:,.4g}</span>" for v in (vmin, mid, vmax))
    return Element(
        '<div class="itt-scale" style="position:fixed;bottom:24px;right:12px;z-index:9999;width:220px;'
        'background:rgba(255,255,255,.92);border:1px solid #999;padding:4px 8px;font:12px sans-serif;">'
        f"<div>{escape(caption)}</div>"
        f'<div style="height:10px;margin:3px 0;background:linear-gradient(to right, {", ".join(colours)})"></div>'
        f'<div style="display:flex;justify-content:space-between">{ticks}</div></div>'
    )


def legend_box(title: str, colours: dict[str, str]) -> Element:
    """A fixed legend box (escaped labels)."""
    rows = "".join(
        f"<div><span style='display:inline-block;width:10px;height:10px;background:{c};margin-right:6px'></span>"
        f"{escape(k)}</div>" for k, c in colours.items()
    )
    return Element(
        '<div class="itt-legend" style="position:fixed;top:12px;right:56px;z-index:9999;background:white;'
        f'border:1px solid #999;padding:6px 10px;font:12px sans-serif;"><b>{escape(title)}</b>{rows}</div>'
    )
