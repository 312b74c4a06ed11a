"""Shared pieces of the map builders: the map document, its parts, masks, colours, standing sites.

A map is a :class:`MapDoc`: a small JSON *state* (styles, values, masks, texts)
that names bulky *parts* (boundaries, sites, popups) by their content hash. The
renderer (``infra/web/itt_map.js``) draws both the app's map, which fetches each
part once and receives only the state on a rerun, and the exported file, which
inlines them. Every text from data reaches the page through ``textContent``,
never as HTML, and the JSON of a part or state escapes ``<``, ``>`` and ``&``
so that nothing in it can close the script that holds it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np

from infra.engine.asof import active
from infra.i18n import _, date_text, locale, number


def date_words() -> dict[str, object]:
    """How the renderer writes a date in the current language, as :func:`infra.i18n.date_text` does.

    ``date``: the pattern with ``{d}``, ``{m}``, ``{y}`` and ``{mon}`` (the abbreviated
    month, from ``months``), found by formatting a date whose parts cannot be confused.

    Examples
    --------
    >>> date_words()["date"]
    '{mon} {d}, {y}'
    """
    probe = date_text(dt.date(2033, 11, 22))
    months = [str(locale().months["format"]["abbreviated"][k]) for k in range(1, 13)]
    pattern = probe.replace("2033", "{y}").replace("22", "{d}")
    pattern = pattern.replace(months[10], "{mon}") if months[10] in pattern else pattern
    return {"date": pattern.replace("11", "{m}"), "months": months}


def map_words() -> dict[str, object]:
    """The renderer's own texts: its buttons, hints, tooltips, popups and warnings, as the page shows them.

    They travel in the map's state rather than in the JavaScript, so that the app's
    translation reaches the map too; the renderer fills each ``{placeholder}`` with
    the named value and sets the result as text.
    """
    return {
        "fullscreen": _("Full screen"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "layers": _("Layers"),
        "measure": _("Measure a distance"),
        "measure_hint": _("Click on the map to measure."),
        "metres": _("{metres} m"),
        "kilometres": _("{km} km"),
        "loading_history": _("Loading the site's history…"),
        "tooltip_unit": _("Unit: {name}"),
        "tooltip_code": _("Code: {code}"),
        "tooltip_value": "{caption}: {value}",
        "tooltip_former": _("Former district(s): {units}"),
        "tooltip_new": _("Its 2025 communes and wards: {units}"),
        "share": _("{name} ({share} %)"),
        "popup_head": _("{name} ({site_id})"),
        "popup_mast": _("Mast class {cls} · owner {owner}"),
        "popup_built": _("Built {date}"),
        "popup_removed": _("Built {date} · removed {removed}"),
        "popup_on": _("{tech} {operator}: on air since {on}"),
        "popup_off": _("{tech} {operator}: on air {on}, switched off {off}"),
        "pilot": _("5G pilot"),
        "tiles_failed": _("The base map's tiles cannot load (no internet here?): the units, sites, legends and "
                          "notices are drawn without them."),
        "failed": _("The map could not be drawn: {error}"),
        **date_words(),
    }


#: Colour and shape per mast class: Paul Tol's "muted" scheme (colour-blind safe), apart from the
#: technologies' Okabe–Ito colours; squares for the bulky classes, triangles for the light masts.
MAST_STYLES: dict[str, tuple[str, str]] = {
    "A1a": ("#332288", "triangle"), "A1b": ("#88CCEE", "triangle"), "A2a": ("#882255", "square"),
    "A2b": ("#CC6677", "square"), "pole": ("#117733", "diamond"), "indoor": ("#DDCC77", "circle"),
    "unknown": ("#777777", "circle"),
}
#: Colour per mast class (bulky classes in warm colours).
MAST_COLOURS: dict[str, str] = {k: c for k, (c, _shape) in MAST_STYLES.items()}


def to_json(obj: object) -> str:
    r"""Compact JSON that is safe inside an HTML ``<script>``: ``<``, ``>`` and ``&`` as ``\u`` escapes.

    These characters only ever stand inside JSON strings, where the escapes mean
    the same text; a site called ``</script><img onerror=…>`` therefore cannot
    end the script that carries the map.

    Examples
    --------
    >>> to_json({"name": "</script>&"})
    '{"name":"\\u003c/script\\u003e\\u0026"}'
    >>> json.loads(to_json({"name": "</script>&"}))["name"]
    '</script>&'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def part(obj: object) -> tuple[str, bytes]:
    """A part of a map: its ref (the first 20 hex digits of the SHA-256 of its bytes) and its JSON bytes."""
    body = to_json(obj).encode("utf-8")
    return hashlib.sha256(body).hexdigest()[:20], body


