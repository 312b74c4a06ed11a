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

from infra.dataset import Dataset
from infra.views.maps import part


def site_history(sites: pd.DataFrame, radios: pd.DataFrame) -> pd.Series:
    """Popup text per site (plain text, one line per fact): name, mast, owner, built/removed, radios with on–off.

    The text is shown as text (``textContent``), so it is not HTML-escaped here.
    """
    def fmt(d: pd.Series) -> pd.Series:
        return d.dt.strftime("%Y-%m-%d").fillna("")

    r = radios.sort_values(["site_id", "technology", "operator", "on_date"])
    text = ("\n" + r["technology"].astype(str) + np.where(r["pilot"], " pilot", "") + " " + r["operator"].astype(str)
            + " " + fmt(r["on_date"]) + "–" + fmt(r["off_date"])).tolist()
    ids = r["site_id"].astype(str).to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    ends = np.r_[starts[1:], len(ids)]  # one slice of lines per site (pandas' "".join per group is 50x slower)
    lines = pd.Series(["".join(text[a:b]) for a, b in zip(starts, ends, strict=True)], index=ids[starts], dtype=object)
    head = (sites["name"].fillna(sites["site_id"]).astype(str) + " (" + sites["site_id"].astype(str) + ")\n"
            + sites["mast_class"].astype(str) + " · " + sites["owner"].fillna("").astype(str) + " · built "
            + fmt(sites["built_on"])
            + np.where(sites["removed_on"].notna(), " · removed " + fmt(sites["removed_on"]), ""))
    radio_lines = sites["site_id"].map(lines).astype(object).fillna("")  # a site may have no radio
    return pd.Series((head + radio_lines).to_numpy(), index=sites["site_id"].to_numpy())


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
    """The static parts of one dataset's maps.

    Attributes
    ----------
    units
        Layer → ref of its boundaries (properties ``i``, ``code``, ``name``, ``type``).
    unit_codes
        Layer → the unit codes in the order of that part.
    sites, popups
        Refs of every site (``lon``, ``lat``, mast class index ``cls``) and of their
        popup texts (``text``), in the order of the dataset's sites.
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
    blobs: dict[str, bytes] = field(repr=False)


def map_parts(ds: Dataset, *, history: pd.Series | None = None) -> MapParts:
    """Build the static parts of ``ds``'s maps.

    Parameters
    ----------
    ds
        Dataset.
    history
        Popup text per site id (:func:`site_history`); computed when ``None``.
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
                                           "name": texts(frame["name"]), "type": texts(frame["unit_type"])}))
    sites = ds.sites.to_crs(4326)
    classes = sorted(sites["mast_class"].astype(str).unique().tolist())
    cls = pd.Categorical(sites["mast_class"].astype(str), categories=classes).codes
    site_ref = add({"lon": np.round(sites.geometry.x.to_numpy(), 5).tolist(),
                    "lat": np.round(sites.geometry.y.to_numpy(), 5).tolist(), "cls": cls.tolist()})
    if history is None:
        history = site_history(sites, ds.radios)
    text = sites["site_id"].map(history).astype(object).fillna("").tolist()
    popups = add({"text": text})
    zones = add(geojson(ds.zones, {})) if len(ds.zones) else None
    return MapParts(units=units, unit_codes=codes, sites=site_ref, popups=popups, classes=classes, zones=zones,
                    blobs=blobs)
