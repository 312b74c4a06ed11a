"""The static parts of a dataset's maps: boundaries per layer, sites, their popups, the zones.

They depend on the dataset only, never on the view: built once, each is named by
its content hash, so the app's browser fetches it once, whatever the date, the
filters or the metric.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.dataset import Dataset
from infra.i18n import _, date_text
from infra.plan.crosswalk import overlay_weights
from infra.views.maps import part


def _dates(values: pd.Series) -> list[str]:
    """Dates for people in the current language (each distinct date formatted once); ``""`` for a missing one."""
    d = pd.to_datetime(values)
    seen = {x: date_text(x.date()) for x in d.dropna().unique().tolist()} if d.notna().any() else {}
    return [seen.get(x, "") if x == x else "" for x in d.tolist()]


def site_history(sites: pd.DataFrame, radios: pd.DataFrame) -> pd.Series:
    """Popup text per site in the current language (plain text, one line per fact).

    The site's name and id; its mast class, owner, when it was built (and removed);
    then one line per radio: technology (5G pilot apart), operator, on air since,
    switched off on. The text is shown as text (``textContent``), so it is not
    HTML-escaped here.
    """
    r = radios.sort_values(["site_id", "technology", "operator", "on_date"])
    pilot, tech = _("5G pilot"), r["technology"].astype(str).tolist()
    techs = [pilot if p else t for t, p in zip(tech, r["pilot"].astype(bool).tolist(), strict=True)]
    on, off, ops = _dates(r["on_date"]), _dates(r["off_date"]), r["operator"].astype(str).tolist()
    still, ended = _("{tech} {operator}: on air since {on}"), _("{tech} {operator}: on air {on}, switched off {off}")
    text = ["\n" + (ended if b else still).format(tech=t, operator=o, on=a or "?", off=b)
            for t, o, a, b in zip(techs, ops, on, off, strict=True)]
    ids = r["site_id"].astype(str).to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    ends = np.r_[starts[1:], len(ids)]  # one slice of lines per site (pandas' "".join per group is 50x slower)
    lines = pd.Series(["".join(text[a:b]) for a, b in zip(starts, ends, strict=True)], index=ids[starts], dtype=object)
    head_t, mast_t = _("{name} ({site_id})"), _("Mast class {cls} · owner {owner}")
    built_t, removed_t = _("Built {date}"), _("Built {date} · removed {removed}")
    names, sid = texts(sites["name"]), sites["site_id"].astype(str).tolist()
    built, removed = _dates(sites["built_on"]), _dates(sites["removed_on"])
    head = [head_t.format(name=n or i, site_id=i) + "\n" + mast_t.format(cls=c, owner=w or "?") + "\n"
            + (removed_t.format(date=b or "?", removed=x) if x else built_t.format(date=b or "?"))
            for n, i, c, w, b, x in zip(names, sid, texts(sites["mast_class"]), texts(sites["owner"]), built,
                                        removed, strict=True)]
    radio_lines = sites["site_id"].map(lines).astype(object).fillna("")  # a site may have no radio
    return pd.Series([h + x for h, x in zip(head, radio_lines, strict=True)], index=sites["site_id"].to_numpy())


_EPOCH = np.datetime64("1970-01-01", "D")


def _days(values: pd.Series) -> list[str]:
    """Dates as days since 1970 (text), ``""`` for a missing one: what the popups carry, compactly."""
    d = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    n = (d - _EPOCH).astype(np.int64)
    return ["" if bad else str(x) for x, bad in zip(n.tolist(), np.isnat(d).tolist(), strict=True)]


def popup_codes(sites: pd.DataFrame, radios: pd.DataFrame, *, operators: list[str]) -> pd.Series:
    r"""The facts of each site's popup, packed in one string, in no language.

    ``name \t site_id \t mast class \t owner \t built \t removed`` then one field per
    radio, ``technology:operator:on:off`` (``5G*`` for a 5G pilot, the operator as an
    index into ``operators``, dates as days since 1970, empty when none). The renderer
    writes the popup from it with the state's words (:func:`~infra.views.maps.map_words`)
    in the page's language: the part is the same in every language, and half the size
    of the texts.
    """
    r = radios.sort_values(["site_id", "technology", "operator", "on_date"])
    op_index = {o: k for k, o in enumerate(operators)}
    tech = [t + ("*" if p else "") for t, p in zip(r["technology"].astype(str), r["pilot"].astype(bool), strict=True)]
    ops = [str(op_index.get(o, -1)) for o in r["operator"].astype(str)]
    text = [f"\t{t}:{o}:{a}:{b}" for t, o, a, b in zip(tech, ops, _days(r["on_date"]), _days(r["off_date"]),
                                                        strict=True)]
    ids = r["site_id"].astype(str).to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    ends = np.r_[starts[1:], len(ids)]  # one slice of lines per site (pandas' "".join per group is 50x slower)
    lines = pd.Series(["".join(text[a:b]) for a, b in zip(starts, ends, strict=True)], index=ids[starts], dtype=object)

    def clean(column: pd.Series) -> list[str]:  # a tab in a name would shift the fields
        return [x.replace("\t", " ") for x in texts(column)]

    head = ["\t".join(f) for f in zip(clean(sites["name"]), clean(sites["site_id"]), clean(sites["mast_class"]),
                                      clean(sites["owner"]), _days(sites["built_on"]), _days(sites["removed_on"]),
                                      strict=True)]
    radio_lines = sites["site_id"].astype(str).map(lines).astype(object).fillna("").tolist()  # a site may have none
    return pd.Series([h + x for h, x in zip(head, radio_lines, strict=True)], index=sites["site_id"].to_numpy())


def layer_overlay(ds: Dataset, from_layer: str, to_layer: str) -> pd.DataFrame:
    """:func:`~infra.plan.crosswalk.overlay_weights` of two of ``ds``'s layers, computed once per dataset (read only).

    The map's crosswalk lists and the Units table's crosswalk column share it (``Dataset.memo``).
    """
    return ds.memo(("overlay_weights", from_layer, to_layer), lambda: overlay_weights(ds.units, from_layer, to_layer))


def crosswalk_lists(ds: Dataset, layer: str, codes: list[str]) -> list[list[list]]:
    """Per unit of ``layer`` (in the order of ``codes``): the units of the other layer it overlaps, with shares.

    On the 2025 layer, each unit's former district(s) and the share of the unit's area
    each gave; on the district layer, its 2025 units and the share of the district
    that went to each. ``[[name, percent], ...]``, largest first, shares under 1 %
    left out; empty when the dataset lacks either layer.
    """
    old, new = settings.LAYER_DISTRICT, settings.LAYER_COMMUNE_2025
    if layer not in (old, new) or not {old, new} <= set(ds.layers):
        return [[] for _ in codes]
    w = layer_overlay(ds, old, new)
    mine, other, share = ("to_code", "from_code", "share_of_to") if layer == new else ("from_code", "to_code",
                                                                                       "share_of_from")
    names = ds.layer(old if layer == new else new).set_index("unit_code")["name"].astype(str)
    w = w[w[share] >= 0.01].sort_values(share, ascending=False)
    out: dict[str, list] = {}
    for a, b, s in zip(w[mine].astype(str), w[other].astype(str), w[share], strict=True):
        out.setdefault(a, []).append([names.get(b, b), round(100 * float(s))])
    return [out.get(c, []) for c in codes]


def texts(column: pd.Series) -> list[str]:
    """A column as plain ``str`` for the page; a missing value (``NaN``, ``pd.NA``: any dtype) is ``""``.

    Examples
    --------
    >>> texts(pd.Series(["quận", None], dtype="string"))
    ['quận', '']
    """
    return [str(x) for x in column.astype(object).where(column.notna(), "")]


def rounded(geometry: np.ndarray) -> np.ndarray:
    """Coordinates rounded to 5 decimals (about 1 m), for display only: keeps the parts small."""
    return shapely.transform(geometry, lambda c: np.round(c, 5))


def geojson(frame: gpd.GeoDataFrame, properties: dict[str, list]) -> dict:
    """A FeatureCollection of ``frame``'s geometries (WGS84, rounded) with the given properties per feature."""
    geoms = rounded(frame.to_crs(4326).geometry.to_numpy())
    features = []
    for i, g in enumerate(geoms):
        props = {k: v[i] for k, v in properties.items()}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(g)})
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class MapParts:
    """The static parts of one dataset's maps, in no language (the renderer words them).

    Attributes
    ----------
    units
        Layer → ref of its boundaries (properties ``i``, ``code``, ``name``, ``type`` and ``x``, the
        crosswalk: ``[[name, percent], ...]`` of the other layer, see :func:`crosswalk_lists`).
    unit_codes
        Layer → the unit codes in the order of that part.
    sites, popups
        Refs of every site (``lon``, ``lat``, mast class index ``cls``) and of their popups
        (``text``: :func:`popup_codes`), in the order of the dataset's sites.
    operators
        The operators the popups' codes index.
    classes
        The mast classes ``cls`` indexes.
    zones
        Ref of the restricted zones, or ``None`` when the dataset has none.
    blobs
        ref → JSON bytes.
    """

    units: dict[str, str]
    unit_codes: dict[str, list[str]]
    sites: str
    popups: str
    classes: list[str]
    zones: str | None
    operators: list[str]
    blobs: dict[str, bytes] = field(repr=False)


