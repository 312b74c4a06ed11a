"""Shared pieces of the map builders: colours, standing sites, escaped legend and notice boxes.

Every text that comes from data (names, owners, notes) is HTML-escaped before it
is embedded, so a site called ``<img src=x onerror=alert(1)>`` shows as text.
"""

from __future__ import annotations

import datetime as dt
import html

import geopandas as gpd
import pandas as pd
from branca.element import Element

#: Colour per mast class (bulky classes in warm colours).
MAST_COLOURS: dict[str, str] = {
    "A1a": "#1b9e77", "A1b": "#66a61e", "A2a": "#d95f02", "A2b": "#e7298a",
    "pole": "#7570b3", "indoor": "#a6761d", "unknown": "#666666",
}


def active_sites(sites: gpd.GeoDataFrame, as_of: dt.date) -> gpd.GeoDataFrame:
    """Sites standing at ``as_of`` (built on or before, not yet removed)."""
    ts = pd.Timestamp(as_of)
    built = sites["built_on"].isna() | (sites["built_on"] <= ts)
    standing = sites["removed_on"].isna() | (sites["removed_on"] > ts)
    return sites[built & standing]


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