def mask(selected: np.ndarray) -> str:
    """A boolean array packed into bits (little bit order) and base64: 5,756 sites in 960 characters.

    Examples
    --------
    >>> mask(np.array([True, False, True]))
    'BQ=='
    """
    return base64.b64encode(np.packbits(np.asarray(selected, dtype=bool), bitorder="little").tobytes()).decode()


def unmask(text: str, n: int) -> np.ndarray:
    """The boolean array of :func:`mask` (for tests and checks).

    Examples
    --------
    >>> unmask(mask(np.array([True, False, True])), 3).tolist()
    [True, False, True]
    """
    return np.unpackbits(np.frombuffer(base64.b64decode(text), dtype=np.uint8), bitorder="little")[:n].astype(bool)


@dataclass(frozen=True)
class MapDoc:
    """A map for the renderer: its state, and every part the state names.

    Attributes
    ----------
    state
        JSON-able: ``units`` (the part of the layer's boundaries, a mask of the
        units shown, a fill colour and a value text per unit), ``sites`` (the
        parts of sites and popups), ``points`` (one layer of sites each: a mask,
        colours, radius), ``overlays`` (zones, footprints), ``scale``,
        ``legend``, ``notices``, ``bounds``, ``tiles`` and an optional ``title``.
    parts
        ref → JSON bytes of each part the state names (see :func:`part`).
    """

    state: dict
    parts: dict[str, bytes] = field(repr=False)

    def layer(self, key: str) -> dict:
        """The points or overlay layer of ``state`` with this key (``sites``, ``bulky``, ``tech:5G``, ``zones``…)."""
        return next(x for x in (*self.state["points"], *self.state["overlays"]) if x["key"] == key)

    def load(self, ref: str) -> object:
        """A part's data, as the renderer reads it."""
        return json.loads(self.parts[ref])


def selected_unit(value: dict | None, handled: str | None, codes: set[str]) -> str | None:
    """The unit a click on the app's map selects: the component's value when it is a new click on a known unit.

    Parameters
    ----------
    value
        The component's value: ``{"unit": code, "click": id}`` after a click on a
        unit (a click on a site opens its popup and sends nothing).
    handled
        The id of the last click acted on; the value stays the same across reruns.
    codes
        The unit codes of the layer: anything else the browser sends is ignored.

    Examples
    --------
    >>> selected_unit({"unit": "007", "click": "1-1"}, None, {"007"})
    '007'
    >>> selected_unit({"unit": "007", "click": "1-1"}, "1-1", {"007"}) is None  # the same click at the next rerun
    True
    >>> selected_unit({"unit": "<b>", "click": "1-2"}, None, {"007"}) is None
    True
    """
    if not isinstance(value, dict) or value.get("click") in (None, handled):
        return None
    unit = value.get("unit")
    return unit if isinstance(unit, str) and unit in codes else None


def active_sites(sites: gpd.GeoDataFrame, as_of: dt.date) -> gpd.GeoDataFrame:
    """Sites standing at ``as_of`` (built on or before, not yet removed)."""
    return sites[active(sites["built_on"], sites["removed_on"], as_of)]


def ticks(vmin: float, vmax: float) -> list[str]:
    """The three tick labels of a colour scale, as numbers for people in the current language.

    Examples
    --------
    >>> ticks(0, 100)
    ['0', '50', '100']
    >>> ticks(-2.5, 2.5)
    ['-2.5', '0', '2.5']
    """
    def say(v: float) -> str:
        return number(v, 0 if float(v).is_integer() or abs(v) >= 100 else 1)

    return [say(v) for v in (vmin, (vmin + vmax) / 2, vmax)]