def map_parts(ds: Dataset, *, history: pd.Series | None = None) -> MapParts:
    """Build the static parts of ``ds``'s maps.

    Parameters
    ----------
    ds
        Dataset.
    history
        Popup code per site id (:func:`popup_codes` with :data:`~infra.settings.OPERATORS`); computed when
        ``None``.
    """
    blobs: dict[str, bytes] = {}

    def add(obj: object) -> str:
        ref, body = part(obj)
        blobs[ref] = body
        return ref

    units, codes = {}, {}
    for layer in ds.layers:
        frame = ds.layer(layer)
        codes[layer] = frame["unit_code"].astype(str).tolist()
        units[layer] = add(geojson(frame, {"i": list(range(len(frame))), "code": codes[layer],
                                           "name": texts(frame["name"]), "type": texts(frame["unit_type"]),
                                           "x": crosswalk_lists(ds, layer, codes[layer])}))
    sites = ds.sites.to_crs(4326)
    classes = sorted(sites["mast_class"].astype(str).unique().tolist())
    cls = pd.Categorical(sites["mast_class"].astype(str), categories=classes).codes
    site_ref = add({"lon": np.round(sites.geometry.x.to_numpy(), 5).tolist(),
                    "lat": np.round(sites.geometry.y.to_numpy(), 5).tolist(), "cls": cls.tolist()})
    operators = list(settings.OPERATORS)
    if history is None:
        history = popup_codes(sites, ds.radios, operators=operators)
    text = sites["site_id"].map(history).astype(object).fillna("").tolist()
    popups = add({"text": text})
    zones = add(geojson(ds.zones, {})) if len(ds.zones) else None
    return MapParts(units=units, unit_codes=codes, sites=site_ref, popups=popups, classes=classes, zones=zones,
                    operators=operators, blobs=blobs)
